package bot_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
)

// commandHead is what an accepted command may start with: help, list, or a case id.
var commandHead = regexp.MustCompile(`^(帮助|help|\?|？|列表|list|[AaQq]\d{1,9})$`)

// FuzzParseCommand: merchant commands come from chat; the parser must never panic, never
// accept text that is not a command, and read an accepted command's canonical form back
// to the same command.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"列表", "列表 超时", "A12 同意", "A1 拒绝 原因", "A3 稍后 2h", "a9 回复 好的", "A1 等买家 寄回",
		"帮助", "A 同意", "A99999999999 同意", "\xff", "", "A7 稍后 90分钟", "A2 备注 \n 第二行", "help", "A1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := bot.ParseCommand(text)
		if err != nil {
			var bad *bot.ErrBadCommand
			if !errors.As(err, &bad) || bad.Hint == "" || !utf8.ValidString(bad.Hint) && utf8.ValidString(text) {
				t.Fatalf("ParseCommand(%q) error %v without a usable hint", text, err)
			}
			return
		}
		head := strings.Fields(text)[0]
		if !commandHead.MatchString(head) {
			t.Fatalf("ParseCommand(%q) accepted %+v, but %q is not a command word", text, c, head)
		}
		if c.CaseID == "" && c.Verb != "帮助" && c.Verb != "列表" {
			t.Fatalf("ParseCommand(%q) accepted %+v without a case id", text, c)
		}
		if c.CaseID != "" && !strings.EqualFold(head, c.CaseID) {
			t.Fatalf("ParseCommand(%q) read case %s from %q", text, c.CaseID, head)
		}
		canon := canonical(c)
		again, err := bot.ParseCommand(canon)
		if err != nil || again != c {
			t.Fatalf("ParseCommand(%q) = %+v, but its canonical form %q reads %+v, %v", text, c, canon, again, err)
		}
	})
}

// canonical writes a command the way a merchant would type it.
func canonical(c bot.Command) string {
	var parts []string
	if c.CaseID != "" {
		parts = append(parts, c.CaseID)
		if c.Verb != "详情" {
			parts = append(parts, c.Verb)
		}
	} else {
		parts = append(parts, c.Verb)
	}
	switch {
	case c.Verb == "稍后" && c.Wait%time.Hour == 0:
		parts = append(parts, fmt.Sprintf("%dh", c.Wait/time.Hour))
	case c.Verb == "稍后":
		parts = append(parts, fmt.Sprintf("%dm", c.Wait/time.Minute))
	case c.Arg != "":
		parts = append(parts, c.Arg)
	}
	return strings.Join(parts, " ")
}

// FuzzHandle puts any text a buyer may type through a real engine (store, classifier,
// templates, the sample order book). Lines of the input are successive messages of one
// new buyer. Every message gets at least one non-empty reply, unless a person has taken
// the chat over; every reply is valid UTF-8; nothing panics or errors.
func FuzzHandle(f *testing.F) {
	for _, s := range []string{
		"我买的杯子碎了要退款\n" + cupOrder, "订单" + cupOrder + " 没收到货，退钱", "转人工\n还在吗", "不退了",
		"{{.Shop}}{{template \"x\"}}", "\xff\xfe", "", "🙂🙂🙂", "A1 同意", "1\n2\n3", "在吗\n4705288465508532862",
		"我要投诉你们，12315\n" + cupOrder, strings.Repeat("退", 2100), "换个码\n订单 123", "发什么快递\n" + cupOrder,
	} {
		f.Add(s)
	}
	h := newHarnessTB(f)
	n := 0
	f.Fuzz(func(t *testing.T, text string) {
		n++
		from := fmt.Sprintf("fuzz买家%d", n)
		lines := strings.SplitN(text, "\n", 4)
		for i, line := range lines {
			replies, err := h.handle(bot.Message{Shop: shopID, From: from, Name: from, Kind: bot.KindText, Text: line})
			if err != nil {
				t.Fatalf("message %d %q: %v", i, line, err)
			}
			toBuyer := 0
			for _, r := range replies {
				if r.Text == "" || !utf8.ValidString(r.Text) {
					t.Fatalf("message %d %q: reply %+v empty or not UTF-8", i, line, r)
				}
				if r.To == from {
					toBuyer++
				} else if r.To != merchant {
					t.Fatalf("message %d %q: reply to a stranger %+v", i, line, r)
				}
			}
			// The same words again right away are a repeat the first answer covers
			// (flood control), not a message left unanswered.
			// Compared as the engine sees them: invalid bytes become U+FFFD.
			clean := func(s string) string { return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD")) }
			repeat := i > 0 && clean(lines[i-1]) == clean(line) && clean(line) != ""
			if toBuyer == 0 && !repeat {
				handoff, err := h.store.Handoff(h.ctx, shopID, from)
				if err != nil {
					t.Fatal(err)
				}
				// More words in a burst join the buyer's waiting question quietly: they
				// were told a moment ago it went to the merchant.
				asking, err := h.store.FindCases(h.ctx, cases.CaseFilter{Shop: shopID, Buyer: from, Intent: cases.IntentQuestion, LiveOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				// Asked for a person a moment ago: told by when one answers then.
				person, err := h.store.FindCases(h.ctx, cases.CaseFilter{Shop: shopID, Buyer: from, Intent: "human", LiveOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				if handoff == "" && len(asking) == 0 && len(person) == 0 {
					t.Fatalf("message %d %q of %q: no reply to the buyer, no waiting question and no person took over (replies %+v)", i, line, text, replies)
				}
			}
		}
	})
}
