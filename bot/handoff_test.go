package bot_test

import (
	"context"
	"path/filepath"
	"slices"
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

// TestHandoffChannelTold: 转人工 hands the buyer off, the merchant's 释放 takes them
// back, 接管 of a refund case hands off again — each once, after the turn's commit.
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
	say("b1", "转人工")
	say("b1", "在吗")  // handed off already: no second handoff
	say("b1", "转人工") // nor when asked again
	say(merchant, "A1 释放")
	say("b1", "我要退款 "+cupOrder) // A2
	say(merchant, "A2 接管")
	var got []string
	for _, l := range ch.log {
		if l[:4] != "send" {
			got = append(got, l)
		}
	}
	want := []string{"handoff " + shopID + " b1", "takeback " + shopID + " b1", "handoff " + shopID + " b1"}
	if !slices.Equal(got, want) {
		t.Fatalf("handoffs = %q, want %q (whole log %q)", got, want, ch.log)
	}
	// The 转人工 reply follows the handoff: the channel moves the session first, so the
	// platform sends that reply from the new state (微信客服's event code).
	if i := slices.Index(ch.log, want[0]); i != 0 || ch.log[1] != "send b1" {
		t.Errorf("log = %q, want the handoff before the buyer's reply", ch.log)
	}
}
