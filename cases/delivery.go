package cases

import (
	"context"
	"fmt"

	"github.com/aftersale/aftersale/notify"
)

// Delivery is where one alert stands on one sink; the store is the notify router's
// delivery log.
type Delivery = notify.Delivery

// Deliveries returns an alert's per-sink record, keyed by sink name.
func (s *Store) Deliveries(ctx context.Context, alertID int64) (map[string]Delivery, error) {
	rows, err := s.query(ctx, `SELECT sink, state, attempts, text FROM deliveries WHERE alert_id = ?`, alertID)
	if err != nil {
		return nil, fmt.Errorf("list deliveries of alert %d: %w", alertID, err)
	}
	defer rows.Close()
	out := map[string]Delivery{}
	for rows.Next() {
		var d Delivery
		var state string
		if err := rows.Scan(&d.Sink, &state, &d.Attempts, &d.Text); err != nil {
			return nil, fmt.Errorf("scan delivery: %w", err)
		}
		d.Sent = state == "sent"
		out[d.Sink] = d
	}
	return out, rows.Err()
}

// DeliverySent records that a sink took the alert, and the text it took.
func (s *Store) DeliverySent(ctx context.Context, alertID int64, sink, text string) error {
	return s.updateOne(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO deliveries (alert_id, sink, state, text, at) VALUES (?, ?, 'sent', ?, ?)
			ON CONFLICT (alert_id, sink) DO UPDATE SET state = 'sent', text = excluded.text, at = excluded.at`, alertID, sink, text, ms(tx.now))
		if err != nil {
			return fmt.Errorf("record delivery of alert %d to %s: %w", alertID, sink, err)
		}
		return nil
	})
}

// DeliveryFailed records a failed send and returns the sink's failed attempts so far.
func (s *Store) DeliveryFailed(ctx context.Context, alertID int64, sink string, cause error) (int, error) {
	var n int
	err := s.Update(ctx, func(tx *Tx) error {
		err := tx.queryRow(`INSERT INTO deliveries (alert_id, sink, state, attempts, last_error, at)
			VALUES (?, ?, 'failed', 1, ?, ?)
			ON CONFLICT (alert_id, sink) DO UPDATE SET attempts = deliveries.attempts + 1, last_error = excluded.last_error, at = excluded.at
			RETURNING attempts`, alertID, sink, truncate(cause.Error(), 500), ms(tx.now)).Scan(&n)
		if err != nil {
			return fmt.Errorf("record failed delivery of alert %d to %s: %w", alertID, sink, err)
		}
		return nil
	})
	return n, err
}
