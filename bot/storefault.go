package bot

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
)

// When the store refuses writes (a full disk, a read-only file system) the bot cannot
// commit a case, so it must not pretend to: the buyer is told the shop will get back to
// them, their message is held in memory and handled again once the store takes writes,
// and the merchant is told what broke. Held messages do not survive a restart; nothing
// else can be kept while the disk refuses writes.

// holdLimit bounds the messages held in memory during a store fault.
const holdLimit = 1000

// faultAlertEvery spaces repeated alerts about the same store fault.
const faultAlertEvery = 30 * time.Minute

// storeFault is what the engine knows about a store that refuses writes.
type storeFault struct {
	// active is set from the first failed commit until the desk works again; the hot
	// path reads it on every commit, so it is not behind mu.
	active  atomic.Bool
	mu      sync.Mutex
	held    []Message
	dropped int         // messages not held because holdLimit was reached
	fault   cases.Fault // the fault last alerted about; FaultNone when healthy
	alerted time.Time
	handled int // held messages handled since the fault began
}

// faultReason is the merchant's words for a store fault.
func faultReason(f cases.Fault) string {
	switch f {
	case cases.FaultDiskFull:
		return "服务器磁盘已满（或数据库到了 store.max_mb 上限）"
	case cases.FaultReadOnly:
		return "数据库文件只读（文件权限或磁盘被设为只读）"
	case cases.FaultIO:
		return "磁盘读写出错"
	case cases.FaultCorrupt:
		return "数据库文件损坏"
	case cases.FaultClosed:
		return "数据库已关闭（程序正在停止？）"
	case cases.FaultGone:
		return "数据库文件被删除或替换了（请找回文件后重启；在此之前不会再确认新的售后单）"
	}
	return "数据库写入失败"
}

// storeFailed is called when a message could not be committed: it holds a buyer's
// message for later and tells the merchant, at most every faultAlertEvery per fault.
func (e *Engine) storeFailed(ctx context.Context, m Message, cause error) {
	f := cases.FaultOf(cause)
	merchant := e.isMerchant(m.Shop, m.From)
	e.fault.mu.Lock()
	if !merchant && !m.replayed {
		if len(e.fault.held) < holdLimit {
			m.replayed = true
			e.fault.held = append(e.fault.held, m)
		} else {
			e.fault.dropped++
		}
	}
	now := e.now()
	alert := f != e.fault.fault || now.Sub(e.fault.alerted) >= faultAlertEvery
	if alert {
		e.fault.fault, e.fault.alerted = f, now
	}
	e.fault.active.Store(true)
	held, dropped := len(e.fault.held), e.fault.dropped
	e.fault.mu.Unlock()
	if !alert {
		return
	}
	shop := e.shops[m.Shop]
	text := fmt.Sprintf("【系统故障】%s：%s，新消息无法保存。买家已收到“稍后回复”的提示，%d 条消息暂存在内存里，恢复后自动处理；已登记的售后单不受影响。请尽快检查服务器。\nStore refuses writes (%s): %v",
		shop.Name, faultReason(f), held, f, cause)
	if dropped > 0 {
		text += fmt.Sprintf("\n另有 %d 条消息因暂存已满未能保留。", dropped)
	}
	e.alertDirect(ctx, shop.ID, text)
}

// alertDirect sends an urgent alert without the store, which is what failed.
func (e *Engine) alertDirect(ctx context.Context, shop, text string) {
	if e.alarm == nil {
		e.log.Error("store fault with no alarm to tell the merchant", "shop", shop, "alert", text)
		return
	}
	e.alarm.Broadcast(ctx, notify.Alert{Shop: shop, Level: notify.LevelUrgent, Text: text})
}

// HeldMessages is how many buyer messages wait for the store to take writes again.
func (e *Engine) HeldMessages() int {
	e.fault.mu.Lock()
	defer e.fault.mu.Unlock()
	return len(e.fault.held)
}

// RetryHeld handles the messages held during a store fault, oldest first, and delivers
// their replies. It stops at the first that still cannot be committed and keeps it and
// the rest. When the last is through, the merchant is told the desk works again.
func (e *Engine) RetryHeld(ctx context.Context) (handled int, err error) {
	for {
		e.fault.mu.Lock()
		if len(e.fault.held) == 0 {
			e.fault.mu.Unlock()
			if handled > 0 {
				e.storeRecovered(ctx)
			}
			return handled, nil
		}
		m := e.fault.held[0]
		e.fault.mu.Unlock()

		replies, err := e.handle(ctx, m)
		if err != nil {
			return handled, fmt.Errorf("retry held message from %s: %w", m.From, err)
		}
		e.fault.mu.Lock()
		e.fault.held = e.fault.held[1:]
		e.fault.handled++
		e.fault.mu.Unlock()
		handled++
		if err := e.Deliver(ctx, replies); err != nil {
			// Committed: Resend delivers it.
			e.log.Warn("deliver reply to a held message", "from", m.From, "err", err)
		}
	}
}

// storeRecovered is called after a commit succeeded while a fault was active: once no
// message is held any more, the merchant hears the desk works again.
func (e *Engine) storeRecovered(ctx context.Context) {
	e.fault.mu.Lock()
	if len(e.fault.held) > 0 || !e.fault.active.Load() {
		e.fault.mu.Unlock()
		return
	}
	total, dropped := e.fault.handled, e.fault.dropped
	e.fault.fault, e.fault.handled, e.fault.dropped = cases.FaultNone, 0, 0
	e.fault.active.Store(false)
	e.fault.mu.Unlock()
	e.log.Info("store takes writes again", "held_handled", total, "dropped", dropped)
	text := "【系统恢复】数据库恢复写入，售后台恢复正常。"
	if total > 0 {
		text = fmt.Sprintf("【系统恢复】数据库恢复写入，暂存的 %d 条买家消息已处理并回复。", total)
	}
	if dropped > 0 {
		text += fmt.Sprintf("\n有 %d 条消息在故障期间未能暂存，请翻看微信聊天记录补回。", dropped)
	}
	e.alertDirect(ctx, "", text)
}
