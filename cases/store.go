package cases

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed schema.sql
var schema string

// Store is the durable home of cases, events, alerts and the outboxes, on SQLite.
type Store struct {
	db  *sql.DB
	now func() time.Time

	path string      // the database file; host/database on PostgreSQL
	pg   *pgState    // nil on SQLite
	file os.FileInfo // what path named at Open, to notice it deleted or replaced; nil in memory
	lock *storeLock  // the one-writer lock; nil for a read-only or in-memory store

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared once: parsing SQL was a third of a message's cost

	queue  chan write
	closed chan struct{}

	wakeMu sync.Mutex
	wakers []func() // told after a commit that scheduled alerts or jobs
	// subs are Subscribe's handlers by topic, told of every Publish on any instance.
	subs    map[string][]func(payload string)
	stopped chan struct{}
	close   sync.Once
}

// Options configures a Store.
type Options struct {
	// Now is the clock every stored time comes from; time.Now when nil.
	Now func() time.Time
	// MaxBytes caps the database's size: past it, writes fail as on a full disk
	// (FaultDiskFull) rather than filling the server's disk. 0 means no cap.
	MaxBytes int64
	// ReadOnly opens the store for reading only: every write fails (FaultReadOnly).
	// For looking at cases beside a running bot without any chance of changing them.
	ReadOnly bool
	// Instance names this process on the alert and job claims it holds (PostgreSQL
	// only): a restart under the same name takes its own claims back at once (Recover),
	// another instance's only when their lease runs out. The host name when empty.
	Instance string
	// Lease is how long a claim holds on PostgreSQL; DefaultLease when 0.
	Lease time.Duration
}

// Open opens (creating if needed) the SQLite store at path, in WAL mode with a full
// fsync at each commit, so a committed case survives kill -9 and power loss.
//
// A writable Open takes the store's lock (path + ".lock") until Close: while another
// process, or another Store of this one, has it, Open fails with a *LockedError naming
// the holder (errors.Is ErrLocked). A read-only Open takes no lock. The files a writable
// store makes (database, -wal, -shm, lock) are 0600, and an older store's are tightened.
//
// A path that is a PostgreSQL URL (postgres://…, see IsURL) opens that database instead,
// shared with any other instance on it: no lock, MaxBytes does not apply.
func Open(path string, o Options) (st *Store, err error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if IsURL(path) {
		return openPG(path, o)
	}
	inMemory := path == "" || path == ":memory:"
	var lock *storeLock
	if !inMemory && !o.ReadOnly {
		if lock, err = acquireLock(path); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				lock.release()
			}
		}()
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		tightenAll(path)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	if o.MaxBytes > 0 {
		q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", max(1, o.MaxBytes/pageSize)))
	}
	if o.ReadOnly {
		q.Add("_pragma", "query_only(1)")
	}
	// No _txlock=immediate: every write goes through the one committer goroutine, so no
	// two writers can deadlock upgrading, and read transactions must not take the write lock.
	// mode=rw: a connection opened after the file was deleted or moved away fails
	// instead of creating an empty database at the old path (the file was created above,
	// or must exist for a read-only store).
	q.Set("mode", "rw")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// A few long-lived connections: each new one pays for opening the file and parsing the
	// schema, and SQLite has one writer anyway; readers wait briefly for a connection.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxLifetime(0)
	// Open the pool's connections now, all on this file: if the file is later deleted or
	// replaced (Check reports it), reads still see the cases it held rather than failing
	// on whichever connection happens to be opened afterwards.
	if err := warmPool(db, 4); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("open store %s: journal mode is %q, want wal", path, mode)
	}
	var file os.FileInfo
	if !inMemory {
		if file, err = os.Stat(path); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	if o.ReadOnly {
		err = checkVersion(db)
	} else {
		err = migrate(db)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate store %s: %w", path, err)
	}
	if lock != nil {
		tightenAll(path) // -wal and -shm exist now
	}
	st = &Store{db: db, now: o.Now, path: path, file: file, lock: lock,
		stmts: map[string]*sql.Stmt{}, queue: make(chan write), closed: make(chan struct{}), stopped: make(chan struct{})}
	go st.commitLoop()
	return st, nil
}

