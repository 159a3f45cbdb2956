package manual

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aftersale/aftersale/vocab"

	"github.com/aftersale/aftersale/adapters"
)

// ParseError is a problem at one place in an order book:
//
//	orders.csv:5:3: qty: "两" is not a whole number
type ParseError struct {
	File string
	Line int // 1-based line in the file
	// Column is the 1-based field number, as a spreadsheet counts columns; for a CSV
	// syntax error (a stray quote) it is encoding/csv's character position instead. 0
	// when the problem is the whole row or file.
	Column int
	Field  string // the column's header name, if known
	Msg    string
	Err    error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d", e.File, e.Line)
	if e.Column > 0 {
		fmt.Fprintf(&b, ":%d", e.Column)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *ParseError) Unwrap() error { return e.Err }

// columns are the header names the book knows.
var columns = []string{"order_id", "buyer", "title", "sku", "qty", "price_yuan", "status", "paid_at", "courier", "tracking_no", "shipped_at", "logistics", "delivered_at", "phone"}

var statuses = map[string]adapters.OrderStatus{
	"未付款": adapters.OrderUnpaid, "待付款": adapters.OrderUnpaid, "unpaid": adapters.OrderUnpaid,
	"已付款": adapters.OrderPaid, "待发货": adapters.OrderPaid, "paid": adapters.OrderPaid,
	"已发货": adapters.OrderShipped, "待收货": adapters.OrderShipped, "shipped": adapters.OrderShipped,
	"已签收": adapters.OrderDelivered, "已收货": adapters.OrderDelivered, "交易成功": adapters.OrderDelivered, "delivered": adapters.OrderDelivered,
	"已关闭": adapters.OrderClosed, "交易关闭": adapters.OrderClosed, "closed": adapters.OrderClosed,
}

var timeLayouts = []string{"2006-1-2 15:04", "2006-1-2 15:04:05", "2006/1/2 15:04", "2006/1/2 15:04:05"}

// Parse reads an order book (UTF-8, optional BOM, header row first) into orders by id.
// name is used in errors only.
func Parse(name string, r io.Reader) (map[string]adapters.Order, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read order book %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidAt(data)], []byte("\n"))
		return nil, &ParseError{File: name, Line: line, Msg: "not UTF-8 text (in Excel save as “CSV UTF-8 (逗号分隔)”)"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // checked here, to say which line is short
	p := &parser{name: name, cr: cr, orders: map[string]adapters.Order{}, first: map[string]int{}}
	if err := p.header(); err != nil {
		return nil, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, p.csvError(err)
		}
		if err := p.row(rec); err != nil {
			return nil, err
		}
	}
	return p.orders, nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

type parser struct {
	name   string
	cr     *csv.Reader
	col    map[string]int // header name → field index
	orders map[string]adapters.Order
	first  map[string]int // order id → line of its first row
}

func (p *parser) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: p.name, Line: pe.Line, Column: pe.Column, Msg: pe.Err.Error(), Err: err}
	}
	return fmt.Errorf("read order book %s: %w", p.name, err)
}

func (p *parser) header() error {
	rec, err := p.cr.Read()
	if errors.Is(err, io.EOF) {
		return &ParseError{File: p.name, Line: 1, Msg: "empty file: want a header row (" + strings.Join(columns[:12], ",") + ")"}
	}
	if err != nil {
		return p.csvError(err)
	}
	p.col = map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		line, _ := p.cr.FieldPos(i)
		switch {
		case h == "":
			// Excel leaves empty header cells after the last real column.
			continue
		case !slices.Contains(columns, h):
			return &ParseError{File: p.name, Line: line, Column: i + 1, Msg: fmt.Sprintf("unknown column %q (known: %s)", h, strings.Join(columns, ","))}
		}
		if _, dup := p.col[h]; dup {
			return &ParseError{File: p.name, Line: line, Column: i + 1, Msg: fmt.Sprintf("column %q appears twice", h)}
		}
		p.col[h] = i
	}
	for _, need := range []string{"order_id", "status"} {
		if _, ok := p.col[need]; !ok {
			return &ParseError{File: p.name, Line: 1, Msg: fmt.Sprintf("header has no %s column", need)}
		}
	}
	return nil
}

// cell is one field of the current row with its position.
type cell struct {
	val       string
	line, col int
	name      string
}

