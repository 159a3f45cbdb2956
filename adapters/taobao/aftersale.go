package taobao

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

const tradeFields = "tid,tid_str,status,payment,pay_time,consign_time,end_time,buyer_nick,orders"

type trade struct {
	Tid         flexID `json:"tid"`
	TidStr      string `json:"tid_str"`
	Status      string `json:"status"`
	Payment     string `json:"payment"` // yuan
	PayTime     string `json:"pay_time"`
	ConsignTime string `json:"consign_time"`
	EndTime     string `json:"end_time"`
	BuyerNick   string `json:"buyer_nick"`
	Orders      struct {
		Order []struct {
			Title            string `json:"title"`
			OuterSkuID       string `json:"outer_sku_id"`
			Num              int    `json:"num"`
			Price            string `json:"price"` // yuan per unit
			LogisticsCompany string `json:"logistics_company"`
			InvoiceNo        string `json:"invoice_no"` // tracking number
		} `json:"order"`
	} `json:"orders"`
}

func tradeStatus(s string) adapters.OrderStatus {
	switch s {
	case "TRADE_NO_CREATE_PAY", "WAIT_BUYER_PAY", "PAY_PENDING":
		return adapters.OrderUnpaid
	case "SELLER_CONSIGNED_PART", "WAIT_BUYER_CONFIRM_GOODS":
		return adapters.OrderShipped
	case "TRADE_BUYER_SIGNED", "TRADE_FINISHED":
		return adapters.OrderDelivered
	case "TRADE_CLOSED", "TRADE_CLOSED_BY_TAOBAO":
		return adapters.OrderClosed
	}
	return adapters.OrderPaid
}

// order reads taobao.trade.fullinfo.get; orderID is the trade id (tid).
func (c *Client) order(ctx context.Context, orderID string) (adapters.Order, error) {
	var r struct {
		Trade *trade `json:"trade"`
	}
	err := c.call(ctx, "taobao.trade.fullinfo.get", map[string]string{"tid": orderID, "fields": tradeFields}, true, &r)
	if isNotFound(err) {
		return adapters.Order{}, fmt.Errorf("taobao order %s: %w: %w", orderID, adapters.ErrNotFound, err)
	}
	if err != nil {
		return adapters.Order{}, fmt.Errorf("taobao order %s: %w", orderID, err)
	}
	if r.Trade == nil {
		return adapters.Order{}, fmt.Errorf("taobao order %s: %w", orderID, adapters.ErrNotFound)
	}
	t := r.Trade
	paid, err := yuanToFen(t.Payment)
	if err != nil {
		return adapters.Order{}, fmt.Errorf("taobao order %s: %w", orderID, c.badAnswer("taobao.trade.fullinfo.get", "payment", err))
	}
	id := t.TidStr
	if id == "" {
		id = string(t.Tid)
	}
	if id == "" {
		// A trade nothing can be filed under: a broken answer, not a missing order.
		return adapters.Order{}, fmt.Errorf("taobao order %s: %w", orderID,
			&adapters.APIError{Platform: Name, Op: "taobao.trade.fullinfo.get", Code: "bad_response", Msg: "trade without tid"})
	}
	out := adapters.Order{
		ID: id, Platform: Name, Buyer: t.BuyerNick, PaidFen: paid, Status: tradeStatus(t.Status),
		PaidAt: parseTime(t.PayTime), ShippedAt: parseTime(t.ConsignTime),
	}
	if t.Status == "TRADE_FINISHED" {
		out.DeliveredAt = parseTime(t.EndTime)
	}
	for _, o := range t.Orders.Order {
		price, err := yuanToFen(o.Price)
		if err != nil {
			return adapters.Order{}, fmt.Errorf("taobao order %s: %w", orderID, c.badAnswer("taobao.trade.fullinfo.get", "price", err))
		}
		out.Items = append(out.Items, adapters.Item{Title: o.Title, SKU: o.OuterSkuID, Qty: o.Num, PriceFen: price})
		if o.InvoiceNo != "" {
			out.Courier, out.TrackingNo = o.LogisticsCompany, o.InvoiceNo
		}
	}
	return out, nil
}

