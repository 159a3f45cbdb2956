package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/vocab"
)

// Command is a parsed merchant command. Verbs are the names in package vocab.
type Command struct {
	CaseID string // "" for list and help
	Verb   string // vocab.List, vocab.Details, vocab.Help or a case verb (vocab.Verbs)
	Arg    string
	Wait   time.Duration // for vocab.Snooze
}

// caseIDPattern is a case id as typed: A12 (after-sale) or Q7 (inbox question), any case.
var caseIDPattern = regexp.MustCompile(`^[AaQq]\d{1,9}$`)

// caseID writes a typed id the way the store keeps it: "a12" → "A12".
func caseID(typed string) string { return strings.ToUpper(typed[:1]) + typed[1:] }

// ErrBadCommand is a merchant command the bot does not understand; its text is a hint.
type ErrBadCommand struct{ Hint string }

func (e *ErrBadCommand) Error() string { return e.Hint }

// ParseCommand reads a merchant command. It never guesses: anything it cannot read
// exactly is an *ErrBadCommand with a hint.
//
// Spaces between the parts are optional, as merchants type them on a phone: "A4同意",
// "Q7回复 可以的", "A4稍后2h" and "列表超时" read as "A4 同意", "Q7 回复 可以的", "A4 稍后 2h"
// and "列表 超时" (issue 16, item 9).
func ParseCommand(text string) (Command, error) {
	text = strings.TrimSpace(text)
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return Command{}, &ErrBadCommand{Hint: vocab.HelpText()}
	}
	switch fields[0] {
	case vocab.Help, "help", "?", "？":
		return Command{Verb: vocab.Help}, nil
	}
	if rest, ok := strings.CutPrefix(text, vocab.List); ok || strings.EqualFold(fields[0], "list") {
		if !ok {
			rest = text[len(fields[0]):]
		}
		switch strings.TrimSpace(rest) {
		case "":
			return Command{Verb: vocab.List}, nil
		case vocab.Overdue:
			return Command{Verb: vocab.List, Arg: vocab.Overdue}, nil
		}
		return Command{}, &ErrBadCommand{Hint: "用法：列表 或 列表 超时"}
	}
	m := caseIDPrefix.FindStringSubmatch(text)
	if m == nil {
		return Command{}, &ErrBadCommand{Hint: "没看懂这条指令。发「帮助」查看用法。"}
	}
	c := Command{CaseID: caseID(m[1])}
	rest := strings.TrimSpace(text[len(m[1]):])
	if rest == "" {
		c.Verb = vocab.Details
		return c, nil
	}
	verb := verbPrefix(rest)
	if verb == "" {
		verb = strings.Fields(rest)[0] // unknown: withVerb names it in the hint
	}
	return c.withVerb(verb, strings.TrimSpace(rest[len(verb):]))
}

// caseIDPrefix is a case id at the start of a command, ended by a space, the end or
// anything but a digit ("A4同意"), so "A12" is never read as "A1" and a verb "2…".
var caseIDPrefix = regexp.MustCompile(`^([AaQq]\d{1,9})(?:\D|$)`)

// verbPrefix returns the longest case verb that text starts with, "" if none.
func verbPrefix(text string) string {
	best := ""
	for _, v := range vocab.Verbs() {
		if strings.HasPrefix(text, v.Name) && len(v.Name) > len(best) {
			best = v.Name
		}
	}
	return best
}

// withVerb completes a case command with its verb and what follows it, checked against
// the verb table.
func (c Command) withVerb(verb, rest string) (Command, error) {
	c.Verb = verb
	v, ok := vocab.LookupVerb(verb)
	if !ok {
		return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("不认识「%s」。可用：%s。", verb, vocab.VerbList())}
	}
	switch v.Arg {
	case vocab.ArgNone:
		if rest != "" {
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("「%s %s」后面不需要别的内容。", c.CaseID, c.Verb)}
		}
	case vocab.ArgText:
		if rest == "" {
			if verb == vocab.Reject {
				return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("请写明拒绝原因：%s 拒绝 原因", c.CaseID)}
			}
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("请写上内容：%s %s 文字", c.CaseID, c.Verb)}
		}
		c.Arg = rest
	case vocab.ArgOptional:
		c.Arg = rest
		if verb == vocab.Approve && strings.Trim(rest, "了吧啦哈的嗯呀啊!！。.~～ ") == "" {
			c.Arg = "" // "A4同意了": a particle, not a note for the buyer
		}
	case vocab.ArgCase:
		if !caseIDPattern.MatchString(rest) {
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("请写上要并入的单号：%s %s A13", c.CaseID, c.Verb)}
		}
		c.Arg = caseID(rest)
		if c.Arg == c.CaseID {
			return Command{}, &ErrBadCommand{Hint: "不能把一张单并入它自己。"}
		}
	case vocab.ArgWait:
		if strings.TrimSpace(rest) == "" {
			c.Wait = defaultSnooze // "A4 稍后": later, the merchant did not say when
			break
		}
		d, err := parseWait(rest)
		if err != nil {
			return Command{}, &ErrBadCommand{Hint: fmt.Sprintf("时间没看懂，例如：%s 稍后 2h（或 30m、1d、2小时）", c.CaseID)}
		}
		c.Wait = d
	}
	return c, nil
}

// String is the command as a merchant would type it, for the case's log.
func (c Command) String() string {
	switch {
	case c.CaseID == "" && c.Arg != "":
		return c.Verb + " " + c.Arg
	case c.CaseID == "":
		return c.Verb
	case c.Verb == vocab.Details:
		return c.CaseID
	case c.Verb == vocab.Snooze && c.Wait > 0:
		return c.CaseID + " " + c.Verb + " " + waitText(c.Wait)
	case c.Arg != "":
		return c.CaseID + " " + c.Verb + " " + c.Arg
	}
	return c.CaseID + " " + c.Verb
}

// check reads a command given as typed values (the board's) the way ParseCommand reads
// a typed one: the same verbs, the same arguments, the same hints.
func (c Command) check() (Command, error) {
	if c.CaseID == "" {
		switch c.Verb {
		case vocab.Help, vocab.List:
			return c, nil
		}
		return Command{}, &ErrBadCommand{Hint: "没看懂这条指令。发「帮助」查看用法。"}
	}
	if !caseIDPattern.MatchString(c.CaseID) {
		return Command{}, &ErrBadCommand{Hint: "没看懂这条指令。发「帮助」查看用法。"}
	}
	id := caseID(c.CaseID)
	if c.Verb == vocab.Details {
		return Command{CaseID: id, Verb: vocab.Details}, nil
	}
	return Command{CaseID: id}.withVerb(c.Verb, strings.TrimSpace(c.Arg))
}

// waitText writes a snooze length as parseWait reads it: "2h", "30m", "1d".
func waitText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}

// defaultSnooze is how long "A4 稍后" waits when no length is given.
const defaultSnooze = time.Hour

// parseWait reads a snooze length in the one duration syntax the config shares
// (vocab.ParseDuration: 30m, 2h, 1d, 2小时, 30分钟, 1h30m): whole minutes, 1 minute to
// 7 days.
func parseWait(s string) (time.Duration, error) {
	d, err := vocab.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < time.Minute || d > 7*24*time.Hour || d%time.Minute != 0 {
		return 0, fmt.Errorf("wait %q out of range", s)
	}
	return d, nil
}

// merchant handles a configured merchant's command.
func (e *Engine) merchant(ctx context.Context, m Message) ([]cases.Reply, error) {
	var cmd Command
	var err error
	if m.cmd != nil {
		cmd, err = m.cmd.check()
	} else {
		cmd, err = ParseCommand(m.Text)
	}
	var bad *ErrBadCommand
	if errors.As(err, &bad) {
		return e.do(ctx, m, func(t *turn) error { return t.sayText(m.From, bad.Hint) })
	}
	switch cmd.Verb {
	case vocab.Help:
		return e.do(ctx, m, func(t *turn) error { return t.sayText(m.From, vocab.HelpText()) })
	case vocab.List:
		return e.list(ctx, m, cmd.Arg == vocab.Overdue)
	}
	return e.do(ctx, m, func(t *turn) error {
		c, err := t.tx.Case(m.Shop, cmd.CaseID)
		if errors.Is(err, cases.ErrNotFound) {
			return t.sayText(m.From, fmt.Sprintf("没有找到售后单 %s。发「列表」查看待处理的。", cmd.CaseID))
		}
		if err != nil {
			return err
		}
		if cmd.Verb == vocab.Details {
			return t.details(c)
		}
		t.caseID = c.ID
		reconsider := cmd.Verb == vocab.Approve && c.State == cases.StateRejected
		// An approved case the buyer took back is closed to record it (the buyer_withdrew
		// alert says so).
		closeApproved := cmd.Verb == vocab.Close && c.State == cases.StateResolved
		// A buyer's second case on what was decided or closed (trial 16: a return opened
		// beside the refund agreed on the goods' return; trial 17: a refund beside the
		// complaint closed as settled by phone) folds into that one.
		mergeIntoAgreed := cmd.Verb == vocab.Merge && (c.State == cases.StateResolved || c.State == cases.StateClosed || c.State == cases.StateRejected)
		if !c.State.Live() && cmd.Verb != vocab.Note && cmd.Verb != vocab.Misread && cmd.Verb != vocab.Reply && !reconsider && !closeApproved && !mergeIntoAgreed {
			// Replying stays open on a case that is over: a buyer asks about a refusal, or
			// sends the waybill of goods coming back, and the follow-up alert says to answer.
			return t.sayText(m.From, fmt.Sprintf("%s 已经是「%s」，无需再处理。", c.ID, c.StateLabel()))
		}
		if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventMerchant, Actor: "merchant", Text: m.Text}); err != nil {
			return err
		}
		return t.apply(c, cmd)
	})
}

