package bot_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/manual"
	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
)

// handoffChannel records sends and handoffs in one order.
type handoffChannel struct {
	mu  sync.Mutex
	log []string
}

func (h *handoffChannel) Send(_ context.Context, to, text string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, "send "+to)
	return nil
}
func (h *handoffChannel) HandOff(_ context.Context, shop, buyer string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, "handoff "+shop+" "+buyer)
	return nil
}
func (h *handoffChannel) TakeBack(_ context.Context, shop, buyer string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, "takeback "+shop+" "+buyer)
	return nil
}

// TestHandoffChannelTold: a buyer changes hands only when the merchant takes them over
// (接管; 转人工 asks the merchant to, the bot answering until then) and when released
// (释放); each change is told to the channel once, after the turn's commit.
func TestHandoffChannelTold(t *testing.T) {
	cfg := loadConfig(t)
	store, err := cases.Open(filepath.Join(t.TempDir(), "cases.db"), cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	book, err := manual.New(manual.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ch := &handoffChannel{}
	a, err := app.New(app.Options{Config: cfg, Channel: ch, Routes: []notify.Route{},
		Platforms: map[string]adapters.Platform{shopID: book}, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	e := a.Engine
	merchant := cfg.Shops[0].Merchants[0]
	ctx := context.Background()
	say := func(from, text string) {
		t.Helper()
		if err := e.Handle(ctx, bot.Message{Shop: shopID, From: from, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	handoffs := func() []string {
		ch.mu.Lock()
		defer ch.mu.Unlock()
		var out []string
		for _, l := range ch.log {
			if !strings.HasPrefix(l, "send") {
				out = append(out, l)
			}
		}
		return out
	}
	say("b1", "转人工") // A1: the merchant is asked to take over
	if got := handoffs(); len(got) != 0 {
		t.Fatalf("转人工 alone moved the buyer: %q", got)
	}
	say(merchant, "A1 接管")
	say("b1", "在吗")
	say(merchant, "A1 接管") // already theirs: no second handoff
	say(merchant, "A1 释放")
	say("b1", "我要退款 "+cupOrder) // A2
	say(merchant, "A2 接管")
	on, off := "handoff "+shopID+" b1", "takeback "+shopID+" b1"
	if got, want := handoffs(), []string{on, off, on}; !slices.Equal(got, want) {
		t.Fatalf("handoffs = %q, want %q (whole log %q)", got, want, ch.log)
	}
}

// Answering a buyer who asked for a person takes them over, and the merchant is told so
// (the next buyer message came as "您已接管" with nothing said before).
func TestReplyToPersonRequestSaysItTakesOver(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "转人工"), "真人")
	mustContain(t, h.say(merchant, "A1 回复 您好 我是店主 有什么可以帮您"), "已接管", "A1 释放")
}
