package cases_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aftersale/aftersale/cases"
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