// apply carries out a command on a live case, inside the turn's transaction.
func (t *turn) apply(c *cases.Case, cmd Command) error {
	name := caseName(c)
	if c.Intent == cases.IntentQuestion {
		switch cmd.Verb {
		case vocab.Approve, vocab.Reject, vocab.WaitFor, vocab.Merge:
			// A question has nothing to approve or refuse: it wants an answer.
			return t.sayText(t.m.From, fmt.Sprintf("%s 是买家咨询，直接回复即可：%s 回复 文字（不用回复就：%s 关闭）。", c.ID, c.ID, c.ID))
		}
	}
	if c.Intent == string(intents.Human) && (cmd.Verb == vocab.Approve || cmd.Verb == vocab.Reject) {
		// A call for a person asks nothing to approve: "A1 同意 补发一只新杯子" told the
		// buyer "您的人工客服已同意" (trial). The words go as a reply; a request is named.
		return t.sayText(t.m.From, fmt.Sprintf("%s 是买家找真人（转人工），没有可以同意或拒绝的申请：回复买家请用「%s 回复 文字」；买家要的是售后，就先用「%s 误判 换货」（或退款、退货、维修）改成售后单，再同意或拒绝。", c.ID, c.ID, c.ID))
	}
	changedFrom := ""
	if cmd.Verb == vocab.Approve {
		if other := otherRemedy(intents.Label(c.Intent), cmd.Arg); other != "" {
			// "A2 同意 维修" on a return: the merchant agrees to a repair; the buyer hearing
			// "您的退货退款已同意" would wait for money (trial). The request becomes what
			// was agreed — nothing learned: no misreading, a decision.
			changedFrom = caseName(c)
			if c.State.Live() {
				if err := t.tx.ChangeIntent(c, string(other), "merchant"); err != nil {
					return err
				}
			}
			name = intentName(string(other)) // (a refused case keeps its request; the words say what was agreed)
		}
	}
	switch cmd.Verb {
	case vocab.Approve:
		said, err := t.merchantSaid(c) // before the approval, which starts a new state
		if err != nil {
			return err
		}
		if err := t.tx.SetState(c, cases.StateResolved, "merchant", cmd.Arg); err != nil {
			return err
		}
		if err := t.queueResolve(c, true, ""); err != nil {
			return err
		}
		if err := t.releaseIfHandedOff(c); err != nil {
			return err
		}
		key := "approved"
		switch c.Intent {
		case string(intents.Complaint):
			key = complaintResolved(cmd.Arg) // a grievance is settled, not "approved"
		case string(intents.Return), string(intents.Repair):
			key = "approved_return" // the goods go back first (to be refunded, or mended): where to
		case string(intents.Exchange):
			if goesBack(intents.Reason(c.Reason)) && !reships(cmd.Arg) && !reships(said) || asksGoodsBack(cmd.Arg) {
				// ("同意 直接换新，坏的麻烦寄回": the merchant wants the faulty one back.)
				// (Not "同意 盖子明天补发": what was missing is sent, nothing comes back.)
				key = "approved_return" // a swap of size or item: the first one goes back
			}
		}
		if key == "approved_return" {
			if noSendBack(cmd.Arg) || noSendBack(said) || goodsArrived(cmd.Arg) {
				// "A10 同意 不用寄回", or a 回复 that offered a free reshipment "不用退回":
				// the buyer is not sent the return address against the merchant's word.
				key = "approved"
			}
		}
		if key == "approved" {
			harmed, err := t.harmTold(c)
			if err != nil {
				return err
			}
			if harmed {
				key = "approved_harm" // a child who fell ill on the food: no "好消息！"
			}
		}
		var waybill string
		if key == "approved_return" {
			events, err := t.tx.Events(c.Shop, c.ID)
			if err != nil {
				return err
			}
			if waybill = sentBack(events); waybill != "" {
				// The buyer sent the goods back before the approval (trial 16): not the
				// address and the waybill asked for once more.
				key = "approved_sent_back"
			}
		}
		address := t.shop.ReturnAddress
		if givesAddress(cmd.Arg) {
			address = "店主上面写的地址" // the merchant's own, said just before: not a second one
		}
		if err := t.sayTo(c.Buyer, key, Data{CaseID: c.ID, Intent: name, Address: address, Reason: cmd.Arg, TrackingNo: waybill}); err != nil {
			return err
		}
		if changedFrom != "" {
			return t.sayText(t.m.From, fmt.Sprintf("✅ %s 已按%s同意（原来是%s），已通知买家。", c.ID, name, changedFrom))
		}
		return t.sayText(t.m.From, fmt.Sprintf("✅ %s 已同意，已通知买家。", c.ID))
	case vocab.Reject:
		if err := t.tx.SetState(c, cases.StateRejected, "merchant", cmd.Arg); err != nil {
			return err
		}
		if err := t.unbindFirstUse(c); err != nil {
			return err
		}
		if err := t.queueResolve(c, false, cmd.Arg); err != nil {
			return err
		}
		if err := t.releaseIfHandedOff(c); err != nil {
			return err
		}
		key := "rejected"
		if c.Intent == string(intents.Complaint) {
			key = "complaint_answered" // a grievance is answered, not "未能通过"
		}
		if err := t.sayTo(c.Buyer, key, Data{CaseID: c.ID, Intent: name, Reason: cmd.Arg}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("❌ %s 已拒绝，已通知买家。", c.ID))
	case vocab.Snooze:
		until := t.tx.Now().Add(cmd.Wait)
		if err := t.tx.Snooze(c, until); err != nil {
			return err
		}
		msg := fmt.Sprintf("⏰ %s 将在 %s 再提醒您。", c.ID, vocab.Clock(until))
		if c.Intent != cases.IntentQuestion && !c.Deadline.IsZero() && !until.Before(c.Deadline) {
			msg = fmt.Sprintf("⏰ %s 的截止时间 %s 早于稍后时间，届时仍会提醒。", c.ID, vocab.Clock(c.Deadline))
		}
		return t.sayText(t.m.From, msg)
	case vocab.WaitFor:
		if c.State != cases.StateWaitingMerchant {
			return t.sayText(t.m.From, fmt.Sprintf("%s 现在是「%s」，不能转为等买家。", c.ID, c.State.Label()))
		}
		if err := t.tx.PauseForBuyer(c, "merchant", cmd.Arg, t.e.buyerReminders); err != nil {
			return err
		}
		if err := t.sayTo(c.Buyer, "waiting_buyer", Data{CaseID: c.ID, Intent: name, Reason: cmd.Arg}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("⏸ %s 已转为等买家，计时暂停（剩 %s）；买家回复后恢复。", c.ID, vocab.Left(c.PausedLeft)))
	case vocab.TakeOver:
		if err := t.setHandoff(c.Shop, c.Buyer, c.ID); err != nil {
			return err
		}
		if err := t.personMet(c); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("👤 已接管 %s 的买家，机器人不再回复他。用「%s 回复 文字」回复，「%s 释放」交回机器人。", c.ID, c.ID, c.ID))
	case vocab.Release:
		h, err := t.tx.Handoff(c.Shop, c.Buyer)
		if err != nil {
			return err
		}
		if h == "" && c.Intent != string(intents.Human) {
			// Nobody took the buyer over: nothing to hand back, nothing to tell them.
			return t.sayText(t.m.From, fmt.Sprintf("%s 的买家没有被接管，一直由机器人接待。", c.ID))
		}
		events, err := t.tx.Events(c.Shop, c.ID) // before the release adds its own
		if err != nil {
			return err
		}
		if err := t.setHandoff(c.Shop, c.Buyer, ""); err != nil {
			return err
		}
		// The person dealt with the buyer: what the bot waited for before (an order number,
		// a menu choice) is not asked again over what they settled ("给您补偿10元" was
		// followed by "订单号发我" for the return asked before the take-over).
		if err := t.changeSession(c.Shop, c.Buyer, func(sess *session) {
			sess.Intent, sess.Asked, sess.Reminded, sess.Menu, sess.Confirm, sess.Pending = "", false, false, nil, nil, nil
		}); err != nil {
			return err
		}
		if c.Intent == "human" {
			if err := t.tx.SetState(c, cases.StateResolved, "merchant", "released"); err != nil {
				return err
			}
		}
		// The bot is back; the case, unless it was only the request for a person, is not
		// settled by that.
		caseID := c.ID
		if c.Intent == string(intents.Human) {
			caseID = ""
		}
		if err := t.sayTo(c.Buyer, "released", Data{CaseID: caseID}); err != nil {
			return err
		}
		msg := fmt.Sprintf("🤖 %s 的买家已交回机器人。", c.ID)
		if n, last := unansweredWords(events); n > 0 {
			// Released with the buyer's last words unanswered ("照片等下发", then the
			// photo): said, lest the merchant take the case for settled (trial).
			msg += fmt.Sprintf("\n注意：买家在您最后一次回复之后又发了 %d 条消息，还没人回复（最后一条：%s）。要继续处理就发「%s 接管」或「%s 回复 文字」。", n, vocab.Clip(last, 40), c.ID, c.ID)
		}
		return t.sayText(t.m.From, msg)
	case vocab.Reply:
		text, save := saveAsFAQ(cmd.Arg)
		if text == "" {
			return t.sayText(t.m.From, fmt.Sprintf("请写上回复内容：%s 回复 文字 %s", c.ID, vocab.SaveFAQ))
		}
		if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventReply, Actor: "merchant", Text: text}); err != nil {
			return err
		}
		if err := t.queue(c.Buyer, text); err != nil { // logged above as the merchant's
			return err
		}
		if c.Intent == string(intents.Human) && c.State.Live() {
			// Answering a buyer who asked for a person is taking them over: the bot must
			// not talk over the merchant.
			if err := t.setHandoff(c.Shop, c.Buyer, c.ID); err != nil {
				return err
			}
			if err := t.tx.CancelAlerts(c.Shop, c.ID); err != nil {
				return err
			}
			return t.sayText(t.m.From, fmt.Sprintf("💬 已回复 %s 的买家，并已接管：机器人不再回复他；处理完发「%s 释放」交回机器人。", c.ID, c.ID))
		}
		if c.Intent == cases.IntentQuestion && c.State.Live() {
			// An inbox question is done once answered; its reminders stop with it.
			if err := t.tx.SetState(c, cases.StateResolved, "merchant", answeredNote); err != nil {
				return err
			}
			if o := intents.ExtractSlots(text).OrderID; o != "" {
				// "订单3856…我们给您修" to a buyer who could not find the order: it is the
				// order they talk about now — never asked of them again (trial 14).
				if err := t.changeSession(c.Shop, c.Buyer, func(sess *session) {
					if sess.OrderID == "" {
						sess.OrderID = o
					}
				}); err != nil {
					return err
				}
			}
			done := fmt.Sprintf("💬 已回复 %s 的买家，%s 已处理完。", c.ID, c.ID)
			if save {
				saved, err := t.saveFAQ(c, text)
				if err != nil {
					return err
				}
				done += saved
			}
			return t.sayText(t.m.From, done)
		}
		// What the buyer says next is most likely their answer to it (merchantTalk).
		if err := t.changeSession(c.Shop, c.Buyer, func(sess *session) {
			sess.MerchantSaid, sess.MerchantSaidAt = c.ID, t.tx.Now()
		}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("💬 已回复 %s 的买家。", c.ID))
	case vocab.Note:
		c.Note = cmd.Arg
		if err := t.tx.SaveCase(c); err != nil {
			return err
		}
		if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventNote, Actor: "merchant", Text: cmd.Arg}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("📝 %s 已备注。", c.ID))
	case vocab.Close:
		resolved := c.State == cases.StateResolved
		agreed := resolved
		if agreed {
			// Taken back by the buyer after the approval ("算了 不退了"): closed, not done.
			withdrew, err := t.tx.AlertedSince(c.Shop, c.ID, cases.AlertBuyerWithdrew, time.Time{})
			if err != nil {
				return err
			}
			agreed = !withdrew
		}
		if err := t.tx.SetState(c, cases.StateClosed, "merchant", cmd.Arg); err != nil {
			return err
		}
		if !resolved {
			// (A request the merchant agreed to and then closed — "A1 关闭 新鞋已寄出" — was
			// the buyer's own order: freed, a stranger who typed its number got its
			// tracking and opened a return on it (trial 27).)
			if err := t.unbindFirstUse(c); err != nil {
				return err
			}
		}
		if err := t.releaseIfHandedOff(c); err != nil {
			return err
		}
		if c.Intent == cases.IntentQuestion {
			// A question that needs no answer ("好的", a fragment) is dropped quietly.
			return t.sayText(t.m.From, fmt.Sprintf("🗂 %s 已关闭（没有通知买家）。", c.ID))
		}
		key := "closed"
		switch {
		case c.Intent == string(intents.Complaint):
			key = complaintResolved(cmd.Arg) // a grievance is dealt with, not "投诉售后单 已关闭"
		case agreed:
			// An agreed exchange, once done, is closed as done: "店主已关闭" read as if it
			// were called off (trial).
			key = "closed_done"
		}
		if err := t.sayTo(c.Buyer, key, Data{CaseID: c.ID, Intent: name, Reason: cmd.Arg}); err != nil {
			return err
		}
		return t.sayText(t.m.From, fmt.Sprintf("🗂 %s 已关闭，买家收到的是中性通知（不是拒绝）。", c.ID))
	case vocab.Misread:
		return t.misread(c, cmd.Arg)
	case vocab.Merge:
		return t.merge(c, cmd.Arg)
	}
	return fmt.Errorf("apply command %q: unknown verb", cmd.Verb)
}

