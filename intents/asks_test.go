package intents

import "testing"

func TestAsks(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"听朋友说你家退货很麻烦 真的假的", true},
		{"包邮吗", true},
		{"保修多久", true},
		{"退货运费谁出", true},
		{"这个咋弄", true},
		{"有货不", true},
		{"发了没啊", true},
		{"走的普通快递么", true},
		{"甜不甜", true},
		{"容量多大", true},
		{"几天能到", true},
		{"是这个吧 对吧", true},
		{"有木有小一号的", true},
		{"好的", false},
		{"买了没几天", false},
		{"十几天了还没到", false},
		{"杯子碎了", false},
		{"我不要了", false},
		{"", false},
	} {
		if got := Asks(tc.text); got != tc.want {
			t.Errorf("Asks(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestHarms(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"孩子吃了拉肚子 现在在医院", true},
		{"脸上起红疹了", true},
		{"现在肿起来了 眼睛都肿了", true},
		{"戴上嘴唇肿了 喘不上气", true},
		{"杯子碎了", false},
		{"没有过敏 放心", false},
		{"我真是服了", false},
	} {
		if got := Harms(tc.text); got != tc.want {
			t.Errorf("Harms(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestFollowsUp(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"还有洗碗机", true},
		{"那新疆呢", true},
		{"另外枕套", true},
		{"洗碗机可以吗", false},
		{"", false},
	} {
		if got := FollowsUp(tc.text); got != tc.want {
			t.Errorf("FollowsUp(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
