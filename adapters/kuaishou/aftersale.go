package kuaishou

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aftersale/aftersale/adapters"
)

type orderDetail struct {
	OrderBaseInfo struct {
		Oid       int64  `json:"oid"`
		Status    int    `json:"status"`
		TotalFee  int64  `json:"totalFee"` // fen, goods only, without freight
		PayTime   int64  `json:"payTime"`  // ms
		SendTime  int64  `json:"sendTime"` // ms
		RecvTime  int64  `json:"recvTime"` // ms
		BuyerNick string `json:"buyerNick"`
	} `json:"orderBaseInfo"`
	// OrderItemInfo is one object per order on this API; field names follow the public
	// SDKs (unverified).
	OrderItemInfo struct {
		ItemTitle  string `json:"itemTitle"`
		SkuNick    string `json:"skuNick"`
		SkuDesc    string `json:"skuDesc"`
		Num        int    `json:"num"`
		Price      int64  `json:"price"` // fen per unit
		OuterSkuID string `json:"outerSkuId"`
	} `json:"orderItemInfo"`
	OrderLogisticsInfo []struct {
		ExpressNo string `json:"expressNo"`
	} `json:"orderLogisticsInfo"`
}

// orderStatus maps order status: 10 待付款, 30 已付款, 40 已发货, 50 已签收, 70 成功, 80 失败/取消.
func orderStatus(s int) adapters.OrderStatus {
	switch s {
	case 10:
		return adapters.OrderUnpaid
	case 40:
		return adapters.OrderShipped
	case 50, 70:
		return adapters.OrderDelivered
	case 80:
		return adapters.OrderClosed
	}
	return adapters.OrderPaid
}

// order reads open.order.detail. The courier's name is not on this API (only a numeric
// express code), so Courier stays empty.
func (c *Client) order(ctx context.Context, orderID string) (adapters.Order, error) {
	oid, err := parseID("order", orderID)
	if err != nil {
		return adapters.Order{}, err
	}
	var d orderDetail
	err = c.call(ctx, "open.order.detail", map[string]any{"oid": oid}, &d)
	if isNotFound(err) {
		return adapters.Order{}, fmt.Errorf("kuaishou order %s: %w: %w", orderID, adapters.ErrNotFound, err)
	}
	if err != nil {
		return adapters.Order{}, fmt.Errorf("kuaishou order %s: %w", orderID, err)
	}
	b := d.OrderBaseInfo
	if b.Oid == 0 {
		return adapters.Order{}, fmt.Errorf("kuaishou order %s: %w", orderID, adapters.ErrNotFound)
	}
	if b.Oid < 0 {
		// An id no later call would accept (parseID): a broken answer, not a missing order.
		return adapters.Order{}, fmt.Errorf("kuaishou order %s: %w", orderID,
			&adapters.APIError{Platform: Name, Op: "open.order.detail", Code: "bad_response", Msg: "oid is not a platform id"})
	}
	it := d.OrderItemInfo
	sku := it.OuterSkuID
	if sku == "" {
		sku = it.SkuNick
	}
	title := it.ItemTitle
	if it.SkuDesc != "" {
		title += " " + it.SkuDesc
	}
	out := adapters.Order{
		ID:          strconv.FormatInt(b.Oid, 10),
		Platform:    Name,
		Buyer:       b.BuyerNick,
		Items:       []adapters.Item{{Title: title, SKU: sku, Qty: it.Num, PriceFen: it.Price}},
		PaidFen:     b.TotalFee,
		Status:      orderStatus(b.Status),
		PaidAt:      msTime(b.PayTime),
		ShippedAt:   msTime(b.SendTime),
		DeliveredAt: msTime(b.RecvTime),
	}
	if n := len(d.OrderLogisticsInfo); n > 0 {
		out.TrackingNo = d.OrderLogisticsInfo[n-1].ExpressNo
	}
	return out, nil
}

// refundStatus maps refund status: 10 待卖家同意, 12 卖家已拒绝, 20 平台处理 (the merchant
// may still have to answer the platform), 30 待买家退货, 40 待卖家确认收货, 45 待买家收货
// (exchange), 50 待系统退款, 60 成功, 70 关闭. Unknown codes wait on the merchant so an
// unknown step alerts rather than goes quiet.
func refundStatus(s int) adapters.Status {
	switch s {
	case 12:
		return adapters.StatusRejected
	case 30, 45:
		return adapters.StatusWaitingBuyer
	case 50, 60:
		return adapters.StatusSucceeded
	case 70:
		return adapters.StatusClosed
	}
	return adapters.StatusWaitingMerchant
}

type refund struct {
	RefundID    int64 `json:"refundId"`
	Oid         int64 `json:"oid"`
	Status      int   `json:"status"`
	HandlingWay int   `json:"handlingWay"`
	RefundFee   int64 `json:"refundFee"`  // fen
	ExpireTime  int64 `json:"expireTime"` // ms, the merchant's deadline for this step
	UpdateTime  int64 `json:"updateTime"` // ms
}

// maxListPages bounds the cursor walk; one order rarely has more than a few refunds.
const maxListPages = 5