// misread closes a case the bot opened on a misreading, without a word to the buyer (they
// asked for nothing), and keeps the buyer's words with the right label as the shop's own
// example, so the next buyer who writes the same is read right.
func (t *turn) misread(c *cases.Case, arg string) error {
	label, ok := labelWord(arg)
	if !ok {
		return t.sayText(t.m.From, fmt.Sprintf("「%s」不是认得的意思。可写：退款、退货、换货（补发）、投诉、物流、维修、人工、撤销、问候、其他（或不写）。", arg))
	}
	if label == intents.Label(c.Intent) {
		return t.sayText(t.m.From, fmt.Sprintf("%s 本来就是%s；要结束它请用「%s 关闭」。", c.ID, caseName(c), c.ID))
	}
	if c.Intent == cases.IntentQuestion && c.State.Live() && !label.OpensCase() {
		// A buyer's question is no misreading to close silently: they were told the shop
		// would answer (a trial merchant's "Q3 误判 其他" left a buyer waiting for good).
		return t.sayText(t.m.From, fmt.Sprintf("%s 是买家在等回复的咨询：要回答请用「%s 回复 文字」，不用回答请用「%s 关闭」。误判只用来把它改成售后请求，如「%s 误判 退货」。",
			c.ID, c.ID, c.ID, c.ID))
	}
	events, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return err
	}
	var learned []string // the buyer's words learned as label
	var kept []string
	var msgs []string
	for _, ev := range readingWords(c, events) {
		if ev.Media != "" {
			continue
		}
		// An inbox item's words may join several messages ("台灯不亮了 / 订单号找不着了
		// 我电话…"): each is read, and learned or kept, on its own.
		msgs = append(msgs, strings.Split(ev.Text, " / ")...)
	}
	for _, text := range msgs {
		if onlySlots(text) {
			continue
		}
		r := t.e.read(c.Shop, text)
		// Words the model reads plainly as something else did not cause the misreading,
		// and an explicit 转人工 is never one ("是我本人的啊 转人工" on a case the merchant
		// calls 维修): learning them would teach the next buyer's 转人工 as a repair. Nor is
		// an explicit escalation ("我要投诉你们") learned as another request: it is a
		// complaint whatever the case became (DESIGN.md: a threat wins over every other
		// label), and learning it would deafen the bot to the next buyer's threat. (Named
		// as no request at all — "投诉你们家的快递小哥太帅了" 误判 其他 — it was no threat.)
		// Nor is a grievance against the shop ("什么破店") learned as anything but a
		// complaint: 误判 物流 on "物流太慢了 / 五天了还在广州 / 什么破店" taught the bot that
		// an insult asks where the parcel is. (误判 其他 says there was no grievance.)
		// A threat said with a grievance beside it (投诉 itself counts as one), or alone ("你们家东西太差了 我要投诉"), is no
		// misreading even as 其他: a merchant closing a test or a settled complaint with
		// 误判 其他 taught the bot that the next buyer's "我要投诉" asks nothing (trial 20).
		if r.Escalation && label.OpensCase() && label != intents.Complaint || r.Grievance && label != intents.Complaint && label != intents.Other ||
			r.Escalation && label == intents.Other && (intents.Grieves(strings.ReplaceAll(text, "投诉", "")) || utf8.RuneCountInString(text) <= shortThreatRunes) ||
			r.Confidence >= plainAsk && r.Label != label && (string(r.Label) != c.Intent || r.Label == intents.Human) ||
			// A request named in so many words ("要换货") that the buyer later changed
			// ("算了 直接退款吧"): the case changes, the words stay what they say —
			// learned, every next "要换货" became a refund (trial).
			// (退了吧 read as a refund and corrected to a return is the same 退, told
			// more exactly: learned.)
			r.Ruled && r.Label.OpensCase() && label.OpensCase() && r.Label != label && !bothMoneyBack(r.Label, label) ||
			// Nor are words that name a remedy of another kind only ("修" learned as an
			// exchange made every next buyer's "修" one — trial).
			label.OpensCase() && namesOnlyOther(text, label) ||
			// Nor is a fault told, or a remedy asked, ever a withdrawal: "A1 误判 撤销" on a
			// case opened in error taught the bot that "台灯不亮" takes something back, and
			// every next buyer who said so was told they had no case (trial 28).
			label == intents.Cancel && (defect(r.Slots.Reason) || intents.NamesRemedy(text) && !withdrawsRequest(text) || r.Grievance) ||
			// Nor is a remedy asked in so many words ("不要了 退款") ever learned as no remedy:
			// "A6 误判 物流" taught it as a delivery question, and the next buyer's "不要了 退款"
			// was asked for an order to track (trial 29).
			intents.NamesRemedy(text) && r.Confidence >= plainAsk && r.Label.OpensCase() && r.Label != intents.Complaint && !label.OpensCase() && label != intents.Cancel {
			kept = append(kept, text)
			continue
		}
		if len(msgs) > 1 && intents.Asks(text) && r.Candidates[0] != label && !r.Unclear {
			// Among several messages, a question read as something else did not carry the
			// request: "hi 我的order … 什么时候deliver啊" before "…crack了 want a refund"
			// was learned as a refund, and the next buyer's delivery question opened one
			// (trial).
			kept = append(kept, text)
			continue
		}
		if c.Intent == cases.IntentQuestion && label.OpensCase() && r.Slots.Reason == "" && !slices.Contains(r.Candidates[:], label) {
			// A question turned into a request: words with nothing of it in them — no
			// fault told, the label not even among the model's three guesses ("书架到了",
			// the fault told in another message) — did not carry it. The request starts
			// all the same; learned, the next buyer's "书架到了" would be asked for an
			// exchange's order number.
			continue
		}
		if strings.TrimSpace(arg) == "" {
			// A bare 误判 ("not an after-sale at all") is easy to send by mistake; words
			// that plainly ask for a remedy ("杯子碎了 退款") are not unlearned on it, or
			// every buyer who says them would be ignored. Naming the label learns them.
			if r.Label.OpensCase() && r.Confidence >= plainAsk {
				kept = append(kept, text)
				continue
			}
		}
		if err := t.tx.AddExample(cases.Example{Shop: c.Shop, Text: text, Label: string(label), CaseID: c.ID}); err != nil {
			return err
		}
		t.learned = append(t.learned, intents.Example{Text: text, Label: label})
		learned = append(learned, text)
	}
	if c.State.Live() && c.Intent != cases.IntentQuestion && label.OpensCase() && !t.hasLiveOf(c, label) {
		// The buyer did ask for something, only not what the bot read ("鞋子有点挤 能换
		// 大一码吗" opened as a refund): the request is corrected on the same case — its
		// clock, order and words kept — and the buyer hears what it is now. Closing it
		// would drop what the buyer asked for.
		if err := t.tx.ChangeIntent(c, string(label), "merchant"); err != nil {
			return err
		}
		if err := t.sayOnCase(c.ID, c.Buyer, "request_corrected", Data{CaseID: c.ID, Intent: intentName(string(label))}); err != nil {
			return err
		}
		msg := fmt.Sprintf("🧠 %s 已改为%s（已告诉买家），%s。", c.ID, intentName(string(label)), learnedClause(learned, label))
		if len(kept) > 0 {
			msg += fmt.Sprintf("\n「%s」读起来明确是别的意思，没有记成「%s」。", vocab.Clip(kept[0], 30), intentName(string(label)))
		}
		return t.sayText(t.m.From, msg)
	}
	wasLive := c.State.Live()
	if c.State.Live() {
		if err := t.tx.SetState(c, cases.StateClosed, "merchant", "误判 → "+misreadAs(label)); err != nil { // (the board shows the note: Chinese)
			return err
		}
		if err := t.unbindFirstUse(c); err != nil {
			return err
		}
		if err := t.releaseIfHandedOff(c); err != nil {
			return err
		}
	}
	msg := fmt.Sprintf("🧠 %s 已作为误判关闭（没有通知买家），%s。", c.ID, learnedClause(learned, label))
	if wasLive && c.Intent != cases.IntentQuestion && c.Intent != string(intents.Human) {
		// The buyer was told it was registered ("店主本人会…联系您"): closed in silence,
		// that promise stands unkept unless the merchant answers what they did ask (trial:
		// 误判 物流 on a complaint, and the buyer's "那你们管不管啊" opened another).
		msg += fmt.Sprintf("\n买家之前收到的是「已登记 %s」；要回答他真正问的，请发“%s 回复 文字”。", c.ID, c.ID)
	}
	if !wasLive {
		// Decided already ("A3 同意 给您换一套新的" then "A3 误判 换货"): what was agreed
		// stands — saying it was closed contradicted the case (trial 15).
		msg = fmt.Sprintf("🧠 %s 已经是「%s」，状态不变（没有通知买家），%s。", c.ID, c.StateLabel(), learnedClause(learned, label))
	}
	if c.Intent == cases.IntentQuestion && label == intents.Complaint {
		// A grievance the bot took for a question ("你们什么意思？？" after a refusal): the
		// complaint opens now with the buyer's words, its clock and alerts, and the buyer
		// hears it was registered.
		nc, err := t.openFromQuestion(c, intents.Complaint, c.OrderID, events, "", "complaint_opened")
		if err != nil {
			return err
		}
		msg = fmt.Sprintf("🧠 %s 改为投诉：已开投诉单 %s（买家原话已带上，已告诉买家）；%s。", c.ID, nc.ID, learnedClause(learned, intents.Complaint))
	}
	if phone := phoneIn(events); c.Intent == cases.IntentQuestion && needsOrder(label) && c.OrderID == "" && phone != "" {
		// The buyer could not find the order number and left a phone instead ("订单号找
		// 不着了 我电话…"): the request opens now on no order, the merchant finds it by
		// the phone — asking the buyer for the order number again was what they could not
		// do (trial 13).
		nc, err := t.openFromQuestion(c, label, "", events, phone, "case_opened")
		if err != nil {
			return err
		}
		if err := t.changeSession(c.Shop, c.Buyer, func(sess *session) {
			sess.Intent, sess.Asked, sess.Menu, sess.Confirm, sess.Pending, sess.CaseID = "", false, nil, nil, nil, nc.ID
		}); err != nil {
			return err
		}
		msg = fmt.Sprintf("🧠 %s 改为%s：已开售后单 %s（买家原话和电话 %s 已带上，还没有订单号，请按电话查到订单），已告诉买家；%s。",
			c.ID, intentName(string(label)), nc.ID, phone, learnedClause(learned, label))
	} else if c.Intent == cases.IntentQuestion && needsOrder(label) {
		// A question that was really a request ("饭盒盖子是裂的" → 退货): the request starts
		// now, with the buyer's words, and the buyer is asked for the one thing missing.
		if err := t.changeSession(c.Shop, c.Buyer, func(sess *session) {
			sess.Intent, sess.Asked, sess.Menu, sess.Confirm = label, true, nil, nil
			sess.Pending = buyerWords(events)
		}); err != nil {
			return err
		}
		if err := t.sayTo(c.Buyer, "ask_order", Data{Intent: intentName(string(label))}); err != nil {
			return err
		}
		msg = fmt.Sprintf("🧠 %s 改为%s：已请买家发订单号，收到后自动开售后单；%s。", c.ID, intentName(string(label)), learnedClause(learned, label))
	}
	switch {
	case len(kept) > 0 && strings.TrimSpace(arg) == "":
		msg += fmt.Sprintf("\n「%s」机器人读得很确定，没有自动记成「%s」（免得记错）；确实要记，请写：%s 误判 其他", vocab.Clip(kept[0], 30), intentName(string(label)), c.ID)
	case len(kept) > 0:
		msg += fmt.Sprintf("\n「%s」读起来明确是别的意思，没有记成「%s」。", vocab.Clip(kept[0], 30), intentName(string(label)))
	}
	return t.sayText(t.m.From, msg)
}

