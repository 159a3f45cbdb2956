package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// On PostgreSQL, marking a reply sent and saving a buyer's session were each a statement
// and a durable commit of its own, after every turn: a round trip and a WAL flush each.
// The note writer commits them in groups instead: callers of ReplySent and SaveSession
// hand their write over and wait, one goroutine commits whatever has gathered in one
// pipelined batch (one implicit transaction, one WAL flush), and each caller returns
// only once the commit holding its write is durable, as before. Under load a commit
// carries the writes made while the previous one was flushing; a lone caller commits
// alone, as quickly as before.
//
// Nothing changes for a crash: a reply is marked only after it was sent, and one sent but
// not yet marked is sent again by Resend, as it was between the send and its own commit;
// a session not yet saved is the one saved before, as when its own commit was lost.

// note is one write for the note writer: a reply to mark sent (sent true: id, at), or a
// session to save (shop, buyer, data, at; data "" deletes it); done hears when it is
// committed.
type note struct {
	sent        bool
	id, at      int64
	shop, buyer string
	data        string
	done        chan error
}

// maxNoteBatch bounds one commit of notes (the statements' array parameters).
const maxNoteBatch = 1024

// writeNotePG hands n to the note writer and waits until it is committed, ctx ends, or
// the store closes.
func (s *Store) writeNotePG(ctx context.Context, n note) error {
	s.pg.notesOnce.Do(func() { go s.writeNotes() })
	n.done = make(chan error, 1)
	select {
	case s.pg.notes <- n:
	case <-s.closed:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-n.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// replySentPG is ReplySent on PostgreSQL.
func (s *Store) replySentPG(ctx context.Context, id int64) error {
	return s.writeNotePG(ctx, note{sent: true, id: id, at: ms(s.now())})
}

// saveSessionPG is SaveSession on PostgreSQL.
func (s *Store) saveSessionPG(ctx context.Context, shop, buyer, data string) error {
	return s.writeNotePG(ctx, note{shop: shop, buyer: buyer, data: data, at: ms(s.now())})
}

// writeNotes commits the notes handed to writeNotePG, as many at a time as have
// gathered, until the store closes.
func (s *Store) writeNotes() {
	defer close(s.pg.notesDone)
	for {
		var first note
		select {
		case first = <-s.pg.notes:
		case <-s.closed:
			return
		}
		batch := []note{first}
	drain:
		for len(batch) < maxNoteBatch {
			select {
			case n := <-s.pg.notes:
				batch = append(batch, n)
			default:
				break drain
			}
		}
		err := s.commitNotes(batch)
		if err != nil && len(batch) > 1 && !pgRetryable(err) {
			// One bad write must not fail the others: each alone, to say whose it was.
			for _, n := range batch {
				n.done <- s.commitNotes([]note{n})
			}
			continue
		}
		for _, n := range batch {
			n.done <- err
		}
	}
}

// commitNotes commits a batch of notes in one round trip and one transaction: the marks
// in one UPDATE, each at its own time; the sessions in one upsert and one delete, the
// last write of a buyer's session winning. It runs again if PostgreSQL aborted it as a
// deadlock's victim.
func (s *Store) commitNotes(batch []note) error {
	var ids, ats []int64
	type key struct{ shop, buyer string }
	last := map[key]note{}
	var order []key
	for _, n := range batch {
		if n.sent {
			ids, ats = append(ids, n.id), append(ats, n.at)
			continue
		}
		k := key{n.shop, n.buyer}
		if _, ok := last[k]; !ok {
			order = append(order, k)
		}
		last[k] = n
	}
	b := &pgx.Batch{}
	if len(ids) > 0 {
		b.Queue(`UPDATE replies SET state = 'sent', sent_at = v.at
			FROM unnest($1::bigint[], $2::bigint[]) AS v(id, at) WHERE replies.id = v.id`, ids, ats)
	}
	var upShop, upBuyer, upData, delShop, delBuyer []string
	var upAt []int64
	for _, k := range order {
		n := last[k]
		if n.data == "" {
			delShop, delBuyer = append(delShop, n.shop), append(delBuyer, n.buyer)
			continue
		}
		upShop, upBuyer, upData, upAt = append(upShop, n.shop), append(upBuyer, n.buyer), append(upData, n.data), append(upAt, n.at)
	}
	if len(upShop) > 0 {
		b.Queue(`INSERT INTO sessions (shop, buyer, data, updated_at)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
			ON CONFLICT (shop, buyer) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
			upShop, upBuyer, upData, upAt)
	}
	if len(delShop) > 0 {
		b.Queue(`DELETE FROM sessions WHERE (shop, buyer) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, delShop, delBuyer)
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
		// One batch is one implicit transaction (one Sync): all of it commits, or none.
		err := s.rawPG(ctx, func(c *pgx.Conn) error { return c.SendBatch(ctx, b).Close() })
		if attempt < retries && pgRetryable(err) {
			continue
		}
		if err != nil {
			return noteErr(batch, err)
		}
		return nil
	}
}

// noteErr says which write of a batch failed, as the single statements did.
func noteErr(batch []note, err error) error {
	switch n := batch[0]; {
	case len(batch) > 1:
		return fmt.Errorf("write %d replies sent and sessions: %w", len(batch), err)
	case n.sent:
		return fmt.Errorf("mark reply %d sent: %w", n.id, err)
	}
	return fmt.Errorf("save session: %w", err)
}
