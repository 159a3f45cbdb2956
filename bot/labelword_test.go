package bot

import (
	"testing"

	"github.com/aftersale/aftersale/intents"
)

// The words a merchant writes after 误判 name a label the way the bot named the case to
// them ("补发", "退货退款") or the way shops talk ("仅退款").
func TestLabelWord(t *testing.T) {
	for _, tc := range []struct {
		word string
		want intents.Label
		ok   bool
	}{
		{"", intents.Other, true},
		{"其他", intents.Other, true},
		{"refund", intents.Refund, true},
		{"退款", intents.Refund, true},
		{"仅退款", intents.Refund, true},
		{"退货", intents.Return, true},
		{"退货退款", intents.Return, true},
		{"换货", intents.Exchange, true},
		{"补发", intents.Exchange, true},
		{" 少件 ", intents.Exchange, true},
		{"查物流", intents.Logistics, true},
		{"转人工", intents.Human, true},
		{"取消", intents.Cancel, true},
		{"好评", "", false},
		{"退", "", false}, // one rune names nothing for sure
	} {
		got, ok := labelWord(tc.word)
		if got != tc.want || ok != tc.ok {
			t.Errorf("labelWord(%q) = %q, %v; want %q, %v", tc.word, got, ok, tc.want, tc.ok)
		}
	}
}