// badAnswer is the error for a field of a well-formed answer that cannot be read, e.g.
// money that is not yuan. It is an APIError so callers do not take it for a transport
// failure worth retrying, and the field's text is kept for the logs without credentials.
func (c *Client) badAnswer(op, field string, err error) *adapters.APIError {
	return &adapters.APIError{Platform: Name, Op: op, Code: "bad_response", Msg: c.redact(field + ": " + err.Error())}
}

// refundStatus maps TOP refund statuses.
func refundStatus(s string) adapters.Status {
	switch s {
	case "WAIT_BUYER_RETURN_GOODS":
		return adapters.StatusWaitingBuyer
	case "SELLER_REFUSE_BUYER":
		return adapters.StatusRejected
	case "SUCCESS":
		return adapters.StatusSucceeded
	case "CLOSED":
		return adapters.StatusClosed
	}
	// WAIT_SELLER_AGREE, WAIT_SELLER_CONFIRM_GOODS and anything new: the merchant's turn.
	return adapters.StatusWaitingMerchant
}

type refund struct {
	RefundID            flexID `json:"refund_id"`
	Tid                 flexID `json:"tid"`
	Oid                 flexID `json:"oid"`
	Status              string `json:"status"`
	RefundFee           string `json:"refund_fee"` // yuan
	Modified            string `json:"modified"`
	RefundVersion       flexID `json:"refund_version"`
	RefundPhase         string `json:"refund_phase"` // onsale / aftersale
	RefundRemindTimeout *struct {
		RemindType   int    `json:"remind_type"`
		ExistTimeout bool   `json:"exist_timeout"`
		Timeout      string `json:"timeout"`
	} `json:"refund_remind_timeout"`
}

const (
	listFields   = "refund_id,tid,oid,status,refund_fee,modified,refund_version,refund_phase"
	detailFields = listFields + ",refund_remind_timeout"
	maxListPages = 5
)

// openCase finds the buyer's refund for the trade with taobao.refunds.receive.get
// (filtered by tid here: the API has no tid filter), then reads it with taobao.refund.get
// for the deadline, which the list does not carry.
func (c *Client) openCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	var found []refund
	for page := 1; page <= maxListPages; page++ {
		var r struct {
			Refunds struct {
				Refund []refund `json:"refund"`
			} `json:"refunds"`
			HasNext bool `json:"has_next"`
		}
		params := map[string]string{"fields": listFields, "page_no": strconv.Itoa(page), "page_size": "100", "use_has_next": "true"}
		if err := c.call(ctx, "taobao.refunds.receive.get", params, true, &r); err != nil {
			return adapters.CaseRef{}, fmt.Errorf("taobao open case %s order %s: %w", req.CaseID, req.OrderID, err)
		}
		for _, rf := range r.Refunds.Refund {
			if string(rf.Tid) == req.OrderID {
				found = append(found, rf)
			}
		}
		if !r.HasNext {
			break
		}
	}
	if len(found) == 0 {
		return adapters.CaseRef{}, fmt.Errorf("taobao open case %s order %s: %w", req.CaseID, req.OrderID, adapters.ErrNotApplied)
	}
	pick := found[0]
	for _, rf := range found {
		if st := refundStatus(rf.Status); st == adapters.StatusWaitingMerchant || st == adapters.StatusWaitingBuyer {
			pick = rf
			break
		}
	}
	d, err := c.refund(ctx, string(pick.RefundID))
	if err != nil {
		return adapters.CaseRef{}, fmt.Errorf("taobao open case %s order %s: %w", req.CaseID, req.OrderID, err)
	}
	return adapters.CaseRef{Platform: Name, ID: string(d.RefundID), Deadline: d.deadline()}, nil
}

// deadline is refund_remind_timeout.timeout (Beijing time) when a timeout exists.
func (r refund) deadline() time.Time {
	if r.RefundRemindTimeout == nil || !r.RefundRemindTimeout.ExistTimeout {
		return time.Time{}
	}
	return parseTime(r.RefundRemindTimeout.Timeout)
}

func (c *Client) refund(ctx context.Context, id string) (refund, error) {
	var r struct {
		Refund *refund `json:"refund"`
	}
	err := c.call(ctx, "taobao.refund.get", map[string]string{"refund_id": id, "fields": detailFields}, true, &r)
	if isNotFound(err) {
		return refund{}, fmt.Errorf("%w: %w", adapters.ErrNotFound, err)
	}
	if err != nil {
		return refund{}, err
	}
	if r.Refund == nil || r.Refund.RefundID == "" {
		return refund{}, adapters.ErrNotFound
	}
	return *r.Refund, nil
}

