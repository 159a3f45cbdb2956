package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// caseLabels are the intents that open a case against an order.
func needsOrder(l intents.Label) bool {
	return l == intents.Refund || l == intents.Return || l == intents.Exchange || l == intents.Repair
}

// recentFor is how long after it closes a case still counts as the buyer's recent case,
// one a message may be about ("退款到账了吗").
const recentFor = 30 * 24 * time.Hour

// maxPending bounds the words kept for a transcript before a case exists.
const maxPending = 20

// buyer handles a buyer's message.
func (e *Engine) buyer(ctx context.Context, m Message) ([]cases.Reply, error) {
	sess := e.session(m.Shop, m.From)
	view, err := e.store.Buyer(ctx, m.Shop, m.From, e.now().Add(-recentFor))
	if err != nil {
		return e.do(ctx, m, func(*turn) error { return err })
	}
	if view.Handoff != "" {
		// A person has taken over: keep the words as evidence, stay silent.
		return e.do(ctx, m, func(t *turn) error { return t.record(view.Handoff, m) })
	}
	if err := e.resumeWaiting(ctx, m, view.Live()); err != nil {
		if errors.Is(err, errRedelivered) {
			return nil, err
		}
		return e.do(ctx, m, func(*turn) error { return err })
	}
	if m.Kind != KindText {
		return e.media(ctx, m, &sess)
	}
	if m.Text == "" {
		return e.answer(ctx, m, "empty", Data{})
	}

	res := e.classify.Classify(m.Text)
	label, slots := res.Label, res.Slots
	switch n, ok := menuChoice(m.Text, sess.Menu); {
	case ok && n == 0:
		label, sess.Menu = intents.Human, nil
	case ok:
		label, sess.Menu = intents.Label(sess.Menu[n-1]), nil
		if sess.Intent == "" { // the slots were in the message that led to the menu
			slots = e.classify.Classify(sess.MenuText).Slots
		}
	case res.SlotOnly && sess.Intent != "":
		label = sess.Intent
	case res.SlotOnly && slots.OrderID != "":
		sess.OrderID = slots.OrderID
		return e.menu(ctx, m, &sess, []string{string(intents.Refund), string(intents.Return), string(intents.Exchange), string(intents.Logistics)})
	case res.Unclear && sess.CaseID != "" && sess.Intent == "":
		// Following up on a case the buyer just opened: keep the words with the case
		// and let the merchant read them, rather than quiz the buyer with a menu.
		return e.chat(ctx, m, &sess, "other")
	case res.Unclear:
		return e.menu(ctx, m, &sess, menuOptions(res.Candidates))
	default:
		sess.Menu = nil
	}
	if slots.OrderID != "" {
		sess.OrderID = slots.OrderID
	}
	if label != sess.Intent && !res.SlotOnly {
		// A new request starts a new transcript.
		sess.Pending = sess.Pending[:0:0]
	}
	if len(sess.Pending) < maxPending {
		sess.Pending = append(sess.Pending, said{Text: m.Text})
	}
	if slots.Reason != "" {
		sess.Reason = slots.Reason
	}
	if slots.AmountFen != 0 {
		sess.AmountFen = slots.AmountFen
	}
	replies, err := e.dispatch(ctx, m, &sess, label)
	e.saveSession(m.Shop, m.From, sess)
	return replies, err
}

func (e *Engine) dispatch(ctx context.Context, m Message, sess *session, label intents.Label) ([]cases.Reply, error) {
	switch {
	case needsOrder(label):
		return e.request(ctx, m, sess, label)
	case label == intents.Complaint:
		return e.complaint(ctx, m, sess)
	case label == intents.Logistics:
		return e.logistics(ctx, m, sess)
	case label == intents.Human:
		return e.human(ctx, m, sess)
	case label == intents.Cancel:
		return e.cancel(ctx, m, sess)
	case label == intents.Greeting:
		return e.chat(ctx, m, sess, "greeting")
	default:
		return e.chat(ctx, m, sess, "other")
	}
}

