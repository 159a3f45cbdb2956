package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// jobBatch bounds one claim of platform jobs.
const jobBatch = 20

// RunJobs makes the platform calls due by now. A call that fails for a reason worth
// retrying is retried from the store with backoff; the case never waits on it.
func (w *Worker) RunJobs(ctx context.Context, now time.Time) {
	jobs, err := w.store.ClaimJobs(ctx, now, jobBatch)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		w.log.Error("claim jobs", "err", err)
		return
	}
	for _, j := range jobs {
		w.runJob(ctx, now, j)
	}
}

// notAppliedRecheck is how often to look again for an after-sale the buyer has not
// applied for on the platform yet.
const notAppliedRecheck = 30 * time.Minute

func (w *Worker) runJob(ctx context.Context, now time.Time, j cases.Job) {
	shop, ok := w.engine.Shop(j.Shop)
	if !ok {
		w.failJob(ctx, j, fmt.Errorf("unknown shop %q", j.Shop))
		return
	}
	c, err := w.store.Case(ctx, j.Shop, j.CaseID)
	if err != nil {
		w.retryJob(ctx, now, j, err)
		return
	}
	ref := adapters.CaseRef{Platform: shop.Platform.Name(), ID: c.PlatformRef}
	switch j.Kind {
	case cases.JobOpenCase:
		if !c.State.Live() && c.State != cases.StateResolved && c.State != cases.StateRejected {
			// (Decided already, it is linked all the same: the decision goes to the
			// platform on that link.)
			w.finishJob(ctx, j, c, "skipped: case "+string(c.State), nil)
			return
		}
		req := adapters.CaseRequest{Shop: c.Shop, CaseID: c.ID, OrderID: c.OrderID, Kind: c.Intent, Reason: c.Reason, AmountFen: c.AmountFen}
		got, err := shop.Platform.OpenCase(ctx, req)
		if errors.Is(err, adapters.ErrNotApplied) && c.State == cases.StateRejected {
			// Refused before the buyer applied on the platform: nothing there to link.
			w.finishJob(ctx, j, c, "skipped: refused before the buyer applied", nil)
			return
		}
		if errors.Is(err, adapters.ErrNotApplied) {
			w.notApplied(ctx, now, j, c)
			return
		}
		if err != nil {
			w.jobError(ctx, now, j, err)
			return
		}
		w.finishJob(ctx, j, c, "linked "+got.Platform+" "+got.ID, func(tx *cases.Tx) error {
			c.PlatformRef = got.ID
			if !got.Deadline.IsZero() && !got.Deadline.Equal(c.Deadline) {
				// The platform's own deadline wins over the configured SLA.
				return tx.Reschedule(c, got.Deadline, shop.Policy(c.Intent))
			}
			return tx.SaveCase(c)
		})
	case cases.JobResolve:
		if c.PlatformRef == "" {
			// Decided before the case reached the platform (its open job still to run, or
			// retrying an outage): the decision follows once it is linked, rather than go
			// out on an empty ref, be refused as not found and be given up for good.
			jobs, states, err := w.store.Jobs(ctx, c.Shop, c.ID)
			switch {
			case err != nil || linking(jobs, states):
				w.retryJob(ctx, now, j, errNotLinked)
			case c.State == cases.StateRejected:
				w.finishJob(ctx, j, c, "skipped: never on the platform", nil) // nothing there to refuse
			case c.OrderID == "":
				// A case with no order (a 转人工 the merchant turned into a request) was never
				// opened on the platform and cannot be: the decision is the merchant's own
				// (trial 28 printed a "failed for good" error under "✅ 已同意").
				w.finishJob(ctx, j, c, "skipped: no order, never on the platform", nil)
			default:
				w.failJob(ctx, j, errNotLinked) // the merchant is told to act on the platform by hand
			}
			return
		}
		var r cases.ResolvePayload
		if err := json.Unmarshal([]byte(j.Payload), &r); err != nil {
			w.failJob(ctx, j, fmt.Errorf("decode resolve job: %w", err))
			return
		}
		if err := shop.Platform.Resolve(ctx, ref, adapters.Decision{Approve: r.Approve, Reason: r.Reason}); err != nil {
			w.jobError(ctx, now, j, err)
			return
		}
		w.finishJob(ctx, j, c, "decision sent", nil)
	default:
		w.failJob(ctx, j, fmt.Errorf("unknown job kind %q", j.Kind))
	}
}