// readingWords are the buyer's message events of c that its reading came from: for an
// after-sale case, those recorded before the bot first answered on it (the burst it was
// opened on); for an inbox question, all of them. What the buyer said later — "这里视频
// 发不了啊" to the merchant's 等买家 — did not cause the misreading, and learned as the
// case's right label it taught the next buyer's same words as an exchange (trial).
func readingWords(c *cases.Case, events []cases.Event) []cases.Event {
	var out []cases.Event
	for _, ev := range events {
		if ev.Kind == cases.EventReply && c.Intent != cases.IntentQuestion && len(out) > 0 {
			break
		}
		if ev.Kind == cases.EventMessage {
			out = append(out, ev)
		}
	}
	return out
}

// openFromQuestion opens a case of label on orderID for inbox item q's buyer, with the
// buyer's words of events (q's) and, when given, the phone they left instead of an order;
// queues it for the platform and tells the buyer by reply key.
func (t *turn) openFromQuestion(q *cases.Case, label intents.Label, orderID string, events []cases.Event, phone, key string) (*cases.Case, error) {
	nc := &cases.Case{Shop: q.Shop, Buyer: q.Buyer, BuyerName: q.BuyerName, Intent: string(label), OrderID: orderID, Platform: q.Platform}
	if err := t.tx.OpenCase(nc, t.shop.Policy(nc.Intent)); err != nil {
		return nil, err
	}
	if err := t.recordAll(nc.ID, buyerWords(events)); err != nil {
		return nil, err
	}
	if phone != "" {
		if err := t.tx.AddEvent(cases.Event{Shop: nc.Shop, CaseID: nc.ID, Kind: cases.EventNote, Actor: "buyer", Text: "买家电话 " + phone}); err != nil {
			return nil, err
		}
	}
	if err := t.tx.QueueJob(cases.Job{Shop: nc.Shop, CaseID: nc.ID, Kind: cases.JobOpenCase}); err != nil {
		return nil, err
	}
	return nc, t.sayOnCase(nc.ID, q.Buyer, key, Data{CaseID: nc.ID, Intent: intentName(nc.Intent), OrderID: nc.OrderID, Deadline: nc.Deadline})
}

