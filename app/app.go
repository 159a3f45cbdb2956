// Package app assembles the program once from its config: the store, the platforms, the
// alert sinks and their router, the chat engine (bot), the background worker, platform
// intake (pushes, TMC pull) and the merchant's board. The CLI's chat and run commands and
// the tests all build the desk here; main only parses flags and picks a channel.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/douyin"
	"github.com/aftersale/aftersale/adapters/kuaishou"
	"github.com/aftersale/aftersale/adapters/webhook"
	"github.com/aftersale/aftersale/board"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/faq"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/vocab"
	"github.com/aftersale/aftersale/worker"
)

// ErrStore marks a failure to open the store (as opposed to a config error).
var ErrStore = errors.New("open store")

// Options configures the program. Config and Channel are required.
type Options struct {
	Config *config.Config
	// Channel delivers replies to buyers and merchants.
	Channel bot.Channel
	// ChatSinks are the channel's own alert routes (the merchant's chat); they come first
	// on the ladder, before the configured [[notify]] sinks.
	ChatSinks []notify.Route
	// Routes, when not nil, replaces every alert route (tests).
	Routes []notify.Route
	// Platforms, when not nil, replaces the adapters built from config, by shop id (tests).
	Platforms map[string]adapters.Platform
	// Store, when not nil, is used instead of opening Config's store (tests). The App
	// does not close it.
	Store *cases.Store
	// StoreOptions are added to what Config says when the App opens the store.
	StoreOptions cases.Options
	// Handlers are a channel's own HTTP endpoints by path pattern (the 微信客服 callback),
	// served beside the platforms' pushes on push.listen.
	Handlers map[string]http.Handler
	// MediaDir is where channels save buyers' pictures; the board serves only from it.
	MediaDir string
	// LookupTimeout bounds an order lookup in the buyer's turn; 0: the engine's default.
	LookupTimeout time.Duration
	// FAQModels, when set, shares the FAQs' trained answer models with other Apps of the
	// same FAQ files (tests, which build an App per conversation); nil: this App's own.
	FAQModels *faq.Models
	Now       func() time.Time
	Log       *slog.Logger
}

// App is the assembled desk.
type App struct {
	Config    *config.Config
	Store     *cases.Store
	Engine    *bot.Engine
	Worker    *worker.Worker
	Router    *notify.Router
	Platforms map[string]adapters.Platform
	// Models reads buyers: the shared model, and a shop's own once its merchant has
	// corrected a misreading (误判).
	Models *shopModels

	opts      Options
	books     []*faq.Book // the shops' FAQs, warmed at Start
	ownsStore bool
	stops     []func()
	wg        sync.WaitGroup
	cancel    context.CancelFunc
}

