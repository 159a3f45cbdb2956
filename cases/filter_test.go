package cases_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
)

func TestFindCasesByIntentAndState(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	refund := openCase(t, s, "b1", "o1", "refund")
	openCase(t, s, "b2", "o2", "return")
	done := openCase(t, s, "b3", "o3", "refund")
	if err := s.Update(ctx, func(tx *cases.Tx) error {
		if err := tx.SetState(refund, cases.StateWaitingBuyer, "merchant", ""); err != nil {
			return err
		}
		return tx.SetState(done, cases.StateResolved, "merchant", "")
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    cases.CaseFilter
		want []string
	}{
		{"intent", cases.CaseFilter{Intent: "refund"}, []string{refund.ID, done.ID}},
		{"intent live", cases.CaseFilter{Intent: "refund", LiveOnly: true}, []string{refund.ID}},
		{"state", cases.CaseFilter{State: cases.StateResolved}, []string{done.ID}},
		{"state and intent", cases.CaseFilter{State: cases.StateWaitingMerchant, Intent: "return"}, []string{"A2"}},
		{"state and intent disjoint", cases.CaseFilter{State: cases.StateWaitingMerchant, Intent: "refund"}, nil},
		{"waiting buyer", cases.CaseFilter{State: cases.StateWaitingBuyer, LiveOnly: true}, []string{refund.ID}},
		{"final state with live only", cases.CaseFilter{State: cases.StateResolved, LiveOnly: true}, nil},
		{"shop and intent", cases.CaseFilter{Shop: "other", Intent: "refund"}, nil},
		{"unknown intent", cases.CaseFilter{Intent: "repair"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found, err := s.FindCases(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range found {
				got = append(got, c.ID)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("FindCases(%+v) = %v, want %v", tt.f, got, want)
			}
		})
	}
}

func TestStateLabelByKind(t *testing.T) {
	for _, tc := range []struct {
		intent string
		state  cases.State
		want   string
	}{
		{"refund", cases.StateResolved, "已同意"},
		{cases.IntentQuestion, cases.StateResolved, "已回复"},
		{"human", cases.StateResolved, "已处理"},
		{cases.IntentQuestion, cases.StateOpen, "新建"},
		{"human", cases.StateClosed, "已关闭"},
	} {
		c := cases.Case{Intent: tc.intent, State: tc.state}
		if got := c.StateLabel(); got != tc.want {
			t.Errorf("%s %s: StateLabel %q, want %q", tc.intent, tc.state, got, tc.want)
		}
	}
}

// ChangeIntent turns a live case into another request, logs it, and refuses an ended one.
func TestChangeIntent(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	c := &cases.Case{Shop: "demo", Buyer: "b", Intent: "exchange", OrderID: "1"}
	p := cases.Policy{RespondWithin: time.Hour}
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.OpenCase(c, p) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.ChangeIntent(c, "return", "buyer") }); err != nil {
		t.Fatal(err)
	}
	got, err := s.Case(ctx, "demo", c.ID)
	if err != nil || got.Intent != "return" {
		t.Fatalf("after ChangeIntent: %+v, %v; want intent return", got, err)
	}
	ev, _ := s.Events(ctx, "demo", c.ID)
	if last := ev[len(ev)-1]; !strings.Contains(last.Text, "exchange → return") {
		t.Fatalf("last event %+v, want the change logged", last)
	}
	err = s.Update(ctx, func(tx *cases.Tx) error {
		if err := tx.SetState(got, cases.StateCancelled, "buyer", ""); err != nil {
			return err
		}
		return tx.ChangeIntent(got, "refund", "buyer")
	})
	if !errors.Is(err, cases.ErrIllegalTransition) {
		t.Fatalf("ChangeIntent on a withdrawn case: %v, want ErrIllegalTransition", err)
	}
}

// Events merged in from another case (合并) fall into place by their own time: a trial
// merchant read the merged case's later messages first.
func TestMergedEventsInTimeOrder(t *testing.T) {
	clk := newClock()
	s := MustOpenStore(t, clk)
	ctx := context.Background()
	p := cases.Policy{RespondWithin: time.Hour}
	a := &cases.Case{Shop: "demo", Buyer: "b", Intent: "refund", OrderID: "1"}
	b := &cases.Case{Shop: "demo", Buyer: "b", Intent: "refund", OrderID: "2"}
	say := func(c *cases.Case, text string) {
		t.Helper()
		if err := s.Update(ctx, func(tx *cases.Tx) error {
			return tx.AddEvent(cases.Event{Shop: "demo", CaseID: c.ID, Kind: cases.EventMessage, Actor: "buyer", Text: text})
		}); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Minute)
	}
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.OpenCase(a, p) }); err != nil {
		t.Fatal(err)
	}
	say(a, "one")
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.OpenCase(b, p) }); err != nil {
		t.Fatal(err)
	}
	say(b, "two")
	say(a, "three")
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.MoveEvents("demo", b.ID, a.ID) }); err != nil {
		t.Fatal(err)
	}
	ev, err := s.Events(ctx, "demo", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, e := range ev {
		if e.Kind == cases.EventMessage {
			said = append(said, e.Text)
		}
	}
	if strings.Join(said, " ") != "one two three" {
		t.Fatalf("merged transcript %q, want one two three", said)
	}
}
