package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/bot/wecomkf"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/notify"
)

// checkWeComKF checks what config validation cannot: that the callback key decodes.
func checkWeComKF(cfg *config.Config) error {
	w := cfg.WeComKF
	if !w.Enabled() {
		return nil
	}
	if err := wecomkf.CheckCallbackKeys(w.Token, w.EncodingAESKey, w.CorpID); err != nil {
		return fmt.Errorf("wecomkf.encoding_aes_key: %w", err)
	}
	return nil
}

// merchantSender is a sink that can also send to given members (notify/wecomapp).
type merchantSender interface {
	notify.Sink
	SendText(ctx context.Context, userIDs []string, text string) error
}

// runWeComKF serves buyers through 微信客服: the callback on push.listen (or its own
// address), messages pulled from WeCom, merchant alerts as WeCom application messages.
func (m *Main) runWeComKF(ctx context.Context, cfg *config.Config) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(m.Stderr, format+"\n", a...)
		return code
	}
	w := cfg.WeComKF
	if !w.Enabled() {
		return fail(exitUsage, "配置错误 / config error: [wecomkf] 未配置 (corp_id, secret, token, encoding_aes_key, accounts); 见 bot/wecomkf/README.md")
	}
	if err := checkWeComKF(cfg); err != nil {
		return fail(exitUsage, "配置错误 / config error: %v", err)
	}
	log := m.logger(slog.LevelInfo)
	robots, err := app.Sinks(cfg, m.Now)
	if err != nil {
		return fail(exitUsage, "配置错误 / config error: %v", err)
	}
	var sinks []notify.Sink
	var merchant wecomkf.MerchantSender
	for _, r := range robots {
		sinks = append(sinks, r.Sink)
		if s, ok := r.Sink.(merchantSender); ok && merchant == nil {
			merchant = s
		}
	}
	if merchant == nil {
		log.Warn("no [[notify]] of type wecomapp: merchants get alerts only from the other sinks and the board")
	}
	// The channel needs the store the app opens, and the app needs a channel: the app
	// gets one that forwards to the channel built right after it.
	forward := &lateChannel{}
	callback := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { forward.ch.Handler().ServeHTTP(rw, r) })
	o := app.Options{Config: cfg, Channel: forward, MediaDir: w.MediaDir, Now: m.Now, Log: log}
	if w.Listen == "" {
		o.Handlers = map[string]http.Handler{wecomkf.CallbackPath: callback}
	}
	a, err := app.New(o)
	if err != nil {
		return m.buildFailed(err)
	}
	defer a.Close()
	names := map[string]string{}
	for _, s := range cfg.Shops {
		names[s.ID] = s.Name
	}
	ch, err := wecomkf.New(wecomkf.Options{CorpID: w.CorpID, Secret: w.Secret, Token: w.Token, EncodingAESKey: w.EncodingAESKey,
		Accounts: w.Accounts, Servicers: w.Servicers, Cursors: a.Store, Relay: a.Store, Merchant: merchant, Sinks: sinks,
		Welcome:  func(shop string) string { return a.Engine.Reply("welcome", bot.Data{Shop: names[shop]}) },
		MediaDir: w.MediaDir, Now: m.Now, Log: log})
	if err != nil {
		return fail(exitUsage, "配置错误 / config error: wecomkf: %v", err)
	}
	forward.ch = ch
	// Every instance serves the callback and the platforms' pushes and runs the alert and
	// job loops (their claims are leases); a callback taken here is relayed through the
	// store to the one instance that pulls the account.
	releaseName, code, ok := m.claimInstance(ctx, a)
	if !ok {
		return code
	}
	defer releaseName()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := a.Start(ctx); err != nil {
		return fail(exitUsage, "配置错误 / config error: %v", err)
	}
	if w.Listen != "" {
		if err := a.Serve("wecomkf.listen", w.Listen, callback); err != nil {
			return fail(exitUsage, "配置错误 / config error: %v", err)
		}
	}
	// One instance pulls each account's cursor: on a shared PostgreSQL store the others
	// stand by and take over when it dies.
	ctx, release, err := m.holdChannel(ctx, a, "wecomkf:"+w.CorpID)
	if err != nil {
		return exitOK // ended while standing by
	}
	defer release()
	go func() {
		if err := a.Engine.Resend(ctx); err != nil && ctx.Err() == nil {
			log.Warn("resend replies from before the restart", "err", err)
		}
	}()
	addr := w.Listen
	if addr == "" {
		addr = cfg.Push.Listen
	}
	fmt.Fprintf(m.Stdout, "微信客服 · %d 个客服账号 · 回调 http://%s%s · 数据 %s\n", len(w.Accounts), addr, wecomkf.CallbackPath, cfg.Store.Describe())
	err = ch.Run(ctx, a.Engine)
	cancel()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fail(exitFail, "%v", err)
	}
	return exitOK
}

// lateChannel is the engine's channel until the 微信客服 channel exists: it is set
// before anything is served or sent. It passes the bot.Handoff calls on too.
type lateChannel struct{ ch *wecomkf.Channel }

func (l *lateChannel) Send(ctx context.Context, to, text string) error {
	return l.ch.Send(ctx, to, text)
}

func (l *lateChannel) HandOff(ctx context.Context, shop, buyer string) error {
	return l.ch.HandOff(ctx, shop, buyer)
}

func (l *lateChannel) TakeBack(ctx context.Context, shop, buyer string) error {
	return l.ch.TakeBack(ctx, shop, buyer)
}

var _ bot.Handoff = (*lateChannel)(nil)
