package wecomkf

import (
	"fmt"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
)

// windows tracks each buyer's reply window: after a buyer's message the shop may send
// at most limit messages within the following `within` (微信客服 kf/send_msg: 5 in 48
// hours). The state is in memory: after a restart a buyer's window is unknown, so a
// reply is tried and the platform's own refusal (an errcode, or msg_send_fail) is what
// tells the merchant.
type windows struct {
	within time.Duration
	limit  int
	mu     sync.Mutex
	c      *cache.Cache // buyer id → *window
}

type window struct {
	last time.Time // the buyer's latest message
	sent int       // replies sent since
}

// open records a buyer's message at `at`: a fresh window.
func (w *windows) open(id string, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if v, ok := w.c.Get(id); ok && v.(*window).last.After(at) {
		return // an older message pulled again
	}
	w.c.Set(id, &window{last: at}, w.within)
}

// take reserves one reply to id at now, or says why the platform would refuse it.
func (w *windows) take(id string, now time.Time) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, ok := w.c.Get(id)
	if !ok {
		return "", true // unknown (a restart): let the platform decide
	}
	win := v.(*window)
	if now.Sub(win.last) >= w.within {
		return fmt.Sprintf("买家上次发消息已超过 %d 小时", int(w.within.Hours())), false
	}
	if win.sent >= w.limit {
		return fmt.Sprintf("买家上次发消息后已回复满 %d 条", w.limit), false
	}
	win.sent++
	return "", true
}

// giveBack returns a reservation whose message was not sent.
func (w *windows) giveBack(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if v, ok := w.c.Get(id); ok && v.(*window).sent > 0 {
		v.(*window).sent--
	}
}
