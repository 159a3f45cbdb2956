package cases

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const caseColumns = `shop, id, buyer, buyer_name, intent, order_id, reason, amount_fen, state,
	deadline, platform, platform_ref, note, paused_left, opened_at, updated_at, goods`

type scanner interface{ Scan(dest ...any) error }

func scanCase(r scanner) (*Case, error) {
	var c Case
	var deadline, paused, opened, updated int64
	err := r.Scan(&c.Shop, &c.ID, &c.Buyer, &c.BuyerName, &c.Intent, &c.OrderID, &c.Reason,
		&c.AmountFen, &c.State, &deadline, &c.Platform, &c.PlatformRef, &c.Note, &paused, &opened, &updated, &c.Goods)
	if err != nil {
		return nil, err
	}
	c.Deadline, c.OpenedAt, c.UpdatedAt = fromMS(deadline), fromMS(opened), fromMS(updated)
	c.PausedLeft = time.Duration(paused) * time.Millisecond
	return &c, nil
}

// nextID hands out the shop's next short id for a case of intent: A1, A2, … for
// after-sale cases, Q1, Q2, … for the merchant inbox's questions, each counted apart.
func (tx *Tx) nextID(shop, intent string) (string, error) {
	prefix, seq := "A", shop
	if intent == IntentQuestion {
		// The sequence table is keyed by shop; a key no shop id can take keeps Q apart.
		prefix, seq = "Q", questionSeq(shop, tx.st.pg != nil)
	}
	var n int64
	err := tx.queryRow(`INSERT INTO case_seq (shop, next) VALUES (?, 1)
		ON CONFLICT (shop) DO UPDATE SET next = case_seq.next + 1 RETURNING next`, seq).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("next case id: %w", err)
	}
	return prefix + strconv.FormatInt(n, 10), nil
}

// errLiveCase is the conflict of a second live case for one buyer, order and intent.
var errLiveCase = errors.New("UNIQUE constraint failed: cases_live")

// questionSeq is the case_seq key of a shop's Q numbers: shop + NUL on SQLite (as it was
// first stored), shop + "#" on PostgreSQL, whose text cannot hold NUL. Neither byte can be
// in a shop id (a-z 0-9 _ -).
func questionSeq(shop string, pg bool) string {
	if pg {
		return shop + "#Q"
	}
	return shop + "\x00Q"
}

