package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aftersale/aftersale/cases"
)

// Command is a parsed merchant command.
type Command struct {
	CaseID string // "" for list and help
	Verb   string // 列表, 详情, 同意, 拒绝, 稍后, 接管, 释放, 回复, 备注, 帮助
	Arg    string
	Wait   time.Duration // for 稍后
}

var caseIDPattern = regexp.MustCompile(`^[Aa]\d{1,9}$`)

// ErrBadCommand is a merchant command the bot does not understand; its text is a hint.
type ErrBadCommand struct{ Hint string }

func (e *ErrBadCommand) Error() string { return e.Hint }

const helpText = `商家指令 / merchant commands:
列表 — 待处理售后；列表 超时 — 已超时的
A12 — 详情和聊天记录
A12 同意 / A12 拒绝 原因
A12 稍后 2h — 2小时后再提醒
A12 回复 文字 — 以店铺身份回复买家
A12 等买家 说明 — 等买家先处理（如寄回），暂停计时
A12 接管 / A12 释放 — 人工接管/交回机器人
A12 备注 文字`

// ParseCommand reads a merchant command. It never guesses: anything it cannot read
// exactly is an *ErrBadCommand with a hint.
func ParseCommand(text string) (Command, error) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return Command{}, &ErrBadCommand{Hint: helpText}
	}
	head := fields[0]
	switch head {
	case "帮助", "help", "?", "？":
		return Command{Verb: "帮助"}, nil
	case "列表", "list":
		if len(fields) == 1 {
			return Command{Verb: "列表"}, nil
		}
		if len(fields) == 2 && fields[1] == "超时" {
			return Command{Verb: "列表", Arg: "超时"}, nil
		}
		return Command{}, &ErrBadCommand{Hint: "用法：列表 或 列表 超时"}
	}
	if !caseIDPattern.MatchString(head) {
		return Command{}, &ErrBadCommand{Hint: "没看懂这条指令。发「帮助」查看用法。"}
	}
	c := Command{CaseID: "A" + head[1:]}
	if len(fields) == 1 {
		c.Verb = "详情"
		return c, nil
	}
	c.Verb = fields[1]
	rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), head)), fields[1]))
	switch c.Verb {
	case "同意", "接管", "释放":
		if rest != "" {
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("「%s %s」后面不需要别的内容。", c.CaseID, c.Verb)}
		}
	case "拒绝":
		if rest == "" {
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("请写明拒绝原因：%s 拒绝 原因", c.CaseID)}
		}
		c.Arg = rest
	case "回复", "备注", "等买家":
		if rest == "" {
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("请写上内容：%s %s 文字", c.CaseID, c.Verb)}
		}
		c.Arg = rest
	case "稍后":
		d, err := parseWait(rest)
		if err != nil {
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("时间没看懂，例如：%s 稍后 2h（或 30m、1d、2小时）", c.CaseID)}
		}
		c.Wait = d
	default:
		return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("不认识「%s」。可用：同意、拒绝 原因、稍后 2h、回复、备注、等买家 说明、接管、释放。", c.Verb)}
	}
	return c, nil
}

var waitPattern = regexp.MustCompile(`^(\d{1,4})\s*(m|min|分钟|分|h|小时|个小时|d|天)$`)

// parseWait reads a snooze length: 30m, 2h, 1d, 2小时, 30分钟 — up to 7 days.
func parseWait(s string) (time.Duration, error) {
	m := waitPattern.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, fmt.Errorf("bad wait %q", s)
	}
	n, _ := strconv.Atoi(m[1])
	unit := time.Minute
	switch m[2] {
	case "h", "小时", "个小时":
		unit = time.Hour
	case "d", "天":
		unit = 24 * time.Hour
	}
	d := time.Duration(n) * unit
	if d <= 0 || d > 7*24*time.Hour {
		return 0, fmt.Errorf("wait %q out of range", s)
	}
	return d, nil
}