// phoneIn is the first mobile number in the buyer's words among events, or "".
func phoneIn(events []cases.Event) string {
	for _, ev := range events {
		if ev.Kind != cases.EventMessage || ev.Actor != "buyer" {
			continue
		}
		if p := intents.ExtractSlots(ev.Text).Phone; p != "" {
			return p
		}
	}
	return ""
}

// harmTold reports whether the buyer told, on case c, of harm the goods did (intents.Harms).
func (t *turn) harmTold(c *cases.Case) (bool, error) {
	evs, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(evs, func(ev cases.Event) bool {
		return ev.Kind == cases.EventMessage && intents.Harms(ev.Text)
	}), nil
}

// sayOnCase tells the buyer of caseID the reply key, kept on that case's transcript (a
// merchant command's turn may be on another case: 误判 on a question opens a complaint).
func (t *turn) sayOnCase(caseID, to, key string, d Data) error {
	prev := t.caseID
	t.caseID = caseID
	defer func() { t.caseID = prev }()
	return t.sayTo(to, key, d)
}

// hasLiveOf reports another live case of label by c's buyer on c's order: a correction
// to label would make it a duplicate of that one.
func (t *turn) hasLiveOf(c *cases.Case, label intents.Label) bool {
	dup, err := t.tx.LiveRequestOnOrder(c.Shop, c.Buyer, c.OrderID, string(label), c.ID)
	return dup || err != nil // unsure: close as before rather than risk a duplicate
}

// plainAsk is the confidence above which a request's words are plain enough that a bare
// 误判 does not unlearn them.
const plainAsk = 0.9

// goesBack reports an exchange whose goods come back before the new one goes out (a
// size, a colour, the wrong item, not as described, no reason given); a broken, faulty
// or missing item is reshipped.
func goesBack(r intents.Reason) bool {
	return r != intents.ReasonDamaged && r != intents.ReasonMissingPart && r != intents.ReasonQuality
}

// learnedClause says which of the buyer's words a 误判 taught as label, so the merchant
// sees what the bot will now read differently: up to three, clipped, then how many more;
// or that there was nothing to learn.
func learnedClause(said []string, label intents.Label) string {
	if len(said) == 0 {
		return "没有需要记住的买家原话"
	}
	return "记住了" + quoteLearned(said) + "是「" + intentName(string(label)) + "」，以后同样的话会认对"
}

// quoteLearned quotes the buyer's words learned: up to three, clipped.
func quoteLearned(said []string) string {
	var b strings.Builder
	b.WriteString("买家原话")
	for i, w := range said {
		if i == 3 {
			fmt.Fprintf(&b, "等 %d 句", len(said))
			break
		}
		b.WriteString("「" + vocab.Clip(w, 20) + "」")
	}
	return b.String()
}

// noSendBack reports a merchant's words that let the buyer keep the goods ("不用寄回",
// "不用退回了", "无需寄回").
func noSendBack(text string) bool {
	return mentions(text, "不用寄回", "不用退回", "无需寄回", "无需退回", "不需要寄回", "不需要退回", "不用寄了", "不用退货", "不用把",
		// "拒收就行 我们重新发": the parcel still on its way is refused, nothing posted back
		"拒收", "留着用", "不用寄")
}

// reships reports a merchant's words that send the missing or broken part anew ("盖子明天
// 补发", "给您补寄一个"), or the order changed before it ships ("已经帮您改成白色，今天发
// 出"): nothing of the buyer's goes back for it.
func reships(text string) bool {
	return mentions(text, "补发", "补寄", "补一个", "补个", "补一只", "补一套", "重新发一个", "再发一个", "重新寄一个", "再寄一个",
		// the order not sent yet, changed before it goes ("已经帮您改成白色，今天发出")
		"帮您改成", "已改成", "改好了", "今天发出", "明天发出", "马上发出")
}

// complaintResolved is the reply key for a complaint the merchant settled with note: the
// one without the bot's own apology when the merchant's note says sorry already ("给您添
// 麻烦了。给您添麻烦了🙏" — trial).
func complaintResolved(note string) string {
	if mentions(note, "麻烦", "抱歉", "不好意思", "对不起", "歉意") {
		return "complaint_resolved_sorry"
	}
	return "complaint_resolved"
}

// goodsArrived reports a merchant's note saying the goods sent back have come ("A1 同意
// 收到退件了 香槟色今天发出"): the return address sent with it contradicted them (trial).
func goodsArrived(text string) bool {
	return mentions(text, "收到退件", "退件收到", "收到退货", "退货收到", "收到寄回", "寄回的收到", "收到你寄回", "收到您寄回", "退回的收到", "已收到退回", "收到退回")
}

// merchantSaid is the merchant's latest 回复 on case c since it last changed state, or "".
func (t *turn) merchantSaid(c *cases.Case) (string, error) {
	evs, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return "", err
	}
	return merchantSince(evs), nil
}

// unbindFirstUse frees an order a refused or closed case's buyer held only by using it
// first (nothing proves it is theirs): otherwise one stranger's refused request would
// lock the real buyer out of their own order for good.
func (t *turn) unbindFirstUse(c *cases.Case) error {
	if c.OrderID == "" {
		return nil
	}
	other, err := t.tx.OtherCaseOnOrder(c.Shop, c.Buyer, c.OrderID, c.ID)
	if err != nil || other {
		// Still acting on the order, or a request of theirs on it was decided: theirs.
		return err
	}
	return t.tx.DropFirstUse(c.Shop, c.OrderID, c.Buyer)
}

