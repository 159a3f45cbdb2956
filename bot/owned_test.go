package bot_test

import (
	"strings"
	"testing"
	"time"
)

// An order's owner, once found among its owners (and from then remembered), goes on
// being served, while another buyer typing the same number after them is still refused:
// what is remembered is that buyer's ownership of that order, nobody else's.
func TestOwnerRememberedOnlyForThemselves(t *testing.T) {
	h := newHarness(t)
	// Bound at the first, found among the owners at the next, remembered after (hours
	// apart: the same words soon again are not answered twice).
	mustContain(t, h.say(buyer, "快递到哪了 "+cupOrder), "78912345678901")
	h.clock.Add(3 * time.Hour)
	mustContain(t, h.say(buyer, "退款 "+cupOrder), "A1")
	h.clock.Add(3 * time.Hour)
	mustContain(t, h.say(buyer, "杯子碎了 要退款 "+cupOrder), "A1")
	got := h.say("陌生人", "快递到哪了 "+cupOrder)
	if strings.Contains(joined(got), "78912345678901") || !strings.Contains(joined(got), "其他账号") {
		t.Fatalf("another buyer got %q after the owner was remembered, want no tracking number", got)
	}
	h.start() // a new engine remembers nothing: the owner is found in the store again
	mustContain(t, h.say(buyer, "快递到哪了 "+cupOrder), "78912345678901")
	got = h.say("陌生人", "快递到哪了 "+cupOrder)
	if strings.Contains(joined(got), "78912345678901") {
		t.Fatalf("another buyer got %q after a restart, want no tracking number", got)
	}
}

// A 误判 on one of the owner's requests does not free the order while another request of
// theirs on it stands (here approved): a stranger stays refused, the owner stays served.
func TestMisreadKeepsTheOwnersOrder(t *testing.T) {
	h := approvedThenMisread(t)
	got := h.say("陌生人", "退款 "+cupOrder)
	if !strings.Contains(joined(got), "其他账号") {
		t.Fatalf("a stranger got %q after the owner's misread case closed, want the order refused", got)
	}
	h.clock.Add(3 * time.Hour)
	if got := h.say(buyer, "快递到哪了 "+cupOrder); strings.Contains(joined(got), "其他账号") {
		t.Fatalf("the owner was refused their own order: %q", got)
	}
}
