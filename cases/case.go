// Package cases holds the after-sale case model, its lifecycle and its durable store:
// cases, their append-only event log, the merchant alerts scheduled against each case's
// deadline, and the outboxes of replies and platform calls that must survive a crash.
package cases

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// State is where a case stands. Only the transitions in CanTransition are legal.
type State string

// Case states. open → waiting_merchant → (waiting_buyer ↔ waiting_merchant)* →
// resolved | rejected | cancelled | expired | closed.
const (
	StateOpen            State = "open"
	StateWaitingMerchant State = "waiting_merchant"
	StateWaitingBuyer    State = "waiting_buyer"
	StateResolved        State = "resolved"
	StateRejected        State = "rejected"
	StateCancelled       State = "cancelled"
	StateExpired         State = "expired"
	// StateClosed is a case the merchant closed without a decision: a misreading, a
	// duplicate merged into another case, a request that needs nothing more.
	StateClosed State = "closed"
)

// Live reports whether the case is still being worked on.
func (s State) Live() bool {
	return s == StateOpen || s == StateWaitingMerchant || s == StateWaitingBuyer
}

// Label is the state in Chinese, for buyers and merchants.
func (s State) Label() string {
	switch s {
	case StateOpen:
		return "新建"
	case StateWaitingMerchant:
		return "待商家处理"
	case StateWaitingBuyer:
		return "待买家处理"
	case StateResolved:
		return "已同意"
	case StateRejected:
		return "已拒绝"
	case StateCancelled:
		return "已撤销"
	case StateExpired:
		return "已超时"
	case StateClosed:
		return "已关闭"
	}
	return string(s)
}

// StateLabel is the case's state in Chinese, in the words of its kind: a question the
// merchant answered is 已回复 and a request for a person that ended is 已处理, not 已同意
// (nothing was agreed to).
func (c *Case) StateLabel() string {
	if c.State == StateResolved {
		switch c.Intent {
		case IntentQuestion:
			return "已回复"
		case "human":
			return "已处理"
		}
	}
	return c.State.Label()
}

// CanTransition reports whether a case may move from one state to another.
func CanTransition(from, to State) bool {
	final := []State{StateResolved, StateRejected, StateCancelled, StateExpired, StateClosed}
	switch from {
	case StateOpen:
		return to == StateWaitingMerchant || slices.Contains(final, to)
	case StateWaitingMerchant:
		return to == StateWaitingBuyer || slices.Contains(final, to)
	case StateWaitingBuyer:
		return to == StateWaitingMerchant || slices.Contains(final, to)
	case StateRejected:
		// The merchant changes their mind after seeing more evidence: 同意 after 拒绝.
		return to == StateResolved
	case StateResolved:
		// The buyer took the request back after the merchant agreed ("不用退了 我自己修好
		// 了"), before the money or the parcel went: the merchant records it over.
		return to == StateClosed
	}
	return false
}

// ErrIllegalTransition is returned when a state change breaks the case lifecycle.
var ErrIllegalTransition = errors.New("illegal state transition")

// ErrNotFound is returned for a case id the shop does not have.
var ErrNotFound = errors.New("case not found")

// Case is one after-sale request of one buyer.
type Case struct {
	Shop      string
	ID        string // short and typeable in chat, unique per shop: A12
	Buyer     string // stable buyer id within the shop's channel
	BuyerName string
	Intent    string
	OrderID   string
	Reason    string
	AmountFen int64
	State     State
	Deadline  time.Time // the merchant must answer by then; zero while none applies
	Platform  string
	// PlatformRef is the platform's after-sale id once the platform knows the case.
	PlatformRef string
	Note        string // the merchant's own note
	// PausedLeft is the merchant's time left, kept while the case waits on the buyer.
	PausedLeft time.Duration
	OpenedAt   time.Time
	UpdatedAt  time.Time
	// Goods is what the order holds, as its item titles read when the order was looked up
	// ("陶瓷马克杯 ×2"), so the merchant's alerts name it; "" when unknown. Kept on the
	// case, not read again, so an alert says the same after a restart.
	Goods string
}

// Event kinds in a case's log.
const (
	EventOpened   = "opened"
	EventMessage  = "message"  // a buyer's message: the transcript
	EventReply    = "reply"    // what the bot or merchant said to the buyer
	EventState    = "state"    // a state change; Text holds "from→to"
	EventAlert    = "alert"    // an alert was sent to the merchant
	EventMerchant = "merchant" // a merchant command
	EventPlatform = "platform" // a platform sync
	EventNote     = "note"
	EventUpdated  = "updated" // a repeated request updated the case
)

// Event is one entry in a case's append-only log.
type Event struct {
	ID     int64
	Shop   string
	CaseID string
	Kind   string
	Actor  string // buyer, merchant, bot, platform
	Text   string
	// Media is the saved file of a picture or other media the buyer sent (EventMessage);
	// only the channel sets it, never buyer text.
	Media string
	// From and To are the states of an EventState.
	From, To State
	At       time.Time
}

// AlertState is where one scheduled alert stands.
type AlertState string

// Alert states. sending marks a claimed alert: one found in that state at start-up was
// being sent when the process died, so it is sent again marked as a repeat (重发).
const (
	AlertPending   AlertState = "pending"
	AlertSending   AlertState = "sending"
	AlertSent      AlertState = "sent"
	AlertCancelled AlertState = "cancelled"
)

// BuyerTexts are the buyer's text messages among a case's events, oldest first; media
// messages are left out.
func BuyerTexts(events []Event) []string {
	var out []string
	for _, e := range events {
		if e.Kind == EventMessage && e.Media == "" {
			out = append(out, e.Text)
		}
	}
	return out
}

// MergedInto starts the note left on a decided case whose words were merged into a live
// one ("已并入 A9"): what the buyer said on it is answered there.
const MergedInto = "已并入 "

