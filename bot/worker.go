package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
)

// Platform job kinds.
const (
	jobOpenCase = "open_case"
	jobResolve  = "resolve"
)

type resolveJob struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
}

func resolvePayload(approve bool, reason string) string {
	b, _ := json.Marshal(resolveJob{Approve: approve, Reason: reason})
	return string(b)
}

// backoff is the wait before retry n (1-based): 5s doubling, at most 10 minutes.
func backoff(n int) time.Duration {
	d := 5 * time.Second
	for i := 1; i < n && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// alertBatch bounds one claim, so a backlog after downtime goes out in order, in steps.
const alertBatch = 50

// FireAlerts sends every alert due by now to the merchant's sinks. An alert is marked
// sent only after a sink took it; if every sink fails it is retried with backoff.
func (e *Engine) FireAlerts(ctx context.Context, now time.Time) {
	due, err := e.store.ClaimAlerts(ctx, now, alertBatch)
	if ctx.Err() != nil {
		return // shutting down; nothing was claimed
	}
	if err != nil {
		e.log.Error("claim alerts", "err", err)
		return
	}
	for _, a := range due {
		e.fireAlert(ctx, now, a)
	}
}

func (e *Engine) fireAlert(ctx context.Context, now time.Time, a cases.Alert) {
	shop, ok := e.shops[a.Shop]
	c, err := e.store.Case(ctx, a.Shop, a.CaseID)
	if err != nil || !ok {
		e.log.Error("load case for alert", "shop", a.Shop, "case_id", a.CaseID, "err", err)
		e.retryAlert(ctx, now, a, fmt.Errorf("load case: %w", err))
		return
	}
	if a.Kind == cases.AlertBuyerReminder {
		e.remindBuyer(ctx, shop, c, a)
		return
	}
	if !c.State.Live() && a.Kind != cases.AlertBuyerCancelled {
		// Closed while the alert was being claimed: nothing left to warn about.
		if err := e.store.AlertDone(ctx, a, "skipped: case "+string(c.State)); err != nil {
			e.log.Error("finish alert", "case_id", a.CaseID, "err", err)
		}
		return
	}
	na := e.renderAlert(now, shop, c, a)
	done, err := e.deliver(ctx, na)
	if !done {
		if err == nil {
			err = errors.New("no sink took the alert")
		}
		e.retryAlert(ctx, now, a, err)
		return
	}
	if err := e.store.AlertDone(ctx, a, firstLine(na.Text)); err != nil {
		e.log.Error("mark alert sent", "case_id", c.ID, "alert", a.ID, "err", err)
	}
}

func (e *Engine) retryAlert(ctx context.Context, now time.Time, a cases.Alert, cause error) {
	if err := e.store.AlertRetry(ctx, a, now.Add(backoff(a.Attempts)), cause); err != nil {
		e.log.Error("requeue alert", "case_id", a.CaseID, "alert", a.ID, "err", err)
	}
}

// renderAlert writes the merchant's alert from its template.
func (e *Engine) renderAlert(now time.Time, shop *Shop, c *cases.Case, a cases.Alert) notify.Alert {
	level := e.ladder.Level(a.Kind, c.Deadline.Sub(now))
	key := a.Kind
	switch a.Kind {
	case cases.AlertWarn, cases.AlertReminder:
		key = "warn"
	case cases.AlertHandoff:
		key = "new_case"
	}
	d := data{Shop: shop.Name, CaseID: c.ID, Intent: intentName(c.Intent), OrderID: c.OrderID,
		Buyer: buyerLabel(c), Deadline: c.Deadline, Left: c.Deadline.Sub(now), Text: e.firstWords(c)}
	var text string
	switch a.Kind {
	case cases.AlertPlatformAuth:
		text = fmt.Sprintf("【平台授权失效】%s：%s 平台拒绝了访问（授权过期或被撤销），请到平台后台重新授权并更新配置。售后单 %s 暂未同步到平台，授权恢复后会自动补上。",
			shop.Name, shop.Platform.Name(), c.ID)
	case cases.AlertPlatformSync:
		text = fmt.Sprintf("【平台同步失败】%s：售后单 %s（%s · 订单 %s）还没能同步到 %s 平台（平台出错或回复无法识别）。买家已收到回复，售后单已保存；请到平台后台核对，必要时手动处理。",
			shop.Name, c.ID, intentName(c.Intent), c.OrderID, shop.Platform.Name())
	default:
		text = e.alerts.render(key, d)
	}
	if a.Repeat {
		text = "【重发】" + text
	}
	return notify.Alert{ID: a.ID, Shop: shop.ID, CaseID: c.ID, Intent: c.Intent, OrderID: c.OrderID,
		Buyer: buyerLabel(c), Deadline: c.Deadline, Level: level, Text: text, Repeat: a.Repeat}
}

// firstWords is the buyer's first message on the case, clipped, for the alert.
func (e *Engine) firstWords(c *cases.Case) string {
	events, err := e.store.Events(context.Background(), c.Shop, c.ID)
	if err != nil {
		return ""
	}
	for _, ev := range events {
		if ev.Kind == cases.EventMessage {
			return clip(ev.Text, 60)
		}
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// jobBatch bounds one claim of platform jobs.
const jobBatch = 20

// RunJobs makes the platform calls due by now. A call that fails for a reason worth
// retrying is retried from the store with backoff; the case never waits on it.
func (e *Engine) RunJobs(ctx context.Context, now time.Time) {
	jobs, err := e.store.ClaimJobs(ctx, now, jobBatch)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		e.log.Error("claim jobs", "err", err)
		return
	}
	for _, j := range jobs {
		e.runJob(ctx, now, j)
	}
}

// notAppliedRecheck is how often to look again for an after-sale the buyer has not
// applied for on the platform yet.
const notAppliedRecheck = 30 * time.Minute

func (e *Engine) runJob(ctx context.Context, now time.Time, j cases.Job) {
	shop, ok := e.shops[j.Shop]
	if !ok {
		e.failJob(ctx, j, fmt.Errorf("unknown shop %q", j.Shop))
		return
	}
	c, err := e.store.Case(ctx, j.Shop, j.CaseID)
	if err != nil {
		e.retryJob(ctx, now, j, err)
		return
	}
	ref := adapters.CaseRef{Platform: shop.Platform.Name(), ID: c.PlatformRef}
	switch j.Kind {
	case jobOpenCase:
		if !c.State.Live() {
			e.finishJob(ctx, j, c, "skipped: case "+string(c.State), nil)
			return
		}
		req := adapters.CaseRequest{Shop: c.Shop, CaseID: c.ID, OrderID: c.OrderID, Kind: c.Intent, Reason: c.Reason, AmountFen: c.AmountFen}
		got, err := shop.Platform.OpenCase(ctx, req)
		if errors.Is(err, adapters.ErrNotApplied) {
			e.notApplied(ctx, now, j, c)
			return
		}
		if err != nil {
			e.jobError(ctx, now, j, err)
			return
		}
		e.finishJob(ctx, j, c, "linked "+got.Platform+" "+got.ID, func(tx *cases.Tx) error {
			c.PlatformRef = got.ID
			if !got.Deadline.IsZero() && !got.Deadline.Equal(c.Deadline) {
				// The platform's own deadline wins over the configured SLA.
				return tx.Reschedule(c, got.Deadline, shop.policy(c.Intent))
			}
			return tx.SaveCase(c)
		})
	case jobResolve:
		var r resolveJob
		if err := json.Unmarshal([]byte(j.Payload), &r); err != nil {
			e.failJob(ctx, j, fmt.Errorf("decode resolve job: %w", err))
			return
		}
		if err := shop.Platform.Resolve(ctx, ref, adapters.Decision{Approve: r.Approve, Reason: r.Reason}); err != nil {
			e.jobError(ctx, now, j, err)
			return
		}
		e.finishJob(ctx, j, c, "decision sent", nil)
	default:
		e.failJob(ctx, j, fmt.Errorf("unknown job kind %q", j.Kind))
	}
}

// notApplied tells the buyer once how to apply on the platform, and looks again later.
func (e *Engine) notApplied(ctx context.Context, now time.Time, j cases.Job, c *cases.Case) {
	var replies []cases.Reply
	err := e.store.Update(ctx, func(tx *cases.Tx) error {
		if j.Attempts == 1 {
			r, err := tx.QueueReply(c.Shop, c.Buyer, e.replies.render("platform_apply", data{Intent: intentName(c.Intent), OrderID: c.OrderID}))
			if err != nil {
				return err
			}
			replies = append(replies, r)
		}
		return tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventPlatform, Actor: "platform", Text: "buyer has not applied yet"})
	})
	if err != nil {
		e.log.Error("record not-applied", "case_id", c.ID, "err", err)
	}
	if err := e.Deliver(ctx, replies); err != nil {
		e.log.Warn("deliver platform_apply", "case_id", c.ID, "err", err)
	}
	if err := e.store.JobRetry(ctx, j, now.Add(notAppliedRecheck), adapters.ErrNotApplied); err != nil {
		e.log.Error("requeue job", "job", j.ID, "err", err)
	}
}

