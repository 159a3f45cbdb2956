package cases

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CaseFilter selects cases; zero fields match everything.
type CaseFilter struct {
	Shop   string
	Buyer  string
	Intent string // an intent label, e.g. refund
	// NotIntent leaves out the cases of an intent label (e.g. IntentQuestion: the
	// after-sale cases without the inbox).
	NotIntent string
	State     State // one exact state; combined with LiveOnly it must also be live
	LiveOnly  bool
	// DueBefore keeps live cases whose deadline is before it (e.g. now: the overdue ones).
	DueBefore time.Time
	// Search keeps cases whose id is it (any case: "a12"), or whose order id, buyer id or
	// buyer name contains it; spaces in it are ignored for the order id, which buyers and
	// merchants write in groups ("4705 2884 6550 8532 862").
	Search string
	Limit  int
}

// FindCases lists cases, the nearest deadline first for live ones.
func (s *Store) FindCases(ctx context.Context, f CaseFilter) ([]Case, error) {
	var where []string
	var args []any
	if f.Shop != "" {
		where, args = append(where, "shop = ?"), append(args, f.Shop)
	}
	if f.Buyer != "" {
		where, args = append(where, "buyer = ?"), append(args, f.Buyer)
	}
	if f.Intent != "" {
		where, args = append(where, "intent = ?"), append(args, f.Intent)
	}
	if f.NotIntent != "" {
		where, args = append(where, "intent <> ?"), append(args, f.NotIntent)
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.LiveOnly || !f.DueBefore.IsZero() {
		where = append(where, "state IN ('open', 'waiting_merchant', 'waiting_buyer')")
	}
	if !f.DueBefore.IsZero() {
		where, args = append(where, "deadline > 0 AND deadline < ?"), append(args, ms(f.DueBefore))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		like := func(s string) string { return "%" + likeLiteral(s) + "%" }
		where = append(where, `(id = ? OR order_id LIKE ? ESCAPE '\' OR buyer LIKE ? ESCAPE '\' OR buyer_name LIKE ? ESCAPE '\')`)
		args = append(args, strings.ToUpper(s), like(strings.Join(strings.Fields(s), "")), like(s), like(s))
	}
	q := `SELECT ` + caseColumns + ` FROM cases`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY CASE WHEN state IN ('open', 'waiting_merchant', 'waiting_buyer') THEN 0 ELSE 1 END,
		deadline, opened_at`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find cases: %w", err)
	}
	return collectCases(rows)
}

// likeLiteral makes a search term literal inside a LIKE pattern whose escape character
// is a backslash: a typed % or _ matches itself.
func likeLiteral(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Case loads one case of a shop.
func (s *Store) Case(ctx context.Context, shop, id string) (*Case, error) {
	var c *Case
	err := s.read(ctx, func(tx *Tx) (err error) {
		c, err = tx.Case(shop, id)
		return err
	})
	return c, err
}

// read runs fn in a read-only transaction.
func (s *Store) read(ctx context.Context, fn func(tx *Tx) error) error {
	if s.pg != nil {
		return fn(&Tx{st: s, q: s.db, ctx: ctx, now: s.now()})
	}
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(&Tx{st: s, tx: sqlTx, ctx: ctx, now: s.now()})
}

// Handoff returns the case id under which the buyer is handed to a person, or "".
func (s *Store) Handoff(ctx context.Context, shop, buyer string) (string, error) {
	var id string
	err := s.read(ctx, func(tx *Tx) (err error) {
		id, err = tx.Handoff(shop, buyer)
		return err
	})
	return id, err
}

// Events returns a case's log, oldest first: by time, then by the order written (events
// merged in from another case keep their own time and fall into place).
func (s *Store) Events(ctx context.Context, shop, caseID string) ([]Event, error) {
	var out []Event
	err := s.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.Events(shop, caseID)
		return err
	})
	return out, err
}

// Events returns a case's log, oldest first: by time, then by the order written (events
// merged in from another case keep their own time and fall into place).
func (tx *Tx) Events(shop, caseID string) ([]Event, error) {
	rows, err := tx.query(`SELECT id, shop, case_id, kind, actor, text, media, from_state, to_state, at FROM events
		WHERE shop = ? AND case_id = ? ORDER BY at, id`, shop, caseID)
	if err != nil {
		return nil, fmt.Errorf("list events of case %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.ID, &e.Shop, &e.CaseID, &e.Kind, &e.Actor, &e.Text, &e.Media, &e.From, &e.To, &at); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

const alertColumns = `id, shop, case_id, kind, due_at, state, attempts, repeat, note`

func scanAlert(r scanner) (Alert, error) {
	var a Alert
	var due int64
	err := r.Scan(&a.ID, &a.Shop, &a.CaseID, &a.Kind, &due, &a.State, &a.Attempts, &a.Repeat, &a.Note)
	a.DueAt = fromMS(due)
	return a, err
}

// Alerts returns a case's alerts in due order (shop and caseID empty: every alert).
func (s *Store) Alerts(ctx context.Context, shop, caseID string) ([]Alert, error) {
	q, args := `SELECT `+alertColumns+` FROM alerts`, []any{}
	if caseID != "" {
		q, args = q+` WHERE shop = ? AND case_id = ?`, append(args, shop, caseID)
	}
	rows, err := s.query(ctx, q+` ORDER BY due_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return collectAlerts(rows)
}

// collectAlerts scans and closes rows of alertColumns.
func collectAlerts(rows *sql.Rows) ([]Alert, error) {
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("scan alert: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Recover readies the outboxes after a start: an alert or job claimed but not finished
// when the process stopped is due again, and the alert is marked as a possible repeat.
//
// On PostgreSQL only this instance's own claims (Options.Instance) and claims whose lease
// ran out are taken back: another live instance may be sending the rest.
func (s *Store) Recover(ctx context.Context) (alerts, jobs int64, err error) {
	if s.pg != nil {
		return s.recoverPG(ctx)
	}
	err = s.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE alerts SET state = ?, repeat = 1 WHERE state = ?`, AlertPending, AlertSending)
		if err != nil {
			return fmt.Errorf("recover alerts: %w", err)
		}
		alerts, _ = res.RowsAffected()
		res, err = tx.exec(`UPDATE jobs SET state = 'pending' WHERE state = 'running'`)
		if err != nil {
			return fmt.Errorf("recover jobs: %w", err)
		}
		jobs, _ = res.RowsAffected()
		return nil
	})
	return alerts, jobs, err
}

// NextAlertDue is when the earliest pending alert falls due; ok is false when none is.
func (s *Store) NextAlertDue(ctx context.Context) (due time.Time, ok bool, err error) {
	if s.pg != nil {
		return s.nextDue(ctx, nextAlertQueryPG)
	}
	return s.nextDue(ctx, `SELECT MIN(due_at) FROM alerts WHERE state = 'pending'`)
}

// NextJobDue is when the earliest pending platform job falls due.
func (s *Store) NextJobDue(ctx context.Context) (due time.Time, ok bool, err error) {
	if s.pg != nil {
		return s.nextDue(ctx, nextJobQueryPG)
	}
	return s.nextDue(ctx, `SELECT MIN(due_at) FROM jobs WHERE state = 'pending'`)
}

func (s *Store) nextDue(ctx context.Context, q string) (time.Time, bool, error) {
	var v *int64
	rows, err := s.query(ctx, q)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return time.Time{}, false, fmt.Errorf("next due: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, false, fmt.Errorf("next due: %w", err)
	}
	if v == nil {
		return time.Time{}, false, nil
	}
	return fromMS(*v), true, nil
}

// ClaimAlerts marks up to limit alerts due by now as being sent and returns them. A
// claimed alert must end in AlertDone or AlertRetry.
//
// On PostgreSQL a claim is a lease (Options.Lease) of this instance: an alert whose
// lease ran out (its instance died sending it) is claimed again, marked Repeat.
func (s *Store) ClaimAlerts(ctx context.Context, now time.Time, limit int) ([]Alert, error) {
	var out []Alert
	err := s.Update(ctx, func(tx *Tx) error {
		if s.pg != nil {
			var err error
			out, err = tx.claimAlertsPG(now, limit)
			return err
		}
		rows, err := tx.query(`UPDATE alerts SET state = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM alerts WHERE state = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?)
			RETURNING `+alertColumns, AlertSending, AlertPending, ms(now), limit)
		if err != nil {
			return fmt.Errorf("claim alerts: %w", err)
		}
		out, err = collectAlerts(rows)
		return err
	})
	sortAlerts(out)
	return out, err
}

func sortAlerts(as []Alert) {
	slices.SortFunc(as, func(a, b Alert) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// AlertDone records a delivered alert in the case's log.
func (s *Store) AlertDone(ctx context.Context, a Alert, text string) error {
	return s.Update(ctx, func(tx *Tx) error { return tx.AlertDone(a, text) })
}

// AlertDone records a delivered alert inside tx, with whatever else it sent.
func (tx *Tx) AlertDone(a Alert, text string) error {
	if _, err := tx.exec(`UPDATE alerts SET state = ?, sent_at = ?, last_error = '' WHERE id = ?`,
		AlertSent, ms(tx.now), a.ID); err != nil {
		return fmt.Errorf("mark alert %d sent: %w", a.ID, err)
	}
	return tx.AddEvent(Event{Shop: a.Shop, CaseID: a.CaseID, Kind: EventAlert, Actor: "bot", Text: text})
}

// AlertRetry puts a failed alert back in the queue, due again at at.
func (s *Store) AlertRetry(ctx context.Context, a Alert, at time.Time, cause error) error {
	return s.updateOne(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE alerts SET state = ?, due_at = ?, last_error = ? WHERE id = ?`,
			AlertPending, ms(at), truncate(cause.Error(), 500), a.ID)
		if err != nil {
			return fmt.Errorf("requeue alert %d: %w", a.ID, err)
		}
		return nil
	})
}

