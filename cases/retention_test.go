package cases

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func countRows(t *testing.T, s *Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPrune: Prune deletes old seen message ids, sent replies, finished alerts' delivery
// records and finished jobs, and keeps everything newer, every pending reply and job,
// every case, event and alert.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	old := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	cut := old.AddDate(0, 1, 0)
	recent := cut.AddDate(0, 1, 0)
	now := old
	s, err := Open(testLocation(t, filepath.Join(t.TempDir(), "cases.db")), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	update := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}

	// Written long ago: each kind of row in each state.
	var c Case
	var sentOld, pendingOld Reply
	update(func(tx *Tx) error {
		c = Case{Shop: "demo", Buyer: "wx1", Intent: "refund", OrderID: "1001", Platform: "manual"}
		if err := tx.OpenCase(&c, Policy{RespondWithin: 24 * time.Hour, WarnBefore: []time.Duration{time.Hour}}); err != nil {
			return err
		}
		if err := tx.AddEvent(Event{Shop: "demo", CaseID: c.ID, Kind: EventMessage, Actor: "wx1", Text: "杯子碎了"}); err != nil {
			return err
		}
		for _, id := range []string{"m1", "m2", "m3"} {
			if _, err := tx.FirstSeen("demo", id); err != nil {
				return err
			}
		}
		if sentOld, err = tx.QueueReply("demo", "wx1", "已登记"); err != nil {
			return err
		}
		if pendingOld, err = tx.QueueReply("demo", "wx1", "never sent"); err != nil {
			return err
		}
		for range 4 {
			if err := tx.QueueJob(Job{Shop: "demo", CaseID: c.ID, Kind: JobOpenCase}); err != nil {
				return err
			}
		}
		return nil
	})
	if err := s.ReplySent(ctx, sentOld.ID); err != nil {
		t.Fatal(err)
	}
	jobs, err := s.ClaimJobs(ctx, now, 3) // three claimed, one left pending
	if err != nil || len(jobs) != 3 {
		t.Fatalf("ClaimJobs = %d, %v", len(jobs), err)
	}
	update(func(tx *Tx) error { return tx.JobDone(jobs[0].ID) })
	if err := s.JobFailed(ctx, jobs[1], fmt.Errorf("refused for good")); err != nil {
		t.Fatal(err)
	}
	// jobs[2] stays running.
	alerts, err := s.ClaimAlerts(ctx, recent, 1)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("ClaimAlerts = %d, %v", len(alerts), err)
	}
	sentAlert := alerts[0]
	if err := s.DeliverySent(ctx, sentAlert.ID, "wecom", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.AlertDone(ctx, sentAlert, "新售后"); err != nil {
		t.Fatal(err)
	}
	all, err := s.Alerts(ctx, "demo", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var pendingAlert Alert
	for _, a := range all {
		if a.State == AlertPending {
			pendingAlert = a
		}
	}
	if pendingAlert.ID == 0 {
		t.Fatalf("no pending alert among %+v", all)
	}
	// A sink already took the pending alert: that record must stay, or it is sent twice.
	if err := s.DeliverySent(ctx, pendingAlert.ID, "wecom", "⏰ A1 快到期"); err != nil {
		t.Fatal(err)
	}

	// Written recently: kept whatever their state.
	now = recent
	var sentNew Reply
	update(func(tx *Tx) error {
		if _, err := tx.FirstSeen("demo", "m4"); err != nil {
			return err
		}
		var err error
		sentNew, err = tx.QueueReply("demo", "wx1", "recent")
		return err
	})
	if err := s.ReplySent(ctx, sentNew.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeliverySent(ctx, sentAlert.ID, "email", ""); err != nil {
		t.Fatal(err)
	}

	kept := map[string]int64{}
	for _, table := range []string{"cases", "events", "alerts", "case_seq"} {
		kept[table] = countRows(t, s, table)
	}
	got, err := s.Prune(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	if want := (PruneCounts{SeenMessages: 3, Replies: 1, Deliveries: 1, Jobs: 2}); got != want {
		t.Fatalf("Prune = %+v, want %+v", got, want)
	}
	for table, n := range kept {
		if after := countRows(t, s, table); after != n {
			t.Errorf("%s: %d rows before Prune, %d after", table, n, after)
		}
	}
	for _, tt := range []struct {
		table string
		want  int64
	}{
		{"seen_messages", 1},
		{"replies", 2},
		{"deliveries", 2},
		{"jobs", 2},
	} {
		if n := countRows(t, s, tt.table); n != tt.want {
			t.Errorf("%s: %d rows after Prune, want %d", tt.table, n, tt.want)
		}
	}
	pending, err := s.PendingReplies(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != pendingOld.ID {
		t.Errorf("pending replies after Prune = %+v, %v; want the old unsent one", pending, err)
	}
	d, err := s.Deliveries(ctx, pendingAlert.ID)
	if err != nil || !d["wecom"].Sent || d["wecom"].Text != "⏰ A1 快到期" {
		t.Errorf("deliveries of the pending alert after Prune = %+v, %v; want sent, with the text sent", d, err)
	}
	_, states, err := s.Jobs(ctx, "demo", c.ID)
	if err != nil || fmt.Sprint(states) != "[running pending]" {
		t.Errorf("jobs after Prune = %v, %v; want the running and the pending one", states, err)
	}
	events, err := s.Events(ctx, "demo", c.ID)
	if err != nil || len(events) != int(kept["events"]) {
		t.Errorf("events of the case after Prune = %d, %v", len(events), err)
	}

	// Again: nothing left to prune. A zero time prunes nothing.
	for _, before := range []time.Time{cut, {}} {
		if got, err := s.Prune(ctx, before); err != nil || got != (PruneCounts{}) {
			t.Errorf("Prune(%v) again = %+v, %v; want nothing", before, got, err)
		}
	}
}

// TestPruneBatches: more rows than one batch are all pruned, in several transactions.
func TestPruneBatches(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	s, err := Open(testLocation(t, filepath.Join(t.TempDir(), "cases.db")), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := func(n int, prefix string) {
		t.Helper()
		err := s.Update(ctx, func(tx *Tx) error {
			for i := range n {
				if _, err := tx.FirstSeen("demo", fmt.Sprintf("%s%d", prefix, i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	oldN := 2*pruneBatch + 3
	seen(oldN, "old")
	now = now.Add(48 * time.Hour)
	seen(5, "new")
	got, err := s.Prune(ctx, now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.SeenMessages != int64(oldN) || got.Total() != int64(oldN) {
		t.Fatalf("Prune = %+v, want %d seen messages", got, oldN)
	}
	if n := countRows(t, s, "seen_messages"); n != 5 {
		t.Fatalf("%d seen messages left, want the 5 recent ones", n)
	}
	// A pruned id is new again, as documented.
	var first bool
	if err := s.Update(ctx, func(tx *Tx) (err error) { first, err = tx.FirstSeen("demo", "old0"); return err }); err != nil || !first {
		t.Fatalf("FirstSeen of a pruned id = %v, %v", first, err)
	}
	// A cancelled context stops Prune with what it deleted so far.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Prune(cctx, now); err == nil {
		t.Fatal("Prune with a cancelled context succeeded")
	}
}
