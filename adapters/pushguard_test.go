package adapters

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSaneDeadline(t *testing.T) {
	at := time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deadline time.Time
		at       time.Time
		keep     bool
	}{
		{"two days ahead", at.Add(48 * time.Hour), at, true},
		{"an hour before the event (platform clock)", at.Add(-time.Hour), at, true},
		{"exactly a day before", at.Add(-24 * time.Hour), at, true},
		{"more than a day before the event", at.Add(-25 * time.Hour), at, false},
		{"exactly 60 days ahead", at.Add(60 * 24 * time.Hour), at, true},
		{"61 days ahead", at.Add(61 * 24 * time.Hour), at, false},
		{"years ahead", at.AddDate(3, 0, 0), at, false},
		{"zero", time.Time{}, at, false},
		{"milliseconds read as seconds", time.Unix(at.Add(48*time.Hour).UnixMilli(), 0), at, false},
		{"seconds read as milliseconds", time.UnixMilli(at.Add(48 * time.Hour).Unix()), at, false},
		{"year 2019", time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2019, 12, 30, 0, 0, 0, 0, time.UTC), false},
		{"year 2101", time.Date(2101, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"no event time", at, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SaneDeadline(tt.deadline, tt.at)
			if tt.keep && !got.Equal(tt.deadline) || !tt.keep && !got.IsZero() {
				t.Fatalf("SaneDeadline(%v, %v)=%v, keep %v", tt.deadline, tt.at, got, tt.keep)
			}
		})
	}
}

func TestEventTime(t *testing.T) {
	now := time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"platform time kept", now.Add(-time.Hour), now.Add(-time.Hour)},
		{"days old kept (ordering only)", now.AddDate(0, 0, -3), now.AddDate(0, 0, -3)},
		{"slightly ahead kept", now.Add(time.Minute), now.Add(time.Minute)},
		{"future refused", now.Add(time.Hour), now},
		{"none", time.Time{}, now},
		{"implausible", time.Unix(now.UnixMilli(), 0), now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EventTime(tt.in, now); !got.Equal(tt.want) {
				t.Fatalf("EventTime=%v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckFields(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string, string) error
		v    string
		ok   bool
	}{
		{"id 64 bytes", CheckID, strings.Repeat("7", 64), true},
		{"id 65 bytes", CheckID, strings.Repeat("7", 65), false},
		{"id empty", CheckID, "", true},
		{"id with space", CheckID, "7 1", false},
		{"id with newline", CheckID, "71\n", false},
		{"id not UTF-8", CheckID, "7\xff", false},
		{"id chinese", CheckID, "售后单1", true},
		{"text 1 KiB", CheckText, strings.Repeat("退", 341), true},
		{"text over 1 KiB", CheckText, strings.Repeat("x", 1025), false},
		{"text not UTF-8", CheckText, "\xc3", false},
		{"text with spaces", CheckText, "waiting buyer", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.fn("f", tt.v); (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestPushGuardFresh(t *testing.T) {
	now := time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC)
	g := NewPushGuard(0)
	if g.Window() != DefaultPushWindow {
		t.Fatalf("window %v, want the default", g.Window())
	}
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"now", now, true},
		{"4m59s old", now.Add(-299 * time.Second), true},
		{"5m old", now.Add(-5 * time.Minute), true},
		{"5m01s old", now.Add(-301 * time.Second), false},
		{"5m01s ahead", now.Add(301 * time.Second), false},
		{"none", time.Time{}, false},
		{"milliseconds as seconds", time.Unix(now.UnixMilli(), 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := g.Fresh(tt.t, now); got != tt.want {
				t.Fatalf("Fresh=%v, want %v", got, tt.want)
			}
		})
	}
}

func TestPushGuardClaim(t *testing.T) {
	g := NewPushGuard(time.Minute)
	if !g.Claim("a", "h1") {
		t.Fatal("first claim refused")
	}
	if g.Claim("a", "h2") || g.Claim("b", "h1") {
		t.Fatal("a claim sharing a key with an applied message was granted")
	}
	if !g.Claim("b", "h2") {
		t.Fatal("a partial claim refused earlier left its other key behind")
	}
	g.Release("a", "h1")
	if !g.Claim("a", "h1") {
		t.Fatal("a released claim cannot be taken again")
	}
	// Concurrent copies: exactly one wins.
	var won atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if g.Claim("c", ContentKey("x", "y")) {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d concurrent claims won, want 1", won.Load())
	}
}

func TestPushGuardFor(t *testing.T) {
	shared := NewPushGuard(time.Hour)
	tests := []struct {
		name   string
		def    time.Duration
		opts   []PushOption
		window time.Duration
		same   bool
	}{
		{"default", DefaultPushWindow, nil, DefaultPushWindow, false},
		{"handler default", 2 * time.Minute, nil, 2 * time.Minute, false},
		{"non-positive default", 0, nil, DefaultPushWindow, false},
		{"window option", DefaultPushWindow, []PushOption{WithPushWindow(10 * time.Minute)}, 10 * time.Minute, false},
		{"shared guard", DefaultPushWindow, []PushOption{WithPushWindow(time.Minute), WithPushGuard(shared)}, time.Hour, true},
		{"nil option ignored", DefaultPushWindow, []PushOption{nil}, DefaultPushWindow, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := PushGuardFor(tt.def, tt.opts...)
			if g.Window() != tt.window || (g == shared) != tt.same {
				t.Fatalf("guard window %v shared %v, want %v %v", g.Window(), g == shared, tt.window, tt.same)
			}
		})
	}
}

func TestContentKey(t *testing.T) {
	if ContentKey("ab", "c") == ContentKey("a", "bc") {
		t.Fatal("parts are not delimited")
	}
	first, again := ContentKey("a", "b"), ContentKey("a", "b")
	if first != again {
		t.Fatal("not deterministic")
	}
}
