package worker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/vocab"
)

// Escalation is the ladder a deadline's warnings climb: with more than GroupWithin left
// a warning is info (the merchant), within it warn (merchant and group), within AllWithin
// urgent (every sink, louder text).
type Escalation struct {
	GroupWithin time.Duration // default 1h
	AllWithin   time.Duration // default 15m
}

func (e Escalation) withDefaults() Escalation {
	if e.GroupWithin <= 0 {
		e.GroupWithin = time.Hour
	}
	if e.AllWithin <= 0 {
		e.AllWithin = 15 * time.Minute
	}
	return e
}

// Level is how loud an alert of a kind is on a case of intent with left to the deadline.
// A buyer's question (cases.IntentQuestion) waiting a few minutes is worth a nudge, not
// the siren of a 12315 complaint: its whole reply window lies inside the ladder's last
// step, so its reminders stay warnings until it is overdue.
func (e Escalation) Level(kind, intent string, left time.Duration) notify.Level {
	l := e.kindLevel(kind, left)
	if l == notify.LevelUrgent && intent == cases.IntentQuestion && kind != cases.AlertOverdue {
		return notify.LevelWarn
	}
	return l
}

// kindLevel is how loud an alert of a kind is with left to the deadline.
func (e Escalation) kindLevel(kind string, left time.Duration) notify.Level {
	e = e.withDefaults()
	switch kind {
	case cases.AlertOverdue, cases.AlertComplaint, cases.AlertPlatformAuth, cases.AlertPlatformSync:
		return notify.LevelUrgent
	case cases.AlertFollowUp, cases.AlertBuyerWithdrew, cases.AlertGoodsBack:
		return notify.LevelWarn
	case cases.AlertWarn, cases.AlertReminder:
		switch {
		case left <= e.AllWithin:
			return notify.LevelUrgent
		case left <= e.GroupWithin:
			return notify.LevelWarn
		}
	}
	return notify.LevelInfo
}

// alertBatch bounds one claim, so a backlog after downtime goes out in order, in steps.
const alertBatch = 50

// FireAlerts sends every alert due by now to the merchant's sinks. An alert is marked
// sent only after a sink took it; if every sink fails it is retried with backoff.
func (w *Worker) FireAlerts(ctx context.Context, now time.Time) {
	due, err := w.store.ClaimAlerts(ctx, now, alertBatch)
	if ctx.Err() != nil {
		return // shutting down; nothing was claimed
	}
	if err != nil {
		w.log.Error("claim alerts", "err", err)
		return
	}
	for _, a := range due {
		w.fireAlert(ctx, now, a)
	}
}

func (w *Worker) fireAlert(ctx context.Context, now time.Time, a cases.Alert) {
	shop, ok := w.engine.Shop(a.Shop)
	c, err := w.store.Case(ctx, a.Shop, a.CaseID)
	if err != nil || !ok {
		w.log.Error("load case for alert", "shop", a.Shop, "case_id", a.CaseID, "err", err)
		w.retryAlert(ctx, now, a, fmt.Errorf("load case: %w", err))
		return
	}
	if a.Kind == cases.AlertBuyerReminder {
		w.remindBuyer(ctx, shop, c, a)
		return
	}
	// (A threat on a decided case — "凭什么 我要投诉你们" after a refusal — is raised as a
	// complaint marked 【升级】 for that very case: no longer live, and still the news.)
	threat := a.Kind == cases.AlertComplaint && strings.HasPrefix(a.Note, bot.EscalationMark)
	if !c.State.Live() && a.Kind != cases.AlertBuyerCancelled && a.Kind != cases.AlertFollowUp &&
		a.Kind != cases.AlertBuyerWithdrew && a.Kind != cases.AlertGoodsBack && !threat {
		// Closed while the alert was being claimed: nothing left to warn about.
		if err := w.store.AlertDone(ctx, a, "skipped: case "+string(c.State)); err != nil {
			w.log.Error("finish alert", "case_id", a.CaseID, "err", err)
		}
		return
	}
	if a.Kind == cases.AlertWarn && !c.Deadline.IsZero() && now.After(c.Deadline) {
		// A warning claimed only after its deadline (the bot was down, or the backlog
		// was long) would say "还剩 已超时2小时": the case's overdue alert says it.
		if err := w.store.AlertDone(ctx, a, "skipped: past the deadline"); err != nil {
			w.log.Error("finish alert", "case_id", a.CaseID, "err", err)
		}
		return
	}
	na := w.renderAlert(now, shop, c, a)
	if shown := w.shownText(ctx, a.ID); shown != "" {
		// A sink took this alert before a crash cut the bookkeeping short: the other sinks
		// get, and the case records, what the merchant already saw there — a re-render may
		// differ (an inbox question's words grow with the buyer's burst). Still marked: the
		// sink that was sending at the crash may have shown it too.
		na.Text = shown
		if a.Repeat && !strings.HasPrefix(shown, repeatMark) {
			na.Text = repeatMark + shown
		}
	}
	done, err := w.router.Deliver(ctx, na)
	if !done {
		if err == nil {
			err = errors.New("no sink took the alert")
		}
		w.retryAlert(ctx, now, a, err)
		return
	}
	if err := w.store.AlertDone(ctx, a, firstLine(na.Text)); err != nil {
		w.log.Error("mark alert sent", "case_id", c.ID, "alert", a.ID, "err", err)
	}
}

