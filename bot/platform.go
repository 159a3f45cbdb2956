package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// PlatformEvent applies an after-sale event a platform pushed (or TMC delivered). It
// returns after the change is committed, so the caller may then acknowledge the push;
// an error means the platform should deliver it again.
func (e *Engine) PlatformEvent(ctx context.Context, shopID string, ev adapters.Event) error {
	shop, ok := e.shops[shopID]
	if !ok {
		return fmt.Errorf("platform event: unknown shop %q", shopID)
	}
	if ev.AfterSaleID == "" {
		return fmt.Errorf("platform event from %s: no after-sale id", ev.Platform)
	}
	ref := adapters.CaseRef{Platform: shop.Platform.Name(), ID: ev.AfterSaleID}
	// The platform's own view, asked before the transaction: no outside call holds it open.
	var status *adapters.CaseStatus
	if ev.Kind == adapters.EventUpdated || ev.Kind == adapters.EventCreated && ev.Deadline.IsZero() {
		st, err := shop.Platform.CaseStatus(ctx, ref)
		switch {
		case err == nil:
			status = &st
		case ev.Kind == adapters.EventUpdated:
			return fmt.Errorf("platform event %s: %w", ev.AfterSaleID, err)
		default:
			e.log.Warn("status of a new platform after-sale", "shop", shopID, "ref", ev.AfterSaleID, "err", err)
		}
	}
	deadline := ev.Deadline
	if deadline.IsZero() && status != nil {
		deadline = status.Deadline
	}
	_, err := e.commit(ctx, Message{Shop: shopID, From: "platform"}, func(t *turn) error {
		c, err := t.tx.CaseByRef(shopID, ev.AfterSaleID)
		if errors.Is(err, cases.ErrNotFound) && ev.OrderID != "" {
			if c, err = t.tx.UnlinkedCase(shopID, ev.OrderID); err == nil {
				c.PlatformRef = ev.AfterSaleID
				if err := t.tx.SaveCase(c); err != nil {
					return err
				}
			}
		}
		if errors.Is(err, cases.ErrNotFound) {
			if ev.Kind == adapters.EventClosed {
				return nil // closed before we ever knew it: nothing to do
			}
			return t.openFromPlatform(shop, ev, deadline)
		}
		if err != nil {
			return err
		}
		if err := t.tx.AddEvent(cases.Event{Shop: shopID, CaseID: c.ID, Kind: cases.EventPlatform, Actor: "platform",
			Text: fmt.Sprintf("%s %s %s", ev.Platform, ev.Kind, ev.AfterSaleID)}); err != nil {
			return err
		}
		if !c.State.Live() {
			return nil
		}
		if !deadline.IsZero() && !deadline.Equal(c.Deadline) {
			// The platform's deadline wins over the configured SLA.
			if err := t.tx.Reschedule(c, deadline, shop.policy(c.Intent)); err != nil {
				return err
			}
			t.poke = true
		}
		to := c.State
		switch {
		case ev.Kind == adapters.EventClosed:
			to = cases.StateCancelled
		case status != nil:
			to = stateFor(status.Status, c.State)
		}
		if to != c.State && cases.CanTransition(c.State, to) {
			t.poke = true
			switch {
			case to == cases.StateWaitingBuyer:
				return t.tx.PauseForBuyer(c, "platform", status0(status), t.e.buyerReminders)
			case c.State == cases.StateWaitingBuyer && to == cases.StateWaitingMerchant:
				return t.tx.ResumeForMerchant(c, "platform", status0(status), shop.policy(c.Intent))
			}
			return t.tx.SetState(c, to, "platform", status0(status))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("apply platform event %s: %w", ev.AfterSaleID, err)
	}
	return nil
}

// openFromPlatform opens a case for an after-sale the buyer started on the platform
// without writing to the shop: the merchant must still hear of it before its deadline.
func (t *turn) openFromPlatform(shop *Shop, ev adapters.Event, deadline time.Time) error {
	c := &cases.Case{Shop: shop.ID, Buyer: cases.PlatformBuyer(ev.OrderID), BuyerName: "平台买家",
		Intent: string(intents.Refund), OrderID: ev.OrderID, Platform: shop.Platform.Name(),
		PlatformRef: ev.AfterSaleID, Deadline: deadline}
	if err := t.tx.OpenCase(c, shop.policy(c.Intent)); err != nil {
		return err
	}
	t.poke = true
	return t.tx.AddEvent(cases.Event{Shop: shop.ID, CaseID: c.ID, Kind: cases.EventPlatform, Actor: "platform",
		Text: fmt.Sprintf("%s 平台售后 %s（买家在平台申请，未在聊天中联系）", ev.Platform, ev.AfterSaleID)})
}

// stateFor maps the platform's after-sale state onto the case lifecycle.
func stateFor(s adapters.Status, current cases.State) cases.State {
	switch s {
	case adapters.StatusWaitingMerchant:
		return cases.StateWaitingMerchant
	case adapters.StatusWaitingBuyer:
		return cases.StateWaitingBuyer
	case adapters.StatusSucceeded:
		return cases.StateResolved
	case adapters.StatusRejected:
		return cases.StateRejected
	case adapters.StatusClosed:
		return cases.StateCancelled
	}
	return current
}

func status0(s *adapters.CaseStatus) string {
	if s == nil {
		return ""
	}
	return "平台状态 " + s.Raw
}
