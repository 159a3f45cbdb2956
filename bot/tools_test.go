package bot_test

import (
	"strings"
	"testing"
	"time"
)

// Issue 16, item 9: commands typed without spaces act like spaced ones.
func TestMerchantCommandsWithoutSpaces(t *testing.T) {
	h := newHarness(t)
	h.say(buyer, "退款 "+cupOrder)
	h.clock.Add(2 * time.Hour) // past the new-case alert's due time
	h.fire()
	h.takeAlerts()
	mustContain(t, h.say(merchant, "列表超时"), "超时")
	mustContain(t, h.say(merchant, "A1同意"), "A1 已同意")
}

// Issue 16, item 9: a reminder the merchant set with 稍后 is titled as one while the
// deadline is far, and as 快到期 only when it is near.
func TestSnoozeReminderTitle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		before    time.Duration // clock moved before the snooze
		snooze    string
		after     time.Duration // clock moved after it, to fire the reminder
		want, not string
	}{
		{name: "deadline far", snooze: "A1 稍后 2h", after: 2*time.Hour + time.Minute, want: "稍后提醒", not: "快到期"},
		{name: "deadline near", before: 23*time.Hour + 5*time.Minute, snooze: "A1 稍后 20分钟", after: 21 * time.Minute, want: "快到期", not: "稍后提醒"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.say(buyer, "退款 "+cupOrder)
			c := h.mustCase("A1")
			if left := c.Deadline.Sub(h.clock.Now()); left != 24*time.Hour {
				t.Fatalf("refund deadline %v away; the table assumes 24h", left)
			}
			h.advance(tc.before)
			h.takeAlerts()
			h.say(merchant, tc.snooze)
			h.advance(tc.after)
			alerts := h.takeAlerts()
			if len(alerts) != 1 {
				t.Fatalf("alerts after the snooze: %+v, want the one reminder", alerts)
			}
			if text := alerts[0].Text; !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
				t.Errorf("reminder %q, want %q and not %q", text, tc.want, tc.not)
			}
		})
	}
}

// Issue 16, item 9: the configured welcome answers a first contact's hello; later hellos
// get the greeting.
func TestWelcomeOnFirstContact(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "你好"), "欢迎光临示例小店")
	mustContain(t, h.say(buyer, "在吗"), "在的")
	// A buyer who has a case is no first contact, even with nothing in memory.
	h.say("老买家", "退款 "+cupOrder)
	h.start() // a restart: nothing in memory
	mustContain(t, h.say("老买家", "你好"), "在的")
}

// A reminder set for the very minute a deadline warning is due replaces it: the merchant
// gets one alert then, not two.
func TestSnoozeOntoAWarningIsOneAlert(t *testing.T) {
	h := newHarness(t)
	h.say(buyer, "退款 "+cupOrder)
	h.advance(20 * time.Hour) // the 6h-before warning has fired; the next is at 23h
	h.takeAlerts()
	h.say(merchant, "A1 稍后 3h") // due at 23h, with the 1h-before warning
	h.advance(3 * time.Hour)
	if alerts := h.takeAlerts(); len(alerts) != 1 {
		t.Fatalf("%d alerts at the snoozed minute, want 1: %+v", len(alerts), alerts)
	}
}
