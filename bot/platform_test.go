package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
)

// fakePlatform is a platform whose availability, answers and calls the test controls.
type fakePlatform struct {
	mu         sync.Mutex
	now        func() time.Time
	downUntil  time.Time // calls before then fail as a platform outage would
	reauth     bool
	notApplied int // the next N OpenCase calls find no after-sale yet
	deadline   time.Duration
	status     adapters.CaseStatus
	opened     map[string]int // successful OpenCase calls per case id
	calls      int
	decisions  []adapters.Decision
	badRefs    []string // Resolve called on a ref the platform never handed out
	phone      string   // the phone on cupOrder, when the platform gives one
}

func newFakePlatform(now func() time.Time) *fakePlatform {
	// Until a test says otherwise, the platform has the after-sale waiting on the shop.
	return &fakePlatform{now: now, opened: map[string]int{}, status: adapters.CaseStatus{Status: adapters.StatusWaitingMerchant, Raw: "1"}}
}

// platformHarness runs the shop on a fake platform down for the first down of the test's
// clock, which the harness, the store and the platform share.
func platformHarness(t *testing.T, down time.Duration) (*harness, *fakePlatform) {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}
	fp := newFakePlatform(clock.Now)
	fp.downUntil = clock.Now().Add(down)
	h := newHarnessWith(t, fp)
	h.clock = clock
	h.start() // engine and store on the shared clock
	return h, fp
}

func (f *fakePlatform) Name() string { return "fake" }

func (f *fakePlatform) fail() error {
	if f.reauth {
		return &adapters.APIError{Platform: "fake", Op: "open", Code: "401", Reauth: true}
	}
	if f.now().Before(f.downUntil) {
		return &adapters.APIError{Platform: "fake", Op: "open", Code: "503", Retryable: true}
	}
	return nil
}

func (f *fakePlatform) Order(_ context.Context, id string) (adapters.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail(); err != nil {
		return adapters.Order{}, err
	}
	if id == cupOrder {
		return adapters.Order{ID: id, Status: adapters.OrderDelivered, BuyerPhone: f.phone, Courier: "中通快递", TrackingNo: "ZT1"}, nil
	}
	return adapters.Order{}, adapters.ErrNotFound
}

func (f *fakePlatform) OpenCase(_ context.Context, c adapters.CaseRequest) (adapters.CaseRef, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := f.fail(); err != nil {
		return adapters.CaseRef{}, err
	}
	if f.notApplied > 0 {
		f.notApplied--
		return adapters.CaseRef{}, adapters.ErrNotApplied
	}
	f.opened[c.CaseID]++
	ref := adapters.CaseRef{Platform: "fake", ID: "AS-" + c.CaseID}
	if f.deadline > 0 {
		ref.Deadline = f.now().Add(f.deadline)
	}
	return ref, nil
}

func (f *fakePlatform) CaseStatus(context.Context, adapters.CaseRef) (adapters.CaseStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status, f.fail()
}

func (f *fakePlatform) Resolve(_ context.Context, ref adapters.CaseRef, d adapters.Decision) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail(); err != nil {
		return err
	}
	if !strings.HasPrefix(ref.ID, "AS-") || f.opened[strings.TrimPrefix(ref.ID, "AS-")] == 0 {
		f.badRefs = append(f.badRefs, ref.ID)
		return adapters.ErrNotFound
	}
	f.decisions = append(f.decisions, d)
	return nil
}

// The merchant decides while the case is still on its way to the platform (the platform
// down): the decision waits for the case to be linked, then reaches the platform — it is
// not sent on an empty ref and given up for good.
func TestDecisionWaitsForThePlatformLink(t *testing.T) {
	h, fp := platformHarness(t, 10*time.Minute)
	mustContain(t, h.say(buyer, "退款 "+cupOrder), "A1")
	h.advance(time.Minute)
	mustContain(t, h.say(merchant, "A1 同意"), "已同意")
	for range 60 {
		h.advance(30 * time.Second)
	}
	if len(fp.badRefs) != 0 {
		t.Fatalf("decisions sent on refs the platform never gave: %q", fp.badRefs)
	}
	if len(fp.decisions) != 1 || !fp.decisions[0].Approve {
		jobs, states, _ := h.store.Jobs(h.ctx, shopID, "A1")
		t.Fatalf("platform decisions %+v, want the one approval; jobs %+v %v", fp.decisions, jobs, states)
	}
	if c := h.mustCase("A1"); c.PlatformRef != "AS-A1" {
		t.Fatalf("A1 platform ref %q", c.PlatformRef)
	}
}

