package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/notify"
)

// recordingSink counts what it was sent and fails while told to.
type recordingSink struct {
	mu    sync.Mutex
	name  string
	fail  bool
	perm  bool // fail for good (4xx-like)
	got   []notify.Alert
	tries int
}

func (s *recordingSink) Name() string { return s.name }
func (s *recordingSink) Send(_ context.Context, a notify.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries++
	if s.fail {
		return &notify.SendError{Sink: s.name, Retry: !s.perm, Err: errors.New("down")}
	}
	s.got = append(s.got, a)
	return nil
}

func (s *recordingSink) count() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.got) }

func TestLadderRoutesFailoverAndOncePerSink(t *testing.T) {
	merchant := &recordingSink{name: "merchant"}
	group := &recordingSink{name: "group"}
	robot := &recordingSink{name: "robot"}
	h := newHarness(t)
	h.routes = []notify.Route{{Sink: merchant, From: notify.LevelInfo}, {Sink: group, From: notify.LevelWarn}, {Sink: robot, From: notify.LevelUrgent}}
	h.start()
	h.say(buyer, "退款 "+cupOrder)
	if merchant.count() != 1 || group.count() != 0 || robot.count() != 0 {
		t.Fatalf("new case went to merchant %d, group %d, robot %d; want the merchant only", merchant.count(), group.count(), robot.count())
	}
	h.advance(18 * time.Hour) // -6h
	h.advance(5 * time.Hour)  // -1h
	if merchant.count() != 3 || group.count() != 1 || robot.count() != 0 {
		t.Fatalf("at -1h merchant %d, group %d, robot %d; want 3, 1, 0", merchant.count(), group.count(), robot.count())
	}
	// The group robot breaks; at -15m every sink is due. The group is retried, then the
	// alert is handed on; the sinks that took it are not sent it again.
	group.fail = true
	h.advance(45 * time.Minute)
	if merchant.count() != 4 || robot.count() != 1 {
		t.Fatalf("at -15m merchant %d, robot %d; want 4, 1", merchant.count(), robot.count())
	}
	h.advance(10 * time.Second) // retries fail too
	h.advance(20 * time.Second)
	if group.tries < 3 {
		t.Fatalf("failing group sink tried %d times, want retries", group.tries)
	}
	group.fail = false
	h.advance(time.Minute)
	if group.count() != 2 || merchant.count() != 4 || robot.count() != 1 {
		t.Fatalf("after the group recovered: group %d, merchant %d, robot %d; want 2, 4, 1 (each alert once per sink)",
			group.count(), merchant.count(), robot.count())
	}
	h.advance(15 * time.Minute) // overdue: everyone once
	if group.count() != 3 || merchant.count() != 5 || robot.count() != 2 {
		t.Fatalf("at the deadline: group %d, merchant %d, robot %d; want 3, 5, 2", group.count(), merchant.count(), robot.count())
	}
}

func TestFailingMerchantSinkHandsOnToNext(t *testing.T) {
	chat := &recordingSink{name: "chat", fail: true, perm: true}
	robot := &recordingSink{name: "robot"}
	h := newHarness(t)
	h.routes = []notify.Route{{Sink: chat, From: notify.LevelInfo}, {Sink: robot, From: notify.LevelUrgent}}
	h.start()
	h.say(buyer, "退款 "+cupOrder)
	if robot.count() != 1 {
		t.Fatalf("robot got %d, want the new-case alert handed on from the broken chat sink", robot.count())
	}
}
