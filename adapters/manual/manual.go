// Package manual is the platform for shops without an API: orders come from a CSV order
// book the shop keeps (Excel exports it), and after-sale cases stay in our own store.
//
// The book's header row names the columns, in any order:
//
//	order_id,buyer,title,sku,qty,price_yuan,status,paid_at,courier,tracking_no,shipped_at,logistics
//
// Only order_id and status are required; delivered_at may be added. Rows sharing an
// order_id are items of one order: order-level cells (buyer, status, times, courier…)
// may be left empty on the later rows, but must not disagree with earlier ones.
// price_yuan is the unit price paid ("39.90", "¥1,299"); qty defaults to 1. Status is
// 未付款/已付款/已发货/已签收/已关闭 (also 待付款, 待发货, 交易成功, 交易关闭) or
// unpaid/paid/shipped/delivered/closed. Times are China time, "2026-11-20 14:03"
// (seconds and "/" separators as Excel writes them are accepted).
package manual

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

//go:embed sample_orders.csv
var sample []byte

// SampleName is the name errors and logs give the embedded sample book.
const SampleName = "sample_orders.csv (built in)"

// Options configures a Book.
type Options struct {
	// Path is the CSV order book; "" uses the embedded sample book.
	Path string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Book is the manual platform: an order book read from CSV and re-read when the file
// changes. It is safe for concurrent use.
type Book struct {
	path string
	now  func() time.Time

	mu     sync.Mutex
	orders map[string]adapters.Order
	seen   fileStamp // the file version last parsed, good or bad
	err    error     // why the last change could not be loaded; nil when current
}

// fileStamp identifies a version of the file. mtime alone can miss two edits in the same
// tick on coarse filesystems; mtime plus size misses only same-size edits in one tick.
type fileStamp struct {
	mod  time.Time
	size int64
}

// New reads the order book now, so a broken book stops start-up with file:line.
func New(o Options) (*Book, error) {
	b := &Book{path: o.Path, now: o.Now}
	if b.now == nil {
		b.now = time.Now
	}
	if o.Path == "" {
		orders, err := Parse(SampleName, strings.NewReader(string(sample)))
		if err != nil {
			return nil, fmt.Errorf("read sample order book: %w", err)
		}
		b.orders = orders
		return b, nil
	}
	st, err := stamp(o.Path)
	if err != nil {
		return nil, fmt.Errorf("read order book: %w", err)
	}
	orders, err := parseFile(o.Path)
	if err != nil {
		return nil, err
	}
	b.orders, b.seen = orders, st
	return b, nil
}

func stamp(path string) (fileStamp, error) {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{mod: st.ModTime(), size: st.Size()}, nil
}

func parseFile(path string) (map[string]adapters.Order, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read order book: %w", err)
	}
	defer f.Close()
	return Parse(path, f)
}

// Name is the platform's config name.
func (b *Book) Name() string { return "manual" }

// Err reports why the latest version of the file could not be loaded (the book keeps
// answering from the last good version meanwhile), or nil when the book is current.
func (b *Book) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// Order looks an order up, re-reading the file first if it changed since last read.
func (b *Book) Order(ctx context.Context, orderID string) (adapters.Order, error) {
	if err := ctx.Err(); err != nil {
		return adapters.Order{}, fmt.Errorf("look up order %s: %w", orderID, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refresh()
	o, ok := b.orders[strings.TrimSpace(orderID)]
	if !ok {
		return adapters.Order{}, fmt.Errorf("look up order %s: %w", orderID, adapters.ErrNotFound)
	}
	o.Items = slices.Clone(o.Items) // callers must not reach into the shared book
	return o, nil
}

// refresh re-reads the file when its stamp changed. Called with b.mu held; a reload of a
// shop's order book takes milliseconds, so holding the lock keeps it simple.
func (b *Book) refresh() {
	if b.path == "" {
		return
	}
	st, err := stamp(b.path)
	if err != nil {
		b.err = fmt.Errorf("reload order book: %w", err)
		return
	}
	if st == b.seen {
		return
	}
	b.seen = st
	orders, err := parseFile(b.path)
	if err != nil {
		b.err = fmt.Errorf("reload order book (still using the last good version): %w", err)
		return
	}
	b.orders, b.err = orders, nil
}

// localRef prefixes the after-sale ids the book hands out: manual cases live only in our
// store, so their "platform id" is our own case id.
const localRef = "local-"

// OpenCase registers the case locally: the id is the case's own, and the book has no
// deadline of its own, so the configured SLA applies.
func (b *Book) OpenCase(ctx context.Context, c adapters.CaseRequest) (adapters.CaseRef, error) {
	if err := ctx.Err(); err != nil {
		return adapters.CaseRef{}, fmt.Errorf("open case %s: %w", c.CaseID, err)
	}
	if c.CaseID == "" {
		return adapters.CaseRef{}, fmt.Errorf("open case for order %s: no case id", c.OrderID)
	}
	return adapters.CaseRef{Platform: "manual", ID: localRef + c.CaseID}, nil
}

// CaseStatus is always "waiting for the merchant": only the merchant's own command moves
// a manual case on. A ref the book did not hand out is ErrNotFound.
func (b *Book) CaseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	if err := ctx.Err(); err != nil {
		return adapters.CaseStatus{}, fmt.Errorf("case status: %w", err)
	}
	if !strings.HasPrefix(ref.ID, localRef) {
		return adapters.CaseStatus{}, fmt.Errorf("case status %s: %w", ref.ID, adapters.ErrNotFound)
	}
	return adapters.CaseStatus{Status: adapters.StatusWaitingMerchant, Raw: "local", UpdatedAt: b.now()}, nil
}

// Resolve has nothing to tell a platform: the merchant's decision is recorded in our store.
func (b *Book) Resolve(ctx context.Context, ref adapters.CaseRef, d adapters.Decision) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("resolve case: %w", err)
	}
	if !strings.HasPrefix(ref.ID, localRef) {
		return fmt.Errorf("resolve case %s: %w", ref.ID, adapters.ErrNotFound)
	}
	return nil
}

var _ adapters.Platform = (*Book)(nil)