// warmPool opens n connections of db and returns them to its pool.
func warmPool(db *sql.DB, n int) error {
	ctx := context.Background()
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		if err := c.PingContext(ctx); err != nil {
			c.Close()
			return err
		}
		conns = append(conns, c)
	}
	return nil
}

// migrations after the base schema, in order; PRAGMA user_version counts those applied.
// Append only: a shipped migration is never edited.
var migrations = [...]string{
	// 1: the merchant's time left while a case waits on the buyer (the clock is paused).
	`ALTER TABLE cases ADD COLUMN paused_left INTEGER NOT NULL DEFAULT 0`,
	// 2-4: typed event fields, so no reader parses them back out of the text.
	`ALTER TABLE events ADD COLUMN media TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE events ADD COLUMN from_state TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE events ADD COLUMN to_state TEXT NOT NULL DEFAULT ''`,
	// 5: the buyer's words an alert is about, when not the case's first message.
	`ALTER TABLE alerts ADD COLUMN note TEXT NOT NULL DEFAULT ''`,
	// 6: the shop's own labelled examples (a merchant's 误判 correction), trained in.
	`CREATE TABLE IF NOT EXISTS examples (
		id    INTEGER PRIMARY KEY,
		shop  TEXT NOT NULL,
		text  TEXT NOT NULL,
		label TEXT NOT NULL,
		case_id TEXT NOT NULL DEFAULT '',
		at    INTEGER NOT NULL
	)`,
	// 7: who may act on an order in chat: the first buyer who proved it (or, where the
	// platform gives nothing to prove it with, the first who used it).
	`CREATE TABLE IF NOT EXISTS order_owners (
		shop     TEXT NOT NULL,
		order_id TEXT NOT NULL,
		buyer    TEXT NOT NULL,
		how      TEXT NOT NULL,
		at       INTEGER NOT NULL,
		PRIMARY KEY (shop, order_id, buyer)
	)`,
	// 8: FAQ entries the merchant added by answering an inbox question (Q7 回复 … +问答).
	`CREATE TABLE IF NOT EXISTS faq_added (
		shop     TEXT NOT NULL,
		id       TEXT NOT NULL,
		question TEXT NOT NULL,
		answer   TEXT NOT NULL,
		at       INTEGER NOT NULL,
		PRIMARY KEY (shop, id)
	)`,
	// 9: what the bot must not forget of a buyer across a restart: a request waiting for
	// an order number or a yes (the engine's session, JSON). One row per buyer.
	`CREATE TABLE IF NOT EXISTS sessions (
		shop       TEXT NOT NULL,
		buyer      TEXT NOT NULL,
		data       TEXT NOT NULL,
		updated_at INTEGER NOT NULL,
		PRIMARY KEY (shop, buyer)
	)`,
	// 10: a channel's read position in a platform's message stream (微信客服 kf/sync_msg's
	// cursor), so a restart neither loses nor repeats a message. One row per stream.
	`CREATE TABLE IF NOT EXISTS cursors (
		name       TEXT PRIMARY KEY,
		value      TEXT NOT NULL,
		updated_at INTEGER NOT NULL
	)`,
	// 11: what the order holds, named in the merchant's alerts (Case.Goods).
	`ALTER TABLE cases ADD COLUMN goods TEXT NOT NULL DEFAULT ''`,
	// 12: the text a sink took, so an alert sent again after a crash says what the
	// merchant already saw there, not a re-render the buyer's later words have changed.
	`ALTER TABLE deliveries ADD COLUMN text TEXT NOT NULL DEFAULT ''`,
}

// pageSize is SQLite's default page size, which the store never changes.
const pageSize = 4096

// checkVersion is migrate for a read-only store: it can only refuse a schema it would
// have to change.
func checkVersion(db *sql.DB) error {
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cases'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 || v != len(migrations) {
		return fmt.Errorf("schema version %d (cases table: %v), want %d: open it once writable to migrate", v, n == 1, len(migrations))
	}
	return nil
}

