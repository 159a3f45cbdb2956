package bot_test

import (
	"strings"
	"testing"

	"github.com/aftersale/aftersale/bot"
)

func TestSplitMenu(t *testing.T) {
	tests := []struct {
		name, text, head, tail string
		numbers                string // the choices' numbers in order; "" = no menu
	}{
		{"menu", "请回复数字：\n1. 退款\n2. 退货\n0. 转人工", "请回复数字：", "", "120"},
		{"tail kept", "选一个：\n1. 退款\n0. 转人工\n（也可以直接说）", "选一个：", "（也可以直接说）", "10"},
		{"no person line", "1. 退款\n2. 退货", "", "", ""},
		{"person line alone", "回复 0. 转人工", "", "", ""},
		{"not starting at 1", "2. 退货\n0. 转人工", "", "", ""},
		{"plain text", "好的，已为您登记。", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head, choices, tail, ok := bot.SplitMenu(tt.text)
			var nums strings.Builder
			for _, c := range choices {
				nums.WriteString(c.Number)
			}
			if ok != (tt.numbers != "") || nums.String() != tt.numbers || head != tt.head || tail != tt.tail {
				t.Fatalf("SplitMenu(%q) = %q %v %q %v, want %q %s %q", tt.text, head, choices, tail, ok, tt.head, tt.numbers, tt.tail)
			}
		})
	}
}

// TestEngineMenusSplit: the menus the engine really sends are read back by SplitMenu, and
// choosing a number it returns does what typing it does.
func TestEngineMenusSplit(t *testing.T) {
	h := newHarness(t)
	got := h.say(buyer, "东西有问题")
	if len(got) != 1 {
		t.Fatalf("replies = %q, want one menu", got)
	}
	head, choices, _, ok := bot.SplitMenu(got[0])
	if !ok || head == "" || len(choices) < 3 || choices[len(choices)-1] != (bot.MenuChoice{Number: "0", Label: "转人工"}) {
		t.Fatalf("SplitMenu(%q) = %q %v %v, want a head and numbered choices ending in 0. 转人工", got[0], head, choices, ok)
	}
	pick := ""
	for _, c := range choices {
		if c.Label == "退货退款" {
			pick = c.Number
		}
	}
	if pick == "" {
		t.Fatalf("choices %v offer no 退货退款", choices)
	}
	h.say(buyer, pick)
	mustContain(t, h.say(buyer, cupOrder), "A1")
	if c := h.mustCase("A1"); c.Intent != "return" {
		t.Fatalf("intent %s, want the chosen return", c.Intent)
	}
}
