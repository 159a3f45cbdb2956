package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/douyin"
	"github.com/aftersale/aftersale/adapters/kuaishou"
	"github.com/aftersale/aftersale/adapters/manual"
	"github.com/aftersale/aftersale/adapters/taobao"
	"github.com/aftersale/aftersale/adapters/webhook"
	"github.com/aftersale/aftersale/board"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/dingtalk"
	"github.com/aftersale/aftersale/notify/feishu"
	alerthook "github.com/aftersale/aftersale/notify/webhook"
	"github.com/aftersale/aftersale/notify/wecom"
)

// platforms builds each shop's platform adapter; main picks them with a plain switch.
func platforms(cfg *config.Config, now func() time.Time) (map[string]adapters.Platform, error) {
	out := map[string]adapters.Platform{}
	for i, s := range cfg.Shops {
		var p adapters.Platform
		var err error
		key := fmt.Sprintf("shops[%d]", i)
		switch s.Platform {
		case "manual":
			key += ".order_book"
			p, err = manual.New(manual.Options{Path: s.OrderBook, Now: now})
		case "douyin":
			key += ".douyin"
			d := s.Douyin
			p, err = douyin.New(douyin.Options{BaseURL: d.BaseURL, AppKey: d.AppKey, AppSecret: d.AppSecret,
				AccessToken: d.AccessToken, SignMethod: d.SignMethod, Now: now})
		case "kuaishou":
			key += ".kuaishou"
			k := s.Kuaishou
			p, err = kuaishou.New(kuaishou.Options{BaseURL: k.BaseURL, AppKey: k.AppKey, SignSecret: k.SignSecret,
				AccessToken: k.AccessToken, SignMethod: k.SignMethod, Now: now})
		case "taobao":
			key += ".taobao"
			t := s.Taobao
			p, err = taobao.New(taobao.Options{BaseURL: t.BaseURL, AppKey: t.AppKey, AppSecret: t.AppSecret,
				AccessToken: t.Session, SignMethod: t.SignMethod, TMCGroup: t.TMCGroup, Now: now})
		case "webhook":
			key += ".webhook"
			p, err = webhook.New(webhook.Options{BaseURL: s.Webhook.URL, Secret: s.Webhook.Secret, Now: now})
		default:
			err = fmt.Errorf("unknown platform %q", s.Platform)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[s.ID] = p
	}
	return out, nil
}

// pushHandler serves platform pushes at /push/{shop}: each shop's platform verifies its
// own signature or encryption, and the engine commits the event before the answer.
func pushHandler(cfg *config.Config, engine *bot.Engine, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	for _, s := range cfg.Shops {
		shopID := s.ID
		apply := func(ctx context.Context, ev adapters.Event) error { return engine.PlatformEvent(ctx, shopID, ev) }
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
	return mux
}

// consumer is the pull side of a platform that delivers events on request (淘宝 TMC).
type consumer interface {
	Consume(ctx context.Context) ([]adapters.Event, []string, error)
	Confirm(ctx context.Context, ids []string) error
}

// pullEvents polls a pull-based platform every interval, applies its events and
// confirms only those committed, so an event is never lost to a crash.
func pullEvents(ctx context.Context, shopID string, c consumer, every time.Duration, engine *bot.Engine, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		events, ids, err := c.Consume(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("pull platform events", "shop", shopID, "err", err)
		}
		var done []string
		for i, ev := range events {
			if err := engine.PlatformEvent(ctx, shopID, ev); err != nil {
				log.Warn("apply platform event", "shop", shopID, "err", err)
				continue
			}
			if i < len(ids) {
				done = append(done, ids[i])
			}
		}
		if len(done) > 0 {
			if err := c.Confirm(ctx, done); err != nil {
				log.Warn("confirm platform events", "shop", shopID, "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startPlatformIntake serves pushes and starts pullers as configured; it returns a
// function that stops them.
func startPlatformIntake(ctx context.Context, cfg *config.Config, plats map[string]adapters.Platform, engine *bot.Engine, now func() time.Time, log *slog.Logger) (func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	stops := []func(){cancel}
	for _, s := range cfg.Shops {
		if s.Platform != "taobao" || s.Taobao.TMCPoll <= 0 {
			continue
		}
		if c, ok := plats[s.ID].(consumer); ok {
			go pullEvents(ctx, s.ID, c, time.Duration(s.Taobao.TMCPoll), engine, log)
		}
	}
	if cfg.Push.Listen != "" {
		srv := &http.Server{Addr: cfg.Push.Listen, Handler: pushHandler(cfg, engine, now), ReadHeaderTimeout: 10 * time.Second}
		ln, err := net.Listen("tcp", cfg.Push.Listen)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("push.listen: %w", err)
		}
		go srv.Serve(ln)
		stops = append(stops, func() { srv.Close() })
		log.Info("serving platform pushes", "addr", ln.Addr().String())
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}, nil
}

// sinks builds the configured alert sinks as routes on the escalation ladder, after the
// chat sink(s) the channel provides.
func sinks(cfg *config.Config, now func() time.Time, chat ...bot.Route) ([]bot.Route, error) {
	routes := append([]bot.Route(nil), chat...)
	for i, n := range cfg.Notify {
		name := n.Name
		if name == "" {
			name = fmt.Sprintf("%s%d", n.Type, i)
		}
		var s notify.Sink
		var err error
		switch n.Type {
		case "wecom":
			s, err = wecom.New(wecom.Options{Name: name, Key: n.Key, MentionMobiles: n.MentionMobiles})
		case "dingtalk":
			s, err = dingtalk.New(dingtalk.Options{Name: name, Token: n.Token, Secret: n.Secret, MentionMobiles: n.MentionMobiles, Now: now})
		case "feishu":
			s, err = feishu.New(feishu.Options{Name: name, Token: n.Token, Secret: n.Secret, MentionAll: n.MentionAll, Now: now})
		case "webhook":
			s, err = alerthook.New(alerthook.Options{Name: name, URL: n.URL, Secret: n.Secret, Now: now})
		default:
			err = fmt.Errorf("unknown sink type %q", n.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("notify[%d]: %w", i, err)
		}
		routes = append(routes, bot.Route{Sink: s, From: levelOf(n.Level)})
	}
	return routes, nil
}

func levelOf(s string) notify.Level {
	switch s {
	case "warn":
		return notify.LevelWarn
	case "urgent":
		return notify.LevelUrgent
	}
	return notify.LevelInfo
}

// startBoard serves the merchant's web case board when [web] enables it.
func startBoard(cfg *config.Config, store *cases.Store, engine *bot.Engine, mediaDir string, now func() time.Time, log *slog.Logger) (func(), error) {
	if !cfg.Web.Enabled {
		return func() {}, nil
	}
	merchants := map[string]string{}
	var shops []string
	for _, s := range cfg.Shops {
		merchants[s.ID] = s.Merchants[0]
		shops = append(shops, s.ID)
	}
	b, err := board.New(board.Options{Store: store, Engine: engine, Merchant: func(shop string) string { return merchants[shop] },
		Token: cfg.Web.Token, MediaDir: mediaDir, Shops: shops, Now: now, Log: log})
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Web.Listen)
	if err != nil {
		return nil, fmt.Errorf("web.listen: %w", err)
	}
	srv := &http.Server{Handler: b.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Info("case board", "url", "http://"+ln.Addr().String()+"/")
	return func() { srv.Close() }, nil
}
