package cases_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/cases/casestest"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time      { return c.t }
func (c *clock) Add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)} }
func policy24h() cases.Policy {
	return cases.Policy{RespondWithin: 24 * time.Hour, WarnBefore: []time.Duration{6 * time.Hour, time.Hour}}
}
func mustOpen(tb testing.TB, path string, c *clock) *cases.Store {
	tb.Helper()
	s, err := casestest.Open(tb, path, cases.Options{Now: c.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func MustOpenStore(tb testing.TB, c *clock) *cases.Store {
	tb.Helper()
	return mustOpen(tb, filepath.Join(tb.TempDir(), "cases.db"), c)
}

func openCase(t *testing.T, s *cases.Store, buyer, order, intent string) *cases.Case {
	t.Helper()
	c := &cases.Case{Shop: "demo", Buyer: buyer, Intent: intent, OrderID: order}
	if err := s.Update(context.Background(), func(tx *cases.Tx) error { return tx.OpenCase(c, policy24h()) }); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCanTransition(t *testing.T) {
	all := []cases.State{cases.StateOpen, cases.StateWaitingMerchant, cases.StateWaitingBuyer, cases.StateResolved,
		cases.StateRejected, cases.StateCancelled, cases.StateExpired}
	legal := map[[2]cases.State]bool{}
	for _, to := range []cases.State{cases.StateWaitingMerchant, cases.StateResolved, cases.StateRejected, cases.StateCancelled, cases.StateExpired} {
		legal[[2]cases.State{cases.StateOpen, to}] = true
	}
	for _, from := range []cases.State{cases.StateWaitingMerchant, cases.StateWaitingBuyer} {
		for _, to := range []cases.State{cases.StateResolved, cases.StateRejected, cases.StateCancelled, cases.StateExpired} {
			legal[[2]cases.State{from, to}] = true
		}
	}
	legal[[2]cases.State{cases.StateWaitingMerchant, cases.StateWaitingBuyer}] = true
	legal[[2]cases.State{cases.StateWaitingBuyer, cases.StateWaitingMerchant}] = true
	legal[[2]cases.State{cases.StateRejected, cases.StateResolved}] = true // 同意 after 拒绝
	for _, from := range all {
		for _, to := range all {
			if got, want := cases.CanTransition(from, to), legal[[2]cases.State{from, to}]; got != want {
				t.Errorf("CanTransition(%s, %s)=%v, want %v", from, to, got, want)
			}
		}
	}
}

func TestOpenCase(t *testing.T) {
	ck := newClock()
	s := MustOpenStore(t, ck)
	c := openCase(t, s, "b1", "4705288465508532862", "refund")
	if c.ID != "A1" || c.State != cases.StateWaitingMerchant {
		t.Fatalf("case = %s %s, want A1 waiting_merchant", c.ID, c.State)
	}
	if want := ck.t.Add(24 * time.Hour); !c.Deadline.Equal(want) {
		t.Fatalf("Deadline=%v, want %v", c.Deadline, want)
	}
	c2 := openCase(t, s, "b2", "4705288465508532862", "refund")
	if c2.ID != "A2" {
		t.Fatalf("second id = %s, want A2", c2.ID)
	}
	// One buyer + order + intent has at most one live case.
	err := s.Update(context.Background(), func(tx *cases.Tx) error {
		return tx.OpenCase(&cases.Case{Shop: "demo", Buyer: "b1", Intent: "refund", OrderID: "4705288465508532862"}, policy24h())
	})
	if err == nil {
		t.Fatal("second live case for the same buyer, order and intent was accepted")
	}
	alerts, err := s.Alerts(context.Background(), "demo", "A1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range alerts {
		got = append(got, a.Kind+"@"+a.DueAt.Sub(ck.t).String())
	}
	want := []string{"new_case@0s", "warn@18h0m0s", "warn@23h0m0s", "overdue@24h0m0s"}
	if len(got) != len(want) {
		t.Fatalf("alerts = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("alerts = %v, want %v", got, want)
		}
	}
	events, _ := s.Events(context.Background(), "demo", "A1")
	if len(events) != 2 || events[0].Kind != cases.EventOpened || events[1].Text != "open→waiting_merchant" {
		t.Fatalf("events = %+v", events)
	}
}

func TestSetStateIllegal(t *testing.T) {
	s := MustOpenStore(t, newClock())
	c := openCase(t, s, "b1", "1", "refund")
	ctx := context.Background()
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.SetState(c, cases.StateResolved, "merchant", "") }); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx *cases.Tx) error { return tx.SetState(c, cases.StateWaitingMerchant, "merchant", "") })
	if !errors.Is(err, cases.ErrIllegalTransition) {
		t.Fatalf("err = %v, want ErrIllegalTransition", err)
	}
	// A stale copy cannot move a case that has moved on.
	stale := *c
	stale.State = cases.StateWaitingMerchant
	err = s.Update(ctx, func(tx *cases.Tx) error { return tx.SetState(&stale, cases.StateRejected, "merchant", "") })
	if !errors.Is(err, cases.ErrIllegalTransition) {
		t.Fatalf("stale err = %v, want ErrIllegalTransition", err)
	}
	alerts, _ := s.Alerts(ctx, "demo", c.ID)
	for _, a := range alerts {
		if a.State != cases.AlertCancelled {
			t.Fatalf("alert %s is %s after the case closed, want cancelled", a.Kind, a.State)
		}
	}
	// A closed case frees the slot for a new live case.
	if c2 := openCase(t, s, "b1", "1", "refund"); c2.ID != "A2" {
		t.Fatalf("new case id %s, want A2", c2.ID)
	}
}

