package wechat

import (
	"context"
	"sync"
	"time"
)

// limiter spaces out the account's outgoing messages. Each send reserves the next free
// slot, so concurrent senders go out in the order they asked, never faster than one per
// interval+jitter and never more than perMinute in any sliding minute.
type limiter struct {
	interval  time.Duration
	jitter    func() time.Duration
	perMinute int
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration) error

	mu     sync.Mutex
	last   time.Time   // the latest slot handed out
	recent []time.Time // slots handed out within a minute of the latest
}

// reserve hands out the next slot.
func (l *limiter) reserve() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	if !l.last.IsZero() {
		gap := l.interval
		if l.jitter != nil {
			gap += l.jitter()
		}
		if next := l.last.Add(gap); next.After(t) {
			t = next
		}
	}
	if l.perMinute > 0 {
		l.prune(t)
		if len(l.recent) >= l.perMinute {
			// The slot a minute after the perMinute-th latest keeps every window legal.
			if next := l.recent[len(l.recent)-l.perMinute].Add(time.Minute); next.After(t) {
				t = next
			}
			l.prune(t)
		}
		l.recent = append(l.recent, t)
	}
	l.last = t
	return t
}

func (l *limiter) prune(t time.Time) {
	cut := t.Add(-time.Minute)
	i := 0
	for i < len(l.recent) && !l.recent[i].After(cut) {
		i++
	}
	l.recent = append(l.recent[:0], l.recent[i:]...)
}

// wait blocks until the caller's slot comes or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	t := l.reserve()
	if d := t.Sub(l.now()); d > 0 {
		return l.sleep(ctx, d)
	}
	return ctx.Err()
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