// chat answers a message that opens no case; it still joins the transcript of the
// buyer's live case, if any.
func (e *Engine) chat(ctx context.Context, m Message, sess *session, key string) ([]cases.Reply, error) {
	sess.Pending = nil
	return e.do(ctx, m, func(t *turn) error {
		if sess.CaseID != "" {
			if err := t.recordIfLive(sess.CaseID, m); err != nil {
				return err
			}
		}
		return t.say(key, Data{})
	})
}

// request handles refund, return, exchange and repair: the order number is needed.
func (e *Engine) request(ctx context.Context, m Message, sess *session, label intents.Label) ([]cases.Reply, error) {
	sess.Intent = label
	if sess.OrderID == "" {
		return e.answer(ctx, m, "ask_order", Data{Intent: intentName(string(label))})
	}
	_, err := e.lookupOrder(ctx, m.Shop, sess.OrderID)
	if errors.Is(err, adapters.ErrNotFound) {
		id := sess.OrderID
		sess.OrderID = ""
		return e.answer(ctx, m, "order_not_found", Data{OrderID: id})
	}
	if err != nil {
		// The platform being down must not hold up the buyer: open the case on the
		// order id as given; the platform job checks it when the platform is back.
		e.log.Warn("order lookup failed; opening case unverified", "shop", m.Shop, "order", sess.OrderID, "err", err)
	}
	return e.openOrUpdate(ctx, m, sess, label, sess.OrderID)
}

// lookupOrder asks the shop's platform about an order within the buyer's turn, giving up
// after lookupTimeout: a hanging platform must delay the platform step, not the reply.
func (e *Engine) lookupOrder(ctx context.Context, shop, orderID string) (adapters.Order, error) {
	ctx, cancel := context.WithTimeout(ctx, e.lookupTimeout)
	defer cancel()
	return e.shops[shop].Platform.Order(ctx, orderID)
}

// openOrUpdate opens the buyer's case for an order and intent, or adds to the live one.
func (e *Engine) openOrUpdate(ctx context.Context, m Message, sess *session, label intents.Label, orderID string) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	var c *cases.Case
	replies, err := e.do(ctx, m, func(t *turn) error {
		live, err := t.tx.LiveCase(shop.ID, m.From, orderID, string(label))
		switch {
		case err == nil:
			c = live
			t.caseID = c.ID
			if err := t.recordAll(c.ID, sess.Pending); err != nil {
				return err
			}
			if err := t.tx.AddEvent(cases.Event{Shop: shop.ID, CaseID: c.ID, Kind: cases.EventUpdated, Actor: "buyer", Text: "repeated request"}); err != nil {
				return err
			}
			return t.say("case_updated", Data{CaseID: c.ID, Intent: intentName(c.Intent)})
		case !errors.Is(err, cases.ErrNotFound):
			return err
		}
		if orderID != "" {
			// The buyer applied on the platform first and a push opened the case: the
			// buyer writing now is its owner.
			adopted, err := t.tx.PlatformCase(shop.ID, orderID, string(label))
			if err == nil {
				c = adopted
				t.caseID = c.ID
				c.Buyer, c.BuyerName = m.From, m.Name
				if err := t.tx.SaveCase(c); err != nil {
					return err
				}
				if err := t.recordAll(c.ID, sess.Pending); err != nil {
					return err
				}
				return t.say("case_updated", Data{CaseID: c.ID, Intent: intentName(c.Intent)})
			}
			if !errors.Is(err, cases.ErrNotFound) {
				return err
			}
		}
		c = &cases.Case{Shop: shop.ID, Buyer: m.From, BuyerName: m.Name, Intent: string(label),
			OrderID: orderID, Reason: string(sess.Reason), AmountFen: sess.AmountFen, Platform: shop.Platform.Name()}
		if err := t.tx.OpenCase(c, shop.Policy(string(label))); err != nil {
			return err
		}
		t.caseID = c.ID
		if err := t.recordAll(c.ID, sess.Pending); err != nil {
			return err
		}
		if err := t.tx.QueueJob(cases.Job{Shop: shop.ID, CaseID: c.ID, Kind: cases.JobOpenCase}); err != nil {
			return err
		}
		key := "case_opened"
		if label == intents.Complaint {
			key = "complaint_opened"
		}
		if err := t.say(key, Data{CaseID: c.ID, Intent: intentName(c.Intent), OrderID: orderID, Deadline: c.Deadline}); err != nil {
			return err
		}
		if wantsPhoto(sess.Reason) {
			return t.say("ask_photo", Data{Intent: intentName(c.Intent)})
		}
		return nil
	})
	if err == nil {
		e.log.Info("case handled", "shop", shop.ID, "case_id", c.ID, "intent", c.Intent)
		sess.Intent, sess.Reason, sess.AmountFen, sess.Pending, sess.CaseID = "", "", 0, nil, c.ID
	}
	return replies, err
}

