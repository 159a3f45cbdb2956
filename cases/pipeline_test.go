package cases_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/internal/pgtest"
)

// Writes of a transaction are seen by its own later reads and commit in the order they
// were made, however the store sends them (on PostgreSQL, held back and pipelined).
func TestTxWritesSeenInOrder(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	c := openCase(t, s, "b1", "1", "refund")
	var seen []cases.Event
	err := s.Update(ctx, func(tx *cases.Tx) (err error) {
		if err := tx.LockBuyer("demo", "b1"); err != nil {
			return err
		}
		for _, text := range []string{"一", "二", "三"} {
			if err := tx.AddEvent(cases.Event{Shop: "demo", CaseID: c.ID, Kind: cases.EventMessage, Actor: "buyer", Text: text}); err != nil {
				return err
			}
		}
		seen, err = tx.Events("demo", c.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if texts := eventTexts(seen); !strings.HasSuffix(texts, "|一|二|三") {
		t.Fatalf("the transaction's own read saw %s, want its three events last, in order", texts)
	}
	after, err := s.Events(ctx, "demo", c.ID)
	if err != nil || eventTexts(after) != eventTexts(seen) {
		t.Fatalf("committed %s (%v), want what the transaction saw: %s", eventTexts(after), err, eventTexts(seen))
	}
}

func eventTexts(evs []cases.Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString("|" + e.Text)
	}
	return b.String()
}

// A buyer's turns number their replies in turn order, however many a turn says (on
// PostgreSQL, ids from the blocks the store takes from the sequence, more than one block
// here), and each id queued is the one stored.
func TestTurnReplyIDs(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	var want []cases.Reply
	for turn, n := range []int{1, 4, 0, 2, 130, 1} {
		err := s.Update(ctx, func(tx *cases.Tx) error {
			if err := tx.LockBuyer("demo", "b1"); err != nil {
				return err
			}
			for i := range n {
				r, err := tx.QueueReply("demo", "b1", fmt.Sprintf("第%d轮 %d", turn, i))
				if err != nil {
					return err
				}
				want = append(want, r)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.PendingReplies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d replies stored, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reply %d stored as %+v, queued as %+v", i, got[i], want[i])
		}
		if i > 0 && want[i].ID <= want[i-1].ID {
			t.Fatalf("reply ids out of turn order: %d after %d", want[i].ID, want[i-1].ID)
		}
	}
}

// On PostgreSQL a write held back to go with the commit still fails the Update when it
// fails, with its own error, and nothing of the transaction stays.
func TestPGHeldWriteFails(t *testing.T) {
	url := pgtest.Schema(t, filepath.Join(t.TempDir(), "held"))
	ck := newClock()
	s, err := cases.Open(url, cases.Options{Now: ck.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c := openCase(t, s, "b1", "1", "refund")
	err = s.Update(ctx, func(tx *cases.Tx) error {
		if err := tx.LockBuyer("demo", "b1"); err != nil {
			return err
		}
		if _, err := tx.FirstSeen("demo", "m1"); err != nil {
			return err
		}
		if _, err := tx.QueueReply("demo", "b1", "好的"); err != nil {
			return err
		}
		// PostgreSQL refuses a NUL in text: this write fails, at commit.
		return tx.AddEvent(cases.Event{Shop: "demo", CaseID: c.ID, Kind: cases.EventMessage, Actor: "buyer", Text: "坏\x00字"})
	})
	if err == nil || !strings.Contains(err.Error(), "add message event to case "+c.ID) {
		t.Fatalf("Update = %v, want the event's own failure", err)
	}
	if r, _ := s.PendingReplies(ctx); len(r) != 0 {
		t.Fatalf("a failed transaction's reply was kept: %+v", r)
	}
	var first bool
	if err := s.Update(ctx, func(tx *cases.Tx) (err error) { first, err = tx.FirstSeen("demo", "m1"); return err }); err != nil || !first {
		t.Fatalf("message id after the failed turn: first = %v, %v; want true (nothing kept)", first, err)
	}
	if err := s.Update(ctx, func(tx *cases.Tx) error { return errors.New("nothing") }); err == nil {
		t.Fatal("an Update whose fn fails before any statement succeeded")
	}
}

// Buyer reads the handoff and the buyer's cases together (on PostgreSQL, in one round
// trip): live ones and those closed since the time asked, newest first, nobody else's.
func TestBuyerView(t *testing.T) {
	ck := newClock()
	s := MustOpenStore(t, ck)
	ctx := context.Background()
	old := openCase(t, s, "b1", "1", "refund")
	err := s.Update(ctx, func(tx *cases.Tx) error { return tx.SetState(old, cases.StateResolved, "merchant", "") })
	if err != nil {
		t.Fatal(err)
	}
	ck.t = ck.t.Add(48 * time.Hour)
	live := openCase(t, s, "b1", "2", "return")
	openCase(t, s, "b2", "3", "refund")
	v, err := s.Buyer(ctx, "demo", "b1", ck.t.Add(-time.Hour))
	if err != nil || v.Handoff != "" || len(v.Cases) != 1 || v.Cases[0].ID != live.ID || v.Cases[0].OrderID != "2" {
		t.Fatalf("Buyer = %+v, %v; want only the live case %s, no handoff", v, err, live.ID)
	}
	if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.SetHandoff("demo", "b1", live.ID) }); err != nil {
		t.Fatal(err)
	}
	v, err = s.Buyer(ctx, "demo", "b1", ck.t.Add(-72*time.Hour))
	if err != nil || v.Handoff != live.ID || len(v.Cases) != 2 || v.Cases[0].ID != live.ID || v.Cases[1].ID != old.ID ||
		v.Cases[1].State != cases.StateResolved || !v.Cases[0].Deadline.Equal(live.Deadline) {
		t.Fatalf("Buyer = %+v, %v; want handoff %s and both cases, newest first", v, err, live.ID)
	}
	// BuyerAndSession reads the same view, and the session beside it.
	v2, ss, err := s.BuyerAndSession(ctx, "demo", "b1", ck.t.Add(-72*time.Hour))
	if err != nil || ss.OK || v2.Handoff != v.Handoff || len(v2.Cases) != 2 || v2.Cases[1] != v.Cases[1] {
		t.Fatalf("BuyerAndSession = %+v, %+v, %v; want Buyer's view and no session", v2, ss, err)
	}
	if err := s.SaveSession(ctx, "demo", "b1", `{"Intent":"refund"}`); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSession(ctx, "demo", "b2", `{"Intent":"other"}`); err != nil {
		t.Fatal(err)
	}
	v2, ss, err = s.BuyerAndSession(ctx, "demo", "b1", ck.t.Add(-time.Hour))
	if err != nil || !ss.OK || ss.Data != `{"Intent":"refund"}` || !ss.At.Equal(ck.t) || len(v2.Cases) != 1 {
		t.Fatalf("BuyerAndSession = %+v, %+v, %v; want the live case and b1's session at %v", v2, ss, err, ck.t)
	}
}

// A buyer's turn that locks the buyer and then records its message id (on PostgreSQL,
// one statement) learns whether the id is new, and still queues its replies.
func TestTurnFirstSeen(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	turn := func(msgID string) (first bool, r cases.Reply) {
		t.Helper()
		err := s.Update(ctx, func(tx *cases.Tx) (err error) {
			if err := tx.LockBuyer("demo", "b1"); err != nil {
				return err
			}
			if first, err = tx.FirstSeen("demo", msgID); err != nil {
				return err
			}
			r, err = tx.QueueReply("demo", "b1", "收到 "+msgID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return first, r
	}
	f1, r1 := turn("m1")
	f2, r2 := turn("m1")
	f3, r3 := turn("m2")
	if !f1 || f2 || !f3 {
		t.Fatalf("first seen = %v, %v, %v; want true, false, true", f1, f2, f3)
	}
	got, err := s.PendingReplies(ctx)
	if err != nil || len(got) != 3 || got[0] != r1 || got[1] != r2 || got[2] != r3 {
		t.Fatalf("pending = %+v, %v; want %+v %+v %+v", got, err, r1, r2, r3)
	}
}

// A turn that records its message id with RecordFirst commits the first time; the same
// id again fails the Update with ErrSeen, keeping none of its writes (on PostgreSQL the
// id goes with the turn's writes in one batch, and fails it at commit).
func TestRecordFirst(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	turn := func(msgID, text string) error {
		return s.Update(ctx, func(tx *cases.Tx) error {
			if err := tx.LockBuyer("demo", "b1"); err != nil {
				return err
			}
			if err := tx.RecordFirst("demo", msgID); err != nil {
				return err
			}
			_, err := tx.QueueReply("demo", "b1", text)
			return err
		})
	}
	if err := turn("m1", "一"); err != nil {
		t.Fatal(err)
	}
	if err := turn("m1", "二"); !errors.Is(err, cases.ErrSeen) {
		t.Fatalf("the same id again: Update = %v, want ErrSeen", err)
	}
	if err := turn("m2", "三"); err != nil {
		t.Fatal(err)
	}
	got, err := s.PendingReplies(ctx)
	if err != nil || len(got) != 2 || got[0].Text != "一" || got[1].Text != "三" {
		t.Fatalf("pending = %+v, %v; want 一 and 三 only", got, err)
	}
	// A read after it in the same transaction meets the refusal too.
	err = s.Update(ctx, func(tx *cases.Tx) error {
		if err := tx.RecordFirst("demo", "m2"); err != nil {
			return err
		}
		_, err := tx.Handoff("demo", "b1")
		return err
	})
	if !errors.Is(err, cases.ErrSeen) {
		t.Fatalf("a read after a seen id: Update = %v, want ErrSeen", err)
	}
}

// OrderOwnership tells an owner of an order from a buyer who is not one, and an order
// nobody owns from one others own.
func TestOrderOwnership(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	err := s.Update(ctx, func(tx *cases.Tx) error {
		for _, b := range []string{"b1", "b2"} {
			if err := tx.AddOrderOwner("demo", "1", b, "first"); err != nil {
				return err
			}
		}
		return tx.AddOrderOwner("other", "2", "b3", "phone")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		shop, order, buyer string
		owner, owned       bool
	}{
		{"demo", "1", "b2", true, true},
		{"demo", "1", "b3", false, true},
		{"demo", "2", "b3", false, false}, // b3 owns order 2 of another shop only
		{"other", "2", "b3", true, true},
	} {
		owner, owned, err := s.OrderOwnership(ctx, c.shop, c.order, c.buyer)
		if err != nil || owner != c.owner || owned != c.owned {
			t.Errorf("OrderOwnership(%s, %s, %s) = %v, %v, %v; want %v, %v", c.shop, c.order, c.buyer, owner, owned, err, c.owner, c.owned)
		}
	}
}

// BindFirst binds an order nobody owns to the buyer, and no other buyer after that.
func TestBindFirst(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	var got []bool
	err := s.Update(ctx, func(tx *cases.Tx) error {
		for _, b := range []string{"b1", "b2", "b1"} {
			ok, err := tx.BindFirst("demo", "9", b)
			if err != nil {
				return err
			}
			got = append(got, ok)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []bool{true, false, false}) {
		t.Fatalf("BindFirst b1, b2, b1 = %v, want true, false, false", got)
	}
	if owner, _, _ := s.OrderOwnership(ctx, "demo", "9", "b2"); owner {
		t.Fatal("b2 owns an order b1 was bound to first")
	}
}

// A one-row read after writes held back sees them (on PostgreSQL it goes in their
// round trip), finds no row as before, and a held write that failed fails the read and
// the Update with the write's own error.
func TestTxReadAfterHeldWrites(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	c := openCase(t, s, "b1", "1", "refund")
	err := s.Update(ctx, func(tx *cases.Tx) error {
		if err := tx.LockBuyer("demo", "b1"); err != nil {
			return err
		}
		since := tx.Now()
		if err := tx.ScheduleAlert(cases.Alert{Shop: "demo", CaseID: c.ID, Kind: cases.AlertReminder, DueAt: since.Add(time.Hour)}); err != nil {
			return err
		}
		if ok, err := tx.AlertedSince("demo", c.ID, cases.AlertReminder, since); err != nil || !ok {
			return fmt.Errorf("AlertedSince after a held alert = %v, %v; want true", ok, err)
		}
		if err := tx.AddEvent(cases.Event{Shop: "demo", CaseID: c.ID, Kind: cases.EventMessage, Actor: "buyer", Text: "在吗"}); err != nil {
			return err
		}
		if h, err := tx.Handoff("demo", "b1"); err != nil || h != "" {
			return fmt.Errorf("Handoff of a buyer with none = %q, %v; want none", h, err)
		}
		got, err := tx.Case("demo", c.ID)
		if err != nil || got.ID != c.ID || got.State != c.State {
			return fmt.Errorf("Case = %+v, %v; want %s %s", got, err, c.ID, c.State)
		}
		if _, err := tx.Case("demo", "A999"); !errors.Is(err, cases.ErrNotFound) {
			return fmt.Errorf("Case of no case = %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var readErr error
	err = s.Update(ctx, func(tx *cases.Tx) error {
		// PostgreSQL refuses a NUL in text: the held event fails in the read's round trip.
		if err := tx.AddEvent(cases.Event{Shop: "demo", CaseID: c.ID, Kind: cases.EventMessage, Actor: "buyer", Text: "坏\x00字"}); err != nil {
			return err
		}
		_, readErr = tx.Handoff("demo", "b1")
		return nil // as a caller that ignores a failed read would
	})
	if pgtest.Contract() && (err == nil || !strings.Contains(err.Error(), "add message event") || readErr == nil) {
		t.Fatalf("Update = %v (read: %v), want the held event's failure for both", err, readErr)
	}
}
