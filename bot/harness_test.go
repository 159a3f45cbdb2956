package bot_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/manual"
	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/cases/casestest"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/faq"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/worker"
)

const (
	shopID   = "demo"
	merchant = "店主"
	buyer    = "买家小王"
	cupOrder = "4705288465508532862" // delivered mug in the sample order book
)

// fakeClock is the one clock of a test: store, engine and alerts all read it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type sent struct{ To, Text string }

// harness plays a buyer and a merchant through the engine with an in-memory channel,
// an in-memory alert sink and a fake clock.
type harness struct {
	t        testing.TB
	ctx      context.Context
	clock    *fakeClock
	path     string
	store    *cases.Store
	engine   *bot.Engine
	worker   *worker.Worker
	app      *app.App
	platform adapters.Platform
	cfg      *config.Config

	mu        sync.Mutex
	sent      []sent
	alerts    []notify.Alert
	sinkFails int // the next N sends to the sink fail
	// channelDown makes every send to a buyer or merchant fail, as a crash between
	// commit and send would leave it.
	channelDown bool
	routes      []notify.Route // alert sinks; nil = the in-memory sink

	lookupTimeout time.Duration // 0 = the engine's default
	storeOpts     cases.Options // MaxBytes and ReadOnly of the next start
}

// faqModels shares the sample FAQ's trained answer model between the tests' Apps: each
// would train its own (seconds of CPU) in the background as it starts.
var faqModels = faq.NewModels()

// loadConfig is the shipped config.toml with the tests' shop name, so replies and alerts
// can be asserted on it.
func loadConfig(t testing.TB) *config.Config {
	t.Helper()
	raw, err := os.ReadFile("../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("config.toml", raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Shops[0].ID, cfg.Shops[0].Name = shopID, "示例小店"
	return cfg
}

func newHarness(t *testing.T) *harness { return newHarnessTB(t) }

func newHarnessTB(t testing.TB) *harness {
	t.Helper()
	book, err := manual.New(manual.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return newHarnessWith(t, book)
}

// newHarnessWith runs the shop on the given platform.
func newHarnessWith(t testing.TB, p adapters.Platform) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "cases.db"), platform: p,
		clock: &fakeClock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}, cfg: loadConfig(t)}
	h.start()
	return h
}

// start opens the store and builds an engine on it, as a process start would.
func (h *harness) start() {
	h.t.Helper()
	if h.store != nil {
		// A process start: the previous one has let go of the store (its lock), as a
		// stopped or killed process does.
		h.store.Close()
	}
	opts := h.storeOpts
	opts.Now = h.clock.Now
	store, err := casestest.Open(h.t, h.path, opts)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { store.Close() })
	h.store = store
	h.engine = h.newEngine(store)
	if opts.ReadOnly {
		return // recovery writes; a read-only process serves what it can
	}
	if _, _, err := store.Recover(h.ctx); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) newEngine(store *cases.Store) *bot.Engine {
	h.t.Helper()
	sink := notify.SinkFunc{SinkName: "memory", Fn: func(_ context.Context, a notify.Alert) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.sinkFails > 0 {
			h.sinkFails--
			return errors.New("sink down")
		}
		h.alerts = append(h.alerts, a)
		return nil
	}}
	channel := bot.ChannelFunc(func(_ context.Context, to, text string) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.channelDown {
			return errors.New("channel down")
		}
		h.sent = append(h.sent, sent{to, text})
		return nil
	})
	a, err := app.New(app.Options{Config: h.cfg, Channel: channel, Routes: h.sinkRoutes(sink),
		Platforms: map[string]adapters.Platform{shopID: h.platform}, Store: store,
		LookupTimeout: h.lookupTimeout, Now: h.clock.Now, FAQModels: faqModels})
	if err != nil {
		h.t.Fatal(err)
	}
	h.worker, h.app = a.Worker, a
	return a.Engine
}

// say sends a message from someone and returns the texts delivered to them.
func (h *harness) say(from, text string) []string {
	h.t.Helper()
	return h.send(bot.Message{Shop: shopID, From: from, Name: from, Kind: bot.KindText, Text: text})
}