// OpenCase stores a new case, moves it to waiting_merchant, logs it and schedules its
// alerts from the policy. It fills c's id, times, state and deadline.
func (tx *Tx) OpenCase(c *Case, p Policy) error {
	id, err := tx.nextID(c.Shop, c.Intent)
	if err != nil {
		return err
	}
	c.ID, c.State, c.OpenedAt, c.UpdatedAt = id, StateOpen, tx.now, tx.now
	if c.Deadline.IsZero() {
		c.Deadline = p.Deadline(tx.now)
	}
	// A clash with the one live case per buyer, order and intent is skipped, not raised:
	// on PostgreSQL a failed statement aborts the whole transaction, and the caller may
	// well go on after this refusal (both engines take this partial-index conflict target).
	res, err := tx.exec(`INSERT INTO cases (`+caseColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (shop, buyer, order_id, intent) WHERE state IN ('open', 'waiting_merchant', 'waiting_buyer') DO NOTHING`,
		c.Shop, c.ID, c.Buyer, c.BuyerName, c.Intent, c.OrderID, c.Reason, c.AmountFen, c.State,
		ms(c.Deadline), c.Platform, c.PlatformRef, c.Note, c.PausedLeft.Milliseconds(), ms(c.OpenedAt), ms(c.UpdatedAt), c.Goods)
	if err == nil {
		if n, rerr := res.RowsAffected(); rerr == nil && n == 0 {
			err = errLiveCase
		}
	}
	if isConstraint(err) {
		return fmt.Errorf("open case for %s order %q: a live %s case exists: %w", c.Buyer, c.OrderID, c.Intent, err)
	}
	if err != nil {
		return fmt.Errorf("open case: %w", err)
	}
	if err := tx.AddEvent(Event{Shop: c.Shop, CaseID: c.ID, Kind: EventOpened, Actor: "bot", Text: c.Intent}); err != nil {
		return err
	}
	if err := tx.SetState(c, StateWaitingMerchant, "bot", ""); err != nil {
		return err
	}
	for _, a := range p.Alerts(tx.now, c.Deadline) {
		a.Shop, a.CaseID = c.Shop, c.ID
		if err := tx.ScheduleAlert(a); err != nil {
			return err
		}
	}
	return nil
}

// Case loads one case of a shop.
func (tx *Tx) Case(shop, id string) (*Case, error) {
	c, err := scanCase(tx.queryRow(`SELECT `+caseColumns+` FROM cases WHERE shop = ? AND id = ?`, shop, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("case %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load case %s: %w", id, err)
	}
	return c, nil
}

// LiveCase finds the buyer's live case for an order and intent.
func (tx *Tx) LiveCase(shop, buyer, orderID, intent string) (*Case, error) {
	c, err := scanCase(tx.queryRow(`SELECT `+caseColumns+` FROM cases
		WHERE shop = ? AND buyer = ? AND order_id = ? AND intent = ?
		AND state IN ('open', 'waiting_merchant', 'waiting_buyer')`, shop, buyer, orderID, intent))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find live case: %w", err)
	}
	return c, nil
}

// BuyerCases lists the buyer's live cases, newest first.
func (tx *Tx) BuyerCases(shop, buyer string) ([]Case, error) {
	rows, err := tx.query(`SELECT `+caseColumns+` FROM cases
		WHERE shop = ? AND buyer = ? AND state IN ('open', 'waiting_merchant', 'waiting_buyer')
		ORDER BY opened_at DESC, id DESC`, shop, buyer)
	if err != nil {
		return nil, fmt.Errorf("list buyer cases: %w", err)
	}
	return collectCases(rows)
}

func collectCases(rows *sql.Rows) ([]Case, error) {
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("scan case: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// SaveCase writes the case's editable fields (buyer, order, reason, amount, deadline,
// platform, note, goods). State changes go through SetState.
func (tx *Tx) SaveCase(c *Case) error {
	c.UpdatedAt = tx.now
	_, err := tx.exec(`UPDATE cases SET buyer = ?, buyer_name = ?, order_id = ?, reason = ?, amount_fen = ?,
		deadline = ?, platform = ?, platform_ref = ?, note = ?, updated_at = ?, goods = ? WHERE shop = ? AND id = ?`,
		c.Buyer, c.BuyerName, c.OrderID, c.Reason, c.AmountFen, ms(c.Deadline), c.Platform, c.PlatformRef, c.Note,
		ms(c.UpdatedAt), c.Goods, c.Shop, c.ID)
	if err != nil {
		return fmt.Errorf("save case %s: %w", c.ID, err)
	}
	return nil
}

// ChangeIntent turns a live case into another request of the same buyer on the same order
// ("不换了 直接退货退款吧" on an exchange): the deadline and transcript stay, the change is
// logged. It fails if the buyer already has a live case of that request on the order.
func (tx *Tx) ChangeIntent(c *Case, intent, actor string) error {
	if !c.State.Live() {
		return fmt.Errorf("case %s is %s: %w", c.ID, c.State, ErrIllegalTransition)
	}
	old := c.Intent
	if _, err := tx.exec(`UPDATE cases SET intent = ?, updated_at = ? WHERE shop = ? AND id = ?`,
		intent, ms(tx.now), c.Shop, c.ID); err != nil {
		return fmt.Errorf("change case %s to %s: %w", c.ID, intent, err)
	}
	c.Intent, c.UpdatedAt = intent, tx.now
	return tx.AddEvent(Event{Shop: c.Shop, CaseID: c.ID, Kind: EventUpdated, Actor: actor, Text: "request changed: " + old + " → " + intent})
}

// SetState moves a case to another state if the lifecycle allows it, logs the change,
// and cancels the case's pending alerts once it is no longer live.
func (tx *Tx) SetState(c *Case, to State, actor, note string) error {
	if !CanTransition(c.State, to) {
		return fmt.Errorf("case %s %s → %s: %w", c.ID, c.State, to, ErrIllegalTransition)
	}
	res, err := tx.exec(`UPDATE cases SET state = ?, updated_at = ? WHERE shop = ? AND id = ? AND state = ?`,
		to, ms(tx.now), c.Shop, c.ID, c.State)
	if err != nil {
		return fmt.Errorf("set case %s state: %w", c.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("case %s is no longer %s: %w", c.ID, c.State, ErrIllegalTransition)
	}
	text := string(c.State) + "→" + string(to)
	if note != "" {
		text += " " + note
	}
	if err := tx.AddEvent(Event{Shop: c.Shop, CaseID: c.ID, Kind: EventState, Actor: actor, Text: text, From: c.State, To: to}); err != nil {
		return err
	}
	c.State, c.UpdatedAt = to, tx.now
	if !to.Live() {
		return tx.CancelAlerts(c.Shop, c.ID)
	}
	return nil
}

// AddEvent appends to a case's log at the transaction's time.
func (tx *Tx) AddEvent(e Event) error {
	return tx.later(func(err error) error { return fmt.Errorf("add %s event to case %s: %w", e.Kind, e.CaseID, err) },
		`INSERT INTO events (shop, case_id, kind, actor, text, media, from_state, to_state, at) VALUES (?,?,?,?,?,?,?,?,?)`,
		e.Shop, e.CaseID, e.Kind, e.Actor, e.Text, e.Media, e.From, e.To, ms(tx.now))
}

// ScheduleAlert adds a pending alert.
func (tx *Tx) ScheduleAlert(a Alert) error {
	err := tx.later(func(err error) error { return fmt.Errorf("schedule %s alert for case %s: %w", a.Kind, a.CaseID, err) },
		`INSERT INTO alerts (shop, case_id, kind, due_at, state, note) VALUES (?,?,?,?,?,?)`,
		a.Shop, a.CaseID, a.Kind, ms(a.DueAt), AlertPending, a.Note)
	if err != nil {
		return err
	}
	tx.scheduled = true
	return nil
}

// CancelAlerts cancels every pending alert of a case.
func (tx *Tx) CancelAlerts(shop, caseID string) error {
	_, err := tx.exec(`UPDATE alerts SET state = ? WHERE shop = ? AND case_id = ? AND state = ?`,
		AlertCancelled, shop, caseID, AlertPending)
	if err != nil {
		return fmt.Errorf("cancel alerts of case %s: %w", caseID, err)
	}
	return nil
}

// MoveAlerts gives case into the pending alerts of case from (a merge: the merged-away
// case's deadline warnings keep ringing, now for the case kept).
func (tx *Tx) MoveAlerts(shop, from, into string) error {
	if _, err := tx.exec(`UPDATE alerts SET case_id = ? WHERE shop = ? AND case_id = ? AND state = ?`,
		into, shop, from, AlertPending); err != nil {
		return fmt.Errorf("move alerts of %s to %s: %w", from, into, err)
	}
	return nil
}

// Snooze holds back the case's reminders until until: pending alerts due before then, or
// at that very time (one alert then, not a warning and a reminder together), are
// cancelled and one reminder is set at until, unless the deadline comes first, in which
// case the alert at the deadline stays as it is. An inbox question (IntentQuestion) has
// no deadline that matters more than the merchant's word: its reminders all move to until.
func (tx *Tx) Snooze(c *Case, until time.Time) error {
	keep := AlertOverdue
	if c.Intent == IntentQuestion {
		// An inbox question's "deadline" is the shop's own reply target, no platform's:
		// the merchant who said later is reminded then, not at it.
		keep = ""
	}
	_, err := tx.exec(`UPDATE alerts SET state = ? WHERE shop = ? AND case_id = ? AND state = ?
		AND due_at <= ? AND kind != ?`, AlertCancelled, c.Shop, c.ID, AlertPending, ms(until), keep)
	if err != nil {
		return fmt.Errorf("snooze case %s: %w", c.ID, err)
	}
	if c.Deadline.IsZero() || until.Before(c.Deadline) || c.Intent == IntentQuestion {
		return tx.ScheduleAlert(Alert{Shop: c.Shop, CaseID: c.ID, Kind: AlertReminder, DueAt: until})
	}
	return nil
}

// Reschedule moves the case's deadline (e.g. to the one the platform reports) and
// replaces its pending deadline alerts with ones counted from the new deadline.
func (tx *Tx) Reschedule(c *Case, deadline time.Time, p Policy) error {
	c.Deadline = deadline
	if err := tx.SaveCase(c); err != nil {
		return err
	}
	_, err := tx.exec(`UPDATE alerts SET state = ? WHERE shop = ? AND case_id = ? AND state = ?
		AND kind IN (?, ?, ?)`, AlertCancelled, c.Shop, c.ID, AlertPending, AlertWarn, AlertOverdue, AlertReminder)
	if err != nil {
		return fmt.Errorf("reschedule case %s: %w", c.ID, err)
	}
	for _, a := range warnings(p, tx.now, deadline) {
		a.Shop, a.CaseID = c.Shop, c.ID
		if err := tx.ScheduleAlert(a); err != nil {
			return err
		}
	}
	return nil
}

// QueueReply commits a message to the outbox; the channel sends it after commit and
// marks it sent, and a restart sends whatever was committed but not sent.
func (tx *Tx) QueueReply(shop, to, text string) (Reply, error) {
	id, given, err := tx.replyID()
	if err != nil {
		return Reply{}, fmt.Errorf("queue reply: %w", err)
	}
	if given {
		err := tx.later(func(err error) error { return fmt.Errorf("queue reply: %w", err) },
			`INSERT INTO replies (id, shop, recipient, text, state, created_at) VALUES (?,?,?,?,?,?)`,
			id, shop, to, text, "pending", ms(tx.now))
		return Reply{ID: id, Shop: shop, To: to, Text: text}, err
	}
	err = tx.queryRow(`INSERT INTO replies (shop, recipient, text, state, created_at) VALUES (?,?,?,?,?) RETURNING id`,
		shop, to, text, "pending", ms(tx.now)).Scan(&id)
	if err != nil {
		return Reply{}, fmt.Errorf("queue reply: %w", err)
	}
	return Reply{ID: id, Shop: shop, To: to, Text: text}, nil
}

// QueueJob commits a platform call to the outbox, due at once unless DueAt is set.
func (tx *Tx) QueueJob(j Job) error {
	if j.DueAt.IsZero() {
		j.DueAt = tx.now
	}
	err := tx.later(func(err error) error { return fmt.Errorf("queue %s job for case %s: %w", j.Kind, j.CaseID, err) },
		`INSERT INTO jobs (shop, case_id, kind, payload, due_at, state) VALUES (?,?,?,?,?,?)`,
		j.Shop, j.CaseID, j.Kind, j.Payload, ms(j.DueAt), "pending")
	if err != nil {
		return err
	}
	tx.scheduled = true
	return nil
}

// SetHandoff hands the buyer over to a person (caseID set) or back to the bot ("").
func (tx *Tx) SetHandoff(shop, buyer, caseID string) error {
	var err error
	if caseID == "" {
		_, err = tx.exec(`DELETE FROM handoffs WHERE shop = ? AND buyer = ?`, shop, buyer)
	} else {
		_, err = tx.exec(`INSERT INTO handoffs (shop, buyer, case_id, at) VALUES (?,?,?,?)
			ON CONFLICT (shop, buyer) DO UPDATE SET case_id = excluded.case_id, at = excluded.at`,
			shop, buyer, caseID, ms(tx.now))
	}
	if err != nil {
		return fmt.Errorf("set handoff of %s: %w", buyer, err)
	}
	return nil
}

// Handoff returns the case id under which the buyer is handed to a person, or "".
func (tx *Tx) Handoff(shop, buyer string) (string, error) {
	var id string
	err := tx.queryRow(`SELECT case_id FROM handoffs WHERE shop = ? AND buyer = ?`, shop, buyer).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load handoff of %s: %w", buyer, err)
	}
	return id, nil
}

// FirstSeen records a channel message id and reports whether it is new, so a message
// the channel delivers twice is handled once.
func (tx *Tx) FirstSeen(shop, msgID string) (bool, error) {
	res, err := tx.exec(`INSERT INTO seen_messages (shop, msg_id, at) VALUES (?,?,?) ON CONFLICT DO NOTHING`,
		shop, msgID, ms(tx.now))
	if err != nil {
		return false, fmt.Errorf("record message %s: %w", msgID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ErrSeen is a message id recorded before (RecordFirst): the channel delivered the
// message again.
var ErrSeen = errors.New("message delivered before")

// RecordFirst records a channel message id as handled by this transaction, which must
// then not commit if it was recorded before: the Update fails with an error that
// errors.Is ErrSeen, and nothing of it stays. It is FirstSeen for a caller that does
// nothing with a message seen before, at no round trip of its own: on PostgreSQL the
// record goes with the transaction's next statement or its commit (the primary key
// refuses a second one), so fn may run to its end before the Update fails; on SQLite
// it fails at once.
func (tx *Tx) RecordFirst(shop, msgID string) error {
	fail := func(err error) error {
		if isConstraint(err) {
			return fmt.Errorf("message %s: %w", msgID, ErrSeen)
		}
		return fmt.Errorf("record message %s: %w", msgID, err)
	}
	if p, ok := tx.q.(*pgTx); ok && p.seenAfterLock(fail, shop, msgID, ms(tx.now)) {
		return nil
	}
	return tx.later(fail, `INSERT INTO seen_messages (shop, msg_id, at) VALUES (?,?,?)`, shop, msgID, ms(tx.now))
}

// CaseByRef finds the case linked to a platform after-sale id.
func (tx *Tx) CaseByRef(shop, ref string) (*Case, error) {
	c, err := scanCase(tx.queryRow(`SELECT `+caseColumns+` FROM cases WHERE shop = ? AND platform_ref = ?
		ORDER BY opened_at DESC LIMIT 1`, shop, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find case by platform ref: %w", err)
	}
	return c, nil
}

// UnlinkedCase finds the newest live case on an order that no platform after-sale is
// linked to yet: the one a push about that order belongs to.
func (tx *Tx) UnlinkedCase(shop, orderID string) (*Case, error) {
	c, err := scanCase(tx.queryRow(`SELECT `+caseColumns+` FROM cases WHERE shop = ? AND order_id = ?
		AND platform_ref = '' AND state IN ('open', 'waiting_merchant', 'waiting_buyer')
		AND intent NOT IN ('human', 'logistics')
		ORDER BY opened_at DESC LIMIT 1`, shop, orderID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find unlinked case: %w", err)
	}
	return c, nil
}

// PlatformBuyer is the buyer of a case a platform opened before any chat buyer wrote:
// one per after-sale, so an order may carry several (a second 抖店 after-sale on the same
// order is a case of its own, not a clash on the one-live-case rule).
func PlatformBuyer(orderID, ref string) string { return "platform:" + orderID + "#" + ref }

// PlatformCase finds a live case a platform push opened on an order, which a buyer who
// then writes about that order takes over; the newest when the order has several.
func (tx *Tx) PlatformCase(shop, orderID, intent string) (*Case, error) {
	c, err := scanCase(tx.queryRow(`SELECT `+caseColumns+` FROM cases WHERE shop = ? AND order_id = ?
		AND intent = ? AND buyer LIKE ? ESCAPE '\' AND state IN ('open', 'waiting_merchant', 'waiting_buyer')
		ORDER BY opened_at DESC LIMIT 1`, shop, orderID, intent, likePrefix("platform:"+orderID+"#")))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find platform case: %w", err)
	}
	return c, nil
}

// likePrefix is a LIKE pattern matching strings that start with p.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

// PauseForBuyer moves a case to waiting_buyer (e.g. the goods must be sent back first):
// the merchant's clock stops, keeping the time left, the merchant's pending alerts are
// cancelled, and the buyer is reminded at each of remind from now.
func (tx *Tx) PauseForBuyer(c *Case, actor, note string, remind []time.Duration) error {
	left := max(c.Deadline.Sub(tx.now), 0)
	if err := tx.SetState(c, StateWaitingBuyer, actor, note); err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE cases SET paused_left = ? WHERE shop = ? AND id = ?`, left.Milliseconds(), c.Shop, c.ID); err != nil {
		return fmt.Errorf("pause case %s: %w", c.ID, err)
	}
	c.PausedLeft = left
	if err := tx.CancelAlerts(c.Shop, c.ID); err != nil {
		return err
	}
	for _, d := range remind {
		if err := tx.ScheduleAlert(Alert{Shop: c.Shop, CaseID: c.ID, Kind: AlertBuyerReminder, DueAt: tx.now.Add(d)}); err != nil {
			return err
		}
	}
	return nil
}