// merchant handles a configured merchant's command.
func (e *Engine) merchant(ctx context.Context, m Message) ([]cases.Reply, error) {
	cmd, err := ParseCommand(m.Text)
	var bad *ErrBadCommand
	if errors.As(err, &bad) {
		return e.do(ctx, m, func(t *turn) error { return t.sayText(m.From, bad.Hint) })
	}
	switch cmd.Verb {
	case "帮助":
		return e.do(ctx, m, func(t *turn) error { return t.sayText(m.From, helpText) })
	case "列表":
		return e.list(ctx, m, cmd.Arg == "超时")
	}
	return e.do(ctx, m, func(t *turn) error {
		c, err := t.tx.Case(m.Shop, cmd.CaseID)
		if errors.Is(err, cases.ErrNotFound) {
			return t.sayText(m.From, fmt.Sprintf("没有找到售后单 %s。发「列表」查看待处理的。", cmd.CaseID))
		}
		if err != nil {
			return err
		}
		if cmd.Verb == "详情" {
			return t.details(c)
		}
		t.caseID = c.ID
		if !c.State.Live() && cmd.Verb != "备注" {
			return t.sayText(m.From, fmt.Sprintf("%s 已经是「%s」，无需再处理。", c.ID, c.State.Label()))
		}
		if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventMerchant, Actor: "merchant", Text: m.Text}); err != nil {
			return err
		}
		return t.apply(c, cmd)
	})
}

// apply carries out a command on a live case, inside the turn's transaction.
func (t *turn) apply(c *cases.Case, cmd Command) error {
	name := intentName(c.Intent)
	switch cmd.Verb {
	case "同意":
		if err := t.tx.SetState(c, cases.StateResolved, "merchant", ""); err != nil {
			return err
		}
		if err := t.queueResolve(c, true, ""); err != nil {
			return err
		}
		if err := t.releaseIfHandedOff(c); err != nil {
			return err
		}
		if err := t.sayTo(c.Buyer, "approved", data{CaseID: c.ID, Intent: name}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("✅ %s 已同意，已通知买家。", c.ID))
	case "拒绝":
		if err := t.tx.SetState(c, cases.StateRejected, "merchant", cmd.Arg); err != nil {
			return err
		}
		if err := t.queueResolve(c, false, cmd.Arg); err != nil {
			return err
		}
		if err := t.releaseIfHandedOff(c); err != nil {
			return err
		}
		if err := t.sayTo(c.Buyer, "rejected", data{CaseID: c.ID, Intent: name, Reason: cmd.Arg}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("❌ %s 已拒绝，已通知买家。", c.ID))
	case "稍后":
		until := t.tx.Now().Add(cmd.Wait)
		if err := t.tx.Snooze(c, until); err != nil {
			return err
		}
		t.poke = true
		msg := fmt.Sprintf("⏰ %s 将在 %s 再提醒您。", c.ID, clock(until))
		if !c.Deadline.IsZero() && !until.Before(c.Deadline) {
			msg = fmt.Sprintf("⏰ %s 的截止时间 %s 早于稍后时间，届时仍会提醒。", c.ID, clock(c.Deadline))
		}
		return t.sayText(t.m.From, msg)
	case "等买家":
		if c.State != cases.StateWaitingMerchant {
			return t.sayText(t.m.From, fmt.Sprintf("%s 现在是「%s」，不能转为等买家。", c.ID, c.State.Label()))
		}
		if err := t.tx.PauseForBuyer(c, "merchant", cmd.Arg, t.e.buyerReminders); err != nil {
			return err
		}
		t.poke = true
		if err := t.sayTo(c.Buyer, "waiting_buyer", data{CaseID: c.ID, Intent: name, Reason: cmd.Arg}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("⏸ %s 已转为等买家，计时暂停（剩 %s）；买家回复后恢复。", c.ID, leftText(c.PausedLeft)[len("剩"):]))
	case "接管":
		if err := t.tx.SetHandoff(c.Shop, c.Buyer, c.ID); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("👤 已接管 %s 的买家，机器人不再回复他。用「%s 回复 文字」回复，「%s 释放」交回机器人。", c.ID, c.ID, c.ID))
	case "释放":
		if err := t.tx.SetHandoff(c.Shop, c.Buyer, ""); err != nil {
			return err
		}
		if c.Intent == "human" {
			if err := t.tx.SetState(c, cases.StateResolved, "merchant", "released"); err != nil {
				return err
			}
		}
		if err := t.sayTo(c.Buyer, "released", data{CaseID: c.ID}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("🤖 %s 的买家已交回机器人。", c.ID))
	case "回复":
		if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventReply, Actor: "merchant", Text: cmd.Arg}); err != nil {
			return err
		}
		if err := t.queue(c.Buyer, cmd.Arg); err != nil { // logged above as the merchant's
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("💬 已回复 %s 的买家。", c.ID))
	case "备注":
		c.Note = cmd.Arg
		if err := t.tx.SaveCase(c); err != nil {
			return err
		}
		if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventNote, Actor: "merchant", Text: cmd.Arg}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("📝 %s 已备注。", c.ID))
	}
	return fmt.Errorf("apply command %q: unknown verb", cmd.Verb)
}