func (e *Engine) jobError(ctx context.Context, now time.Time, j cases.Job, err error) {
	var ae *adapters.APIError
	if errors.As(err, &ae) && ae.Reauth {
		// Retrying cannot help until the merchant re-authorises; tell them once per job
		// and keep trying slowly, so the case syncs as soon as the new token is in place.
		e.log.Error("platform authorisation expired: the merchant must re-authorise", "shop", j.Shop, "case_id", j.CaseID, "err", err)
		if j.Attempts == 1 {
			e.alertNow(ctx, now, j, cases.AlertPlatformAuth)
		}
		e.retryJob(ctx, now, j, err)
		return
	}
	if adapters.Retryable(err) {
		e.retryJob(ctx, now, j, err)
		return
	}
	e.failJob(ctx, j, err)
}

// syncAlertAfter is the failed attempt of a platform job after which the merchant hears
// that the case has not reached the platform yet: with the backoff, about five minutes of
// failures. Earlier blips are not worth their attention.
const syncAlertAfter = 7

func (e *Engine) retryJob(ctx context.Context, now time.Time, j cases.Job, cause error) {
	e.log.Warn("platform job failed; will retry", "shop", j.Shop, "case_id", j.CaseID, "job", j.Kind, "attempt", j.Attempts, "err", cause)
	if err := e.store.JobRetry(ctx, j, now.Add(backoff(j.Attempts)), cause); err != nil {
		e.log.Error("requeue job", "job", j.ID, "err", err)
	}
	if j.Attempts == syncAlertAfter {
		e.alertNow(ctx, now, j, cases.AlertPlatformSync)
	}
}

