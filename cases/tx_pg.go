package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// A PostgreSQL write transaction is CPU-bound on round trips (each is a write, a read
// and a wake-up on both sides, more than the statement's own work), so pgTx sends the
// statements of one Update in as few round trips as it can, with pgx's pipelined batches
// on the transaction's connection:
//
//   - writes whose result nobody reads (LockBuyer's lock, RecordFirst's message id, an
//     event, an alert, a job, a reply) are held back and go with the next statement, or
//     with the commit;
//   - a reply's id comes from a block this store took from the replies sequence
//     beforehand (replyIDs), so QueueReply need not wait for INSERT … RETURNING;
//   - BEGIN is not sent on its own: it goes with the transaction's first statement; and
//     an Update that reads nothing sends all it holds at commit as one batch without
//     BEGIN or COMMIT at all: the batch is one implicit transaction, committed (durably,
//     as any commit) at its Sync, or rolled back whole when any statement fails.
//
// A buyer's turn that only writes is then one round trip: the lock, the message id, the
// writes and the commit. Statements run in the order they were made, each in the
// transaction, so the outcome is the same as running them one by one; an error of a
// held-back write fails the Update, at the next statement or at commit instead of at
// the call. Reads (QueryContext) go as before, after what was held back.

// pgStmt is one statement held back: its SQL ($n placeholders), arguments, and what to
// say when it fails (the wrapping its caller would have added).
type pgStmt struct {
	sql  string
	args []any
	fail func(error) error
	// dest, on the statement a round trip ends with (send's extra), takes its one row:
	// it is a single-row read. Else the statement is run as a command.
	dest []any
}