// repeatMark heads an alert sent again after a crash between sending it and recording
// that it was sent: the merchant may see it twice, and must know it is one alert.
const repeatMark = "【重发】"

// shownText is the text a sink already took for alert id ("" when none did, or the record
// predates texts); of several, the first by sink name, so every retry picks the same.
func (w *Worker) shownText(ctx context.Context, id int64) string {
	record, err := w.store.Deliveries(ctx, id)
	if err != nil {
		w.log.Error("read alert deliveries", "alert", id, "err", err)
		return ""
	}
	names := slices.Sorted(maps.Keys(record))
	for _, name := range names {
		if d := record[name]; d.Sent && d.Text != "" {
			return d.Text
		}
	}
	return ""
}

func (w *Worker) retryAlert(ctx context.Context, now time.Time, a cases.Alert, cause error) {
	if err := w.store.AlertRetry(ctx, a, now.Add(backoff(a.Attempts)), cause); err != nil {
		w.log.Error("requeue alert", "case_id", a.CaseID, "alert", a.ID, "err", err)
	}
}

// renderAlert writes the merchant's alert from its template.
func (w *Worker) renderAlert(now time.Time, shop *bot.Shop, c *cases.Case, a cases.Alert) notify.Alert {
	level := w.ladder.Level(a.Kind, c.Intent, c.Deadline.Sub(now))
	key := a.Kind
	switch {
	case a.Kind == cases.AlertWarn:
		key = "warn"
	case a.Kind == cases.AlertReminder && level == notify.LevelInfo:
		// A reminder the merchant asked for with 稍后, the deadline still far: "快到期"
		// with 23 h left would cry wolf (issue 16, item 9).
		key = "reminder"
	case a.Kind == cases.AlertReminder:
		key = "warn" // the deadline is near: say so
	}
	switch {
	case c.Intent == cases.IntentQuestion:
		// An inbox question: "买家已等 3 分钟", never a platform deadline.
		switch a.Kind {
		case cases.AlertNewCase:
			key = "question"
		case cases.AlertWarn, cases.AlertReminder, cases.AlertOverdue:
			key = "question_wait"
		}
	case c.Intent == string(intents.Human) && a.Kind == cases.AlertNewCase:
		key = "human" // a buyer asking for a person: nothing to approve or refuse
	case c.Intent == string(intents.Human) && (a.Kind == cases.AlertWarn || a.Kind == cases.AlertReminder || a.Kind == cases.AlertOverdue):
		// Waiting for a person: take them over (接管) — no platform deadline is at stake,
		// and "同意/拒绝" mean nothing here.
		key = "human_wait"
	}
	intent := intents.Label(c.Intent).ChineseFor(intents.Reason(c.Reason))
	words := a.Note
	if words == "" {
		words = w.firstWords(c)
	}
	words, escalated := strings.CutPrefix(words, bot.EscalationMark)
	order := c.OrderID
	switch {
	case order == "":
		order = "未提供" // a complaint opened before the buyer gave one
	case c.Goods != "":
		order += "（" + vocab.Clip(c.Goods, alertGoodsRunes) + "）" // which goods, kept on the case when it was opened
	}
	clip := 60
	first := a.Kind == cases.AlertNewCase || a.Kind == cases.AlertComplaint
	if first {
		// The first alert is where the merchant reads the story: "…孩子皮肤都痒了" cut at
		// 60 runes lost the harm. Reminders only need to say which case.
		clip = firstAlertRunes
	}
	said := vocab.Clip(words, clip)
	if p := intents.ExtractSlots(words).Phone; p != "" && !strings.Contains(said, p) {
		said += "（电话 " + p + "）" // clipped off the end: the merchant calls them back on it
	}
	if c.Intent == cases.IntentQuestion && c.OrderID != "" {
		said += "（订单 " + c.OrderID + "）" // the order the buyer named before asking
	}
	if c.Intent == string(intents.Human) && a.Kind == cases.AlertNewCase {
		said += w.otherCase(c, now) // "转人工" beside a live complaint: most likely about it
	}
	if a.Kind == cases.AlertNewCase && c.OrderID != "" {
		said += w.agreedOnOrder(c, now) // "算了 还是退款吧 不换了" after the exchange was agreed
	}
	d := bot.Data{Shop: shop.Name, CaseID: c.ID, Intent: intent, OrderID: order,
		Buyer: c.Who(), Deadline: c.Deadline, Left: c.Deadline.Sub(now), Waited: now.Sub(c.OpenedAt), Text: said,
		Status: c.StateLabel()}
	var text string
	switch a.Kind {
	case cases.AlertPlatformAuth:
		text = fmt.Sprintf("【平台授权失效】%s：%s 平台拒绝了访问（授权过期或被撤销），请到平台后台重新授权并更新配置。售后单 %s 暂未同步到平台，授权恢复后会自动补上。",
			shop.Name, shop.Platform.Name(), c.ID)
	case cases.AlertPlatformSync:
		text = fmt.Sprintf("【平台同步失败】%s：售后单 %s（%s · 订单 %s）还没能同步到 %s 平台（平台出错或回复无法识别）。买家已收到回复，售后单已保存；请到平台后台核对，必要时手动处理。",
			shop.Name, c.ID, intent, c.OrderID, shop.Platform.Name())
	default:
		text = w.alerts.Render(key, d)
	}
	if first && intents.Harms(words) && !(c.Intent == cases.IntentQuestion && fearsHarm(words)) {
		// "面霜用了两天脸上起了好多小红疹 我要退款": a refund like any other to the
		// platform, but the merchant should call them first — a complaint too ("…孩子皮
		// 肤都痒了" is more than the shop's manners).
		text = "⚠️买家说身体受到伤害，请优先联系\n" + text
	}
	if escalated {
		text = bot.EscalationMark + text // a second complaint alert, about a threat
	}
	if a.Repeat {
		text = repeatMark + text
	}
	return notify.Alert{ID: a.ID, Shop: shop.ID, CaseID: c.ID, Intent: c.Intent, OrderID: c.OrderID,
		Buyer: c.Who(), Deadline: c.Deadline, Level: level, Text: text, Repeat: a.Repeat}
}

