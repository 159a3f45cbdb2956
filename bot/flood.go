package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
	"golang.org/x/time/rate"

	"github.com/aftersale/aftersale/notify"
)

// Limits bound what one buyer can make the desk do (flood control). Zero fields take the
// defaults.
type Limits struct {
	MessagesPerMinute int // messages handled per buyer per minute; default 20
	Burst             int // messages handled in a quick burst; default 10
	CasesPerHour      int // cases one buyer can open per hour; default 5
}

func (l Limits) withDefaults() Limits {
	if l.MessagesPerMinute <= 0 {
		l.MessagesPerMinute = 20
	}
	if l.Burst <= 0 {
		l.Burst = 10
	}
	if l.CasesPerHour <= 0 {
		l.CasesPerHour = 5
	}
	return l
}

// repeatWithin is how soon the same words again count as a repeat (a double tap, a
// resend), not a new message. Longer, it silenced a buyer asking "钱到了吗" again after
// 40 seconds of no answer they liked — a buyer who asks again is waiting.
const repeatWithin = 10 * time.Second

// pace is one buyer's standing against the limits. Limiters are in memory (go-cache,
// an hour after the buyer's last message): a restart forgets them, which only gives a
// flooding buyer a fresh start.
type pace struct {
	mu     sync.Mutex
	msgs   *rate.Limiter
	cases  *rate.Limiter
	last   string
	lastAt time.Time
	asked  time.Time // when the buyer was last asked to slow down
	told   time.Time // when the merchant was last told about this buyer
}

func (e *Engine) paceOf(shop, buyer string) *pace {
	key := sessionKey(shop, buyer)
	if v, ok := e.paces.Get(key); ok {
		e.paces.SetDefault(key, v) // keep it while the buyer writes
		return v.(*pace)
	}
	l := e.limits
	p := &pace{
		msgs:  rate.NewLimiter(rate.Limit(float64(l.MessagesPerMinute)/60), l.Burst),
		cases: rate.NewLimiter(rate.Limit(float64(l.CasesPerHour)/3600), l.CasesPerHour),
	}
	if v, loaded := e.pacesAdd(key, p); loaded {
		return v
	}
	return p
}

// pacesAdd stores p unless another turn stored one first.
func (e *Engine) pacesAdd(key string, p *pace) (*pace, bool) {
	if err := e.paces.Add(key, p, cache.DefaultExpiration); err != nil {
		if v, ok := e.paces.Get(key); ok {
			return v.(*pace), true
		}
	}
	return p, false
}

// admit decides whether a buyer's text message is handled: an exact repeat of the
// previous one within a minute is not (its first copy was answered); past the message
// rate, the buyer is asked once to slow down and the merchant told once an hour.
func (e *Engine) admit(ctx context.Context, m Message) (handle bool, slowDown bool) {
	p := e.paceOf(m.Shop, m.From)
	now := e.now()
	p.mu.Lock()
	repeat := m.Kind == KindText && m.Text != "" && m.Text == p.last && now.Sub(p.lastAt) < repeatWithin
	p.last, p.lastAt = m.Text, now
	if repeat {
		p.mu.Unlock()
		return false, false
	}
	if p.msgs.AllowN(now, 1) {
		p.mu.Unlock()
		return true, false
	}
	ask := now.Sub(p.asked) >= time.Minute
	if ask {
		p.asked = now
	}
	tell := now.Sub(p.told) >= time.Hour
	if tell {
		p.told = now
	}
	p.mu.Unlock()
	if tell && e.alarm != nil {
		e.log.Warn("buyer is flooding the desk", "shop", m.Shop, "buyer", m.From)
		e.alarm.Broadcast(ctx, notify.Alert{Shop: m.Shop, Level: notify.LevelWarn, Text: fmt.Sprintf(
			"【刷屏提醒】%s：买家 %s 短时间内发了很多消息，机器人已暂停逐条回复（每分钟处理 %d 条）。如需要请人工查看聊天。",
			e.shops[m.Shop].Name, buyerName(m), e.limits.MessagesPerMinute)})
	}
	return false, ask
}

// allowCase reports whether the buyer may open another case now.
func (e *Engine) allowCase(shop, buyer string) bool {
	p := e.paceOf(shop, buyer)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cases.AllowN(e.now(), 1)
}

func buyerName(m Message) string {
	if m.Name != "" {
		return m.Name
	}
	return m.From
}