// New builds the desk: platforms, store, alert router, engine and worker. Nothing runs
// until Start. A config problem is returned as is; a store that cannot be opened wraps
// ErrStore.
func New(o Options) (*App, error) {
	if o.Config == nil || o.Channel == nil {
		return nil, errors.New("new app: config and channel are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	cfg := o.Config
	plats := o.Platforms
	if plats == nil {
		var err error
		if plats, err = Platforms(cfg, o.Now); err != nil {
			return nil, err
		}
	}
	routes := o.Routes
	if routes == nil {
		var err error
		if routes, err = Sinks(cfg, o.Now, o.ChatSinks...); err != nil {
			return nil, err
		}
	}
	cl, err := Classifier(cfg)
	if err != nil {
		return nil, err
	}
	models := newShopModels(cl, classifierOptions(cfg), o.Log)
	pol, err := Policies(cfg)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Platforms: plats, opts: o, Store: o.Store, Models: models}
	if a.Store == nil {
		so := o.StoreOptions
		so.Now = o.Now
		if so.MaxBytes == 0 {
			so.MaxBytes = cfg.Store.MaxMB << 20
		}
		if so.Instance == "" {
			so.Instance = cfg.Store.Instance
		}
		if so.Lease == 0 {
			so.Lease = time.Duration(cfg.Store.Lease)
		}
		if a.Store, err = cases.Open(cfg.Store.Location(), so); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrStore, err)
		}
		a.ownsStore = true
	}
	a.Router = notify.NewRouter(routes, a.Store, o.Log)
	faqs, err := FAQs(cfg, o.FAQModels)
	if err != nil {
		a.Close()
		return nil, err
	}
	added, err := a.Store.FAQAdded(context.Background())
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	for _, e := range added {
		// Answers the merchant saved from the inbox (Q7 回复 … +问答) join the file's.
		if f := faqs[e.Shop]; f != nil {
			if err := f.Add(e.ID, e.Question, e.Answer); err != nil {
				o.Log.Warn("stored faq entry not added", "shop", e.Shop, "entry", e.ID, "err", err)
			}
		}
	}
	var shops []bot.Shop
	for _, s := range cfg.Shops {
		p := plats[s.ID]
		if p == nil {
			p = noPlatform{}
		}
		shop := bot.Shop{ID: s.ID, Name: s.Name, Platform: p, Merchants: s.Merchants, Policies: pol, ReturnAddress: s.ReturnAddress}
		if f := faqs[s.ID]; f != nil {
			shop.FAQ = f
			a.books = append(a.books, f)
		}
		shops = append(shops, shop)
	}
	if err := models.loadStored(context.Background(), a.Store); err != nil {
		a.Close()
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	assistant, err := Assistant(cfg)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Engine, err = bot.New(bot.Options{Shops: shops, Store: a.Store, Classifier: models, Learner: models, Channel: o.Channel, Alarm: a.Router,
		Replies: cfg.Replies, Funcs: vocab.TemplateFuncs(), LookupTimeout: o.LookupTimeout, Now: o.Now, Log: o.Log,
		Limits:      bot.Limits{MessagesPerMinute: cfg.Limits.MessagesPerMinute, Burst: cfg.Limits.Burst, CasesPerHour: cfg.Limits.CasesPerHour},
		VerifyOwner: cfg.Orders.VerifyOwner, Assistant: assistant})
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Worker, err = worker.New(worker.Options{Store: a.Store, Engine: a.Engine, Router: a.Router,
		Escalation: worker.Escalation{GroupWithin: time.Duration(cfg.Escalation.GroupWithin), AllWithin: time.Duration(cfg.Escalation.AllWithin)},
		Alerts:     cfg.Alerts, Funcs: vocab.TemplateFuncs(), Now: o.Now, Log: o.Log,
		Retention: time.Duration(cfg.Store.RetentionDays) * 24 * time.Hour})
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Start runs the worker and serves platform pushes, TMC pulls and the board as the
// config asks, until ctx ends or Close. It returns once the servers listen.
func (a *App) Start(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	a.cancel = cancel
	cfg := a.Config
	for _, s := range cfg.Shops {
		if s.Platform != "taobao" || s.Taobao.TMCPoll <= 0 {
			continue
		}
		if c, ok := a.Platforms[s.ID].(worker.Consumer); ok {
			a.goRun(func() { a.Worker.Pull(ctx, s.ID, c, time.Duration(s.Taobao.TMCPoll)) })
		}
	}
	if cfg.Push.Listen != "" {
		perMinute := cfg.Push.FailuresPerMinute
		if perMinute <= 0 {
			perMinute = 30
		}
		h := inFlight(pushMaxInFlight, newFailureGate(perMinute, a.opts.Now).wrap(a.PushHandler()))
		if err := a.serve("push.listen", cfg.Push.Listen, newPushServer(h)); err != nil {
			return err
		}
	}
	if cfg.Web.Enabled {
		merchants, names := map[string]string{}, map[string]string{}
		var shops []string
		for _, s := range cfg.Shops {
			merchants[s.ID], names[s.ID] = s.Merchants[0], s.Name
			shops = append(shops, s.ID)
		}
		b, err := board.New(board.Options{Store: a.Store, Engine: a.Engine, Merchant: func(shop string) string { return merchants[shop] },
			Token: cfg.Web.Token, MediaDir: a.opts.MediaDir, Shops: shops, ShopNames: names, Now: a.opts.Now, Log: a.opts.Log,
			Listen: cfg.Web.Listen, PublicURL: cfg.Web.PublicURL, TrustedProxyHeader: cfg.Web.TrustedProxyHeader})
		if err != nil {
			return fmt.Errorf("web: %w", err)
		}
		if !loopbackAddr(cfg.Web.Listen) {
			a.opts.Log.Warn("the case board listens beyond this machine (web.allow_remote): serve it behind a TLS proxy", "addr", cfg.Web.Listen)
		}
		if err := a.serve("web.listen", cfg.Web.Listen, board.NewServer(cfg.Web.Listen, b.Handler())); err != nil {
			return err
		}
	}
	for _, b := range a.books {
		// The answer model trains in the background, not in the first doubtful buyer's turn.
		a.goRun(b.Warm)
	}
	a.goRun(func() {
		if err := a.Worker.Run(ctx); err != nil && ctx.Err() == nil {
			a.opts.Log.Error("worker stopped", "err", err)
		}
	})
	return nil
}

func (a *App) goRun(fn func()) {
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		fn()
	}()
}