// ResumeForMerchant moves a case that waited on the buyer back to the merchant, with the
// time the merchant had left when it paused (or a fresh deadline from p if none was kept).
func (tx *Tx) ResumeForMerchant(c *Case, actor, note string, p Policy) error {
	if err := tx.SetState(c, StateWaitingMerchant, actor, note); err != nil {
		return err
	}
	if err := tx.CancelAlerts(c.Shop, c.ID); err != nil { // the buyer's reminders
		return err
	}
	deadline := p.Deadline(tx.now)
	if c.PausedLeft > 0 {
		deadline = tx.now.Add(c.PausedLeft)
	}
	if _, err := tx.exec(`UPDATE cases SET paused_left = 0 WHERE shop = ? AND id = ?`, c.Shop, c.ID); err != nil {
		return fmt.Errorf("resume case %s: %w", c.ID, err)
	}
	c.PausedLeft = 0
	return tx.Reschedule(c, deadline, p)
}

// Example is one of the shop's own labelled messages: a buyer's words the merchant said
// the bot misread, with the label they should have had.
type Example struct {
	Shop   string
	Text   string
	Label  string
	CaseID string // the case the correction was made on
	At     time.Time
}

// AddExample stores a shop example durably.
func (tx *Tx) AddExample(e Example) error {
	_, err := tx.exec(`INSERT INTO examples (shop, text, label, case_id, at) VALUES (?,?,?,?,?)`,
		e.Shop, e.Text, e.Label, e.CaseID, ms(tx.now))
	if err != nil {
		return fmt.Errorf("add example: %w", err)
	}
	return nil
}