// firstWords is what the buyer first said on the case, for the alert: their first
// messages joined, leaving out bare numbers (an order id, a menu choice), which say
// nothing of what they want.
// firstAlertRunes bounds the buyer's words quoted in a case's first alert.
const firstAlertRunes = 140

func (w *Worker) firstWords(c *cases.Case) string {
	events, err := w.store.Events(context.Background(), c.Shop, c.ID)
	if err != nil {
		return ""
	}
	var said []string
	n := 0
	for _, ev := range events {
		if ev.Kind != cases.EventMessage || bareNumber(ev.Text) && !((c.Intent == string(intents.Human) || c.Intent == cases.IntentQuestion) && len(ev.Text) >= 6) {
			// (A menu digit is no one's words. An order or a phone number is, on a buyer
			// waiting for a person or an answer: the merchant needs it to look.)
			continue
		}
		said = append(said, ev.Text)
		if n += len([]rune(ev.Text)); n >= firstAlertRunes {
			break
		}
	}
	return strings.Join(said, " / ")
}

// fearsHarm reports words that fear or heard of harm rather than tell it ("我朋友说…用了会
// 过敏，我有点担心"): a buyer's question before buying, not a buyer hurt — trial 31 marked
// it "⚠️买家说身体受到伤害".
func fearsHarm(words string) bool {
	for _, w := range []string{"担心", "怕", "会不会", "万一", "听说", "朋友说", "别人说", "网上说", "会过敏吗", "安全吗"} {
		if strings.Contains(words, w) {
			return true
		}
	}
	return false
}