// merge folds case other into c: other's transcript joins c's and other closes.
func (t *turn) merge(c *cases.Case, otherID string) error {
	o, err := t.tx.Case(c.Shop, otherID)
	if errors.Is(err, cases.ErrNotFound) {
		return t.sayText(t.m.From, fmt.Sprintf("没有找到售后单 %s。", otherID))
	}
	if err != nil {
		return err
	}
	if o.Buyer != c.Buyer {
		return t.sayText(t.m.From, fmt.Sprintf("%s 和 %s 不是同一个买家的单，不能合并。", c.ID, o.ID))
	}
	if !o.State.Live() {
		if c.State.Live() && o.State != cases.StateRejected {
			// A settled case takes in a duplicate of it the other way round.
			return t.sayText(t.m.From, fmt.Sprintf("%s 已经是「%s」；要把 %s 并进去，请反过来发：%s 合并 %s。", o.ID, o.State.Label(), c.ID, o.ID, c.ID))
		}
		if c.State.Live() {
			// "A8 合并 A2" with A2 refused: A2's words join the live A8, A2 stays refused.
			// (The advice had been "A2 合并 A8", which closed the live repair into the
			// refused return and hid it — trial.)
			if err := t.tx.MoveEvents(c.Shop, o.ID, c.ID); err != nil {
				return err
			}
			if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventMerchant, Actor: "merchant", Text: "并入 " + o.ID}); err != nil {
				return err
			}
			// What the buyer said on A2 after its refusal is answered on A8 now: A2 leaves
			// the lists of cases written to again (it stayed there — trial 24).
			if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: o.ID, Kind: cases.EventMerchant, Actor: "merchant", Text: cases.MergedInto + c.ID}); err != nil {
				return err
			}
			return t.sayText(t.m.From, fmt.Sprintf("🔗 %s（%s）的聊天记录已并入 %s；%s 还是「%s」，%s 照常处理。", o.ID, o.State.Label(), c.ID, o.ID, o.State.Label(), c.ID))
		}
		return t.sayText(t.m.From, fmt.Sprintf("%s 已经是「%s」，不用合并。", o.ID, o.State.Label()))
	}
	if c.State == cases.StateRejected {
		// "A2 合并 A8" with A2 refused and A8 live: closing the live request into a case
		// refused would drop it.
		return t.sayText(t.m.From, fmt.Sprintf("%s 已经是「%s」，%s 还在处理中，不能并进去；要把 %s 的记录带到 %s，请发：%s 合并 %s。", c.ID, c.State.Label(), o.ID, c.ID, o.ID, o.ID, c.ID))
	}
	if needsOrder(intents.Label(o.Intent)) && !needsOrder(intents.Label(c.Intent)) && c.State.Live() {
		// (Into a complaint already over — "A3 关闭 已电话沟通 已在后台退款" — the merchant
		// says the request is settled there; the words go with it.)
		// A refund folded into a complaint would be settled by the complaint's outcome
		// and never paid: the request is the case to keep.
		return t.sayText(t.m.From, fmt.Sprintf("%s 是%s（订单 %s），不能并入%s %s；请反过来发：%s 合并 %s。",
			o.ID, caseName(o), o.OrderID, caseName(c), c.ID, o.ID, c.ID))
	}
	if err := t.tx.MoveEvents(c.Shop, o.ID, c.ID); err != nil {
		return err
	}
	if c.OrderID == "" && o.OrderID != "" {
		// A complaint opened before any order was named takes the order the merged case
		// had (and its goods): 合并 lost it.
		c.OrderID, c.Goods = o.OrderID, o.Goods
		if err := t.tx.SaveCase(c); err != nil {
			return err
		}
	}
	// (A question's or a call for a person's time is how soon someone answers, not when the
	// request must be decided: Q1 merged into a refund made its day 15 minutes — trial.)
	earlier := !o.Deadline.IsZero() && c.State.Live() && (c.Deadline.IsZero() || o.Deadline.Before(c.Deadline)) &&
		o.Intent != cases.IntentQuestion && o.Intent != string(intents.Human)
	if earlier {
		// A complaint's 2-hour promise folded into a refund's day: the earlier promise
		// stands, and its warnings ring for the case kept (they were cancelled with o).
		c.Deadline = o.Deadline
		if err := t.tx.SaveCase(c); err != nil {
			return err
		}
		if err := t.tx.MoveAlerts(c.Shop, o.ID, c.ID); err != nil {
			return err
		}
	}
	if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventMerchant, Actor: "merchant", Text: "并入 " + o.ID}); err != nil {
		return err
	}
	if err := t.tx.SetState(o, cases.StateClosed, "merchant", "并入 "+c.ID); err != nil {
		return err
	}
	msg := fmt.Sprintf("🔗 %s 已并入 %s（聊天记录一并移过来），%s 已关闭。", o.ID, c.ID, o.ID)
	if earlier {
		msg += fmt.Sprintf("\n⏰ 截止时间按 %s 的更早的那个：%s 前处理。", o.ID, vocab.Deadline(c.Deadline))
	}
	if !c.State.Live() {
		// Nothing is left to decide on c: what the buyer asked on o is answered by word.
		msg += fmt.Sprintf("\n%s 是「%s」，%s 里买家问的请用“%s 回复 文字”答复。", c.ID, c.State.Label(), o.ID, c.ID)
	} else if o.Intent != c.Intent && needsOrder(intents.Label(o.Intent)) {
		// Two different requests (a swap and a refund): one decision on c answers both,
		// which the merchant must know before deciding.
		msg += fmt.Sprintf("\n⚠️ %s 是%s、%s 是%s：之后对 %s 的同意/拒绝按%s通知买家；如果是两件事，请让买家重新申请%s。",
			o.ID, caseName(o), c.ID, caseName(c), c.ID, caseName(c), caseName(o))
	}
	return t.sayText(t.m.From, msg)
}

// labelWord reads the label a merchant names in 误判: the English label or its Chinese
// name (or a short form of it); nothing or 无 means "no request at all" (other).
func labelWord(s string) (intents.Label, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "无", "没有", "都不是", "不是售后":
		return intents.Other, true
	case "补发", "少件", "漏发", "缺件", "换新":
		// What the buyer was told their case is ("已为您登记补发"): an exchange with a
		// part missing (trial 20: "A1 误判 补发" was refused).
		return intents.Exchange, true
	case "仅退款", "退钱", "只退款":
		return intents.Refund, true
	case "快递", "查物流", "催发货":
		return intents.Logistics, true
	case "转人工", "客服", "真人":
		return intents.Human, true
	case "取消":
		return intents.Cancel, true
	}
	if l, ok := intents.ParseLabel(strings.ToLower(s)); ok {
		return l, true
	}
	for _, l := range intents.Labels() {
		name := l.Chinese()
		if s == name || len([]rune(s)) >= 2 && strings.HasPrefix(name, s) {
			return l, true
		}
	}
	return "", false
}

// onlySlots reports text with no words in it: an order number, a menu digit.
func onlySlots(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func (t *turn) releaseIfHandedOff(c *cases.Case) error {
	h, err := t.tx.Handoff(c.Shop, c.Buyer)
	if err != nil || h != c.ID {
		return err
	}
	return t.setHandoff(c.Shop, c.Buyer, "")
}

// queueResolve tells the platform the merchant's decision, through the job outbox.
func (t *turn) queueResolve(c *cases.Case, approve bool, reason string) error {
	if c.Intent == "human" {
		return nil
	}
	return t.tx.QueueJob(cases.Job{Shop: c.Shop, CaseID: c.ID, Kind: cases.JobResolve, Payload: cases.ResolvePayload{Approve: approve, Reason: reason}.Encode()})
}

// detailLines is how many of the last messages a case's details show, detailClip the
// runes each may have (a buyer's message is at most the engine's cap; this bounds what
// a forwarded wall of text costs the merchant's screen).
const (
	detailLines = 8
	detailClip  = 300
)

// details shows one case and the end of its transcript, short enough for a phone.
func (t *turn) details(c *cases.Case) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s｜%s\n", c.ID, caseName(c), c.StateLabel())
	if c.OrderID != "" {
		fmt.Fprintf(&b, "订单 %s\n", c.OrderID)
	}
	if c.Goods != "" {
		fmt.Fprintf(&b, "商品 %s\n", c.Goods)
	}
	fmt.Fprintf(&b, "买家 %s\n", c.Who())
	// What else the buyer has going on ("怎么没人回我啊" on Q7 is about their exchange A4).
	others, err := t.tx.BuyerCases(c.Shop, c.Buyer)
	if err != nil {
		return err
	}
	var also []string
	for _, o := range others {
		if o.ID != c.ID && o.State.Live() {
			also = append(also, fmt.Sprintf("%s %s（%s）", o.ID, caseName(&o), o.StateLabel()))
		}
	}
	if len(also) > 0 {
		fmt.Fprintf(&b, "这位买家还有：%s\n", strings.Join(also, "、"))
	}
	if c.State.Live() && !c.Deadline.IsZero() {
		fmt.Fprintf(&b, "截止 %s（%s）\n", vocab.Clock(c.Deadline), vocab.Remaining(c.Deadline.Sub(t.tx.Now())))
	}
	if c.Note != "" {
		fmt.Fprintf(&b, "备注 %s\n", c.Note)
	}
	events, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return err
	}
	// The merchant asked for this case to read it: the buyer's words whole (a run-on of
	// an elderly buyer was cut at 40 characters, before what she wanted), the last few.
	var lines []string
	for _, ev := range events {
		switch {
		case ev.Kind == cases.EventMessage:
			lines = append(lines, "买家："+vocab.Clip(ev.Text, detailClip))
		case ev.Kind == cases.EventReply && ev.Actor == "merchant":
			lines = append(lines, "店铺："+vocab.Clip(ev.Text, detailClip))
		}
	}
	if len(lines) > detailLines {
		lines = append([]string{"…"}, lines[len(lines)-detailLines:]...)
	}
	b.WriteString(strings.Join(lines, "\n"))
	return t.sayText(t.m.From, strings.TrimRight(b.String(), "\n"))
}