// lockQuery takes a buyer's lock until the transaction ends.
const lockQuery = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`

// lockSeenQuery is lockQuery ($1) and then, in the same statement, RecordFirst's insert
// of message $3 of shop $2 at $4: a turn's lock and message id cost the server one
// statement. The row is inserted only once the lock's subquery (volatile, so never
// flattened) has returned it.
const lockSeenQuery = `INSERT INTO seen_messages (shop, msg_id, at)
	SELECT $2, $3, $4 FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l`

// pgTx is a PostgreSQL write transaction on one pooled connection. It is the Tx's
// querier, so every statement, including those run directly on Tx.q, goes after what
// was held back and inside the transaction.
type pgTx struct {
	st   *Store
	conn *sql.Conn
	ctx  context.Context
	// begun is set once a statement was sent; open, once BEGIN was (an explicit
	// transaction the server holds open until COMMIT or ROLLBACK).
	begun, open bool
	held        []pgStmt // writes not sent yet
	// err is the first failure of a round trip: the Update fails with it, whatever fn
	// made of its consequence (a *sql.Row cannot carry it; a later statement only sees
	// the transaction aborted).
	err error
}

var _ querier = (*pgTx)(nil)

// hold adds a write to send with the next round trip.
func (p *pgTx) hold(st pgStmt) { p.held = append(p.held, st) }

// send makes one round trip: BEGIN if nothing was sent yet (left out when the round
// trip commits too: the batch is then an implicit transaction of its own), the held
// statements, then extra (nil: none), then COMMIT if commit. It returns extra's command
// tag. Its failure is kept as the transaction's (p.err) when it is the first.
func (p *pgTx) send(extra *pgStmt, commit bool) (pgconn.CommandTag, error) {
	tag, _, err := p.round(extra, commit)
	return tag, err
}

// round is send, also returning what scanning extra's row (extra.dest set) failed
// with without failing the transaction: no row (sql.ErrNoRows), or a value that does
// not fit its destination.
func (p *pgTx) round(extra *pgStmt, commit bool) (tag pgconn.CommandTag, scanErr error, err error) {
	held := p.held
	p.held = nil
	whole := !p.begun && commit // the whole transaction in this batch
	b := &pgx.Batch{}
	begin := !p.begun && !whole
	if begin {
		b.Queue("BEGIN")
	}
	for _, st := range held {
		b.Queue(st.sql, st.args...)
	}
	if extra != nil {
		b.Queue(extra.sql, extra.args...)
	}
	commit = commit && !whole
	if commit {
		b.Queue("COMMIT")
	}
	if b.Len() == 0 {
		return tag, nil, nil
	}
	p.begun = true
	p.open = p.open || begin // from here a failure leaves a transaction to roll back
	err = p.conn.Raw(func(dc any) error {
		br := dc.(*stdlib.Conn).Conn().SendBatch(p.ctx, b)
		err := p.results(br, begin, held, extra, commit, &tag, &scanErr)
		if cerr := br.Close(); err == nil && cerr != nil {
			err = cerr
		}
		return err
	})
	if err != nil && p.err == nil {
		p.err = err
	}
	return tag, scanErr, err
}

// results reads a batch's results in the order send queued them.
func (p *pgTx) results(br pgx.BatchResults, begin bool, held []pgStmt, extra *pgStmt, commit bool, tag *pgconn.CommandTag, scanErr *error) error {
	if begin {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
	}
	for _, st := range held {
		if _, err := br.Exec(); err != nil {
			return st.fail(err)
		}
	}
	if extra != nil && extra.dest != nil {
		err := br.QueryRow().Scan(extra.dest...)
		var pe *pgconn.PgError
		switch {
		case errors.As(err, &pe):
			return err // the statement failed: so did the transaction
		case errors.Is(err, sql.ErrNoRows):
			*scanErr = sql.ErrNoRows
		case err != nil:
			*scanErr = err
		}
	} else if extra != nil {
		t, err := br.Exec()
		if err != nil {
			return err
		}
		*tag = t
	}
	if commit {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	return nil
}

// flush sends what is held (and BEGIN) before a statement that needs its own round trip.
func (p *pgTx) flush() error {
	if p.begun && len(p.held) == 0 {
		return nil
	}
	_, err := p.send(nil, false)
	return err
}

// ExecContext runs a statement in the same round trip as what was held before it.
func (p *pgTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if p.begun && len(p.held) == 0 {
		return p.conn.ExecContext(ctx, query, args...)
	}
	tag, err := p.send(&pgStmt{sql: query, args: args}, false)
	if err != nil {
		return nil, err
	}
	return pgResult(tag), nil
}

// QueryContext sends what was held, then runs the query.
func (p *pgTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := p.flush(); err != nil {
		return nil, err
	}
	return p.conn.QueryContext(ctx, query, args...)
}

// scanRow runs a single-row read in the round trip that sends what is held (and BEGIN),
// scanning its row into dest: a turn's first read costs no round trip of its own. A
// failure of the round trip fails the Update (pgTx.err) and the Scan.
func (p *pgTx) scanRow(query string, args, dest []any) error {
	_, scanErr, err := p.round(&pgStmt{sql: query, args: args, dest: dest}, false)
	if err != nil {
		return err
	}
	return scanErr
}

// QueryRowContext sends what was held, then runs the query; a failure to send fails
// the Update (pgTx.err) and the row's Scan.
func (p *pgTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	p.flush() //nolint:errcheck // kept in p.err: the Update fails with it
	return p.conn.QueryRowContext(ctx, query, args...)
}

// commit sends what is held and the commit, with a notification to the other
// instances when the transaction scheduled work. A transaction that sent nothing ends
// without a round trip.
func (p *pgTx) commit(notify string) error {
	if p.err != nil {
		return p.err
	}
	if !p.begun && len(p.held) == 0 {
		return nil
	}
	if notify != "" {
		p.hold(pgStmt{sql: `SELECT pg_notify($1, '')`, args: []any{notify},
			fail: func(err error) error { return fmt.Errorf("notify: %w", err) }})
	}
	_, err := p.send(nil, true)
	return err
}

// rollback ends a transaction that failed, if one is open; the connection is dropped
// by the pool instead if even that fails (it is still in a transaction then). A batch
// sent as a whole transaction that failed was rolled back by the server already.
func (p *pgTx) rollback() {
	if !p.open {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.ctx), 10*time.Second)
	defer cancel()
	p.conn.ExecContext(ctx, "ROLLBACK") //nolint:errcheck // the pool drops a connection left in a transaction
}

// pgResult is a batch statement's sql.Result.
type pgResult pgconn.CommandTag

func (r pgResult) RowsAffected() (int64, error) { return pgconn.CommandTag(r).RowsAffected(), nil }

func (r pgResult) LastInsertId() (int64, error) {
	return 0, errors.New("LastInsertId is not supported on PostgreSQL")
}

// later runs a write whose result the caller does not read: held back to go with the
// next round trip on a PostgreSQL write transaction, run now elsewhere. fail wraps its
// error either way.
func (tx *Tx) later(fail func(error) error, query string, args ...any) error {
	if p, ok := tx.q.(*pgTx); ok {
		p.hold(pgStmt{sql: tx.st.pg.rebind(query), args: args, fail: fail})
		return nil
	}
	if _, err := tx.exec(query, args...); err != nil {
		return fail(err)
	}
	return nil
}

// seenAfterLock joins RecordFirst's insert to the buyer's lock when that is the last
// statement held (a turn's first two), in one statement; false (nothing done) otherwise.
func (p *pgTx) seenAfterLock(fail func(error) error, shop, msgID string, at int64) bool {
	n := len(p.held)
	if n == 0 || p.held[n-1].sql != lockQuery {
		return false
	}
	p.held[n-1] = pgStmt{sql: lockSeenQuery, args: []any{p.held[n-1].args[0], shop, msgID, at}, fail: fail}
	return true
}

// replyBlock is how many reply ids a store takes from the replies sequence at a time:
// a round trip per this many replies instead of one per reply.
const replyBlock = 128

// replyIDs hands out reply ids in increasing order from blocks taken from the replies
// sequence (the identity column's own, so they never clash with an id the column gives
// itself). Ids of a block this process does not use (it stops) are never used: the
// sequence has gaps, as after any rolled-back insert.
type replyIDs struct {
	mu  sync.Mutex
	ids []int64
}

// next returns the next reply id, taking a new block through p's connection when none
// is left. The block is read before anything p holds is sent, so the round trip never
// waits on a lock (nextval waits for none) while others wait on mu.
func (r *replyIDs) next(p *pgTx) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ids) == 0 {
		err := p.conn.Raw(func(dc any) error {
			rows, err := dc.(*stdlib.Conn).Conn().Query(p.ctx, `SELECT nextval($1::text::regclass) FROM generate_series(1, $2)`,
				p.st.pg.replySeq, replyBlock)
			if err != nil {
				return err
			}
			r.ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("reply ids: %w", err)
		}
	}
	id := r.ids[0]
	r.ids = r.ids[1:]
	return id, nil
}

// replyID returns an id for a reply this transaction queues, or false when the store
// takes it from INSERT … RETURNING instead (SQLite).
func (tx *Tx) replyID() (int64, bool, error) {
	p, ok := tx.q.(*pgTx)
	if !ok {
		return 0, false, nil
	}
	id, err := tx.st.pg.replyIDs.next(p)
	return id, err == nil, err
}