func (p *parser) row(rec []string) error {
	get := func(name string) cell {
		i, ok := p.col[name]
		if !ok || i >= len(rec) {
			line, _ := p.cr.FieldPos(0)
			return cell{line: line, col: i + 1, name: name}
		}
		line, _ := p.cr.FieldPos(i)
		return cell{val: strings.TrimSpace(rec[i]), line: line, col: i + 1, name: name}
	}
	bad := func(c cell, format string, args ...any) error {
		return &ParseError{File: p.name, Line: c.line, Column: c.col, Field: c.name, Msg: fmt.Sprintf(format, args...)}
	}
	blank := true
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			blank = false
			break
		}
	}
	if blank {
		return nil // Excel's trailing ",,,,," rows
	}

	idc := get("order_id")
	id := idc.val
	switch {
	case id == "":
		return bad(idc, "empty order id")
	case strings.ContainsAny(id, "Ee") && strings.Contains(id, "."):
		return bad(idc, "%q looks like Excel scientific notation: format the column as text and export again", id)
	case strings.ContainsAny(id, " \t,"):
		return bad(idc, "%q has spaces or commas", id)
	}

	var o adapters.Order
	o.ID, o.Platform = id, "manual"
	o.Buyer = get("buyer").val
	o.BuyerPhone = get("phone").val
	o.Courier = get("courier").val
	o.TrackingNo = get("tracking_no").val
	o.Logistics = get("logistics").val

	sc := get("status")
	st, ok := statuses[strings.ToLower(sc.val)]
	switch {
	case sc.val == "" && p.orders[id].Status != "":
		st = p.orders[id].Status
	case !ok:
		return bad(sc, "unknown status %q (want 未付款/已付款/已发货/已签收/已关闭 or unpaid/paid/shipped/delivered/closed)", sc.val)
	}
	o.Status = st

	var err error
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"paid_at", &o.PaidAt}, {"shipped_at", &o.ShippedAt}, {"delivered_at", &o.DeliveredAt}} {
		c := get(t.name)
		if *t.dst, err = parseTime(c.val); err != nil {
			return bad(c, "%q is not a time like 2026-11-20 14:03", c.val)
		}
	}

	item := adapters.Item{Title: get("title").val, SKU: get("sku").val, Qty: 1}
	if qc := get("qty"); qc.val != "" {
		n, err := strconv.Atoi(qc.val)
		if err != nil || n <= 0 {
			return bad(qc, "%q is not a whole number above 0", qc.val)
		}
		item.Qty = n
	}
	pc := get("price_yuan")
	if item.PriceFen, err = parseYuan(pc.val); err != nil {
		return bad(pc, "%q is not a price in yuan like 39.90", pc.val)
	}
	if item.PriceFen > (1<<62)/int64(item.Qty) {
		return bad(pc, "%q × %d is too large", pc.val, item.Qty)
	}

	prev, seen := p.orders[id]
	if !seen {
		o.Items = []adapters.Item{item}
		o.PaidFen = item.PriceFen * int64(item.Qty)
		p.orders[id] = o
		p.first[id] = idc.line
		return nil
	}
	// A later row of the same order: empty order-level cells inherit, others must agree.
	merged := prev
	for _, f := range []struct {
		name     string
		dst      *string
		val, old string
	}{
		{"buyer", &merged.Buyer, o.Buyer, prev.Buyer},
		{"phone", &merged.BuyerPhone, o.BuyerPhone, prev.BuyerPhone},
		{"courier", &merged.Courier, o.Courier, prev.Courier},
		{"tracking_no", &merged.TrackingNo, o.TrackingNo, prev.TrackingNo},
		{"logistics", &merged.Logistics, o.Logistics, prev.Logistics},
		{"status", (*string)(&merged.Status), string(o.Status), string(prev.Status)},
	} {
		if err := p.agree(f.name, f.dst, f.val, f.old, get(f.name), id); err != nil {
			return err
		}
	}
	for _, t := range []struct {
		name      string
		dst       *time.Time
		val, prev time.Time
	}{{"paid_at", &merged.PaidAt, o.PaidAt, prev.PaidAt}, {"shipped_at", &merged.ShippedAt, o.ShippedAt, prev.ShippedAt}, {"delivered_at", &merged.DeliveredAt, o.DeliveredAt, prev.DeliveredAt}} {
		switch {
		case t.val.IsZero():
		case t.prev.IsZero():
			*t.dst = t.val
		case !t.val.Equal(t.prev):
			c := get(t.name)
			return bad(c, "%q disagrees with line %d of order %s", c.val, p.first[id], id)
		}
	}
	if merged.PaidFen > (1<<62)-item.PriceFen*int64(item.Qty) {
		return bad(pc, "order total is too large")
	}
	merged.Items = append(slices.Clone(prev.Items), item)
	merged.PaidFen += item.PriceFen * int64(item.Qty)
	p.orders[id] = merged
	return nil
}

func (p *parser) agree(name string, dst *string, val, old string, c cell, id string) error {
	switch {
	case val == "" || val == old:
	case old == "":
		*dst = val
	default:
		return &ParseError{File: p.name, Line: c.line, Column: c.col, Field: name,
			Msg: fmt.Sprintf("%q disagrees with line %d of order %s (%q)", val, p.first[id], id, old)}
	}
	return nil
}

// parseTime reads a China-time timestamp; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	loc := vocab.China // the order book is written in China time
	var err error
	for _, l := range timeLayouts {
		var t time.Time
		if t, err = time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// parseYuan reads "39.90", "39.9", "¥1,299", "" (0) into fen without going through
// floating point.
func parseYuan(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimLeft(s, "¥￥"))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return 0, nil
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasDot && frac == "") {
		return 0, fmt.Errorf("invalid price %q", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("invalid price %q", s)
		}
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > (1<<62)/100 {
		return 0, fmt.Errorf("invalid price %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return y*100 + f, nil
}