// list shows live cases, nearest deadline first.
func (e *Engine) list(ctx context.Context, m Message, overdue bool) ([]cases.Reply, error) {
	now := e.now()
	// Buyers waiting for an answer first, longest wait first; then the after-sale cases
	// by time left. Each is looked up apart, so many waiting questions never push an
	// after-sale case (a two-hour complaint) off the list.
	find := func(f cases.CaseFilter) ([]cases.Case, error) {
		f.Shop, f.LiveOnly, f.Limit = m.Shop, true, listFetch
		if overdue {
			f.DueBefore = now
		}
		return e.store.FindCases(ctx, f)
	}
	questions, err := find(cases.CaseFilter{Intent: cases.IntentQuestion})
	if err != nil {
		return e.do(ctx, m, func(*turn) error { return err })
	}
	afterSale, err := find(cases.CaseFilter{NotIntent: cases.IntentQuestion})
	if err != nil {
		return e.do(ctx, m, func(*turn) error { return err })
	}
	// unlisted says how many more there are than shown (at least, past listFetch).
	unlisted := func(n int) string {
		if n <= listShown {
			return ""
		}
		more := fmt.Sprint(n - listShown)
		if n >= listFetch {
			more += " 条以上"
		} else {
			more += " 条"
		}
		return "\n…还有 " + more + "未列出（发“A12”或“Q7”看某一条，看板上有全部）"
	}
	var b strings.Builder
	if len(questions) > 0 {
		fmt.Fprintf(&b, "待回复 %s 条（买家在等，回复“%s 回复 文字”）：", countOf(len(questions)), questions[0].ID)
		for _, c := range questions[:min(len(questions), listShown)] {
			said := e.buyerWords(ctx, &c)
			more := ""
			if len(said) > 1 {
				more = fmt.Sprintf("（共 %d 条，发“%s”看全部）", len(said), c.ID)
			}
			fmt.Fprintf(&b, "\n%s %s 已等 %s：%s%s", c.ID, c.Who(), vocab.Left(now.Sub(c.OpenedAt)), vocab.Clip(strings.Join(said, " / "), 40), more)
		}
		b.WriteString(unlisted(len(questions)))
		b.WriteString("\n")
	}
	switch {
	case len(afterSale) == 0 && overdue:
		b.WriteString("没有超时的售后 👍")
	case len(afterSale) == 0:
		b.WriteString("没有待处理的售后 👍")
	default:
		fmt.Fprintf(&b, "待处理 %s 单（按剩余时间）：", countOf(len(afterSale)))
		for _, c := range afterSale[:min(len(afterSale), listShown)] {
			left := vocab.Remaining(c.Deadline.Sub(now))
			if c.State == cases.StateWaitingBuyer {
				// Paused while the buyer owes an answer: the clock shown is the one kept.
				left = "等买家（计时暂停，剩 " + vocab.Left(c.PausedLeft) + "）"
			}
			evs, err := e.store.Events(ctx, c.Shop, c.ID)
			if err != nil {
				return e.do(ctx, m, func(*turn) error { return err })
			}
			name := caseName(&c)
			if c.Intent != string(intents.Complaint) && cases.Grieved(evs) {
				name += "（买家投诉了）"
			}
			fmt.Fprintf(&b, "\n%s %s %s %s%s", c.ID, name, c.Who(), left, firstSaid(evs))
		}
		b.WriteString(unlisted(len(afterSale)))
	}
	if !overdue {
		// Agreed but not done: a replacement or a repair to send out, goods coming back.
		// They left the list at 同意 and nothing reminded the merchant of them ("没有待处理
		// 的售后 👍" with four replacements still to ship).
		agreed, err := e.store.Agreed(ctx, m.Shop, "", now)
		if err != nil {
			return e.do(ctx, m, func(*turn) error { return err })
		}
		if len(agreed) > 0 {
			fmt.Fprintf(&b, "\n已同意、还在办的 %d 单（办完发“%s 关闭”）：", len(agreed), agreed[0].ID)
			for _, c := range agreed {
				fmt.Fprintf(&b, "\n%s %s %s 同意于 %s", c.ID, caseName(&c), c.Who(), vocab.Clock(c.UpdatedAt))
			}
		}
		again, err := e.store.WrittenAgain(ctx, m.Shop, "", now, AnsweredOn)
		if err != nil {
			return e.do(ctx, m, func(*turn) error { return err })
		}
		var asked []string
		for _, a := range again {
			c := a.Case
			asked = append(asked, fmt.Sprintf("\n%s %s %s（%s）：%s", c.ID, caseName(&c), c.Who(), c.StateLabel(), vocab.Clip(strings.Join(a.Said, " / "), 30)))
		}
		if len(asked) > 0 {
			fmt.Fprintf(&b, "\n已处理、买家又来消息的 %d 单（回复“%s 回复 文字”）：%s", len(asked), again[0].Case.ID, strings.Join(asked, ""))
		}
	}
	return e.do(ctx, m, func(t *turn) error { return t.sayText(m.From, b.String()) })
}

// listShown is how many questions, and how many after-sale cases, 列表 shows in a chat
// message; listFetch how many of each it looks up, to say how many more there are.
const (
	listShown = 15
	listFetch = 100
)

// countOf is n for a list's heading, "100+" when the lookup stopped at listFetch.
func countOf(n int) string {
	if n >= listFetch {
		return fmt.Sprintf("%d+", listFetch)
	}
	return fmt.Sprint(n)
}

// saveAsFAQ splits a reply from the mark that asks to keep it as an FAQ answer.
func saveAsFAQ(arg string) (text string, save bool) {
	arg = strings.TrimSpace(arg)
	for _, mark := range []string{vocab.SaveFAQ, "+常见问题", "＋问答", "＋常见问题"} {
		if rest, ok := strings.CutSuffix(arg, mark); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return arg, false
}

// saveFAQ keeps the buyer's question of inbox item c with the merchant's answer as an
// FAQ entry of the shop (stored in this turn, added to the FAQ once it commits), and
// says so for the merchant.
func (t *turn) saveFAQ(c *cases.Case, answer string) (string, error) {
	if t.shop.FAQ == nil {
		return "\n（店铺没有配置常见问题文件 shops.faq，没能存为常见问题。）", nil
	}
	events, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return "", err
	}
	said := cases.BuyerTexts(events)
	if len(said) == 0 {
		return "\n（这条咨询没有文字问题，没能存为常见问题。）", nil
	}
	question, from, open := t.openQuestion(said)
	if open > 1 {
		// "新疆也包吗" / "保温杯是304的吗" / "1.8米床的被套多大" answered at once: one answer
		// to three questions would be given to the next buyer who asks only one of them
		// (trial 16 answered "新疆也包吗" with the thermos and the duvet cover).
		return fmt.Sprintf("\n（这条咨询里有 %d 个问题，一条回复存成问答会答非所问，没存为常见问题；可以在常见问题文件里分开写。）", open), nil
	}
	if buyerSpecific(from) {
		// "165 100斤穿什么码": the answer fits this buyer's numbers, not the next buyer's.
		return "\n（这条问题带着买家自己的数字（身高体重、订单号等），答案不一定适合别人，没存为常见问题。）", nil
	}
	if aboutTheirParcel(answer) {
		// "您的包裹在长沙转运中心，明天就能到" to "怎么这么慢" on an order: saved, it was told
		// to the next buyer asking so, who had no order at all (trial 26).
		return "\n（这条回复说的是这位买家自己的订单或包裹，答案不适合别人，没存为常见问题。）", nil
	}
	e := cases.FAQEntry{Shop: c.Shop, ID: inboxFAQPrefix + strings.ToLower(c.ID), Question: question, Answer: answer}
	if err := t.tx.AddFAQ(e); err != nil {
		return "", err
	}
	t.faqAdded = append(t.faqAdded, e)
	return fmt.Sprintf("\n📚 已存为常见问题：以后有人问「%s」这类问题，机器人直接这样回答。", vocab.Clip(question, 20)), nil
}

// openQuestion is the question of an inbox item the merchant's answer is for: the first
// question among the buyer's messages that the FAQ does not answer already ("这个杯子能进
// 洗碗机吗 包邮吗" → "这个杯子能进洗碗机吗", 包邮 being answered), else the first message;
// from is the message it was taken from, open how many such questions there are.
func (t *turn) openQuestion(said []string) (question, from string, open int) {
	seen := map[string]bool{} // the same question asked again while no one answered is one
	for _, s := range said {
		qs := askParts(s)
		if qs == nil {
			qs = []string{askingPart(s)}
		}
		for _, q := range qs {
			if !intents.Asks(q) || seen[intents.Fold(q)] {
				continue
			}
			seen[intents.Fold(q)] = true
			if _, _, ok := t.shop.FAQ.Answer(q, t.shop.Name); !ok {
				if open == 0 {
					question, from = q, s
				}
				open++
			}
		}
	}
	if open > 0 {
		return question, from, open
	}
	if len(said) > 1 {
		// Every question asked is the FAQ's already: the last words follow one up ("那个马
		// 克杯能进微波炉不" / "还有洗碗机") and are the question only with what they follow.
		all := strings.Join(said, " ")
		return all, all, 0
	}
	return said[0], said[0], 0
}