// alertGoodsRunes bounds the goods named in an alert's first line.
const alertGoodsRunes = 24

// otherCase names the buyer's newest other live after-sale case, for the alert of their
// request for a person ("（买家另有 A2 投诉 · 订单 …）"), or "": the person taking over sees
// what it is most likely about (trial 14: an alert with no order, no link to the complaint).
func (w *Worker) otherCase(c *cases.Case, now time.Time) string {
	v, err := w.store.Buyer(context.Background(), c.Shop, c.Buyer, now)
	if err != nil {
		return ""
	}
	for _, o := range v.Live() {
		if o.ID == c.ID || o.Intent == cases.IntentQuestion || o.Intent == string(intents.Human) {
			continue
		}
		s := "（买家另有 " + o.ID + " " + intents.Label(o.Intent).ChineseFor(intents.Reason(o.Reason))
		if o.OrderID != "" {
			s += " · 订单 " + o.OrderID
		}
		return s + "）"
	}
	return ""
}

// agreedWithin is how far back an agreed case on the same order is recalled in a new
// case's alert.
const agreedWithin = 30 * 24 * time.Hour

// agreedOnOrder names the buyer's case on c's order that the merchant already agreed to
// with another remedy, for c's first alert: the buyer may have changed their mind, and the
// shop must not do both (trial 24: a refund opened beside an agreed exchange, its alert
// silent on it) — or it may be a new problem (a stain on the coaster after the mug's
// exchange, the replacement's wrong colour): the alert says which case, not which it is
// (trial 30's "买家改了主意" pushed the merchant to drop a valid request). A complaint's
// outcome (a compensation) is no remedy to do twice.
// Only a remedy asked anew is a change of mind: a question or a call for a person after the
// agreement ("碎的那个要扔掉吗", "怎么寄") is how to carry it out (trial 25 warned "别两样都
// 办" on each).
func (w *Worker) agreedOnOrder(c *cases.Case, now time.Time) string {
	switch intents.Label(c.Intent) {
	case intents.Refund, intents.Return, intents.Exchange, intents.Repair:
	default:
		return ""
	}
	v, err := w.store.Buyer(context.Background(), c.Shop, c.Buyer, now.Add(-agreedWithin))
	if err != nil {
		return ""
	}
	for _, o := range v.Cases {
		if o.ID != c.ID && o.OrderID == c.OrderID && o.State == cases.StateResolved && o.Intent != c.Intent &&
			(o.Intent == string(intents.Refund) || cases.GoesBack(o.Intent)) {
			return "（注意：同一订单的" + intents.Label(o.Intent).ChineseFor(intents.Reason(o.Reason)) + " " + o.ID + " 已同意过——看买家原话：是改了主意就别两样都办，是新问题再处理）"
		}
	}
	return ""
}

// bareNumber reports text that is only digits, spaces and punctuation.
func bareNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			return false
		}
	}
	return true
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// remindBuyer sends a buyer the reminder of a case waiting on them, through the reply
// outbox like any reply, and finishes the alert in the same transaction.
func (w *Worker) remindBuyer(ctx context.Context, shop *bot.Shop, c *cases.Case, a cases.Alert) {
	var replies []cases.Reply
	err := w.store.Update(ctx, func(tx *cases.Tx) error {
		if c.State == cases.StateWaitingBuyer {
			r, err := tx.QueueReply(c.Shop, c.Buyer, w.engine.Reply("buyer_reminder", bot.Data{Shop: shop.Name, CaseID: c.ID, Intent: intents.Label(c.Intent).Chinese()}))
			if err != nil {
				return err
			}
			replies = append(replies, r)
		}
		return tx.AlertDone(a, "buyer reminded")
	})
	if err != nil {
		w.log.Error("remind buyer", "case_id", c.ID, "err", err)
		w.retryAlert(ctx, w.now(), a, err)
		return
	}
	w.deliverReplies(ctx, replies, "buyer reminder", c.ID)
}