func TestAlertClaimRecoverRepeat(t *testing.T) {
	ck := newClock()
	path := filepath.Join(t.TempDir(), "cases.db")
	s := mustOpen(t, path, ck)
	ctx := context.Background()
	openCase(t, s, "b1", "1", "refund")
	claimed, err := s.ClaimAlerts(ctx, ck.t, 10)
	if err != nil || len(claimed) != 1 || claimed[0].Kind != cases.AlertNewCase {
		t.Fatalf("claimed %+v, %v; want the new_case alert", claimed, err)
	}
	if again, _ := s.ClaimAlerts(ctx, ck.t, 10); len(again) != 0 {
		t.Fatalf("claimed twice: %+v", again)
	}
	// The process dies while sending; a restart finds the alert in flight.
	s.Close()
	s = mustOpen(t, path, ck)
	n, _, err := s.Recover(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Recover = %d, %v; want 1", n, err)
	}
	claimed, _ = s.ClaimAlerts(ctx, ck.t, 10)
	if len(claimed) != 1 || !claimed[0].Repeat || claimed[0].Attempts != 2 {
		t.Fatalf("after recover claimed %+v, want one repeat on attempt 2", claimed)
	}
	if err := s.AlertDone(ctx, claimed[0], "新售后 A1"); err != nil {
		t.Fatal(err)
	}
	// Nothing else is due until the first warning.
	due, ok, _ := s.NextAlertDue(ctx)
	if !ok || !due.Equal(ck.t.Add(18*time.Hour)) {
		t.Fatalf("next due %v %v, want +18h", due, ok)
	}
	ck.Add(18 * time.Hour)
	claimed, _ = s.ClaimAlerts(ctx, ck.t, 10)
	if len(claimed) != 1 || claimed[0].Kind != cases.AlertWarn || claimed[0].Repeat {
		t.Fatalf("claimed %+v, want the first warning", claimed)
	}
	if err := s.AlertRetry(ctx, claimed[0], ck.t.Add(time.Minute), errors.New("sink down")); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ClaimAlerts(ctx, ck.t, 10); len(c) != 0 {
		t.Fatalf("retried alert claimed before its retry time: %+v", c)
	}
	ck.Add(time.Minute)
	if c, _ := s.ClaimAlerts(ctx, ck.t, 10); len(c) != 1 || c[0].Attempts != 2 {
		t.Fatalf("retry claim = %+v", c)
	}
}

