package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Route sends alerts of level From and above to one sink.
type Route struct {
	Sink Sink
	From Level
}

// Delivery is where one alert stands on one sink.
type Delivery struct {
	Sink     string
	Sent     bool
	Attempts int    // failed attempts so far
	Text     string // the alert's text as the sink took it, when Sent ("" in records older than the field)
}

// DeliveryLog is the durable record of which sink took which alert, so that a restart
// neither repeats a sink's alert nor forgets a failing one. cases.Store satisfies it.
type DeliveryLog interface {
	// Deliveries returns an alert's per-sink record, keyed by sink name.
	Deliveries(ctx context.Context, alertID int64) (map[string]Delivery, error)
	// DeliverySent records that a sink took the alert, and the text it took.
	DeliverySent(ctx context.Context, alertID int64, sink, text string) error
	// DeliveryFailed records a failed send and returns the sink's failed attempts so far.
	DeliveryFailed(ctx context.Context, alertID int64, sink string, cause error) (int, error)
}

// A sink that failed FailoverAfter times hands the alert on to the next sink as well; one
// that failed GiveUpAfter times is not tried again for that alert.
const (
	FailoverAfter = 3
	GiveUpAfter   = 10
)

// Router sends an alert to the routes its level reaches, each sink at most once per
// alert, and hands it on down the list when a sink keeps failing.
type Router struct {
	routes []Route
	log    DeliveryLog
	logger *slog.Logger
}

// NewRouter returns a router over routes, in order of preference, recording deliveries
// in log. A nil logger discards.
func NewRouter(routes []Route, log DeliveryLog, logger *slog.Logger) *Router {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Router{routes: routes, log: log, logger: logger}
}

// targets are the routes an alert of level goes to: those whose From it reaches, or every
// route if none does, so no alert is silently dropped by the ladder.
func (r *Router) targets(level Level) []int {
	var out []int
	for i, rt := range r.routes {
		if level >= rt.From {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		for i := range r.routes {
			out = append(out, i)
		}
	}
	return out
}

// Deliver sends an alert to its sinks, each at most once, and reports whether it is done:
// every target took it, or gave up with a sink further down the list taking it instead.
// Not done means: try again later (the error says why).
func (r *Router) Deliver(ctx context.Context, a Alert) (done bool, err error) {
	if len(r.routes) == 0 {
		return true, nil
	}
	record, err := r.log.Deliveries(ctx, a.ID)
	if err != nil {
		return false, err
	}
	targets := r.targets(a.Level)
	in := map[int]bool{}
	for _, i := range targets {
		in[i] = true
	}
	delivered, retry := 0, false
	var errs []error
	for k := 0; k < len(targets); k++ {
		rt := r.routes[targets[k]]
		name := rt.Sink.Name()
		d := record[name]
		if d.Sent {
			delivered++
			continue
		}
		failed, permanent := d.Attempts, false
		if failed < GiveUpAfter {
			sendErr := rt.Sink.Send(ctx, a)
			if sendErr == nil {
				if err := r.log.DeliverySent(ctx, a.ID, name, a.Text); err != nil {
					return false, err
				}
				delivered++
				continue
			}
			r.logger.Warn("alert sink failed", "sink", name, "case_id", a.CaseID, "err", sendErr)
			errs = append(errs, fmt.Errorf("%s: %w", name, sendErr))
			if failed, err = r.log.DeliveryFailed(ctx, a.ID, name, sendErr); err != nil {
				return false, err
			}
			permanent = !Retryable(sendErr)
			if failed < GiveUpAfter && !permanent {
				retry = true
			}
		}
		// Each sink is judged by its own failures: a sink that keeps failing, or that
		// failed for good, hands the alert on.
		if failed >= FailoverAfter || permanent {
			// Hand on to the next sink not already targeted.
			for j := range r.routes {
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

// broadcastTimeout bounds a broadcast to one sink.
const broadcastTimeout = 5 * time.Second

// Broadcast sends an alert to every sink its level reaches, once, without the delivery
// log: for news about the store itself (it is what failed), where nothing can be recorded.
// Failures are logged, not returned.
func (r *Router) Broadcast(ctx context.Context, a Alert) {
	for _, i := range r.targets(a.Level) {
		s := r.routes[i].Sink
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), broadcastTimeout)
		err := s.Send(sctx, a)
		cancel()
		if err != nil {
			r.logger.Error("broadcast alert", "sink", s.Name(), "err", err)
		}
	}
}