// PendingReplies lists committed replies not yet marked sent, oldest first.
func (s *Store) PendingReplies(ctx context.Context) ([]Reply, error) {
	rows, err := s.query(ctx, `SELECT id, shop, recipient, text FROM replies WHERE state = 'pending' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list pending replies: %w", err)
	}
	defer rows.Close()
	var out []Reply
	for rows.Next() {
		var r Reply
		if err := rows.Scan(&r.ID, &r.Shop, &r.To, &r.Text); err != nil {
			return nil, fmt.Errorf("scan reply: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplySent marks a reply delivered, durably once it returns nil. On PostgreSQL the marks
// of concurrent callers share one commit (see writeNotes).
func (s *Store) ReplySent(ctx context.Context, id int64) error {
	if s.pg != nil {
		return s.replySentPG(ctx, id)
	}
	return s.updateOne(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE replies SET state = 'sent', sent_at = ? WHERE id = ?`, ms(tx.now), id); err != nil {
			return fmt.Errorf("mark reply %d sent: %w", id, err)
		}
		return nil
	})
}

// ClaimJobs marks up to limit platform jobs due by now as running and returns them.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, limit int) ([]Job, error) {
	var out []Job
	err := s.Update(ctx, func(tx *Tx) error {
		out = out[:0]
		var rows *sql.Rows
		var err error
		if p := s.pg; p != nil {
			rows, err = tx.query(claimJobsQueryPG, p.instance, ms(now.Add(p.lease)), ms(now), ms(now), limit)
		} else {
			rows, err = tx.query(`UPDATE jobs SET state = 'running', attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?)
			RETURNING id, shop, case_id, kind, payload, due_at, attempts`, ms(now), limit)
		}
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j Job
			var due int64
			if err := rows.Scan(&j.ID, &j.Shop, &j.CaseID, &j.Kind, &j.Payload, &due, &j.Attempts); err != nil {
				return fmt.Errorf("scan job: %w", err)
			}
			j.DueAt = fromMS(due)
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

// JobDone finishes a job inside tx, together with whatever the job's result changed.
func (tx *Tx) JobDone(id int64) error {
	if _, err := tx.exec(`UPDATE jobs SET state = 'done', last_error = '' WHERE id = ?`, id); err != nil {
		return fmt.Errorf("finish job %d: %w", id, err)
	}
	return nil
}

// JobRetry puts a failed job back, due again at at.
func (s *Store) JobRetry(ctx context.Context, j Job, at time.Time, cause error) error {
	return s.updateOne(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE jobs SET state = 'pending', due_at = ?, last_error = ? WHERE id = ?`,
			ms(at), truncate(cause.Error(), 500), j.ID); err != nil {
			return fmt.Errorf("requeue job %d: %w", j.ID, err)
		}
		return nil
	})
}

// JobFailed parks a job that can never succeed (e.g. the platform refused it for good).
func (s *Store) JobFailed(ctx context.Context, j Job, cause error) error {
	return s.updateOne(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE jobs SET state = 'failed', last_error = ? WHERE id = ?`,
			truncate(cause.Error(), 500), j.ID); err != nil {
			return fmt.Errorf("park job %d: %w", j.ID, err)
		}
		return nil
	})
}

