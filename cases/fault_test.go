package cases

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openTestCase(tx *Tx, i int) error {
	c := &Case{Shop: "demo", Buyer: fmt.Sprintf("wx%d", i), Intent: "refund", OrderID: fmt.Sprintf("47052884655085%05d", i), Platform: "manual"}
	return tx.OpenCase(c, Policy{RespondWithin: 24 * time.Hour, WarnBefore: []time.Duration{time.Hour}})
}

// TestDiskFull fills a store capped at 256 KB, as a full disk would stop it: the write
// that does not fit fails as FaultDiskFull, nothing of it is half-written, everything
// committed before is still there, and concurrent writes in one group commit either all
// land or fail cleanly.
func TestDiskFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "full.db")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	s, err := Open(path, Options{Now: func() time.Time { return now }, MaxBytes: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	committed := 0
	var full error
	for i := 0; i < 100_000; i++ {
		err := s.Update(ctx, func(tx *Tx) error { return openTestCase(tx, i) })
		if err != nil {
			full = err
			break
		}
		committed++
	}
	if full == nil {
		t.Fatal("100,000 cases fit in 256 KB: the cap does nothing")
	}
	if got := FaultOf(full); got != FaultDiskFull {
		t.Fatalf("FaultOf(%v) = %q, want %q", full, got, FaultDiskFull)
	}
	// Concurrent writers while full: each fails or commits whole.
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for k := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = s.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 200_000+k) })
		}()
	}
	wg.Wait()
	extra := 0
	for _, err := range errs {
		if err == nil {
			extra++
		} else if f := FaultOf(err); f != FaultDiskFull {
			t.Errorf("concurrent write while full: %v (fault %q)", err, f)
		}
	}
	all, err := s.FindCases(ctx, CaseFilter{Shop: "demo"})
	if err != nil {
		t.Fatalf("reading a full store: %v", err)
	}
	if len(all) != committed+extra {
		t.Fatalf("store holds %d cases, %d were acknowledged", len(all), committed+extra)
	}
	for _, c := range all {
		alerts, err := s.Alerts(ctx, "demo", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) == 0 {
			t.Fatalf("case %s committed without its alerts", c.ID)
		}
	}
	s.Close()
	// Room again (the cap lifted, as after freeing disk space): the same file takes writes.
	s2, err := Open(path, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 300_000) }); err != nil {
		t.Fatalf("write after space came back: %v", err)
	}
	t.Logf("%d cases fit in 256 KB", committed)
}

// TestReadOnly opens an existing store read-only: reads work, writes fail as
// FaultReadOnly and change nothing; a store that was never created cannot be opened so.
func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	ctx := context.Background()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 1) }); err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	before, err := ro.FindCases(ctx, CaseFilter{Shop: "demo"})
	if err != nil || len(before) != 1 {
		t.Fatalf("read-only FindCases = %d cases, %v", len(before), err)
	}
	err = ro.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 2) })
	if f := FaultOf(err); f != FaultReadOnly {
		t.Fatalf("write to a read-only store: %v (fault %q), want %q", err, f, FaultReadOnly)
	}
	after, _ := ro.FindCases(ctx, CaseFilter{Shop: "demo"})
	if len(after) != 1 {
		t.Fatalf("a failed write left %d cases", len(after))
	}

	if _, err := Open(filepath.Join(t.TempDir(), "none.db"), Options{ReadOnly: true}); err == nil {
		t.Fatal("opened a store that does not exist read-only")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func TestFaultOf(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	closedErr := s.Update(context.Background(), func(tx *Tx) error { return nil })
	_, readErr := s.FindCases(context.Background(), CaseFilter{})
	for _, tt := range []struct {
		err  error
		want Fault
	}{
		{nil, FaultNone},
		{closedErr, FaultClosed},
		{readErr, FaultClosed},
		{fmt.Errorf("open case: %w", ErrClosed), FaultClosed},
		{errors.New("something else"), FaultOther},
	} {
		if got := FaultOf(tt.err); got != tt.want {
			t.Errorf("FaultOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