// FAQEntry is one question and answer a merchant added to the shop's FAQ from the inbox.
type FAQEntry struct {
	Shop, ID         string
	Question, Answer string
	At               time.Time
}

// AddFAQ stores an FAQ entry the merchant added: question in the buyer's words, answer in
// the merchant's. An id already stored is replaced (the merchant answered it again).
func (tx *Tx) AddFAQ(e FAQEntry) error {
	_, err := tx.exec(`INSERT INTO faq_added (shop, id, question, answer, at) VALUES (?,?,?,?,?)
		ON CONFLICT (shop, id) DO UPDATE SET question = excluded.question, answer = excluded.answer, at = excluded.at`,
		e.Shop, e.ID, e.Question, e.Answer, ms(tx.now))
	if err != nil {
		return fmt.Errorf("add faq entry %s: %w", e.ID, err)
	}
	return nil
}

// MoveEvents copies the buyer's messages and the replies of case from onto case into,
// for a merge: into's transcript then holds both.
func (tx *Tx) MoveEvents(shop, from, into string) error {
	_, err := tx.exec(`INSERT INTO events (shop, case_id, kind, actor, text, media, from_state, to_state, at)
		SELECT shop, CAST(? AS TEXT), kind, actor, text, media, '', '', at FROM events
		WHERE shop = ? AND case_id = ? AND kind IN (?, ?) ORDER BY id`, into, shop, from, EventMessage, EventReply)
	if err != nil {
		return fmt.Errorf("merge events of %s into %s: %w", from, into, err)
	}
	return nil
}

