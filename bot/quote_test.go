package bot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

const divider = "- - - - - - - - - - - - - - -"

func TestParseQuote(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
		want Quote
	}{
		{"web wechat, full-width colon", "「小店客服：请回复数字」\n" + divider + "\n3", true,
			Quote{Name: "小店客服", Quoted: "请回复数字", Text: "3"}},
		{"ascii colon", "「Betterme:[图片]」\n" + divider + "\n这个坏了", true,
			Quote{Name: "Betterme", Quoted: "[图片]", Text: "这个坏了"}},
		{"no name, spaces inside", "「 杯子碎了 」\n" + divider + "\n\n怎么还没处理", true,
			Quote{Quoted: "杯子碎了", Text: "怎么还没处理"}},
		{"multi-line quote", "「小店客服：请回复数字：\n1. 退款\n2. 换货\n0. 转人工」\n" + divider + "\n2", true,
			Quote{Name: "小店客服", Quoted: "请回复数字：\n1. 退款\n2. 换货\n0. 转人工", Text: "2"}},
		{"CRLF", "「小店客服：好的」\r\n" + divider + "\r\n订单号 4705288465508532862", true,
			Quote{Name: "小店客服", Quoted: "好的", Text: "订单号 4705288465508532862"}},
		{"other dash count and kind", "「店主：在吗」\n－ － － － － －\n在", true,
			Quote{Name: "店主", Quoted: "在吗", Text: "在"}},
		{"colon too far is part of the words", "「" + strings.Repeat("很", 30) + "：订单」\n" + divider + "\n嗯", true,
			Quote{Quoted: strings.Repeat("很", 30) + "：订单", Text: "嗯"}},
		{"quote of a quote", "「小王：「店主：在吗」\n" + divider + "\n在的」\n" + divider + "\n好", true,
			Quote{Name: "小王", Quoted: "「店主：在吗」\n" + divider + "\n在的", Text: "好"}},
		{"only a quote", "「小店客服：好的」\n" + divider, true,
			Quote{Name: "小店客服", Quoted: "好的"}},
		{"leading spaces", "  「小店客服：好的」\n" + divider + "\n 1 ", true,
			Quote{Name: "小店客服", Quoted: "好的", Text: "1"}},
		{"plain text", "我要退款", false, Quote{}},
		{"brackets without divider", "「我要退款」", false, Quote{}},
		{"divider without closing bracket", "「我要退款\n" + divider + "\n3", false, Quote{}},
		{"short dash line is not a divider", "「小店客服：好的」\n- -\n3", false, Quote{}},
		{"divider first", divider + "\n「好」", false, Quote{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseQuote(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("ParseQuote(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestQuotedMenu(t *testing.T) {
	tests := []struct {
		name, quoted string
		want         []string
	}{
		{"remedy menu", "非常抱歉给您添麻烦了🙏 请问您希望怎么处理？回复数字：\n1. 退款\n2. 退货退款\n3. 换货\n4. 维修\n5. 投诉\n0. 转人工",
			[]string{"refund", "return", "exchange", "repair", "complaint"}},
		{"line breaks flattened", "请回复数字： 1. 退款 2. 换货 3. 物流 0. 转人工", []string{"refund", "exchange", "logistics"}},
		{"no 转人工: not our menu", "1. 退款\n2. 换货", nil},
		{"out of order", "1. 退款\n3. 换货\n0. 转人工", nil},
		{"unknown option", "1. 退款\n2. 打折\n0. 转人工", nil},
		{"prose mentioning a refund", "已为您登记退款（单号 A1），店主会在 3 小时内处理", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quotedMenu(tt.quoted); !slices.Equal(got, tt.want) {
				t.Fatalf("quotedMenu(%q) = %q, want %q", tt.quoted, got, tt.want)
			}
		})
	}
}

// FuzzParseQuote: quotes come from chat. The parser must never panic, and what it returns
// must be pieces of what it was given: the new words the text's tail, the quote and the
// name from inside the brackets, the name on one line.
func FuzzParseQuote(f *testing.F) {
	for _, s := range []string{"「小店客服：请回复数字」\n" + divider + "\n3", "「 a 」\n-----\n", "「」\n-----\nx", "「\n-----\n」",
		"「：」\n-----\n", "「a：b」\r\n-----\r\n\r\n", "「」」\n-----\n-----\n", "\xff「", "「\xff：」\n-----\n\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q, ok := ParseQuote(text)
		if !ok {
			if q != (Quote{}) {
				t.Fatalf("ParseQuote(%q) = %+v with ok false", text, q)
			}
			return
		}
		norm := strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
		if !strings.HasPrefix(norm, "「") {
			t.Fatalf("ParseQuote(%q) found a quote in text not starting with 「", text)
		}
		if !strings.HasSuffix(norm, q.Text) || q.Text != strings.TrimSpace(q.Text) {
			t.Fatalf("ParseQuote(%q).Text = %q, not the trimmed tail", text, q.Text)
		}
		if !strings.Contains(norm, q.Quoted) || !strings.Contains(norm, q.Name) || strings.ContainsRune(q.Name, '\n') {
			t.Fatalf("ParseQuote(%q) = %+v, not pieces of the text", text, q)
		}
		if utf8.ValidString(text) && !(utf8.ValidString(q.Text) && utf8.ValidString(q.Quoted) && utf8.ValidString(q.Name)) {
			t.Fatalf("ParseQuote(%q) = %+v cut a character", text, q)
		}
		if len(q.Text) >= len(norm) {
			t.Fatalf("ParseQuote(%q).Text = %q is the whole message", text, q.Text)
		}
	})
}

// TestAnswersQuotedMenuOverLaterQuestion: a yes/no question came after the menu, and the
// buyer answers the menu by quoting it: "1" is the menu's first option, not a yes; words
// that pick nothing from it leave the question standing.
func TestAnswersQuotedMenuOverLaterQuestion(t *testing.T) {
	menu := "请问您希望怎么处理？回复数字：\n1. 退款\n2. 换货\n0. 转人工"
	tests := []struct {
		text        string
		wantMenu    []string
		wantConfirm bool
	}{
		{"1", []string{"refund", "exchange"}, false},
		{"0", []string{"refund", "exchange"}, false},
		{"7", nil, true},
		{"是的", nil, true},
	}
	for _, tt := range tests {
		sess := session{Confirm: &pendingConfirm{Label: "return"}}
		m := Message{Kind: KindText, Text: tt.text, quote: &Quote{Name: "小店", Quoted: menu, Text: tt.text}}
		(&Engine{}).answersQuote(m, &sess)
		if !slices.Equal(sess.Menu, tt.wantMenu) || (sess.Confirm != nil) != tt.wantConfirm {
			t.Errorf("%q under the quoted menu: Menu=%q Confirm=%v, want %q confirm %v", tt.text, sess.Menu, sess.Confirm, tt.wantMenu, tt.wantConfirm)
		}
	}
}