// Refused before the buyer applied on the platform: nothing there to refuse or link, so
// the refusal is not sent, the merchant is not told the sync failed, and the buyer is not
// told how to apply for what was refused.
func TestRefusalBeforeThePlatformApplication(t *testing.T) {
	h, fp := platformHarness(t, time.Minute) // the open job waits past the refusal
	fp.mu.Lock()
	fp.notApplied = 1000
	fp.mu.Unlock()
	mustContain(t, h.say(buyer, "退款 "+cupOrder), "A1")
	mustContain(t, h.say(merchant, "A1 拒绝 已超过七天"), "已拒绝")
	h.takeAlerts()
	for range 12 {
		h.advance(10 * time.Minute)
	}
	_, states, err := h.store.Jobs(h.ctx, shopID, "A1")
	if err != nil || len(states) != 2 || states[0] != "done" || states[1] != "done" {
		t.Fatalf("A1 jobs %v (%v), want the link and the decision both done", states, err)
	}
	if len(fp.decisions) != 0 || len(fp.badRefs) != 0 {
		t.Fatalf("platform got decisions %+v, bad refs %q; want none", fp.decisions, fp.badRefs)
	}
	if a := h.takeAlerts(); len(a) != 0 {
		t.Fatalf("alerts %+v after a refusal nothing on the platform needed", a)
	}
	for _, said := range h.sentTo(buyer) {
		if strings.Contains(said, "平台") {
			t.Fatalf("the buyer was told %q about a refused request", said)
		}
	}
}

// A platform outage delays the platform step, never the buyer's reply or the case; after
// it, every case reaches the platform exactly once, across a restart in the middle.
func TestPlatformOutageOutboxCatchesUp(t *testing.T) {
	h, fp := platformHarness(t, 20*time.Minute)
	buyers := []string{"b1", "b2", "b3", "b4", "b5"}
	for i, b := range buyers {
		got := h.say(b, "退款 "+cupOrder)
		mustContain(t, got, "A"+string(rune('1'+i)))
		h.advance(time.Minute)
	}
	if len(h.liveCases()) != 5 {
		t.Fatalf("live cases %d, want 5 while the platform is down", len(h.liveCases()))
	}
	// Down for a while; the process restarts in the middle of the outage.
	h.advance(5 * time.Minute)
	h.store.Close()
	h.start()
	for range 100 {
		h.advance(30 * time.Second)
	}
	for i := range buyers {
		id := "A" + string(rune('1'+i))
		if n := fp.opened[id]; n != 1 {
			t.Errorf("case %s reached the platform %d times, want exactly once", id, n)
		}
		if c := h.mustCase(id); c.PlatformRef != "AS-"+id {
			t.Errorf("case %s platform ref %q", id, c.PlatformRef)
		}
	}
	if fp.calls <= 5 {
		t.Fatalf("only %d platform calls: the outage was never hit", fp.calls)
	}
}

func TestPlatformDeadlineReplacesSLA(t *testing.T) {
	h := newHarness(t)
	fp := newFakePlatform(h.clock.Now)
	fp.deadline = 3 * time.Hour
	h.platform = fp
	h.start()
	h.say(buyer, "退款 "+cupOrder)
	c := h.mustCase("A1")
	if want := h.clock.Now().Add(3 * time.Hour); !c.Deadline.Equal(want) {
		t.Fatalf("deadline %v, want the platform's %v", c.Deadline, want)
	}
	var due []time.Duration
	for _, a := range h.pendingAlerts("A1") {
		due = append(due, a.DueAt.Sub(h.clock.Now()))
	}
	want := []time.Duration{2 * time.Hour, 2*time.Hour + 45*time.Minute, 3 * time.Hour}
	if len(due) != len(want) {
		t.Fatalf("pending alerts at %v, want %v", due, want)
	}
	for i := range want {
		if due[i] != want[i] {
			t.Fatalf("pending alerts at %v, want %v", due, want)
		}
	}
}

