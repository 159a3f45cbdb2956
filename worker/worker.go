// Package worker is what runs without a buyer: it fires alerts at their due times and
// routes them up the escalation ladder to the merchant's sinks, makes the platform calls
// queued in the outbox, applies the platforms' pushed or pulled after-sale events, and
// retries the buyer messages held while the store refused writes. The buyer's turn lives
// in package bot; the two meet only in the store.
package worker

import (
	"context"
	"errors"
	"log/slog"
	"text/template"
	"time"

	"github.com/patrickmn/go-cache"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/vocab"
)

// Options configures a Worker. Store, Engine and Router are required.
type Options struct {
	Store *cases.Store
	// Engine is the desk the worker works for: its shops, its buyer replies and its
	// outbox of replies (platform_apply, buyer_reminder go out through it).
	Engine *bot.Engine
	// Router delivers alerts to the merchant's sinks.
	Router *notify.Router
	// Escalation sets when a warning gets louder; zero fields take the defaults.
	Escalation Escalation
	// Alerts are the merchant alert templates (vocab.Alerts lists the keys).
	Alerts map[string]string
	Funcs  template.FuncMap
	// Retention is how long finished bookkeeping rows are kept (Store.Prune); 0 = forever.
	Retention time.Duration
	Now       func() time.Time
	Log       *slog.Logger
}

// Worker runs the background work of the desk.
type Worker struct {
	store  *cases.Store
	engine *bot.Engine
	router *notify.Router
	ladder Escalation
	alerts *bot.Templates
	now    func() time.Time
	log    *slog.Logger

	alertLoop *cases.Loop
	jobLoop   *cases.Loop
	// told remembers the pushes the merchant has been told could not be applied.
	told      *cache.Cache
	retention time.Duration
}

// New checks the options and builds a worker. The store wakes its loops whenever a
// commit schedules an alert or a job.
func New(o Options) (*Worker, error) {
	if o.Store == nil || o.Engine == nil || o.Router == nil {
		return nil, errors.New("new worker: store, engine and router are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	alerts, err := bot.ParseTemplates(vocab.Alerts, o.Alerts, o.Funcs)
	if err != nil {
		return nil, err
	}
	w := &Worker{store: o.Store, engine: o.Engine, router: o.Router, ladder: o.Escalation.withDefaults(),
		alerts: alerts, now: o.Now, log: o.Log, told: cache.New(24*time.Hour, time.Hour), retention: o.Retention}
	w.alertLoop = cases.NewLoop("alerts", w.store.NextAlertDue, w.FireAlerts, w.log)
	w.alertLoop.Now = w.now
	w.jobLoop = cases.NewLoop("jobs", w.store.NextJobDue, w.RunJobs, w.log)
	w.jobLoop.Now = w.now
	o.Store.OnSchedule(w.alertLoop.Poke)
	o.Store.OnSchedule(w.jobLoop.Poke)
	return w, nil
}

// Run fires alerts and platform jobs at their due times, and retries held messages,
// until ctx ends. Work that was in flight when the process last stopped is recovered
// first: a claimed alert is sent again marked 重发.
func (w *Worker) Run(ctx context.Context) error {
	a, j, err := w.store.Recover(ctx)
	if err != nil {
		return err
	}
	if a+j > 0 {
		w.log.Warn("recovered work in flight at last stop", "alerts", a, "jobs", j)
	}
	go w.retryHeld(ctx)
	go w.watchStore(ctx)
	errc := make(chan error, 2)
	go func() { errc <- w.alertLoop.Run(ctx) }()
	go func() { errc <- w.jobLoop.Run(ctx) }()
	err = <-errc
	<-errc
	return err
}

// retryHeldEvery is how often the worker looks whether the store takes writes again.
const retryHeldEvery = 15 * time.Second

// retryHeld retries the buyer messages held during a store fault until ctx ends.
func (w *Worker) retryHeld(ctx context.Context) {
	t := time.NewTicker(retryHeldEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if w.engine.HeldMessages() == 0 {
			continue
		}
		if n, err := w.engine.RetryHeld(ctx); err != nil {
			w.log.Warn("store still refuses writes", "handled", n, "held", w.engine.HeldMessages(), "err", err)
		} else if n > 0 {
			w.log.Info("held messages handled", "count", n)
		}
	}
}

// checkStoreEvery is how often the worker checks the database file is still the one it
// opened; pruneEvery how often old bookkeeping rows are deleted.
const (
	checkStoreEvery = 5 * time.Second
	pruneEvery      = 6 * time.Hour
)

// watchStore notices within seconds a database file deleted or replaced under the bot
// (writes then fail and the desk holds buyers' messages): it logs why and tells the
// merchant through the sinks, once per fault. It also prunes old bookkeeping rows.
func (w *Worker) watchStore(ctx context.Context) {
	check := time.NewTicker(checkStoreEvery)
	defer check.Stop()
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	w.prune(ctx)
	told := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-check.C:
			var closed bool
			if told, closed = w.checkStore(ctx, told); closed {
				return
			}
		case <-prune.C:
			w.prune(ctx)
		}
	}
}

// checkStore checks the database file once; told says whether the merchant already
// heard of the current fault, and the result whether they have now. closed is set once
// the store is closed (the worker is stopping).
func (w *Worker) checkStore(ctx context.Context, told bool) (nowTold, closed bool) {
	err := w.store.Check()
	switch {
	case err == nil:
		return false, false
	case errors.Is(err, cases.ErrClosed):
		return told, true
	case told:
		return true, false
	}
	w.log.Error("the store cannot take writes; no new case can be confirmed until it is back", "err", err)
	w.router.Broadcast(ctx, notify.Alert{Level: notify.LevelUrgent, Text: storeFaultText(err)})
	return true, false
}

// storeFaultText is the merchant's alert for a failed store check: a SQLite file gone
// or taken needs the file back and a restart; a database server that does not answer
// (PostgreSQL) needs nothing of the bot, which goes on once it is back.
func storeFaultText(err error) string {
	if errors.Is(err, cases.ErrStoreGone) || errors.Is(err, cases.ErrLocked) {
		return "【系统故障】数据库文件被删除或替换了，机器人已停止确认新的售后单（买家会收到“稍后回复”）。请找回文件并重启程序。\nStore file gone: " + err.Error()
	}
	return "【系统故障】连不上数据库，机器人暂时无法确认新的售后单（买家会收到“稍后回复”），数据库恢复后自动继续。\nStore unreachable: " + err.Error()
}

// prune deletes finished bookkeeping rows past the retention.
func (w *Worker) prune(ctx context.Context) {
	if w.retention <= 0 {
		return
	}
	n, err := w.store.Prune(ctx, w.now().Add(-w.retention))
	if err != nil {
		w.log.Warn("prune old rows", "err", err)
		return
	}
	if n.Total() > 0 {
		w.log.Info("pruned old rows", "seen_messages", n.SeenMessages, "replies", n.Replies, "deliveries", n.Deliveries, "jobs", n.Jobs)
	}
}

// backoff is the wait before retry n (1-based): 5s doubling, at most 10 minutes.
func backoff(n int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < n && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// deliverReplies sends what a background step committed for a buyer.
func (w *Worker) deliverReplies(ctx context.Context, replies []cases.Reply, what, caseID string) {
	if err := w.engine.Deliver(ctx, replies); err != nil {
		w.log.Warn("deliver "+what, "case_id", caseID, "err", err)
	}
}
