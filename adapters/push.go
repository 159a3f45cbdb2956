package adapters

import (
	"context"
	"time"
)

// EventKind says what happened to an after-sale in a platform push.
type EventKind string

// Push event kinds. Platforms send finer codes; these are what the case loop acts on.
const (
	EventCreated  EventKind = "created"  // the buyer applied
	EventUpdated  EventKind = "updated"  // any other change: agreed, goods sent back, refunded…
	EventDeadline EventKind = "deadline" // the merchant's response deadline moved
	EventClosed   EventKind = "closed"   // withdrawn by the buyer or closed by the platform
)

// Event is a platform-neutral after-sale push. Receivers treat it as a hint to re-read the
// after-sale with CaseStatus: pushes can arrive late, twice or out of order. The push
// handlers have already refused forged, stale and replayed pushes they can recognise
// (see PushGuard); AfterSaleID and OrderID are at most MaxIDBytes.
type Event struct {
	Platform    string
	Kind        EventKind
	AfterSaleID string
	OrderID     string
	// Deadline is the new merchant deadline when the push carries one that SaneDeadline
	// accepts (within a day before At to 60 days after it, no unit mix-up); zero otherwise.
	Deadline time.Time
	// At is when the platform says the change happened, for ordering updates: an event
	// older than one already applied to the after-sale is stale. It is the time the push
	// was received when the push carries no plausible time of its own (抖店 209 carries
	// none) or one in the future (see EventTime): such an event counts as the newest,
	// which is safe because the receiver reads the platform back before acting on it.
	At time.Time
}

// EventHandler consumes one push event. A non-nil error makes the push handler answer
// the platform with a failure so that the platform delivers the event again.
type EventHandler func(ctx context.Context, e Event) error