func (t *turn) releaseIfHandedOff(c *cases.Case) error {
	h, err := t.tx.Handoff(c.Shop, c.Buyer)
	if err != nil || h != c.ID {
		return err
	}
	return t.tx.SetHandoff(c.Shop, c.Buyer, "")
}

// queueResolve tells the platform the merchant's decision, through the job outbox.
func (t *turn) queueResolve(c *cases.Case, approve bool, reason string) error {
	if c.Intent == "human" {
		return nil
	}
	t.poke = true
	return t.tx.QueueJob(cases.Job{Shop: c.Shop, CaseID: c.ID, Kind: jobResolve, Payload: resolvePayload(approve, reason)})
}

// details shows one case and the end of its transcript, short enough for a phone.
func (t *turn) details(c *cases.Case) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s｜%s\n", c.ID, intentName(c.Intent), c.State.Label())
	if c.OrderID != "" {
		fmt.Fprintf(&b, "订单 %s\n", c.OrderID)
	}
	fmt.Fprintf(&b, "买家 %s\n", buyerLabel(c))
	if c.State.Live() && !c.Deadline.IsZero() {
		fmt.Fprintf(&b, "截止 %s（%s）\n", clock(c.Deadline), leftText(c.Deadline.Sub(t.tx.Now())))
	}
	if c.Note != "" {
		fmt.Fprintf(&b, "备注 %s\n", c.Note)
	}
	events, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return err
	}
	var lines []string
	for _, ev := range events {
		switch {
		case ev.Kind == cases.EventMessage:
			lines = append(lines, "买家："+clip(ev.Text, 40))
		case ev.Kind == cases.EventReply && ev.Actor == "merchant":
			lines = append(lines, "店铺："+clip(ev.Text, 40))
		}
	}
	if len(lines) > 6 {
		lines = append([]string{"…"}, lines[len(lines)-6:]...)
	}
	b.WriteString(strings.Join(lines, "\n"))
	return t.sayText(t.m.From, strings.TrimRight(b.String(), "\n"))
}

// list shows live cases, nearest deadline first.
func (e *Engine) list(ctx context.Context, m Message, overdue bool) ([]cases.Reply, error) {
	now := e.now()
	f := cases.CaseFilter{Shop: m.Shop, LiveOnly: true, Limit: 20}
	if overdue {
		f.DueBefore = now
	}
	found, err := e.store.FindCases(ctx, f)
	if err != nil {
		return e.do(ctx, m, func(*turn) error { return err })
	}
	var b strings.Builder
	switch {
	case len(found) == 0 && overdue:
		b.WriteString("没有超时的售后 👍")
	case len(found) == 0:
		b.WriteString("没有待处理的售后 👍")
	default:
		fmt.Fprintf(&b, "待处理 %d 单（按剩余时间）：", len(found))
		for _, c := range found {
			fmt.Fprintf(&b, "\n%s %s %s %s", c.ID, intentName(c.Intent), buyerLabel(&c), leftText(c.Deadline.Sub(now)))
		}
	}
	return e.do(ctx, m, func(t *turn) error { return t.sayText(m.From, b.String()) })
}

func buyerLabel(c *cases.Case) string {
	if c.BuyerName != "" {
		return c.BuyerName
	}
	return c.Buyer
}

// clock formats a time for a phone screen in China's time zone.
func clock(t time.Time) string {
	return t.In(chinaTime).Format("01-02 15:04")
}

var chinaTime = time.FixedZone("CST", 8*3600)

// leftText says how long is left (or how late it is) in a few characters.
func leftText(d time.Duration) string {
	late := d < 0
	if late {
		d = -d
	}
	var s string
	switch {
	case d >= 24*time.Hour:
		s = fmt.Sprintf("%d天%d小时", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	case d >= time.Hour:
		s = fmt.Sprintf("%d小时%d分", int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		s = fmt.Sprintf("%d分钟", int(d/time.Minute))
	}
	if late {
		return "已超时" + s
	}
	return "剩" + s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
