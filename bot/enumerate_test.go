package bot

import (
	"slices"
	"strings"
	"testing"

	"github.com/aftersale/aftersale/intents"
)

func TestNumberedParts(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"1.沙发能不能约周日送 2.面膜用了过敏了想退", []string{"沙发能不能约周日送", "面膜用了过敏了想退"}},
		{"老板两个问题：1、四件套什么时候发货 2、杯子能进洗碗机吗", []string{"四件套什么时候发货", "杯子能进洗碗机吗"}},
		{"（1）杯子把手断了要退款\n（2）枕套颜色发错了要换", []string{"杯子把手断了要退款", "枕套颜色发错了要换"}},
		{"①杯子把手断了要退款 ②枕套颜色发错了要换 ③再问下包邮吗亲", []string{"杯子把手断了要退款", "枕套颜色发错了要换", "再问下包邮吗亲"}},
		{"1.退款 2.换货", nil},                          // options, not requests
		{"买了2.5米的床单 1.8米的床能用吗", nil},                // sizes, not markers
		{"订单4705288465508532862 2.杯子碎了", nil},       // the 2 ends a number
		{"1.杯子把手断了要退款", nil},                        // one item is no list
		{"2.杯子把手断了要退款 3.枕套颜色发错了要换", nil},            // not from 1
		{"我昨天在你们家买了两样东西都有问题 收到就是坏的 1.杯子 2.枕套", nil}, // long lead-in
	} {
		got := numberedParts(tc.text)
		if !slices.Equal(got, tc.want) {
			t.Errorf("numberedParts(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func FuzzNumberedParts(f *testing.F) {
	for _, s := range []string{"1.沙发能不能约周日送 2.面膜用了过敏了想退", "（1）杯子 （2）枕套", "①②③", "1.2.3.", "1、\n2、"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		parts := numberedParts(text)
		if len(parts) == 1 || len(parts) > maxParts {
			t.Fatalf("%d parts of %q", len(parts), text)
		}
		for _, p := range parts {
			if p == "" || !strings.Contains(text, p) {
				t.Fatalf("part %q not in %q", p, text)
			}
		}
	})
}

func TestDistinctAsks(t *testing.T) {
	e := &Engine{classify: intents.Default()}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"物流三天没动了 麻烦帮我催一下 另外被套想换成1.5米的 还有要开电子发票 抬头是某某科技有限公司",
			[]string{"物流三天没动了 麻烦帮我催一下", "被套想换成1.5米的", "要开电子发票 抬头是某某科技有限公司"}},
		{"杯子收到碎了一个 另外盖子也裂了 想退款", nil},    // one matter, two breaths
		{"这款保温杯还有货吗 想买两个送人 什么时候能发", nil}, // 还有货: stock
		{"谢谢你啊 另外祝你们生意兴隆 越来越好", nil},     // greetings
		{"四件套什么时候发货啊 另外能开发票吗", []string{"四件套什么时候发货啊", "能开发票吗"}},
	} {
		got := e.distinctAsks("", tc.text)
		if !slices.Equal(got, tc.want) {
			t.Errorf("distinctAsks(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