func TestNotAppliedTellsBuyerOnceAndRechecks(t *testing.T) {
	h := newHarness(t)
	fp := newFakePlatform(h.clock.Now)
	fp.notApplied = 2
	h.platform = fp
	h.start()
	got := h.say(buyer, "退款 "+cupOrder)
	mustContain(t, got, "A1", "申请售后")
	h.advance(30 * time.Minute) // second look: still not applied, nothing more to the buyer
	if n := strings.Count(joined(h.sentTo(buyer)), "申请售后"); n != 1 {
		t.Fatalf("buyer told how to apply %d times, want once", n)
	}
	h.advance(30 * time.Minute)
	if c := h.mustCase("A1"); c.PlatformRef != "AS-A1" {
		t.Fatalf("case not linked after the buyer applied: ref %q", c.PlatformRef)
	}
}

func TestReauthAlertsMerchantOnce(t *testing.T) {
	h := newHarness(t)
	fp := newFakePlatform(h.clock.Now)
	fp.reauth = true
	h.platform = fp
	h.start()
	h.say(buyer, "退款 "+cupOrder)
	h.advance(time.Minute)
	var auth int
	for _, a := range h.takeAlerts() {
		if strings.Contains(a.Text, "授权") {
			auth++
		}
	}
	if auth != 1 {
		t.Fatalf("re-authorisation alerts %d, want 1", auth)
	}
	fp.reauth = false // the merchant re-authorised
	h.advance(15 * time.Minute)
	if c := h.mustCase("A1"); c.PlatformRef != "AS-A1" {
		t.Fatalf("case not synced after re-authorisation: %q", c.PlatformRef)
	}
}

func TestPushOpensCaseBuyerAdoptsItAndPlatformMovesIt(t *testing.T) {
	h := newHarness(t)
	fp := newFakePlatform(h.clock.Now)
	h.platform = fp
	h.start()
	deadline := h.clock.Now().Add(48 * time.Hour)
	err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventCreated,
		AfterSaleID: "7000000000000000001", OrderID: cupOrder, Deadline: deadline})
	if err != nil {
		t.Fatal(err)
	}
	h.fire()
	c := h.mustCase("A1")
	if c.PlatformRef != "7000000000000000001" || !c.Deadline.Equal(deadline) || c.State != cases.StateWaitingMerchant {
		t.Fatalf("case from push = %+v", c)
	}
	if a := h.takeAlerts(); len(a) != 1 || a[0].CaseID != "A1" {
		t.Fatalf("merchant not alerted of the platform after-sale: %+v", a)
	}
	// The buyer then writes about the same order: same case, not a second one.
	got := h.say(buyer, "我申请了退款 "+cupOrder)
	mustContain(t, got, "A1")
	if live := h.liveCases(); len(live) != 1 || live[0].Buyer != buyer {
		t.Fatalf("live cases %+v, want A1 owned by the buyer", live)
	}
	// The platform moves the deadline, then the buyer must send the goods back.
	newDeadline := h.clock.Now().Add(5 * time.Hour)
	if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventDeadline,
		AfterSaleID: "7000000000000000001", Deadline: newDeadline}); err != nil {
		t.Fatal(err)
	}
	if c := h.mustCase("A1"); !c.Deadline.Equal(newDeadline) {
		t.Fatalf("deadline %v after push, want %v", c.Deadline, newDeadline)
	}
	fp.status = adapters.CaseStatus{Status: adapters.StatusWaitingBuyer, Raw: "7"}
	if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventUpdated,
		AfterSaleID: "7000000000000000001"}); err != nil {
		t.Fatal(err)
	}
	if c := h.mustCase("A1"); c.State != cases.StateWaitingBuyer {
		t.Fatalf("state %s, want waiting_buyer", c.State)
	}
	// A close the platform does not confirm (forged, replayed, out of order) changes nothing.
	if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventClosed,
		AfterSaleID: "7000000000000000001"}); err != nil {
		t.Fatal(err)
	}
	if c := h.mustCase("A1"); c.State != cases.StateWaitingBuyer {
		t.Fatalf("state %s after an unconfirmed close, want waiting_buyer", c.State)
	}
	fp.status = adapters.CaseStatus{Status: adapters.StatusClosed, Raw: "8"}
	if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventClosed,
		AfterSaleID: "7000000000000000001"}); err != nil {
		t.Fatal(err)
	}
	if c := h.mustCase("A1"); c.State != cases.StateCancelled {
		t.Fatalf("state %s after close, want cancelled", c.State)
	}
	if p := h.pendingAlerts("A1"); len(p) != 0 {
		t.Fatalf("closed case keeps alerts %+v", p)
	}
	// An update the platform cannot be asked about is refused, so the push is redelivered.
	fp.downUntil = h.clock.Now().Add(time.Hour)
	err = h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventUpdated, AfterSaleID: "7000000000000000001"})
	var ae *adapters.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("update during outage = %v, want the platform error", err)
	}
}

