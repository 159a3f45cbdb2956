package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters/manual"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/cases/casestest"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/vocab"
	"github.com/aftersale/aftersale/worker"
)

// An agency runs two shops in one process: each has its own case ids, merchants,
// alerts and replies.
func TestTwoShopsKeepTheirOwnCases(t *testing.T) {
	ctx := context.Background()
	cfg := loadConfig(t)
	now := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	store, err := casestest.Open(t, filepath.Join(t.TempDir(), "cases.db"), cases.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	book, _ := manual.New(manual.Options{})
	pol := map[string]cases.Policy{"default": {RespondWithin: 24 * time.Hour}}
	var alerts []notify.Alert
	var said []string
	e, err := bot.New(bot.Options{
		Shops: []bot.Shop{
			{ID: "cups", Name: "杯子店", Platform: book, Merchants: []string{"杯子老板"}, Policies: pol},
			{ID: "socks", Name: "袜子店", Platform: book, Merchants: []string{"袜子老板"}, Policies: pol},
		},
		Store: store, Classifier: intents.Default(),
		Channel: bot.ChannelFunc(func(_ context.Context, _, text string) error { said = append(said, text); return nil }),
		Replies: cfg.Replies, Funcs: vocab.TemplateFuncs(), Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	router := notify.NewRouter([]notify.Route{{Sink: notify.SinkFunc{SinkName: "mem", Fn: func(_ context.Context, a notify.Alert) error {
		alerts = append(alerts, a)
		return nil
	}}}}, store, nil)
	w, err := worker.New(worker.Options{Store: store, Engine: e, Router: router, Alerts: cfg.Alerts, Funcs: vocab.TemplateFuncs(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	say := func(shop, from, text string) string {
		t.Helper()
		said = nil
		if err := e.Handle(ctx, bot.Message{Shop: shop, From: from, Text: text}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(said, "")
	}
	say("cups", "买家", "退款 "+cupOrder)
	say("socks", "买家", "退款 "+cupOrder)
	w.FireAlerts(ctx, now)
	for _, shop := range []string{"cups", "socks"} {
		found, _ := store.FindCases(ctx, cases.CaseFilter{Shop: shop})
		if len(found) != 1 || found[0].ID != "A1" {
			t.Fatalf("shop %s cases %+v, want its own A1", shop, found)
		}
	}
	if len(alerts) != 2 || alerts[0].Shop == alerts[1].Shop {
		t.Fatalf("alerts %+v, want one per shop", alerts)
	}
	// One shop's merchant is a buyer to the other shop.
	say("socks", "杯子老板", "A1 同意")
	if c, _ := store.Case(ctx, "socks", "A1"); c.State != cases.StateWaitingMerchant {
		t.Fatalf("another shop's merchant changed socks A1 to %s", c.State)
	}
	if got := say("socks", "袜子老板", "A1 同意"); !strings.Contains(got, "A1") {
		t.Fatalf("socks merchant reply %q", got)
	}
	if c, _ := store.Case(ctx, "socks", "A1"); c.State != cases.StateResolved {
		t.Fatalf("socks A1 %s after its merchant approved", c.State)
	}
	if c, _ := store.Case(ctx, "cups", "A1"); c.State != cases.StateWaitingMerchant {
		t.Fatalf("cups A1 %s: approving socks A1 touched another shop", c.State)
	}
}
