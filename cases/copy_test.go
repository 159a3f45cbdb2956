package cases

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aftersale/aftersale/internal/pgtest"
)

// Every table of the SQLite schema is one Copy moves.
func TestCopyCoversEveryTable(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	want := slices.Sorted(slices.Values(copyTables[:]))
	if !slices.Equal(tables, want) {
		t.Fatalf("SQLite tables %v, Copy moves %v: add the new table to copyTables (copy.go)", tables, want)
	}
}

// Copy moves a SQLite store's every row into PostgreSQL, ids and all; a second run
// copies nothing twice; the PostgreSQL store then goes on numbering after the copied ids.
func TestCopySQLiteToPostgres(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	from, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	p := Policy{RespondWithin: 24 * time.Hour, WarnBefore: []time.Duration{time.Hour}}
	err = from.Update(ctx, func(tx *Tx) error {
		a := &Case{Shop: "demo", Buyer: "b1", Intent: "refund", OrderID: "1"}
		q := &Case{Shop: "demo", Buyer: "b2", Intent: IntentQuestion}
		for _, c := range []*Case{a, q} {
			if err := tx.OpenCase(c, p); err != nil {
				return err
			}
		}
		for _, err := range []error{
			tx.AddEvent(Event{Shop: "demo", CaseID: a.ID, Kind: EventMessage, Actor: "b1", Text: "我要退款"}),
			tx.QueueJob(Job{Shop: "demo", CaseID: a.ID, Kind: JobOpenCase}),
			tx.SetHandoff("demo", "b3", a.ID),
			tx.AddExample(Example{Shop: "demo", Text: "退钱", Label: "refund", CaseID: a.ID}),
			tx.AddFAQ(FAQEntry{Shop: "demo", ID: "f1", Question: "包邮吗", Answer: "包邮"}),
			tx.AddOrderOwner("demo", "1", "b1", "first"),
		} {
			if err != nil {
				return err
			}
		}
		if _, err := tx.QueueReply("demo", "b1", "收到"); err != nil {
			return err
		}
		_, err := tx.FirstSeen("demo", "m1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{from.SaveSession(ctx, "demo", "b1", `{"k":1}`), from.SetCursor(ctx, "kf:1", "c9"),
		from.DeliverySent(ctx, 1, "wecom", "")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	to, err := Open(pgtest.Schema(t, "copy-to"), Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	for run := range 2 {
		counts, err := Copy(ctx, from, to)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		for _, c := range counts {
			if c.From != c.To || c.From == 0 {
				t.Errorf("run %d: %s copied %d of %d rows (want all, and a row in each)", run, c.Table, c.To, c.From)
			}
		}
	}
	if d, _ := to.Deliveries(ctx, 1); !d["wecom"].Sent {
		t.Errorf("deliveries not copied: %+v", d)
	}
	if v, _ := to.Cursor(ctx, "kf:1"); v != "c9" {
		t.Errorf("cursor %q", v)
	}
	// Numbering goes on after the copied ids: A2 and Q2, and new row ids past the old.
	before, _ := to.Alerts(ctx, "", "")
	err = to.Update(ctx, func(tx *Tx) error {
		a := &Case{Shop: "demo", Buyer: "b9", Intent: "refund", OrderID: "9"}
		q := &Case{Shop: "demo", Buyer: "b9", Intent: IntentQuestion}
		if err := tx.OpenCase(a, p); err != nil {
			return err
		}
		if err := tx.OpenCase(q, p); err != nil {
			return err
		}
		if a.ID != "A2" || q.ID != "Q2" {
			t.Errorf("new ids %s %s, want A2 Q2", a.ID, q.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("write after copy: %v", err)
	}
	after, _ := to.Alerts(ctx, "", "")
	if len(after) <= len(before) {
		t.Fatalf("alerts %d → %d", len(before), len(after))
	}
	// A row lost from the destination is put back by running the copy again.
	if _, err := to.db.Exec(`DELETE FROM cursors`); err != nil {
		t.Fatal(err)
	}
	if _, err := Copy(ctx, from, to); err != nil {
		t.Fatalf("re-run after a lost row: %v", err)
	}
	if v, _ := to.Cursor(ctx, "kf:1"); v != "c9" {
		t.Errorf("cursor after re-run %q, want it restored", v)
	}
	if _, err := Copy(ctx, to, from); err == nil || errors.Is(err, ErrCopyMismatch) {
		t.Fatalf("copy from PostgreSQL to SQLite: %v, want refused", err)
	}
}

// A second shop's file copied into a database that already holds the first is refused
// before anything is written: its rows have the same ids as the first's (A1, event 1…),
// and skipping them as "already copied" would lose them.
func TestCopyRefusesAnotherStoresRows(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	p := Policy{RespondWithin: 24 * time.Hour}
	shopFile := func(shop, buyer string) *Store {
		s, err := Open(filepath.Join(t.TempDir(), shop+".db"), Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Update(ctx, func(tx *Tx) error {
			c := &Case{Shop: shop, Buyer: buyer, Intent: "refund", OrderID: "1"}
			if err := tx.OpenCase(c, p); err != nil {
				return err
			}
			return tx.AddEvent(Event{Shop: shop, CaseID: c.ID, Kind: EventMessage, Actor: buyer, Text: "退款"})
		}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	to, err := Open(pgtest.Schema(t, "copy-two"), Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	if _, err := Copy(ctx, shopFile("demo", "老李"), to); err != nil {
		t.Fatal(err)
	}
	for _, other := range []*Store{shopFile("demo", "老王"), shopFile("shop3", "小张")} {
		if _, err := Copy(ctx, other, to); !errors.Is(err, ErrCopyConflict) {
			t.Fatalf("copy of another store's rows: %v, want ErrCopyConflict", err)
		}
	}
	if found, err := to.FindCases(ctx, CaseFilter{}); err != nil || len(found) != 1 || found[0].Buyer != "老李" {
		t.Fatalf("after the refused copies: %+v, %v; want only 老李's A1", found, err)
	}
}
