package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
)

// quoting is a web WeChat reply quoting msg: the quote, a dashed line, the new words.
func quoting(name, msg, words string) string {
	return "「" + name + "：" + msg + "」\n- - - - - - - - - - - - - - -\n" + words
}

// TestQuotedMenuChoice replays issue 16's quoted reply: a buyer who quotes the bot's
// number menu and types 3 picks menu item 3, exactly as a plain 3 does (换货), and the
// case keeps their words, not the quote. Before, the quoted menu's words were read as
// the message (a 退款 or 投诉 case).
func TestQuotedMenuChoice(t *testing.T) {
	for _, quoted := range []bool{false, true} {
		h := newHarness(t)
		menu := h.say(buyer, "东西有问题")
		if len(menu) != 1 || !strings.Contains(menu[0], "3. 换货") {
			t.Fatalf("reply %q, want the remedy menu with 3. 换货", menu)
		}
		pick := "3"
		if quoted {
			pick = quoting("示例小店", menu[0], "3")
		}
		got := h.say(buyer, pick)
		mustContain(t, got, "换货", "订单号")
		got = h.say(buyer, cupOrder)
		mustContain(t, got, "A1")
		c := h.mustCase("A1")
		if c.Intent != "exchange" {
			t.Fatalf("quoted=%v: case intent %s, want exchange", quoted, c.Intent)
		}
		for _, said := range h.transcript("A1") {
			if strings.Contains(said, "「") || strings.Contains(said, "- - -") || strings.Contains(said, "退款") {
				t.Fatalf("quoted=%v: transcript %q keeps the quote", quoted, h.transcript("A1"))
			}
		}
	}
}

// TestQuotedMenuAfterSessionForgotIt: the buyer answers a menu quoted from earlier, after
// the bot forgot it (a restart past the session's 30 minutes): the number still means
// what it meant on the quoted menu.
func TestQuotedMenuAfterSessionForgotIt(t *testing.T) {
	h := newHarness(t)
	menu := h.say(buyer, "东西有问题")
	h.clock.Add(40 * time.Minute)
	h.start()
	got := h.say(buyer, quoting("示例小店", menu[0], "3"))
	mustContain(t, got, "换货", "订单号")
	h.say(buyer, cupOrder)
	if c := h.mustCase("A1"); c.Intent != "exchange" {
		t.Fatalf("case intent %s, want exchange", c.Intent)
	}
}

// TestQuotedRepliesReadOnlyNewWords: whatever the quote says, only the new words are the
// message — a number under a quote that is not our menu opens nothing, an OK under a
// quote about a refund is an OK, and an order number under our question for it is the
// answer to that question.
func TestQuotedRepliesReadOnlyNewWords(t *testing.T) {
	t.Run("number under a quote that is not a menu", func(t *testing.T) {
		h := newHarness(t)
		h.say(buyer, quoting("买家小王", "我要退款 "+cupOrder, "3"))
		if live := h.liveCases(); len(live) != 0 {
			t.Fatalf("a 3 under a quote opened %+v", live)
		}
	})
	t.Run("OK under a quote about a refund", func(t *testing.T) {
		h := newHarness(t)
		h.say(buyer, quoting("买家小王", "杯子碎了 要退款 订单"+cupOrder, "好的"))
		if live := h.liveCases(); len(live) != 0 {
			t.Fatalf("an OK under a quote opened %+v", live)
		}
	})
	t.Run("order number under our question for it", func(t *testing.T) {
		h := newHarness(t)
		ask := h.say(buyer, "杯子碎了 要退款")
		mustContain(t, ask, "订单号")
		got := h.say(buyer, quoting("示例小店", ask[len(ask)-1], cupOrder))
		mustContain(t, got, "A1")
		c := h.mustCase("A1")
		if c.Intent != "refund" || c.OrderID != cupOrder || c.State != cases.StateWaitingMerchant {
			t.Fatalf("case %+v, want a refund on %s waiting for the merchant", c, cupOrder)
		}
		if tr := h.transcript("A1"); strings.Contains(strings.Join(tr, "\n"), "「") {
			t.Fatalf("transcript %q keeps the quote", tr)
		}
	})
}

// TestQuotedQuestionAfterSessionForgotIt: the buyer answers our request for an order
// number, or our yes/no question, by quoting it after the bot forgot asking (a restart
// past the session's 30 minutes): the quote says which request the answer goes on with.
func TestQuotedQuestionAfterSessionForgotIt(t *testing.T) {
	t.Run("order number under our request for it", func(t *testing.T) {
		h := newHarness(t)
		ask := h.say(buyer, "杯子把手掉了 我要换货")
		mustContain(t, ask, "换货", "订单号")
		h.clock.Add(40 * time.Minute)
		h.start()
		got := h.say(buyer, quoting("示例小店", ask[len(ask)-1], cupOrder))
		mustContain(t, got, "A1")
		if c := h.mustCase("A1"); c.Intent != "exchange" || c.OrderID != cupOrder {
			t.Fatalf("case %s on %s, want exchange on %s", c.Intent, c.OrderID, cupOrder)
		}
	})
	t.Run("yes under our yes/no question", func(t *testing.T) {
		h := newHarness(t)
		got := h.say(buyer, quoting("示例小店", "您是要申请退货退款吗？回复 1 是 / 2 不是", "1"))
		mustContain(t, got, "退货退款", "订单号")
		h.say(buyer, cupOrder)
		if c := h.mustCase("A1"); c.Intent != "return" {
			t.Fatalf("case intent %s, want return", c.Intent)
		}
	})
	t.Run("a quote shortened to a start many questions share says nothing", func(t *testing.T) {
		h := newHarness(t)
		h.say(buyer, quoting("示例小店", "好的，帮您办理…", cupOrder))
		if live := h.liveCases(); len(live) != 0 {
			t.Fatalf("an order number under an ambiguous quote opened %+v", live)
		}
	})
}