// caseStatus reads taobao.refund.get.
func (c *Client) caseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	r, err := c.refund(ctx, ref.ID)
	if err != nil {
		return adapters.CaseStatus{}, fmt.Errorf("taobao case status %s: %w", ref.ID, err)
	}
	fee, err := yuanToFen(r.RefundFee)
	if err != nil {
		return adapters.CaseStatus{}, fmt.Errorf("taobao case status %s: %w", ref.ID, c.badAnswer("taobao.refund.get", "refund_fee", err))
	}
	return adapters.CaseStatus{
		Status: refundStatus(r.Status), Raw: r.Status, Deadline: r.deadline(),
		AmountFen: fee, UpdatedAt: parseTime(r.Modified),
	}, nil
}

// ErrAmountTooHigh is returned when a decision refunds more than the buyer applied for.
var ErrAmountTooHigh = errors.New("taobao: refund amount above what the buyer applied for")

// resolve agrees with taobao.rp.refunds.agree (refund_infos "id|fen|version|phase") or
// refuses with taobao.refund.refuse. Both need the refund's current version and phase,
// read first. Agreeing to a return (WAIT_SELLER_AGREE on a 退货) has its own API,
// taobao.rp.returngoods.agree, which needs an address and is not used here (unverified
// how rp.refunds.agree treats it); some categories require refuse_proof (unverified).
func (c *Client) resolve(ctx context.Context, ref adapters.CaseRef, dec adapters.Decision) error {
	r, err := c.refund(ctx, ref.ID)
	if err != nil {
		return fmt.Errorf("taobao resolve %s: %w", ref.ID, err)
	}
	if dec.Approve {
		fee, err := yuanToFen(r.RefundFee)
		if err != nil {
			return fmt.Errorf("taobao resolve %s: %w", ref.ID, c.badAnswer("taobao.refund.get", "refund_fee", err))
		}
		amount := fee
		if dec.AmountFen != 0 {
			if dec.AmountFen > fee {
				return fmt.Errorf("taobao resolve %s: %d > %d: %w", ref.ID, dec.AmountFen, fee, ErrAmountTooHigh)
			}
			amount = dec.AmountFen
		}
		info := strings.Join([]string{string(r.RefundID), strconv.FormatInt(amount, 10), string(r.RefundVersion), r.RefundPhase}, "|")
		var out struct {
			Succ    bool   `json:"succ"`
			Msg     string `json:"msg"`
			Results struct {
				RefundMappingResult []struct {
					Succ    bool   `json:"succ"`
					Message string `json:"message"`
				} `json:"refund_mapping_result"`
			} `json:"results"`
		}
		if err := c.call(ctx, "taobao.rp.refunds.agree", map[string]string{"refund_infos": info}, true, &out); err != nil {
			return fmt.Errorf("taobao resolve %s: %w", ref.ID, err)
		}
		msg := out.Msg
		ok := out.Succ
		for _, m := range out.Results.RefundMappingResult {
			if !m.Succ {
				ok, msg = false, m.Message
			}
		}
		if !ok {
			return fmt.Errorf("taobao resolve %s: %w", ref.ID, &adapters.APIError{Platform: Name, Op: "taobao.rp.refunds.agree", Code: "not_agreed", Msg: c.redact(msg)})
		}
		return nil
	}
	params := map[string]string{
		"refund_id": string(r.RefundID), "refuse_message": dec.Reason,
		"refund_phase": r.RefundPhase, "refund_version": string(r.RefundVersion),
	}
	if c.o.RefuseReasonID != 0 {
		params["refuse_reason_id"] = strconv.FormatInt(c.o.RefuseReasonID, 10)
	}
	var out struct {
		IsSuccess bool `json:"is_success"`
	}
	if err := c.call(ctx, "taobao.refund.refuse", params, true, &out); err != nil {
		return fmt.Errorf("taobao resolve %s: %w", ref.ID, err)
	}
	if !out.IsSuccess {
		return fmt.Errorf("taobao resolve %s: %w", ref.ID, &adapters.APIError{Platform: Name, Op: "taobao.refund.refuse", Code: "not_refused"})
	}
	return nil
}