func (h *harness) send(m bot.Message) []string {
	h.t.Helper()
	h.mu.Lock()
	start := len(h.sent)
	h.mu.Unlock()
	if err := h.engine.Handle(h.ctx, m); err != nil {
		h.t.Fatalf("Handle(%q): %v", m.Text, err)
	}
	h.fire()
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.sent[start:] {
		if s.To == m.From {
			out = append(out, s.Text)
		}
	}
	return out
}

// handle runs one message through the engine and returns what the channel was given
// to send meanwhile, to anyone, and Handle's error.
func (h *harness) handle(m bot.Message) ([]sent, error) {
	h.mu.Lock()
	start := len(h.sent)
	h.mu.Unlock()
	if m.Shop == "" {
		m.Shop = shopID
	}
	err := h.engine.Handle(h.ctx, m)
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]sent(nil), h.sent[start:]...), err
}

// sentTo returns everything delivered to one recipient so far.
func (h *harness) sentTo(to string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.sent {
		if s.To == to {
			out = append(out, s.Text)
		}
	}
	return out
}

// fire runs what is due at the fake clock's now: alerts and platform jobs.
func (h *harness) fire() {
	now := h.clock.Now()
	h.worker.RunJobs(h.ctx, now)
	h.worker.FireAlerts(h.ctx, now)
}

// advance moves the clock and fires what fell due.
func (h *harness) advance(d time.Duration) {
	h.clock.Add(d)
	h.fire()
}

// buyerHearsAfter has who say text and returns what the buyer was sent meanwhile, joined:
// what a merchant command told the buyer.
func (h *harness) buyerHearsAfter(who, text string) string {
	before := len(h.sentTo(buyer))
	h.say(who, text)
	return joined(h.sentTo(buyer)[before:])
}

func (h *harness) takeAlerts() []notify.Alert {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.alerts
	h.alerts = nil
	return out
}

// firedTexts fires the alerts now due and returns the texts the merchant got.
func (h *harness) firedTexts() []string {
	h.fire()
	var texts []string
	for _, a := range h.takeAlerts() {
		texts = append(texts, a.Text)
	}
	return texts
}

func (h *harness) mustCase(id string) *cases.Case {
	h.t.Helper()
	c, err := h.store.Case(h.ctx, shopID, id)
	if err != nil {
		h.t.Fatalf("case %s: %v", id, err)
	}
	return c
}

func (h *harness) liveCases() []cases.Case {
	h.t.Helper()
	found, err := h.store.FindCases(h.ctx, cases.CaseFilter{Shop: shopID, LiveOnly: true})
	if err != nil {
		h.t.Fatal(err)
	}
	return found
}

func (h *harness) events(id string) []cases.Event {
	h.t.Helper()
	ev, err := h.store.Events(h.ctx, shopID, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return ev
}

func (h *harness) transcript(id string) []string {
	var out []string
	for _, e := range h.events(id) {
		if e.Kind == cases.EventMessage {
			text := e.Text
			if e.Media != "" {
				text += " " + e.Media // the evidence file, kept apart from the words
			}
			out = append(out, text)
		}
	}
	return out
}

func (h *harness) pendingAlerts(id string) []cases.Alert {
	h.t.Helper()
	all, err := h.store.Alerts(h.ctx, shopID, id)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []cases.Alert
	for _, a := range all {
		if a.State == cases.AlertPending {
			out = append(out, a)
		}
	}
	return out
}

func joined(ss []string) string { return strings.Join(ss, "\n") }

func mustContain(t *testing.T, got []string, want ...string) {
	t.Helper()
	all := joined(got)
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Fatalf("%q does not contain %q", all, w)
		}
	}
}

// mustLack fails the test when a reply holds any of words: what must not be said, and why.
func mustLack(t *testing.T, got []string, why string, words ...string) {
	t.Helper()
	for _, r := range got {
		for _, w := range words {
			if strings.Contains(r, w) {
				t.Fatalf("%s: %q", why, r)
			}
		}
	}
}

func (h *harness) sinkRoutes(def notify.Sink) []notify.Route {
	if h.routes != nil {
		return h.routes
	}
	return []notify.Route{{Sink: def}}
}
