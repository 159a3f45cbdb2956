// Package adapterstest is the contract every adapters.Platform must meet, run by each
// adapter's tests against its own fake of the platform.
package adapterstest

import (
	"context"
	"errors"
	"testing"

	"github.com/aftersale/aftersale/adapters"
)

// Fixture is one platform under test, wired to a fake that knows some fixed data.
type Fixture struct {
	Platform adapters.Platform
	// KnownOrder exists and has an after-sale the buyer applied for (or, for platforms
	// that register cases themselves, one that OpenCase can register).
	KnownOrder string
	// UnknownOrder does not exist.
	UnknownOrder string
	// NotAppliedOrder exists but has no after-sale yet; empty when the platform
	// registers after-sales itself and never answers ErrNotApplied.
	NotAppliedOrder string
	// UnknownCaseID is an after-sale id the platform does not know.
	UnknownCaseID string
}

// RunPlatform runs the contract. newFixture is called once per subtest so that fakes
// start fresh and request checks stay per subtest.
func RunPlatform(t *testing.T, newFixture func(t *testing.T) Fixture) {
	t.Helper()
	ctx := context.Background()

	t.Run("Name", func(t *testing.T) {
		f := newFixture(t)
		switch f.Platform.Name() {
		case "manual", "webhook", "douyin", "kuaishou", "taobao":
		default:
			t.Fatalf("Name()=%q, want a config name", f.Platform.Name())
		}
	})

	t.Run("OrderKnown", func(t *testing.T) {
		f := newFixture(t)
		o, err := f.Platform.Order(ctx, f.KnownOrder)
		if err != nil {
			t.Fatalf("Order(%s): %v", f.KnownOrder, err)
		}
		if o.ID != f.KnownOrder {
			t.Errorf("Order.ID=%q, want %q", o.ID, f.KnownOrder)
		}
		if o.Platform != f.Platform.Name() {
			t.Errorf("Order.Platform=%q, want %q", o.Platform, f.Platform.Name())
		}
		switch o.Status {
		case adapters.OrderUnpaid, adapters.OrderPaid, adapters.OrderShipped, adapters.OrderDelivered, adapters.OrderClosed:
		default:
			t.Errorf("Order.Status=%q, want a known state", o.Status)
		}
		if o.PaidFen <= 0 {
			t.Errorf("Order.PaidFen=%d, want > 0", o.PaidFen)
		}
		if len(o.Items) == 0 {
			t.Errorf("Order.Items empty")
		}
	})

	t.Run("OrderUnknown", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.Platform.Order(ctx, f.UnknownOrder)
		if !errors.Is(err, adapters.ErrNotFound) {
			t.Fatalf("Order(unknown) err=%v, want ErrNotFound", err)
		}
		if adapters.Retryable(err) {
			t.Errorf("Order(unknown) is retryable, want not")
		}
	})

	t.Run("OpenCaseThenStatusAndResolve", func(t *testing.T) {
		f := newFixture(t)
		ref, err := f.Platform.OpenCase(ctx, request(f.KnownOrder))
		if err != nil {
			t.Fatalf("OpenCase(%s): %v", f.KnownOrder, err)
		}
		if ref.Platform != f.Platform.Name() {
			t.Errorf("CaseRef.Platform=%q, want %q", ref.Platform, f.Platform.Name())
		}
		if ref.ID == "" {
			t.Errorf("CaseRef.ID empty")
		}
		st, err := f.Platform.CaseStatus(ctx, ref)
		if err != nil {
			t.Fatalf("CaseStatus(%+v): %v", ref, err)
		}
		switch st.Status {
		case adapters.StatusWaitingMerchant, adapters.StatusWaitingBuyer, adapters.StatusSucceeded, adapters.StatusRejected, adapters.StatusClosed:
		default:
			t.Errorf("CaseStatus.Status=%q, want a known state", st.Status)
		}
		if st.Raw == "" {
			t.Errorf("CaseStatus.Raw empty, want the platform's own code")
		}
		if err := f.Platform.Resolve(ctx, ref, adapters.Decision{Approve: true}); err != nil {
			t.Errorf("Resolve(approve): %v", err)
		}
	})

	t.Run("Refuse", func(t *testing.T) {
		f := newFixture(t)
		ref, err := f.Platform.OpenCase(ctx, request(f.KnownOrder))
		if err != nil {
			t.Fatalf("OpenCase(%s): %v", f.KnownOrder, err)
		}
		if err := f.Platform.Resolve(ctx, ref, adapters.Decision{Approve: false, Reason: "商品已影响二次销售"}); err != nil {
			t.Errorf("Resolve(refuse): %v", err)
		}
	})

	t.Run("OpenCaseNotApplied", func(t *testing.T) {
		f := newFixture(t)
		if f.NotAppliedOrder == "" {
			t.Skip("platform registers after-sales itself")
		}
		_, err := f.Platform.OpenCase(ctx, request(f.NotAppliedOrder))
		if !errors.Is(err, adapters.ErrNotApplied) {
			t.Fatalf("OpenCase(not applied) err=%v, want ErrNotApplied", err)
		}
	})

	t.Run("CaseStatusUnknown", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.Platform.CaseStatus(ctx, adapters.CaseRef{Platform: f.Platform.Name(), ID: f.UnknownCaseID})
		if !errors.Is(err, adapters.ErrNotFound) {
			t.Fatalf("CaseStatus(unknown) err=%v, want ErrNotFound", err)
		}
	})

	t.Run("CanceledContext", func(t *testing.T) {
		f := newFixture(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := f.Platform.Order(cctx, f.KnownOrder); err == nil {
			t.Fatalf("Order with a canceled context succeeded")
		}
	})
}

func request(orderID string) adapters.CaseRequest {
	return adapters.CaseRequest{
		Shop: "shop1", CaseID: "A12", OrderID: orderID, Kind: "refund", Reason: "damaged",
		AmountFen: 0, Note: "收到的杯子碎了", Evidence: []string{"photo-1.jpg"},
	}
}