// serve listens on addr (key names the config entry for errors) and serves srv on it.
func (a *App) serve(key, addr string, srv *http.Server) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	go srv.Serve(ln)
	a.stops = append(a.stops, func() { srv.Close() })
	a.opts.Log.Info("serving", "what", key, "addr", ln.Addr().String())
	return nil
}

// loopbackAddr reports a listen address on this machine only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// PushHandler serves platform pushes at /push/{shop}: each shop's platform verifies its
// own signature or encryption, and the worker commits the event before the answer.
func (a *App) PushHandler() http.Handler {
	now := a.opts.Now
	mux := http.NewServeMux()
	for _, s := range a.Config.Shops {
		shopID := s.ID
		apply := func(ctx context.Context, ev adapters.Event) error { return a.Worker.PlatformEvent(ctx, shopID, ev) }
		var h http.Handler
		switch s.Platform {
		case "douyin":
			h = douyin.NewPushHandler(s.Douyin.AppKey, s.Douyin.AppSecret, now, apply)
		case "kuaishou":
			if s.Kuaishou.MessageKey != "" {
				h = kuaishou.NewPushHandler(s.Kuaishou.MessageKey, now, apply)
			}
		case "webhook":
			h = webhook.NewEventHandler(s.Webhook.Secret, now, 5*time.Minute, apply)
		}
		if h != nil {
			mux.Handle("POST /push/"+shopID, http.MaxBytesHandler(h, 1<<20))
		}
	}
	for pattern, h := range a.opts.Handlers {
		mux.Handle(pattern, http.MaxBytesHandler(h, 1<<20))
	}
	return mux
}

// Drain runs the platform jobs and alerts already due, once: a scripted terminal
// session sees its alerts before the program leaves. Claims are atomic, so a loop that
// is still running cannot send them twice.
func (a *App) Drain(ctx context.Context) {
	now := a.opts.Now()
	a.Worker.RunJobs(ctx, now)
	a.Worker.FireAlerts(ctx, now)
}

// Close stops what Start started, waits for it, and closes the store if the App opened it.
func (a *App) Close() error {
	if a.cancel != nil {
		a.cancel()
	}
	for _, stop := range a.stops {
		stop()
	}
	a.wg.Wait()
	if a.Models != nil {
		a.Models.Wait()
	}
	if a.ownsStore && a.Store != nil {
		return a.Store.Close()
	}
	return nil
}
