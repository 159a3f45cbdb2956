package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/notify"
)

// PlatformEvent applies an after-sale event a platform pushed (or TMC delivered). A push
// is a hint, never trusted on its own: the platform is read back (CaseStatus) and its
// answer, not the push, decides the case's state and deadline, so a forged, replayed or
// out-of-order push changes nothing the platform does not confirm. It returns after the
// change is committed, so the caller may then acknowledge the push; an error means the
// platform should deliver it again. An event that can never be applied (a conflict in the
// store, an after-sale the platform does not know) is logged, told to the merchant once,
// and acknowledged, so it does not block the other events of its push.
func (w *Worker) PlatformEvent(ctx context.Context, shopID string, ev adapters.Event) error {
	err := w.platformEvent(ctx, shopID, ev)
	var skip *unappliable
	if errors.As(err, &skip) {
		w.log.Error("platform event not applied", "shop", shopID, "ref", ev.AfterSaleID, "err", err)
		w.tellOnce(ctx, shopID, ev, skip)
		return nil
	}
	return err
}

// unappliable is an event that retrying cannot apply.
type unappliable struct{ err error }

func (u *unappliable) Error() string { return u.err.Error() }
func (u *unappliable) Unwrap() error { return u.err }

func (w *Worker) platformEvent(ctx context.Context, shopID string, ev adapters.Event) error {
	shop, ok := w.engine.Shop(shopID)
	if !ok {
		return &unappliable{fmt.Errorf("platform event: unknown shop %q", shopID)}
	}
	if ev.AfterSaleID == "" {
		return &unappliable{fmt.Errorf("platform event from %s: no after-sale id", ev.Platform)}
	}
	ref := adapters.CaseRef{Platform: shop.Platform.Name(), ID: ev.AfterSaleID}
	// The platform's own view, asked before the transaction: no outside call holds it open.
	st, err := shop.Platform.CaseStatus(ctx, ref)
	switch {
	case errors.Is(err, adapters.ErrNotFound):
		return &unappliable{fmt.Errorf("platform event %s: the platform does not know this after-sale: %w", ev.AfterSaleID, err)}
	case err != nil:
		return fmt.Errorf("platform event %s: read the platform back: %w", ev.AfterSaleID, err)
	}
	status := &st
	now := w.now()
	deadline := adapters.SaneDeadline(st.Deadline, now)
	if deadline.IsZero() {
		// The platform's answer carried none: the pushed one, if it is sane, since the
		// platform has just confirmed the after-sale exists.
		deadline = adapters.SaneDeadline(ev.Deadline, now)
	}
	err = w.store.Update(ctx, func(tx *cases.Tx) error {
		c, err := tx.CaseByRef(shopID, ev.AfterSaleID)
		if errors.Is(err, cases.ErrNotFound) && ev.OrderID != "" {
			if c, err = tx.UnlinkedCase(shopID, ev.OrderID); err == nil {
				c.PlatformRef = ev.AfterSaleID
				if err := tx.SaveCase(c); err != nil {
					return err
				}
			}
		}
		if errors.Is(err, cases.ErrNotFound) {
			if !stillOpen(status.Status) {
				return nil // over before we ever knew it: nothing to do
			}
			return openFromPlatform(tx, shop, ev, deadline)
		}
		if err != nil {
			return err
		}
		if err := tx.AddEvent(cases.Event{Shop: shopID, CaseID: c.ID, Kind: cases.EventPlatform, Actor: "platform",
			Text: fmt.Sprintf("%s %s %s", ev.Platform, ev.Kind, ev.AfterSaleID)}); err != nil {
			return err
		}
		if !c.State.Live() {
			return nil
		}
		if !deadline.IsZero() && !deadline.Equal(c.Deadline) && !deadline.Before(c.OpenedAt) {
			// The platform's deadline wins over the configured SLA.
			if err := tx.Reschedule(c, deadline, shop.Policy(c.Intent)); err != nil {
				return err
			}
		}
		to := stateFor(status.Status, c, tx.Now())
		if to != c.State && cases.CanTransition(c.State, to) {
			switch {
			case to == cases.StateWaitingBuyer:
				return tx.PauseForBuyer(c, "platform", status0(status), w.engine.BuyerReminders())
			case c.State == cases.StateWaitingBuyer && to == cases.StateWaitingMerchant:
				return tx.ResumeForMerchant(c, "platform", status0(status), shop.Policy(c.Intent))
			}
			return tx.SetState(c, to, "platform", status0(status))
		}
		return nil
	})
	if cases.IsConflict(err) {
		return &unappliable{fmt.Errorf("apply platform event %s: %w", ev.AfterSaleID, err)}
	}
	if err != nil {
		return fmt.Errorf("apply platform event %s: %w", ev.AfterSaleID, err)
	}
	return nil
}