// AlertedSince reports whether the case has an alert of kind scheduled at or after since:
// a burst of grievances, or a grievance after a restart, then adds no second alert.
func (tx *Tx) AlertedSince(shop, caseID, kind string, since time.Time) (bool, error) {
	return tx.AlertedWithNoteSince(shop, caseID, kind, "", since)
}

// AlertedWithNoteSince is AlertedSince for alerts whose note starts with prefix ("" for
// any note).
func (tx *Tx) AlertedWithNoteSince(shop, caseID, kind, prefix string, since time.Time) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT count(*) FROM alerts WHERE shop = ? AND case_id = ? AND kind = ? AND due_at >= ? AND substr(note, 1, ?) = ?`,
		shop, caseID, kind, ms(since), utf8.RuneCountInString(prefix), prefix).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("recent alerts of case %s: %w", caseID, err)
	}
	return n > 0, nil
}

// OtherCaseOnOrder reports whether the buyer has a case on the order besides except that
// still stands — live, or decided (approved, refused, expired); withdrawn and closed ones
// do not count. A buyer whose request on an order was approved is its owner, whatever
// later becomes of another request of theirs.
func (tx *Tx) OtherCaseOnOrder(shop, buyer, orderID, except string) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM cases WHERE shop = ? AND buyer = ? AND order_id = ? AND id <> ?
		AND state NOT IN ('cancelled', 'closed')`, shop, buyer, orderID, except).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("cases on order %s: %w", orderID, err)
	}
	return n > 0, nil
}

