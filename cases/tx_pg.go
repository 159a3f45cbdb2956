package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
//   - BEGIN is not sent on its own: it goes with the transaction's first statement;
//   - writes whose result nobody reads (LockBuyer's lock, an event, an alert, a job, a
//     reply whose id was reserved) are held back and go with the next statement, or
//     with COMMIT;
//   - a buyer's turn (LockBuyer) reserves reply ids from the replies sequence in the
//     round trip that takes the lock, so QueueReply need not wait for INSERT … RETURNING.
//
// A buyer's turn that answers once is then two round trips, BEGIN + lock + seen check
// + reservation, and the writes + COMMIT. Statements run in the order they were made,
// each in the transaction, so the outcome is the same as running them one by one; an
// error of a held-back write fails the Update, at the next statement or at commit
// instead of at the call. Reads (QueryContext) go as before, after what was held back.

// pgStmt is one statement held back: its SQL ($n placeholders), arguments, and what to
// say when it fails (the wrapping its caller would have added).
type pgStmt struct {
	sql  string
	args []any
	fail func(error) error
	// rows, when set, reads the statement's rows (it is a query); else it is run as a
	// command.
	rows func(pgx.Rows) error
}

// lockQuery takes a buyer's lock until the transaction ends.
const lockQuery = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`

// lockReserveQuery takes a buyer's lock ($1) and then, in the same statement, $3 ids
// from the reply sequence $2: nextval runs once per row of the join, and the join has
// no row before the lock's subquery (volatile, so never flattened) has returned.
const lockReserveQuery = `SELECT nextval($2::text::regclass)
	FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l, generate_series(1, $3)`

// lockSeenReserveQuery is lockReserveQuery that also records message $4 of shop $5 as
// seen at $6, counting in each row whether it was new: a buyer's turn's first round trip
// in one statement. The insert's conflict check does not depend on the lock (the unique
// key waits on a concurrent insert of the same id), so its place in the statement does
// not matter.
const lockSeenReserveQuery = `WITH s AS (INSERT INTO seen_messages (shop, msg_id, at) VALUES ($5, $4, $6)
		ON CONFLICT DO NOTHING RETURNING 1)
	SELECT nextval($2::text::regclass), (SELECT count(*) FROM s)
	FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l, generate_series(1, $3)`

// replyReserve is how many reply ids a buyer's turn reserves: most turns answer once,
// some also tell the merchant; a turn that says more inserts the rest as before.
const replyReserve = 2

// pgTx is a PostgreSQL write transaction on one pooled connection. It is the Tx's
// querier, so every statement, including those run directly on Tx.q, goes after what
// was held back and inside the transaction.
type pgTx struct {
	st    *Store
	conn  *sql.Conn
	ctx   context.Context
	begun bool     // BEGIN was sent
	held  []pgStmt // writes not sent yet
	// reserving is set while a held statement will reserve reply ids; ids are the
	// reserved ones not used yet, in order.
	reserving bool
	ids       []int64
	// err is the first failure of a round trip made for a *sql.Row (which cannot carry
	// it): the Update fails with it.
	err error
}

var _ querier = (*pgTx)(nil)

// hold adds a write to send with the next round trip.
func (p *pgTx) hold(st pgStmt) { p.held = append(p.held, st) }

// send makes one round trip: BEGIN if not begun, the held statements, then extra (nil:
// none), then COMMIT if commit. It returns extra's command tag.
func (p *pgTx) send(extra *pgStmt, commit bool) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	held := p.held
	p.held, p.reserving = nil, false
	b := &pgx.Batch{}
	if !p.begun {
		b.Queue("BEGIN")
	}
	for _, st := range held {
		b.Queue(st.sql, st.args...)
	}
	if extra != nil {
		b.Queue(extra.sql, extra.args...)
	}
	if commit {
		b.Queue("COMMIT")
	}
	if b.Len() == 0 {
		return tag, nil
	}
	wasBegun := p.begun
	p.begun = true // from here a failure leaves a transaction to roll back
	err := p.conn.Raw(func(dc any) error {
		br := dc.(*stdlib.Conn).Conn().SendBatch(p.ctx, b)
		err := p.results(br, wasBegun, held, extra, commit, &tag)
		if cerr := br.Close(); err == nil && cerr != nil {
			err = cerr
		}
		return err
	})
	return tag, err
}

// results reads a batch's results in the order send queued them.
func (p *pgTx) results(br pgx.BatchResults, begun bool, held []pgStmt, extra *pgStmt, commit bool, tag *pgconn.CommandTag) error {
	if !begun {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
	}
	for _, st := range held {
		if st.rows == nil {
			if _, err := br.Exec(); err != nil {
				return st.fail(err)
			}
			continue
		}
		rows, err := br.Query()
		if err == nil {
			err = st.rows(rows)
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
		}
		if err != nil {
			return st.fail(err)
		}
	}
	if extra != nil {
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

// QueryRowContext sends what was held, then runs the query; a failure to send fails
// the Update (pgTx.err) and the row's Scan.
func (p *pgTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := p.flush(); err != nil && p.err == nil {
		p.err = err
	}
	return p.conn.QueryRowContext(ctx, query, args...)
}

// commit sends what is held and COMMIT, with a notification to the other instances
// when the transaction scheduled work. A transaction that sent nothing ends without a
// round trip.
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
	for i, st := range p.held {
		if st.rows != nil && st.sql == lockReserveQuery {
			// Nothing will use the ids now: take the lock alone.
			p.held[i] = pgStmt{sql: lockQuery, args: st.args[:1], fail: st.fail}
		}
	}
	_, err := p.send(nil, true)
	return err
}

// rollback ends a transaction that failed, if it was begun; the connection is dropped
// by the pool instead if even that fails (it is still in a transaction then).
func (p *pgTx) rollback() {
	if !p.begun {
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

// lockBuyer holds the statement that takes a buyer's lock and reserves reply ids.
func (p *pgTx) lockBuyer(buyer, key string) {
	p.hold(pgStmt{sql: lockReserveQuery, args: []any{key, p.st.pg.replySeq, replyReserve},
		fail: func(err error) error { return fmt.Errorf("lock buyer %s: %w", buyer, err) },
		rows: func(rows pgx.Rows) error {
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				p.ids = append(p.ids, id)
			}
			return rows.Err()
		}})
	p.reserving = true
}

// firstSeen is FirstSeen when the buyer's lock is the last statement held, joined to it
// in one statement and sent at once; ok is false (nothing done) otherwise.
func (p *pgTx) firstSeen(shop, msgID string, at int64) (first, ok bool, err error) {
	n := len(p.held)
	if n == 0 || p.held[n-1].sql != lockReserveQuery {
		return false, false, nil
	}
	lock := p.held[n-1]
	var seen int64
	p.held[n-1] = pgStmt{sql: lockSeenReserveQuery, args: append(lock.args[:3:3], msgID, shop, at),
		fail: func(err error) error { return fmt.Errorf("lock buyer and record message %s: %w", msgID, err) },
		rows: func(rows pgx.Rows) error {
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id, &seen); err != nil {
					return err
				}
				p.ids = append(p.ids, id)
			}
			return rows.Err()
		}}
	if err := p.flush(); err != nil {
		return false, true, err
	}
	return seen == 1, true, nil
}

// reservedReplyID returns a reply id reserved for this transaction, or false if it has
// none left (or is no PostgreSQL buyer's turn). A reservation not sent yet is sent first,
// so the ids of a turn's replies follow the order they were queued in.
func (tx *Tx) reservedReplyID() (int64, bool, error) {
	p, ok := tx.q.(*pgTx)
	if !ok {
		return 0, false, nil
	}
	if p.reserving {
		if err := p.flush(); err != nil {
			return 0, false, err
		}
	}
	if len(p.ids) == 0 {
		return 0, false, nil
	}
	id := p.ids[0]
	p.ids = p.ids[1:]
	return id, true, nil
}
