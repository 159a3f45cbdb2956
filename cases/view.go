package cases

import (
	"context"
	"time"
)

// StoredSession is a buyer's stored conversation state: the engine's JSON and when it
// was written; OK is false when there is none.
type StoredSession struct {
	Data string
	At   time.Time
	OK   bool
}

// BuyerAndSession is Buyer and Session together, for a turn whose buyer's session is not
// in memory: on PostgreSQL in one round trip.
func (s *Store) BuyerAndSession(ctx context.Context, shop, buyer string, since time.Time) (BuyerView, StoredSession, error) {
	if s.pg != nil {
		return s.buyerSessionPG(ctx, shop, buyer, since)
	}
	v, err := s.Buyer(ctx, shop, buyer, since)
	if err != nil {
		return v, StoredSession{}, err
	}
	var ss StoredSession
	ss.Data, ss.At, ss.OK, err = s.Session(ctx, shop, buyer)
	return v, ss, err
}
