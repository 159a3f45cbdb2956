// Package adapters defines what aftersale needs from a shop platform (抖店, 快手小店,
// 淘宝/天猫, the shop's own system, or a local order book) and the types shared by every
// platform. Each platform lives in its own sub-package and imports only this one.
package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Platform is what every platform does. Abilities only some platforms have (push intake,
// deadline extension) are separate interfaces found by type assertion.
type Platform interface {
	// Name is the platform's config name: manual, webhook, douyin, kuaishou, taobao.
	Name() string
	// Order looks an order up; it returns an error wrapping ErrNotFound for an unknown id.
	Order(ctx context.Context, orderID string) (Order, error)
	// OpenCase links or registers the after-sale on the platform. It returns ErrNotApplied
	// when the platform needs the buyer to apply first (抖店, 快手, 淘宝): the caller tells the
	// buyer how and tries again later.
	OpenCase(ctx context.Context, c CaseRequest) (CaseRef, error)
	// CaseStatus reports the platform's view of a linked after-sale.
	CaseStatus(ctx context.Context, ref CaseRef) (CaseStatus, error)
	// Resolve approves or refuses the after-sale where the platform allows it.
	Resolve(ctx context.Context, ref CaseRef, d Decision) error
}

// ErrNotFound means the platform does not know the order or after-sale asked for.
var ErrNotFound = errors.New("not found")

// ErrNotApplied means the buyer has not applied for the after-sale on the platform yet.
var ErrNotApplied = errors.New("buyer has not applied on the platform yet")

// OrderStatus is a platform-neutral order state.
type OrderStatus string

// Order states, in the order an order passes them.
const (
	OrderUnpaid    OrderStatus = "unpaid"
	OrderPaid      OrderStatus = "paid" // paid, not shipped yet
	OrderShipped   OrderStatus = "shipped"
	OrderDelivered OrderStatus = "delivered"
	OrderClosed    OrderStatus = "closed"
)

// Order is what a platform knows about one order. Money is in fen (分) to stay exact.
type Order struct {
	ID       string
	Platform string
	Buyer    string // buyer's nickname on the platform, if known
	// BuyerPhone is the phone on the order as the platform or order book gives it
	// (often masked, "138****5678"); its last four digits prove a chat buyer owns the
	// order. "" when unknown.
	BuyerPhone  string
	Items       []Item
	PaidFen     int64
	Status      OrderStatus
	PaidAt      time.Time
	Courier     string // e.g. 中通快递
	TrackingNo  string
	ShippedAt   time.Time
	DeliveredAt time.Time
	// Logistics is the latest tracking line, shown to a buyer who asks where the parcel is.
	Logistics string
}

// Item is one line of an order.
type Item struct {
	Title    string
	SKU      string
	Qty      int
	PriceFen int64
}

// CaseRequest asks a platform to link or register an after-sale for one of our cases.
type CaseRequest struct {
	Shop      string
	CaseID    string // our short id, e.g. A12
	OrderID   string
	Kind      string // the intent label: refund, return, exchange, repair, complaint
	Reason    string // intents reason code, e.g. damaged
	AmountFen int64  // what the buyer asks back, 0 when unknown
	Note      string // a short summary of the buyer's words
	Evidence  []string
}

// CaseRef points at the platform's after-sale for one of our cases.
type CaseRef struct {
	Platform string
	// ID is the platform's after-sale id; empty where the platform keeps none (manual).
	ID string
	// Deadline is the merchant's response deadline the platform reports for the current
	// step; zero when it reports none, in which case the configured SLA applies.
	Deadline time.Time
}

// Status is a platform-neutral after-sale state.
type Status string

// After-sale states as the platform sees them.
const (
	StatusWaitingMerchant Status = "waiting_merchant"
	StatusWaitingBuyer    Status = "waiting_buyer" // e.g. buyer must send the goods back
	StatusSucceeded       Status = "succeeded"
	StatusRejected        Status = "rejected"
	StatusClosed          Status = "closed" // withdrawn by the buyer or closed by the platform
)

// CaseStatus is the platform's view of one after-sale.
type CaseStatus struct {
	Status    Status
	Raw       string    // the platform's own status code or name, for logs and the board
	Deadline  time.Time // deadline of the current step; zero if none
	AmountFen int64
	UpdatedAt time.Time
}

// Decision is the merchant's answer to an after-sale.
type Decision struct {
	Approve   bool
	Reason    string // shown to the buyer on refusal
	AmountFen int64  // 0 = the amount asked
}

// APIError is an error the platform answered with. Callers branch on Retryable and
// Reauth; Code and Msg are the platform's own words for the logs.
type APIError struct {
	Platform string
	Op       string // the API method, e.g. afterSale.List
	Code     string
	Msg      string
	// Retryable is true for errors worth trying again later (5xx, rate limits, timeouts).
	Retryable bool
	// Reauth is true when the access token expired or was revoked: the merchant must
	// re-authorise the app; retrying will not help.
	Reauth bool
	Err    error // underlying transport error, if any
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: code %s", e.Platform, e.Op, e.Code)
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether err is worth retrying later. Unknown errors (network, timeouts)
// are; ErrNotFound, ErrNotApplied-free API errors marked not retryable, and Reauth are not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, ErrNotFound) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Retryable
	}
	return true
}
