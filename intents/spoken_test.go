package intents

import "testing"

func TestSpokenDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"订单号是二一五六七八九零一二三四五六七八九零", "订单号是215678901234567890"},
		{"幺三八一二三四五六七八 打这个电话", "13812345678 打这个电话"},
		{"订单号 四七零五 二八八四 六五五零", "订单号 4705 2884 6550"}, // read aloud in groups
		{"买了 一二三 四五", "买了 一二三 四五"},
		{"一二三四五六七", "一二三四五六七"}, // seven: words, not a number
		{"十一月一号买的", "十一月一号买的"},
		{"杯子碎了", "杯子碎了"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := SpokenDigits(tc.in); got != tc.want {
			t.Errorf("SpokenDigits(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Plain English carries its request: the words that do are read as the Chinese the model
// knows (trial: "my lamp arrived broken. I want a refund" went to the inbox).
func TestEnglishRequests(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Label
	}{
		{"Hi, my lamp arrived broken. I want a refund please.", Refund},
		{"where is my package? order 215678901234567890", Logistics},
		{"I want to return it", Return},
		{"can I exchange it for a bigger one", Exchange},
	} {
		if got := Classify(tc.text); got.Label != tc.want {
			t.Errorf("Classify(%q) = %s (%.2f), want %s", tc.text, got.Label, got.Confidence, tc.want)
		}
	}
}
