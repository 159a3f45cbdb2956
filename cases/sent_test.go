package cases_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/internal/pgtest"
)

// Replies marked sent by many callers at once (on PostgreSQL, committed in shared
// batches) are each marked, and no other reply is.
func TestReplySentConcurrent(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	var queued []cases.Reply
	err := s.Update(ctx, func(tx *cases.Tx) error {
		for i := range 40 {
			r, err := tx.QueueReply("demo", fmt.Sprintf("b%d", i), fmt.Sprintf("回复 %d", i))
			if err != nil {
				return err
			}
			queued = append(queued, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(queued))
	for i, r := range queued {
		if i%2 == 1 {
			continue
		}
		wg.Go(func() { errs <- s.ReplySent(ctx, r.ID) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("ReplySent: %v", err)
		}
	}
	pending, err := s.PendingReplies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != len(queued)/2 {
		t.Fatalf("%d replies pending, want the %d never sent", len(pending), len(queued)/2)
	}
	for i, r := range pending {
		if want := queued[2*i+1]; r.ID != want.ID || r.Text != want.Text {
			t.Fatalf("pending[%d] = %+v, want %+v", i, r, want)
		}
	}
	s.Close()
	if err := s.ReplySent(ctx, queued[1].ID); !errors.Is(err, cases.ErrClosed) {
		t.Fatalf("ReplySent after Close = %v, want ErrClosed", err)
	}
}

// Sessions saved and deleted by many callers at once, beside replies marked sent (on
// PostgreSQL, committed together in shared batches), each end as their last write left
// them.
func TestSessionsConcurrent(t *testing.T) {
	s := MustOpenStore(t, newClock())
	ctx := context.Background()
	run := func(n int, write func(i int) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() { errs <- write(i) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	run(30, func(i int) error {
		return s.SaveSession(ctx, "demo", fmt.Sprintf("b%d", i), fmt.Sprintf(`{"n":%d}`, i))
	})
	run(30, func(i int) error {
		if i%3 == 0 {
			return s.SaveSession(ctx, "demo", fmt.Sprintf("b%d", i), "")
		}
		return s.SaveSession(ctx, "demo", fmt.Sprintf("b%d", i), fmt.Sprintf(`{"n":%d,"again":true}`, i))
	})
	for i := range 30 {
		data, _, ok, err := s.Session(ctx, "demo", fmt.Sprintf("b%d", i))
		want := fmt.Sprintf(`{"n":%d,"again":true}`, i)
		if i%3 == 0 {
			want = ""
		}
		if err != nil || ok != (want != "") || data != want {
			t.Fatalf("session b%d = %q, %v, %v; want %q", i, data, ok, err, want)
		}
	}
}

// On PostgreSQL a session that cannot be stored fails its own SaveSession only, not the
// writes committed in the same batch.
func TestPGBadNoteFailsAlone(t *testing.T) {
	url := pgtest.Schema(t, filepath.Join(t.TempDir(), "notes"))
	s, err := cases.Open(url, cases.Options{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		data := fmt.Sprintf(`{"n":%d}`, i)
		if i == 7 {
			data = "坏\x00" // PostgreSQL refuses a NUL in text
		}
		wg.Go(func() { errs[i] = s.SaveSession(ctx, "demo", fmt.Sprintf("b%d", i), data) })
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 7) {
			t.Fatalf("SaveSession b%d = %v; want an error for b7 only", i, err)
		}
	}
	if _, _, ok, _ := s.Session(ctx, "demo", "b8"); !ok {
		t.Fatal("a good session was lost with the bad one")
	}
}
