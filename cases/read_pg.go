package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// rawPG runs fn on a pooled connection's pgx.Conn, for reads sent as one pipelined
// batch: a round trip for several statements instead of one each.
func (s *Store) rawPG(ctx context.Context, fn func(c *pgx.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
}

// buyerViewQueryPG is Buyer's read on PostgreSQL in one statement: a row per case (the
// handoff on each), or one row with no case (id NULL) when the buyer has none.
const buyerViewQueryPG = `SELECT h.case_id, c.id IS NULL, c.* FROM
	(SELECT coalesce((SELECT case_id FROM handoffs WHERE shop = $1 AND buyer = $2), '') AS case_id) AS h
	LEFT JOIN LATERAL (SELECT ` + caseColumns + ` FROM cases
		WHERE shop = $1 AND buyer = $2 AND (state IN ('open', 'waiting_merchant', 'waiting_buyer') OR updated_at >= $3)
		ORDER BY opened_at DESC, id DESC LIMIT $4) AS c ON true
	ORDER BY c.opened_at DESC, c.id DESC`

// buyerPG is Buyer on PostgreSQL: the handoff and the cases in one statement.
func (s *Store) buyerPG(ctx context.Context, shop, buyer string, since time.Time) (BuyerView, error) {
	var v BuyerView
	err := s.rawPG(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, buyerViewQueryPG, shop, buyer, ms(since), recentLimit)
		if err != nil {
			return fmt.Errorf("read buyer %s: %w", buyer, err)
		}
		return scanBuyerView(rows, buyer, &v)
	})
	return v, err
}

// buyerSessionPG is BuyerAndSession on PostgreSQL: the view and the session in one
// pipelined round trip.
func (s *Store) buyerSessionPG(ctx context.Context, shop, buyer string, since time.Time) (BuyerView, StoredSession, error) {
	var v BuyerView
	var ss StoredSession
	err := s.rawPG(ctx, func(c *pgx.Conn) error {
		b := &pgx.Batch{}
		b.Queue(buyerViewQueryPG, shop, buyer, ms(since), recentLimit)
		b.Queue(`SELECT data, updated_at FROM sessions WHERE shop = $1 AND buyer = $2`, shop, buyer)
		br := c.SendBatch(ctx, b)
		defer br.Close()
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("read buyer %s: %w", buyer, err)
		}
		if err := scanBuyerView(rows, buyer, &v); err != nil {
			return err
		}
		var at int64
		switch err := br.QueryRow().Scan(&ss.Data, &at); {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return fmt.Errorf("read session: %w", err)
		default:
			ss.At, ss.OK = fromMS(at), true
		}
		return br.Close()
	})
	return v, ss, err
}

// scanBuyerView reads buyerViewQueryPG's rows into v, and closes them.
func scanBuyerView(rows pgx.Rows, buyer string, v *BuyerView) error {
	defer rows.Close()
	skip := make([]any, 2+strings.Count(caseColumns, ",")+1) // nil: pgx skips the column
	for rows.Next() {
		var none bool
		skip[0], skip[1] = &v.Handoff, &none
		if err := rows.Scan(skip...); err != nil {
			return fmt.Errorf("read buyer %s: %w", buyer, err)
		}
		if none {
			continue
		}
		c, err := scanCase(afterTwo{rows})
		if err != nil {
			return fmt.Errorf("scan case: %w", err)
		}
		v.Cases = append(v.Cases, *c)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read buyer %s: %w", buyer, err)
	}
	return nil
}

// afterTwo scans a row's columns after its first two (read already).
type afterTwo struct{ rows pgx.Rows }

func (a afterTwo) Scan(dest ...any) error { return a.rows.Scan(append([]any{nil, nil}, dest...)...) }