// openCase finds the buyer's refund for the order with
// open.seller.order.refund.pcursor.list filtered by orderId (type 9 = all). It keeps only
// rows whose oid matches, prefers one in progress, and returns ErrNotApplied when none.
func (c *Client) openCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	oid, err := parseID("order", req.OrderID)
	if err != nil {
		return adapters.CaseRef{}, fmt.Errorf("kuaishou open case %s: %w", req.CaseID, err)
	}
	var found []refund
	idless := 0
	cursor := ""
	for page := 0; page < maxListPages; page++ {
		var d struct {
			Pcursor             string   `json:"pcursor"`
			RefundOrderInfoList []refund `json:"refundOrderInfoList"`
			DataList            []refund `json:"dataList"`
		}
		param := map[string]any{"orderId": oid, "type": 9, "pageSize": 100, "pcursor": cursor}
		if err := c.call(ctx, "open.seller.order.refund.pcursor.list", param, &d); err != nil {
			return adapters.CaseRef{}, fmt.Errorf("kuaishou open case %s order %s: %w", req.CaseID, req.OrderID, err)
		}
		for _, r := range append(d.RefundOrderInfoList, d.DataList...) {
			switch {
			case r.Oid != oid:
			case r.RefundID <= 0:
				// A ref to it would fail every later call (parseID): count it, link nothing.
				idless++
			default:
				found = append(found, r)
			}
		}
		if d.Pcursor == "" || d.Pcursor == "nomore" || d.Pcursor == cursor {
			break
		}
		cursor = d.Pcursor
	}
	if len(found) == 0 && idless > 0 {
		return adapters.CaseRef{}, fmt.Errorf("kuaishou open case %s order %s: %w", req.CaseID, req.OrderID,
			&adapters.APIError{Platform: Name, Op: "open.seller.order.refund.pcursor.list", Code: "bad_response", Msg: "refunds without refundId"})
	}
	if len(found) == 0 {
		return adapters.CaseRef{}, fmt.Errorf("kuaishou open case %s order %s: %w", req.CaseID, req.OrderID, adapters.ErrNotApplied)
	}
	pick := found[0]
	for _, r := range found {
		if st := refundStatus(r.Status); st == adapters.StatusWaitingMerchant || st == adapters.StatusWaitingBuyer {
			pick = r
			break
		}
	}
	return adapters.CaseRef{Platform: Name, ID: strconv.FormatInt(pick.RefundID, 10), Deadline: msTime(pick.ExpireTime)}, nil
}

func (c *Client) detail(ctx context.Context, id string) (refund, error) {
	rid, err := parseID("refund", id)
	if err != nil {
		return refund{}, err
	}
	var r refund
	err = c.call(ctx, "open.seller.order.refund.detail", map[string]any{"refundId": rid}, &r)
	if isNotFound(err) {
		return r, fmt.Errorf("%w: %w", adapters.ErrNotFound, err)
	}
	if err != nil {
		return r, err
	}
	if r.RefundID == 0 {
		return r, adapters.ErrNotFound
	}
	return r, nil
}

// caseStatus reads open.seller.order.refund.detail.
func (c *Client) caseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	r, err := c.detail(ctx, ref.ID)
	if err != nil {
		return adapters.CaseStatus{}, fmt.Errorf("kuaishou case status %s: %w", ref.ID, err)
	}
	return adapters.CaseStatus{
		Status:    refundStatus(r.Status),
		Raw:       strconv.Itoa(r.Status),
		Deadline:  msTime(r.ExpireTime),
		AmountFen: r.RefundFee,
		UpdatedAt: msTime(r.UpdateTime),
	}, nil
}

// ErrNeedsBackend is returned for decisions this adapter will not make through the API:
// agreeing to a return needs the shop's return address id (returngoods.approve), and an
// amount above what was applied for is refused by the platform anyway.
var ErrNeedsBackend = errors.New("kuaishou: decide this one in the 快手小店 backend")

// resolve approves with open.seller.order.refund.approve or refuses with
// open.seller.order.refund.disagree.refund. It reads the detail first because both take
// the current status (unverified parameter names beyond refundId).
func (c *Client) resolve(ctx context.Context, ref adapters.CaseRef, dec adapters.Decision) error {
	r, err := c.detail(ctx, ref.ID)
	if err != nil {
		return fmt.Errorf("kuaishou resolve %s: %w", ref.ID, err)
	}
	if dec.Approve {
		// 退货退款 waiting for the first answer: approving means "send it back", which
		// needs an address id.
		if r.HandlingWay == 1 && r.Status == 10 {
			return fmt.Errorf("kuaishou resolve %s: return needs an address: %w", ref.ID, ErrNeedsBackend)
		}
		amount := r.RefundFee
		if dec.AmountFen != 0 {
			if dec.AmountFen > r.RefundFee {
				return fmt.Errorf("kuaishou resolve %s: amount %d above the %d applied for: %w", ref.ID, dec.AmountFen, r.RefundFee, ErrNeedsBackend)
			}
			amount = dec.AmountFen
		}
		param := map[string]any{"refundId": r.RefundID, "desc": dec.Reason, "refundAmount": amount, "status": r.Status}
		if err := c.call(ctx, "open.seller.order.refund.approve", param, nil); err != nil {
			return fmt.Errorf("kuaishou resolve %s: %w", ref.ID, err)
		}
		return nil
	}
	param := map[string]any{
		"refundId": r.RefundID, "sellerDisagreeReason": c.o.RefuseReasonCode,
		"sellerDisagreeDesc": dec.Reason, "status": r.Status,
	}
	if err := c.call(ctx, "open.seller.order.refund.disagree.refund", param, nil); err != nil {
		return fmt.Errorf("kuaishou resolve %s: %w", ref.ID, err)
	}
	return nil
}