func migrate(db *sql.DB) error {
	if _, err := db.Exec(schema); err != nil {
		return err
	}
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	for i := v; i < len(migrations); i++ {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// ErrClosed is returned by writes to a closed store.
var ErrClosed = errors.New("store closed")

// Close stops the writer and closes the database. Updates after Close fail.
func (s *Store) Close() error {
	if s.pg != nil {
		return s.closePG()
	}
	s.close.Do(func() { close(s.closed) })
	<-s.stopped
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmtMu.Unlock()
	err := s.db.Close()
	// database/sql closes a connection that was in use, or still being opened, when it
	// comes back, after Close has returned; SQLite then touches the -wal and -shm files.
	// Wait for that, briefly, so a closed store has let go of its files (a test's temp
	// dir, a file the operator moves away).
	for i := 0; i < 1000 && s.db.Stats().OpenConnections > 0; i++ {
		time.Sleep(time.Millisecond)
	}
	if lerr := s.lock.release(); err == nil {
		err = lerr
	}
	return err
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// OnSchedule registers fn to be called after every commit that scheduled an alert or
// queued a platform job, so the loops that fire them look again (Loop.Poke). fn must not
// block. Register before the first Update.
func (s *Store) OnSchedule(fn func()) {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	s.wakers = append(s.wakers, fn)
}

func (s *Store) wake() {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	for _, fn := range s.wakers {
		fn()
	}
}

// Tx is one transaction with one fixed time: everything written in it happened at Now.
type Tx struct {
	st *Store
	tx *sql.Tx // SQLite; nil in a PostgreSQL read
	// q runs a PostgreSQL transaction's statements: the *sql.Tx of a write, the pool
	// itself for a read (each statement of a READ COMMITTED transaction sees its own
	// snapshot anyway, so a read saves its BEGIN and ROLLBACK round trips).
	q   querier
	ctx context.Context
	now time.Time
	// scheduled is set when the transaction adds an alert or a job: the loops are woken
	// once it commits.
	scheduled bool
}

// querier is what runs a statement: *sql.Tx or *sql.DB.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Now is the time of the transaction.
func (tx *Tx) Now() time.Time { return tx.now }

// Update runs fn in one write transaction and commits it if fn returns nil. Outside
// effects (replies, platform calls, alerts) must wait until Update has returned.
//
// Concurrent updates are group-committed: the committer runs whatever is queued in one
// SQLite transaction, each fn inside its own savepoint so one failure rolls back only its
// own writes, and pays one fsync for the lot. A single caller still commits alone.
func (s *Store) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.pg != nil {
		return s.updatePG(ctx, fn)
	}
	w := write{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.queue <- w:
	case <-s.closed:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-w.done
}

// write is one queued Update.
type write struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
}

// maxBatch bounds one group commit, so a flood of writers still sees commits often.
const maxBatch = 256

// commitLoop is the store's single writer.
func (s *Store) commitLoop() {
	defer close(s.stopped)
	for {
		var first write
		select {
		case first = <-s.queue:
		case <-s.closed:
			return
		}
		batch := []write{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case w := <-s.queue:
				batch = append(batch, w)
			default:
				break drain
			}
		}
		s.commitBatch(batch)
	}
}

func (s *Store) commitBatch(batch []write) {
	fail := func(err error) {
		for _, w := range batch {
			w.done <- err
		}
	}
	// A file deleted or replaced under the store takes writes that a restart loses:
	// refuse them (a stat, next to a commit's fsync), so none is acknowledged.
	if err := s.checkFile(); errors.Is(err, ErrStoreGone) {
		fail(err)
		return
	}
	sqlTx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	errs := make([]error, len(batch))
	woke := false
	for i, w := range batch {
		if err := w.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		tx := &Tx{st: s, tx: sqlTx, ctx: w.ctx, now: s.now()}
		if len(batch) == 1 {
			errs[i] = w.fn(tx)
			woke = errs[i] == nil && tx.scheduled
			continue
		}
		if _, err := sqlTx.Exec("SAVEPOINT w"); err != nil {
			errs[i] = fmt.Errorf("savepoint: %w", err)
			continue
		}
		if errs[i] = w.fn(tx); errs[i] != nil {
			if _, err := sqlTx.Exec("ROLLBACK TO w"); err != nil {
				// Some errors (a full disk, an I/O error) make SQLite roll back the whole
				// transaction itself; the savepoint is gone with every write of the batch,
				// and the failed write's error is why.
				sqlTx.Rollback()
				fail(fmt.Errorf("batch rolled back by a failed write (%v): %w", err, errs[i]))
				return
			}
		}
		if _, err := sqlTx.Exec("RELEASE w"); err != nil {
			sqlTx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
		woke = woke || errs[i] == nil && tx.scheduled
	}
	if len(batch) == 1 && errs[0] != nil {
		sqlTx.Rollback()
		batch[0].done <- errs[0]
		return
	}
	if err := sqlTx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	if woke {
		s.wake()
	}
	for i, w := range batch {
		w.done <- errs[i]
	}
}

// cached returns the prepared statement for query, if there is one.
func (s *Store) cached(query string) *sql.Stmt {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	return s.stmts[query]
}

// stmt returns the prepared statement for query, preparing it on first use. It needs a
// free connection, so it must not be called while holding one (inside a transaction):
// with every pooled connection held by a transaction waiting here, nothing would move.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := s.cached(query); st != nil {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if prev, ok := s.stmts[query]; ok {
		st.Close() // another goroutine prepared it meanwhile
		return prev, nil
	}
	s.stmts[query] = st
	return st, nil
}

