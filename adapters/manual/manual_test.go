package manual

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

const header = "order_id,buyer,title,sku,qty,price_yuan,status,paid_at,courier,tracking_no,shipped_at,logistics\n"

func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	return t
}

func TestSampleBook(t *testing.T) {
	b, err := New(Options{})
	if err != nil {
		t.Fatalf("New(sample): %v", err)
	}
	ctx := context.Background()
	mug, err := b.Order(ctx, "4705288465508532862")
	if err != nil {
		t.Fatalf("Order(mug): %v", err)
	}
	if mug.Status != adapters.OrderDelivered || !strings.Contains(mug.Items[0].Title, "陶瓷马克杯") {
		t.Errorf("mug order = %+v, want a delivered 陶瓷马克杯", mug)
	}
	if len(mug.Items) != 2 || mug.PaidFen != 2*3990+990 {
		t.Errorf("mug Items=%d PaidFen=%d, want 2 items, 8970 fen", len(mug.Items), mug.PaidFen)
	}
	if !mug.PaidAt.Equal(cst("2026-11-20 14:03")) {
		t.Errorf("mug PaidAt=%v, want 2026-11-20 14:03 CST", mug.PaidAt)
	}
	// The shapes the brief asks the sample to cover.
	var paid, transit, kuaishou, taobao bool
	for _, id := range []string{"4705290012345678901", "4705291198765432100", "4705292233445566778", "4705293344556677889", "2306781234567890", "3856123456789012", "215678901234567890"} {
		o, err := b.Order(ctx, id)
		if err != nil {
			t.Fatalf("Order(%s): %v", id, err)
		}
		if o.Platform != "manual" || len(o.Items) == 0 {
			t.Errorf("Order(%s) = %+v, want platform manual with items", id, o)
		}
		paid = paid || o.Status == adapters.OrderPaid
		if o.Status == adapters.OrderShipped && o.Courier != "" && o.TrackingNo != "" && o.Logistics != "" {
			transit = true
		}
		kuaishou = kuaishou || len(id) == 16
		taobao = taobao || len(id) == 18
	}
	if !paid || !transit || !kuaishou || !taobao {
		t.Errorf("sample lacks a shape: unshipped=%v in-transit=%v kuaishou=%v taobao=%v", paid, transit, kuaishou, taobao)
	}
}

func TestParseStatuses(t *testing.T) {
	tests := []struct {
		in   string
		want adapters.OrderStatus
	}{
		{"未付款", adapters.OrderUnpaid}, {"待付款", adapters.OrderUnpaid}, {"unpaid", adapters.OrderUnpaid},
		{"已付款", adapters.OrderPaid}, {"待发货", adapters.OrderPaid}, {"paid", adapters.OrderPaid}, {"PAID", adapters.OrderPaid},
		{"已发货", adapters.OrderShipped}, {"待收货", adapters.OrderShipped}, {"shipped", adapters.OrderShipped},
		{"已签收", adapters.OrderDelivered}, {"已收货", adapters.OrderDelivered}, {"交易成功", adapters.OrderDelivered}, {"Delivered", adapters.OrderDelivered},
		{"已关闭", adapters.OrderClosed}, {"交易关闭", adapters.OrderClosed}, {"closed", adapters.OrderClosed},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse("s.csv", strings.NewReader("order_id,status\n1, "+tt.in+" \n"))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got["1"].Status != tt.want {
				t.Fatalf("Status=%q, want %q", got["1"].Status, tt.want)
			}
		})
	}
}