// LiveRequestOnOrder reports a live case (open, waiting for the merchant or the buyer) of
// intent by buyer on orderID other than except: a second one would be a duplicate. With
// orderID "" any order counts (a request without an order may be about any of them).
func (tx *Tx) LiveRequestOnOrder(shop, buyer, orderID, intent, except string) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM cases WHERE shop = ? AND buyer = ? AND (order_id = ? OR ? = '') AND intent = ? AND id <> ?
		AND state IN (?, ?, ?)`, shop, buyer, orderID, orderID, intent, except, StateOpen, StateWaitingMerchant, StateWaitingBuyer).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("%s cases on order %s: %w", intent, orderID, err)
	}
	return n > 0, nil
}

// DropFirstUse unbinds a chat buyer who owns an order only by having used it first (how
// "first"): the merchant refused or closed their request, so the order must not stay
// locked away from its real buyer. A binding proven by phone stays.
func (tx *Tx) DropFirstUse(shop, orderID, buyer string) error {
	if _, err := tx.exec(`DELETE FROM order_owners WHERE shop = ? AND order_id = ? AND buyer = ? AND how = 'first'`, shop, orderID, buyer); err != nil {
		return fmt.Errorf("unbind order %s: %w", orderID, err)
	}
	return nil
}

// AddOrderOwner binds a chat buyer to an order; how says why ("phone", "first").
func (tx *Tx) AddOrderOwner(shop, orderID, buyer, how string) error {
	_, err := tx.exec(`INSERT INTO order_owners (shop, order_id, buyer, how, at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING`,
		shop, orderID, buyer, how, ms(tx.now))
	if err != nil {
		return fmt.Errorf("bind order %s: %w", orderID, err)
	}
	return nil
}

// BindFirst makes buyer the owner of orderID ("first") when the order has no owner yet,
// and reports whether it did: the first buyer to open a case on an order nobody can be
// proved to own keeps it, whichever path the case opened by.
func (tx *Tx) BindFirst(shop, orderID, buyer string) (bool, error) {
	res, err := tx.exec(`INSERT INTO order_owners (shop, order_id, buyer, how, at)
		SELECT ?, ?, ?, 'first', ? WHERE NOT EXISTS (SELECT 1 FROM order_owners WHERE shop = ? AND order_id = ?)`,
		shop, orderID, buyer, ms(tx.now), shop, orderID)
	if err != nil {
		return false, fmt.Errorf("bind order %s: %w", orderID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
