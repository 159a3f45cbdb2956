// Package intents decides what a buyer's chat message asks for (refund, return, exchange …)
// and pulls the slot data out of it (order id, phone, amount, tracking number, reason,
// picture). The model is a multinomial logistic regression over hashed character n-grams of
// a normalised text, trained at start-up from the labelled corpus embedded beside this file
// plus the shop's own examples, with a small rule layer for what n-grams cannot see
// (escalation threats and their negation, "不是…是…" contrast, retraction).
package intents

// Label is the one intent a buyer message is given. The boundaries between labels are the
// ones in DESIGN.md, section "Intents".
type Label string

// The ten labels, in the order Labels returns them.
const (
	Refund    Label = "refund"
	Return    Label = "return"
	Exchange  Label = "exchange"
	Complaint Label = "complaint"
	Logistics Label = "logistics"
	Repair    Label = "repair"
	Human     Label = "human"
	Cancel    Label = "cancel"
	Greeting  Label = "greeting"
	Other     Label = "other"
)

// Question is not a label the classifier gives: it names the intent of a merchant-inbox
// item (a message the bot could not answer, waiting for the merchant; cases.IntentQuestion),
// so its Chinese name lives with the others.
const Question Label = "question"

// numLabels is the size of every per-label array; the model's weight rows are this wide.
const numLabels = 10

// labelOrder returns the labels by index; an array value so no caller can change it.
func labelOrder() [numLabels]Label {
	return [numLabels]Label{Refund, Return, Exchange, Complaint, Logistics, Repair, Human, Cancel, Greeting, Other}
}

// Labels returns all ten labels in their fixed order (refund first, other last).
func Labels() []Label {
	o := labelOrder()
	return o[:]
}

// OpensCase reports whether a message with this label opens an after-sale case: refund,
// return, exchange, complaint and repair. The others are answered without one (logistics,
// greeting, other), hand the buyer to a person (human) or withdraw a case (cancel).
func (l Label) OpensCase() bool {
	switch l {
	case Refund, Return, Exchange, Complaint, Repair:
		return true
	}
	return false
}

// ParseLabel returns the label spelled s, and false when s names no label.
func ParseLabel(s string) (Label, bool) {
	i := labelIndex(Label(s))
	if i < 0 {
		return "", false
	}
	return labelOrder()[i], true
}

// labelIndex is the label's row in the model, or -1 for an unknown label.
func labelIndex(l Label) int {
	switch l {
	case Refund:
		return 0
	case Return:
		return 1
	case Exchange:
		return 2
	case Complaint:
		return 3
	case Logistics:
		return 4
	case Repair:
		return 5
	case Human:
		return 6
	case Cancel:
		return 7
	case Greeting:
		return 8
	case Other:
		return 9
	}
	return -1
}

// Chinese is the label's name as buyers and merchants read it: in replies, menus, alerts,
// the board and reports. This is the one place these names are kept; an unknown label is
// returned as it is.
// ChineseFor is the request's name for a reason: an exchange for a missing item is a 补发
// (reship the missing part), which buyers and merchants call by that name, not a swap; a
// refund of a price drop is 价保退差价.
func (l Label) ChineseFor(r Reason) string {
	if l == Exchange && r == ReasonMissingPart {
		return "补发"
	}
	if l == Refund && r == ReasonPriceDrop {
		return "价保退差价"
	}
	return l.Chinese()
}

func (l Label) Chinese() string {
	switch l {
	case Refund:
		return "退款"
	case Return:
		return "退货退款" // the platforms' own term (抖店, 淘宝): goods back, then money
	case Exchange:
		return "换货"
	case Complaint:
		return "投诉"
	case Logistics:
		return "物流"
	case Repair:
		return "维修"
	case Human:
		return "人工客服"
	case Cancel:
		return "撤销申请"
	case Greeting:
		return "问候"
	case Other:
		return "其他问题"
	case Question:
		return "买家咨询"
	}
	return string(l)
}

// Reason is why the buyer wants a remedy, as far as the text says; "" when it says nothing.
type Reason string

// The reasons ExtractSlots recognises.
const (
	ReasonQuality        Reason = "quality"
	ReasonDamaged        Reason = "damaged"
	ReasonWrongItem      Reason = "wrong_item"
	ReasonMissingPart    Reason = "missing_part"
	ReasonNotAsDescribed Reason = "not_as_described"
	ReasonSize           Reason = "size"
	ReasonNoReason       Reason = "no_reason"
	ReasonLate           Reason = "late"
	// ReasonPriceDrop is 价保: the price fell after buying and the difference is asked
	// back (DESIGN.md, refund: 退差价).
	ReasonPriceDrop Reason = "price_drop"
)
