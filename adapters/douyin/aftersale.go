package douyin

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aftersale/aftersale/adapters"
)

// orderDetail is the part of order/orderDetail's data this adapter reads.
type orderDetail struct {
	ShopOrderDetail struct {
		OrderID       flexID `json:"order_id"`
		OrderStatus   int    `json:"order_status"`
		PayAmount     int64  `json:"pay_amount"` // fen
		PayTime       int64  `json:"pay_time"`
		FinishTime    int64  `json:"finish_time"`
		LogisticsInfo []struct {
			TrackingNo  string `json:"tracking_no"`
			CompanyName string `json:"company_name"`
			ShipTime    int64  `json:"ship_time"`
		} `json:"logistics_info"`
		SkuOrderList []struct {
			ProductName  string `json:"product_name"`
			Code         string `json:"code"` // merchant SKU code
			ItemNum      int    `json:"item_num"`
			OriginAmount int64  `json:"origin_amount"` // fen, for the whole line (unverified)
		} `json:"sku_order_list"`
	} `json:"shop_order_detail"`
}

// orderStatus maps order_status: 1 待支付, 105 已支付, 2 备货中, 101 部分发货, 3 已发货,
// 4 已取消, 5 已完成 (unverified beyond the public SDK enums).
func orderStatus(s int) adapters.OrderStatus {
	switch s {
	case 1:
		return adapters.OrderUnpaid
	case 105, 2:
		return adapters.OrderPaid
	case 101, 3:
		return adapters.OrderShipped
	case 5:
		return adapters.OrderDelivered
	case 4:
		return adapters.OrderClosed
	}
	return adapters.OrderPaid
}

// order looks an order up with order/orderDetail.
func (c *Client) order(ctx context.Context, orderID string) (adapters.Order, error) {
	var d orderDetail
	err := c.call(ctx, "/order/orderDetail", map[string]any{"shop_order_id": orderID}, &d)
	if isNotFound(err) {
		return adapters.Order{}, fmt.Errorf("douyin order %s: %w: %w", orderID, adapters.ErrNotFound, err)
	}
	if err != nil {
		return adapters.Order{}, fmt.Errorf("douyin order %s: %w", orderID, err)
	}
	o := d.ShopOrderDetail
	if o.OrderID == "" {
		return adapters.Order{}, fmt.Errorf("douyin order %s: %w", orderID, adapters.ErrNotFound)
	}
	out := adapters.Order{
		ID:       string(o.OrderID),
		Platform: Name,
		PaidFen:  o.PayAmount,
		Status:   orderStatus(o.OrderStatus),
		PaidAt:   unixTime(o.PayTime),
	}
	if out.Status == adapters.OrderDelivered {
		out.DeliveredAt = unixTime(o.FinishTime)
	}
	for _, s := range o.SkuOrderList {
		it := adapters.Item{Title: s.ProductName, SKU: s.Code, Qty: s.ItemNum}
		if s.ItemNum > 0 {
			it.PriceFen = s.OriginAmount / int64(s.ItemNum)
		}
		out.Items = append(out.Items, it)
	}
	if n := len(o.LogisticsInfo); n > 0 {
		l := o.LogisticsInfo[n-1] // the latest parcel
		out.Courier, out.TrackingNo, out.ShippedAt = l.CompanyName, l.TrackingNo, unixTime(l.ShipTime)
	}
	return out, nil
}

// afterSaleStatus maps aftersale_status: 6 待商家同意, 7 待买家退货, 8 待商家发货,
// 11 待商家二次同意, 12 成功, 27/29 拒绝, 28 失败. Codes not listed in PLATFORMS.md are
// treated as waiting for the merchant, so an unknown step alerts rather than goes quiet.
func afterSaleStatus(s int) adapters.Status {
	switch s {
	case 7:
		return adapters.StatusWaitingBuyer
	case 12:
		return adapters.StatusSucceeded
	case 27, 29:
		return adapters.StatusRejected
	case 28:
		return adapters.StatusClosed
	}
	return adapters.StatusWaitingMerchant
}

func finished(s int) bool {
	switch afterSaleStatus(s) {
	case adapters.StatusSucceeded, adapters.StatusRejected, adapters.StatusClosed:
		return true
	}
	return false
}

type listData struct {
	Items []struct {
		AftersaleInfo listInfo `json:"aftersale_info"`
	} `json:"items"`
}

type listInfo struct {
	AftersaleID     flexID `json:"aftersale_id"`
	AftersaleStatus int    `json:"aftersale_status"`
	StatusDeadline  int64  `json:"status_deadline"`
	RefundAmount    int64  `json:"refund_amount"`
}