func TestParseOrder(t *testing.T) {
	in := "\ufeff" + header +
		"A1,小王,杯子,白,2,\"¥1,299.5\",已发货,2026/11/20 9:03,中通快递,ZT1,2026-11-21 10:15:30,\"【杭州】运输中,\n下一站上海\"\n" +
		"A1,,杯垫,,,9.9,,,,,,\n" +
		"B2,小李,袜子,,1,0,已关闭,,,,,\n"
	got, err := Parse("o.csv", strings.NewReader(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	a := got["A1"]
	want := adapters.Order{
		ID: "A1", Platform: "manual", Buyer: "小王", Status: adapters.OrderShipped,
		Items:   []adapters.Item{{Title: "杯子", SKU: "白", Qty: 2, PriceFen: 129950}, {Title: "杯垫", Qty: 1, PriceFen: 990}},
		PaidFen: 2*129950 + 990, PaidAt: cst("2026-11-20 09:03"), Courier: "中通快递", TrackingNo: "ZT1",
		ShippedAt: cst("2026-11-21 10:15").Add(30 * time.Second), Logistics: "【杭州】运输中,\n下一站上海",
	}
	if fmt.Sprint(a) != fmt.Sprint(want) || !a.PaidAt.Equal(want.PaidAt) || !a.ShippedAt.Equal(want.ShippedAt) {
		t.Errorf("A1 =\n%+v\nwant\n%+v", a, want)
	}
	if len(got) != 2 || got["B2"].Status != adapters.OrderClosed || got["B2"].PaidFen != 0 {
		t.Errorf("got %d orders, B2=%+v; want 2, B2 closed at 0 fen", len(got), got["B2"])
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		col  int
		want string // substring of the message
	}{
		{"empty", "", 1, 0, "empty file"},
		{"no status column", "order_id,title\n1,x\n", 1, 0, "no status column"},
		{"unknown column", "order_id,status,colour\n", 1, 3, `unknown column "colour"`},
		{"twice", "order_id,status,Order_ID\n", 1, 3, "appears twice"},
		{"bad status", header + "1,a,b,c,1,1,发货中,,,,,\n", 2, 7, `status: unknown status "发货中"`},
		{"empty id", header + "1,a,b,c,1,1,已付款,,,,,\n,a,b,c,1,1,已付款,,,,,\n", 3, 1, "order_id: empty order id"},
		{"excel id", header + "4.70529E+18,a,b,c,1,1,已付款,,,,,\n", 2, 1, "scientific notation"},
		{"bad qty", header + "1,a,b,c,两,1,已付款,,,,,\n", 2, 5, `qty: "两" is not a whole number`},
		{"zero qty", header + "1,a,b,c,0,1,已付款,,,,,\n", 2, 5, "qty:"},
		{"bad price", header + "1,a,b,c,1,12.345,已付款,,,,,\n", 2, 6, "price_yuan:"},
		{"negative price", header + "1,a,b,c,1,-3,已付款,,,,,\n", 2, 6, "price_yuan:"},
		{"bad time", header + "1,a,b,c,1,1,已付款,11月20日,,,,\n", 2, 8, "paid_at:"},
		{"disagree status", header + "1,a,b,c,1,1,已付款,,,,,\n1,a,b,c,1,1,已发货,,,,,\n", 3, 7, "disagrees with line 2"},
		{"disagree time", header + "1,a,b,c,1,1,已付款,2026-11-20 14:03,,,,\n1,,b,c,1,1,,2026-11-21 14:03,,,,\n", 3, 8, "disagrees with line 2"},
		{"quote", header + "1,\"a,b,c,1,1,已付款,,,,,\n", 2, 0, "quote"},
		{"not utf8", header + "1,\xb0\xa1,b,c,1,1,已付款,,,,,\n", 2, 0, "not UTF-8"},
		{"multi-line field then error", header + "1,\"a\nb\",t,s,1,1,已付款,,,,,\n2,a,t,s,x,1,已付款,,,,,\n", 4, 5, "qty:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("book.csv", strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err=%v, want *ParseError", err)
			}
			if pe.File != "book.csv" || pe.Line != tt.line || (tt.col != 0 && pe.Column != tt.col) {
				t.Errorf("at %s:%d:%d, want book.csv:%d:%d (%v)", pe.File, pe.Line, pe.Column, tt.line, tt.col, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err=%q, want it to contain %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("book.csv:%d", tt.line)) {
				t.Errorf("err=%q, want it to start with book.csv:%d", err, tt.line)
			}
		})
	}
}

func TestParseTolerates(t *testing.T) {
	in := "order_id,status,,\r\n" + // Excel's empty trailing header cells and CRLF
		" 9 ,已付款,,\r\n" +
		",,,\r\n" // Excel's blank trailing rows
	got, err := Parse("x.csv", strings.NewReader(in))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if o, ok := got["9"]; !ok || o.Status != adapters.OrderPaid || o.Items[0].Qty != 1 {
		t.Fatalf("got %+v, want order 9 paid with qty 1", got)
	}
}

func writeBook(t *testing.T, path, content string, mod time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	// Set the mtime explicitly: a rewrite within one filesystem tick would otherwise
	// look unchanged and make the test depend on timing.
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func TestReload(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orders.csv")
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	writeBook(t, path, "order_id,status\n1,已付款\n", t0)
	b, err := New(Options{Path: path})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	step := func(content string, mod time.Time, id string, want adapters.OrderStatus, wantErr string) {
		t.Helper()
		if content != "" {
			writeBook(t, path, content, mod)
		}
		o, err := b.Order(ctx, id)
		switch {
		case want == "" && !errors.Is(err, adapters.ErrNotFound):
			t.Errorf("Order(%s) err=%v, want ErrNotFound", id, err)
		case want != "" && (err != nil || o.Status != want):
			t.Errorf("Order(%s)=%q,%v want %q", id, o.Status, err, want)
		}
		gotErr := ""
		if e := b.Err(); e != nil {
			gotErr = e.Error()
		}
		if (wantErr == "") != (gotErr == "") || !strings.Contains(gotErr, wantErr) {
			t.Errorf("Err()=%q, want %q", gotErr, wantErr)
		}
	}
	step("", t0, "1", adapters.OrderPaid, "")
	step("order_id,status\n1,已发货\n2,已付款\n", t0.Add(time.Second), "1", adapters.OrderShipped, "")
	step("", t0, "2", adapters.OrderPaid, "")
	// A broken edit keeps the last good book and says where it is broken.
	step("order_id,status\n1,已签收\n2,坏了\n", t0.Add(2*time.Second), "1", adapters.OrderShipped, path+":3:2: status:")
	step("", t0, "2", adapters.OrderPaid, path+":3:2")
	// Fixed again: current, no error.
	step("order_id,status\n1,已签收\n", t0.Add(3*time.Second), "1", adapters.OrderDelivered, "")
	step("", t0, "2", "", "")
	// Deleted: last good book, error says so.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	step("", t0, "1", adapters.OrderDelivered, "reload order book")
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	writeBook(t, bad, "order_id,status\n1,?\n", time.Now())
	tests := []struct {
		path, want string
	}{
		{filepath.Join(dir, "missing.csv"), "no such file"},
		{bad, bad + ":2:2: status:"},
	}
	for _, tt := range tests {
		_, err := New(Options{Path: tt.path})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%s) err=%v, want %q", tt.path, err, tt.want)
		}
	}
}

