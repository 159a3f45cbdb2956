package bot

import "context"

// Handoff is a channel whose platform has human servicers of its own (微信客服's 接待人员
// in the WeCom app). The engine tells it, once the change is committed, that a buyer was
// handed to a person (转人工, a merchant's 接管) or given back to the bot (释放, or the
// case closed); the channel moves the buyer's session on the platform. Errors are only
// logged: the case and the merchant's alert stand either way.
type Handoff interface {
	HandOff(ctx context.Context, shop, buyer string) error
	TakeBack(ctx context.Context, shop, buyer string) error
}

// handoffChange is one buyer handed to a person (on) or given back, in a turn.
type handoffChange struct {
	shop, buyer string
	on          bool
}

// setHandoff records who handles a buyer (caseID "" = the bot again) and remembers the
// change for the channel.
func (t *turn) setHandoff(shop, buyer, caseID string) error {
	was, err := t.tx.Handoff(shop, buyer)
	if err != nil {
		return err
	}
	if err := t.tx.SetHandoff(shop, buyer, caseID); err != nil {
		return err
	}
	if (was != "") != (caseID != "") {
		// Only a change of hands moves the platform's session: a second 转人工 does not.
		t.handoffs = append(t.handoffs, handoffChange{shop: shop, buyer: buyer, on: caseID != ""})
	}
	return nil
}

// announceHandoffs tells a Handoff channel of a committed turn's changes.
func (e *Engine) announceHandoffs(ctx context.Context, changes []handoffChange) {
	h, ok := e.channel.(Handoff)
	if !ok {
		return
	}
	for _, c := range changes {
		var err error
		if c.on {
			err = h.HandOff(ctx, c.shop, c.buyer)
		} else {
			err = h.TakeBack(ctx, c.shop, c.buyer)
		}
		if err != nil {
			e.log.Warn("channel handoff", "shop", c.shop, "buyer", c.buyer, "to_person", c.on, "err", err)
		}
	}
}
