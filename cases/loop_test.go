package cases_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aftersale/aftersale/cases"
)

// dueList is an in-memory stand-in for the store's due rows.
type dueList struct {
	mu    sync.Mutex
	due   []time.Time
	fired []time.Time
}

func (d *dueList) next(context.Context) (time.Time, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.due) == 0 {
		return time.Time{}, false, nil
	}
	earliest := d.due[0]
	for _, t := range d.due {
		if t.Before(earliest) {
			earliest = t
		}
	}
	return earliest, true, nil
}

func (d *dueList) fire(_ context.Context, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var left []time.Time
	for _, t := range d.due {
		if t.After(now) {
			left = append(left, t)
			continue
		}
		d.fired = append(d.fired, now)
	}
	d.due = left
}

func (d *dueList) add(t time.Time) {
	d.mu.Lock()
	d.due = append(d.due, t)
	d.mu.Unlock()
}

func (d *dueList) firedAt(start time.Time) []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []time.Duration
	for _, t := range d.fired {
		out = append(out, t.Sub(start))
	}
	return out
}

// The loop fires each item exactly at its due time (virtual time, no polling), and a
// Poke makes it see work committed while it slept.
func TestLoopFiresAtDueTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		d := &dueList{due: []time.Time{start.Add(time.Hour), start.Add(3 * time.Hour)}}
		l := cases.NewLoop("test", d.next, d.fire, nil)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- l.Run(ctx) }()

		time.Sleep(4 * time.Hour)
		synctest.Wait()
		got := d.firedAt(start)
		if len(got) != 2 || got[0] != time.Hour || got[1] != 3*time.Hour {
			t.Fatalf("fired at %v, want [1h 3h]", got)
		}

		// Something new is committed while the loop sleeps with nothing due.
		d.add(time.Now().Add(10 * time.Minute))
		l.Poke()
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if got := d.firedAt(start); len(got) != 3 || got[2] != 4*time.Hour+10*time.Minute {
			t.Fatalf("after poke fired at %v, want a third at 4h10m", got)
		}
		cancel()
		if err := <-done; err != context.Canceled {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
	})
}