// openCase finds the buyer's after-sale for the order with afterSale/List, earliest
// deadline first. It prefers one still in progress; a buyer with only finished
// after-sales gets the first of those, so the caller sees its final state.
func (c *Client) openCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	param := map[string]any{
		"order_id": req.OrderID,
		"order_by": []string{"status_deadline asc"},
		"page":     0,
		"size":     10,
	}
	var d listData
	if err := c.call(ctx, "/afterSale/List", param, &d); err != nil {
		return adapters.CaseRef{}, fmt.Errorf("douyin open case %s order %s: %w", req.CaseID, req.OrderID, err)
	}
	if len(d.Items) == 0 {
		return adapters.CaseRef{}, fmt.Errorf("douyin open case %s order %s: %w", req.CaseID, req.OrderID, adapters.ErrNotApplied)
	}
	// An entry without an id cannot be read back or acted on: linking the case to it
	// would leave a ref every later call fails on.
	var pick *listInfo
	for i := range d.Items {
		info := &d.Items[i].AftersaleInfo
		if info.AftersaleID == "" {
			continue
		}
		if pick == nil {
			pick = info
		}
		if !finished(info.AftersaleStatus) {
			pick = info
			break
		}
	}
	if pick == nil {
		return adapters.CaseRef{}, fmt.Errorf("douyin open case %s order %s: %w", req.CaseID, req.OrderID,
			&adapters.APIError{Platform: Name, Op: "afterSale.List", Code: "bad_response", Msg: "after-sales without aftersale_id"})
	}
	return adapters.CaseRef{Platform: Name, ID: string(pick.AftersaleID), Deadline: unixTime(pick.StatusDeadline)}, nil
}

// detailData is afterSale/Detail's data; field names besides status_deadline follow
// the public SDKs (unverified).
type detailData struct {
	ProcessInfo struct {
		AfterSaleInfo struct {
			AfterSaleID     flexID `json:"after_sale_id"`
			AfterSaleStatus int    `json:"after_sale_status"`
			RefundAmount    int64  `json:"refund_amount"`
			StatusDeadline  int64  `json:"status_deadline"`
			UpdateTime      int64  `json:"update_time"`
		} `json:"after_sale_info"`
	} `json:"process_info"`
}

func (c *Client) detail(ctx context.Context, id string) (detailData, error) {
	var d detailData
	err := c.call(ctx, "/afterSale/Detail", map[string]any{"after_sale_id": id}, &d)
	if isNotFound(err) {
		return d, fmt.Errorf("%w: %w", adapters.ErrNotFound, err)
	}
	if err != nil {
		return d, err
	}
	if d.ProcessInfo.AfterSaleInfo.AfterSaleID == "" {
		return d, adapters.ErrNotFound
	}
	return d, nil
}

// caseStatus reads afterSale/Detail.
func (c *Client) caseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	d, err := c.detail(ctx, ref.ID)
	if err != nil {
		return adapters.CaseStatus{}, fmt.Errorf("douyin case status %s: %w", ref.ID, err)
	}
	i := d.ProcessInfo.AfterSaleInfo
	return adapters.CaseStatus{
		Status:    afterSaleStatus(i.AfterSaleStatus),
		Raw:       strconv.Itoa(i.AfterSaleStatus),
		Deadline:  unixTime(i.StatusDeadline),
		AmountFen: i.RefundAmount,
		UpdatedAt: unixTime(i.UpdateTime),
	}, nil
}

// Operate types PLATFORMS.md confirms. Agreeing to a return (goods back first) and
// exchanges use other types that are unverified, so they are not offered.
const (
	opAgreeRefund  = 201
	opRefuseRefund = 202
)

// ErrPartialAmount is returned when a decision asks for an amount other than the one
// applied for: afterSale/operate takes no amount for type 201 (unverified), so the
// merchant must change it in the 抖店 backend.
var ErrPartialAmount = errors.New("douyin: a partial refund must be set in the 抖店 backend")

// resolve agrees (type 201) or refuses (type 202) with afterSale/operate. It reads the
// detail first for update_time, which the platform uses as an optimistic lock.
func (c *Client) resolve(ctx context.Context, ref adapters.CaseRef, dec adapters.Decision) error {
	d, err := c.detail(ctx, ref.ID)
	if err != nil {
		return fmt.Errorf("douyin resolve %s: %w", ref.ID, err)
	}
	info := d.ProcessInfo.AfterSaleInfo
	if dec.Approve && dec.AmountFen != 0 && dec.AmountFen != info.RefundAmount {
		return fmt.Errorf("douyin resolve %s: %w", ref.ID, ErrPartialAmount)
	}
	item := map[string]any{"aftersale_id": ref.ID}
	if info.UpdateTime > 0 {
		item["update_time"] = info.UpdateTime
	}
	typ := opAgreeRefund
	if !dec.Approve {
		typ = opRefuseRefund
		item["reason"] = dec.Reason
		if c.o.RejectReasonCode != 0 {
			item["reject_reason_code"] = c.o.RejectReasonCode
		}
	}
	var out struct {
		Items []struct {
			AftersaleID flexID `json:"aftersale_id"`
			StatusCode  int    `json:"status_code"`
			StatusMsg   string `json:"status_msg"`
		} `json:"items"`
	}
	param := map[string]any{"type": typ, "items": []any{item}}
	if err := c.call(ctx, "/afterSale/operate", param, &out); err != nil {
		return fmt.Errorf("douyin resolve %s: %w", ref.ID, err)
	}
	// A batch call can succeed as a whole and fail per item.
	for _, it := range out.Items {
		if it.StatusCode != 0 {
			return fmt.Errorf("douyin resolve %s: %w", ref.ID, &adapters.APIError{
				Platform: Name, Op: "afterSale.operate", Code: strconv.Itoa(it.StatusCode), Msg: it.StatusMsg,
			})
		}
	}
	return nil
}
