package cases

import (
	"context"
	"slices"
	"time"
)

// DecidedListed is how long a decided case stays on the merchant's lists (chat 列表 and
// the board): an agreed return, exchange or repair still being done, or a decided case
// whose buyer wrote again. Closing it takes it off at once.
const DecidedListed = 14 * 24 * time.Hour

// decidedFetch bounds each state's lookup for the lists: the newest are the ones that
// matter, and 列表 is a chat message.
const decidedFetch = 50

// GoesBack reports an intent label whose agreement leaves work to do: goods to come back,
// or a replacement or repair to send out. An agreed refund is done once paid.
func GoesBack(intent string) bool {
	return intent == "return" || intent == "exchange" || intent == "repair"
}

// Agreed are shop's agreed returns, exchanges and repairs (of intent, when not "")
// decided within DecidedListed before now, newest first: they leave the live list at 同意
// with the work still to do, and nothing reminded the merchant of them (trial: "没有待处
// 理的售后 👍" with four replacements still to ship).
func (s *Store) Agreed(ctx context.Context, shop, intent string, now time.Time) ([]Case, error) {
	found, err := s.FindCases(ctx, CaseFilter{Shop: shop, Intent: intent, State: StateResolved, Limit: decidedFetch})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(found, func(c Case) bool {
		return !GoesBack(c.Intent) || now.Sub(c.UpdatedAt) > DecidedListed
	}), nil
}

// Again is a decided case whose buyer wrote after the merchant's last word.
type Again struct {
	Case Case
	Said []string // the buyer's words since, in order
}

// WrittenAgain are shop's decided cases (refused, agreed, closed; of intent, when not "";
// never inbox items) changed within DecidedListed before now whose buyer wrote after the
// merchant's last word — words for which skip is true (thanks, a bare OK, what the case
// answered) need no answer and do not count. One alert went out for those words and nothing else said anyone
// still waits (trial: "凭什么啊？？质量问题还要我寄回" after a refusal).
func (s *Store) WrittenAgain(ctx context.Context, shop, intent string, now time.Time, skip func(Case, string) bool) ([]Again, error) {
	var out []Again
	for _, st := range []State{StateRejected, StateResolved, StateClosed} {
		decided, err := s.FindCases(ctx, CaseFilter{Shop: shop, Intent: intent, State: st, NotIntent: IntentQuestion, Limit: decidedFetch})
		if err != nil {
			return nil, err
		}
		for _, c := range decided {
			if now.Sub(c.UpdatedAt) > DecidedListed {
				continue
			}
			events, err := s.Events(ctx, c.Shop, c.ID)
			if err != nil {
				return nil, err
			}
			said := SinceMerchant(events)
			if skip != nil {
				said = slices.DeleteFunc(said, func(text string) bool { return skip(c, text) })
			}
			if len(said) > 0 {
				out = append(out, Again{Case: c, Said: said})
			}
		}
	}
	return out, nil
}

// GrievanceUrgent is the text of the EventUpdated a grievance about a live case leaves on
// it (bot: joinComplaint): the case carries a complaint besides its request.
const GrievanceUrgent = "grievance: urgent"

// Grieved reports a case log with a grievance joined to it: the merchant's lists mark the
// case, as the urgent alert did once (trial: "你们客服太慢了 我要投诉" joined the refund,
// and 列表 showed it as any other refund a day from its deadline).
func Grieved(events []Event) bool {
	return slices.ContainsFunc(events, func(e Event) bool { return e.Kind == EventUpdated && e.Text == GrievanceUrgent })
}
