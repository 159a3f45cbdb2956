package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// An order belongs to the chat buyer who proves it (the last four digits of the phone
// the platform or order book gives) or, where there is nothing to prove it with, to the
// first buyer who uses it. Anyone else sees no order details and opens no case on it:
// otherwise any buyer who types an order number gets its tracking and can take over, and
// cancel, the case the platform opened for the real buyer.

// ownership is what a buyer may do with an order.
type ownership int

const (
	ownerOK    ownership = iota // bound to this buyer, or not checked
	ownerFirst                  // unbound and nothing to prove it with: the buyer takes it
	ownerProve                  // the buyer must give the phone's last four digits
	ownerNo                     // bound to others, and nothing to prove it with
)

// phoneTail is the last four digits of a phone as platforms give it ("138****5678"), or
// "" when there are not four at the end.
func phoneTail(phone string) string {
	var d []rune
	for _, r := range phone {
		if unicode.IsDigit(r) {
			d = append(d, r)
		} else if r != ' ' && r != '-' {
			d = d[:0] // a mask or a separator: only the digits after it count
		}
	}
	if len(d) < 4 {
		return ""
	}
	return string(d[len(d)-4:])
}

// ownershipOf decides what buyer may do with order o.
func (e *Engine) ownershipOf(ctx context.Context, shop, buyer string, o adapters.Order) (ownership, error) {
	if !e.verifyOwner {
		return ownerOK, nil
	}
	key := shop + "\x00" + o.ID + "\x00" + buyer
	if _, ok := e.owned.Get(key); ok {
		return ownerOK, nil
	}
	owner, owned, err := e.store.OrderOwnership(ctx, shop, o.ID, buyer)
	if err != nil {
		return ownerOK, err
	}
	switch {
	case owner:
		// An owner stays one (nothing removes an order's owners), so this needs no
		// second look at the store while remembered.
		e.owned.SetDefault(key, struct{}{})
		return ownerOK, nil
	case phoneTail(o.BuyerPhone) != "":
		return ownerProve, nil
	case !owned:
		return ownerFirst, nil
	}
	return ownerNo, nil
}

// pendingVerify is an order the buyer was asked to prove, and what they wanted with it.
type pendingVerify struct {
	OrderID string
	Label   intents.Label
	Tries   int
	// CaseID is the buyer's case the order is to go on once proven (a complaint told
	// before its order number), Moved when it replaces the case's order.
	CaseID string `json:",omitempty"`
	Moved  bool   `json:",omitempty"`
}

// maxVerifyTries bounds wrong answers to the phone question.
const maxVerifyTries = 3

var fourDigits = regexp.MustCompile(`(?:^|\D)(\d{4})(?:\D|$)`)

// mobile is a whole mainland mobile number (11 digits from 1), its last four captured.
var mobile = regexp.MustCompile(`(?:^|\D)1\d{6}(\d{4})(?:\D|$)`)

// provedHere reports a message that carries its own proof: four digits beside the order
// number that are the phone's last four ("4705… 尾号5678") — the buyer answered before
// being asked, and asking again is asking twice (trial 20). The buyer becomes an owner.
func (e *Engine) provedHere(ctx context.Context, m Message, o adapters.Order) (bool, error) {
	tail := phoneTail(o.BuyerPhone)
	if tail == "" {
		return false, nil
	}
	text := strings.ReplaceAll(m.Text, o.ID, " ")
	for _, match := range append(fourDigits.FindAllStringSubmatch(text, -1), mobile.FindAllStringSubmatch(text, -1)...) {
		if match[1] == tail {
			return true, e.store.Update(ctx, func(tx *cases.Tx) error {
				return tx.AddOrderOwner(m.Shop, o.ID, m.From, "phone")
			})
		}
	}
	return false, nil
}