// wantsPhoto reports whether a reason is best shown with a picture.
func wantsPhoto(r intents.Reason) bool {
	return r == intents.ReasonDamaged || r == intents.ReasonQuality || r == intents.ReasonWrongItem ||
		r == intents.ReasonMissingPart || r == intents.ReasonNotAsDescribed
}

// complaint opens a case at once, with or without an order: an upset buyer is not asked
// for paperwork first.
func (e *Engine) complaint(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	return e.openOrUpdate(ctx, m, sess, intents.Complaint, sess.OrderID)
}

// logistics answers from the order's shipping status.
func (e *Engine) logistics(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	sess.Pending = nil
	if sess.OrderID == "" {
		sess.Intent = intents.Logistics
		return e.answer(ctx, m, "logistics_no_order", Data{})
	}
	sess.Intent = ""
	order, err := e.lookupOrder(ctx, m.Shop, sess.OrderID)
	switch {
	case errors.Is(err, adapters.ErrNotFound):
		id := sess.OrderID
		sess.OrderID, sess.Intent = "", intents.Logistics
		return e.answer(ctx, m, "order_not_found", Data{OrderID: id})
	case err != nil:
		e.log.Warn("order lookup failed", "shop", m.Shop, "order", sess.OrderID, "err", err)
		return e.answer(ctx, m, "other", Data{})
	case order.Status == adapters.OrderShipped || order.Status == adapters.OrderDelivered:
		return e.answer(ctx, m, "logistics_shipped", Data{OrderID: order.ID, Courier: order.Courier,
			TrackingNo: order.TrackingNo, Logistics: order.Logistics})
	default:
		return e.answer(ctx, m, "logistics_unshipped", Data{OrderID: order.ID})
	}
}