// SinceMerchant is what the buyer wrote on a case after its last state change and the
// merchant's last 回复, in order: words still waiting for the merchant on a decided case.
func SinceMerchant(events []Event) []string {
	var said []string
	for _, ev := range events {
		switch {
		case ev.Kind == EventState, ev.Kind == EventReply && ev.Actor == "merchant",
			ev.Kind == EventMerchant && strings.HasPrefix(ev.Text, MergedInto):
			said = nil
		case ev.Kind == EventMessage && ev.Actor == "buyer":
			said = append(said, ev.Text)
		}
	}
	return said
}

// Who is the buyer as the merchant knows them: their display name, else their id.
func (c *Case) Who() string {
	if c.BuyerName != "" {
		return c.BuyerName
	}
	return c.Buyer
}

// IntentQuestion is the intent of a merchant-inbox item: a buyer's message the bot did
// not answer itself (no case, no FAQ entry, not small talk), waiting for the merchant's
// reply. Its ids are Q1, Q2, …; the merchant's reply closes it.
const IntentQuestion = "question"

// Alert kinds.
const (
	AlertNewCase        = "new_case"
	AlertWarn           = "warn"
	AlertOverdue        = "overdue"
	AlertComplaint      = "complaint"
	AlertReminder       = "reminder" // a snoozed reminder
	AlertBuyerCancelled = "cancelled_by_buyer"
	// AlertFollowUp tells the merchant a buyer wrote again about a case that is over (a
	// request after a rejection): it goes out even though the case is closed.
	AlertFollowUp = "followup"
	// AlertGoodsBack tells the merchant the buyer sent the goods of an approved return,
	// exchange or repair back, with the waybill: the next step (refund, reshipment) is
	// theirs once the parcel arrives.
	AlertGoodsBack = "goods_back"
	// AlertBuyerWithdrew tells the merchant a buyer took back a request the merchant had
	// already agreed to: the refund or reshipment may still be stopped.
	AlertBuyerWithdrew = "buyer_withdrew"
	// AlertBuyerReminder reminds the buyer while the case waits on them; it goes to the
	// buyer's chat, not to the merchant's sinks.
	AlertBuyerReminder = "buyer_reminder"
	// AlertBuyerReplied tells the merchant the buyer answered what a case waited on (等买家)
	// and its clock runs again.
	AlertBuyerReplied = "buyer_replied"
	// AlertBuyerSaid passes a buyer's message to the merchant who took the buyer over
	// (接管): the bot is silent, so the merchant must see every word.
	AlertBuyerSaid = "buyer_said"
	// AlertPlatformAuth tells the merchant the platform refused the shop's credentials.
	AlertPlatformAuth = "platform_auth"
	// AlertPlatformSync tells the merchant a case has not reached the platform after
	// repeated failures, or never will without them.
	AlertPlatformSync = "platform_sync"
)

// Alert is one merchant alert scheduled for a case.
type Alert struct {
	ID       int64
	Shop     string
	CaseID   string
	Kind     string
	DueAt    time.Time
	State    AlertState
	Attempts int
	// Repeat is set when the alert may already have been delivered once before a crash.
	Repeat bool
	// Note is the buyer's words the alert is about, when they are not the case's first
	// message (a follow-up, a grievance joined to the case); "" otherwise.
	Note string
}

// Reply is a message to a buyer or merchant, committed before it is sent.
type Reply struct {
	ID   int64
	Shop string
	To   string
	Text string
}

// Job is a platform call waiting in the outbox.
type Job struct {
	ID       int64
	Shop     string
	CaseID   string
	Kind     string // JobOpenCase or JobResolve
	Payload  string // JSON: ResolvePayload for JobResolve
	DueAt    time.Time
	Attempts int
}

// Platform job kinds: the buyer's turn queues them, the worker runs them.
const (
	JobOpenCase = "open_case" // link or register the case on the shop's platform
	JobResolve  = "resolve"   // send the merchant's decision to the platform
)

// ResolvePayload is a JobResolve job's payload.
type ResolvePayload struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
}

// Encode returns the payload as stored in Job.Payload.
func (p ResolvePayload) Encode() string {
	b, _ := json.Marshal(p) // two plain fields: cannot fail
	return string(b)
}

// Policy is the service-level rule for one intent: how long the merchant has to answer
// and when to warn before that.
type Policy struct {
	RespondWithin time.Duration
	WarnBefore    []time.Duration
	AlertNow      bool // complaints: tell the merchant at once, in a louder voice
	// Until, when set, computes the deadline instead of RespondWithin: business hours or
	// working days on a holiday calendar.
	Until func(opened time.Time) time.Time
}

// Deadline is when a case opened at t must be answered.
func (p Policy) Deadline(t time.Time) time.Time {
	if p.Until != nil {
		return p.Until(t)
	}
	return t.Add(p.RespondWithin)
}

// Alerts lists the alerts for a case opened at opened with the given deadline: one
// at once, one per warning still in the future, and one at the deadline.
func (p Policy) Alerts(opened, deadline time.Time) []Alert {
	first := AlertNewCase
	if p.AlertNow {
		first = AlertComplaint
	}
	out := []Alert{{Kind: first, DueAt: opened}}
	out = append(out, warnings(p, opened, deadline)...)
	return out
}

// warnings are the alerts between now and the deadline, and the one at it.
func warnings(p Policy, now, deadline time.Time) []Alert {
	var out []Alert
	for _, w := range p.WarnBefore {
		if due := deadline.Add(-w); due.After(now) {
			out = append(out, Alert{Kind: AlertWarn, DueAt: due})
		}
	}
	return append(out, Alert{Kind: AlertOverdue, DueAt: deadline})
}