func (e *Engine) failJob(ctx context.Context, j cases.Job, cause error) {
	e.log.Error("platform job failed for good", "shop", j.Shop, "case_id", j.CaseID, "job", j.Kind, "err", cause)
	if err := e.store.JobFailed(ctx, j, cause); err != nil {
		e.log.Error("park job", "job", j.ID, "err", err)
	}
	// The merchant must act on the platform by hand before its deadline rather than
	// trust a sync that is not there.
	e.alertNow(ctx, e.now(), j, cases.AlertPlatformSync)
}

// alertNow tells the merchant at once about a platform job's case.
func (e *Engine) alertNow(ctx context.Context, now time.Time, j cases.Job, kind string) {
	if _, ok := e.shops[j.Shop]; !ok || j.CaseID == "" {
		return
	}
	err := e.store.Update(ctx, func(tx *cases.Tx) error {
		return tx.ScheduleAlert(cases.Alert{Shop: j.Shop, CaseID: j.CaseID, Kind: kind, DueAt: now})
	})
	if err != nil {
		e.log.Error("schedule alert", "kind", kind, "case_id", j.CaseID, "err", err)
		return
	}
	e.alertLoop.Poke()
}

// finishJob records a job's result on its case and marks it done, in one transaction.
func (e *Engine) finishJob(ctx context.Context, j cases.Job, c *cases.Case, note string, fn func(tx *cases.Tx) error) {
	err := e.store.Update(ctx, func(tx *cases.Tx) error {
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
		e.log.Error("finish job", "job", j.ID, "case_id", c.ID, "err", err)
	}
	e.alertLoop.Poke()
}

// remindBuyer sends a buyer the reminder of a case waiting on them, through the reply
// outbox like any reply, and finishes the alert in the same transaction.
func (e *Engine) remindBuyer(ctx context.Context, shop *Shop, c *cases.Case, a cases.Alert) {
	var replies []cases.Reply
	err := e.store.Update(ctx, func(tx *cases.Tx) error {
		if c.State == cases.StateWaitingBuyer {
			r, err := tx.QueueReply(c.Shop, c.Buyer, e.replies.render("buyer_reminder", data{Shop: shop.Name, CaseID: c.ID, Intent: intentName(c.Intent)}))
			if err != nil {
				return err
			}
			replies = append(replies, r)
		}
		return tx.AlertDone(a, "buyer reminded")
	})
	if err != nil {
		e.log.Error("remind buyer", "case_id", c.ID, "err", err)
		e.retryAlert(ctx, e.now(), a, err)
		return
	}
	if err := e.Deliver(ctx, replies); err != nil {
		e.log.Warn("deliver buyer reminder", "case_id", c.ID, "err", err)
	}
}