// human hands the buyer to a person: a case the merchant can release, and silence.
func (e *Engine) human(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	var id string
	replies, err := e.do(ctx, m, func(t *turn) error {
		c, err := t.tx.LiveCase(shop.ID, m.From, "", string(intents.Human))
		if errors.Is(err, cases.ErrNotFound) {
			c = &cases.Case{Shop: shop.ID, Buyer: m.From, BuyerName: m.Name, Intent: string(intents.Human),
				OrderID: "", Platform: shop.Platform.Name()}
			if err := t.tx.OpenCase(c, shop.Policy(string(intents.Human))); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		id, t.caseID = c.ID, c.ID
		if err := t.recordAll(c.ID, sess.Pending); err != nil {
			return err
		}
		if err := t.tx.SetHandoff(shop.ID, m.From, c.ID); err != nil {
			return err
		}
		return t.say("human", Data{CaseID: c.ID})
	})
	if err == nil {
		*sess = session{CaseID: id}
	}
	return replies, err
}

// cancel withdraws the buyer's live case: the one for the order named, else the newest.
func (e *Engine) cancel(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	orderID := sess.OrderID
	replies, err := e.do(ctx, m, func(t *turn) error {
		live, err := t.tx.BuyerCases(shop.ID, m.From)
		if err != nil {
			return err
		}
		var c *cases.Case
		for i := range live {
			if live[i].Intent == string(intents.Human) {
				continue
			}
			if c == nil || orderID != "" && live[i].OrderID == orderID && c.OrderID != orderID {
				c = &live[i]
			}
		}
		if c == nil {
			return t.say("nothing_to_cancel", Data{})
		}
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if err := t.tx.SetState(c, cases.StateCancelled, "buyer", "买家撤销"); err != nil {
			return err
		}
		if err := t.tx.ScheduleAlert(cases.Alert{Shop: shop.ID, CaseID: c.ID, Kind: cases.AlertBuyerCancelled, DueAt: t.tx.Now()}); err != nil {
			return err
		}
		return t.say("cancelled", Data{CaseID: c.ID})
	})
	if err == nil {
		*sess = session{OrderID: sess.OrderID}
	}
	return replies, err
}

// media attaches a picture or file to the buyer's latest live case as evidence.
func (e *Engine) media(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	return e.do(ctx, m, func(t *turn) error {
		if sess.CaseID != "" {
			if err := t.recordIfLive(sess.CaseID, m); err != nil {
				return err
			}
		} else if len(sess.Pending) < maxPending {
			sess.Pending = append(sess.Pending, said{Text: mediaText(m), Media: m.Media})
			e.saveSession(m.Shop, m.From, *sess)
		}
		return t.say("media_received", Data{})
	})
}

// mediaText is a media message as the transcript shows it: its kind and caption. The
// file itself is kept apart (Event.Media), so nothing a buyer types can pass for one.
func mediaText(m Message) string {
	s := "[" + string(m.Kind) + "]"
	if m.Text != "" {
		s += " " + m.Text
	}
	return s
}

// record adds the buyer's message to a case's transcript.
func (t *turn) record(caseID string, m Message) error {
	s := said{Text: m.Text}
	if m.Kind != KindText && m.Kind != "" {
		s = said{Text: mediaText(m), Media: m.Media}
	}
	return t.recordAll(caseID, []said{s})
}

func (t *turn) recordAll(caseID string, msgs []said) error {
	for _, s := range msgs {
		if err := t.tx.AddEvent(cases.Event{Shop: t.shop.ID, CaseID: caseID, Kind: cases.EventMessage, Actor: "buyer", Text: s.Text, Media: s.Media}); err != nil {
			return err
		}
	}
	return nil
}

// recordIfLive records the message on a case that is still being worked on.
func (t *turn) recordIfLive(caseID string, m Message) error {
	c, err := t.tx.Case(t.shop.ID, caseID)
	if errors.Is(err, cases.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !c.State.Live() {
		return nil
	}
	t.caseID = caseID
	return t.record(caseID, m)
}

// menu offers a numbered choice instead of guessing.
func (e *Engine) menu(ctx context.Context, m Message, sess *session, options []string) ([]cases.Reply, error) {
	sess.Menu, sess.MenuText = options, m.Text
	e.saveSession(m.Shop, m.From, *sess)
	var b strings.Builder
	for i, o := range options {
		fmt.Fprintf(&b, "%d. %s\n", i+1, intentName(o))
	}
	b.WriteString("0. 转人工")
	return e.answer(ctx, m, "menu", Data{Menu: b.String()})
}

// menuOptions are the after-sale choices to offer for an unclear message: the
// classifier's candidates first, then the usual ones, four in all.
func menuOptions(cands [3]intents.Label) []string {
	var out []string
	add := func(l intents.Label) {
		if l == "" || l == intents.Greeting || l == intents.Other || l == intents.Cancel || l == intents.Human {
			return
		}
		for _, o := range out {
			if o == string(l) {
				return
			}
		}
		out = append(out, string(l))
	}
	for _, c := range cands {
		add(c)
	}
	for _, l := range []intents.Label{intents.Refund, intents.Return, intents.Exchange, intents.Logistics, intents.Complaint} {
		if len(out) < 4 {
			add(l)
		}
	}
	return out
}

// menuChoice reads a reply to an open menu: its number, 0 for a person.
func menuChoice(text string, menu []string) (int, bool) {
	if len(menu) == 0 {
		return 0, false
	}
	text = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, text))
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 || n > len(menu) {
		return 0, false
	}
	return n, true
}

// resumeWaiting hands back to the merchant any case that was waiting on this buyer: the
// buyer has written, so the merchant's clock runs again.
func (e *Engine) resumeWaiting(ctx context.Context, m Message, waiting []cases.Case) error {
	shop := e.shops[m.Shop]
	for i := range waiting {
		c := &waiting[i]
		if c.State != cases.StateWaitingBuyer {
			continue
		}
		_, err := e.commit(ctx, m, func(t *turn) error {
			if err := t.record(c.ID, m); err != nil {
				return err
			}
			return t.tx.ResumeForMerchant(c, "buyer", "买家已回复", shop.Policy(c.Intent))
		})
		if err != nil {
			return err
		}
	}
	return nil
}