// query runs a read outside any transaction on a prepared statement.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.pg != nil {
		// pgx prepares and caches each statement per connection itself.
		return s.db.QueryContext(ctx, s.pg.rebind(query), args...)
	}
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// prepared returns query as a statement of this transaction: the shared prepared one
// when cached, else one prepared on the transaction's own connection while the shared one
// is prepared in the background for next time.
func (tx *Tx) prepared(query string) (*sql.Stmt, error) {
	if st := tx.st.cached(query); st != nil {
		return tx.tx.StmtContext(tx.ctx, st), nil
	}
	go tx.st.stmt(context.Background(), query) //nolint:errcheck // a failure here only costs the cache
	return tx.tx.PrepareContext(tx.ctx, query)
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	if p := tx.st.pg; p != nil {
		return tx.q.ExecContext(tx.ctx, p.rebind(query), args...)
	}
	st, err := tx.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(tx.ctx, args...)
}

func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	if p := tx.st.pg; p != nil {
		return tx.q.QueryContext(tx.ctx, p.rebind(query), args...)
	}
	st, err := tx.prepared(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(tx.ctx, args...)
}

// row is a single-row result whose error may come from preparing the statement; or,
// on a PostgreSQL write transaction with statements held, a read run when scanned.
type row struct {
	r    *sql.Row
	err  error
	scan func(dest []any) error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if r.scan != nil {
		return r.scan(dest)
	}
	return r.r.Scan(dest...)
}

// queryRow runs a read of one row. Its Scan must follow at once (every caller scans
// it where it calls it): on a PostgreSQL write transaction with writes held, the read
// is sent with them when scanned.
func (tx *Tx) queryRow(query string, args ...any) row {
	if p := tx.st.pg; p != nil {
		if w, ok := tx.q.(*pgTx); ok && (!w.begun || len(w.held) > 0) {
			q := p.rebind(query)
			return row{scan: func(dest []any) error { return w.scanRow(q, args, dest) }}
		}
		return row{r: tx.q.QueryRowContext(tx.ctx, p.rebind(query), args...)}
	}
	st, err := tx.prepared(query)
	if err != nil {
		return row{err: err}
	}
	return row{r: st.QueryRowContext(tx.ctx, args...)}
}

// ms turns a time into the stored form; the zero time is 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

// isConstraint reports whether err is a uniqueness or foreign-key violation.
func isConstraint(err error) bool {
	if errors.Is(err, errLiveCase) || pgConstraint(err) {
		return true
	}
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}