// stillOpen reports a platform after-sale that still needs someone to act.
func stillOpen(s adapters.Status) bool {
	return s == adapters.StatusWaitingMerchant || s == adapters.StatusWaitingBuyer
}

// tellOnce tells the merchant, once a day per after-sale, that a push could not be
// applied: directly to the sinks, since there may be no case to hang an alert on.
func (w *Worker) tellOnce(ctx context.Context, shopID string, ev adapters.Event, why error) {
	key := shopID + "\x00" + ev.AfterSaleID
	if _, told := w.told.Get(key); told {
		return
	}
	w.told.SetDefault(key, true)
	name := shopID
	if shop, ok := w.engine.Shop(shopID); ok {
		name = shop.Name
	}
	w.router.Broadcast(ctx, notify.Alert{Shop: shopID, Level: notify.LevelWarn, Text: fmt.Sprintf(
		"【平台推送无法处理】%s：%s 平台推送的售后 %s（订单 %s）没能登记：%v。请到平台后台核对这笔售后。",
		name, ev.Platform, ev.AfterSaleID, orNone(ev.OrderID), why)})
}

func orNone(s string) string {
	if s == "" {
		return "未提供"
	}
	return s
}

// openFromPlatform opens a case for an after-sale the buyer started on the platform
// without writing to the shop: the merchant must still hear of it before its deadline.
func openFromPlatform(tx *cases.Tx, shop *bot.Shop, ev adapters.Event, deadline time.Time) error {
	c := &cases.Case{Shop: shop.ID, Buyer: cases.PlatformBuyer(ev.OrderID, ev.AfterSaleID), BuyerName: "平台买家",
		Intent: string(intents.Refund), OrderID: ev.OrderID, Platform: shop.Platform.Name(),
		PlatformRef: ev.AfterSaleID, Deadline: deadline}
	if err := tx.OpenCase(c, shop.Policy(c.Intent)); err != nil {
		return err
	}
	return tx.AddEvent(cases.Event{Shop: shop.ID, CaseID: c.ID, Kind: cases.EventPlatform, Actor: "platform",
		Text: fmt.Sprintf("%s 平台售后 %s（买家在平台申请，未在聊天中联系）", ev.Platform, ev.AfterSaleID)})
}

// stateFor maps the platform's after-sale state onto the case lifecycle. An after-sale
// the platform settled in the buyer's favour after the merchant's deadline had passed
// with the case still waiting on the merchant was decided by the platform's timeout
// (自动退款 and the like), not by the merchant: the case is expired.
func stateFor(s adapters.Status, c *cases.Case, now time.Time) cases.State {
	switch s {
	case adapters.StatusWaitingMerchant:
		return cases.StateWaitingMerchant
	case adapters.StatusWaitingBuyer:
		return cases.StateWaitingBuyer
	case adapters.StatusSucceeded:
		if c.State == cases.StateWaitingMerchant && !c.Deadline.IsZero() && now.After(c.Deadline) {
			return cases.StateExpired
		}
		return cases.StateResolved
	case adapters.StatusRejected:
		return cases.StateRejected
	case adapters.StatusClosed:
		return cases.StateCancelled
	}
	return c.State
}

func status0(s *adapters.CaseStatus) string {
	if s == nil {
		return ""
	}
	return "平台状态 " + s.Raw
}

// Consumer is the pull side of a platform that delivers events on request (淘宝 TMC).
type Consumer interface {
	Consume(ctx context.Context) ([]adapters.Event, []string, error)
	Confirm(ctx context.Context, ids []string) error
}

// Pull polls a pull-based platform every interval until ctx ends, applies its events
// and confirms only those committed, so an event is never lost to a crash.
func (w *Worker) Pull(ctx context.Context, shopID string, c Consumer, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	log := w.log.With(slog.String("shop", shopID))
	for {
		events, ids, err := c.Consume(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("pull platform events", "err", err)
		}
		var done []string
		for i, ev := range events {
			if err := w.PlatformEvent(ctx, shopID, ev); err != nil {
				log.Warn("apply platform event", "err", err)
				continue
			}
			if i < len(ids) {
				done = append(done, ids[i])
			}
		}
		if len(done) > 0 {
			if err := c.Confirm(ctx, done); err != nil {
				log.Warn("confirm platform events", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