// A platform that settles an after-sale for the buyer after the merchant's deadline passed
// (自动退款 on timeout) decided it, not the merchant: the case ends expired; settled in
// time, it ends resolved.
func TestPlatformSettlingAfterDeadlineExpiresCase(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration
		want  cases.State
	}{
		{"in time", time.Hour, cases.StateResolved},
		{"after the deadline", 49 * time.Hour, cases.StateExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			fp := newFakePlatform(h.clock.Now)
			h.platform = fp
			h.start()
			ref := "7000000000000000009"
			if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventCreated,
				AfterSaleID: ref, OrderID: cupOrder, Deadline: h.clock.Now().Add(48 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			h.clock.Add(tc.after)
			fp.status = adapters.CaseStatus{Status: adapters.StatusSucceeded, Raw: "12"}
			if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventUpdated, AfterSaleID: ref}); err != nil {
				t.Fatal(err)
			}
			if c := h.mustCase("A1"); c.State != tc.want {
				t.Fatalf("State=%v, want %v", c.State, tc.want)
			}
		})
	}
}

// Two after-sales on one order are two cases; an event the platform does not know is
// acknowledged, not retried forever, and the other events still apply.
func TestSecondAfterSaleOnOneOrder(t *testing.T) {
	h := newHarness(t)
	fp := newFakePlatform(h.clock.Now)
	h.platform = fp
	h.start()
	for _, ref := range []string{"7000000000000000001", "7000000000000000002"} {
		if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventCreated,
			AfterSaleID: ref, OrderID: cupOrder}); err != nil {
			t.Fatalf("push %s: %v", ref, err)
		}
	}
	if live := h.liveCases(); len(live) != 2 {
		t.Fatalf("live cases %d, want one per after-sale", len(live))
	}
	// A deadline years ahead (seconds read as milliseconds) is not taken.
	before := h.mustCase("A1").Deadline
	fp.status = adapters.CaseStatus{Status: adapters.StatusWaitingMerchant, Raw: "1", Deadline: h.clock.Now().Add(400 * 24 * time.Hour)}
	if err := h.worker.PlatformEvent(h.ctx, shopID, adapters.Event{Platform: "fake", Kind: adapters.EventDeadline,
		AfterSaleID: "7000000000000000001", Deadline: h.clock.Now().Add(500 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got := h.mustCase("A1").Deadline; !got.Equal(before) {
		t.Fatalf("deadline moved to %v by an insane push", got)
	}
}

// Trial 28: a case with no order (a 转人工 the merchant turned into a refund) was never
// on the platform and cannot be: approving it finishes its platform step quietly, not a
// "failed for good" error and a sync alert under "✅ 已同意".
func TestOrderlessCaseDecisionStaysOffThePlatform(t *testing.T) {
	h, fp := platformHarness(t, time.Minute)
	mustContain(t, h.say(buyer, "转人工"), "真人")
	h.say(merchant, "A1 误判 退款")
	mustContain(t, h.say(merchant, "A1 同意"), "已同意")
	h.takeAlerts()
	for range 12 {
		h.advance(10 * time.Minute)
	}
	if c := h.mustCase("A1"); c.OrderID != "" || c.Intent != "refund" {
		t.Fatalf("A1 is %s on %q, want a refund on no order", c.Intent, c.OrderID)
	}
	_, states, err := h.store.Jobs(h.ctx, shopID, "A1")
	if err != nil || slices.Contains(states, "failed") {
		t.Fatalf("A1 jobs %v (%v), want none failed", states, err)
	}
	if len(fp.decisions) != 0 || len(fp.badRefs) != 0 {
		t.Fatalf("platform got decisions %+v, bad refs %q; want none", fp.decisions, fp.badRefs)
	}
	for _, a := range h.takeAlerts() {
		if strings.Contains(a.Text, "同步失败") {
			t.Fatalf("sync alert for a case never on the platform: %q", a.Text)
		}
	}
}