// guard checks the buyer may act on order o for label; when they may not (yet), it
// answers and returns handled. A first user of an unprovable order is bound within the
// turn that acts on it (sess.Bind).
func (e *Engine) guard(ctx context.Context, m Message, sess *session, o adapters.Order, label intents.Label) (replies []cases.Reply, handled bool, err error) {
	own, err := e.ownershipOf(ctx, m.Shop, m.From, o)
	if err != nil {
		return nil, false, err
	}
	if own == ownerProve {
		if ok, err := e.provedHere(ctx, m, o); err != nil || ok {
			return nil, false, err
		}
	}
	switch own {
	case ownerFirst:
		sess.Bind = o.ID
	case ownerProve:
		sess.Verify = &pendingVerify{OrderID: o.ID, Label: label}
		sess.OrderID = ""
		r, err := e.answer(ctx, m, "verify_order", Data{OrderID: o.ID})
		return r, true, err
	case ownerNo:
		// The request stays waiting: the buyer may have sent someone else's number by
		// mistake, and their own then opens it (trial: "碗收到少了一个" was lost, and the
		// right number got "请问要办理什么？").
		sess.OrderID = ""
		had, err := e.hadCaseOn(ctx, m.Shop, m.From, o.ID)
		if err != nil {
			return nil, false, err
		}
		if had {
			// A buyer whose own case on the order was refused (which frees an order held
			// by first use only), and another account used it first since: two claims,
			// for the merchant to settle — the buyer was refused their own order (trial
			// 17), and the merchant never heard of it.
			sess.OrderID = o.ID // on the inbox item, for the merchant
			r, err := e.questionAs(ctx, m, sess, "order_conflict", Data{OrderID: o.ID})
			sess.OrderID = ""
			return r, true, err
		}
		r, err := e.answer(ctx, m, "order_not_yours", Data{OrderID: o.ID})
		return r, true, err
	}
	return nil, false, nil
}

// hadCaseOn reports whether buyer has had an after-sale case (any state) on orderID.
func (e *Engine) hadCaseOn(ctx context.Context, shop, buyer, orderID string) (bool, error) {
	cs, err := e.store.FindCases(ctx, cases.CaseFilter{Shop: shop, Buyer: buyer, Search: orderID, NotIntent: cases.IntentQuestion})
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(cs, func(c cases.Case) bool { return c.OrderID == orderID }), nil
}

// verifyAnswer reads the buyer's answer to the phone question; ok is false when the
// message is not an answer (it is then read as a message of its own).
func (e *Engine) verifyAnswer(ctx context.Context, m Message, sess *session) (replies []cases.Reply, ok bool, err error) {
	pv := sess.Verify
	match := fourDigits.FindStringSubmatch(m.Text)
	if match == nil {
		sess.Verify = nil
		return nil, false, nil
	}
	o, err := e.lookupOrder(ctx, m.Shop, pv.OrderID)
	if err != nil {
		sess.Verify = nil
		r, err := e.answer(ctx, m, "order_not_found", Data{OrderID: pv.OrderID})
		return r, true, err
	}
	if match[1] != phoneTail(o.BuyerPhone) {
		pv.Tries++
		if pv.Tries >= maxVerifyTries {
			sess.Verify = nil
			r, err := e.answer(ctx, m, "order_not_yours", Data{OrderID: pv.OrderID})
			return r, true, err
		}
		r, err := e.answer(ctx, m, "verify_failed", Data{})
		return r, true, err
	}
	sess.Verify = nil
	if err := e.store.Update(ctx, func(tx *cases.Tx) error {
		return tx.AddOrderOwner(m.Shop, o.ID, m.From, "phone")
	}); err != nil {
		return nil, true, err
	}
	sess.OrderID = o.ID
	if pv.CaseID != "" {
		c, err := e.store.Case(ctx, m.Shop, pv.CaseID)
		if err != nil {
			return nil, true, err
		}
		if c.State.Live() {
			r, err := e.putOrder(ctx, m, sess, c, o.ID, pv.Moved)
			return r, true, err
		}
	}
	r, err := e.dispatch(ctx, m, sess, pv.Label)
	return r, true, err
}