// aboutTheirParcel reports a merchant's answer about the buyer's own order or parcel ("您的
// 包裹在长沙转运中心", "已经帮您催了"), not a rule for every buyer.
func aboutTheirParcel(answer string) bool {
	return mentions(answer, "您的包裹", "你的包裹", "您的订单", "你的订单", "您这单", "你这单", "您的快递", "你的快递", "帮您催", "帮你催",
		"已经帮您", "已帮您", "转运中心", "派送中", "已签收", "运单号", "单号是")
}

// buyerSpecific reports a question whose answer fits the asker alone: their body ("165
// 100斤穿什么码", "宝宝10个月"), their order or phone (a long number), or their quantity
// ("我要买3个"). "43码能穿吗", "1.5米床的有吗" ask about the goods, for anyone.
func buyerSpecific(text string) bool {
	if mentions(text, "身高", "体重", "我家", "宝宝", "孩子", "我老公", "我老婆") && strings.ContainsFunc(text, unicode.IsDigit) {
		return true
	}
	rs := []rune(text)
	run := 0
	for i, r := range rs {
		if !unicode.IsDigit(r) {
			run = 0
			continue
		}
		run++
		if run >= 6 {
			return true // an order, phone or tracking number
		}
		if i > 0 && (rs[i-1] == '买' || rs[i-1] == '要' || rs[i-1] == '拿') {
			return true // "我要买3个"
		}
		if i+1 < len(rs) && !unicode.IsDigit(rs[i+1]) {
			rest := string(rs[i+1:])
			for _, u := range []string{"斤", "公斤", "kg", "KG", "cm", "CM", "厘米", "岁", "个月", "周"} {
				if strings.HasPrefix(rest, u) {
					return true
				}
			}
		}
	}
	return false
}

// askingPart is the one part of a message that asks ("运费谁出啊" of "好的 那我寄回去了 运费
// 谁出啊"), or the message when none or several do.
func askingPart(text string) string {
	found := ""
	for _, p := range clauses(text) {
		if intents.Asks(p) && !elliptical(p) {
			if found != "" {
				return text
			}
			found = p
		}
	}
	if found == "" || utf8.RuneCountInString(found) < 3 {
		return text
	}
	return found
}

// buyerWords are the buyer's text messages on a case, oldest first; nil when they cannot
// be read.
func (e *Engine) buyerWords(ctx context.Context, c *cases.Case) []string {
	events, err := e.store.Events(ctx, c.Shop, c.ID)
	if err != nil {
		return nil
	}
	return cases.BuyerTexts(events)
}

// personMet stops the reminders of the buyer's request for a person, and of their questions
// in the inbox, once the merchant takes them over, on that case or on any other of theirs:
// someone is with the buyer now (a 转人工 beside a refund kept reminding after 接管 on the
// refund; an inbox question reminded until answered apart).
func (t *turn) personMet(c *cases.Case) error {
	// The buyer's questions waiting in the inbox are the person's to answer in the chat
	// now: their reminders would ring on after the take-over.
	live, err := t.tx.BuyerCases(c.Shop, c.Buyer)
	if err != nil {
		return err
	}
	for i := range live {
		if q := &live[i]; q.Intent == cases.IntentQuestion && q.ID != c.ID {
			if err := t.tx.CancelAlerts(q.Shop, q.ID); err != nil {
				return err
			}
			if err := t.tx.SetState(q, cases.StateResolved, "merchant", "taken over on "+c.ID); err != nil {
				return err
			}
		}
	}
	hc, err := t.tx.LiveCase(c.Shop, c.Buyer, "", string(intents.Human))
	switch {
	case errors.Is(err, cases.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if err := t.tx.CancelAlerts(c.Shop, hc.ID); err != nil || hc.ID == c.ID {
		return err
	}
	// Met on another case: the request is settled, or the buyer's words would still go to
	// it once that case is given back to the bot.
	return t.tx.SetState(hc, cases.StateResolved, "merchant", "taken over on "+c.ID)
}

// changeSession changes buyer's conversation state in the turn: stored with it, and held
// in memory once it commits.
func (t *turn) changeSession(shop, buyer string, change func(*session)) error {
	sess := t.e.session(shop, buyer)
	change(&sess)
	data := sess.durable()
	if err := t.tx.SaveSession(shop, buyer, data); err != nil {
		return err
	}
	t.sessions = append(t.sessions, sessionWrite{shop: shop, buyer: buyer, s: sess, data: data})
	return nil
}

// otherRemedy is the remedy an approval's note names when it is another kind than the
// case's (维修 on a return, 换货 on a repair), else "". A refund on a return is the same
// request told more exactly.
func otherRemedy(l intents.Label, note string) intents.Label {
	if remedyKind(l) == 0 {
		return ""
	}
	for _, w := range []struct {
		word  string
		label intents.Label
	}{{"维修", intents.Repair}, {"换货", intents.Exchange}, {"退货退款", intents.Return}, {"退款", intents.Refund}} {
		if strings.Contains(note, w.word) && !mentions(note, "不用"+w.word, "不"+w.word, "无法"+w.word, "没法"+w.word) {
			if remedyKind(w.label) != remedyKind(l) {
				return w.label
			}
			return ""
		}
	}
	return ""
}

// firstSaid is "：" and the buyer's first words on a case that are more than an order
// number, clipped for one line of 列表 ("A2 换货 陈生 剩1天：杯子碎了一只…"): what the
// buyer wants, without opening the case (trial); "" with none.
func firstSaid(evs []cases.Event) string {
	for _, w := range buyerWords(evs) {
		if w.Media == "" && !onlySlots(w.Text) {
			return "：" + vocab.Clip(w.Text, 24)
		}
	}
	return ""
}

// misreadAs names what a misread case really was, for its log: the label in Chinese, or
// 不是售后请求 for none.
func misreadAs(l intents.Label) string {
	if l == "" || l == intents.Other {
		return "不是售后请求"
	}
	return intentName(string(l))
}

// remedyKind groups the requests by what the buyer gets: money back (refund, return),
// other goods (exchange), the goods mended (repair); 0 for the rest.
func remedyKind(l intents.Label) int {
	switch l {
	case intents.Refund, intents.Return:
		return 1
	case intents.Exchange:
		return 2
	case intents.Repair:
		return 3
	}
	return 0
}

// shortThreatRunes is the length up to which words carrying an escalation are the threat
// alone ("我要投诉", "给你差评"): nothing else in them for 误判 其他 to be about.
const shortThreatRunes = 8

// namesOnlyOther reports words that name a remedy (退, 换, 修) only of another kind than
// label's: "修" is no exchange, whatever the case became.
func namesOnlyOther(text string, label intents.Label) bool {
	named := map[int]bool{}
	for _, w := range []struct {
		char string
		kind int
	}{{"退", 1}, {"换", 2}, {"修", 3}} {
		if strings.Contains(text, w.char) && !mentions(text, "退休", "装修", "修改", "换季") {
			named[w.kind] = true
		}
	}
	return len(named) > 0 && !named[remedyKind(label)]
}

// needsNoAnswer reports a buyer's words that need no answer from the merchant: thanks, an
// OK ("找到了 谢谢", "好的"). The merchant's lists leave them out.
func needsNoAnswer(text string) bool { return thanks(text) || bareOK(text) }

// AnsweredOn reports a buyer's words on decided case c that need no answer from the
// merchant: needsNoAnswer, or a plain status question on an agreed case, which the bot
// answered from it ("钱啥时候到账" — trial 22: 列表 kept them as waiting). A delay told
// ("怎么还没退 都5天了") or anger is the merchant's to hear.
func AnsweredOn(c cases.Case, text string) bool {
	if needsNoAnswer(text) {
		return true
	}
	return c.State == cases.StateResolved && asksStatus(text, intents.Label(c.Intent)) && !toldDelay(text)
}

// toldDelay reports words saying what was agreed has not come ("怎么还没退 都5天了"), or
// anger: news for the merchant, whatever the case says.
func toldDelay(text string) bool {
	return angry(text) || exasperated(text) || mentions(text, "还没", "还不", "怎么还", "咋还", "没到", "没收到", "天了", "多久了")
}

// bothMoneyBack reports two labels that both give the money back (refund, return): one
// corrected to the other tells the same 退 more exactly.
func bothMoneyBack(a, b intents.Label) bool {
	back := func(l intents.Label) bool { return l == intents.Refund || l == intents.Return }
	return back(a) && back(b)
}

// unansweredWords counts the buyer's messages in a case's events after the last words
// said to them by the merchant (a 回复 or a decision's note), and gives the last of them.
func unansweredWords(events []cases.Event) (n int, last string) {
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		switch {
		case ev.Kind == cases.EventMessage && !needsNoAnswer(ev.Text):
			if n == 0 {
				last = ev.Text
			}
			n++
		case ev.Kind == cases.EventReply && ev.Actor == "merchant", ev.Kind == cases.EventState && ev.Actor == "merchant":
			return n, last
		}
	}
	return n, last
}
