package cases_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/internal/pgtest"
)

// Tests of what only several instances on one PostgreSQL have. They run whenever
// AFTERSALE_TEST_PG is set (and fail under CI=true without it), beside the contract
// suite.

// twoInstances opens two stores, instances "a" and "b", on one fresh schema.
func twoInstances(t *testing.T, ck *clock, lease time.Duration) (a, b *cases.Store) {
	t.Helper()
	url := pgtest.Schema(t, filepath.Join(t.TempDir(), "shared"))
	open := func(name string) *cases.Store {
		s, err := cases.Open(url, cases.Options{Now: ck.Now, Instance: name, Lease: lease})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return open("a"), open("b")
}

// An alert claimed by an instance that then dies is not taken by another while the
// lease holds, is taken (marked Repeat) once it runs out, and the dead instance's own
// restart takes it back at once.
func TestPGLeaseRetakenAfterDeath(t *testing.T) {
	ck := newClock()
	a, b := twoInstances(t, ck, 10*time.Second)
	ctx := context.Background()
	openCase(t, a, "b1", "1", "refund")
	got, err := a.ClaimAlerts(ctx, ck.t, 10)
	if err != nil || len(got) != 1 || got[0].Repeat {
		t.Fatalf("a claimed %+v, %v", got, err)
	}
	// a dies here, mid-send.
	if again, _ := b.ClaimAlerts(ctx, ck.t.Add(9*time.Second), 10); len(again) != 0 {
		t.Fatalf("b took a live lease: %+v", again)
	}
	due, ok, _ := b.NextAlertDue(ctx)
	if !ok || !due.Equal(ck.t.Add(10*time.Second)) {
		t.Fatalf("b's next due = %v %v, want the lease's end (+10s)", due, ok)
	}
	// b's restart does not recover a's claim (a may be alive and sending it).
	if n, _, err := b.Recover(ctx); err != nil || n != 0 {
		t.Fatalf("b.Recover = %d, %v; want 0", n, err)
	}
	got, err = b.ClaimAlerts(ctx, ck.t.Add(10*time.Second), 10)
	if err != nil || len(got) != 1 || !got[0].Repeat || got[0].Attempts != 2 {
		t.Fatalf("b after the lease claimed %+v, %v; want one repeat on attempt 2", got, err)
	}
	if err := b.AlertDone(ctx, got[0], "新售后 A1"); err != nil {
		t.Fatal(err)
	}
	// a's own restart takes back its claims at once, without waiting for the lease.
	openCase(t, a, "b2", "2", "refund")
	if got, _ := a.ClaimAlerts(ctx, ck.t, 10); len(got) != 1 {
		t.Fatalf("claimed %+v", got)
	}
	if n, _, err := a.Recover(ctx); err != nil || n != 1 {
		t.Fatalf("a.Recover = %d, %v; want its own claim back", n, err)
	}
}

// Instances claiming side by side split the due alerts and jobs: none is claimed twice.
func TestPGClaimsSkipLocked(t *testing.T) {
	ck := newClock()
	a, b := twoInstances(t, ck, time.Minute)
	ctx := context.Background()
	const n = 60
	for i := range n {
		c := openCase(t, a, fmt.Sprintf("b%d", i), "1", "refund")
		if err := a.Update(ctx, func(tx *cases.Tx) error {
			return tx.QueueJob(cases.Job{Shop: "demo", CaseID: c.ID, Kind: cases.JobOpenCase})
		}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	alerts, jobs := map[int64]int{}, map[int64]int{}
	var wg sync.WaitGroup
	for _, s := range []*cases.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				as, err1 := s.ClaimAlerts(ctx, ck.t, 3)
				js, err2 := s.ClaimJobs(ctx, ck.t, 3)
				if err1 != nil || err2 != nil {
					t.Error(err1, err2)
					return
				}
				mu.Lock()
				for _, x := range as {
					alerts[x.ID]++
				}
				for _, x := range js {
					jobs[x.ID]++
				}
				mu.Unlock()
				if len(as)+len(js) == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(alerts) != n || len(jobs) != n {
		t.Fatalf("claimed %d alerts and %d jobs, want %d of each", len(alerts), len(jobs), n)
	}
	for id, k := range alerts {
		if k != 1 {
			t.Fatalf("alert %d claimed %d times", id, k)
		}
	}
	for id, k := range jobs {
		if k != 1 {
			t.Fatalf("job %d claimed %d times", id, k)
		}
	}
}

// A commit on one instance that schedules work wakes the other's loops (LISTEN/NOTIFY),
// and a commit that schedules nothing does not.
func TestPGScheduleWakesOtherInstance(t *testing.T) {
	ck := newClock()
	a, b := twoInstances(t, ck, 0)
	woke := make(chan struct{}, 16)
	b.OnSchedule(func() {
		select {
		case woke <- struct{}{}:
		default:
		}
	})
	// The listener's first connect wakes once; let it settle.
	select {
	case <-woke:
	case <-time.After(10 * time.Second):
		t.Fatal("b's listener never connected")
	}
	ctx := context.Background()
	if err := a.SaveSession(ctx, "demo", "b1", `{"x":1}`); err != nil {
		t.Fatal(err)
	}
	openCase(t, a, "b1", "1", "refund")
	select {
	case <-woke:
	case <-time.After(10 * time.Second):
		t.Fatal("b was not woken by a's scheduled alert")
	}
	// Conversation state written by a is what b reads.
	if data, _, ok, err := b.Session(ctx, "demo", "b1"); err != nil || !ok || data != `{"x":1}` {
		t.Fatalf("b reads session %q %v %v", data, ok, err)
	}
}

// A buyer's turns on two instances run one after the other: each turn reads a counter,
// waits, and writes it back plus one; with the lock no increment is lost.
func TestPGLockBuyerSerialisesTurns(t *testing.T) {
	ck := newClock()
	a, b := twoInstances(t, ck, 0)
	ctx := context.Background()
	const turns = 20
	var wg sync.WaitGroup
	for i := range turns {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(ctx, func(tx *cases.Tx) error {
				if err := tx.LockBuyer("demo", "b1"); err != nil {
					return err
				}
				id, err := tx.Handoff("demo", "b1")
				if err != nil {
					return err
				}
				var n int
				fmt.Sscanf(id, "%d", &n)
				time.Sleep(time.Millisecond) // another turn would slip in here without the lock
				return tx.SetHandoff("demo", "b1", fmt.Sprint(n+1))
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if id, _ := a.Handoff(ctx, "demo", "b1"); id != fmt.Sprint(turns) {
		t.Fatalf("counter = %s after %d locked turns, want %d", id, turns, turns)
	}
}

// One instance holds a named channel; a standby waiting for it gets it once the holder
// lets go (as its connection ends when its process dies).
func TestPGHoldTakenOverByStandby(t *testing.T) {
	ck := newClock()
	a, b := twoInstances(t, ck, 0)
	ctx := context.Background()
	ha, err := a.Hold(ctx, "wechat:demo", 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *cases.Hold, 1)
	go func() {
		hb, err := b.Hold(ctx, "wechat:demo", 10*time.Millisecond)
		if err != nil {
			t.Error(err)
		}
		got <- hb
	}()
	select {
	case <-got:
		t.Fatal("b got the channel while a holds it")
	case <-time.After(100 * time.Millisecond):
	}
	ha.Release()
	select {
	case hb := <-got:
		hb.Release()
	case <-time.After(10 * time.Second):
		t.Fatal("b did not take the channel over")
	}
}

// Instances starting together on an empty database migrate it once, without error.
func TestPGConcurrentMigrate(t *testing.T) {
	url := pgtest.Schema(t, filepath.Join(t.TempDir(), "m"))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := cases.Open(url, cases.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
	ro, err := cases.Open(url, cases.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open after migration: %v", err)
	}
	defer ro.Close()
	err = ro.Update(context.Background(), func(tx *cases.Tx) error { return tx.SetHandoff("demo", "b", "A1") })
	if cases.FaultOf(err) != cases.FaultReadOnly {
		t.Fatalf("write on a read-only PostgreSQL store: %v (fault %q), want read_only", err, cases.FaultOf(err))
	}
}

// A message published on one instance reaches the other's subscribers (a 微信客服 callback
// taken by a standby, told to the instance that pulls), and a commit's wake-up is not
// taken for one.
func TestPGPublishReachesOtherInstance(t *testing.T) {
	ck := newClock()
	a, b := twoInstances(t, ck, 0)
	got := make(chan string, 4)
	b.Subscribe("kf:wk1", func(p string) { got <- p })
	b.Subscribe("kf:other", func(p string) { t.Errorf("other topic got %q", p) })
	woke := make(chan struct{}, 16)
	b.OnSchedule(func() {
		select {
		case woke <- struct{}{}:
		default:
		}
	})
	select { // the listener's first connect
	case <-woke:
	case <-time.After(10 * time.Second):
		t.Fatal("b's listener never connected")
	}
	ctx := context.Background()
	if err := a.Publish(ctx, "kf:wk1", "token-1"); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-got:
		if p != "token-1" {
			t.Fatalf("b got %q, want token-1", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("b never heard a's publish")
	}
	if err := a.Publish(ctx, "kf:\x1fbad", "x"); err == nil {
		t.Fatal("a topic with the separator was published")
	}
}

// PingPG tells an empty schema from a migrated one and names an unreachable server
// without its password.
func TestPGPing(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t, filepath.Join(t.TempDir(), "p"))
	if st, err := cases.PingPG(ctx, url); err != nil || st != cases.SchemaNone {
		t.Fatalf("fresh schema: %v, %v; want SchemaNone", st, err)
	}
	s, err := cases.Open(url, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if st, err := cases.PingPG(ctx, url); err != nil || st != cases.SchemaCurrent {
		t.Fatalf("migrated schema: %v, %v; want SchemaCurrent", st, err)
	}
	_, err = cases.PingPG(ctx, "postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "db") {
		t.Fatalf("unreachable server: %v; want an error naming the database, not the password", err)
	}
}