// Jobs lists a case's platform jobs with their state, for tests and the board.
func (s *Store) Jobs(ctx context.Context, shop, caseID string) ([]Job, []string, error) {
	rows, err := s.query(ctx, `SELECT id, shop, case_id, kind, payload, due_at, attempts, state
		FROM jobs WHERE shop = ? AND case_id = ? ORDER BY id`, shop, caseID)
	if err != nil {
		return nil, nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var jobs []Job
	var states []string
	for rows.Next() {
		var j Job
		var due int64
		var st string
		if err := rows.Scan(&j.ID, &j.Shop, &j.CaseID, &j.Kind, &j.Payload, &due, &j.Attempts, &st); err != nil {
			return nil, nil, fmt.Errorf("scan job: %w", err)
		}
		j.DueAt = fromMS(due)
		jobs, states = append(jobs, j), append(states, st)
	}
	return jobs, states, rows.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 { // stay on a UTF-8 boundary
		n--
	}
	return s[:n]
}

// BuyerView is what a buyer's turn reads before it acts, in one read: whether a person
// has taken the buyer over, and the buyer's cases.
type BuyerView struct {
	// Handoff is the case under which a person handles the buyer; "" when the bot does.
	Handoff string
	// Cases are the buyer's live cases and those closed since the time asked for,
	// newest first.
	Cases []Case
}

// Live returns the view's live cases, newest first.
func (v BuyerView) Live() []Case {
	var out []Case
	for _, c := range v.Cases {
		if c.State.Live() {
			out = append(out, c)
		}
	}
	return out
}

// buyerCasesQuery lists a buyer's live cases and those updated since ?, newest first.
const buyerCasesQuery = `SELECT ` + caseColumns + ` FROM cases
	WHERE shop = ? AND buyer = ? AND (state IN ('open', 'waiting_merchant', 'waiting_buyer') OR updated_at >= ?)
	ORDER BY opened_at DESC, id DESC LIMIT ?`

// recentLimit bounds the cases a turn reads; a buyer with more is rare and the newest
// are the ones a message is about.
const recentLimit = 20

// Buyer reads a buyer's handoff and cases: live ones, and those closed at or after since.
func (s *Store) Buyer(ctx context.Context, shop, buyer string, since time.Time) (BuyerView, error) {
	if s.pg != nil {
		return s.buyerPG(ctx, shop, buyer, since)
	}
	var v BuyerView
	err := s.read(ctx, func(tx *Tx) (err error) {
		if v.Handoff, err = tx.Handoff(shop, buyer); err != nil {
			return err
		}
		rows, err := tx.query(buyerCasesQuery, shop, buyer, ms(since), recentLimit)
		if err != nil {
			return fmt.Errorf("list cases of buyer %s: %w", buyer, err)
		}
		v.Cases, err = collectCases(rows)
		return err
	})
	return v, err
}

// Examples returns the shop examples of every shop, oldest first.
func (s *Store) Examples(ctx context.Context) ([]Example, error) {
	rows, err := s.query(ctx, `SELECT shop, text, label, case_id, at FROM examples ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list examples: %w", err)
	}
	defer rows.Close()
	var out []Example
	for rows.Next() {
		var e Example
		var at int64
		if err := rows.Scan(&e.Shop, &e.Text, &e.Label, &e.CaseID, &at); err != nil {
			return nil, fmt.Errorf("scan example: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Session returns a buyer's stored conversation state (JSON, the engine's) and when it
// was written; ok is false when there is none.
func (s *Store) Session(ctx context.Context, shop, buyer string) (data string, at time.Time, ok bool, err error) {
	rows, err := s.query(ctx, `SELECT data, updated_at FROM sessions WHERE shop = ? AND buyer = ?`, shop, buyer)
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("read session: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "", time.Time{}, false, rows.Err()
	}
	var ts int64
	if err := rows.Scan(&data, &ts); err != nil {
		return "", time.Time{}, false, fmt.Errorf("scan session: %w", err)
	}
	return data, fromMS(ts), true, nil
}

// SaveSession stores a buyer's conversation state, durably once it returns nil; ""
// deletes it. On PostgreSQL the saves of concurrent callers share one commit (see
// writeNotes).
func (s *Store) SaveSession(ctx context.Context, shop, buyer, data string) error {
	if s.pg != nil {
		return s.saveSessionPG(ctx, shop, buyer, data)
	}
	return s.updateOne(ctx, func(tx *Tx) error { return tx.SaveSession(shop, buyer, data) })
}

// SaveSession stores a buyer's conversation state within the transaction; "" deletes it.
func (tx *Tx) SaveSession(shop, buyer, data string) error {
	var err error
	if data == "" {
		_, err = tx.exec(`DELETE FROM sessions WHERE shop = ? AND buyer = ?`, shop, buyer)
	} else {
		_, err = tx.exec(`INSERT INTO sessions (shop, buyer, data, updated_at) VALUES (?,?,?,?)
			ON CONFLICT (shop, buyer) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, shop, buyer, data, ms(tx.now))
	}
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// Cursor returns a stream's stored read position ("" when none was saved).
func (s *Store) Cursor(ctx context.Context, name string) (string, error) {
	rows, err := s.query(ctx, `SELECT value FROM cursors WHERE name = ?`, name)
	if err != nil {
		return "", fmt.Errorf("read cursor %s: %w", name, err)
	}
	defer rows.Close()
	var v string
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return "", fmt.Errorf("scan cursor %s: %w", name, err)
		}
	}
	return v, rows.Err()
}

