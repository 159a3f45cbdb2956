package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
)

// Route sends alerts of level From and above to one sink.
type Route struct {
	Sink notify.Sink
	From notify.Level
}

// Escalation is the ladder a deadline's warnings climb: with more than GroupWithin left
// a warning is info (the merchant), within it warn (merchant and group), within AllWithin
// urgent (every sink, louder text).
type Escalation struct {
	GroupWithin time.Duration // default 1h
	AllWithin   time.Duration // default 15m
}

func (e Escalation) withDefaults() Escalation {
	if e.GroupWithin <= 0 {
		e.GroupWithin = time.Hour
	}
	if e.AllWithin <= 0 {
		e.AllWithin = 15 * time.Minute
	}
	return e
}

// Level is how loud an alert of a kind is with left to the deadline.
func (e Escalation) Level(kind string, left time.Duration) notify.Level {
	e = e.withDefaults()
	switch kind {
	case cases.AlertOverdue, cases.AlertComplaint, cases.AlertPlatformAuth, cases.AlertPlatformSync:
		return notify.LevelUrgent
	case cases.AlertWarn, cases.AlertReminder:
		switch {
		case left <= e.AllWithin:
			return notify.LevelUrgent
		case left <= e.GroupWithin:
			return notify.LevelWarn
		}
	}
	return notify.LevelInfo
}

// A sink that failed failoverAfter times hands the alert on to the next sink as well; one
// that failed giveUpAfter times is not tried again for that alert.
const (
	failoverAfter = 3
	giveUpAfter   = 10
)

// targets are the routes an alert of level goes to: those whose From it reaches, or every
// route if none does, so no alert is silently dropped by the ladder.
func (e *Engine) targets(level notify.Level) []int {
	var out []int
	for i, r := range e.sinks {
		if level >= r.From {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		for i := range e.sinks {
			out = append(out, i)
		}
	}
	return out
}

// deliver sends an alert to its sinks, each at most once, and reports whether it is done:
// every target took it or gave up with a sink further down the list taking it instead.
func (e *Engine) deliver(ctx context.Context, na notify.Alert) (done bool, err error) {
	if len(e.sinks) == 0 {
		return true, nil
	}
	record, err := e.store.Deliveries(ctx, na.ID)
	if err != nil {
		return false, err
	}
	targets := e.targets(na.Level)
	in := map[int]bool{}
	for _, i := range targets {
		in[i] = true
	}
	delivered, retry := 0, false
	var errs []error
	for k := 0; k < len(targets); k++ {
		r := e.sinks[targets[k]]
		name := r.Sink.Name()
		d := record[name]
		if d.Sent {
			delivered++
			continue
		}
		failed := d.Attempts
		if failed < giveUpAfter {
			sendErr := r.Sink.Send(ctx, na)
			if sendErr == nil {
				if err := e.store.DeliverySent(ctx, na.ID, name); err != nil {
					return false, err
				}
				delivered++
				continue
			}
			e.log.Warn("alert sink failed", "sink", name, "case_id", na.CaseID, "err", sendErr)
			errs = append(errs, fmt.Errorf("%s: %w", name, sendErr))
			if failed, err = e.store.DeliveryFailed(ctx, na.ID, name, sendErr); err != nil {
				return false, err
			}
			if failed < giveUpAfter && notify.Retryable(sendErr) {
				retry = true
			}
		}
		if failed >= failoverAfter || !notify.Retryable(errors.Join(errs...)) {
			// Hand on to the next sink not already targeted.
			for j := range e.sinks {
				if !in[j] && j > targets[k] {
					in[j] = true
					targets = append(targets, j)
					break
				}
			}
		}
	}
	if delivered == 0 || retry {
		return false, errors.Join(errs...)
	}
	return true, nil
}