func TestConcurrentOrders(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orders.csv")
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	writeBook(t, path, "order_id,title,status\n1,杯子,已付款\n", t0)
	b, err := New(Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				o, err := b.Order(ctx, "1")
				if err != nil {
					t.Errorf("goroutine %d call %d: %v", g, i, err)
					return
				}
				o.Items[0].Title = "changed by a caller" // must not leak into the book
			}
		})
	}
	wg.Go(func() {
		for i := range 20 {
			status := []string{"已付款", "已发货"}[i%2]
			writeBook(t, path, "order_id,title,status\n1,杯子,"+status+"\n", t0.Add(time.Duration(i+1)*time.Second))
		}
	})
	wg.Wait()
	o, err := b.Order(ctx, "1")
	if err != nil || o.Items[0].Title != "杯子" {
		t.Fatalf("after the race Order=%+v,%v; want title 杯子", o, err)
	}
}

func TestPlatform(t *testing.T) {
	b, err := New(Options{Now: func() time.Time { return time.Unix(1700000000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if b.Name() != "manual" {
		t.Errorf("Name()=%q", b.Name())
	}
	_, err = b.Order(ctx, "123")
	if !errors.Is(err, adapters.ErrNotFound) || adapters.Retryable(err) {
		t.Errorf("Order(unknown) err=%v, want non-retryable ErrNotFound", err)
	}
	ref, err := b.OpenCase(ctx, adapters.CaseRequest{CaseID: "A1", OrderID: "4705288465508532862", Kind: "refund"})
	if err != nil || ref != (adapters.CaseRef{Platform: "manual", ID: "local-A1"}) {
		t.Fatalf("OpenCase=%+v,%v; want CaseRef{Platform: manual, ID: local-A1}", ref, err)
	}
	st, err := b.CaseStatus(ctx, ref)
	if err != nil || st.Status != adapters.StatusWaitingMerchant || st.Raw == "" || !st.UpdatedAt.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("CaseStatus=%+v,%v; want waiting_merchant at the injected now", st, err)
	}
	for _, d := range []adapters.Decision{{Approve: true}, {Reason: "已影响二次销售"}} {
		if err := b.Resolve(ctx, ref, d); err != nil {
			t.Errorf("Resolve(%+v)=%v", d, err)
		}
	}
	foreign := adapters.CaseRef{Platform: "manual", ID: "X9"}
	if _, err := b.CaseStatus(ctx, foreign); !errors.Is(err, adapters.ErrNotFound) {
		t.Errorf("CaseStatus(foreign) err=%v, want ErrNotFound", err)
	}
	if err := b.Resolve(ctx, foreign, adapters.Decision{}); !errors.Is(err, adapters.ErrNotFound) {
		t.Errorf("Resolve(foreign) err=%v, want ErrNotFound", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Order(cctx, "4705288465508532862"); !errors.Is(err, context.Canceled) {
		t.Errorf("Order(canceled) err=%v", err)
	}
	if _, err := b.OpenCase(cctx, adapters.CaseRequest{}); !errors.Is(err, context.Canceled) {
		t.Errorf("OpenCase(canceled) err=%v", err)
	}
	if _, err := b.CaseStatus(cctx, ref); !errors.Is(err, context.Canceled) {
		t.Errorf("CaseStatus(canceled) err=%v", err)
	}
	if err := b.Resolve(cctx, ref, adapters.Decision{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Resolve(canceled) err=%v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add([]byte(header + "1,a,b,c,1,1,已付款,2026-11-20 14:03,,,,\n1,,d,,2,0.5,,,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, err := Parse("fuzz.csv", strings.NewReader(string(data)))
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Line < 1 {
				t.Errorf("error at line %d: %v", pe.Line, err)
			}
			return
		}
		for id, o := range orders {
			if id == "" || o.ID != id || len(o.Items) == 0 || o.PaidFen < 0 || o.Status == "" {
				t.Errorf("bad order %q: %+v", id, o)
			}
		}
	})
}

// TestContract runs the contract every platform meets on the built-in sample book.
func TestContract(t *testing.T) {
	adapterstest.RunPlatform(t, func(t *testing.T) adapterstest.Fixture {
		b, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The book registers after-sales itself: it never answers ErrNotApplied.
		return adapterstest.Fixture{Platform: b, KnownOrder: "4705288465508532862", UnknownOrder: "4700000000000000000", UnknownCaseID: "S-0"}
	})
}
