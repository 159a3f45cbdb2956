package cases

import (
	"context"
	"fmt"
	"strings"
)

// topicSep separates a published message's topic from its payload on the wire.
const topicSep = "\x1f"

// Publish tells every instance's Subscribe handlers of topic the payload (a callback's
// token, say), so the one instance that acts on a stream hears of a callback another
// instance received. On SQLite (one process) the handlers run before Publish returns;
// on PostgreSQL the message goes through NOTIFY on the store's channel and reaches every
// instance listening, this one included, in the order sent. Topic must not contain
// U+001F; the payload is at most 7,000 bytes (PostgreSQL's NOTIFY limit is 8,000).
func (s *Store) Publish(ctx context.Context, topic, payload string) error {
	if topic == "" || strings.Contains(topic, topicSep) || len(topic)+len(payload) > 7000 {
		return fmt.Errorf("publish %q: bad topic or payload too long", topic)
	}
	if s.pg == nil {
		s.deliver(topic, payload)
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, s.pg.channel, topic+topicSep+payload); err != nil {
		return fmt.Errorf("publish %s: %w", topic, err)
	}
	return nil
}

// Subscribe registers fn for every message published on topic, from any instance. fn
// must not block. Register before the first Publish.
func (s *Store) Subscribe(topic string, fn func(payload string)) {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	if s.subs == nil {
		s.subs = map[string][]func(string){}
	}
	s.subs[topic] = append(s.subs[topic], fn)
}

// deliver runs topic's handlers.
func (s *Store) deliver(topic, payload string) {
	s.wakeMu.Lock()
	fns := s.subs[topic]
	s.wakeMu.Unlock()
	for _, fn := range fns {
		fn(payload)
	}
}

// notified handles one NOTIFY payload: empty is a commit that scheduled work (wake the
// loops), anything else a Publish.
func (s *Store) notified(payload string) {
	if payload == "" {
		s.wake()
		return
	}
	if topic, msg, ok := strings.Cut(payload, topicSep); ok {
		s.deliver(topic, msg)
	}
}
