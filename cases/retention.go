package cases

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PruneCounts is how many rows Prune deleted from each table.
type PruneCounts struct {
	SeenMessages int64 // channel message ids recorded for dedupe (seen_messages.at)
	Replies      int64 // replies already sent (replies.created_at)
	Deliveries   int64 // per-sink delivery records of finished alerts (deliveries.at)
	Jobs         int64 // platform jobs done or failed for good (jobs.due_at)
}

// Total is the number of rows deleted.
func (c PruneCounts) Total() int64 { return c.SeenMessages + c.Replies + c.Deliveries + c.Jobs }

// pruneBatch bounds the rows one Prune transaction deletes from each table, so a first
// prune of a year of messages does not hold the store's one writer for long: buyers'
// messages commit between batches.
const pruneBatch = 2000

// Prune deletes what the store no longer needs from before before:
//   - seen_messages recorded before it (a message redelivered after that long is not
//     expected; past retention it would be handled again);
//   - replies in state 'sent' created before it;
//   - delivery records last touched before it, of alerts that are sent or cancelled (a
//     pending or sending alert's records say which sinks already have it);
//   - platform jobs 'done' or 'failed' last due before it.
//
// Never cases, events, alerts, handoffs, pending replies or pending/running jobs: a
// case and its transcript are kept for good. A zero before prunes nothing. It deletes in
// batches, each its own Update; on an error (ctx cancelled, a store fault) the counts say
// what the batches before it deleted, and those stay deleted.
func (s *Store) Prune(ctx context.Context, before time.Time) (PruneCounts, error) {
	var total PruneCounts
	cut := ms(before)
	if cut <= 0 {
		return total, nil
	}
	// Each delete walks its table in rowid (insert, so roughly time) order and stops
	// after a batch: no new index is needed, and the oldest rows come first.
	steps := []struct {
		count func(*PruneCounts) *int64
		query string
	}{
		{func(c *PruneCounts) *int64 { return &c.SeenMessages }, `DELETE FROM seen_messages WHERE rowid IN (
			SELECT rowid FROM seen_messages WHERE at < ? ORDER BY rowid LIMIT ?)`},
		{func(c *PruneCounts) *int64 { return &c.Replies }, `DELETE FROM replies WHERE id IN (
			SELECT id FROM replies WHERE state = 'sent' AND created_at < ? ORDER BY id LIMIT ?)`},
		{func(c *PruneCounts) *int64 { return &c.Deliveries }, `DELETE FROM deliveries WHERE rowid IN (
			SELECT rowid FROM deliveries WHERE at < ?
			AND alert_id NOT IN (SELECT id FROM alerts WHERE state IN ('pending', 'sending'))
			ORDER BY rowid LIMIT ?)`},
		{func(c *PruneCounts) *int64 { return &c.Jobs }, `DELETE FROM jobs WHERE id IN (
			SELECT id FROM jobs WHERE state IN ('done', 'failed') AND due_at < ? ORDER BY id LIMIT ?)`},
	}
	if s.pg != nil {
		// PostgreSQL has no rowid; ctid is a row's place, good for picking a batch.
		for i := range steps {
			steps[i].query = strings.ReplaceAll(steps[i].query, "rowid", "ctid")
		}
	}
	for {
		var batch PruneCounts
		full := false
		err := s.Update(ctx, func(tx *Tx) error {
			batch, full = PruneCounts{}, false
			for _, st := range steps {
				res, err := tx.exec(st.query, cut, pruneBatch)
				if err != nil {
					return fmt.Errorf("prune: %w", err)
				}
				n, err := res.RowsAffected()
				if err != nil {
					return fmt.Errorf("prune: %w", err)
				}
				*st.count(&batch) = n
				full = full || n == pruneBatch
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		for _, st := range steps {
			*st.count(&total) += *st.count(&batch)
		}
		if !full {
			return total, nil
		}
	}
}