// SetCursor durably stores a stream's read position, committed before it returns.
func (s *Store) SetCursor(ctx context.Context, name, value string) error {
	return s.updateOne(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO cursors (name, value, updated_at) VALUES (?,?,?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, ms(tx.now)); err != nil {
			return fmt.Errorf("save cursor %s: %w", name, err)
		}
		return nil
	})
}

// FAQAdded lists the FAQ entries merchants added, oldest first, for every shop.
func (s *Store) FAQAdded(ctx context.Context) ([]FAQEntry, error) {
	rows, err := s.query(ctx, `SELECT shop, id, question, answer, at FROM faq_added ORDER BY at, id`)
	if err != nil {
		return nil, fmt.Errorf("list added faq entries: %w", err)
	}
	defer rows.Close()
	var out []FAQEntry
	for rows.Next() {
		var e FAQEntry
		var at int64
		if err := rows.Scan(&e.Shop, &e.ID, &e.Question, &e.Answer, &at); err != nil {
			return nil, fmt.Errorf("scan faq entry: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// IsConflict reports an error from a write the store's rules refuse (a constraint: the
// one live case per buyer, order and intent, a duplicate id): retrying it cannot succeed.
func IsConflict(err error) bool { return err != nil && isConstraint(err) }

// OrderOwnership reports whether buyer is one of an order's owners (order_owners), and
// whether the order has any: what a buyer's right to an order turns on, read by two
// index lookups however many buyers own it.
func (s *Store) OrderOwnership(ctx context.Context, shop, orderID, buyer string) (owner, owned bool, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		err := tx.queryRow(`SELECT EXISTS (SELECT 1 FROM order_owners WHERE shop = ? AND order_id = ? AND buyer = ?),
			EXISTS (SELECT 1 FROM order_owners WHERE shop = ? AND order_id = ?)`, shop, orderID, buyer, shop, orderID).Scan(&owner, &owned)
		if err != nil {
			return fmt.Errorf("owners of order %s: %w", orderID, err)
		}
		return nil
	})
	return owner, owned, err
}
