package cases

import (
	"context"
	"errors"
	"fmt"
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

// buyerPG is Buyer on PostgreSQL: the handoff and the cases in one round trip.
func (s *Store) buyerPG(ctx context.Context, shop, buyer string, since time.Time) (BuyerView, error) {
	var v BuyerView
	err := s.rawPG(ctx, func(c *pgx.Conn) error {
		b := &pgx.Batch{}
		b.Queue(`SELECT case_id FROM handoffs WHERE shop = $1 AND buyer = $2`, shop, buyer)
		b.Queue(s.pg.rebind(buyerCasesQuery), shop, buyer, ms(since), recentLimit)
		br := c.SendBatch(ctx, b)
		defer br.Close()
		if err := br.QueryRow().Scan(&v.Handoff); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("load handoff of %s: %w", buyer, err)
		}
		rows, err := br.Query()
		if err != nil {
			return fmt.Errorf("list cases of buyer %s: %w", buyer, err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return fmt.Errorf("scan case: %w", err)
			}
			v.Cases = append(v.Cases, *c)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list cases of buyer %s: %w", buyer, err)
		}
		return br.Close()
	})
	return v, err
}
