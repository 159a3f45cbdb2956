package cases

import (
	"context"
	"log/slog"
	"time"
)

// Loop fires stored work (alerts, platform jobs) at its due time. It sleeps on a timer
// set to the earliest due time, not on a polling tick, and wakes early when Poke says
// something new was committed.
type Loop struct {
	// Name is used in logs.
	Name string
	// Next reports the earliest due time of pending work.
	Next func(ctx context.Context) (time.Time, bool, error)
	// Fire handles everything due at now.
	Fire func(ctx context.Context, now time.Time)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	Log *slog.Logger

	wake  chan struct{}
	armed bool
}

// NewLoop returns a loop ready to Run.
func NewLoop(name string, next func(context.Context) (time.Time, bool, error), fire func(context.Context, time.Time), log *slog.Logger) *Loop {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Loop{Name: name, Next: next, Fire: fire, Now: time.Now, Log: log, wake: make(chan struct{}, 1)}
}

// Poke wakes the loop to look at the store again; it never blocks.
func (l *Loop) Poke() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// idleWait bounds a sleep with nothing due, so a clock jump cannot strand the loop.
const idleWait = time.Hour

// Run fires due work until ctx ends.
func (l *Loop) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		case <-l.wake:
			timer.Stop()
		}
		now := l.Now()
		due, ok, err := l.Next(ctx)
		wait := idleWait
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l.Log.Error("look up next due work", "loop", l.Name, "err", err)
			wait = time.Second
		case ok && !due.After(now):
			// Work already started finishes even if ctx ends meanwhile: a shutdown must not
			// cut an alert off between sending it and recording it.
			l.Fire(context.WithoutCancel(ctx), now)
			wait = 0
			if next, ok2, err := l.Next(ctx); err == nil && ok2 && !next.After(now) {
				// Fire left due work behind (a failure it will retry later, or a batch
				// limit): come back soon instead of spinning.
				wait = 10 * time.Millisecond
			} else if err == nil && ok2 {
				// Fire took time: count the wait from now, not from when it began.
				wait = max(0, next.Sub(l.Now()))
			} else if err == nil {
				wait = idleWait
			}
		case ok:
			wait = due.Sub(now)
		}
		wait = min(wait, idleWait)
		if !l.armed && err == nil {
			// Start-up is done when the first wait is set: what an operator (and the
			// start-up measurement) looks for.
			l.armed = true
			l.Log.Info("loop armed", "loop", l.Name, "next_due", due, "pending", ok, "wait", wait)
		}
		timer.Reset(wait)
	}
}