func TestSnoozeAndReschedule(t *testing.T) {
	ck := newClock()
	s := MustOpenStore(t, ck)
	ctx := context.Background()
	c := openCase(t, s, "b1", "1", "refund")
	ck.Add(17 * time.Hour) // warnings at +18h and +23h, deadline +24h
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.Snooze(c, ck.t.Add(2*time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	pending := pendingKinds(t, s, ck.t.Add(-17*time.Hour))
	if want := "reminder@19h0m0s warn@23h0m0s overdue@24h0m0s "; pending != want {
		t.Fatalf("after snooze pending = %q, want %q", pending, want)
	}
	// The platform reports an earlier deadline: warnings move with it.
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.Reschedule(c, ck.t.Add(3*time.Hour), policy24h()) }); err != nil {
		t.Fatal(err)
	}
	pending = pendingKinds(t, s, ck.t.Add(-17*time.Hour))
	if want := "warn@19h0m0s overdue@20h0m0s "; pending != want {
		t.Fatalf("after reschedule pending = %q, want %q", pending, want)
	}
	got, _ := s.Case(ctx, "demo", c.ID)
	if !got.Deadline.Equal(ck.t.Add(3 * time.Hour)) {
		t.Fatalf("deadline = %v", got.Deadline)
	}
}

func pendingKinds(t *testing.T, s *cases.Store, base time.Time) string {
	t.Helper()
	alerts, err := s.Alerts(context.Background(), "demo", "A1")
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, a := range alerts {
		if a.State == cases.AlertPending {
			out += a.Kind + "@" + a.DueAt.Sub(base).String() + " "
		}
	}
	return out
}