// notApplied tells the buyer once how to apply on the platform, and looks again later.
func (w *Worker) notApplied(ctx context.Context, now time.Time, j cases.Job, c *cases.Case) {
	var replies []cases.Reply
	err := w.store.Update(ctx, func(tx *cases.Tx) error {
		if j.Attempts == 1 {
			r, err := tx.QueueReply(c.Shop, c.Buyer, w.engine.Reply("platform_apply", bot.Data{Intent: intents.Label(c.Intent).Chinese(), OrderID: c.OrderID}))
			if err != nil {
				return err
			}
			replies = append(replies, r)
		}
		return tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventPlatform, Actor: "platform", Text: "buyer has not applied yet"})
	})
	if err != nil {
		w.log.Error("record not-applied", "case_id", c.ID, "err", err)
	}
	w.deliverReplies(ctx, replies, "platform_apply", c.ID)
	if err := w.store.JobRetry(ctx, j, now.Add(notAppliedRecheck), adapters.ErrNotApplied); err != nil {
		w.log.Error("requeue job", "job", j.ID, "err", err)
	}
}

func (w *Worker) jobError(ctx context.Context, now time.Time, j cases.Job, err error) {
	var ae *adapters.APIError
	if errors.As(err, &ae) && ae.Reauth {
		// Retrying cannot help until the merchant re-authorises; tell them once per job
		// and keep trying slowly, so the case syncs as soon as the new token is in place.
		w.log.Error("platform authorisation expired: the merchant must re-authorise", "shop", j.Shop, "case_id", j.CaseID, "err", err)
		if j.Attempts == 1 {
			w.alertNow(ctx, now, j, cases.AlertPlatformAuth)
		}
		w.retryJob(ctx, now, j, err)
		return
	}
	if adapters.Retryable(err) {
		w.retryJob(ctx, now, j, err)
		return
	}
	w.failJob(ctx, j, err)
}

// syncAlertAfter is the failed attempt of a platform job after which the merchant hears
// that the case has not reached the platform yet: with the backoff, about five minutes of
// failures. Earlier blips are not worth their attention.
const syncAlertAfter = 7

// linking reports an open-case job still to run among a case's jobs (states from
// Store.Jobs, index-aligned).
func linking(jobs []cases.Job, states []string) bool {
	for i, j := range jobs {
		if j.Kind == cases.JobOpenCase && (states[i] == "pending" || states[i] == "running") {
			return true
		}
	}
	return false
}

// errNotLinked is why a decision waits: its case has no platform ref yet.
var errNotLinked = errors.New("case not linked on the platform yet")

func (w *Worker) retryJob(ctx context.Context, now time.Time, j cases.Job, cause error) {
	w.log.Warn("platform job failed; will retry", "shop", j.Shop, "case_id", j.CaseID, "job", j.Kind, "attempt", j.Attempts, "err", cause)
	if err := w.store.JobRetry(ctx, j, now.Add(backoff(j.Attempts)), cause); err != nil {
		w.log.Error("requeue job", "job", j.ID, "err", err)
	}
	if j.Attempts == syncAlertAfter {
		w.alertNow(ctx, now, j, cases.AlertPlatformSync)
	}
}

func (w *Worker) failJob(ctx context.Context, j cases.Job, cause error) {
	w.log.Error("platform job failed for good", "shop", j.Shop, "case_id", j.CaseID, "job", j.Kind, "err", cause)
	if err := w.store.JobFailed(ctx, j, cause); err != nil {
		w.log.Error("park job", "job", j.ID, "err", err)
	}
	// The merchant must act on the platform by hand before its deadline rather than
	// trust a sync that is not there.
	w.alertNow(ctx, w.now(), j, cases.AlertPlatformSync)
}

// alertNow tells the merchant at once about a platform job's case.
func (w *Worker) alertNow(ctx context.Context, now time.Time, j cases.Job, kind string) {
	if _, ok := w.engine.Shop(j.Shop); !ok || j.CaseID == "" {
		return
	}
	err := w.store.Update(ctx, func(tx *cases.Tx) error {
		return tx.ScheduleAlert(cases.Alert{Shop: j.Shop, CaseID: j.CaseID, Kind: kind, DueAt: now})
	})
	if err != nil {
		w.log.Error("schedule alert", "kind", kind, "case_id", j.CaseID, "err", err)
	}
}

// finishJob records a job's result on its case and marks it done, in one transaction.
func (w *Worker) finishJob(ctx context.Context, j cases.Job, c *cases.Case, note string, fn func(tx *cases.Tx) error) {
	err := w.store.Update(ctx, func(tx *cases.Tx) error {
		if fn != nil {
			if err := fn(tx); err != nil {
				return err
			}
		}
		if err := tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventPlatform, Actor: "platform", Text: j.Kind + ": " + note}); err != nil {
			return err
		}
		return tx.JobDone(j.ID)
	})
	if err != nil {
		w.log.Error("finish job", "job", j.ID, "case_id", c.ID, "err", err)
	}
	w.alertLoop.Poke()
}
