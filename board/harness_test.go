package board_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/manual"
	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/board"
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
	token    = "correct-horse-battery"
	cupOrder = "4705288465508532862"
	bedOrder = "4705290012345678901"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// faqModels shares the sample FAQ's trained answer model between the tests' Apps.
var faqModels = faq.NewModels()

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type sent struct{ To, Text string }

// spy records what the board asks of the engine, then passes it on to the real one.
type spy struct {
	next board.Commander
	mu   sync.Mutex
	cmds []string
}

func (s *spy) Act(ctx context.Context, shop, merchant, id string, cmd bot.Command) (bot.Outcome, error) {
	s.mu.Lock()
	s.cmds = append(s.cmds, merchant+": "+cmd.String())
	s.mu.Unlock()
	return s.next.Act(ctx, shop, merchant, id, cmd)
}

func (s *spy) commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.cmds...)
}

// env is a real engine on a temporary store, a board over it and an HTTP server.
type env struct {
	t      testing.TB
	ctx    context.Context
	clock  *fakeClock
	store  *cases.Store
	engine *bot.Engine
	worker *worker.Worker
	spy    *spy
	board  *board.Board
	srv    *httptest.Server
	media  string

	mu   sync.Mutex
	sent []sent
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), clock: &fakeClock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}}
	store, err := casestest.Open(t, filepath.Join(t.TempDir(), "cases.db"), cases.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e.store = store
	raw, err := os.ReadFile("../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("config.toml", raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Shops[0].ID, cfg.Shops[0].Name = shopID, "示例小店"
	book, err := manual.New(manual.Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	sink := notify.SinkFunc{SinkName: "memory", Fn: func(context.Context, notify.Alert) error { return nil }}
	channel := bot.ChannelFunc(func(_ context.Context, to, text string) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.sent = append(e.sent, sent{to, text})
		return nil
	})
	a, err := app.New(app.Options{Config: cfg, Channel: channel, Routes: []notify.Route{{Sink: sink}},
		Platforms: map[string]adapters.Platform{shopID: book}, Store: store, Now: e.clock.Now, FAQModels: faqModels})
	if err != nil {
		t.Fatal(err)
	}
	e.engine, e.worker = a.Engine, a.Worker
	e.spy = &spy{next: e.engine}
	e.media = filepath.Join(t.TempDir(), "media")
	if err := os.MkdirAll(e.media, 0o700); err != nil {
		t.Fatal(err)
	}
	e.board, err = board.New(board.Options{
		Store: store, Engine: e.spy, Token: token, MediaDir: e.media, Shops: []string{shopID}, ShopNames: map[string]string{shopID: "示例小店"}, Now: e.clock.Now,
		Merchant: func(shop string) string {
			if shop == shopID {
				return merchant
			}
			return ""
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.board.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// say sends a chat message to the engine, as a buyer or merchant would.
func (e *env) say(from, text string) {
	e.t.Helper()
	e.send(bot.Message{Shop: shopID, From: from, Name: from, Kind: bot.KindText, Text: text})
}

func (e *env) send(m bot.Message) {
	e.t.Helper()
	if err := e.engine.Handle(e.ctx, m); err != nil {
		e.t.Fatalf("Handle(%q): %v", m.Text, err)
	}
	now := e.clock.Now()
	e.worker.RunJobs(e.ctx, now)
	e.worker.FireAlerts(e.ctx, now)
}

func (e *env) sentTo(to string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, s := range e.sent {
		if s.To == to {
			out = append(out, s.Text)
		}
	}
	return out
}

func (e *env) mustCase(id string) *cases.Case {
	e.t.Helper()
	c, err := e.store.Case(e.ctx, shopID, id)
	if err != nil {
		e.t.Fatalf("case %s: %v", id, err)
	}
	return c
}

// client is a browser without JavaScript: a cookie jar that does not follow redirects.
type client struct {
	t    testing.TB
	e    *env
	http *http.Client
}

func (e *env) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{t: e.t, e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type resp struct {
	Status   int
	Location string
	Body     string
}

func (c *client) do(req *http.Request) resp {
	c.t.Helper()
	r, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer r.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, r.Body); err != nil {
		c.t.Fatal(err)
	}
	return resp{Status: r.StatusCode, Location: r.Header.Get("Location"), Body: b.String()}
}

func (c *client) get(path string) resp {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values) resp {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// login logs in with the token and fails the test unless it worked.
func (c *client) login() {
	c.t.Helper()
	r := c.post("/login", url.Values{"token": {token}, "next": {"/"}})
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		c.t.Fatalf("login = %d → %q, want 303 → /", r.Status, r.Location)
	}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
var nonceInput = regexp.MustCompile(`name="nonce" value="([^"]+)"`)

// csrf reads the CSRF token off a page, as a form would carry it.
func (c *client) csrf(path string) string {
	c.t.Helper()
	m := csrfInput.FindStringSubmatch(c.get(path).Body)
	if m == nil {
		c.t.Fatalf("no csrf field on %s", path)
	}
	return m[1]
}

// botImage is the buyer sending a saved picture.
func botImage(path string) bot.Message {
	return bot.Message{Shop: shopID, From: buyer, Name: buyer, Kind: bot.KindImage, Media: path}
}