func TestRestartKeepsEverything(t *testing.T) {
	ck := newClock()
	path := filepath.Join(t.TempDir(), "cases.db")
	s := mustOpen(t, path, ck)
	ctx := context.Background()
	c := openCase(t, s, "b1", "1", "refund")
	err := s.Update(ctx, func(tx *cases.Tx) error {
		if err := tx.AddEvent(cases.Event{Shop: "demo", CaseID: c.ID, Kind: cases.EventMessage, Actor: "buyer", Text: "杯子碎了"}); err != nil {
			return err
		}
		_, err := tx.QueueReply("demo", "b1", "已为您登记 A1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpen(t, path, ck)
	got, err := s.Case(ctx, "demo", "A1")
	if err != nil || got.State != cases.StateWaitingMerchant || got.OrderID != "1" {
		t.Fatalf("after restart case = %+v, %v", got, err)
	}
	events, _ := s.Events(ctx, "demo", "A1")
	if len(events) != 3 || events[2].Text != "杯子碎了" {
		t.Fatalf("transcript lost: %+v", events)
	}
	replies, _ := s.PendingReplies(ctx)
	if len(replies) != 1 || replies[0].Text != "已为您登记 A1" {
		t.Fatalf("pending replies = %+v", replies)
	}
	if err := s.ReplySent(ctx, replies[0].ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.PendingReplies(ctx); len(r) != 0 {
		t.Fatalf("reply still pending after sent: %+v", r)
	}
}

func TestFirstSeenAndHandoff(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	var first, second bool
	err := s.Update(ctx, func(tx *cases.Tx) (err error) {
		if first, err = tx.FirstSeen("demo", "m1"); err != nil {
			return err
		}
		second, err = tx.FirstSeen("demo", "m1")
		return err
	})
	if err != nil || !first || second {
		t.Fatalf("FirstSeen = %v, %v, %v; want true, false", first, second, err)
	}
	var h string
	err = s.Update(ctx, func(tx *cases.Tx) (err error) {
		if err = tx.SetHandoff("demo", "b1", "A3"); err != nil {
			return err
		}
		h, err = tx.Handoff("demo", "b1")
		return err
	})
	if err != nil || h != "A3" {
		t.Fatalf("handoff = %q, %v", h, err)
	}
}

// While a case waits on the buyer the merchant's clock stops; it runs on from where it
// stopped when the case comes back.
func TestPauseForBuyerAndResume(t *testing.T) {
	ck := newClock()
	s := MustOpenStore(t, ck)
	ctx := context.Background()
	c := openCase(t, s, "b1", "1", "return")
	ck.Add(4 * time.Hour) // 20h left
	if err := s.Update(ctx, func(tx *cases.Tx) error {
		return tx.PauseForBuyer(c, "merchant", "请寄回", []time.Duration{24 * time.Hour, 48 * time.Hour})
	}); err != nil {
		t.Fatal(err)
	}
	base := ck.t.Add(-4 * time.Hour)
	if got, want := pendingKinds(t, s, base), "buyer_reminder@28h0m0s buyer_reminder@52h0m0s "; got != want {
		t.Fatalf("while paused pending = %q, want only the buyer's reminders %q", got, want)
	}
	ck.Add(30 * time.Hour) // the buyer takes a day and a bit to send the goods back
	got, _ := s.Case(ctx, "demo", c.ID)
	if got.State != cases.StateWaitingBuyer || got.PausedLeft != 20*time.Hour {
		t.Fatalf("paused case %s left %v, want waiting_buyer with 20h kept", got.State, got.PausedLeft)
	}
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.ResumeForMerchant(got, "buyer", "", policy24h()) }); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Case(ctx, "demo", c.ID)
	if want := ck.t.Add(20 * time.Hour); got.State != cases.StateWaitingMerchant || !got.Deadline.Equal(want) || got.PausedLeft != 0 {
		t.Fatalf("resumed case %s deadline %v left %v, want waiting_merchant due %v", got.State, got.Deadline, got.PausedLeft, want)
	}
	if got, want := pendingKinds(t, s, ck.t), "warn@14h0m0s warn@19h0m0s overdue@20h0m0s "; got != want {
		t.Fatalf("after resume pending = %q, want %q", got, want)
	}
}

// Many buyers at once: reads in their own transactions and group-committed writes share a
// small connection pool without deadlocking, and every write lands once.
func TestConcurrentReadsAndWrites(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			c := &cases.Case{Shop: "demo", Buyer: fmt.Sprintf("b%d", i), Intent: "refund", OrderID: "1"}
			errs <- s.Update(ctx, func(tx *cases.Tx) error {
				if err := tx.OpenCase(c, policy24h()); err != nil {
					return err
				}
				_, err := tx.Events("demo", c.ID) // a fresh query inside the write
				return err
			})
		}()
		go func() {
			defer wg.Done()
			_, err := s.FindCases(ctx, cases.CaseFilter{Shop: "demo", Buyer: fmt.Sprintf("b%d", i)})
			if err == nil {
				_, err = s.Handoff(ctx, "demo", fmt.Sprintf("b%d", i))
			}
			errs <- err
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("concurrent reads and writes deadlocked")
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	found, _ := s.FindCases(ctx, cases.CaseFilter{Shop: "demo"})
	if len(found) != n {
		t.Fatalf("%d cases, want %d", len(found), n)
	}
}

// One failing write in a group commit rolls back only its own changes.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.Update(ctx, func(tx *cases.Tx) error {
				c := &cases.Case{Shop: "demo", Buyer: fmt.Sprintf("b%d", i), Intent: "refund", OrderID: "1"}
				if err := tx.OpenCase(c, policy24h()); err != nil {
					return err
				}
				if i%2 == 1 {
					return errors.New("changed my mind")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range results {
		if (err != nil) != (i%2 == 1) {
			t.Fatalf("write %d err = %v", i, err)
		}
	}
	found, _ := s.FindCases(ctx, cases.CaseFilter{Shop: "demo"})
	if len(found) != 25 {
		t.Fatalf("%d cases committed, want the 25 that succeeded", len(found))
	}
	for _, c := range found {
		var n int
		fmt.Sscanf(c.Buyer, "b%d", &n)
		if n%2 == 1 {
			t.Fatalf("failed write's case %s for %s was committed", c.ID, c.Buyer)
		}
		if ev, _ := s.Events(ctx, "demo", c.ID); len(ev) != 2 {
			t.Fatalf("case %s events %d", c.ID, len(ev))
		}
	}
}

func TestCursorSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := casestest.Open(t, path, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if v, err := st.Cursor(ctx, "kf:wk1"); err != nil || v != "" {
		t.Fatalf("empty cursor = %q, %v", v, err)
	}
	for _, v := range []string{"c1", "c2"} {
		if err := st.SetCursor(ctx, "kf:wk1", v); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	st, err = casestest.Open(t, path, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.Cursor(ctx, "kf:wk1"); err != nil || v != "c2" {
		t.Fatalf("cursor after reopen = %q, %v; want c2", v, err)
	}
}
