package cases

import (
	"context"
	"fmt"
	"time"
)

// On PostgreSQL, marking a reply sent was a statement and a durable commit of its own for
// every reply: a tenth of a message's round trips and a WAL flush each. The sent marker
// commits them in groups instead: callers of ReplySent hand their reply over and wait,
// one goroutine commits whatever has gathered in one UPDATE, and each caller returns only
// once the commit holding its reply is durable, as before. Under load a commit carries
// the marks of every reply sent while the previous one was flushing; a lone caller
// commits alone, as quickly as before.
//
// Nothing changes for a crash: a reply is marked only after it was sent, and one sent but
// not yet marked is sent again by Resend, as it was between the send and its own commit.

// sentMark is one reply to mark sent: its id, when (ms), and where to say it is done.
type sentMark struct {
	id, at int64
	done   chan error
}

// maxSentBatch bounds one commit of marks (the UPDATE's array parameters).
const maxSentBatch = 1024

// replySentPG hands id to the sent marker and waits until its mark is committed, ctx
// ends, or the store closes.
func (s *Store) replySentPG(ctx context.Context, id int64) error {
	s.pg.sentOnce.Do(func() { go s.markSent() })
	m := sentMark{id: id, at: ms(s.now()), done: make(chan error, 1)}
	select {
	case s.pg.sent <- m:
	case <-s.closed:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-m.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// markSent commits the marks handed to replySentPG, as many at a time as have gathered,
// until the store closes.
func (s *Store) markSent() {
	defer close(s.pg.sentDone)
	for {
		var first sentMark
		select {
		case first = <-s.pg.sent:
		case <-s.closed:
			return
		}
		batch := []sentMark{first}
	drain:
		for len(batch) < maxSentBatch {
			select {
			case m := <-s.pg.sent:
				batch = append(batch, m)
			default:
				break drain
			}
		}
		err := s.commitSent(batch)
		for _, m := range batch {
			m.done <- err
		}
	}
}

// commitSent marks a batch of replies sent in one statement (its own transaction),
// each at its own time; run again if PostgreSQL aborted it as a deadlock's victim.
func (s *Store) commitSent(batch []sentMark) error {
	ids := make([]int64, len(batch))
	ats := make([]int64, len(batch))
	for i, m := range batch {
		ids[i], ats[i] = m.id, m.at
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	for attempt := 0; ; attempt++ {
		_, err := s.db.ExecContext(ctx, `UPDATE replies SET state = 'sent', sent_at = v.at
			FROM unnest($1::bigint[], $2::bigint[]) AS v(id, at) WHERE replies.id = v.id`, ids, ats)
		if attempt < retries && pgRetryable(err) {
			continue
		}
		if err != nil {
			if len(batch) == 1 {
				return fmt.Errorf("mark reply %d sent: %w", batch[0].id, err)
			}
			return fmt.Errorf("mark %d replies sent: %w", len(batch), err)
		}
		return nil
	}
}
