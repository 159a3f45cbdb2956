package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/vocab"
)

// caseLabels are the intents that open a case against an order.
func needsOrder(l intents.Label) bool {
	return l == intents.Refund || l == intents.Return || l == intents.Exchange || l == intents.Repair
}

// recentFor is how long after it closes a case still counts as the buyer's recent case,
// one a message may be about ("退款到账了吗").
const recentFor = 30 * 24 * time.Hour

// maxPending bounds the words kept for a transcript before a case exists.
const maxPending = 20

// buyer handles a buyer's message.
func (e *Engine) buyer(ctx context.Context, m Message) ([]cases.Reply, error) {
	ctx = withLookups(ctx)
	sess, view, err := e.sessionAndView(ctx, m)
	// Every path leaves the session as it ends the turn: what the buyer said last, what
	// the bot asked, what is pending.
	defer func() { sess.Seen = true; e.saveSession(m.Shop, m.From, sess) }()
	if err != nil {
		return e.do(ctx, m, func(*turn) error { return err })
	}
	if len(view.Cases) > 0 {
		sess.Seen = true // a buyer with cases is no first contact, whatever memory holds
	}
	// Inbox questions are not after-sale cases: the conversation never answers from them
	// or joins a request to them; question() finds the waiting one itself.
	var waiting *cases.Case // the buyer's inbox question waiting for the merchant, if any
	if i := slices.IndexFunc(view.Cases, func(c cases.Case) bool { return c.Intent == cases.IntentQuestion && c.State.Live() }); i >= 0 {
		q := view.Cases[i] // a copy: the view's question items are deleted in place below
		waiting = &q
	}
	asking := waiting != nil
	m.asking = asking
	for _, c := range view.Cases {
		if c.Intent == cases.IntentQuestion && c.OrderID != "" {
			m.asked = append(m.asked, c.OrderID)
		}
		if c.Intent == cases.IntentQuestion && !c.State.Live() && (m.answered == nil || c.UpdatedAt.After(m.answered.UpdatedAt)) {
			m.answered = &c
		}
	}
	view.Cases = slices.DeleteFunc(view.Cases, func(c cases.Case) bool { return c.Intent == cases.IntentQuestion })
	if view.Handoff != "" {
		// A person has taken over: the bot stays silent; each message is kept on the case
		// and goes to the merchant, who is answering this buyer now.
		return e.do(ctx, m, func(t *turn) error {
			if err := t.record(view.Handoff, m); err != nil {
				return err
			}
			return t.tx.ScheduleAlert(cases.Alert{Shop: m.Shop, CaseID: view.Handoff, Kind: cases.AlertBuyerSaid, DueAt: t.tx.Now(), Note: mediaOrText(m)})
		})
	}
	if hc := personCase(view.Live()); hc != nil && m.Kind == KindText {
		// Asked for a person, none has taken over yet: the words go on that case, and the
		// buyer hears when someone will answer (once in a while, not at every message).
		r := e.read(m.Shop, m.Text)
		answersUs := r.SlotOnly && r.Slots.OrderID != "" && sess.Intent.OpensCase() // the order number the bot asked for
		if !answersUs && (!r.Label.OpensCase() || r.Label == intents.Complaint && !r.Escalation) {
			// ("人呢" is read as a grievance: while waiting for a person it is waiting.)
			order := ""
			if r.SlotOnly {
				order = r.Slots.OrderID
			}
			return e.awaitPerson(ctx, m, &sess, hc, r.Slots.Phone, order, r.Label == intents.Human)
		}
	}
	resumed, noted, stillAsked, err := e.resumeWaiting(ctx, m, view.Live())
	if err != nil {
		if errors.Is(err, errRedelivered) {
			return nil, err
		}
		return e.do(ctx, m, func(*turn) error { return err })
	}
	if c := cmp.Or(resumed, noted); c != nil {
		// The answer to what the case waited on ("寄了 单号SF…") or a promise of it: kept
		// on the case (once), the buyer told so. A withdrawal or a grievance goes on as usual.
		if m.Kind != KindText {
			return e.answer(ctx, m, "media_received", Data{CaseID: c.ID, Intent: caseName(c)})
		}
		if l := e.read(m.Shop, m.Text).Label; l != intents.Cancel && l != intents.Complaint && !angry(m.Text) {
			if resumed == nil && !promises(m.Text) {
				// "芒果收到了 有两个烂了 别的还好" while a photo is awaited: words, not the
				// promise "好的～ 准备好了直接发给我就行" answers; what is still needed is said.
				return e.answer(ctx, m, "waiting_still", Data{CaseID: c.ID, Reason: stillAsked})
			}
			if resumed == nil {
				return e.answer(ctx, m, "waiting_noted", Data{CaseID: c.ID})
			}
			return e.answer(ctx, m, "case_updated", Data{CaseID: resumed.ID, Intent: caseName(resumed)})
		}
	}
	if !m.replayed && m.part <= 1 { // a list's items are one message to the flood limit
		if ok, slowDown := e.admit(ctx, m); !ok {
			if slowDown {
				return e.answer(ctx, m, "too_fast", Data{})
			}
			return nil, nil // a repeat of the words just answered, or still too fast
		}
	}
	if m.Kind != KindText {
		return e.media(ctx, m, &sess, view)
	}
	m.faq = &faqLookup{about: goodsBackAbout(view.Live()), goods: sess.Goods, replacing: replacing(view.Cases, e.now())}
	if m.faq.about == "" && sendingBack(m.Text) {
		about, err := e.goodsBackAgreed(ctx, view.Cases)
		if err != nil {
			return nil, err
		}
		m.faq.about = about
	}
	for _, c := range view.Live() {
		if c.Goods != "" {
			m.faq.goods = c.Goods
			break
		}
	}
	if e.now().Sub(sess.AnsweredAt) < faqRepeatWithin {
		m.faq.given = sess.Answered
	}
	if m.Text == "" {
		return e.answer(ctx, m, "empty", Data{})
	}

	e.answersQuote(m, &sess)
	now := e.now()
	earlier := sess.burst(now)
	justTold := now.Sub(sess.Told) < burstWindow // their question went to the merchant a moment ago
	if m.part > 1 {
		earlier = nil // the list's items before it are other matters, not this one's burst
	}
	res := e.read(m.Shop, m.Text)
	sess.named(append([]string{res.Slots.OrderID}, moreOrders(res.Slots)...)...)
	m.statusAsked = sess.StatusAsk
	if !res.SlotOnly || res.Slots.OrderID == "" {
		sess.StatusAsk = false // only the order number it asked for answers a status ask
	}
	if res.Label != intents.Greeting && !bareOK(m.Text) {
		// A hello or an OK is not part of what the buyer describes.
		sess.remember(m.Text, now)
	}
	if sess.Verify != nil {
		if replies, ok, err := e.verifyAnswer(ctx, m, &sess); ok {
			return replies, err
		}
	}
	if sess.Confirm != nil {
		pc := sess.Confirm
		sess.Confirm = nil
		sess.PassedOver = ""
		if pc.CaseID == "" {
			sess.PassedOver = pc.Label // until a yes or a no below says otherwise
		}
		if yes, ok := yesNo(m.Text); ok {
			sess.PassedOver = ""
			replies, err := e.confirmed(ctx, m, &sess, view, pc, yes)
			e.saveSession(m.Shop, m.From, sess)
			return replies, err
		}
		if pc.Label == intents.Cancel && pc.CaseID != "" && puzzled(m.Text) {
			// "啥意思 我不会" to "回复 1 撤销 / 2 不撤销": asked again in plain words, the
			// question still standing (trial 29 opened an inbox item of it, and the refund
			// the buyer had withdrawn stayed open).
			sess.Confirm, sess.PassedOver = pc, ""
			return e.answer(ctx, m, "confirm_cancel_plain", Data{CaseID: pc.CaseID})
		}
		if res.SlotOnly && res.Slots.OrderID != "" && pc.CaseID == "" && pc.Label.OpensCase() {
			// The order number instead of "1": a yes that brings what comes next.
			sess.OrderID, sess.PassedOver = res.Slots.OrderID, ""
			replies, err := e.confirmed(ctx, m, &sess, view, pc, true)
			e.saveSession(m.Shop, m.From, sess)
			return replies, err
		}
	}
	alone := res // this message read on its own, before the burst around it
	res, took := e.readBurst(m.Shop, res, m.Text, earlier)
	if res.Slots.Reason == intents.ReasonLate && (res.Label == intents.Other || res.Label == intents.Complaint || res.Unclear) &&
		!res.Escalation && !res.Grievance && !res.SlotOnly && len(sess.Menu) == 0 && !intents.NamesRemedy(m.Text) && !angry(m.Text) {
		// "我的眼罩一直没到呢", "饭盒等了一星期还没收到": where the parcel is — not the
		// remedies, nor "没太明白" (trial 15). Anger or a remedy named stays what it is.
		res.Label, res.Unclear, res.Confirm = intents.Logistics, false, false
	}
	if lettingGo(m.Text) && (len(view.Live()) > 0 || asking) && len(sess.Menu) == 0 && !res.Label.OpensCase() && (res.Label != intents.Cancel || res.Unclear) && !res.Escalation {
		// "算了", "算了 我自己弄吧" with a request or a question of theirs open: letting it
		// go, in context — the model reads a bare 算了 either way (0.57 other, 0.57 cancel
		// in two models of the same corpus), and the withdrawal is confirmed or done below
		// as for any (a sure one only above withdrawAbove).
		res.Label, res.Unclear = intents.Cancel, false
	}
	if c := justWithdrawn(view.Cases, now); c != nil && confirmsCancel(m.Text) && len(sess.Menu) == 0 && sess.Confirm == nil {
		// "取消吧" right after "那不退了" withdrew A2: saying it again, not 取消订单 —
		// trial 28 opened a refund A3 on it.
		return e.answer(ctx, m, "cancelled", Data{CaseID: c.ID})
	}
	if c := liveRequest(view.Cases); c != nil && res.Slots.OrderID == "" && len(sess.Menu) == 0 && !res.Escalation && sess.Confirm == nil && (!res.Label.OpensCase() || res.Label == intents.Complaint) {
		// With a request open, chasing it is about it: "怎么还没人理我", "快点行不行啊 等半天了"
		// join it as a grievance the merchant hears at once, and "我那个单子呢" is answered
		// from it — trial 29 opened an inbox item beside the case for each, one worry
		// split over two tickets.
		switch {
		case chasesNoOne(m.Text) && !defect(res.Slots.Reason):
			sess.keep(m.Text)
			return e.joinComplaint(ctx, m, &sess, c)
		case asksAfterIt(m.Text):
			return e.answerStatus(ctx, m, &sess, c)
		}
	}
	if fedUpWithBot(m.Text) && !res.Escalation && len(sess.Menu) == 0 {
		// "你们机器人能不能有点用": not curious who answers — done with the bot; a person
		// (trial 27 got the self-introduction, which told them to type 转人工).
		return e.human(ctx, m, &sess)
	}
	if asksIfBot(m.Text) && !res.Escalation && len(sess.Menu) == 0 &&
		(!res.Label.OpensCase() || res.Label == intents.Complaint && !res.Grievance && !angry(m.Text)) {
		// "你是机器人吧哈哈", "你到底是不是真人啊": curious, not asking for a person — said
		// plainly who answers (trial 14 alerted the merchant 转人工; trial 15 got the menu).
		return e.chat(ctx, m, &sess, "whoami")
	}
	if leavesItToShop(m.Text) && defect(res.Slots.Reason) && !intents.NamesRemedy(m.Text) && !res.Escalation && len(sess.Menu) == 0 && len(view.Live()) == 0 {
		// "…把手已经断裂…麻烦您看看怎么处理比较合适": the buyer leaves the remedy to the
		// shop — a person decides with them, not a remedy the model guessed (trial: an
		// exchange was registered that nobody asked for).
		sess.keep(m.Text)
		return e.human(ctx, m, &sess)
	}
	if c := caseFor(view.Cases, res.Slots.OrderID); c != nil && mentions(m.Text, promiseWords...) && !res.Escalation && res.Label != intents.Cancel && len(sess.Menu) == 0 {
		said, err := e.merchantWords(ctx, c)
		if err != nil {
			return nil, err
		}
		if mentions(said, promiseWords...) {
			// "红包怎么领", "那个补偿什么时候给" after the merchant offered one on this case
			// ("抱歉 给您补偿5元红包"): about that offer, which the merchant knows — not the
			// shop's coupon FAQ, nor the order's tracking, nor an inbox item apart from it.
			return e.followUp(ctx, m, &sess, c)
		}
	}
	label, slots := res.Label, res.Slots
	if label == intents.Cancel && wantsReplacement(m.Text) && !res.Escalation && len(sess.Menu) == 0 {
		// "要不还是别退款了 给我重新发两个杯子吧": the refund dropped for a replacement —
		// a change of request, not a withdrawal (trial 22 told the merchant 买家不要了).
		label, res.Label = intents.Exchange, intents.Exchange
	}
	choseMenu := false
	if c := newestIn(view.Cases, cases.StateCancelled); c != nil && (label == intents.Refund || label == intents.Return ||
		res.Unclear && (res.Candidates[0] == intents.Refund || res.Candidates[0] == intents.Return)) &&
		(c.Intent == string(intents.Refund) || c.Intent == string(intents.Return)) && mentions(m.Text, "还是") && !res.Escalation &&
		(slots.OrderID == "" || slots.OrderID == c.OrderID) && e.now().Sub(c.UpdatedAt) < disputeWithin {
		// "饭盒还是退了吧 …有股怪味" after withdrawing the lunch box's return: that request
		// again, on its order — not asked for the order number, nor read as a refund only
		// (trial 17).
		label = intents.Label(c.Intent)
		res.Unclear, res.Confirm = false, false // ("想了想还是退吧", read unclearly: that request, not a menu)
		if slots.OrderID == "" && sess.OrderID == "" {
			sess.OrderID = c.OrderID
		}
	}
	var back *cases.Case // the case a waybill in this message belongs to, if any
	if slots.Tracking != "" {
		back = goodsBack(view.Cases, slots.OrderID)
		if g := caseByGoods(view.Cases, m.Text); back != nil && g != nil && g != back && slots.OrderID == "" && goodsBack([]cases.Case{*g}, "") != nil {
			// "四件套寄出了 圆通 YT…" with the lamp's exchange newer: the bedding's return
			// takes its waybill, not the newest case (trial: the buyer was asked for it again).
			back = g
		}
	}
	if slots.Tracking != "" && back == nil {
		// "寄出去了 顺丰SF…" after "拒绝 台灯需要先寄回检测": the goods the merchant asked
		// for, on their way back (trial 17 took it for the order's own tracking).
		d, err := e.refusedAskingBack(ctx, view.Cases)
		if err != nil {
			return nil, err
		}
		back = d
	}
	switch n, ok := menuChoice(m.Text, sess.Menu); {
	case ok && n == 0:
		label, sess.Menu = intents.Human, nil
	case ok:
		label, sess.Menu, choseMenu = intents.Label(sess.Menu[n-1]), nil, true
		if sess.Intent == "" { // the slots were in the message that led to the menu
			slots = e.read(m.Shop, sess.MenuText).Slots
		}
	case remedyMenuOpen(&sess) && slots.OrderID == "" && putsOff(m.Text) && (!alone.Label.OpensCase() || alone.Label == intents.Complaint) && !alone.Escalation && !intents.Asks(m.Text):
		// "太晚了 明天再说吧", "睡了 晚安" to the remedies: the question waits for them —
		// not put to them again (trial: asked three times as they said goodnight).
		return e.answer(ctx, m, "remedy_later", Data{})
	case remedyMenuOpen(&sess) && slots.OrderID == "" && needsOrder(alone.Label) && !alone.Unclear &&
		policyQuestion(m.Text, slots) && !tagQuestion(m.Text) && !mentions(m.Text, "运费", "邮费", "谁出", "谁承担") &&
		!warrantyAsk(m.Text): // "保修吗" asks the warranty, it chooses no repair (trial 24)
		// "能退吗" to the remedy menu after "不保温啊…": the remedy chosen in words, asked
		// as a question — not the 七天无理由 policy ("未使用…"), which would tell a buyer
		// with faulty goods no.
		label, sess.Menu, choseMenu = alone.Label, nil, true
	case personJustSpoke(view.Cases, now) != nil && intents.Asks(m.Text) && slots.OrderID == "" && !res.Escalation && len(sess.Menu) == 0 &&
		!sess.Intent.OpensCase() && !e.faqAnswers(m):
		// "那退款会自动退吗" right after the person who took the buyer over ("可以直接拒收，
		// 快递退回后我们马上退款") gave them back: a question on what they said, for them —
		// the refused refund's status contradicted them (trial 22).
		return e.passOn(ctx, m, &sess, personJustSpoke(view.Cases, now), cases.AlertFollowUp, "followup_person", Data{})
	case (res.Unclear || res.Label == intents.Other || needsOrder(res.Label) && intents.Asks(m.Text) && exasperated(m.Text)) &&
		(protestsRefusal(view.Cases, m.Text) || refusedLately(view.Cases, now) && exasperated(m.Text) && intents.Asks(m.Text)) &&
		slots.OrderID == "" && len(sess.Menu) == 0 && !res.Escalation && !sess.Intent.OpensCase():
		// ("质量问题还要我寄回去？？" to "拒绝 …可以退货退款": the remedy the refusal
		// offered, asked back in disbelief — a protest, not that request; trial.)
		// "凭什么不给退" right after the refusal: about that case — the merchant hears it
		// on it and the buyer hears the reason, not a new inbox question (trial).
		return e.followUp(ctx, m, &sess, lastDecided(view.Cases))
	case slots.OrderID == "" && !res.Escalation && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && len(earlier) == 0 && e.merchantAnswered(m):
		// A question the merchant answered with +问答 ("如果收到碎了可以退吗"): the merchant
		// was told the bot answers it so from now on — the remedies menu instead made that
		// untrue (trial).
		answer, _, _ := e.faqAnswer(m)
		return e.chatText(ctx, m, &sess, answer)
	case res.SlotOnly && res.Slots.Image && res.Slots.OrderID == "":
		// "[图片]": a picture as the terminal (or a forwarded chat) shows it.
		m.Kind = KindImage
		return e.media(ctx, m, &sess, view)
	case (slots.Phone != "" || givesPhoneTail(m.Text)) && slots.OrderID == "" && (sess.Intent.OpensCase() || sess.Intent == intents.Logistics) && sess.OrderID == "" && sess.Asked:
		// (The phone's last four digits — "下单手机尾号1234" — find the order as well: not
		// "发一下下单用的手机号" asked of a buyer who just gave them; trial.)
		// "订单号找不到了 我手机号139… 你帮我查下": the order number the request (or the
		// delivery question) waits for cannot be found; the merchant can find the order by
		// the phone. The request and the phone go to the merchant's inbox together (a bare phone number too: it is no
		// order number the request could take).
		sess.Phoned = true
		return e.questionAs(ctx, m, &sess, "phone_passed", Data{})
	case needsOrder(res.Label) && !res.Unclear && slots.OrderID == "" && sess.OrderID == "" && sess.Phoned && asking:
		// "那杯子能不能换啊" after the phone went to the merchant for want of the order
		// number: more for the merchant, who finds the order by the phone — never the
		// order number asked for once more.
		return e.question(ctx, m, &sess)
	case res.SlotOnly && sess.Intent != "":
		label = sess.Intent
	case slots.OrderID != "" && (sess.Intent.OpensCase() || sess.Intent == intents.Logistics) && sess.OrderID == "" && !res.Escalation &&
		(!res.Label.OpensCase() || res.Unclear) && res.Label != intents.Cancel && res.Label != intents.Human &&
		!(buysAgain(m.Text) && !defect(slots.Reason)):
		// (Not "上次买的台灯3856…挺好用的 想再买一个 还有货吗": an order named to buy it
		// again is no order for the request — trial 22 registered a return on it.)
		// "哦对了单号4705…", "我儿子帮我找到了是4705…你看看", "订单号是4705…你看下": the
		// order number their waiting request (or delivery question) asked for, with words
		// around it — it completes that request, whatever else the words are read as.
		label = sess.Intent
	case (res.SlotOnly || m.part > 1 && !res.Label.OpensCase()) && slots.OrderID != "" && sess.Several && caseFor(view.Cases, slots.OrderID) == nil && severalLabel(view.Cases, sess.CaseID) != "":
		// The next order of "两单都要退": the same request as the order before it — also
		// named with its goods in a list ("饭盒 2306… 还有袜子 4705…" — the socks got
		// "没太明白", trial 22).
		label = severalLabel(view.Cases, sess.CaseID)
	case slots.Tracking != "" && back != nil:
		// "已经寄回了 中通 789…" after a return or exchange was approved: the waybill of
		// that case, for the merchant, not a new request.
		return e.goodsBack(ctx, m, &sess, back, slots.Tracking)
	case slots.OrderID == "" && givesAddress(m.Text) && !sess.Intent.OpensCase():
		// "改成公司地址 上海市浦东新区张江路88号 王先生 139…": an address for the merchant
		// to act on, not a delivery question needing an order number.
		return e.question(ctx, m, &sess)
	case (slots.OrderID != "" || slots.Phone != "") && (!res.Label.OpensCase() || res.Unclear) && len(view.Live()) == 0 && !sess.Intent.OpensCase() &&
		len(sess.Menu) == 0 && !res.Escalation && e.detailsAsked(m, &sess):
		// "50个 500ml的 电话138…" after the wholesale answer asked for the quantity and a
		// way to reach them, "4705… 和 4705…" after the merge answer asked for the order
		// numbers: what the answer asked for, with the question it goes with, for the
		// merchant (trial 26: "电话记下了～" kept the lead from no one, and the orders got
		// the remedies menu).
		return e.question(ctx, m, &sess)
	case e.faqFor(m).repeat && intents.Asks(m.Text) && slots.OrderID == "" && len(view.Live()) == 0 && !sess.Intent.OpensCase() && len(sess.Menu) == 0 &&
		!res.Escalation && !defect(slots.Reason) && !intents.Harms(m.Text):
		// "能发顺丰不" right after the courier answer, "那眼罩拆了还能退吗" after the 七天无理由
		// one: the answer just given did not settle it, so the merchant answers — not a
		// parcel to track or a return to start on a question asked before buying (trial
		// 26 asked each for an order number).
		return e.question(ctx, m, &sess)
	case slots.Phone != "" && slots.OrderID == "" && leavesPhone(m.Text) && !(confidentRequest(res) && len(view.Live()) == 0 && !findsNoOrder(m.Text)):
		// "有事打我电话138…": a way to reach the buyer, kept with their case; not a
		// request for a person, not a question about the order. A request said with it
		// ("杯子想退货 手机号138…") is the request, its words (the phone in them) kept on
		// the case it opens ("电话记下了～ 有什么需要处理的直接跟我说" ignored it).
		return e.notePhone(ctx, m, &sess, view, slots.Phone)
	case severalOrders(m.Text) && slots.OrderID == "" && len(sess.Menu) == 0 && (res.Unclear || needsOrder(res.Label) || intents.NamesRemedy(m.Text)):
		// "我买了两单 都要退": one request for several orders; the order numbers follow.
		// Which remedy, when not plain, is asked with the menu (not a yes/no on a guess) —
		// also when the model missed it ("你好 我有两单都想退" read as other went to the
		// inbox, trial 22).
		sess.Several = true
		if res.Unclear || res.Confirm || !needsOrder(res.Label) {
			return e.remedyMenu(ctx, m, &sess, "several_orders")
		}
	case res.SlotOnly && slots.OrderID != "" && asking && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && !(sess.Intent == intents.Logistics && sess.Asked) &&
		orderless(view.Live()) == nil && !sess.Told.IsZero() && e.now().Sub(sess.Told) <= questionOrderWithin:
		// (A case still missing its order number takes it first: the refund asked for it;
		// so does the delivery question the bot asked it for.)
		// "我没申请退款啊 怎么显示退款中", then the order number: the order the waiting
		// question is about, for the merchant answering it — not "请问要办理什么？".
		sess.OrderID = slots.OrderID
		if e.asksDelivery(ctx, m.Shop, waiting) {
			// "我的四件套怎么还没到" passed on with the phone, then the order number: the
			// order's tracking answers it now, while the item waits (trial 25: the number
			// was only added to it, the tracking on hand never shown).
			return e.logistics(ctx, m, &sess)
		}
		return e.question(ctx, m, &sess)
	case res.SlotOnly && slots.OrderID != "" && len(sess.Menu) > 0:
		// The order number while a menu is open: keep it (and any further ones), and the menu.
		sess.OrderID = slots.OrderID
		sess.MoreOrders = moreOrders(slots)
		return e.reMenu(ctx, m, &sess)
	case slots.OrderID != "" && correctionOnly(m.Text, slots.OrderID) && orderless(view.Live()) != nil && orderless(view.Live()).Intent != cases.IntentQuestion:
		// "打错了 3856123456789012" after the number mistyped was not found: the order the
		// case still lacks, as the number alone would be (trial 28 only noted it).
		sess.OrderID = slots.OrderID
		return e.attachOrder(ctx, m, &sess, orderless(view.Live()), slots.OrderID)
	case (res.SlotOnly || onlyPasted(m.Text)) && slots.OrderID != "":
		// (A pasted order detail alone names the order as the number does: the bot asks
		// what for, not the merchant — trial 25 opened an inbox item of the app's text.)
		sess.OrderID = slots.OrderID
		if c := orderless(view.Live()); c != nil {
			// The order number the buyer's open case was missing (a complaint opened
			// before they gave it).
			replies, err := e.attachOrder(ctx, m, &sess, c, slots.OrderID)
			return replies, err
		}
		if c := caseFor(view.Cases, slots.OrderID); c != nil {
			// An order number alone, about a case the buyer has: where it stands.
			replies, err := e.answerStatus(ctx, m, &sess, c)
			e.saveSession(m.Shop, m.From, sess)
			return replies, err
		}
		if _, err := e.lookupOrder(ctx, m.Shop, slots.OrderID); errors.Is(err, adapters.ErrNotFound) && sess.NotFound != slots.OrderID {
			// "1234567890123456789": not found, said now — "收到订单号～ 请问要办理什么"
			// and then, after the buyer chose, "没有查到" (trial 27). Sent again, the
			// buyer is sure of it: the menu, and the request checks it with the merchant.
			sess.OrderID, sess.NotFound = "", slots.OrderID
			return e.answer(ctx, m, "order_not_found", Data{OrderID: slots.OrderID})
		}
		// An order number on its own says which order, not what for: ask that, not "没太明白".
		sess.Menu, sess.MenuText = []string{string(intents.Refund), string(intents.Return), string(intents.Exchange), string(intents.Logistics)}, m.Text
		// Each order the message gives: the remedy chosen is for them all, as when the
		// numbers come while a menu is open.
		sess.MoreOrders = moreOrders(slots)
		return e.answer(ctx, m, "order_menu", Data{OrderID: strings.Join(append([]string{slots.OrderID}, sess.MoreOrders...), "、"), Menu: menuText(sess.Menu, "")})
	case slots.OrderID == "" && slots.Phone == "" && slots.Tracking == "" && sess.Intent.OpensCase() && sess.Asked && strayNumber(m.Text) != "":
		// "3856123456789" for the order number asked: no order's shape (a digit short) —
		// said so, the request still waiting; it got the hello (trial).
		return e.answer(ctx, m, "order_not_found", Data{OrderID: strayNumber(m.Text)})
	case slots.OrderID == "" && slots.Phone == "" && shortOrder(m.Text) != "":
		// "订单号 123456": a number given as the order that is no order's shape — said so
		// at once, the request still waiting for the right one (trial 14: "收到，已记下",
		// then the order number asked for again, then an inbox item).
		return e.answer(ctx, m, "order_not_found", Data{OrderID: shortOrder(m.Text)})
	case slots.OrderID == "" && sess.ClosedOrder != "" && sess.OrderID == "" && !res.Escalation && moneyTaken(m.Text):
		// "订单关了？我钱扣了啊" after "订单…已经关闭了": the money is the question, on
		// that order, for the merchant — not "订单号发我" in a loop (trial).
		sess.OrderID, label = sess.ClosedOrder, intents.Refund
		sess.Intent, sess.Asked, sess.StatusAsk = intents.Refund, true, true
	case slots.OrderID == "" && sess.ClosedOrder != "" && sess.OrderID == "" && !res.Escalation &&
		mentions(m.Text, "关闭", "关了", "收到货", "收到了", "没取消", "没有取消", "没退款", "没有退款"):
		// "啊？我收到货了啊 穿过一次 怎么就关闭了" after "订单…已经关闭了": the order's
		// state disputed — the merchant checks it on that order (it asked for the order
		// number the buyer had just sent, for an exchange — trial 23).
		sess.OrderID, sess.ClosedOrder, sess.Intent, sess.Asked = sess.ClosedOrder, "", "", false
		return e.question(ctx, m, &sess)
	case slots.OrderID == "" && sess.NotFound != "" && (sess.Intent.OpensCase() || sess.Intent == intents.Logistics) && sess.OrderID == "" && insistsOnNumber(m.Text):
		// "单号没错啊 你再查查" after "没有查到订单…": the same number, vouched for — the
		// merchant checks it (it read as a tracking-number question and asked for the
		// order number a second time).
		sess.OrderID, label = sess.NotFound, sess.Intent
	case slots.OrderID == "" && slots.Phone == "" && findsNoOrder(m.Text) && sess.Phoned:
		// "订单号找不到 用手机号查不行吗" after the phone went to the merchant: that is
		// what the merchant does — not "发一下下单用的手机号" asked of a buyer who just
		// gave it (trial 25).
		return e.question(ctx, m, &sess)
	case slots.OrderID == "" && slots.Phone == "" && findsNoOrder(m.Text):
		// "订单号是啥我不会弄啊": where to find it, at once — not an inbox item for the
		// merchant to answer in a quarter of an hour (the request still waits for it).
		what := ""
		if sess.Intent.OpensCase() {
			what = sess.Intent.ChineseFor(sess.Reason)
		}
		return e.answer(ctx, m, "order_help", Data{Intent: what})
	case slots.OrderID == "" && intents.Asks(m.Text) && !res.Escalation && !sess.Intent.OpensCase() && len(sess.Menu) == 0 && len(view.Live()) == 0 &&
		!intents.Harms(m.Text) && (warrantyAsk(m.Text) && (slots.Reason == "" && !had(m.Text) || e.faqAnswers(m)) || conditional(m.Text) && defect(slots.Reason) && !mentions(m.Text, requestAfterAll...)):
		// "台灯保修吗", "杯子要是路上摔碎了怎么办": the shop's policy, asked before
		// anything went wrong — the FAQ or the merchant answers; no repair's order number,
		// no remedies for a fault nobody has (trial).
		answer, _, ok := e.faqAnswer(m)
		if ok && (slots.Reason != "" || had(m.Text)) && !conditional(m.Text) {
			// "台灯坏了 保修期内能修吗": the policy, and the repair ready for the order
			// number.
			sess.Intent, sess.Asked, sess.Reason = intents.Repair, true, slots.Reason
			sess.keep(m.Text)
			return e.chatText(ctx, m, &sess, answer+"\n"+e.replies.Render("faq_then_order", Data{Intent: intentName(string(intents.Repair))}))
		}
		if ok {
			return e.chatText(ctx, m, &sess, answer)
		}
		return e.question(ctx, m, &sess)
	case !sess.Intent.OpensCase() && len(sess.Menu) == 0 && !res.Escalation && shipsMyWay(m.Text):
		// "拍了 记得发顺丰 我补差价": an instruction for the order just placed — the
		// merchant must act on it; not a 价保 refund confirmed, nor the FAQ's "下单时备注"
		// to a buyer who already ordered (trial).
		if slots.OrderID != "" {
			sess.OrderID = slots.OrderID
		}
		return e.questionAs(ctx, m, &sess, "instruction_noted", Data{})
	case needsOrder(res.Label) && slots.OrderID == "" && prePurchase(m.Text) && !sess.Intent.OpensCase():
		// "听说你们家退货很麻烦是真的吗 我还在犹豫要不要买四件套": nothing bought, nothing
		// to return — the shop's policy answers it, or the merchant does.
		if answer, _, ok := e.faqAnswer(m); ok {
			return e.chatText(ctx, m, &sess, answer)
		}
		return e.question(ctx, m, &sess)
	case needsOrder(res.Label) && !res.Escalation && urgesDelivery(m.Text) && len(view.Live()) == 0:
		// "再不到我就退款了", "…到哪了 再不到就要烂在路上了 …直接给我退了": where the
		// parcel is, asked with a threat of a refund if it does not come — the parcel's
		// status answers it; no refund opens on a condition not yet met.
		label = intents.Logistics
	case res.Label == intents.Logistics && asksSendBack(m.Text) && !sess.Intent.OpensCase() && len(view.Live()) == 0 && goodsBack(view.Cases, "") == nil:
		// (A request agreed answers it itself: "那只破损的杯子需要我寄回吗" after "同意 补发
		// 一只新杯子，不用寄回" — trial.)
		// "那我要寄過去嗎 寄哪" after the merchant offered a repair: whether and where the
		// goods go, not the order's tracking (trial 14 gave the signed parcel's).
		if answer, _, ok := e.faqAnswer(m); ok {
			return e.chatText(ctx, m, &sess, answer)
		}
		return e.question(ctx, m, &sess)
	case res.Label == intents.Logistics && (changesAddress(m.Text) || reschedules(m.Text)) && !sess.Intent.OpensCase():
		// "能改地址吗 改成公司的", "能晚两天发吗": the merchant changes it (or says it is
		// too late); the order's tracking is no answer to it.
		if slots.OrderID != "" {
			sess.OrderID = slots.OrderID
		}
		return e.question(ctx, m, &sess)
	case (res.Label == intents.Logistics || res.Label == intents.Other || res.Unclear) && len(view.Live()) == 0 && swapShipping(m.Text):
		// "我这个换货到底什么时候发出来": when the replacement of an exchange goes out —
		// asked about that exchange, not the shop's general ship-by promise.
		label = intents.Exchange
	case conditional(m.Text) && (res.Label == intents.Cancel || withdraws(m.Text)) && caseFor(view.Live(), sess.OrderID) != nil:
		// "等下 如果今天能发出来 我就不退了": a withdrawal on a condition only the shop can
		// meet — the merchant hears it on the case; nothing is withdrawn (it was, and the
		// merchant was told 无需处理 while the buyer still wanted the money if it did not ship).
		return e.followUp(ctx, m, &sess, caseFor(view.Live(), sess.OrderID))
	case sess.Intent.OpensCase() && sess.OrderID == "" && slots.OrderID == "" && !res.Escalation &&
		mentions(m.Text, "还没买", "没买呢", "没下单", "还没下单", "退啥款", "退什么款", "退啥货", "谁要退", "没说要退", "没说要换", "换啥货"):
		// "？？？我还没买呢 退啥款" to "订单号发我，就能帮您办理退款": the request was a
		// misreading — dropped, and what the buyer did write goes to the merchant (it
		// asked for the order number again — trial 24).
		q, words := m, pendingWords(sess.Pending, "")
		sess.Intent, sess.Asked, sess.Reason, sess.Pending, sess.Recent = "", false, "", nil, nil
		if words != "" && !strings.Contains(words, m.Text) {
			q.Text, q.faq = words+" / "+m.Text, nil
		}
		return e.question(ctx, q, &sess)
	case mistaken(m.Text) && !withdraws(m.Text) && !res.Label.OpensCase() && slots.OrderID == "" && len(view.Live()) == 0 && len(sess.Menu) > 0:
		// "哦 我记错了 是另一家店的" to the remedy menu: nothing to do here after all.
		sess.Menu, sess.Intent, sess.Pending = nil, "", nil
		return e.answer(ctx, m, "ack", Data{Shop: e.shops[m.Shop].Name})
	case mistaken(m.Text) && !withdraws(m.Text) && !res.Label.OpensCase() && slots.OrderID == "" && len(view.Live()) > 0:
		// "哦 我记错了 是另一家店的": maybe nothing to do here after all — asked once.
		label, res.Confidence = intents.Cancel, 0
	case withdrawsRequest(m.Text) && !res.Label.OpensCase() && asking && liveRequest(view.Cases) == nil && len(sess.Menu) == 0:
		// "算了 不退了" when the request went to the merchant's inbox (no order number, a
		// phone instead): the merchant must hear it there, or calls about a return no one
		// wants (trial 16: "好的～", the inbox item unchanged).
		return e.question(ctx, m, &sess)
	case (justSaying(m.Text) || remedyMenuOpen(&sess) && onlyTelling(m.Text)) && !res.Escalation && slots.OrderID == "" && (len(sess.Menu) == 0 || remedyMenuOpen(&sess)):
		// ("我没说要退啊 就是反馈一下" to the remedies: nothing to choose — feedback; it was
		// asked the menu's question again — trial.)
		sess.Menu, sess.MenuText, sess.MenuAgain = nil, "", 0
		// "东西没事 就跟你们说一声 下次包装好点": feedback with nothing wrong to put right —
		// for the merchant to read, not the remedies menu (trial 16).
		return e.questionAs(ctx, m, &sess, "feedback", Data{})
	case offToDoIt(m.Text) && slots.OrderID == "" && slots.Phone == "" && len(sess.Menu) == 0 && !sess.Intent.OpensCase() &&
		!res.Label.OpensCase() && !res.Escalation:
		// "好 那我拍了", "啊没付吗 我看看", "好了付上了": the buyer off to do it, or done — an
		// OK, not a new question for the merchant's inbox, nor silence (trial 16). With a
		// question of theirs waiting, the words are kept on it for the merchant ("付不了
		// 一直转圈" / "好了付上了": no need to answer any more).
		return e.do(ctx, m, func(t *turn) error {
			if waiting != nil {
				t.caseID = waiting.ID
				if err := t.record(waiting.ID, m); err != nil {
					return err
				}
				if mentions(m.Text, "算了", "不用了", "自己弄", "自己来", "自己搞", "搞定了", "弄好了", "找到了", "付上了", "解决了") {
					// Dropped or done ("算了 我自己弄吧", "好了付上了"): the question is closed
					// with these words, or the merchant is reminded of it and answers
					// a question nobody asks any more (trial).
					if err := t.dropQuestion(waiting); err != nil {
						return err
					}
				}
			}
			return t.say("ack", Data{Shop: e.shops[m.Shop].Name})
		})
	case withdraws(m.Text) && !res.Label.OpensCase() && len(view.Live()) > 0:
		// "他说还是要 别退了": taking back a case the buyer has; asked once unless certain.
		label = intents.Cancel
	case (res.Label == intents.Other || res.Unclear) && !res.SlotOnly && endsWith(lastWords(m.Text), shippedCheckWords...) && len(sess.Menu) == 0:
		// "亲 我刚拍的保温杯还没发吧": where the order is, asked as a check — the order's
		// state answers it, not the merchant's inbox (trial 17).
		label = intents.Logistics
	case settledThanks(m.Text) && !res.Escalation:
		label = intents.Greeting
	case mentions(m.Text, "还差不多", "这还行", "算你们还行") && !intents.Asks(m.Text) && !res.Escalation && slots.OrderID == "" && utf8.RuneCountInString(m.Text) <= 10:
		// "哼 这还差不多" after the refund was agreed: appeased — an OK, not the remedies
		// menu (trial 17).
		return e.answer(ctx, m, "ack", Data{Shop: e.shops[m.Shop].Name})
	case slots.OrderID == "" && bareArrivalAsk(m.Text) && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && moneyDue(view.Cases, now) != nil:
		// "什么时候到" with a refund agreed or under way: the money — not the parcel's
		// tracking, which said 已签收 (trial 23).
		replies, err := e.answerStatus(ctx, m, &sess, moneyDue(view.Cases, now))
		e.saveSession(m.Shop, m.From, sess)
		return replies, err
	case acceptsDecision(m.Text) && slots.OrderID == "" && !res.Escalation && len(sess.Menu) == 0 &&
		!sess.Intent.OpensCase() && !res.Label.OpensCase() && decidedLately(view.Cases, now) != nil:
		// "10块啊。。行吧" right after "A1 同意 部分退款10元": the buyer takes the decision —
		// kept on the case, an OK back (it became an inbox question with reminders).
		c := decidedLately(view.Cases, now)
		return e.do(ctx, m, func(t *turn) error {
			t.caseID = c.ID
			if err := t.record(c.ID, m); err != nil {
				return err
			}
			return t.say("ack", Data{Shop: e.shops[m.Shop].Name})
		})
	case sess.MerchantSaid != "" && now.Sub(sess.MerchantSaidAt) < merchantTalk && slots.OrderID == "" && !res.Escalation && len(sess.Menu) == 0 &&
		!sess.Intent.OpensCase() && caseNamed(view.Cases, sess.MerchantSaid) != nil &&
		!(intents.Asks(m.Text) && (e.faqAnswers(m) || asksStatus(m.Text, res.Label) || mentions(m.Text, "单号") ||
			(asksSendBack(m.Text) || asksReturnAddress(m.Text)) && !caseNamed(view.Cases, sess.MerchantSaid).State.Live())) &&
		// (What the case itself answers — "新的单号多少", "那杯子要寄回去吗" once agreed — is
		// answered. Before a decision the case can only say "店主同意后会告诉您", which
		// contradicts the merchant who just wrote "您寄回来我们全额退" — trial 21: the
		// merchant answers where to send it.)
		!(res.Label.OpensCase() && !res.Unclear && !res.Confirm && res.Label != intents.Complaint) && res.Label != intents.Human && !bareOK(m.Text) && !thanks(m.Text) && !resigned(m.Text):
		// "早干嘛去了 行吧 发了给我单号" right after "A1 回复 给您补发一套 明天发出": the
		// buyer answers the merchant — it goes to them on that case (it got the bedding
		// order's old tracking — trial).
		return e.toMerchant(ctx, m, &sess, caseNamed(view.Cases, sess.MerchantSaid))
	case sess.PassedMedia && liveByID(view.Live(), sess.Passed) != nil && now.Sub(sess.PassedAt) < burstWindow && !intents.Asks(m.Text) && slots.OrderID == "" &&
		!res.Escalation && !res.Grievance && !angry(m.Text) && len(sess.Menu) == 0 && res.Label != intents.Cancel && res.Label != intents.Human:
		// "拍好了 你看 把手都掉了" right after the photo went onto A1: its caption, kept
		// there — not more words for the oven question waiting in the inbox (trial).
		sess.PassedMedia = false
		return e.noteOnCase(ctx, m, &sess, liveByID(view.Live(), sess.Passed))
	case asking && len(sess.Menu) == 0 && res.Label == intents.Complaint && !res.Escalation && !angry(m.Text) && slots.OrderID == "" &&
		!defect(slots.Reason) && !protestsRefusal(view.Cases, m.Text):
		// "在吗？？刚才问的还没人回": chasing the question waiting for the merchant.
		return e.question(ctx, m, &sess)
	case pingOnly(res, m.Text) && asking && len(sess.Menu) == 0 && !protestsRefusal(view.Cases, m.Text):
		// "人呢" while their question waits for the merchant: chasing it.
		return e.question(ctx, m, &sess)
	case pingOnly(res, m.Text) && sess.Intent.OpensCase() && sess.OrderID == "":
		label = sess.Intent // "?" while their request waits: what it needs, once more
	case pingOnly(res, m.Text) && len(view.Live()) == 0 && !sess.Intent.OpensCase():
		label = intents.Greeting // "人呢?": someone is here
	case bareStatusAsk(m.Text) && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && liveRequest(view.Cases) != nil:
		// "好了吗" right after the refund opened: where it stands — not an inbox question
		// (trial).
		replies, err := e.answerStatus(ctx, m, &sess, liveRequest(view.Cases))
		e.saveSession(m.Shop, m.From, sess)
		return replies, err
	case res.Label == intents.Logistics && (slots.Reason == intents.ReasonMissingPart || slots.Reason == intents.ReasonDamaged || slots.Reason == intents.ReasonWrongItem) &&
		!asksOrderState(m.Text) && !asksDelivery(m.Text) && !urgesDelivery(m.Text) && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && len(view.Live()) == 0 &&
		!intents.Asks(m.Text) && !mentions(m.Text, "怕", "会不会", "万一", "如果", "担心"): // (a worry or a question is none)
		// "快递到了 两个杯子都在 但是杯垫没有啊 少发了 <订单号>": the parcel came, something
		// in it is wrong — the remedies, not the parcel's tracking (trial).
		return e.remedies(ctx, m, &sess)
	case res.Label == intents.Other && len(sess.Menu) == 0 && liveOf(view.Live(), intents.Complaint) != nil && exasperated(m.Text) && !e.faqAnswers(m):
		// "订单号自己查！你们后台没有吗？？" on a complaint just made: more of the
		// grievance, on it — not an inbox question with a second promise of its own (trial).
		sess.keep(m.Text)
		return e.joinComplaint(ctx, m, &sess, liveOf(view.Live(), intents.Complaint))
	case pressesCase(m.Text) && mentions(m.Text, "申请", "提交") && !res.Escalation && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && len(view.Live()) == 0 && slots.OrderID == "" && !res.Label.OpensCase():
		// "前天就申请售后了 怎么还没人处理" with no case here: applied for on the platform,
		// maybe — the merchant looks it up, not "没太明白" and the remedies (trial).
		return e.question(ctx, m, &sess)
	case pressesCase(m.Text) && !res.Escalation && !angry(m.Text) && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && liveRequest(view.Cases) != nil && !aboutParcel(m.Text):
		// (Pressed in anger — "怎么还没处理 太差了" — it is a grievance on the case: urgent.)
		// "能不能快点处理 孩子闹着要睡觉", "你们回复太慢了" with a refund under way: where it
		// stands, and the merchant told they are pressed — not the parcel's tracking, nor
		// an inbox question beside the case (trial).
		replies, err := e.statusReply(ctx, m, &sess, liveRequest(view.Cases), true)
		e.saveSession(m.Shop, m.From, sess)
		return replies, err
	case pingOnly(res, m.Text) && !hello(lastWords(m.Text)) && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && liveRequest(view.Cases) != nil && !protestsRefusal(view.Cases, m.Text):
		// "人呢" with a refund under way (not a hello: "在吗" is greeted): where it stands and by when (it was "已补充到您的
		// 退款售后单", a ping kept as the buyer's words on the case).
		replies, err := e.answerStatus(ctx, m, &sess, liveRequest(view.Cases))
		e.saveSession(m.Shop, m.From, sess)
		return replies, err
	case (res.Unclear || res.Label == intents.Other || res.Label == intents.Greeting) && sess.Intent.OpensCase() && sess.OrderID == "" && sess.Asked &&
		(promises(m.Text) && !intents.Asks(m.Text) && mentions(m.Text, "单号", "找找", "找一下", "找下", "找一哈", "翻一下", "翻翻", "查一下", "看一下") ||
			// "订单号多少我看看啊 等下": asked of themselves, going to look (it became an
			// inbox question with reminders — trial 24)
			mentions(m.Text, "单号") && mentions(m.Text, "我看看", "我找找", "我查查", "我找下", "我翻翻", "我去看", "我去找") && mentions(m.Text, "等下", "等等", "稍等", "等一下", "我看看")):
		// "订单号等下 我找找" while the request waits for it: no hurry, and what comes
		// next — not "有需要随时说" as if nothing were under way (trial).
		return e.answer(ctx, m, "order_later", Data{Intent: sess.Intent.ChineseFor(sess.Reason)})
	case (res.Unclear || res.Label == intents.Other || res.Label == intents.Logistics && arrived(m.Text)) &&
		(bareOK(m.Text) || promises(m.Text) && !intents.Asks(m.Text) && !whatNow(m.Text) && slots.OrderID == "" && slots.Phone == "" && slots.Tracking == ""):
		// (Not "那要是明天还不到咋办": what then, asked — 明天 is no promise there.)
		// ("亲 我收到货了" read as a delivery question: an arrival told asks nothing.)
		label = intents.Greeting // "好的 等下拍", "我找下订单号哈 稍等": an OK, answered as one
	case liveByID(view.Cases, sess.Passed) != nil && now.Sub(sess.PassedAt) < burstWindow && (res.Unclear || res.Label == intents.Other) &&
		!intents.Asks(m.Text) && slots.OrderID == "" && utf8.RuneCountInString(m.Text) <= fragmentRunes+2 && len(sess.Menu) == 0:
		// "就那个杯垫" right after "还有杯垫也裂了一道" went to the merchant on A1: more of
		// it, kept there (it got no reply and was lost).
		return e.noteOnCase(ctx, m, &sess, liveByID(view.Cases, sess.Passed))
	case len(earlier) == 0 && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && len(view.Live()) == 0 && !res.Escalation && !(asking && justTold) &&
		(res.Unclear || res.Label == intents.Other || res.Label == intents.Complaint && res.Confidence < topicComplaintBelow) &&
		topicOnly(m.Text, slots) != "" && (res.Unclear || mentions(m.Text, "买的", "那个", "这个", "我的") || !e.faqAnswers(m)) && !e.faqFor(m).repeat:
		// "眼影", "我买的那个沙发": the first words of a burst, naming what it is about and
		// nothing yet about it — the rest is being typed. Not a menu ("没太明白"), not a
		// problem ("非常抱歉给您添麻烦了"), not an inbox item, nor an FAQ answer the model
		// could not read a question into ("四件套" got the washing instructions' entry,
		// while "发票" read plainly is the invoice question); the words are kept for the
		// burst that follows, and for the case it may open.
		if len(sess.Pending) < maxPending {
			sess.Pending = append(sess.Pending, said{Text: m.Text, Keep: true})
		}
		topic := topicOnly(m.Text, slots)
		if mentions(topic, "有", "是", "要", "想", "能", "会", "了", "误", "错", "在", "给", "说") {
			topic = "" // "我有两个单子", "操作有误": a start, not goods — "有两个单子怎么了？" mocks
		}
		return e.answer(ctx, m, "go_on", Data{Text: topic})
	case (asksSendBack(m.Text) || asksReturnAddress(m.Text)) && slots.OrderID == "" && goodsBack(view.Cases, "") != nil &&
		(!res.Label.OpensCase() || res.Unclear || res.Confirm || intents.Asks(m.Text) && !res.Escalation && !changesMind(m.Text)):
		// (Asked, it is a question even when it names the remedy: "换货的话坏的要不要寄回
		// 寄哪里" on an agreed exchange opened a second exchange on another order — trial.)
		// "那杯子要寄回吗", "旧的用寄吗": about the case under way, which converse answers
		// (不用寄回, or where to) — not a question for the merchant's inbox.
		label = intents.Other
	case res.Unclear && caseFor(view.Cases, slots.OrderID) != nil && asksStatus(m.Text, res.Candidates[0]):
		label = intents.Other // answered from the case below (also right after one opened: "四件套的呢 什么时候处理")
	case res.Unclear && sess.CaseID != "" && sess.Intent == "" && m.part <= 1:
		// Following up on a case the buyer just opened: keep the words with the case
		// and let the merchant read them, rather than quiz the buyer with a menu.
		if c := liveByID(view.Live(), sess.CaseID); c != nil && c.Intent != string(intents.Human) && !intents.Asks(m.Text) {
			return e.noteOnCase(ctx, m, &sess, c)
		}
		if c := liveByID(view.Cases, sess.CaseID); c != nil && (c.State == cases.StateResolved || c.State == cases.StateRejected) &&
			defect(slots.Reason) && !asksStatus(m.Text, res.Candidates[0]) {
			// "新换的杯子把手又是歪的" after the exchange was agreed: a new problem on that
			// case, for the merchant there (it became an inbox question apart from it).
			return e.followUp(ctx, m, &sess, c)
		}
		if c := liveByID(view.Live(), sess.CaseID); c != nil && namesRemedyOf(m.Text, c.Intent) && asksStatus(m.Text, intents.Label(c.Intent)) {
			// "什么时候能换好" right after the exchange opened: where that case stands,
			// from it — not an inbox question (trial 25).
			return e.answerStatus(ctx, m, &sess, c)
		}
		if asksSomething(m) {
			return e.question(ctx, m, &sess)
		}
		return e.chat(ctx, m, &sess, "other")
	case asking && len(sess.Menu) == 0 && slots.OrderID == "" && moneyTaken(m.Text) && !res.Escalation && !intents.NamesRemedy(m.Text) && liveRequest(view.Cases) == nil:
		// "我钱扣了啊" while "袜子订单怎么关闭了" waits for the merchant: the same matter,
		// for them — not "您是要申请退款吗？" (trial).
		return e.question(ctx, m, &sess)
	case asking && len(sess.Menu) == 0 && slots.OrderID == "" && (res.Unclear || (len(earlier) > 0 || justTold) && (res.Label == intents.Other || res.Label == intents.Logistics)) &&
		!bareOK(m.Text) && !defect(slots.Reason) && !e.faqAnswers(m) && !protestsRefusal(view.Cases, m.Text) &&
		!(res.Unclear && res.Candidates[0].OpensCase() && intents.NamesRemedy(m.Text)) && slots.Reason != intents.ReasonNoReason &&
		!(res.Label == intents.Logistics && !res.Unclear && (sess.OrderID != "" && asksOrderState(m.Text) || asksDelivery(m.Text))):
		// (Not a remedy, however unclearly asked — "想退", "不想要了": a request, which
		// joined the question quietly and got no reply.)
		// More words while a question waits for the merchant ("急用 麻烦快点" right after
		// it): they join it, rather than a menu or a request for an order number. Not a
		// problem with the goods ("饭盒漏水了 汤洒了一书包"): that is the start of a
		// request, whatever the question was.
		return e.question(ctx, m, &sess)
	case res.Unclear && len(sess.Menu) > 0:
		// The menu is open already: not the same list again.
		sess.retell(m.Text)
		return e.menuAgain(ctx, m, &sess)
	case res.Label == intents.Other && defect(slots.Reason) && (whatNow(m.Text) || asksRemedy(m.Text)) && len(sess.Menu) == 0 && !sess.Intent.OpensCase() && len(view.Live()) == 0:
		// "杯子裂了 怎么办", "衣服起球了咋办": a problem with the goods and the buyer asking
		// what now — the remedies are theirs to choose (the menu), not a usage question for
		// the merchant's inbox. So is "用了脸上过敏了 是不是能退啊 订单…": the remedy asked
		// as a question (it went to the inbox), the order kept for the one chosen.
		return e.remedies(ctx, m, &sess)
	case remedyMenuOpen(&sess) && slots.OrderID == "" && whatNow(m.Text) && !alone.Label.OpensCase():
		// "咋整" to the remedy menu: the menu's question stands (the burst around it read as
		// an exchange it was not).
		sess.retell(m.Text)
		return e.menuAgain(ctx, m, &sess)
	case remedyMenuOpen(&sess) && res.Label == intents.Other && slots.OrderID == "" && (!intents.Asks(m.Text) || whatNow(m.Text)) && !e.faqAnswers(m):
		// "耳机左耳没声音" got the remedy menu; "试了重新配对也不行", "怎么办": still the
		// same problem, told on — the menu's question stands, not an inbox item.
		sess.retell(m.Text)
		return e.menuAgain(ctx, m, &sess)
	case policyLabel(res) != "" && slots.OrderID == "" && mentions(m.Text, "退", "换", "修") && policyQuestion(m.Text, slots) && e.faqAnswers(m):
		// "不喜欢的话能退吗": a policy question the FAQ answers; converse answers it, and the
		// request it asks about stays ready should an order number follow. It names a
		// remedy: "运费怎么收了8元" asks nothing about sending goods back, whatever the
		// model's second guess.
		label = policyLabel(res)
		if label == intents.Refund && slots.Reason == intents.ReasonNoReason {
			// Not liking the goods is 七天无理由: they go back (DESIGN: return).
			label = intents.Return
		}
	case needsOrder(res.Label) && slots.OrderID == "" && intents.Asks(m.Text) && mentions(m.Text, "运费", "邮费", "谁出", "谁承担", "谁付") && e.faqFor(m).repeat && len(sess.Menu) == 0:
		// "那我退货运费谁出" right after the postage answer: the answer did not settle it
		// for them — the merchant answers, no return starts on a question (trial).
		return e.question(ctx, m, &sess)
	case needsOrder(res.Label) && hypothetical(m.Text) && !e.faqAnswers(m) && !mentions(m.Text, requestAfterAll...):
		// "问一下哈 如果退款的话一般几天能到账": how it would go, asked before deciding — the
		// merchant answers; no request starts (it opened a refund and alerted).
		return e.question(ctx, m, &sess)
	case (res.Label == intents.Other || res.Label == intents.Greeting) && len(sess.Menu) == 0 && defect(slots.Reason) && !intents.Asks(m.Text) && !sess.Intent.OpensCase() &&
		len(view.Live()) == 0 && !claimsPostage(m.Text) && !mentions(m.Text, "怕", "会不会", "万一", "如果", "担心", "听说", "评论", "评价里", "之前买"):
		// "台灯两个问题 1.开关按了没反应要按好几下 2.灯罩上有划痕": problems with the goods,
		// told with no remedy — which remedy, asked (it became an inbox question). So too a
		// hello that goes on to one ("你好我只收到一盒" got only the hello back).
		return e.remedies(ctx, m, &sess)
	case res.Unclear && len(sess.Menu) == 0 && defect(slots.Reason):
		// "收到杯子碎了 怎么搞": something is wrong with the goods; ask which remedy, with
		// every remedy on the list, rather than the classifier's guesses.
		return e.remedies(ctx, m, &sess)
	case res.Unclear && res.Candidates[0] == intents.Complaint && len(sess.Menu) == 0 && slots.Reason == "" && mentions(m.Text, "客服", "服务", "态度"):
		// "你们客服怎么回事": unhappy with the service, said unclearly — asked once whether
		// to register a complaint, not "没太明白" and the remedies.
		sess.Confirm = &pendingConfirm{Label: intents.Complaint}
		return e.answer(ctx, m, "confirm_complaint", Data{})
	case res.Unclear && len(sess.Menu) == 0 && slots.OrderID == "" && !defect(slots.Reason) && intents.Asks(m.Text) && !intents.NamesRemedy(m.Text) &&
		!sess.Intent.OpensCase() && e.faqAnswers(m):
		// "能帮我包装成礼物吗 送闺蜜的🎁": read unclearly, but a question the shop's FAQ
		// answers — its answer, not "没太明白" and the remedies (trial).
		answer, _, _ := e.faqAnswer(m)
		return e.chatText(ctx, m, &sess, answer)
	case res.Label == intents.Cancel && liveRequest(view.Cases) == nil && !sess.Intent.OpensCase() && len(sess.Menu) == 0 &&
		mentions(m.Text, "不想要", "不要了", "不需要了") && mentions(m.Text, "退款", "退钱", "钱退"):
		// "保温杯还没发货吧？不想要了，帮我取消退款 <订单号>" with nothing to withdraw: the
		// order cancelled and the money back — a refund (it was "您目前没有进行中的售后单";
		// trial).
		label = intents.Refund
	case res.Unclear && res.Candidates[0] == intents.Cancel && len(sess.Menu) == 0 && (liveRequest(view.Cases) != nil || intents.NamesRemedy(m.Text)) && slots.OrderID == "":
		// "算了" with a request under way: whether to withdraw it, asked (withdraw asks a
		// middling reading first) — not "没太明白" and every remedy (trial). With none,
		// "不用了!我退货" is the request it names, asked once (withdraw).
		label = intents.Cancel
	case (res.Unclear || res.Label == intents.Other) && len(sess.Menu) == 0 && slots.Reason == intents.ReasonNoReason && !intents.Asks(m.Text) && !res.Escalation &&
		!sess.Intent.OpensCase() && len(view.Live()) == 0 && mentions(m.Text, "不想要", "不要了", "买错", "拍错", "不需要了", "买多", "拍多") &&
		!mentions(m.Text, "颜色", "尺码", "码", "型号", "款式", "地址") && !severalOrders(m.Text): // ("拍错颜色了": another one wanted, maybe)
		// "这个东西不想要了", "买错了": the goods going back, told without the word 退 —
		// which refund, asked (it went to the inbox as a question; trial).
		return e.menuAs(ctx, m, &sess, []string{string(intents.Refund), string(intents.Return)}, "refund_or_return")
	case res.Label == intents.Other && len(sess.Menu) == 0 && (slices.Contains(res.Candidates[:2], intents.Return) || slices.Contains(res.Candidates[:2], intents.Refund)) &&
		endsWith(lastWords(m.Text), "想退", "想退掉", "想退了", "要退", "要退了", "想退货", "要退货") && !intents.Asks(m.Text) && !sess.Intent.OpensCase() && len(view.Live()) == 0:
		// "台灯有点问题 想退": the message ends asking for it, whatever the goods'
		// pre-sale chat pulled the reading to (it became an inbox question).
		return e.menuAs(ctx, m, &sess, []string{string(intents.Refund), string(intents.Return)}, "refund_or_return")
	case res.Unclear && len(sess.Menu) == 0 && refundOrReturn(res.Candidates) && mentions(m.Text, "退", "不要了", "不想要"):
		// "想退": a refund for sure, with or without the goods going back — that one
		// question, not "没太明白" and every remedy.
		return e.menuAs(ctx, m, &sess, []string{string(intents.Refund), string(intents.Return)}, "refund_or_return")
	case res.Unclear:
		l, ok := e.askLabel(ctx, m.Text, res.Candidates[:])
		if !ok {
			return e.menu(ctx, m, &sess, menuOptions(res.Candidates))
		}
		// The model's reading still needs the buyer's yes before a case opens.
		label, res.Confirm = l, true
	case label == intents.Complaint && !res.Escalation && remedyMenuOpen(&sess):
		// "噪音大" after "总是死机" got the remedies: still describing the problem, the
		// question stands (remedies says so once), not a fresh menu each message.
	case label == intents.Cancel && remedyMenuOpen(&sess) && len(view.Live()) == 0:
		// "算了 就这样吧" to the remedy menu: the problem is let go — an OK, not "您目前
		// 没有进行中的售后单".
		sess.Menu = nil
		return e.answer(ctx, m, "ack", Data{Shop: e.shops[m.Shop].Name})
	case label == intents.Greeting && remedyMenuOpen(&sess) && !bareOK(m.Text) && !thanks(m.Text) && utf8.RuneCountInString(m.Text) > 4:
		// "杯垫倒是好的" while the remedies wait: more of what the buyer tells, kept with
		// the problem and the question standing (trial 17: "好的～ 有需要随时说", the
		// crack told before lost from the case that followed). Said once more, not
		// counted as a menu asked again (which hands the buyer to a person).
		sess.retell(m.Text)
		return e.answer(ctx, m, "remedy_again", Data{})
	case label == intents.Greeting && remedyMenuOpen(&sess) && !thanks(m.Text):
		// "😭", "💔", "好的" to the remedies: no answer to them, and no reason to forget the
		// question (or the problem it was about) either — the question stands, said once
		// more and not counted as asked again ("好的～ 有需要随时说" read as the matter
		// dropped, and the buyer went quiet with a broken cup — trial).
		return e.answer(ctx, m, "remedy_again", Data{})
	case label == intents.Greeting && remedyMenuOpen(&sess):
	default:
		if remedyMenuOpen(&sess) && label.OpensCase() {
			// "有一个杯口磕了个小缺口" got the remedies; "不想退 太麻烦了 补偿点钱就行" names
			// one in words: the problem is this request's description (the case held only
			// the last line, and the merchant agreed to money without knowing why).
			sess.keepFirst(sess.MenuText)
			if o := e.read(m.Shop, sess.MenuText).Slots.OrderID; o != "" && slots.OrderID == "" && sess.OrderID == "" {
				sess.OrderID = o // the order the problem was told with ("<订单号> 台灯两个问题 …")
			}
		}
		if m.part <= 1 && remedyMenuOpen(&sess) && !label.OpensCase() {
			m.told = menuWords(&sess)
		}
		if m.part <= 1 || remedyMenuOpen(&sess) && label.OpensCase() {
			// (A later item of the same message — "…还有四件套4705…一直不发货" — leaves
			// the menu its first item asked standing: the "3" that answered it was lost.)
			sess.Menu = nil
		}
	}
	if label == intents.Complaint && !res.Escalation && !angry(m.Text) && sess.Intent.OpensCase() && sess.Intent != intents.Complaint && sess.OrderID == "" {
		// "这个已经影响到我对整个品牌的感觉了" while their return waits for its order number:
		// more about the same request, kept with it — not a menu of remedies again.
		label = sess.Intent
	}
	if label == intents.Complaint && !choseMenu && !res.Escalation && !res.Grievance && comparesGoods(m.Text) {
		// "这个眼罩和别家的真丝眼罩有啥不一样": choosing between goods, before buying — the
		// FAQ or the merchant answers it; it is no problem to offer remedies for.
		label = intents.Other
	}
	if label == intents.Greeting && !choseMenu && intents.Asks(m.Text) && !pings(m.Text) && utf8.RuneCountInString(m.Text) > 6 {
		// "亲亲 你家面膜敏感肌可以用嘛", "好的谢谢你啊姑娘 那我要把锅寄到哪里去呢": a
		// question with a greeting or thanks around it is a question, not an OK.
		label = intents.Other
	}
	if (label == intents.Refund || label == intents.Return) && !choseMenu && !res.Escalation && (urgesDelivery(m.Text) || slices.ContainsFunc(took, func(n note) bool { return urgesDelivery(n.Text) })) {
		// (The threat may be in the burst it was read with: "再不发我就退款了哈" / "都4天了还打包？？".)
		label = intents.Logistics // "再不到我就退款了": hurry the parcel; the refund is the threat
	}
	if slots.OrderID != "" {
		sess.OrderID = slots.OrderID
	}
	if label != sess.Intent && !res.SlotOnly && (label.OpensCase() || !sess.Intent.OpensCase()) {
		// (A side question while a request waits for its order number — "你们发什么快递
		// 的" — keeps that request's words: the case opens with the buyer's description.)
		if !choseMenu && !severalOrders(m.Text) {
			sess.Several = false
		}
		// A new request starts a new transcript: the burst it was read with, in the
		// buyer's own words.
		// A picture or voice note sent before the words (nothing to attach it to then)
		// belongs to the request they start.
		sess.Pending = slices.DeleteFunc(sess.Pending, func(s said) bool { return s.Media == "" && !s.Keep })
		if len(took) == 0 {
			took = earlier
		}
		for _, n := range took {
			// (A topic kept for what follows — "老板 我昨天买的那个沙发" — is in the burst too.)
			if !slices.ContainsFunc(sess.Pending, func(s said) bool { return s.Text == n.Text }) {
				sess.Pending = append(sess.Pending, said{Text: n.Text})
			}
		}
	}
	switch {
	case choseMenu && sess.MenuText != "":
		// The case keeps what the buyer asked, not the digit they chose it with.
		if !slices.ContainsFunc(sess.Pending, func(s said) bool { return s.Text == sess.MenuText }) {
			sess.Pending = append(sess.Pending, said{Text: sess.MenuText})
		}
		if strings.ContainsFunc(m.Text, unicode.IsLetter) && len(sess.Pending) < maxPending {
			// Chosen in words ("能补发一个吗 或者退一个杯子的钱也行"): they say what the
			// buyer wants, which the merchant must read (only a digit is no one's words).
			sess.Pending = append(sess.Pending, said{Text: m.Text})
		}
	case len(sess.Pending) < maxPending:
		sess.Pending = append(sess.Pending, said{Text: m.Text})
	}
	if slots.Reason != "" && !(sess.Reason != "" && slots.OrderID != "" && correctsOrder(m.Text)) {
		// (Not "不好意思发错了 是这个<订单号>": the number was sent wrong, not the goods —
		// a missing item's 补发 became an exchange asking for the goods back.)
		sess.Reason = slots.Reason
	}
	if slots.AmountFen != 0 {
		sess.AmountFen = slots.AmountFen
	}
	words := slices.Clone(sess.Pending)
	more := moreOrders(slots)
	if len(more) == 0 && choseMenu {
		more = sess.MoreOrders // given with the first order while the menu was open
	}
	sess.MoreOrders = nil
	replies, err := e.converse(ctx, m, &sess, view, res, label, slots.OrderID, choseMenu)
	if err == nil && len(more) > 0 && needsOrder(label) && sess.Intent == "" && sess.CaseID != "" {
		// "退款 4705… 订单号: 4705…": the same request for each order the message names,
		// a case each, each order checked as the first was.
		for _, id := range more {
			if err != nil {
				break
			}
			sess.OrderID, sess.Pending = id, slices.Clone(words)
			var more []cases.Reply
			more, err = e.request(ctx, m, &sess, label)
			replies = append(replies, more...)
		}
	}
	if err == nil && len(more) > 0 && label == intents.Logistics && !sess.Intent.OpensCase() {
		// "我有两个单 4705… 和 2156… 都还没到": each order's delivery, not the first's alone
		// (trial).
		for _, id := range more {
			if err != nil {
				break
			}
			sess.OrderID = id
			var next []cases.Reply
			next, err = e.logistics(ctx, m, &sess)
			replies = append(replies, next...)
		}
	}
	e.saveSession(m.Shop, m.From, sess)
	return replies, err
}

// converse puts the buyer's cases first: a question about a case is answered from it, a
// repeated ask or a grievance joins it, a renewed ask after it ended goes to the merchant
// on it; only a new order or a truly new request opens another. A case label read with
// middling confidence is confirmed once before anything opens; a withdrawal must be
// unambiguous. orderID is the order this message names, if any; chosen is set when the
// buyer picked the label from the menu (their choice needs no confirmation).
func (e *Engine) converse(ctx context.Context, m Message, sess *session, view cases.BuyerView, res intents.Result, label intents.Label, orderID string, chosen bool) ([]cases.Reply, error) {
	about := orderID
	if about == "" {
		// The order the buyer last named: a new order with no case yet means a new
		// request, not the case of another order.
		about = sess.OrderID
	}
	if orderID == "" {
		if id := e.orderByGoods(ctx, m, sess, view); id != "" && id != about {
			// "保温杯不要了 退款" after the mug's order number: the thermos order named
			// before, whose goods these are — not the order named last.
			sess.OrderID, about = id, id
		}
	}
	target := caseFor(view.Cases, about)
	named := false // the buyer named the case ("A8那个退款"): it is the one, whatever its state
	if orderID == "" {
		// "苹果那个退40行不行" with the apples' and the mangoes' refunds under way: the case
		// whose goods the buyer names, or whose number ("A1那个退款到哪了"), not the one
		// they wrote about last.
		if c := caseNamed(view.Cases, m.Text); c != nil {
			target, named = c, true
		} else if c := caseByGoods(view.Cases, m.Text); c != nil {
			target = c
		} else if c, err := e.caseByBuyersGoods(ctx, m, view.Cases); err != nil {
			return nil, err
		} else if c != nil {
			target = c
			if c.OrderID != "" {
				sess.OrderID = c.OrderID
			}
		}
	}
	if orderID != "" && correctsOrder(m.Text) && !res.Escalation {
		if c := liveByID(view.Live(), sess.CaseID); c != nil && c.OrderID != "" && c.OrderID != orderID && caseFor(view.Cases, orderID) == nil &&
			c.Intent != cases.IntentQuestion && c.Intent != string(intents.Human) {
			return e.reorder(ctx, m, sess, c, orderID)
		}
	}
	if target == nil && orderID != "" && needsOrder(label) {
		// "数据线 充不进电 垃圾" opened a complaint before any order was named; "钱退我
		// 订单号2156…" is the remedy it was about, on that order — not a case beside it.
		// The order is checked as a request's is: a wrong number is not put on the case.
		if c := orderless(view.Live()); c != nil && c.Intent == string(intents.Complaint) {
			o, err := e.lookupOrder(ctx, m.Shop, orderID)
			if err == nil {
				if replies, handled, err := e.guard(ctx, m, sess, o, label); handled || err != nil {
					return replies, err
				}
				sess.Goods, sess.GoodsOf = goodsOf(o), o.ID
			}
			if err == nil || !errors.Is(err, adapters.ErrNotFound) {
				target = c
			}
		}
	}
	if c := caseNamed(view.Live(), sess.AskedAbout); c != nil && intents.Denies(m.Text) {
		// "哦不对 我没申请过退款 我是想问怎么还不发货" right after "我的退款怎么还没到账"
		// opened a refund to look into: the bot misread, the case goes, and the rest is
		// answered as if said alone — "处理完之前一般不会发货" of a refund never asked for
		// misled the buyer (trial 13).
		return e.denied(ctx, m, sess, view, c)
	}
	if orderID == "" && !named && (target == nil || !goesBackTo(target)) && (asksSendBack(m.Text) || asksReturnAddress(m.Text)) {
		// "那坏的要寄回去吗" with an exchange agreed on the lamp and the bedding's order
		// named last: about the goods of the case whose goods may go back (it became an
		// inbox question on the bedding's order — trial).
		if g := goodsBack(view.Cases, ""); g != nil && goesBackTo(g) {
			target = g
		}
	}
	if orderID == "" && strings.Contains(m.Text, "拒") {
		// "为什么拒绝我": about the refusal, whichever case is newest.
		if r := newestIn(view.Cases, cases.StateRejected); r != nil {
			target = r
		}
	}
	if p := personJustLeft(view.Cases, e.now()); target == nil && p != nil && orderID == "" && (needsOrder(label) || label == intents.Other) &&
		(intents.Asks(m.Text) || mentions(m.Text, "刚才", "客服说", "你们说", "店主说", "老板说", "答应", "说好")) && !e.faqAnswers(m) {
		// "那10块钱什么时候退给我" after the person the buyer talked to gave them back: about
		// what was agreed there, which the merchant knows — not "这边还没看到您的申请记录".
		return e.passOn(ctx, m, sess, p, cases.AlertFollowUp, "followup_person", Data{})
	}
	if d := lastDecided(view.Cases); orderID == "" && d != nil && (d.State == cases.StateRejected && protests(m.Text) ||
		disputes(m.Text) && e.now().Sub(d.UpdatedAt) < disputeWithin) {
		// ("20块打发要饭的呢" after a refusal that offered 20 元 instead: the offer disputed
		// on that case, not an inbox item apart from it — trial 17.)
		// "凭什么啊" right after the refusal, "5块？？就给5块？" after a partial refund was
		// agreed: a protest the merchant hears on that case — it became an inbox question
		// apart from it (and, with a newer case withdrawn, one on that case's order).
		return e.followUp(ctx, m, sess, d)
	}
	if c := newestClosed(view.Cases, e.now()); c != nil && (orderID == "" || orderID == c.OrderID) && intents.Asks(m.Text) &&
		(strings.Contains(m.Text, "关闭") || asksEarlier(m.Text) && caseFor(view.Cases, orderID) == c) && !e.closedAsMisread(ctx, c) {
		// (With a case still standing beside it — an agreed refund — a bare status ask is
		// that case's.)
		// "关闭了是啥意思？？钱退了没" right after "A1 关闭 已电话沟通 同意仅退款": what the
		// merchant settled with the buyer, which the merchant answers on that case — not a
		// new refund case beside it (trial 17).
		return e.followUp(ctx, m, sess, c)
	}
	if (label == intents.Return || asksReturnAddress(m.Text)) && !res.Escalation {
		d, err := e.refusedAskingBack(ctx, view.Cases)
		if err != nil {
			return nil, err
		}
		if d != nil && (orderID == "" || orderID == d.OrderID) {
			// "那行吧 我退货 寄到哪里" after "A4 拒绝 台灯需要先寄回检测": what the merchant
			// asked for, on that case — where to send it, and the merchant told to look
			// again (trial 17 asked the order number again, then dropped the parcel).
			if asksReturnAddress(m.Text) || asksSendBack(m.Text) {
				return e.passOn(ctx, m, sess, d, cases.AlertFollowUp, "return_address", Data{Address: e.returnAddress(ctx, d)})
			}
			return e.followUp(ctx, m, sess, d)
		}
	}
	if needsOrder(label) && asksStatus(m.Text, label) && !named && (target == nil || !related(label, target.Intent) || target.State == cases.StateClosed) {
		// "退款到账了吗" is about their refund, not about the case of that order the
		// merchant closed as a misreading: the newest related case that stands.
		if r := relatedCase(view.Cases, orderID, label); r != nil {
			target = r
		}
	}
	if target != nil && target.State.Live() && target.Intent != string(intents.Complaint) && label == intents.Complaint &&
		!res.Escalation && intents.Harms(m.Text) && !mentions(m.Text, "这个", "这单", "刚才") && orderID != target.OrderID {
		// "你们家的饼干我家孩子吃了拉肚子 现在在医院" beside a refund on a cup: harm done,
		// maybe by other goods — a complaint of its own, on no order until one is named,
		// not "您的退款会优先处理".
		sess.OrderID = orderID
		return e.complaint(ctx, m, sess)
	}
	if target != nil && target.State.Live() && label != intents.Cancel &&
		(res.Escalation || angry(m.Text) && (!needsOrder(label) || related(label, target.Intent))) {
		// (Another remedy asked in anger — "投诉也没用 直接退钱吧 衣服我寄回去" on a live
		// complaint — is that remedy, DESIGN's boundary: not more words on the complaint.)
		// "都两天了还没处理 再不退我给差评": a threat or anger about a live case is a
		// grievance on it, alerted at once, whatever else the words ask.
		return e.joinComplaint(ctx, m, sess, target)
	}
	if target != nil && target.State == cases.StateResolved && label != intents.Cancel && !needsOrder(label) && (res.Escalation || angry(m.Text)) && asksEarlier(m.Text) {
		// "都3天了还没退 是不是骗人的" on a refund agreed days ago: anger at where it stands,
		// which the merchant must hear on that case — not its status once more (trial 16:
		// three times, no alert).
		return e.followUp(ctx, m, sess, target)
	}
	if target != nil && target.State.Live() && (goesBackTo(target) || target.Intent == string(intents.Refund)) {
		if intents.Asks(m.Text) && mentions(m.Text, "拒收", "拒签", "拦截", "退回给你们", "原路退回去") {
			// "还没到呢 我到时候拒收可以吗", "能直接拦截换吗" with the request under way:
			// how to send the goods back, which the merchant decides — asked of them on
			// the case, not the parcel's tracking or the request's status (trial 16).
			return e.followUp(ctx, m, sess, target)
		}
	}
	if target != nil && target.Intent == string(intents.Exchange) && (label == intents.Logistics || label == intents.Exchange) &&
		(target.State.Live() || target.State == cases.StateResolved) &&
		!mentions(m.Text, "运费", "邮费", "快递费", "谁出") && // "换的话运费谁出啊": the FAQ's postage
		(mentions(m.Text, "换的", "新的", "补发", "重发", "换货") || asksOrderState(m.Text) || asksAfterReplacement(m.Text) ||
			label == intents.Logistics && orderID == "" || // "大概几天能寄到啊": the goods came; the replacement is what is awaited
			(strings.Contains(m.Text, "新") || target.State == cases.StateResolved && orderID == "") &&
				mentions(m.Text, "什么时候发", "啥时候发", "几时发", "什么时候寄", "啥时候寄")) {
		// ("那啥时候发啊" right after the merchant agreed to send a new lid: the lid.)
		// "那换的什么时候发呀", "螺丝寄了没有": the replacement, which the exchange's status
		// answers — not the original order's tracking (delivered long ago), nor the same
		// request again.
		if target.State == cases.StateResolved && mentions(m.Text, "单号", "快递单", "物流单") {
			// "新的啥时候发 有单号吗": the replacement's waybill, which only the merchant
			// has — asked of them on the case unless they gave it (trial 16 said "请留意后续
			// 的发货" and no more).
			said, err := e.merchantWords(ctx, target)
			if err != nil {
				return nil, err
			}
			if !strings.ContainsFunc(said, unicode.IsDigit) {
				return e.followUp(ctx, m, sess, target)
			}
		}
		return e.answerStatus(ctx, m, sess, target)
	}
	if target != nil && target.State.Live() && moneyArrived(m.Text) {
		// "平台已经给我极速退款到账了 碎的眼影还要寄回去吗": the platform refunded already —
		// the merchant must hear it now (or refund twice), not find it among the words.
		return e.followUp(ctx, m, sess, target)
	}
	if target != nil && target.State.Live() && label == intents.Logistics && hurriesOnly(m.Text) &&
		target.Intent != string(intents.Exchange) && target.Intent != string(intents.Human) {
		// "快点" on a live refund: hurrying that request, not asking where a parcel is.
		return e.answerStatus(ctx, m, sess, target)
	}
	if back := goodsBack(view.Cases, orderID); back != nil && asksShopGot(m.Text) {
		// "你们收到了吗" with a return or exchange under way: the goods the buyer sent back,
		// which that case answers (its waybill, what comes next) — not the shop's
		// delivery times from the FAQ, nor the status of another case.
		return e.answerStatus(ctx, m, sess, back)
	}
	// ("钱啥时候到账啊 都寄回去了": where the money is, not how to send the goods back.)
	sendBack, address := asksSendBack(m.Text) && !asksEarlier(m.Text), asksReturnAddress(m.Text)
	moneyCase := target != nil && (target.Intent == string(intents.Refund) || target.Intent == string(intents.Return)) &&
		(target.State.Live() || target.State == cases.StateResolved) && sendBack
	goodsCase := target != nil && goesBackTo(target) && (address || sendBack)
	// What the merchant told the buyer of the goods (read once, where it counts): keep
	// them ("不用寄回"), or send them back — a refund the merchant agreed to on the goods'
	// return ("A4 同意 台灯寄回来 收到就退") goes back as a return does.
	waived, askedBack := false, false
	if moneyCase || goodsCase && target.State == cases.StateResolved ||
		target != nil && target.Intent == string(intents.Refund) && target.State == cases.StateResolved && (address || label == intents.Return) {
		evs, err := e.store.Events(ctx, target.Shop, target.ID)
		if err != nil {
			return e.do(ctx, m, func(*turn) error { return err })
		}
		waived, askedBack = waivedIn(evs), askedBackIn(evs)
		if askedBack && !waived && target.Intent == string(intents.Refund) {
			goodsCase, moneyCase = address || sendBack, false
		}
	}
	if moneyCase {
		if waived {
			// "饭盒要寄回吗" after the merchant said "不用退回" (in a 回复 or with 同意): no.
			return e.answer(ctx, m, "no_send_back", Data{CaseID: target.ID})
		}
		if target.Intent == string(intents.Refund) && target.State == cases.StateResolved {
			// A refund (仅退款) agreed: the money, nothing sent back — not a new return case.
			return e.answer(ctx, m, "no_send_back", Data{CaseID: target.ID})
		}
	}
	if goodsCase {
		// "寄回地址发我一下", "不用我把碎的寄回去吧": given once the merchant agreed, not
		// before — goods sent back before that may be refused. A broken or missing item's
		// exchange is reshipped with nothing sent back (merchant.go, goesBack), and so is
		// anything the merchant said need not come back.
		if target.State == cases.StateResolved {
			if waived || target.Intent == string(intents.Exchange) && !goesBack(intents.Reason(target.Reason)) && !askedBack {
				if asksAfterReplacement(m.Text) {
					// "新杯子什么时候能寄出？另外破损的需要寄回吗": where the replacement
					// stands, with the merchant's words on sending back (trial).
					return e.answerStatus(ctx, m, sess, target)
				}
				return e.answer(ctx, m, "no_send_back", Data{CaseID: target.ID})
			}
			return e.answer(ctx, m, "return_address", Data{CaseID: target.ID, Address: e.returnAddress(ctx, target)})
		}
		if target.State.Live() {
			return e.answer(ctx, m, "return_address_later", Data{CaseID: target.ID})
		}
	}
	statusLabel := label
	if target != nil && !label.OpensCase() && namesRemedyOf(m.Text, target.Intent) {
		statusLabel = intents.Label(target.Intent) // "多久能换好啊" during an exchange: where it stands
	}
	if target != nil && label == intents.Logistics && target.State == cases.StateResolved &&
		(target.Intent == string(intents.Refund) || target.Intent == string(intents.Return)) && target.OrderID != "" &&
		mentions(m.Text, "还没到", "怎么没到", "还没收到", "没到账") && !mentions(m.Text, "物流", "快递", "包裹", "货", "件", "发") {
		// "怎么还没到" once the refund was agreed: the money, which is what the buyer waits
		// for now — not the parcel's tracking (trial: the delivered order's tracking again).
		statusLabel = intents.Label(target.Intent)
		label = statusLabel
	}
	if target != nil && asksStatus(m.Text, statusLabel) && !claimsPostage(m.Text) && (label.OpensCase() || label == intents.Other || label == intents.Greeting ||
		label == intents.Logistics && mentions(m.Text, "处理", "弄好", "搞好", "办好", "拒")) && // "处理到哪了", "为啥拒绝 我才收到三天": the request's, not a parcel's
		(!label.OpensCase() || related(label, target.Intent) || label == intents.Complaint || askedBack && label == intents.Return) {
		return e.answerStatus(ctx, m, sess, target)
	}
	if target == nil && needsOrder(label) && orderID == "" && sess.OrderID == "" && asksEarlier(m.Text) && !hasRequest(view.Live()) {
		// (A wait for a person is no request: "款什么时候到账" while one is awaited and a
		// return waits for its order number is still about that return.)
		// "我之前申请的退款到账了吗" with no case here: it may have been applied for on the
		// platform. Ask which order to look up — not "帮您办理退款", which is not what was
		// asked. The order number then shows the order's state, or goes to the merchant.
		if sess.Intent.OpensCase() {
			// "款什么时候到账" while their return waits for its order number: about that.
			return e.request(ctx, m, sess, sess.Intent)
		}
		sess.Intent, sess.Asked, sess.StatusAsk = label, true, true
		return e.answer(ctx, m, "status_ask_order", Data{Intent: intentName(string(label))})
	}
	if target == nil && needsOrder(label) && orderID != "" && asksEarlier(m.Text) && len(view.Live()) == 0 && !sess.Intent.OpensCase() {
		// "亲 我的退款怎么还没到啊 都好几天了 <订单号>" with no case here: passed on for the
		// merchant to look into (case_opened_status), not "已为您登记退款" as if the buyer
		// had asked for one now.
		sess.StatusAsk = true
	}
	switch {
	case target != nil && (target.State == cases.StateResolved || target.State == cases.StateRejected) && defect(res.Slots.Reason) &&
		!asksStatus(m.Text, label) && !res.Escalation && (!label.OpensCase() || label == intents.Complaint || related(label, target.Intent)):
		// "新换的杯子把手又是歪的", "另外杯垫也有个裂缝 能一起换吗" after the exchange was
		// agreed: a new problem for the merchant, on that case — not its status again
		// (the buyer heard "店主已同意" twice and nobody was told), nor an inbox question
		// apart from it.
		return e.followUp(ctx, m, sess, target)
	case label == intents.Complaint && target != nil && target.State.Live() && !chosen &&
		(res.Confirm || res.Unclear || !aboutService(m.Text)) &&
		!res.Escalation && !angry(m.Text) && target.Intent != string(intents.Complaint):
		// "颜色不变" on a size exchange, read as a grievance only just, or "蓝牙也老是连不
		// 上" on an earphone exchange, a symptom more: a detail for the case, not a reason
		// to tell the merchant it is urgent. A grievance about the service ("都两天了还没
		// 处理") or against the shop still is.
		return e.noteOnCase(ctx, m, sess, target)
	case label == intents.Complaint && target != nil && target.State.Live():
		return e.joinComplaint(ctx, m, sess, target)
	case label == intents.Complaint && target != nil && target.State == cases.StateRejected && res.Escalation:
		// "不退是吧 那我去12315投诉你们": a threat after the refusal is an urgent complaint
		// of its own (the refused case is over: no alert would reach the merchant on it).
		sess.OrderID = target.OrderID
		return e.complaint(ctx, m, sess)
	case label == intents.Complaint && target != nil && target.State == cases.StateRejected:
		return e.followUp(ctx, m, sess, target)
	case target != nil && needsOrder(intents.Label(target.Intent)) && (target.State.Live() || target.State == cases.StateResolved) &&
		claimsPostage(m.Text) && orderID == "" && !res.Escalation:
		// "运费谁出 我垫了12块" on an exchange agreed and sent back: the postage claimed on
		// that case, for the merchant — the FAQ's terms alone left the claim on no case,
		// and "运费你们出吧 是你们质量问题" got the remedies menu (trial 25).
		return e.followUp(ctx, m, sess, target)
	case needsOrder(label) && target != nil && target.State.Live() && related(label, target.Intent) && intents.Asks(m.Text) && !changesMind(m.Text) &&
		namesRemedyOf(m.Text, target.Intent) && utf8.RuneCountInString(m.Text) <= bareRemedyAskRunes:
		// "能换吗" with the exchange open: whether it will be, which the case says — not
		// the FAQ's warranty terms (trial 25).
		return e.answerStatus(ctx, m, sess, target)
	case needsOrder(label) && target != nil && related(label, target.Intent) && intents.Asks(m.Text) && !asksStatus(m.Text, label) &&
		!changesMind(m.Text) && e.faqAnswers(m):
		// "退回去的运费谁出 我有运费险吗" with the return live or approved: the shop's
		// answer from its FAQ — not "已补充到您的售后单", which answers nothing.
		answer, _, _ := e.faqAnswer(m)
		return e.chatText(ctx, m, sess, answer)
	case needsOrder(label) && target != nil && target.State.Live() && target.Intent == string(intents.Complaint) &&
		!res.Escalation && !res.Confirm && (target.OrderID == "" || orderID == "" || orderID == target.OrderID) &&
		(dropsComplaint(m.Text) || !e.escalated(ctx, target)):
		// "数据线 充不进电 垃圾" opened a complaint; "退款吧" is the remedy it was about
		// (DESIGN.md: a grievance that asks for a remedy takes the remedy's label) — the
		// same case becomes the refund, words and clock kept, not a second case beside it.
		// A complaint the buyer escalated (12315, 差评) stays one: the remedy is a request
		// of its own — unless the buyer drops it ("算了 不投诉了 把钱退我就行").
		return e.switchRequest(ctx, m, sess, view, target, label)
	case needsOrder(label) && target != nil && target.State.Live() && needsOrder(intents.Label(target.Intent)) &&
		string(label) != target.Intent && changesMind(m.Text) && !res.Confirm &&
		(!related(label, target.Intent) || dropsRequest(m.Text, target.Intent)):
		// "那算了 不换了 直接退货退款吧" on a live exchange: the same case becomes the new
		// request, and the merchant hears so — not a second case, nor words on the old one.
		return e.switchRequest(ctx, m, sess, view, target, label)
	case label == intents.Return && target != nil && target.State.Live() && target.Intent == string(intents.Refund) && !res.Confirm &&
		(orderID == "" || orderID == target.OrderID) && !intents.Asks(m.Text):
		// "我要退货退款 杯子给你寄回去" on a live refund of that order: the goods go back
		// with the money — the refund becomes the return, words and clock kept, not a
		// second case beside it (trial: A1 退款 and A2 退货退款 on one order).
		return e.switchRequest(ctx, m, sess, view, target, label)
	case needsOrder(label) && target != nil && related(label, target.Intent) && target.State.Live():
		// The same request again: it joins the live case.
		sess.OrderID = target.OrderID
		return e.openOrUpdate(ctx, m, sess, intents.Label(target.Intent), target.OrderID)
	case needsOrder(label) && target != nil && related(label, target.Intent) && target.State != cases.StateCancelled && intents.Asks(m.Text) &&
		(target.State != cases.StateClosed || asksStatus(m.Text, label)):
		// A question about a case that is over ("钱退到哪里" after the refund was approved).
		// After one the merchant closed (neutrally, or as a misreading) a request asked as
		// a question ("保温杯我不想要了 能退款吗") is a new request, not its status.
		return e.answerStatus(ctx, m, sess, target)
	case needsOrder(label) && target != nil && related(label, target.Intent) && target.State == cases.StateCancelled && intents.Asks(m.Text) && !chosen:
		// "那钱能马上退回吗" after the buyer withdrew the case: a question, not the request
		// again — asked once before a new case opens and the merchant hears of it.
		return e.confirm(ctx, m, sess, label)
	case needsOrder(label) && target != nil && string(label) == target.Intent && target.State != cases.StateCancelled &&
		(target.State != cases.StateClosed || !e.closedAsMisread(ctx, target)):
		// The same request after the case ended (refused, approved, closed): the merchant
		// decides on it, on the same case. A different request is a new one. A case closed
		// as a misreading was never this request: asked now, it is a new one (it went on
		// the closed case, off the merchant's list, where 同意 is refused).
		return e.followUp(ctx, m, sess, target)
	case needsOrder(label) && target != nil && target.State.Live() && orderID == "" && intents.Asks(m.Text) &&
		(related(label, target.Intent) || !intents.NamesRemedy(m.Text)):
		// A question about the live case's process ("寄回地址是哪个" during an exchange):
		// it joins that case; the merchant answers it there. Another remedy demanded ("别
		// 跟我说什么耐心等待 我要退款" beside an escalated complaint) is no question about
		// it (trial 17 kept it on the complaint as words).
		sess.OrderID = target.OrderID
		return e.openOrUpdate(ctx, m, sess, intents.Label(target.Intent), target.OrderID)
	case needsOrder(label) && target != nil && target.State.Live() && orderID == "" && sess.OrderID == "":
		// A new request on the order the buyer is already talking about: never ask for
		// the order number twice.
		sess.OrderID = target.OrderID
	case label == intents.Cancel:
		return e.withdraw(ctx, m, sess, view, res)
	}
	if needsOrder(label) && orderID == "" && (target == nil || !related(label, target.Intent)) && sess.Intent != label && !chosen &&
		policyQuestion(m.Text, res.Slots) {
		// (Also with an order named earlier: "你们保修多久" asks the policy, it does not
		// start a repair on the order the buyer talked about before.)
		// "7天无理由退吗", "退货运费谁出": a question about the shop's policy, most often
		// before buying. The shop's answer, and the request stays ready should an order
		// number follow.
		if answer, _, ok := e.faqAnswer(m); ok {
			sess.Intent, sess.Asked = label, true
			return e.chatText(ctx, m, sess, answer+"\n"+e.replies.Render("faq_then_order", Data{Intent: intentName(string(label))}))
		}
	}
	if needsOrder(label) && orderID == "" && sess.OrderID == "" && !chosen && sess.Intent != label && !res.Slots.Image && !hasRequest(view.Live()) &&
		(label == intents.Repair && warrantyTerms(m.Text) || presaleDoubt(m.Text)) {
		// "这款手机保修多久 保修卡要自己填吗", "自动喂食器会不会卡粮 坏了能修吗", "积木会
		// 不会少零件啊 少了能补吗": the warranty's terms, or a remedy asked about for a
		// fault feared or heard of — the FAQ or the merchant answers it; nothing of the
		// buyer's is broken yet.
		if answer, _, ok := e.faqAnswer(m); ok {
			return e.chatText(ctx, m, sess, answer)
		}
		return e.question(ctx, m, sess)
	}
	if needsOrder(label) && !chosen && tagQuestion(m.Text) && sess.Intent != label && e.read(m.Shop, m.Text).Slots.OrderID == "" {
		// "那就退货就行了是吧": checking what to do, not yet asking for it — the FAQ's
		// answer if it has one, else one yes/no before a case opens.
		if answer, _, ok := e.faqAnswer(m); ok {
			return e.chatText(ctx, m, sess, answer)
		}
		return e.confirm(ctx, m, sess, label)
	}
	if label == intents.Other && !chosen && sess.Intent == "" && defect(res.Slots.Reason) && had(m.Text) && len(view.Live()) == 0 && !leadIn(m.Text) &&
		!mentions(m.Text, "会不会", "会吗", "怕", "要是", "如果", "万一") {
		// "四件套洗了一次就起球了 正常吗", "数据线是安卓口的 我买的苹果口 是不是发错了":
		// a fault with goods the buyer has, asked about as a doubt — read as chat by the
		// model, it is the start of a request: which remedy, not the merchant's inbox.
		return e.remedies(ctx, m, sess)
	}
	if label == intents.Complaint && !chosen && !res.Escalation && remedyMenuOpen(sess) && !aboutService(m.Text) && len(view.Live()) == 0 {
		// "质量太差了吧" right after "床单上有个洞😤" got the remedies: the goods' fault said
		// again, angrily — the question stands; it opened an urgent complaint, and the "2"
		// chosen next joined that complaint (trial 24). The service or a threat is another
		// matter.
		return e.remedies(ctx, m, sess)
	}
	if label == intents.Complaint && !chosen && sess.Intent != intents.Complaint && !res.Escalation && angry(m.Text) &&
		utf8.RuneCountInString(lastWords(m.Text)) <= 4 && res.Slots.Reason == "" && !res.Slots.Image && orderID == "" && len(view.Live()) == 0 && len(sess.Pending) <= 1 {
		// "无语", "服了" said alone: a feeling, nothing yet of what about — confirmed once,
		// not an urgent complaint quoting "原话：无语" (trial 16).
		sess.Confirm = &pendingConfirm{Label: intents.Complaint}
		return e.answer(ctx, m, "confirm_complaint", Data{})
	}
	if label == intents.Complaint && !chosen && sess.Intent != intents.Complaint && !res.Escalation && !angry(m.Text) {
		// An urgent complaint case needs an escalation or a grievance against the shop.
		// A problem with the goods, stated without a remedy, is usually the start of a
		// refund or exchange: ask what they want. A grievance about service or delivery
		// is confirmed once before the merchant gets an urgent alert.
		if remedyMenuOpen(sess) && defect(res.Slots.Reason) {
			// "刚拆的快递 就碎了😭" after "杯子碎了一个" got the remedies: more of the same
			// problem, the question standing — not a yes/no on a complaint (trial 30).
			return e.remedies(ctx, m, sess)
		}
		if aboutService(m.Text) {
			sess.Confirm = &pendingConfirm{Label: intents.Complaint}
			return e.answer(ctx, m, "confirm_complaint", Data{})
		}
		if res.Slots.Reason == "" && !res.Slots.Image && !had(m.Text) && len(view.Live()) == 0 {
			// "亲 你是机器人吧" read as a complaint: no fault named, and the shop's FAQ has
			// the answer — it is a question.
			if answer, _, ok := e.faqAnswer(m); ok {
				return e.chatText(ctx, m, sess, answer)
			}
		}
		if presaleDoubt(m.Text) && !res.Slots.Image && res.Slots.OrderID == "" && sess.OrderID == "" && len(view.Live()) == 0 {
			// "你们家四件套好评率高吗 我朋友买了说差评来着", "看到好多差评 质量真的不行
			// 吗", "会不会漏水啊": a fault heard of or feared, not had — the FAQ or the
			// merchant answers it; remedies ("请问您希望怎么处理？") would answer a problem
			// nobody had.
			if answer, _, ok := e.faqAnswer(m); ok {
				return e.chatText(ctx, m, sess, answer)
			}
			return e.question(ctx, m, sess)
		}
		return e.remedies(ctx, m, sess)
	}
	// A request that comes with its order number is good evidence already.
	if label.OpensCase() && res.Confirm && !chosen && sess.Intent != label && !res.Escalation && (res.Slots.OrderID == "" || res.Guess) {
		if label != intents.Complaint && defect(res.Slots.Reason) && res.Slots.Reason != intents.ReasonMissingPart && !intents.NamesRemedy(m.Text) &&
			len(sess.Menu) == 0 && !sess.Intent.OpensCase() {
			// (A part missing has its one remedy: "您是要申请补发吗" asks the right thing.)
			// "我买的杯子到了碎了一个": a fault told, no remedy named — which remedy is the
			// buyer's to choose; "您是要申请换货吗" was the model's guess, and the order
			// number sent next opened that exchange unasked (trial).
			return e.remedies(ctx, m, sess)
		}
		return e.confirm(ctx, m, sess, label)
	}
	if label == intents.Greeting || label == intents.Other && bareOK(m.Text) {
		key := greetingKey(m.Text)
		if key == "ack" && sess.Intent.OpensCase() && sess.OrderID == "" && sess.Asked && sess.EasedFor != sess.Intent {
			sess.EasedFor = sess.Intent
			// "退货" → order number asked → "是的": the request still waits for it —
			// "好的～ 有需要随时说" read as if it were dropped.
			return e.answer(ctx, m, "order_later", Data{Intent: sess.Intent.ChineseFor(sess.Reason)})
		}
		if a := answeredLately(view.Cases, m.answered, e.now()); a != nil &&
			(intents.NamesRemedy(m.Text) || mentions(m.Text, takeUpWords...)) {
			// "好呀好呀 那补发个盖子吧 地址不变哈 谢谢老板" to the merchant's answer "可以给您
			// 补发一个新盖子": the offer taken up, for the merchant to act on — "不客气～"
			// and nothing more dropped it (trial 30).
			if a.Intent == cases.IntentQuestion {
				return e.passOn(ctx, m, sess, a, cases.AlertFollowUp, "question_more", Data{})
			}
			return e.followUp(ctx, m, sess, a)
		}
		return e.chat(ctx, m, sess, key)
	}
	if label == intents.Human && !chosen && intents.Asks(m.Text) && mentions(m.Text, "几点", "什么时候", "啥时候", "上班", "下班", "时间") &&
		!mentions(m.Text, "转人工", "找人工", "要人工", "转真人", "找真人") {
		// "你们人工客服几点上班": when a person is there, which the shop's FAQ says — not a
		// request for one (it opened a 转人工 case and alerted the merchant).
		if answer, _, ok := e.faqAnswer(m); ok {
			return e.chatText(ctx, m, sess, answer)
		}
	}
	if label == intents.Other || label == intents.Logistics && orderID == "" && (sess.OrderID == "" || newPurchase(m.Text) || courierChoice(m.Text)) && !asksOrderState(m.Text) &&
		res.Slots.Reason != intents.ReasonLate {
		// (Not "拍了三天还不发货": late already — the order's state answers it, not the
		// shop's ship-by promise.)
		// ("发货了吗" asks about the buyer's own order: its state, from the order number —
		// not the shop's general ship-by promise; "什么时候发货" may get that.)
		// A common question the shop has answered in its FAQ (包邮吗, 什么时候发货): the
		// shop's own answer, nothing invented.
		if answer, id, ok := e.faqAnswer(m); ok {
			e.log.Debug("faq answered", "shop", m.Shop, "entry", id)
			return e.chatText(ctx, m, sess, answer)
		}
		if f := e.shops[m.Shop].FAQ; f != nil {
			if answer, ok := e.askAnswer(ctx, m, f, sess.OrderID); ok {
				return e.chatText(ctx, m, sess, answer)
			}
		}
		if label == intents.Logistics && deliveryPolicy(m.Text) {
			// "你们能送货上门吗", "能寄到新疆吗": how the shop delivers, which the merchant
			// answers — no order's tracking does, and asking for an order number before
			// anything is bought is no answer.
			return e.question(ctx, m, sess)
		}
	}
	if c := liveByID(view.Live(), sess.CaseID); label == intents.Other && c != nil && c.Intent != string(intents.Human) && !leadIn(m.Text) && !intents.Asks(m.Text) &&
		m.part <= 1 { // (an item of a list is a matter of its own, not more about the item before)
		// "快递员也说少了一包" right after their case opened: more about it, kept on it for
		// the merchant — not the generic "有什么需要…" that sounds as if nobody listened.
		// A question ("能进洗碗机吗") is not: the FAQ or the merchant's inbox answers it.
		return e.noteOnCase(ctx, m, sess, c)
	}
	return e.dispatch(ctx, m, sess, label)
}

// relatedCase is the buyer's newest case of a request related to label that was not
// closed or withdrawn, on orderID when one is named; nil when there is none. cs is newest
// first (cases.BuyerView).
func relatedCase(cs []cases.Case, orderID string, label intents.Label) *cases.Case {
	for i := range cs {
		c := &cs[i]
		if (orderID == "" || c.OrderID == orderID) && related(label, c.Intent) &&
			c.State != cases.StateClosed && c.State != cases.StateCancelled {
			return c
		}
	}
	return nil
}

// mindWords say the buyer changes what they asked for ("不换了 直接退", "还是换个新的吧").
var mindWords = []string{"不换了", "不退了", "不修了", "不要换", "不要退", "不想换", "不想退", "还是", "改成", "改为", "算了", "直接",
	// A correction of what the bot took down: "不是 我意思是换个新的" after "能修吗".
	"意思是", "我是说", "我说的是", "不是修", "不是退", "不是换",
	// The request changed by someone else, protested: "为啥变成换货了 我要退钱" after the
	// merchant marked the refund a misread exchange (a second case opened beside it).
	"变成", "怎么成了", "改成了"}

// wantsReplacement reports words asking for goods sent anew: a replacement or a reship.
func wantsReplacement(text string) bool {
	return mentions(text, "重新发", "重发", "再发一个", "再发个", "再发两个", "补发", "换一个", "换个新", "换新的", "给我换", "发个新的", "寄个新的", "发新的")
}

// changesMind reports words that replace an earlier request with another.
func changesMind(text string) bool { return mentions(text, mindWords...) }

// dropWords say the buyer no longer wants a request of the intent they key.
var dropWords = map[string][]string{
	string(intents.Exchange): {"不换", "不要换", "不想换", "别换"},
	string(intents.Return):   {"不退货", "不要退货", "不想退货"},
	string(intents.Refund):   {"不退款", "不要退款", "不退钱"},
	string(intents.Repair):   {"不修", "不要修", "不想修"},
}

// dropsRequest reports words that give up a request of intent ("不换了" on an exchange):
// a related request after them replaces it ("不换了 直接退货退款吧"), where without them it
// joins it ("还是要退款" on a return: the money follows the goods back).
func dropsRequest(text, intent string) bool { return mentions(text, dropWords[intent]...) }

// switchRequest turns the buyer's live case c into a request of label: one case, its
// clock and words kept, the merchant alerted of the change. With a live case of label on
// that order already, the words go there instead.
func (e *Engine) switchRequest(ctx context.Context, m Message, sess *session, view cases.BuyerView, c *cases.Case, label intents.Label) ([]cases.Reply, error) {
	for _, o := range view.Live() {
		if o.ID != c.ID && o.OrderID == c.OrderID && o.Intent == string(label) {
			sess.OrderID = c.OrderID
			return e.openOrUpdate(ctx, m, sess, label, c.OrderID)
		}
	}
	sess.Pending, sess.Intent, sess.CaseID = nil, "", c.ID
	return e.do(ctx, m, func(t *turn) error {
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if err := t.tx.ChangeIntent(c, string(label), "buyer"); err != nil {
			return err
		}
		if c.OrderID == "" && sess.OrderID != "" {
			// The order named with the remedy ("钱退我 订单号2156…") is the case's order.
			if err := t.bindOrder(sess, c, sess.OrderID); err != nil {
				return err
			}
		}
		if err := t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertFollowUp, DueAt: t.tx.Now(), Note: "改为" + intentName(string(label)) + "：" + m.Text}); err != nil {
			return err
		}
		if err := t.say("request_changed", Data{CaseID: c.ID, Intent: intentName(string(label))}); err != nil {
			return err
		}
		if c.OrderID == "" && needsOrder(label) {
			// A complaint opened before any order was named: the request needs one now.
			return t.say("ask_order", Data{Intent: intentName(string(label))})
		}
		return nil
	})
}

// shipLateAfter is how long after payment an unshipped order is late: past it the shop's
// general ship-by promise is no answer (platforms commonly require shipping within 48 h).
const shipLateAfter = 48 * time.Hour

// orderStateWords ask where the buyer's own order is now.
var orderStateWords = []string{"发货了吗", "发货没", "发货了没", "发了吗", "发了没", "发出了吗", "发出去了吗", "寄出了吗", "到哪了", "到哪里了", "到哪儿了",
	"寄了没", "寄了吗", "寄出来没", "寄出来了吗"}

// shippedCheckWords ask the same as a check ("我刚拍的保温杯还没发吧"): a delivery
// question when a message ends in one, whatever the model read.
var shippedCheckWords = []string{"还没发吧", "还没发货吧", "没发吧", "发了吧", "发货了吧", "发出去了吧", "还没寄吧", "寄了吧", "寄出了吧"}

// asksOrderState reports a question about the buyer's own order's state ("发货了吗"),
// answered from the order, not from the FAQ.
func asksOrderState(text string) bool {
	return mentions(text, orderStateWords...) || mentions(text, shippedCheckWords...)
}

// asksDelivery reports a question about where the buyer's parcel is, in words no other
// question asks ("眼罩怎么还没到", "物流到哪了"): the order's tracking answers it, not the
// merchant, whatever question waits for them (it was folded into a washing question).
func asksDelivery(text string) bool {
	return mentions(text, orderStateWords...) || mentions(text, "还没到", "还没收到", "咋还没到", "怎么没到", "物流呢", "快递呢", "物流怎么", "查物流", "查下物流", "查一下物流")
}

// foldAside resolves the inbox question asked while the request now opened as c waited
// for its order number ("订单号在哪里看啊"): it was about this request, which the merchant
// now has as c; left open it would go on reminding about nothing.
func (t *turn) foldAside(sess *session, c *cases.Case) error {
	id := sess.Aside
	sess.Aside = ""
	if id == "" {
		return nil
	}
	q, err := t.tx.Case(c.Shop, id)
	if errors.Is(err, cases.ErrNotFound) {
		return nil
	}
	if err != nil || !q.State.Live() || q.Intent != cases.IntentQuestion {
		return err
	}
	return t.tx.SetState(q, cases.StateClosed, "bot", "并入 "+c.ID)
}

// askedBefore is the question the FAQ answered just before text (within
// askedBeforeWithin) when text only follows it up ("还有洗碗机", "那四件套呢", "另外 能开票
// 吗") or asks nothing (the details the answer asked for): what it is about; "" otherwise.
func askedBefore(sess *session, text string, now time.Time) string {
	t := strings.TrimSpace(text)
	// A statement after the answer ("抬头 杭州某某公司 税号…" after the invoice answer)
	// is what the answer asked for: the merchant needs the question it goes with too.
	replies := !intents.Asks(t)
	// "多少钱啊" right after "保温杯还有货吗" was answered: short, naming no goods — about
	// the goods asked of before (trial 30's item read "问：多少钱啊", of what the merchant
	// could not tell).
	bare := len(intents.GoodsIn(t)) == 0 && len(intents.GoodsIn(sess.AnsweredText)) > 0
	if !replies && (utf8.RuneCountInString(t) > 8 || !(intents.FollowsUp(t) || elliptical(t) || bare)) {
		return ""
	}
	if sess.AnsweredText != text && now.Sub(sess.AnsweredAt) <= askedBeforeWithin {
		return sess.AnsweredText
	}
	return ""
}

// detailsAsked reports an FAQ answer given to the buyer lately that asks them for details
// the merchant acts on (订单号, 联系方式: "告诉我订单号就帮您合并", "请留下数量和联系方式"):
// what their order number or phone sent next is for.
func (e *Engine) detailsAsked(m Message, sess *session) bool {
	shop := e.shops[m.Shop]
	if shop.FAQ == nil || sess.AnsweredText == "" || e.now().Sub(sess.AnsweredAt) > askedBeforeWithin {
		return false
	}
	answer, _, ok := shop.FAQ.Answer(sess.AnsweredText, shop.Name)
	return ok && mentions(answer, "订单号", "联系方式", "电话", "手机号")
}

// askedBeforeWithin is how soon a follow-up must come after the message it follows up.
const askedBeforeWithin = 10 * time.Minute

// shortOrder is the number a message gives as its order ("订单号 123456", "单号是8848")
// when it is too short to be one (fewer than 10 digits), else "".
func shortOrder(text string) string {
	i := strings.Index(text, "单号")
	if i < 0 || mentions(text, "快递单号", "运单号", "物流单号") {
		return ""
	}
	rest := strings.TrimLeft(text[i+len("单号"):], " ：:是为")
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n < 4 || n >= 10 {
		return ""
	}
	return rest[:n]
}

// aboutDelivery reports words about an order's shipping or delivery ("怎么还不发货", "到哪
// 了", an order number alone).
func aboutDelivery(text string) bool {
	return onlySlots(text) || asksOrderState(text) || urgesDelivery(text) ||
		mentions(text, "发货", "发了", "发出", "不发", "没发", "到哪", "物流", "快递", "还没到", "没收到", "几天了", "天了")
}

// leadInWithin is how recent an inbox item of statements must be to be the start of the
// request a new case opens for.
const leadInWithin = 10 * time.Minute

// foldLeadIn moves into c the inbox item the buyer's request began as: words sent minutes
// before it that asked nothing ("我买的那个台灯", "灯不亮了", "才用了一个星期"), which went
// to the merchant as a question because no request was plain yet. They are the case's
// description; left apart they would remind the merchant about a question nobody asked.
// An item that asks something (a pre-sale question) stays: the merchant still owes it an
// answer — unless c is the buyer's request for a person (person), who takes the whole
// conversation over: there the item would be the same words twice, alerted twice, merged
// by hand (trial 30: "转人工" after a question made Q5 and A7 of the same lines).
func (t *turn) foldLeadIn(c *cases.Case, person bool) error {
	live, err := t.tx.BuyerCases(c.Shop, c.Buyer)
	if err != nil {
		return err
	}
	for i := range live {
		q := &live[i]
		if q.Intent != cases.IntentQuestion || q.OrderID != "" && q.OrderID != c.OrderID {
			continue
		}
		// A chase of that order's delivery ("…都三天了还不发货" went to the merchant as
		// late) is moot once its money is asked back: folded, it stops reminding the
		// merchant of a parcel nobody waits for (trial 14).
		chase := q.OrderID == c.OrderID && (c.Intent == string(intents.Refund) || c.Intent == string(intents.Return))
		if !chase && t.tx.Now().Sub(q.OpenedAt) > leadInWithin {
			continue
		}
		events, err := t.tx.Events(q.Shop, q.ID)
		if err != nil {
			return err
		}
		words := buyerWords(events)
		if len(words) == 0 {
			continue
		}
		// (Where it should go is as moot: "地址填错了 能改吗 / 改成 杭州市…" then "算了 不要了
		// 退了吧" — trial.)
		moot := chase && !slices.ContainsFunc(words, func(w said) bool {
			return !aboutDelivery(w.Text) && !mentions(w.Text, "地址", "改成", "改到", "收件人", "收货人")
		})
		if person && t.tx.Now().Sub(q.OpenedAt) > leadInWithin {
			continue
		}
		if !moot && !person && (t.tx.Now().Sub(q.OpenedAt) > leadInWithin || slices.ContainsFunc(words, func(w said) bool { return intents.Asks(w.Text) })) {
			if t.tx.Now().Sub(q.OpenedAt) <= leadInWithin {
				// The question stays the merchant's, but a photo sent with it moments
				// before the request is the request's evidence too ("[图片] / 你看看 这啥
				// 玩意", then "饭盒有个裂口" opened an exchange that asked for a photo).
				if err := t.shareMedia(c, words); err != nil {
					return err
				}
			}
			continue
		}
		// The burst that opened c may hold the same lines ("买的儿童鞋偏小" went to the
		// inbox and is also the request's description): each is kept once.
		mine, err := t.tx.Events(c.Shop, c.ID)
		if err != nil {
			return err
		}
		have := buyerWords(mine)
		words = slices.DeleteFunc(words, func(w said) bool {
			return slices.ContainsFunc(have, func(h said) bool { return h.Text == w.Text && h.Media == w.Media })
		})
		if err := t.recordAll(c.ID, words); err != nil {
			return err
		}
		if err := t.tx.SetState(q, cases.StateClosed, "bot", "并入 "+c.ID); err != nil {
			return err
		}
	}
	return nil
}

// holdsMedia reports whether case c holds a picture, voice note or file of the buyer's
// (one folded in from a question sent just before). A store error counts as none: the
// photo is asked for, as before.
func (t *turn) holdsMedia(c *cases.Case) bool {
	evs, err := t.tx.Events(c.Shop, c.ID)
	return err == nil && slices.ContainsFunc(evs, func(ev cases.Event) bool { return ev.Kind == cases.EventMessage && ev.Media != "" })
}

// shareMedia records on c the pictures, voice notes and files among words that c does
// not hold yet.
func (t *turn) shareMedia(c *cases.Case, words []said) error {
	mine, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return err
	}
	have := buyerWords(mine)
	var add []said
	for _, w := range words {
		if w.Media != "" && !slices.ContainsFunc(have, func(h said) bool { return h.Media == w.Media }) {
			add = append(add, w)
		}
	}
	return t.recordAll(c.ID, add)
}

// liveByID is the case with id among the live cases cs, or nil ("" finds none).
func liveByID(cs []cases.Case, id string) *cases.Case {
	if id == "" {
		return nil
	}
	for i := range cs {
		if cs[i].ID == id {
			return &cs[i]
		}
	}
	return nil
}

// toMerchant keeps the buyer's answer to the merchant's message on case c and passes it
// on: one alert per urgentEvery (the words are all on the case), the buyer told so.
func (e *Engine) toMerchant(ctx context.Context, m Message, sess *session, c *cases.Case) ([]cases.Reply, error) {
	sess.Pending, sess.Recent = nil, nil
	return e.do(ctx, m, func(t *turn) error {
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if err := t.alertOnce(c, cases.AlertFollowUp, m.Text); err != nil {
			return err
		}
		return t.say("to_merchant", Data{CaseID: c.ID})
	})
}

// merchantTalk is how long after the merchant wrote to a buyer their words are read as
// the answer to it.
const merchantTalk = 30 * time.Minute

// noteOnCase keeps what the buyer said on their live case c and says so.
func (e *Engine) noteOnCase(ctx context.Context, m Message, sess *session, c *cases.Case) ([]cases.Reply, error) {
	if mentions(m.Text, "发票", "开票", "抬头", "税号") && c.Intent != cases.IntentQuestion {
		// "顺便开个发票 抬头 …公司" with a 价保 under way: the merchant issues it — an
		// inbox question they are alerted of, not words on the case nobody is told of.
		return e.question(ctx, m, sess)
	}
	if e.otherItem(m, c) {
		// "另一个是台灯" beside a return of bedding: the start of another request, kept
		// for the order and the problem that follow — it was "已补充到您的退货退款售后单"
		// of the bedding.
		sess.Pending = append(sess.Pending[:0], said{Text: m.Text, Keep: true})
		sess.OrderID, sess.CaseID = "", ""
		return e.answer(ctx, m, "other_item_order", Data{})
	}
	sess.Pending = nil
	return e.do(ctx, m, func(t *turn) error {
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if err := t.amountNews(c, m); err != nil {
			return err
		}
		if asked, err := t.askedOnCase(c, m); asked || err != nil {
			return err
		}
		return t.say("case_updated", Data{CaseID: c.ID, Intent: caseName(c)})
	})
}

// otherItem reports a message telling of another item ("另一个是台灯", "还有一件是卫衣")
// that names goods and none of case c's: not more about c.
func (e *Engine) otherItem(m Message, c *cases.Case) bool {
	g, ok := e.shops[m.Shop].FAQ.(goodsFitter)
	return ok && c.Goods != "" && mentions(m.Text, "另一", "另外一", "还有一", "还有个", "还有件", "还有单") &&
		g.NamesGoods(m.Text) && sharedPairs(m.Text, c.Goods) == 0
}

// dropQuestion closes inbox question q the buyer no longer asks ("算了 我自己弄吧") and
// stops its reminders.
func (t *turn) dropQuestion(q *cases.Case) error {
	if err := t.tx.SetState(q, cases.StateClosed, "buyer", "买家说不用了"); err != nil {
		return err
	}
	return t.tx.CancelAlerts(q.Shop, q.ID)
}

// askedOnCase passes on a question asked on the buyer's live case c that the FAQ does not
// answer ("能上门取件吗" on a return): the merchant hears it now, not when they next open
// the case, and the buyer hears it went to them (trial: the return was agreed with the
// address alone and the pickup never answered). It reports whether it did.
func (t *turn) askedOnCase(c *cases.Case, m Message) (bool, error) {
	if !intents.Asks(m.Text) || pings(m.Text) || !c.State.Live() || t.e.faqAnswers(m) {
		return false, nil
	}
	if err := t.alertOnce(c, cases.AlertFollowUp, m.Text); err != nil {
		return true, err
	}
	return true, t.say("to_merchant", Data{CaseID: c.ID})
}

// amountNews tells the merchant at once when the buyer names a sum on their live case c
// ("24块太少了吧 起码给我退40", "退我25就行"): a counter-offer or the amount wanted is the
// merchant's to decide on, not words to find later. The words go as said: which of two
// sums is the buyer's ("24块太少了 … 退40") is for the merchant to read.
func (t *turn) amountNews(c *cases.Case, m Message) error {
	if intents.ExtractSlots(m.Text).AmountFen == 0 || !c.State.Live() {
		return nil
	}
	return t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertFollowUp, DueAt: t.tx.Now(), Note: m.Text})
}

// withdraw handles a cancel reading: an unambiguous withdrawal (a clear rule hit or a
// confident reading) withdraws the case at once; a middling one asks first; with no case
// to withdraw, a settled "已经好了" is just acknowledged.
func (e *Engine) withdraw(ctx context.Context, m Message, sess *session, view cases.BuyerView, res intents.Result) ([]cases.Reply, error) {
	live := view.Live()
	var target *cases.Case
	for i := range live {
		if live[i].Intent != string(intents.Human) {
			target = &live[i]
			break
		}
	}
	if g := caseByGoods(live, m.Text); g != nil {
		target = g // the case of the goods named, as cancel takes it
	}
	if approved := newestIn(view.Cases, cases.StateResolved); target == nil && approved != nil && needsOrder(intents.Label(approved.Intent)) &&
		res.Confidence >= withdrawAbove && !sess.Intent.OpensCase() {
		// "算了 壳子我留着用了 不退了" after the refund was approved: nothing live to
		// withdraw, but the merchant must hear it before the money or the parcel goes,
		// and may then record it with 关闭.
		return e.passOn(ctx, m, sess, approved, cases.AlertBuyerWithdrew, "withdrawn_after", Data{})
	}
	switch {
	case target == nil && res.Confidence >= withdrawAbove:
		return e.cancel(ctx, m, sess)
	case target == nil && !sess.Intent.OpensCase() && res.Candidates[1].OpensCase() && (!res.Unclear || intents.NamesRemedy(m.Text)):
		// "不用了!我申请退货" with nothing to withdraw: the uncertain withdrawal cannot be
		// one, and the request the words also name is asked about once (not dropped).
		return e.confirm(ctx, m, sess, res.Candidates[1])
	case target == nil && !sess.Intent.OpensCase() && m.asking:
		return e.cancel(ctx, m, sess) // "算了 我自己弄吧": the waiting question dropped (cancel closes it)
	case target == nil:
		return e.chat(ctx, m, sess, "ack")
	case res.Confidence >= withdrawAbove:
		return e.cancel(ctx, m, sess)
	}
	return e.confirmCancel(ctx, m, sess, target)
}

// denied withdraws case c, opened from a status ask the buyer now says was no request of
// theirs, and answers what else they wrote, read on its own.
func (e *Engine) denied(ctx context.Context, m Message, sess *session, view cases.BuyerView, c *cases.Case) ([]cases.Reply, error) {
	sess.AskedAbout = ""
	replies, err := e.do(ctx, m, func(t *turn) error {
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if err := t.tx.SetState(c, cases.StateCancelled, "buyer", "买家说没有申请过"); err != nil {
			return err
		}
		if err := t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertBuyerCancelled, DueAt: t.tx.Now()}); err != nil {
			return err
		}
		return t.say("request_denied", Data{CaseID: c.ID, Intent: caseName(c)})
	})
	rest := beyondDenial(m.Text)
	if err != nil || rest == "" {
		return replies, err
	}
	for i := range view.Cases {
		if view.Cases[i].ID == c.ID {
			view.Cases[i].State = cases.StateCancelled
		}
	}
	r := m
	r.Text = rest
	res := e.read(m.Shop, rest)
	more, err := e.converse(ctx, r, sess, view, res, res.Label, res.Slots.OrderID, false)
	return append(replies, more...), err
}

// beyondDenial is what text says besides denying a request ("哦不对 我没申请过退款 我是想
// 问怎么还不发货" → "我是想问怎么还不发货"): its clauses with no denial, no bare "不对"; ""
// when nothing is left.
func beyondDenial(text string) string {
	var keep []string
	for _, c := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" ，,。.!！~～", r) }) {
		if intents.Denies(c) {
			continue
		}
		if t := strings.TrimLeft(c, "哦噢额呃啊唉诶"); t == "" || t == "不对" || t == "不是" || t == "错了" || t == "搞错了" || t == "说错了" {
			continue
		}
		keep = append(keep, c)
	}
	return strings.Join(keep, " ")
}

// withdrawAbove is the confidence at which a cancel reading withdraws a case without
// asking: a wrongly withdrawn case tells the merchant "无需处理" about a buyer who still
// waits, so anything less certain is asked about first.
const withdrawAbove = 0.9

// confirmed carries out the answer to a yes/no question the bot asked.
func (e *Engine) confirmed(ctx context.Context, m Message, sess *session, view cases.BuyerView, pc *pendingConfirm, yes bool) ([]cases.Reply, error) {
	if !yes && pc.CaseID == "" && sess.Intent != "" && sess.Intent != pc.Label && sess.Asked && sess.OrderID == "" {
		// "我的四件套到哪了" (order number asked) → "你们什么破快递" → "要登记投诉吗？" →
		// "2": not a complaint, and the delivery question still waits for its number —
		// said so, so the number that follows answers it, not the menu.
		return e.reminder(ctx, m, sess)
	}
	if !yes {
		words := sess.Pending
		// (The burst the question was read from is not read again with what comes next:
		// the buyer said it is not that request.)
		sess.Pending, sess.Intent, sess.Recent = nil, "", nil
		if asked := pendingWords(words, ""); pc.CaseID == "" && needsOrder(pc.Label) && asked != "" {
			// "赔偿的钱在哪里查看" → "您是要申请退款吗？" → "不是呢": the request was a
			// misreading, and what the buyer did write still wants an answer — the FAQ's,
			// or the merchant's from the inbox, never silence.
			q := m
			q.Text, q.faq = asked, nil
			return e.question(ctx, q, sess)
		}
		return e.answer(ctx, m, "ack", Data{Shop: e.shops[m.Shop].Name})
	}
	if pc.Label == intents.Cancel {
		return e.cancel(ctx, m, sess)
	}
	// The buyer's words are the ones that led to the question, already pending; the
	// "1" is not the buyer's description.
	return e.dispatch(ctx, m, sess, pc.Label)
}

func (e *Engine) dispatch(ctx context.Context, m Message, sess *session, label intents.Label) ([]cases.Reply, error) {
	switch {
	case needsOrder(label):
		return e.request(ctx, m, sess, label)
	case label == intents.Complaint:
		return e.complaint(ctx, m, sess)
	case label == intents.Logistics:
		return e.logistics(ctx, m, sess)
	case label == intents.Human:
		return e.human(ctx, m, sess)
	case label == intents.Cancel:
		return e.cancel(ctx, m, sess)
	case label == intents.Greeting && intents.Asks(m.Text) && !hello(m.Text) && !pings(m.Text) && !thanks(m.Text) && !leadIn(m.Text) && asksSomething(m) &&
		utf8.RuneCountInString(m.Text) > 6:
		// "五星好评了 有返现不😄": pleasant, and a question all the same — the FAQ or the
		// merchant answers it, not "好的～ 有需要随时说".
		return e.question(ctx, m, sess)
	case label == intents.Greeting:
		return e.chat(ctx, m, sess, "greeting")
	case sess.Intent.OpensCase() && sess.Asked && sess.OrderID == "" && !intents.Asks(m.Text) && !angry(m.Text) && namesWhich(m.Text):
		// "就是那个硅胶折叠的 薄荷绿" while the swap waits for its order number: more of
		// the request, kept with it (sess.Pending), and the order number asked once more —
		// not an inbox item (trial 16).
		return e.remind(ctx, m, sess)
	case asksSomething(m):
		// (With a case open too: the merchant answers it from the inbox, where the
		// question carries the order named.)
		return e.question(ctx, m, sess)
	case leadIn(m.Text):
		return e.chat(ctx, m, sess, "greeting") // "问下" → "在的～ …直接说就好"
	default:
		return e.chat(ctx, m, sess, "other")
	}
}

// policyQuestion reports a question about the shop's after-sale policy rather than a
// request: it asks, and says nothing wrong with the goods, or asks who pays ("退货运费谁出",
// "质量问题退换谁出运费").
func policyQuestion(text string, s intents.Slots) bool {
	if s.Image || !intents.Asks(text) {
		return false
	}
	return s.Reason == "" || s.Reason == intents.ReasonNoReason || strings.Contains(text, "谁")
}

// asksRemedy reports a remedy asked about as a question ("是不是能退啊", "可以换吗"): with a
// problem told, the request it starts, not the shop's policy.
func asksRemedy(text string) bool {
	return intents.Asks(text) && mentions(text, "能退", "可以退", "能不能退", "可不可以退", "退得了", "能换", "可以换", "能不能换",
		"可不可以换", "能修", "可以修", "能不能修", "能赔", "能不能赔")
}

// defect reports a reason that is something wrong with the goods.
func defect(r intents.Reason) bool {
	switch r {
	case intents.ReasonQuality, intents.ReasonDamaged, intents.ReasonWrongItem, intents.ReasonMissingPart, intents.ReasonNotAsDescribed:
		return true
	}
	return false
}

// shipByQuestion is how the FAQ is asked for the shop's ship-by promise, told to a buyer
// whose order has not shipped yet.
const shipByQuestion = "什么时候发货"

// faqAnswer is the shop's FAQ answer to m's text and the entry it comes from; ok is false
// when the shop has no FAQ or no entry scores high enough. Looked up once per turn.
func (e *Engine) faqAnswer(m Message) (answer, id string, ok bool) {
	f := e.faqFor(m)
	return f.answer, f.id, f.ok
}

// merchantAnswered reports whether the shop's FAQ answers m from an entry the merchant
// saved from an inbox answer (Q7 回复 … +问答; ids "inbox_…").
func (e *Engine) merchantAnswered(m Message) bool {
	_, id, ok := e.faqAnswer(m)
	return ok && strings.HasPrefix(id, inboxFAQPrefix)
}

// inboxFAQPrefix starts the id of an FAQ entry saved from an answered inbox item.
const inboxFAQPrefix = "inbox_"

// faqFor is the shop FAQ's reading of m: looked up once per turn in m.faq (a message
// without one, as from a merchant's tool, is looked up afresh each time).
func (e *Engine) faqFor(m Message) *faqLookup {
	f := m.faq
	if f == nil {
		f = &faqLookup{}
	}
	shop := e.shops[m.Shop]
	if f.done || shop.FAQ == nil {
		return f
	}
	text := m.Text
	if f.about != "" && sendingBack(text) {
		text = f.about + " " + text
	}
	f.answer, f.id, f.ok = shop.FAQ.Answer(text, shop.Name)
	if qs := askParts(text); len(qs) >= 2 {
		e.answerParts(shop, qs, text, f)
	}
	if f.ok && slices.Contains(f.given, f.id) {
		f.ok, f.repeat = false, true // the same answer again would not answer it: a person will
	}
	if f.ok && givesInvoiceDetails(text) {
		// "要开电子发票 抬头是上海某某科技有限公司": the details to issue it with, for the
		// merchant — not the FAQ's how-to, which asks for them.
		f.ok = false
	}
	if s := intents.ExtractSlots(text); f.ok && s.MoreOrderIDs[0] != "" && !intents.Asks(text) {
		// "我有两单 4705… 3856…": orders given for what comes next, not the FAQ's "两个订单
		// 可以合并发货吗" — which then asked for the numbers just sent.
		f.ok = false
	}
	if f.replacing && asksAfterReplacement(text) {
		// "新杯子大概什么时候能寄出呢" with a replacement agreed: the replacement's case
		// answers it, not the shop's ship-by promise for new orders (trial).
		f.answer, f.id, f.ok, f.part = "", "", false, ""
	}
	if g, fits := shop.FAQ.(goodsFitter); fits && f.ok && f.goods != "" && mentions(text, "这个", "这款", "它", "这种") && !g.Fits(f.id, f.goods) {
		// "还有这个能装热汤吗" while talking of a lunch box: not the thermos's answer
		// (trial 14) — the merchant answers it.
		f.ok = false
	}
	f.done = true
	return f
}

// givesInvoiceDetails reports a message that gives an invoice's title or tax number ("抬
// 头是…公司", "税号 9131…").
func givesInvoiceDetails(text string) bool {
	return mentions(text, "抬头是", "抬头：", "抬头:", "抬头写", "抬头开", "税号是", "税号：", "税号:", "开户行") ||
		mentions(text, "税号") && strings.ContainsFunc(text, unicode.IsDigit) || mentions(text, "抬头") && mentions(text, "公司", "有限")
}

// goodsFitter is an FAQ that knows which goods its entries speak of (*faq.Book).
type goodsFitter interface {
	Fits(id, goods string) bool
	NamesGoods(text string) bool
}

// faqRepeatWithin is how long after an FAQ answer the same entry is not given again to
// the buyer: asked on, the question goes to the merchant. maxAnswered is how many of
// the entries given lately are remembered.
const (
	faqRepeatWithin = 30 * time.Minute
	maxAnswered     = 4
)

// answerParts answers a message of several questions ("包邮吗 另外能开发票不") part by
// part: every part the FAQ answers, each once, in the order asked. All answered, the
// answers together are the FAQ's answer; some answered, the first answer is only part of
// one (f.part), so the message still goes to the merchant — the best entry for the whole
// message answered one question and left the other unanswered.
func (e *Engine) answerParts(shop *Shop, qs []string, whole string, f *faqLookup) {
	var answers, ids, left []string
	missed := 0
	for _, q := range qs {
		a, id, ok := shop.FAQ.Answer(q, shop.Name)
		if g, fits := shop.FAQ.(goodsFitter); fits && ok && !g.Fits(id, whole) {
			// "真丝眼罩能机洗吗 会不会缩水": the second part asks of the eye mask too —
			// not the bedding's washing answer it matches alone (trial).
			ok = false
		}
		switch {
		case !ok && utf8.RuneCountInString(q) <= 4:
			// "会不会坏" after "保温杯能装牛奶吗": a follow-up on the question answered,
			// not a second question left open.
		case !ok:
			missed++
			left = append(left, q)
		case slices.Contains(f.given, id):
			// Answered a moment ago ("请问那个保温杯" got the thermos's answer): not said
			// again before the part that goes to the merchant.
		case !slices.Contains(ids, id):
			answers, ids = append(answers, a), append(ids, id)
		}
	}
	g, fits := shop.FAQ.(goodsFitter)
	switch {
	case len(ids) == 0:
		f.part = ""
	case f.ok && len(ids) == 1 && ids[0] == f.id && fits && !slices.ContainsFunc(left, func(q string) bool { return !g.NamesGoods(q) || !g.Fits(f.id, q) }):
		// "那个真丝眼罩是真丝的吗 什么材质": the part left asks of goods the whole
		// message's answer speaks of ("眼罩是桑蚕丝") — the same question put twice, not a
		// second one for the merchant (trial 22).
	case missed == 0 && len(ids) >= 2:
		f.answer, f.id, f.ok = strings.Join(answers, "\n"), strings.Join(ids, "+"), true
	case missed == 0:
		// Both parts answered by one entry ("包邮吗 运费多少"): the whole message's answer.
		f.answer, f.id, f.ok = answers[0], ids[0], true
	default:
		f.answer, f.id, f.ok = "", "", false
		f.part = strings.Join(answers, "\n")
	}
}

// askPartSeps are the words that join two questions in one message.
var askPartSeps = []string{"另外", "还有就是", "还有", "顺便问下", "顺便问一下", "顺便", "再问下", "再问一下", "以及"}

// elliptical reports a part that asks only by 呢 after naming something ("四件套的呢",
// "那个呢"): "what about …", whose question is the rest of the message.
func elliptical(part string) bool {
	rest, ok := strings.CutSuffix(part, "呢")
	return ok && !intents.Asks(strings.TrimSuffix(rest, "的"))
}

// clauses splits a message at spaces and stops, as buyers separate what they say.
func clauses(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("，,。！!；;～~？?", r)
	})
}

// askParts splits a message into the questions it asks — parts between spaces, stops
// and joining words (另外, 顺便问下) that ask something themselves — or nil when it asks
// fewer than two. Statements around the questions are dropped.
func askParts(text string) []string {
	for _, w := range askPartSeps {
		text = strings.ReplaceAll(text, w, " ")
	}
	var qs []string
	for _, p := range clauses(text) {
		if utf8.RuneCountInString(p) >= 2 && intents.Asks(p) && !elliptical(p) {
			qs = append(qs, p)
		}
	}
	if len(qs) < 2 {
		return nil
	}
	return qs
}

// escalated reports a case whose buyer threatened to escalate (12315, 差评, 投诉) or told of
// harm the goods did: its complaint stands whatever remedy is asked after it. Unsure (the store unread), it says
// yes, and the case stays as it is.
func (e *Engine) escalated(ctx context.Context, c *cases.Case) bool {
	events, err := e.store.Events(ctx, c.Shop, c.ID)
	if err != nil {
		return true
	}
	for _, ev := range events {
		if ev.Kind == cases.EventMessage && ev.Actor == "buyer" && (e.read(c.Shop, ev.Text).Escalation || intents.Harms(ev.Text)) {
			// (Harm done — "孩子吃了拉肚子 在医院" — stays a complaint too: a remedy asked
			// next, maybe for other goods, does not turn it into that remedy.)
			return true
		}
	}
	return false
}

// caseNamed is the buyer's case whose id the text names ("A1那个退款到哪了"), or nil.
func caseNamed(cs []cases.Case, text string) *cases.Case {
	up := strings.ToUpper(text)
	for i := range cs {
		id := cs[i].ID
		j := strings.Index(up, id)
		if j < 0 || cs[i].Intent == cases.IntentQuestion {
			continue
		}
		if end := j + len(id); end < len(up) && up[end] >= '0' && up[end] <= '9' {
			continue // "A12" is not A1
		}
		return &cs[i]
	}
	return nil
}

// caseByGoods is the one case under way (live or decided, not withdrawn or closed) among
// two or more whose goods the text names (shares the most two-character words with,
// "苹果" of "烟台红富士苹果 10斤"), or nil when none or several do.
func caseByGoods(cs []cases.Case, text string) *cases.Case {
	var best *cases.Case
	bestN, tie, with := 0, false, 0
	for i := range cs {
		c := &cs[i]
		if c.Goods == "" || c.Intent == cases.IntentQuestion || c.Intent == string(intents.Human) ||
			c.State == cases.StateCancelled || c.State == cases.StateClosed || c.State == cases.StateExpired {
			continue
		}
		with++
		n := sharedPairs(text, c.Goods)
		switch {
		case n > bestN:
			best, bestN, tie = c, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if with < 2 || tie || bestN == 0 {
		return nil
	}
	return best
}

// caseByBuyersGoods is the one case under way among two or more whose order's title or
// buyer's own words speak of the goods the text names ("裤子我明天寄回" with a return whose
// buyer wrote "一个是裤子 太长了想退" and a toothbrush's repair: the title "男士直筒休闲长裤"
// shares no word with 裤子), or nil when the text names none, or none or several cases
// speak of them. It reads each case's events, so it comes after caseByGoods.
func (e *Engine) caseByBuyersGoods(ctx context.Context, m Message, cs []cases.Case) (*cases.Case, error) {
	names := intents.GoodsIn(m.Text)
	if len(names) == 0 {
		return nil, nil
	}
	var under []*cases.Case
	for i := range cs {
		c := &cs[i]
		if c.Intent != cases.IntentQuestion && c.Intent != string(intents.Human) &&
			c.State != cases.StateCancelled && c.State != cases.StateClosed && c.State != cases.StateExpired {
			under = append(under, c)
		}
	}
	if len(under) < 2 {
		return nil, nil
	}
	var found *cases.Case
	for _, c := range under {
		evs, err := e.store.Events(ctx, c.Shop, c.ID)
		if err != nil {
			return nil, err
		}
		about := []string{strings.ToLower(c.Goods)}
		for _, ev := range evs {
			if ev.Kind == cases.EventMessage && ev.Actor == "buyer" {
				about = append(about, strings.ToLower(ev.Text))
			}
		}
		text := strings.Join(about, " ")
		if !intents.SpeaksOfAny(text, names) {
			continue
		}
		if found != nil {
			return nil, nil // both speak of them
		}
		found = c
	}
	return found, nil
}

// orderOfNamedGoods is the one order among the buyer's cases of the last recentFor whose
// goods the words of a request waiting for its order name ("杯垫上有块黑印子 能补偿几块钱不",
// "就是杯子那单啊" with the mug-and-coaster order's exchange agreed), or "" when they name
// none, several orders fit, or the words speak of another purchase ("又买了一个"). The
// buyer was asked for the number they had given for that very order (trial 30: "你们烦不
// 烦啊 都发了好几遍了"); the reply that opens the case names the order, so a wrong guess
// shows.
func (e *Engine) orderOfNamedGoods(ctx context.Context, m Message, sess *session) (string, error) {
	words := []string{m.Text}
	for _, p := range sess.Pending {
		words = append(words, p.Text)
	}
	text := strings.Join(words, " ")
	names := intents.GoodsIn(text)
	if len(names) == 0 || mentions(text, "又买", "再买", "新买", "另一", "另外一", "别的单", "别的订单", "其他订单", "这次买") {
		return "", nil
	}
	view, err := e.store.Buyer(ctx, m.Shop, m.From, e.now().Add(-recentFor))
	if err != nil {
		return "", err
	}
	found := ""
	for _, c := range view.Cases {
		if c.OrderID == "" || c.OrderID == found || c.Goods == "" {
			continue
		}
		goods := strings.ToLower(c.Goods)
		if !intents.SpeaksOfAny(goods, names) {
			continue
		}
		if found != "" {
			return "", nil // two orders hold such goods: the buyer says which
		}
		found = c.OrderID
	}
	return found, nil
}

// orderByGoods is the order, among those the buyer has talked about (their recent cases
// and inbox items, and the order named last), whose goods text names more of than any
// other's ("保温杯" of "304不锈钢保温杯 500ml" beside a mug order); "" with fewer than two
// orders, or no clear best. Orders not on a case with its goods are looked up.
func (e *Engine) orderByGoods(ctx context.Context, m Message, sess *session, view cases.BuyerView) string {
	ids := []string{}
	goods := map[string]string{}
	add := func(id, g string) {
		if id == "" {
			return
		}
		if _, ok := goods[id]; !ok {
			ids = append(ids, id)
		} else if g == "" {
			return // known, maybe with its goods: nothing to add
		}
		goods[id] = g
	}
	for _, c := range view.Cases {
		add(c.OrderID, c.Goods)
	}
	for _, id := range m.asked {
		add(id, "")
	}
	for _, id := range sess.Named {
		add(id, "")
	}
	add(sess.OrderID, "")
	if len(ids) < 2 {
		return ""
	}
	best, bestN, tie := "", 0, false
	for _, id := range ids {
		g := goods[id]
		if g == "" {
			if id == sess.GoodsOf {
				g = sess.Goods
			} else if o, err := e.lookupOrder(ctx, m.Shop, id); err == nil {
				g = goodsOf(o)
			}
		}
		switch n := sharedPairs(m.Text, g); {
		case n > bestN:
			best, bestN, tie = id, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if tie || bestN == 0 {
		return ""
	}
	return best
}

// sharedPairs counts the Han character pairs of text found in goods.
func sharedPairs(text, goods string) int {
	rs := []rune(text)
	n := 0
	for i := 0; i+1 < len(rs); i++ {
		if unicode.Is(unicode.Han, rs[i]) && unicode.Is(unicode.Han, rs[i+1]) && strings.Contains(goods, string(rs[i:i+2])) {
			n++
		}
	}
	return n
}

// goesBackTo reports a case whose goods come back to the shop: a return, an exchange
// (the item swapped or faulty goes back first), or a repair (mended at the shop).
func goesBackTo(c *cases.Case) bool { return cases.GoesBack(c.Intent) }

// waivedIn reports a merchant's reply or approval in a case's events that lets the buyer
// keep the goods.
func waivedIn(evs []cases.Event) bool {
	return slices.ContainsFunc(evs, func(ev cases.Event) bool {
		return (ev.Kind == cases.EventReply && ev.Actor == "merchant" || ev.Kind == cases.EventState && ev.To == cases.StateResolved) && (noSendBack(ev.Text) || reships(ev.Text))
	})
}

// askedBackIn reports a merchant's reply, approval or refusal in a case's events that asks
// the goods back ("台灯寄回来 收到就退", "拒绝 台灯需要先寄回检测").
func askedBackIn(evs []cases.Event) bool {
	return slices.ContainsFunc(evs, func(ev cases.Event) bool {
		return (ev.Kind == cases.EventReply && ev.Actor == "merchant" || ev.Kind == cases.EventState && (ev.To == cases.StateResolved || ev.To == cases.StateRejected)) &&
			asksGoodsBack(ev.Text)
	})
}

// asksGoodsBack reports a merchant's words asking for the goods back ("坏的麻烦寄回", "台灯
// 寄回来 收到就退").
func asksGoodsBack(text string) bool {
	return !noSendBack(text) && mentions(text, "寄回", "退回来", "寄过来", "发回来", "寄给我们", "退回给我们", "寄到我们")
}

// refusedAskingBack is the buyer's last decided case if the merchant refused it within
// disputeWithin asking for the goods back ("拒绝 台灯需要先寄回检测"), else nil: what the
// goods the buyer then sends back, and asks where to send, belong to.
func (e *Engine) refusedAskingBack(ctx context.Context, cs []cases.Case) (*cases.Case, error) {
	d := lastDecided(cs)
	if d == nil || d.State != cases.StateRejected || e.now().Sub(d.UpdatedAt) >= disputeWithin {
		return nil, nil
	}
	evs, err := e.store.Events(ctx, d.Shop, d.ID)
	if err != nil || !askedBackIn(evs) {
		return nil, err
	}
	return d, nil
}

// asksShopGot reports a buyer asking whether the shop got what they sent back ("你们收到了
// 吗", "退回去的东西收到没"), not whether their own parcel came.
func asksShopGot(text string) bool {
	if mentions(text, "我收到", "我没收到", "我还没收到", "我这边", "我这") {
		return false
	}
	return mentions(text, "你们收到", "店里收到", "仓库收到", "你们那边收到", "你那边收到", "你们签收", "寄回去的", "退回去的", "寄回的", "退回的") &&
		mentions(text, "收到", "签收", "到了")
}

// goodsBackAgreedWithin is how long after an agreement the goods the buyer sends back
// are what "运费谁出" asks about.
const goodsBackAgreedWithin = 14 * 24 * time.Hour

// goodsBackAgreed names ("退货", "换货") the buyer's newest case agreed within
// goodsBackAgreedWithin whose goods come back to the shop: a return; an exchange of goods
// that go back; a refund the merchant agreed to on the goods' return ("台灯寄回来 收到就
// 退"); or "" — then "运费谁出" is the shop's postage for buying (trial 16 answered the
// return's postage with "满 59 元包邮").
func (e *Engine) goodsBackAgreed(ctx context.Context, cs []cases.Case) (string, error) {
	for i := range cs {
		c := &cs[i]
		if c.State != cases.StateResolved || e.now().Sub(c.UpdatedAt) > goodsBackAgreedWithin {
			continue
		}
		switch intents.Label(c.Intent) {
		case intents.Return:
			return "退货", nil
		case intents.Exchange:
			if goesBack(intents.Reason(c.Reason)) {
				return "换货", nil
			}
		case intents.Refund:
			evs, err := e.store.Events(ctx, c.Shop, c.ID)
			if err != nil {
				return "", err
			}
			if askedBackIn(evs) && !waivedIn(evs) {
				return "退货", nil
			}
		}
		return "", nil
	}
	return "", nil
}

// goodsBackAbout names the buyer's live request whose goods come back to the shop (退货,
// 换货), or "".
func goodsBackAbout(live []cases.Case) string {
	for _, c := range live {
		switch intents.Label(c.Intent) {
		case intents.Return:
			return "退货"
		case intents.Exchange:
			return "换货"
		}
	}
	return ""
}

// sendingBack reports a short question about sending goods and its cost that names no
// request itself ("运费谁出", "寄到哪个地址").
func sendingBack(text string) bool {
	return utf8.RuneCountInString(text) <= 12 && !mentions(text, "退", "换") &&
		mentions(text, "运费", "邮费", "快递费", "谁出", "寄到哪", "寄哪", "怎么寄", "地址")
}

// faqAnswers reports whether the shop's FAQ answers m by itself.
func (e *Engine) faqAnswers(m Message) bool {
	_, _, ok := e.faqAnswer(m)
	return ok
}

// askLabel asks the assistant, if any, which of the classifier's candidates (or other)
// an unclear message has; ok is false without an assistant or on any failure.
func (e *Engine) askLabel(ctx context.Context, text string, candidates []intents.Label) (intents.Label, bool) {
	if e.assistant == nil {
		return "", false
	}
	labels := []string{string(intents.Other)}
	for _, c := range candidates {
		if c != "" && c != intents.Other {
			labels = append(labels, string(c))
		}
	}
	got, err := e.assistant.Classify(ctx, text, labels)
	if err != nil {
		e.log.Warn("assistant could not classify; showing the menu", "err", err)
		return "", false
	}
	return intents.Label(got), true
}

// askAnswer asks the assistant, if any, to answer a question the FAQ did not reach the
// threshold on, strictly from its nearest entries; ok is false without an assistant, when
// no entry answers it, or on any failure (the question then goes to the merchant).
func (e *Engine) askAnswer(ctx context.Context, m Message, f FAQ, orderID string) (string, bool) {
	if e.assistant == nil {
		return "", false
	}
	entries := f.Candidates(m.Text, e.shops[m.Shop].Name, 5)
	if len(entries) == 0 {
		return "", false
	}
	answer, id, ok, err := e.assistant.Answer(ctx, m.Text, entries, e.orderFacts(ctx, m, orderID))
	if err != nil {
		e.log.Warn("assistant could not answer; passing the question to the merchant", "shop", m.Shop, "err", err)
		return "", false
	}
	if ok {
		e.log.Debug("assistant answered", "shop", m.Shop, "entry", id)
	}
	return answer, ok
}

// orderFacts is what the model may know of the order the buyer is talking about: its
// status and tracking, one line, and only when the buyer may see it. The buyer's name,
// phone and address never go.
func (e *Engine) orderFacts(ctx context.Context, m Message, orderID string) []string {
	if orderID == "" {
		return nil
	}
	o, err := e.lookupOrder(ctx, m.Shop, orderID)
	if err != nil {
		return nil
	}
	if own, err := e.ownershipOf(ctx, m.Shop, m.From, o); err != nil || own != ownerOK {
		return nil
	}
	fact := fmt.Sprintf("订单 %s：%s", o.ID, orderStatusWord(o.Status))
	if o.TrackingNo != "" {
		fact += fmt.Sprintf("，%s %s", o.Courier, o.TrackingNo)
	}
	if o.Logistics != "" {
		fact += "，最新物流：" + o.Logistics
	}
	return []string{fact}
}

// orderStatusWord is an order status as a buyer says it.
func orderStatusWord(s adapters.OrderStatus) string {
	switch s {
	case adapters.OrderUnpaid:
		return "未付款"
	case adapters.OrderPaid:
		return "已付款，还没发货"
	case adapters.OrderShipped:
		return "已发货"
	case adapters.OrderDelivered:
		return "已签收"
	case adapters.OrderClosed:
		return "已关闭"
	}
	return string(s)
}

// asksSomething reports a message worth a person's answer: text with at least two
// letters or characters (not "？", "。。", an emoji or a bare number).
func asksSomething(m Message) bool {
	if m.Kind != KindText && m.Kind != "" {
		return false
	}
	l := letters(m.Text)
	if leadIn(m.Text) {
		return false
	}
	return len(l) >= 3 || len(l) == 2 && intents.Asks(m.Text)
}

// leadIn reports a message that only opens a question ("问下", "请问", "你好 我有两个订单
// 的问题哈"): its letters, a hello before and a particle after aside, are a lead-in.
func leadIn(text string) bool {
	core := string(letters(text))
	for again := true; again; {
		again = false
		for _, h := range []string{"你好", "您好", "在吗", "在不", "老板", "客服", "亲", "哈喽", "嗨"} {
			if rest, ok := strings.CutPrefix(core, h); ok && rest != "" {
				core, again = rest, true
			}
		}
	}
	core = strings.TrimRight(core, "哈啊呀哦呢嘛啦")
	return slices.Contains(leadIns, core) || problemsToTell.MatchString(core)
}

// problemsToTell are lead-ins that announce problems to tell ("我有两个订单的问题", "有个事
// 想咨询一下"): it became an inbox item before the problems came (trial 30).
var problemsToTell = regexp.MustCompile(`^我?还?有(一|两|几|二|三|2|3)?(个|件)?(订单|单子)?的?(问题|事|事情)(想|要)?(问|咨询|请教)?(一)?(下)?$`)

// letters are text's letters and characters, without digits, punctuation or emoji.
func letters(text string) []rune {
	var out []rune
	for _, r := range text {
		if unicode.IsLetter(r) {
			out = append(out, r)
		}
	}
	return out
}

// leadIns open a question without asking it yet ("问下", then the question): nothing to
// pass on by themselves.
var leadIns = []string{"问下", "问一下", "请问", "请问下", "咨询下", "咨询一下", "想问下", "想问一下", "我想问下", "我想问一下", "打扰下", "打扰一下", "那个", "这个", "咋整", "怎么整", "在不在",
	"还有个事", "还有件事", "还有一件事", "还有个问题", "还有一个问题", "在吗问一下", "在吗问下", "你好问一下", "你好问下", "亲问一下", "老板问一下"}

// questionOrderWithin is how soon after a question went to the merchant an order number
// sent alone is taken as the order the question is about.
const questionOrderWithin = 10 * time.Minute

// question puts a message the bot cannot answer itself into the merchant's inbox: a Q
// item (cases.IntentQuestion) the merchant answers with "Q7 回复 文字", committed with the
// reply that tells the buyer so. Further messages while it waits join it, so the merchant
// gets one alert per burst, not one per message.
func (e *Engine) question(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	return e.questionAs(ctx, m, sess, "", Data{})
}

// questionAs is question with the reply to a new item said by key (with d, and the item's
// id and times), when the bot knows more than "记下了" ("订单…还没发出，已经超过平时的发货
// 时间了"); "" is the usual reply.
func (e *Engine) questionAs(ctx context.Context, m Message, sess *session, key string, d Data) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	// A photo sent just before the question ("[图片]" then "你看看 这啥玩意") is what it
	// asks about: it goes on the item, not away with the words cleared below.
	var shown []said
	if !sess.waitsForOrder() && !remedyMenuOpen(sess) {
		// (With the remedies asked, the problem told is the start of the request the
		// choice will make: kept — trial: "这个眼罩 / 线头全开了" were lost to a question.)
		shown = slices.DeleteFunc(slices.Clone(sess.Pending), func(p said) bool { return p.Media == "" && key != "feedback" })
		// (Feedback is about the words told before it: "碗有个小缺口 不影响用", then "就是反馈一下".)
		sess.Pending = nil // a request waiting for its order number keeps its words
		// What went to the inbox is the merchant's to answer, not the start of the
		// request the next words may make ("还有洗碗机" then "饭盒盖子裂了 咋办": the
		// dishwasher question was on the lunch box's case); words of a request that went
		// there first are folded in from the item itself (foldLeadIn).
		sess.Recent = nil
	} else if m.part > 1 {
		// A list's item asked beside a request is not that request's words.
		sess.Pending = slices.DeleteFunc(sess.Pending, func(p said) bool { return p.Text == m.Text })
	}
	part := e.faqFor(m).part // the FAQ's answer to some of the questions: said first, the rest waits
	bind := ""               // the order the question names, to be the buyer's if nobody's yet
	if e.verifyOwner && sess.OrderID != "" {
		if o, err := e.lookupOrder(ctx, m.Shop, sess.OrderID); err == nil && phoneTail(o.BuyerPhone) == "" {
			bind = o.ID
		}
	}
	return e.do(ctx, m, func(t *turn) error {
		if part != "" {
			if err := t.sayText(m.From, part); err != nil {
				return err
			}
		}
		live, err := t.tx.BuyerCases(shop.ID, m.From)
		if err != nil {
			return err
		}
		var c *cases.Case
		for i := range live {
			if live[i].Intent == cases.IntentQuestion {
				c = &live[i]
				break
			}
		}
		fresh := c == nil
		if fresh {
			// The order the buyer last named goes with the question: the merchant answering
			// "这单什么时候发" needs it, and the buyer said it messages ago.
			c = &cases.Case{Shop: shop.ID, Buyer: m.From, BuyerName: m.Name, Intent: cases.IntentQuestion, OrderID: sess.OrderID, Platform: shop.Platform.Name()}
			if err := t.tx.OpenCase(c, shop.Policy(cases.IntentQuestion)); err != nil {
				return err
			}
			if bind != "" && bind == c.OrderID {
				// "四件套那个 4705… 地址写错了 能改成…": the first buyer to use an order
				// nobody can prove is theirs, as a request's first buyer is — another
				// account opened a case on it after, and the asker was locked out of
				// their own order (trial 30).
				if _, err := t.tx.BindFirst(shop.ID, bind, m.From); err != nil {
					return err
				}
			}
			if sess.waitsForOrder() && m.part <= 1 { // (a list's item is a matter of its own)
				// A request still waiting for its order number: its words come first, so
				// the merchant reads "我不会弄啊" after what it is about; the item folds
				// into the case once the order number opens it.
				pend := sess.Pending
				if n := len(pend); n > 0 && pend[n-1].Text == m.Text && pend[n-1].Media == "" {
					pend = pend[:n-1] // this message, recorded below once (the alert read it twice)
				}
				if shop.FAQ != nil {
					// Questions the FAQ answered meanwhile ("台灯保修几年啊", "有没有运费险")
					// are answered: not for the merchant to answer again (trial 17).
					// The request's own words stay, whatever the FAQ makes of them ("我要退货"
					// scores on the return-postage entry; trial 25's phone went to the
					// merchant without them).
					pend = slices.DeleteFunc(slices.Clone(pend), func(p said) bool {
						if p.Media != "" || e.read(m.Shop, p.Text).Label.OpensCase() {
							return false
						}
						_, _, ok := shop.FAQ.Answer(p.Text, shop.Name)
						return ok
					})
				}
				if err := t.recordAll(c.ID, pend); err != nil {
					return err
				}
				if sess.Intent == intents.Logistics || justAsking(m.Text) {
					// The delivery question is this item now; nothing waits any more. So
					// with "我还没买呢 就问问" after "退货地址是哪" read as a return: the
					// words are the merchant's question, and no request waits for an order
					// (trial 22: the next order number named opened a return).
					sess.Intent, sess.Asked, sess.Pending = "", false, nil
				} else {
					sess.Aside = c.ID
				}
			} else if len(shown) > 0 {
				if err := t.recordAll(c.ID, shown); err != nil {
					return err
				}
			} else if m.told != "" {
				// "我不要退款 我就想问问这正常吗" to the remedies asked about "面霜用了脸上
				// 起红疹了": the merchant needs what "这" is (trial 27's item held the
				// question alone).
				var told []said
				for _, w := range strings.Split(m.told, " / ") {
					if w != "" && w != m.Text {
						told = append(told, said{Text: w})
					}
				}
				if err := t.recordAll(c.ID, told); err != nil {
					return err
				}
			} else if prev := askedBefore(sess, m.Text, t.tx.Now()); prev != "" {
				// "还有洗碗机" right after "那个马克杯能进微波炉不" was answered: the merchant
				// (and a +问答 saved from the answer) needs what it is about (trial 14).
				if err := t.recordAll(c.ID, []said{{Text: prev}}); err != nil {
					return err
				}
			}
		}
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if !fresh && c.OrderID == "" && sess.OrderID != "" {
			c.OrderID = sess.OrderID // the order it is about, sent after it
			if err := t.tx.SaveCase(c); err != nil {
				return err
			}
		}
		now := t.tx.Now()
		if !fresh {
			if now.Sub(sess.Told) < burstWindow && !intents.Asks(m.Text) && !withdrawsRequest(m.Text) && (utf8.RuneCountInString(m.Text) <= fragmentRunes || urges(m.Text)) &&
				!intents.NamesRemedy(m.Text) && e.read(m.Shop, m.Text).Slots.Reason != intents.ReasonNoReason {
				// ("想退", "不想要了" are no fragment: the buyer hears they reached the merchant.)
				// (A withdrawal is answered: "算了 不退了" met by silence is not heard.)
				return nil // a fragment, told a moment ago: the words join it quietly
			}
			newBurst := now.Sub(sess.Told) >= burstWindow
			sess.Told = now
			if !c.Deadline.IsZero() && now.After(c.Deadline) {
				// "还没人回吗 都20分钟了": the reply time the buyer was told has passed —
				// say sorry and ring the merchant again, not "稍等" as if nothing were late.
				if err := t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertFollowUp, DueAt: now, Note: m.Text}); err != nil {
					return err
				}
				return t.say("question_late", Data{CaseID: c.ID})
			}
			if newBurst && intents.Asks(m.Text) && !pings(m.Text) {
				// "还有 杯盖是什么材质的" minutes after the first question: the merchant, who
				// read the first alert, would answer only that one. One alert per burst, and
				// none for the same words again, nor for a bare "在吗" (the reminders chase).
				if err := t.alertOncePerNote(c, cases.AlertNewCase, "（补充）"+m.Text); err != nil {
					return err
				}
			}
			if shopClosed(shop, c, now) {
				// "？", "人呢" at 2 a.m.: when the shop opens, not "稍等" (trial 27, 28).
				return t.say("question_more_closed", Data{CaseID: c.ID, Deadline: c.Deadline})
			}
			return t.say("question_more", Data{CaseID: c.ID})
		}
		sess.Told = now
		closed := shopClosed(shop, c, now)
		d.CaseID, d.Deadline, d.Left = c.ID, c.Deadline, c.Deadline.Sub(now)
		switch {
		case key == "feedback":
			// (Nothing to answer, day or night: thanked for, not told when the shop opens.)
		case closed && key == "ship_late":
			key = "ship_late_closed" // (said why it goes to the merchant: the order is late)
		case closed:
			key = "question_closed"
		case part != "":
			key = "question_rest" // the other question, after the answer just given
		case key == "":
			key = "question"
		}
		return t.say(key, d)
	})
}

// shopClosed reports an inbox item c whose reply time is counted in business hours while
// the shop is closed: its deadline lies further off than the reply time itself.
func shopClosed(shop *Shop, c *cases.Case, now time.Time) bool {
	p := shop.Policy(cases.IntentQuestion)
	return p.Until != nil && c.Deadline.Sub(now) > p.RespondWithin+time.Minute
}

// chat answers a message that opens no case; it still joins the transcript of the
// buyer's live case, if any.
func (e *Engine) chat(ctx context.Context, m Message, sess *session, key string) ([]cases.Reply, error) {
	if key == "greeting" && !sess.Seen {
		key = "welcome" // first contact: the shop's welcome says what the bot can do
	}
	return e.chatText(ctx, m, sess, e.replies.Render(key, Data{Shop: e.shops[m.Shop].Name}))
}

// chatText answers with text (a reply rendered, the FAQ's answer) a message that opens no
// case; it still joins the transcript of the buyer's live case, if any.
func (e *Engine) chatText(ctx context.Context, m Message, sess *session, text string) ([]cases.Reply, error) {
	if f := m.faq; f != nil && f.ok && f.answer != "" && strings.Contains(text, f.answer) {
		if e.now().Sub(sess.AnsweredAt) >= faqRepeatWithin {
			sess.Answered = nil
		}
		sess.Answered = append(sess.Answered, f.id)
		if n := len(sess.Answered); n > maxAnswered {
			sess.Answered = sess.Answered[n-maxAnswered:]
		}
		sess.AnsweredAt, sess.AnsweredText = e.now(), m.Text
	}
	if !sess.waitsForOrder() {
		sess.Pending = nil // a request waiting for its order number keeps its words
		// A question answered is done: it is not the description of a request that
		// follows ("杯子能放洗碗机洗吗" answered, then "四件套起球了 退货…").
		sess.Recent = nil
	}
	return e.do(ctx, m, func(t *turn) error {
		if sess.CaseID != "" {
			if err := t.recordIfLive(sess.CaseID, m); err != nil {
				return err
			}
		}
		return t.sayText(m.From, text)
	})
}

// request handles refund, return, exchange and repair: the order number is needed.
func (e *Engine) request(ctx context.Context, m Message, sess *session, label intents.Label) ([]cases.Reply, error) {
	if label == intents.Return && (sess.Reason == intents.ReasonLate || slices.ContainsFunc(sess.Pending, func(p said) bool {
		return p.Media == "" && e.read(m.Shop, p.Text).Slots.Reason == intents.ReasonLate
	})) {
		// "15天了还没发货 … 我申请退货": nothing came to send back — the money is the
		// request (DESIGN.md, refund: 没收到, 不想要了还没发货).
		label = intents.Refund
	}
	if label == intents.Refund && sess.Intent == intents.Return && sess.Asked && sess.OrderID == "" && !changesMind(m.Text) && !dropsRequest(m.Text, string(intents.Return)) {
		// "那钱几天能退回来啊" while the return waits for its order number: the money
		// follows the goods back (related) — the same request, not a refund in its place.
		label = intents.Return
	}
	again := sess.Intent == label && sess.Asked
	sess.Intent = label
	if sess.OrderID == "" {
		id, err := e.orderOfNamedGoods(ctx, m, sess)
		if err != nil {
			return e.do(ctx, m, func(*turn) error { return err })
		}
		sess.OrderID = id
	}
	if sess.OrderID == "" {
		if again && intents.Asks(m.Text) {
			// "这个退货运费还要我这边出?" while the return waits: the shop's answer if its FAQ
			// has one, with what the request still needs.
			if answer, _, ok := e.faqAnswer(m); ok {
				return e.chatText(ctx, m, sess, answer+"\n"+e.replies.Render("faq_then_order", Data{Intent: intentName(string(label))}))
			}
		}
		if again {
			return e.remind(ctx, m, sess)
		}
		sess.Asked, sess.Reminded = true, false
		if sess.Several {
			return e.answer(ctx, m, "ask_orders", Data{Intent: label.ChineseFor(sess.Reason)})
		}
		if asksReturnAddress(m.Text) && label.OpensCase() {
			// "你们退货地址是哪": what was asked is answered — the address comes with the
			// merchant's 同意 — before what the request needs (trial 22: "好的，帮您办理
			// 退货退款" answered a question with a registration nobody asked for).
			return e.answer(ctx, m, "ask_order_address", Data{Intent: label.ChineseFor(sess.Reason)})
		}
		return e.answer(ctx, m, "ask_order", Data{Intent: label.ChineseFor(sess.Reason)})
	}
	order, err := e.lookupOrder(ctx, m.Shop, sess.OrderID)
	if errors.Is(err, adapters.ErrNotFound) {
		id := sess.OrderID
		sess.OrderID = ""
		if sess.NotFound == id {
			// The same number again: the buyer is sure of it. The merchant checks it —
			// "没有查到" once more would loop while nobody hears of the request.
			return e.questionAs(ctx, m, sess, "order_check", Data{OrderID: id})
		}
		sess.NotFound = id
		return e.answer(ctx, m, "order_not_found", Data{OrderID: id})
	}
	if err != nil {
		// The platform being down must not hold up the buyer: open the case on the
		// order id as given; the platform job checks it when the platform is back.
		e.log.Warn("order lookup failed; opening case unverified", "shop", m.Shop, "order", sess.OrderID, "err", err)
		return e.openOrUpdate(ctx, m, sess, label, sess.OrderID)
	}
	if replies, handled, err := e.guard(ctx, m, sess, order, label); handled || err != nil {
		return replies, err
	}
	sess.Goods, sess.GoodsOf = goodsOf(order), order.ID
	switch {
	case order.Status == adapters.OrderUnpaid && label != intents.Repair:
		// Nothing was paid: the buyer cancels it themselves; no case, no alert. The
		// request and its words stay: "啊发错了 是这个4705…" is its order after all.
		sess.OrderID = ""
		return e.answer(ctx, m, "order_unpaid", Data{OrderID: order.ID})
	case order.Status == adapters.OrderClosed && (sess.StatusAsk && (label == intents.Refund || label == intents.Return) || sess.ClosedOrder == order.ID):
		// (Or the closed order sent again: the buyer does not accept "已经关闭了".)
		// "退款怎么还没到 都5天了" and the order is closed — most likely refunded on the
		// platform: the money is what was asked about, which the merchant checks there
		// ("不用再申请售后" said nothing of where it went — trial).
		// (Asked with the request still waiting, so its words go on the item first.)
		sess.OrderID = order.ID
		replies, err := e.questionAs(ctx, m, sess, "refund_closed_check", Data{OrderID: order.ID})
		sess.Intent, sess.Asked, sess.StatusAsk, sess.Pending, sess.Aside, sess.ClosedOrder = "", false, false, nil, "", ""
		return replies, err
	case order.Status == adapters.OrderClosed && (e.toldFault(m, sess) || mentionsSaid(m.Text, sess.Pending, "收到", "到货", "签收", "拿到")):
		// "袜子收到就破了一个洞 我要退货" on an order the platform shows closed: goods in
		// the buyer's hands say otherwise — the merchant checks it on that order ("不用再
		// 申请售后" turned the buyer away and told nobody; trial 25).
		sess.OrderID = order.ID
		replies, err := e.questionAs(ctx, m, sess, "closed_order_check", Data{OrderID: order.ID})
		sess.Intent, sess.Asked, sess.StatusAsk, sess.Pending, sess.Aside, sess.ClosedOrder = "", false, false, nil, "", ""
		return replies, err
	case order.Status == adapters.OrderClosed:
		sess.OrderID, sess.ClosedOrder = "", order.ID
		return e.answer(ctx, m, "order_closed", Data{OrderID: order.ID})
	case order.Status == adapters.OrderPaid && sess.UnshippedOrder != order.ID && (label == intents.Repair || label == intents.Exchange && e.toldFault(m, sess)):
		// "少发了一个杯盖" on an order not shipped yet: most likely another order's number
		// (trial 20 opened a reship the shop could not make sense of). Asked once; the
		// same number again opens it for the merchant to look into.
		sess.OrderID, sess.UnshippedOrder = "", order.ID
		return e.answer(ctx, m, "order_unshipped", Data{OrderID: order.ID})
	case order.Status == adapters.OrderPaid && label == intents.Return:
		// Not shipped yet: nothing to send back, so the money alone (仅退款).
		label = intents.Refund
		sess.Intent = label
	}
	return e.openOrUpdate(ctx, m, sess, label, sess.OrderID)
}

// toldFault reports a fault with goods in hand in the buyer's words for the waiting
// request (its kept words and m): broken, wrong, missing or not as described — a size
// or colour change is not one.
func (e *Engine) toldFault(m Message, sess *session) bool {
	words := []string{m.Text}
	for _, p := range sess.Pending {
		words = append(words, p.Text)
	}
	return defect(e.read(m.Shop, strings.Join(words, " ")).Slots.Reason)
}

// bareRemedyAskRunes is the length up to which a question naming the remedy asks only
// whether it will be done ("能换吗", "可以退吗", "能退不"): longer ones say more.
const bareRemedyAskRunes = 6

// namesRemedyOf reports text naming the remedy of a case of intent: 退 for a refund or a
// return, 换 for an exchange, 修 for a repair.
func namesRemedyOf(text, intent string) bool {
	switch intents.Label(intent) {
	case intents.Refund, intents.Return:
		return mentions(text, "退")
	case intents.Exchange:
		return mentions(text, "换")
	case intents.Repair:
		return mentions(text, "修")
	}
	return false
}

// remind answers a buyer who was already asked for the order number of their waiting
// request (sess.Intent): a short reminder once — never the same question twice — then
// afterReminder.
func (e *Engine) remind(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	if e.read(m.Shop, m.Text).Escalation {
		// "不给退我就给差评" while the refund waits for its order number: a threat wins
		// over the request (DESIGN.md, complaint) — the merchant hears it now, not a
		// reminder to the buyer.
		return e.complaint(ctx, m, sess)
	}
	if sess.Reminded {
		// Reminded once already: never a third "订单号发我" for words that are not the
		// request itself.
		return e.afterReminder(ctx, m, sess)
	}
	sess.Reminded = true
	return e.reminder(ctx, m, sess)
}

// reminder is the short "订单号发我" for the waiting request, in its own words.
func (e *Engine) reminder(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	if sess.Intent == intents.Logistics {
		return e.answer(ctx, m, "logistics_order_again", Data{})
	}
	if m.statusAsked {
		// "上周申请的 你们不是同意了吗" after "退款到账没": the buyer asked where it stands —
		// "就能帮您办理退款" offered to start one (trial 24). Still only asked about.
		sess.StatusAsk = true
		return e.answer(ctx, m, "status_order_again", Data{Intent: sess.Intent.ChineseFor(sess.Reason)})
	}
	// Named as the first ask named it ("补发", not "换货", for a missing item).
	return e.answer(ctx, m, "ask_order_again", Data{Intent: sess.Intent.ChineseFor(sess.Reason)})
}

// afterReminder answers a buyer who was asked for the order number and reminded of it
// once: a question goes to the merchant (the inbox), anything else gets a plain OK.
func (e *Engine) afterReminder(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	switch {
	case intents.Asks(m.Text) && sess.Intent == intents.Logistics:
		return e.question(ctx, m, sess) // "走的是普通快递么": the merchant knows
	case sess.Intent == intents.Logistics && intents.NamesRemedy(m.Text):
		// "不发就退款" after "保温杯咋还不发货 / 都3天了 / 快点" and two asks for the order
		// number: a remedy weighed on the delivery, which the merchant must hear — "收到，
		// 已记下" kept it nowhere a person reads (trial 30).
		return e.question(ctx, m, sess)
	case e.read(m.Shop, m.Text).Label == sess.Intent && (!intents.Asks(m.Text) || asksRemedy(m.Text) || mentions(m.Text, "帮我", "给我", "我要")):
		// "或者你帮我申请退货": the request itself, asked again — the buyer hears what it
		// needs, as often as they ask. A question about it ("钱是退回原来的卡上吗", "为啥
		// 申请不了退款") goes to the merchant below, not a third "订单号发我".
		return e.reminder(ctx, m, sess)
	case intents.Asks(m.Text):
		return e.question(ctx, m, sess)
	case bareOK(m.Text):
		return e.chat(ctx, m, sess, "ack")
	}
	// "而且商品有质量问题的": more about the request, kept with its words for the case.
	return e.answer(ctx, m, "noted", Data{})
}

// lookupOrder asks the shop's platform about an order within the buyer's turn, giving up
// after lookupTimeout: a hanging platform must delay the platform step, not the reply.
func (e *Engine) lookupOrder(ctx context.Context, shop, orderID string) (adapters.Order, error) {
	memo, _ := ctx.Value(lookupsKey{}).(lookups)
	key := shop + "\x00" + orderID
	if r, ok := memo[key]; ok {
		return r.order, r.err
	}
	lctx, cancel := context.WithTimeout(ctx, e.lookupTimeout)
	defer cancel()
	o, err := e.shops[shop].Platform.Order(lctx, orderID)
	if memo != nil {
		memo[key] = lookup{o, err}
	}
	return o, err
}

// lookups are a buyer's turn's order lookups, by shop and order id: a turn asks the
// platform once per order, however many steps read it — a hanging platform timed out
// once, not at each step (the question's owner binding asked again after the delivery
// answer had given up). Kept in the turn's context; a turn runs on one goroutine.
type lookups map[string]lookup

type lookup struct {
	order adapters.Order
	err   error
}

type lookupsKey struct{}

// withLookups is ctx carrying a fresh lookups memo for one buyer's turn.
func withLookups(ctx context.Context) context.Context {
	return context.WithValue(ctx, lookupsKey{}, lookups{})
}

// openOrUpdate opens the buyer's case for an order and intent, or adds to the live one.
func (e *Engine) openOrUpdate(ctx context.Context, m Message, sess *session, label intents.Label, orderID string) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	var c *cases.Case
	replies, err := e.do(ctx, m, func(t *turn) error {
		live, err := t.tx.LiveCase(shop.ID, m.From, orderID, string(label))
		switch {
		case err == nil:
			c = live
			t.caseID = c.ID
			if err := t.recordAll(c.ID, sess.Pending); err != nil {
				return err
			}
			if err := t.tx.AddEvent(cases.Event{Shop: shop.ID, CaseID: c.ID, Kind: cases.EventUpdated, Actor: "buyer", Text: "repeated request"}); err != nil {
				return err
			}
			if err := t.amountNews(c, m); err != nil {
				return err
			}
			if asked, err := t.askedOnCase(c, m); asked || err != nil {
				return err
			}
			return t.say("case_updated", Data{CaseID: c.ID, Intent: caseName(c)})
		case !errors.Is(err, cases.ErrNotFound):
			return err
		}
		if orderID != "" {
			// The buyer applied on the platform first and a push opened the case: the
			// buyer writing now is its owner.
			adopted, err := t.tx.PlatformCase(shop.ID, orderID, string(label))
			if err == nil {
				c = adopted
				t.caseID = c.ID
				c.Buyer, c.BuyerName = m.From, m.Name
				if err := t.tx.SaveCase(c); err != nil {
					return err
				}
				if err := t.recordAll(c.ID, sess.Pending); err != nil {
					return err
				}
				return t.say("case_updated", Data{CaseID: c.ID, Intent: caseName(c)})
			}
			if !errors.Is(err, cases.ErrNotFound) {
				return err
			}
		}
		if !e.allowCase(shop.ID, m.From) {
			// A buyer opening case after case (or inventing order numbers while the
			// platform is down): the words are kept, no new case and no new alert.
			e.log.Warn("buyer reached the case limit", "shop", shop.ID, "buyer", m.From)
			if live, err := t.tx.BuyerCases(shop.ID, m.From); err == nil && len(live) > 0 {
				t.caseID = live[0].ID
				if err := t.recordAll(live[0].ID, sess.Pending); err != nil {
					return err
				}
			}
			return t.say("case_limit", Data{})
		}
		c = &cases.Case{Shop: shop.ID, Buyer: m.From, BuyerName: m.Name, Intent: string(label),
			OrderID: orderID, Reason: string(sess.Reason), AmountFen: sess.AmountFen, Platform: shop.Platform.Name()}
		if orderID != "" && sess.GoodsOf == orderID {
			c.Goods = sess.Goods
		}
		if err := t.tx.OpenCase(c, shop.Policy(string(label))); err != nil {
			return err
		}
		if orderID != "" && t.e.verifyOwner {
			// The first buyer to open a case on an order nobody owns yet owns it, by
			// whichever path the case opened (an order sent to the remedy menu and a
			// request after it left a trial buyer's order to the next buyer who named it).
			if _, err := t.tx.BindFirst(shop.ID, orderID, m.From); err != nil {
				return err
			}
		}
		t.caseID = c.ID
		if err := t.recordAll(c.ID, sess.Pending); err != nil {
			return err
		}
		if err := t.foldAside(sess, c); err != nil {
			return err
		}
		if m.part <= 1 { // (a sibling item of a list is a matter of its own, not this one's lead-in)
			if err := t.foldLeadIn(c, false); err != nil {
				return err
			}
		}
		if err := t.tx.QueueJob(cases.Job{Shop: shop.ID, CaseID: c.ID, Kind: cases.JobOpenCase}); err != nil {
			return err
		}
		key := "case_opened"
		hurt := intents.Harms(m.Text) || slices.ContainsFunc(sess.Pending, func(p said) bool { return intents.Harms(p.Text) })
		harm := label == intents.Complaint && hurt
		switch {
		case harm:
			// "孩子吃了拉肚子 现在在医院": their health first, and no photo of the goods
			// asked for now.
			key = "complaint_harm"
		case label == intents.Complaint:
			key = "complaint_opened"
		case sess.StatusAsk:
			key = "case_opened_status" // asked where it stands: passed on, not "已为您登记"
		}
		if err := t.say(key, Data{CaseID: c.ID, Intent: label.ChineseFor(sess.Reason), OrderID: orderID, Deadline: c.Deadline}); err != nil {
			return err
		}
		if label != intents.Complaint && !harm && (demandsCompensation(m.Text) || slices.ContainsFunc(sess.Pending, func(p said) bool { return demandsCompensation(p.Text) })) {
			// "我要求退一赔三" registered as "已为您登记退款" read as the 赔三 granted
			// (trial 28): the compensation is the merchant's to decide, and said so.
			if err := t.say("compensation_asked", Data{CaseID: c.ID}); err != nil {
				return err
			}
		}
		if wantsPhoto(sess.Reason) && !hasMedia(sess.Pending) && !hurt && label != intents.Complaint && !t.holdsMedia(c) {
			// (Not for a complaint: "办理投诉需要一张商品问题的照片" asks an upset buyer for
			// paperwork; the merchant who calls them asks for what they need. Nor for harm
			// told — "脸上起了好多小红疹" with a refund — whatever remedy is asked.)
			if sess.Reason == intents.ReasonMissingPart {
				// "少发了一个杯垫" has no fault to photograph: what came, and its box, is
				// what the merchant checks against the packing list.
				return t.say("ask_photo_missing", Data{})
			}
			return t.say("ask_photo", Data{Intent: label.ChineseFor(sess.Reason)})
		}
		return nil
	})
	if err == nil && c != nil {
		e.log.Info("case handled", "shop", shop.ID, "case_id", c.ID, "intent", c.Intent)
		sess.Intent, sess.Reason, sess.AmountFen, sess.Pending, sess.CaseID, sess.Asked = "", "", 0, nil, c.ID, false
		if sess.StatusAsk {
			sess.AskedAbout = c.ID
		}
		sess.StatusAsk = false
		// A menu open before is answered by the case (the order number sent next went to
		// "您希望怎么处理" instead of onto the complaint that had just opened).
		sess.Menu, sess.MenuText, sess.MenuAgain = nil, "", 0
		sess.Recent = nil // what was read into the case is not read again with the next burst
	}
	return replies, err
}

// asksShipping reports a question about the parcel going out or arriving ("今天能发不",
// "发货了吗", "几号能到").
func asksShipping(text string) bool {
	return asksDelivery(text) || intents.Asks(text) && mentions(text, "发", "寄", "到")
}

// demandsCompensation reports a buyer asking for more than their money back ("退一赔三",
// "还要赔偿", "赔我衣服钱").
func demandsCompensation(text string) bool {
	return mentions(text, "赔偿", "赔三", "赔十", "赔钱", "赔我", "要赔", "得赔", "补偿")
}

// goodsOf names what order o holds for the merchant: its item titles, with the quantity
// when more than one, clipped to goodsRunes ("陶瓷马克杯 ×2、杯垫").
func goodsOf(o adapters.Order) string {
	names := make([]string, 0, len(o.Items))
	for _, it := range o.Items {
		name := strings.TrimSpace(it.Title)
		if name == "" {
			continue
		}
		if it.Qty > 1 {
			name += fmt.Sprintf(" ×%d", it.Qty)
		}
		names = append(names, name)
	}
	return vocab.Clip(strings.Join(names, "、"), goodsRunes)
}

// goodsRunes bounds the goods kept on a case: every item of an ordinary order, for the
// goods a buyer names to find it by ("杯垫" is the mug order's second item, cut off when
// the case kept only what an alert's first line shows — trial 30). Alerts clip it shorter.
const goodsRunes = 200

// wantsPhoto reports whether a reason is best shown with a picture.
func wantsPhoto(r intents.Reason) bool {
	return r == intents.ReasonDamaged || r == intents.ReasonQuality || r == intents.ReasonWrongItem ||
		r == intents.ReasonMissingPart || r == intents.ReasonNotAsDescribed
}

// complaint opens a case at once, with or without an order: an upset buyer is not asked
// for paperwork first.
func (e *Engine) complaint(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	return e.openOrUpdate(ctx, m, sess, intents.Complaint, sess.OrderID)
}

// logistics answers from the order's shipping status.
func (e *Engine) logistics(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	// A request still waiting for its order number outlives a delivery question asked
	// meanwhile: the order number that comes next is for it.
	waiting := sess.Intent.OpensCase()
	var asked []said // the words of the delivery question waiting for its order number
	if sess.Intent == intents.Logistics && sess.Asked {
		asked = sess.Pending
	}
	if !waiting {
		sess.Pending = nil
	}
	// merchant passes the delivery question on, with the words it was asked in ("拍了三天还
	// 不发货 / 主播说48小时发的" before the order number; the item held the number alone).
	merchant := func(key string, d Data) ([]cases.Reply, error) {
		if len(asked) > 0 && !waiting {
			sess.Pending, sess.Intent, sess.Asked = asked, intents.Logistics, true
		}
		replies, err := e.questionAs(ctx, m, sess, key, d)
		if !waiting && sess.OrderID != "" {
			sess.Intent, sess.Asked = "", false // the item holds the question and its order
		}
		return replies, err
	}
	defer func() {
		if !waiting && sess.OrderID != "" && sess.Intent == "" {
			// The delivery question is answered, or passed on with its order: its words
			// are no part of the next request ("还有一个杯子 … 杯垫少发了一个" opened with
			// "一个保温杯还没发货" quoted in its alert).
			sess.Pending, sess.Recent = nil, nil
		}
	}()
	if sess.OrderID == "" {
		if !waiting {
			if sess.Intent == intents.Logistics && sess.Asked {
				sess.Pending = asked // still waiting: its words stay
				return e.remind(ctx, m, sess)
			}
			sess.Intent, sess.Asked, sess.Reminded = intents.Logistics, true, false
			sess.keep(m.Text) // for the merchant, should the order number never come
		}
		if angry(m.Text) || exasperated(m.Text) {
			// "付款三天了还不发货？？？什么破店": sorry first — "帮您查物流～" alone read as
			// not hearing them (trial 22).
			return e.answer(ctx, m, "logistics_no_order_sorry", Data{})
		}
		return e.answer(ctx, m, "logistics_no_order", Data{})
	}
	if !waiting {
		sess.Intent = ""
	}
	order, err := e.lookupOrder(ctx, m.Shop, sess.OrderID)
	if err == nil {
		if replies, handled, err := e.guard(ctx, m, sess, order, intents.Logistics); handled || err != nil {
			return replies, err
		}
		if sess.Bind == order.ID {
			// The first buyer to ask about this order: it is theirs from now on.
			sess.Bind = ""
			if err := e.store.Update(ctx, func(tx *cases.Tx) error { return tx.AddOrderOwner(m.Shop, order.ID, m.From, "first") }); err != nil {
				return e.do(ctx, m, func(*turn) error { return err })
			}
		}
	}
	var refund, resent *cases.Case
	var waybill, said string
	if err == nil {
		// The buyer's recent cases on the order, read once, say what the order's own state
		// cannot: a refund waiting on it, a parcel the merchant sent again. Unread, the
		// order's state answers.
		if view, verr := e.store.Buyer(ctx, m.Shop, m.From, e.now().Add(-recentFor)); verr == nil {
			if order.Status == adapters.OrderPaid {
				refund = refundBefore(view.Cases, order.ID)
			}
			resent, waybill, said = e.resentOn(ctx, m.Shop, view.Cases, order)
		}
	}
	switch {
	case errors.Is(err, adapters.ErrNotFound):
		id := sess.OrderID
		sess.OrderID, sess.Intent = "", intents.Logistics
		if sess.NotFound == id {
			return merchant("order_check", Data{OrderID: id}) // the same number again: the merchant checks it
		}
		sess.NotFound = id
		return e.answer(ctx, m, "order_not_found", Data{OrderID: id})
	case err != nil:
		// The platform cannot be asked now: a person can.
		e.log.Warn("order lookup failed", "shop", m.Shop, "order", sess.OrderID, "err", err)
		return merchant("", Data{})
	case resent != nil:
		// "补发的到哪了" once the merchant wrote "补发已寄出 中通789…": that parcel's
		// waybill — the order's own tracking said the first parcel was signed for, as if
		// the replacement had arrived (trial 25).
		sess.Tracked = order.ID
		return e.answer(ctx, m, "logistics_resent", Data{OrderID: order.ID, CaseID: resent.ID, Intent: caseName(resent),
			TrackingNo: waybill, Text: vocab.Clip(said, resentSaidRunes)})
	case sess.Tracked == order.ID:
		// Asking again after the tracking was shown ("都好几天了 能帮我催一下吗"): the
		// same text again would not help; the merchant can chase the courier.
		return merchant("", Data{})
	case order.Status == adapters.OrderUnpaid || order.Status == adapters.OrderClosed:
		// Not "还在打包中": nothing ships before it is paid, and a closed order never will.
		// Anything more (an address change) is for the merchant.
		key := "logistics_unpaid"
		if order.Status == adapters.OrderClosed {
			key = "order_closed"
		}
		return e.do(ctx, m, func(t *turn) error {
			text := t.e.replies.Render(key, Data{OrderID: order.ID})
			return t.sayText(m.From, text)
		})
	case mentionsSaid(m.Text, asked, notReceivedWords...) && (order.Status == adapters.OrderDelivered || mentionsSaid(m.Text, asked, "签收")):
		// "显示签收了 可我根本没收到": the tracking says delivered (or the buyer sees it so,
		// whatever our copy of it says), the buyer says not — showing it again helps
		// nobody; the merchant checks with the courier. (Said with the order number, or
		// before it: "快递显示签收了 可我没收到啊", then the number alone.)
		return merchant("not_received", Data{OrderID: order.ID})
	case order.Status == adapters.OrderShipped && chasesCourier(m.Text, asked):
		// "物流三天没动了 麻烦帮我催一下": where it is, and the merchant asked to chase the
		// courier — only the tracking answered it, and nobody chased.
		sess.Tracked = order.ID
		return merchant("logistics_chase", Data{OrderID: order.ID, Courier: order.Courier,
			TrackingNo: order.TrackingNo, Logistics: order.Logistics})
	case order.Status == adapters.OrderShipped || order.Status == adapters.OrderDelivered:
		sess.Tracked = order.ID
		return e.answer(ctx, m, "logistics_shipped", Data{OrderID: order.ID, Courier: order.Courier,
			TrackingNo: order.TrackingNo, Logistics: order.Logistics})
	case refund != nil:
		// "怎么还没发货" on an order the buyer asked to refund: it waits on that refund (or
		// will not ship at all once agreed) — not "还在打包中" or "超过平时的发货时间",
		// as if the order and its cases were apart.
		key := "unshipped_refunding"
		if refund.State == cases.StateResolved {
			key = "unshipped_refunded"
		}
		sess.Tracked = order.ID
		return e.answer(ctx, m, key, Data{OrderID: order.ID, CaseID: refund.ID})
	case !order.PaidAt.IsZero() && e.now().Sub(order.PaidAt) > shipLateAfter:
		// Paid days ago and still not shipped: the shop's "今天下单今天发" would not be true
		// for this order; the merchant is asked, the buyer told so.
		sess.Tracked = order.ID
		return merchant("ship_late", Data{OrderID: order.ID})
	default:
		sess.Tracked = order.ID
		return e.do(ctx, m, func(t *turn) error {
			text := t.e.replies.Render("logistics_unshipped", Data{OrderID: order.ID})
			if f := t.shop.FAQ; f != nil {
				// The shop's own ship-by promise, when its FAQ states one.
				if promise, _, ok := f.Answer(shipByQuestion, t.shop.Name); ok {
					text += "\n" + promise
				}
			}
			return t.sayText(m.From, text)
		})
	}
}

// mentionsSaid reports words in text or in the earlier messages the question waited with.
func mentionsSaid(text string, earlier []said, words ...string) bool {
	if mentions(text, words...) {
		return true
	}
	for _, p := range earlier {
		if mentions(p.Text, words...) {
			return true
		}
	}
	return false
}

// refundBefore is the buyer's refund (仅退款) among cs on orderID, not shipped yet, that is
// under way or agreed, or nil.
func refundBefore(cs []cases.Case, orderID string) *cases.Case {
	for i := range cs {
		c := &cs[i]
		if c.OrderID == orderID && c.Intent == string(intents.Refund) && (c.State.Live() || c.State == cases.StateResolved) {
			return c
		}
	}
	return nil
}

// asksDelivery reports an inbox item q opened by a question about the parcel ("我的四件套
// 怎么还没到"): its first words the buyer wrote read as logistics.
func (e *Engine) asksDelivery(ctx context.Context, shop string, q *cases.Case) bool {
	if q == nil {
		return false
	}
	events, err := e.store.Events(ctx, shop, q.ID)
	if err != nil {
		return false
	}
	said := cases.BuyerTexts(events)
	return len(said) > 0 && e.read(shop, said[0]).Label == intents.Logistics
}

// resentSaidRunes bounds the merchant's words quoted with a resent parcel's waybill.
const resentSaidRunes = 40

// resentOn finds the case among the buyer's cs on order whose merchant wrote a waybill
// other than the order's own ("补发已寄出 中通789…": a reship or an exchange's new parcel),
// the newest such words first: the case, the waybill and the merchant's words; nil when
// none or the events cannot be read.
func (e *Engine) resentOn(ctx context.Context, shop string, cs []cases.Case, order adapters.Order) (*cases.Case, string, string) {
	for i := len(cs) - 1; i >= 0; i-- {
		c := &cs[i]
		if c.OrderID != order.ID {
			continue
		}
		events, err := e.store.Events(ctx, shop, c.ID)
		if err != nil {
			return nil, "", ""
		}
		for j := len(events) - 1; j >= 0; j-- {
			ev := events[j]
			if ev.Actor != "merchant" || ev.Kind != cases.EventReply && ev.Kind != cases.EventState {
				continue
			}
			said := ev.Text
			if ev.Kind == cases.EventState {
				// "waiting_merchant→closed 已顺丰补发，单号SF…": the words, not the store's
				// state change (trial 30 showed the buyer "店主说：waiting_merchant→closed…").
				_, said, _ = strings.Cut(ev.Text, " ")
			}
			if w := intents.ExtractSlots(said).Tracking; w != "" && w != order.TrackingNo {
				return c, w, said
			}
		}
	}
	return nil, "", ""
}

// chasesCourier reports a buyer asking the shop to chase a parcel that has stopped moving
// ("物流三天没动了 麻烦帮我催一下"), in text or in the words of the delivery question it
// answers.
func chasesCourier(text string, asked []said) bool {
	return mentionsSaid(text, asked, "催") && mentionsSaid(text, asked, "没动", "不动", "没更新", "不更新", "停了", "卡住", "卡在", "好几天", "几天了", "天没")
}

// notReceivedWords say the parcel never reached the buyer.
var notReceivedWords = []string{"没收到", "没有收到", "没拿到", "没见到", "收不到", "不是我签的", "谁签的", "没人签",
	// said so in the north and by older buyers ("俺压根没收着啊", trial 27)
	"没收着", "没见着", "没拿着", "没到手", "没到我手", "我没签", "没签收", "不是本人签", "没看见快递", "没看到快递"}

// human hands the buyer to a person: a case the merchant can release, and silence.
func (e *Engine) human(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	if m.Kind == KindText && strings.TrimFunc(m.Text, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsSpace(r) }) != "" {
		// "机器人听不懂人话 给我找个活人": the words that asked are the merchant's to read
		// (the alert said "想找真人：" and nothing, the case held no line of it — trial
		// 30); a menu digit ("0") is no words of the buyer's.
		sess.keep(m.Text)
	}
	var id string
	replies, err := e.do(ctx, m, func(t *turn) error {
		c, err := t.tx.LiveCase(shop.ID, m.From, "", string(intents.Human))
		if errors.Is(err, cases.ErrNotFound) {
			c = &cases.Case{Shop: shop.ID, Buyer: m.From, BuyerName: m.Name, Intent: string(intents.Human),
				OrderID: "", Platform: shop.Platform.Name()}
			if err := t.tx.OpenCase(c, shop.Policy(string(intents.Human))); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		id, t.caseID = c.ID, c.ID
		// The question the buyer asked first reads first; the words since, once each.
		if err := t.foldLeadIn(c, true); err != nil {
			return err
		}
		evs, err := t.tx.Events(c.Shop, c.ID)
		if err != nil {
			return err
		}
		have := buyerWords(evs)
		words := slices.DeleteFunc(slices.Clone(sess.Pending), func(w said) bool {
			return slices.ContainsFunc(have, func(h said) bool { return h.Text == w.Text && h.Media == w.Media })
		})
		if err := t.recordAll(c.ID, words); err != nil {
			return err
		}
		// No handoff yet: until a person takes the buyer over (接管), the bot still
		// answers, telling them when someone will.
		return t.say("human", Data{CaseID: c.ID, Deadline: c.Deadline})
	})
	if err == nil {
		*sess = session{CaseID: id, Told: e.now()}
	}
	return replies, err
}

// personCase is the buyer's live request for a person, or nil.
func personCase(live []cases.Case) *cases.Case { return liveOf(live, intents.Human) }

// personWaitEvery is how often a buyer waiting for a person is told when one will answer.
const personWaitEvery = 10 * time.Minute

// awaitPerson keeps a message on the buyer's request for a person and, at most every
// personWaitEvery, tells them by when the merchant answers.
func (e *Engine) awaitPerson(ctx context.Context, m Message, sess *session, c *cases.Case, phone, order string, again bool) ([]cases.Reply, error) {
	// A question, hurrying ("怎么还没人回"), a ping ("有没有人啊") or the ask again ("转人工
	// 转人工") is answered every time; other words at most every personWaitEvery.
	tell := e.now().Sub(sess.Told) >= personWaitEvery || intents.Asks(m.Text) || urges(m.Text) || pings(m.Text) || again
	var faq string
	if intents.Asks(m.Text) && !again && !urges(m.Text) && !pings(m.Text) && !mentions(m.Text, "人", "回", "客服", "等") {
		// (Not "怎么还没人回": that is about the wait, answered with when.)
		// "顺便问下 你们什么时候发货": the shop's FAQ answers it while the person is awaited
		// (the buyer got "店主已收到您找真人的请求" again and no answer).
		faq, _, _ = e.faqAnswer(m)
	}
	replies, err := e.do(ctx, m, func(t *turn) error {
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if faq != "" {
			return t.sayText(m.From, faq)
		}
		if phone != "" {
			// "直接打给我 138…": the number the person who takes over will call.
			if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventNote, Actor: "buyer", Text: "买家电话 " + phone}); err != nil {
				return err
			}
			return t.say("phone_noted", Data{CaseID: c.ID})
		}
		if order != "" {
			// The order number sent while a person is awaited: said to be kept (it got
			// no reply at all), for the person who takes over.
			sess.OrderID = order
			return t.say("person_order_noted", Data{CaseID: c.ID, OrderID: order})
		}
		if !tell {
			return nil
		}
		if !c.Deadline.IsZero() && t.tx.Now().After(c.Deadline) {
			// "人呢？？说好的真人呢" past the time the buyer was promised: sorry, and the
			// merchant rung again — not the promise again, already broken (trial 23).
			if err := t.alertOnce(c, cases.AlertFollowUp, m.Text); err != nil {
				return err
			}
			return t.say("question_late", Data{CaseID: c.ID})
		}
		return t.say("human_wait", Data{Shop: e.shops[m.Shop].Name, Deadline: c.Deadline})
	})
	if err == nil && tell {
		sess.Told = e.now()
	}
	return replies, err
}

// botGoods are goods named with 机器人 or 机器 in them: "扫地机器人充不进电了" is about
// the goods, not who answers (trial 27 got the bot's self-introduction).
var botGoods = []string{"扫地机器人", "拖地机器人", "擦窗机器人", "扫拖机器人", "洗地机器人", "机器人吸尘器", "机器人玩具",
	"早教机器人", "陪伴机器人", "编程机器人", "玩具机器人", "智能机器人", "机器人模型", "这机器", "那机器", "机器坏", "机器不", "机器没",
	"机器有", "机器一", "机器开", "机器响", "台机器", "个机器"}

// withdrawnLately is how long after a withdrawal a bare "取消吧" says it again.
const withdrawnLately = 10 * time.Minute

// justWithdrawn is the buyer's newest case if they withdrew it within withdrawnLately,
// else nil. Cases are newest first.
func justWithdrawn(cs []cases.Case, now time.Time) *cases.Case {
	if len(cs) > 0 && cs[0].State == cases.StateCancelled && now.Sub(cs[0].UpdatedAt) < withdrawnLately {
		return &cs[0]
	}
	return nil
}

// confirmsCancel reports a bare 取消 or 撤销 ("取消吧", "撤了吧"), naming no order or
// request: the withdrawal said again.
func confirmsCancel(text string) bool {
	t := strings.TrimLeft(lastWords(text), "那就好的嗯哦 ")
	t = strings.TrimRight(t, "吧啊呀了哈掉")
	return t == "取消" || t == "撤销" || t == "撤了" || t == "撤回" || t == "不要了"
}

// puzzled reports a buyer who does not understand what was asked ("啥意思 我不会", "看不懂").
func puzzled(text string) bool {
	return utf8.RuneCountInString(text) <= 12 && mentions(text, "啥意思", "什么意思", "不会", "不懂", "看不懂", "没看懂", "咋回", "怎么回")
}

// chasesNoOne reports a buyer who feels ignored on their request ("怎么还没人理我", "有没有
// 人管啊"), with nothing new in it: a grievance. Being hurried along ("快点行不行啊 等半天
// 了") is pressesCase's, answered with where the request stands.
func chasesNoOne(text string) bool {
	return utf8.RuneCountInString(text) <= 16 && mentions(text, "没人理", "没人管", "有没有人管", "不理人", "到底管不管", "有人管吗")
}

// asksAfterIt reports a bare ask after the buyer's request ("我那个单子呢", "我的售后呢",
// "处理了没"): where it stands.
func asksAfterIt(text string) bool {
	t := lastWords(text)
	return utf8.RuneCountInString(t) <= 10 && mentions(t, "单子呢", "售后呢", "申请呢", "处理了没", "处理了吗", "处理好了没", "处理好了吗", "有结果了吗", "有结果没")
}

// withoutBotGoods is text with the goods named with 机器人 or 机器 blanked (botGoods).
func withoutBotGoods(text string) string {
	for _, g := range botGoods {
		text = strings.ReplaceAll(text, g, " ")
	}
	return text
}

// fedUpWithBot reports a buyer fed up with the bot's answers ("你们机器人能不能有点用",
// "机器人听不懂人话是吧").
func fedUpWithBot(text string) bool {
	text = withoutBotGoods(text)
	return mentions(text, "机器人", "机器", "自动回复", "人工智障", "AI", "ai") &&
		mentions(text, "有点用", "没用", "没啥用", "有什么用", "有啥用", "废物", "听不懂", "答非所问", "人话", "智障", "垃圾", "别回了", "别自动回复")
}

// asksIfBot reports a buyer asking whether a machine answers ("你是机器人吧"), with no
// word asking for a person, and no goods with 机器 in their name ("扫地机器人", "这机器
// 不转了").
func asksIfBot(text string) bool {
	if mentions(text, "转人工", "人工", "找人", "活人", "叫人", "换人", "叫个人", "找个人", "来个人", "换个人", "要个人", "不要机器", "别用机器", "要真人", "找真人") {
		return false
	}
	text = withoutBotGoods(text)
	return mentions(text, "机器人", "机器", "自动回复", "是不是真人", "是真人吗", "真人吗", "是人吗", "是不是人", "真人回复",
		"真人还是", "是ai", "是AI", "ai吗", "AI吗", "人工智能", "chatgpt", "ChatGPT", "bot吗") ||
		mentions(strings.ToLower(text), "are you a robot", "are you a bot", "are you human", "are you real", "are you an ai", "is this a bot", "is this a robot")
}

// hasRequest reports an after-sale request among cs: a wait for a person is none ("保修多
// 久 坏了能修吗" while one is awaited asks the warranty, not for a repair).
func hasRequest(cs []cases.Case) bool {
	return slices.ContainsFunc(cs, func(c cases.Case) bool { return c.Intent != string(intents.Human) })
}

// cancel withdraws the buyer's live case: the one for the order named, else the newest.
func (e *Engine) cancel(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	orderID := sess.OrderID
	var withdrawnOn string // the order of the case withdrawn, if one was
	replies, err := e.do(ctx, m, func(t *turn) error {
		live, err := t.tx.BuyerCases(shop.ID, m.From)
		if err != nil {
			return err
		}
		var c, question *cases.Case
		asking := false
		for i := range live {
			if live[i].Intent == cases.IntentQuestion {
				// A question for the merchant (Q…) is no after-sale to withdraw.
				asking, question = true, &live[i]
				continue
			}
			if live[i].Intent == string(intents.Human) {
				continue
			}
			if c == nil || orderID != "" && live[i].OrderID == orderID && c.OrderID != orderID {
				c = &live[i]
			}
		}
		if g := caseByGoods(live, m.Text); g != nil {
			// "饭盒那个不退了 留着吧" with the lunch box's and the bedding's refunds open:
			// the lunch box's, whichever order was named last (trial 14 withdrew the other).
			c = g
		}
		switch {
		case c == nil && thanks(m.Text):
			return t.say("thanks", Data{Shop: shop.Name}) // "不需要了，谢谢"
		case c == nil && asking && !sess.Intent.OpensCase():
			// "算了 我自己弄吧" with a question waiting for the merchant: it is dropped —
			// closed with the buyer's words, so the merchant is not reminded of it and does
			// not answer a question nobody asks any more (trial).
			if err := t.record(question.ID, m); err != nil {
				return err
			}
			if err := t.dropQuestion(question); err != nil {
				return err
			}
			return t.say("ack", Data{Shop: shop.Name})
		case c == nil && (sess.Intent.OpensCase() || asking):
			// A request still waiting for its order number: dropped, nothing to tell the
			// merchant (they never heard of it). With a question open, "算了" is an OK.
			return t.say("ack", Data{Shop: shop.Name})
		case c == nil:
			return t.say("nothing_to_cancel", Data{})
		}
		t.caseID = c.ID
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if err := t.tx.SetState(c, cases.StateCancelled, "buyer", "买家撤销"); err != nil {
			return err
		}
		if err := t.tx.ScheduleAlert(cases.Alert{Shop: shop.ID, CaseID: c.ID, Kind: cases.AlertBuyerCancelled, DueAt: t.tx.Now()}); err != nil {
			return err
		}
		withdrawnOn = c.OrderID
		return t.say("cancelled", Data{CaseID: c.ID})
	})
	if err == nil {
		*sess = session{OrderID: sess.OrderID}
	}
	if err == nil && withdrawnOn != "" && asksShipping(m.Text) {
		// "算了别退了 还是给我发吧 今天能发不": the refund goes, and the question about
		// the parcel is answered from the order — trial 28 withdrew it with the question,
		// and the merchant was told 无需处理.
		sess.OrderID = withdrawnOn
		more, err := e.logistics(ctx, m, sess)
		return append(replies, more...), err
	}
	return replies, err
}

// media attaches a picture or file to the buyer's newest live case as evidence. With no
// case yet, it is kept for the case that follows and the buyer is asked what is wrong:
// the reply never says it was attached to a record that does not exist.
func (e *Engine) media(ctx context.Context, m Message, sess *session, view cases.BuyerView) ([]cases.Reply, error) {
	var target *cases.Case
	if live := view.Live(); len(live) > 0 {
		for i := range live {
			if live[i].Intent != string(intents.Human) {
				target = &live[i]
				break
			}
		}
	}
	var over *cases.Case // the newest case that is over, which a merchant's reply may have asked a picture for
	if target == nil {
		for i := range view.Cases {
			if view.Cases[i].Intent != string(intents.Human) {
				over = &view.Cases[i]
				break
			}
		}
	}
	if target == nil && m.Kind == KindVoice && !sess.Intent.OpensCase() {
		wrote := caseNamed(view.Cases, sess.MerchantSaid)
		switch {
		case m.asking:
			// More voice for the merchant already listening: on their item.
			return e.question(ctx, m, sess)
		case wrote != nil && e.now().Sub(sess.MerchantSaidAt) < merchantTalk:
			// A voice note right after the merchant wrote on a case: the answer, to them.
			return e.toMerchant(ctx, m, sess, wrote)
		case slices.ContainsFunc(sess.Pending, func(p said) bool { return p.Media != "" }) ||
			m.answered != nil && e.now().Sub(m.answered.UpdatedAt) < merchantTalk:
			// A second voice note after "我暂时只看得懂文字", or one right after the
			// merchant answered the buyer's question: this buyer talks and will not type —
			// the merchant listens (trial 20: three voice notes, three times the same
			// answer, and the merchant never heard of them).
			return e.questionAs(ctx, m, sess, "voice_passed", Data{})
		}
	}
	return e.do(ctx, m, func(t *turn) error {
		if target != nil {
			if err := t.record(target.ID, m); err != nil {
				return err
			}
			t.caseID = target.ID
			// The words sent with it ("拍好了 你看 把手都掉了") go where it went.
			sess.Passed, sess.PassedAt, sess.PassedMedia = target.ID, e.now(), true
			return t.say("media_received", Data{CaseID: target.ID, Intent: caseName(target)})
		}
		// "麻烦拍张裂缝的照片" in the merchant's 回复 on a refused case: the photo is the
		// answer, kept on that case, and the merchant hears it came. So too one asked in
		// the answer to an inbox question ("方便拍张照片给我看看吗": it got "我暂时只看得懂
		// 文字" and the merchant never saw it — trial 23).
		if over != nil {
			if done, err := t.pictureFor(over, m, "media_received"); done || err != nil {
				return err
			}
		}
		if q := m.answered; q != nil && !sess.Intent.OpensCase() {
			if done, err := t.pictureFor(q, m, "question_more"); done || err != nil {
				return err
			}
		}
		if len(sess.Pending) < maxPending {
			sess.Pending = append(sess.Pending, said{Text: mediaText(m), Media: m.Media})
		}
		if sess.Intent.OpensCase() && sess.OrderID == "" {
			// "杯子把手断了 有照片" then the photo, the exchange waiting for its order
			// number: only that is missing — not "说一下遇到了什么问题" (trial).
			return t.say("ask_order_again", Data{Intent: sess.Intent.ChineseFor(sess.Reason)})
		}
		if remedyMenuOpen(sess) {
			// "书桌到了 桌腿断了一根", the remedies asked, then the photo: kept for the
			// request the choice makes — not "打字说一下遇到了什么问题" to a buyer who just
			// did (trial 27).
			return t.say("remedy_again", Data{})
		}
		return t.say("media_no_case", Data{Media: mediaName(m.Kind)})
	})
}

// topicComplaintBelow is the confidence under which a complaint reading of a bare topic
// ("沙发" read as a complaint at 0.57) is no grievance: a real one says what is wrong.
const topicComplaintBelow = 0.8

// topicOpeners are words around a topic that say nothing about it: who is addressed,
// which purchase, when.
var topicOpeners = []string{"老板", "客服", "亲", "你好", "您好", "在吗", "在不在", "我买的", "买的", "我在你家", "你们家", "你家",
	"我的", "那个", "这个", "那件", "这件", "那双", "这双", "那款", "这款", "昨天", "前天", "今天", "上周", "上次", "之前", "我", "的",
	"，", ",", "。", " ", "~", "～"}

// topicStops mark words that say something about the topic — a problem, a want, a
// question, a state — so the message is more than a topic. Single characters only where
// goods' names rarely hold them (not 发 of 沙发, 能 of 智能, 补 of 补水).
var topicStops = []string{"了", "吗", "呢", "吧", "？", "?", "！", "!", "不", "没", "坏", "破", "碎", "裂", "漏", "退", "换", "修",
	"要", "想", "能不能", "能否", "可以", "怎么", "咋", "啥", "什么", "多少", "几", "哪", "有没有", "有货", "是不是", "太大", "太小",
	"太差", "太贵", "好的", "差评", "垃圾", "谢", "发货", "寄", "收到", "查", "快点", "贵", "便宜", "错", "补发", "问", "咨询", "打扰", "是", "在", "用了", "买了",
	// Answers and states said in a word, to an agent's question or on their own ("有的",
	// "暂无", "等着付款", "纸质版的", "刚那单"): not goods.
	"有的", "暂无", "等着", "付款", "那单", "这单", "版的", "完蛋", "高峰", "对的", "行", "看看", "注销", "还有", "一起",
	// a measure asked ("容量多大", "多高", "能用多久"): a question, not goods — "在的～ 容量多大
	// 怎么了？" echoed it back (trial 26)
	"多大", "多高", "多重", "多长", "多宽", "多厚", "多久", "多远", "多粗", "多深"}

// topicOnly returns the topic of a message that names only what it is about ("眼影", "我
// 买的那个沙发" → "沙发"): at most topicRunes once the openers are dropped, with no
// slot and nothing said about it; "" otherwise.
func topicOnly(text string, slots intents.Slots) string {
	if slots.OrderID != "" || slots.Phone != "" || slots.Tracking != "" || slots.AmountFen != 0 || slots.Reason != "" || mentions(text, topicStops...) {
		return ""
	}
	if slices.Contains(leadIns, strings.TrimSpace(text)) {
		return "" // "问下": a lead-in, greeted as one
	}
	t := text
	for _, w := range topicOpeners {
		t = strings.ReplaceAll(t, w, "")
	}
	if n := utf8.RuneCountInString(t); n == 0 || n > topicRunes {
		return ""
	}
	if !allHan(t) || strings.Trim(t, "喂哈嗯啊哎诶呀哦") == "" {
		return "" // "1", "ok", an emoji, "喂 喂": a menu choice, a feeling or a call, not goods
	}
	return t
}

// topicRunes is the longest topic topicOnly takes: goods are named in a few characters
// ("空调被", "蓝牙耳机"); longer is a statement.
const topicRunes = 5

// promiseWords are what a merchant offers to make good ("补偿5元红包", "返现10元", "送您一个
// 小礼物") and the buyer then asks after.
var promiseWords = []string{"红包", "补偿", "赔偿", "赔付", "返现", "返款", "优惠券", "无门槛", "小礼物", "赠品", "补贴"}

// merchantSaidWithin is how long a merchant's words on a case are what the buyer's next
// words may answer or ask after.
const merchantSaidWithin = 7 * 24 * time.Hour

// merchantWords is the merchant's latest words to the buyer on case c within
// merchantSaidWithin, or "".
func (e *Engine) merchantWords(ctx context.Context, c *cases.Case) (string, error) {
	evs, err := e.store.Events(ctx, c.Shop, c.ID)
	if err != nil {
		return "", err
	}
	return lastMerchantWords(evs, e.now(), merchantSaidWithin), nil
}

// answeredNote is the note on the state change a merchant's 回复 closes a question with.
const answeredNote = "已回复"

// lastMerchantWords is the merchant's latest words to the buyer in a case's events (a
// 回复, or the words passed on with a decision: "A1 同意 请把票据拍照发我们"), if said
// within d of now; else "".
func lastMerchantWords(evs []cases.Event, now time.Time, d time.Duration) string {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == cases.EventState && evs[i].Actor == "merchant" {
			// A decision's note is said to the buyer too: "A1 拒绝 请先拍照看一下破损情况"
			// asks for the picture as a 回复 would (trial: the photo that followed was
			// met with "说一下遇到了什么问题" and never reached the merchant).
			// (Not the note a 回复 closes a question with: the reply itself is next.)
			if _, note, ok := strings.Cut(evs[i].Text, " "); ok && note != "" && note != answeredNote {
				if now.Sub(evs[i].At) > d {
					return ""
				}
				return note
			}
			continue
		}
		if evs[i].Kind != cases.EventReply {
			continue
		}
		said, passed := "", false
		if evs[i].Actor == "merchant" {
			said = evs[i].Text
		} else if _, said, passed = strings.Cut(evs[i].Text, "店主说："); !passed {
			continue
		}
		if now.Sub(evs[i].At) > d {
			return ""
		}
		return said
	}
	return ""
}

// pictureAskedWithin is how long a merchant's 回复 asking for a picture stays the thing a
// picture from the buyer answers, on a case that is over.
const pictureAskedWithin = 48 * time.Hour

// pictureFor keeps picture m on case c when the merchant's latest words there asked for
// one, alerts the merchant and answers with the reply key; done is false when they did
// not ask.
func (t *turn) pictureFor(c *cases.Case, m Message, key string) (done bool, err error) {
	asked, err := t.pictureAsked(c)
	if err != nil || !asked {
		return false, err
	}
	if err := t.record(c.ID, m); err != nil {
		return true, err
	}
	t.caseID = c.ID
	if err := t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertFollowUp, DueAt: t.tx.Now(), Note: mediaOrText(m)}); err != nil {
		return true, err
	}
	return true, t.say(key, Data{CaseID: c.ID, Intent: caseName(c)})
}

// pictureAsked reports whether the merchant's latest 回复 on case c, within
// pictureAskedWithin, asked the buyer for a picture or video.
func (t *turn) pictureAsked(c *cases.Case) (bool, error) {
	evs, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return false, err
	}
	return asksForPicture(lastMerchantWords(evs, t.tx.Now(), pictureAskedWithin)), nil
}

// moreOrders are the order ids a message names after its first.
func moreOrders(s intents.Slots) []string {
	var out []string
	for _, id := range s.MoreOrderIDs {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// goodsBack is the buyer's newest case whose goods travel back to the shop (a return, an
// exchange, a repair) and that is live or approved, on orderID when one is named; else
// such a refund; nil if none.
func goodsBack(cs []cases.Case, orderID string) *cases.Case {
	var refund *cases.Case
	for i := range cs {
		c := &cs[i]
		if !(c.State.Live() || c.State == cases.StateResolved) || orderID != "" && c.OrderID != orderID {
			continue
		}
		switch intents.Label(c.Intent) {
		case intents.Return, intents.Exchange, intents.Repair:
			return c
		case intents.Refund:
			if refund == nil {
				refund = c
			}
		}
	}
	// A waybill after a refund ("已经寄回了 顺丰SF…" once the merchant agreed to the
	// money): the goods went back after all — that refund's, not a new return.
	return refund
}

// newestIn is the buyer's newest case in state st, or nil. Cases are newest first.
func newestIn(cs []cases.Case, st cases.State) *cases.Case {
	for i := range cs {
		if cs[i].State == st {
			return &cs[i]
		}
	}
	return nil
}

// policyLabel is the request a policy question is about ("不喜欢的话能退吗" → return):
// the unclear reading's first candidate, or the runner-up behind an 'other' reading,
// when that is a request on an order; "" otherwise.
func policyLabel(res intents.Result) intents.Label {
	switch {
	case res.Unclear && needsOrder(res.Candidates[0]):
		return res.Candidates[0]
	case !res.Unclear && res.Label == intents.Other && needsOrder(res.Candidates[1]):
		return res.Candidates[1]
	}
	return ""
}

// fragmentRunes is the most a message may say and still be a fragment of a burst that
// joins a waiting question without its own reply ("急用", "好吧"); a sentence that says
// something new ("明天再不到我就不要了") is acknowledged.
const fragmentRunes = 6

// urges reports a message that only hurries the answer along ("着急买 麻烦快点回复下").
func urges(text string) bool {
	return mentions(text, "急", "快点", "麻烦", "尽快", "赶紧", "回复", "在吗", "等你", "快回")
}

// moneyArrived reports a buyer saying the refund reached them already ("已经退款到账了",
// "钱已经退回来了"), not asking whether it did.
func moneyArrived(text string) bool {
	return mentions(text, "到账了", "已到账", "已经到账", "退回来了", "已经退了", "已经退款了", "已经退给我了") &&
		!mentions(text, "到账了吗", "到账了没", "退回来了吗", "退回来了没", "已经退了吗", "还没")
}

// hurriesOnly reports a message that only hurries ("快点", "麻烦快点处理", "催一下"),
// naming no parcel, courier or delivery.
func hurriesOnly(text string) bool {
	return utf8.RuneCountInString(text) <= 8 && mentions(text, "快点", "尽快", "赶紧", "催", "抓紧", "快些", "快一点") &&
		!mentions(text, deliveryWords...)
}

// newPurchase reports a question about an order not yet placed ("今天下单的话什么时候发
// 货"): the shop's general answer, not the tracking of the order talked about before.
// justAsking reports a buyer saying they have not bought, or only ask: no request of
// theirs waits.
func justAsking(text string) bool {
	return mentions(text, "还没买", "没买呢", "还没下单", "没下单呢", "还没拍", "就问问", "随便问问", "问问而已", "只是问问", "先问问", "先了解", "了解一下")
}

// buysAgain reports a buyer asking to buy (again) or whether it is in stock: a
// purchase ahead, not goods with a problem.
func buysAgain(text string) bool {
	return newPurchase(text) || mentions(text, "还有货", "有货吗", "有没有货", "有现货", "库存", "补货", "再来一个", "再来一单", "回购")
}

func newPurchase(text string) bool {
	return mentions(text, "下单的话", "现在拍", "今天拍", "现在下单", "今天下单", "拍了的话", "再买", "还想买", "再拍", "再下单")
}

// courierChoice reports a question about which courier the shop uses ("你们发什么快递 能
// 发顺丰吗"), not about where an order is: the shop's answer, whatever order was named.
func courierChoice(text string) bool {
	return mentions(text, "发什么快递", "什么快递", "哪家快递", "能发顺丰", "发顺丰", "走顺丰", "指定快递") &&
		!mentions(text, "我的", "这单", "订单", "到哪", "单号")
}

// shipsMyWay reports a buyer who ordered asking for it to go by a courier of their
// choice ("拍了 记得发顺丰 我补差价", "刚下的单要发顺丰").
func shipsMyWay(text string) bool {
	return mentions(text, "发顺丰", "走顺丰", "用顺丰", "发京东", "发邮政", "发ems", "发EMS") &&
		mentions(text, "拍了", "下单了", "下了单", "下的单", "刚买", "已经买", "付了款", "付款了", "刚拍", "已拍", "记得", "备注了")
}

// presaleDoubt reports a question about goods the buyer does not have (yet): a fault
// heard of or seen in the listing ("看到好多差评 质量真的不行吗", "图上都有裂缝"), a
// fault feared ("会不会漏水啊", "这款不漏绒吧 最怕钻毛"), the goods' size, or said before
// buying. Words about goods the buyer has (had) make it a problem of theirs.
func presaleDoubt(text string) bool {
	if had(text) || !intents.Asks(text) && !strings.Contains(text, "吧") {
		return false
	}
	return mentions(text, "看到", "听说", "评价", "评论", "买家秀", "朋友说", "别人说", "网上说", "都说", "差评", "看图", "图上", "图片上",
		"会不会", "不会", "怕", "担心", "容易", "多大", "多高", "多重", "多长", "多宽", "多厚", "占地", "放得下", "累不累", "重不重") ||
		prePurchase(text)
}

// warrantyTerms reports a question about the warranty itself: how long, the card, where
// ("保修多久", "保修卡要自己填吗", "全国联保吗").
func warrantyTerms(text string) bool {
	return mentions(text, "保修多久", "保修几年", "保修多长", "保修期多", "质保多久", "质保几年", "保修卡", "联保", "保修政策", "怎么保修") && !had(text)
}

// thirdParty blanks the purchases of people other than the buyer.
var thirdParty = strings.NewReplacer("朋友买", "", "别人买", "", "同事买", "", "邻居买", "", "闺蜜买", "", "室友买", "", "人家买", "")

// had reports words about goods the buyer has: received, bought, opened, used, or had
// wrong before ("上次也这样").
func had(text string) bool {
	// (Goods someone else bought are not the buyer's: "我朋友买了说差评来着".)
	text = thirdParty.Replace(text)
	return mentions(text, "收到", "到货", "发来", "寄来", "拿到", "买的", "买了", "我的", "这单", "订单", "签收",
		"拆开", "打开", "刚拆", "开袋", "切开", "剥开", "开了", "用了", "用着", "用完", "穿了", "戴着", "涂了", "擦了",
		"上脸", "吃着", "吃了", "喝着", "喝了", "洗了", "贴上", "连上", "装上", "装好", "烧了", "放了", "充了", "插上",
		"这盒", "这瓶", "这袋", "这箱", "这件", "这双", "这台", "这个是", "我这", "又是", "怎么又", "上次也", "每次都", "老是")
}

// comparesGoods reports a question comparing goods ("和别家的有啥不一样", "两款区别在哪",
// "哪个好"), not goods received unlike what was shown or ordered ("收到的跟图片不一样").
func comparesGoods(text string) bool {
	return intents.Asks(text) && mentions(text, "区别", "不一样", "差别", "差在哪", "哪个好", "哪个更", "有什么不同", "有啥不同", "不同吗", "比较好") &&
		!mentions(text, "收到", "实物", "发来", "寄来", "发的", "到货", "买的", "拿到", "图片", "描述", "详情", "下单", "拍的", "宣传", "直播间说", "上次")
}

// deliveryPolicy reports a question about how the shop delivers ("你们能送货上门吗",
// "能发到国外吗", "支持自提吗"), not about where an order of the buyer's is or hurrying it.
func deliveryPolicy(text string) bool {
	return intents.Asks(text) && mentions(text, "送货上门", "送上门", "上门", "自提", "国外", "海外", "港澳台", "台湾", "香港", "澳门", "偏远", "新疆", "西藏", "农村", "村里",
		"乡镇", "乡下", "学校", "部队", "从哪发", "哪里发货", "哪发货", "发货地", "哪个仓") &&
		!mentions(text, "我的", "这单", "订单", "单号", "到哪", "还没", "没到", "没发", "催", "快点", "尽快", "赶紧")
}

// dropsComplaint reports a buyer giving up their complaint ("算了 不投诉了", "懒得投诉了").
func dropsComplaint(text string) bool {
	return mentions(text, "不投诉了", "懒得投诉", "不想投诉了", "投诉就算了", "不告了", "不打12315了")
}

// prePurchase reports a buyer who has not bought yet ("我还在犹豫要不要买", "还没下单"):
// a question about returns is the policy, not a return.
func prePurchase(text string) bool {
	return mentions(text, "要不要买", "还没买", "还没下单", "犹豫", "打算买", "想买", "准备买", "考虑买", "买之前",
		// a story of another shop, told while asking this one ("你家是正品吗 之前在别家买到
		// 假货 退款退了半个月" opened a refund here — trial 24)
		"别家", "别的店", "别人家", "其他店", "其他家", "别的家")
}

// warrantyAsk reports a question about the shop's warranty ("台灯保修吗", "质保多久"): the
// policy, not a repair asked for — a repair names what broke.
func warrantyAsk(text string) bool {
	return mentions(text, "保修", "质保", "包修", "保固") && !mentions(text, "我要保修", "申请保修", "要保修", "给我修", "帮我修", "送修", "返修")
}

// findsNoOrder reports a buyer who cannot find their order number ("订单号在哪里看",
// "订单号是啥我不会弄啊").
func findsNoOrder(text string) bool {
	text = intents.Simplified(text)
	return mentions(text, "订单号不知道", "订单号在哪", "订单号在那", "订单号是啥", "订单号是什么", "哪里看订单", "哪看订单", "怎么看订单号",
		"怎么找订单号", "找不到订单号", "订单号找不到", "不知道订单号", "订单号怎么查", "订单号怎么看", "订单编号在哪", "单号在哪看") ||
		mentions(text, "不会弄", "不会找", "不会看", "找不着", "找不到") && mentions(text, "订单号", "单号")
}

// closedAsMisread reports whether the merchant closed case c as a misreading (误判) or
// merged it into another (合并): it was never a request of its own. A store error reads as
// not.
func (e *Engine) closedAsMisread(ctx context.Context, c *cases.Case) bool {
	evs, err := e.store.Events(ctx, c.Shop, c.ID)
	if err != nil {
		return false
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == cases.EventState && evs[i].To == cases.StateClosed {
			// (The event reads "from→to note".)
			_, note, _ := strings.Cut(evs[i].Text, " ")
			return strings.HasPrefix(note, "误判") || strings.HasPrefix(note, "并入")
		}
	}
	return false
}

// personJustLeft is the buyer's newest case when it is a request for a person given back to
// the bot (释放) within personFollowsFor, else nil.
func personJustLeft(cs []cases.Case, now time.Time) *cases.Case {
	if len(cs) == 0 || cs[0].Intent != string(intents.Human) || cs[0].State.Live() ||
		now.Sub(cs[0].UpdatedAt) > personFollowsFor {
		return nil
	}
	return &cs[0]
}

// personJustSpoke is personJustLeft within merchantTalk of being given back: what the
// buyer asks then is about what the person said, whatever case it names.
func personJustSpoke(cs []cases.Case, now time.Time) *cases.Case {
	if p := personJustLeft(cs, now); p != nil && now.Sub(p.UpdatedAt) < merchantTalk {
		return p
	}
	return nil
}

// personFollowsFor is how long after a person gave the buyer back a question that no case
// answers still goes to them.
const personFollowsFor = 24 * time.Hour

// disputeWithin is how long after a case was agreed a buyer's protest at its terms is
// about that case.
const disputeWithin = 48 * time.Hour

// disputes reports a buyer protesting what was agreed ("5块？？就给5块？", "就退这么点",
// "这是打发要饭的吗"), or a short protest.
func disputes(text string) bool {
	return protests(text) || mentions(text, "就给", "才给", "只给", "就退", "才退", "只退", "这么少", "太少了", "就这点", "才这点", "打发")
}

// protestsRefusal reports words against the refusal of the buyer's newest case ("凭什么拒
// 绝？？"): about that case, even with a question of theirs waiting in the inbox (trial 14
// joined it to a question about silk).
func protestsRefusal(cs []cases.Case, text string) bool {
	d := lastDecided(cs)
	return d != nil && d.State == cases.StateRejected && (protests(text) || strings.Contains(text, "拒"))
}

// refusedLately reports the buyer's last decided case refused within disputeWithin.
func refusedLately(cs []cases.Case, now time.Time) bool {
	d := lastDecided(cs)
	return d != nil && d.State == cases.StateRejected && now.Sub(d.UpdatedAt) < disputeWithin
}

// newestClosed is the buyer's newest case if the merchant closed it within disputeWithin,
// else nil. Cases are newest first.
func newestClosed(cs []cases.Case, now time.Time) *cases.Case {
	for i := range cs {
		if cs[i].Intent == cases.IntentQuestion {
			continue
		}
		if cs[i].State == cases.StateClosed && now.Sub(cs[i].UpdatedAt) < disputeWithin {
			return &cs[i]
		}
		return nil
	}
	return nil
}

// takeUpWords, beside thanks, ask the merchant to act on what they answered ("改好了跟我
// 说下哈", "地址不变").
var takeUpWords = []string{"跟我说", "告诉我", "通知我", "发我", "地址不变", "地址没变", "还是这个地址", "那就这样", "就按你说的", "按你说的", "那麻烦", "麻烦帮我", "帮我",
	// "可以可以 红包我收下啦 那就麻烦今天发顺丰哈" to the merchant's offer (trial 31)
	"那就麻烦", "麻烦今天", "麻烦尽快", "可以可以", "我收下", "收下啦", "收下了", "就这么办", "就按这个"}

// answeredWithin is how long after the merchant answered or decided an item the buyer's
// next words may take it up.
const answeredWithin = time.Hour

// answeredLately is the buyer's item the merchant answered or decided within
// answeredWithin of now, the latest: a case among cs or q, their inbox question answered
// last (Message.answered); nil when none.
func answeredLately(cs []cases.Case, q *cases.Case, now time.Time) *cases.Case {
	var last *cases.Case
	if q != nil && now.Sub(q.UpdatedAt) <= answeredWithin {
		last = q
	}
	for i := range cs {
		c := &cs[i]
		if (c.State == cases.StateResolved || c.State == cases.StateClosed || c.State == cases.StateRejected) && now.Sub(c.UpdatedAt) <= answeredWithin &&
			(last == nil || c.UpdatedAt.After(last.UpdatedAt)) {
			last = c
		}
	}
	return last
}

// lastDecided is the case among cs (the buyer's) that changed last, when that was the
// merchant's decision (refused or agreed), else nil: what "凭什么啊" answers, even with a
// newer case the buyer withdrew since (trial 15).
func lastDecided(cs []cases.Case) *cases.Case {
	var last *cases.Case
	for i := range cs {
		if cs[i].Intent == cases.IntentQuestion {
			continue
		}
		if last == nil || cs[i].UpdatedAt.After(last.UpdatedAt) {
			last = &cs[i]
		}
	}
	if last == nil || last.State != cases.StateRejected && last.State != cases.StateResolved {
		return nil
	}
	return last
}

// protests reports a short protest ("凭什么啊", "为啥？？", "凭啥不退"), read after a refusal.
func protests(text string) bool {
	words := []string{"凭什么", "凭啥", "为什么", "为啥", "什么意思", "啥意思", "怎么回事"}
	if utf8.RuneCountInString(text) <= 10 && mentions(text, words...) {
		return true
	}
	// Opened with it, however long what follows ("凭什么啊？？质量问题还要我寄回 运费谁出").
	t := strings.TrimLeft(text, "？?！! 啊哈")
	return slices.ContainsFunc(words[:4], func(w string) bool { return strings.HasPrefix(t, w) })
}

// conditional reports words that hang on a condition ("如果今天能发出来 我就不退了",
// "只要明天到 就不退"): what they say is not done yet.
func conditional(text string) bool {
	return mentions(text, "如果", "要是", "假如", "只要", "的话", "万一", "假设")
}

// hypothetical reports a question about what would happen ("如果退款的话几天到账",
// "万一不合适能换吗"), not a request.
func hypothetical(text string) bool {
	return intents.Asks(text) && mentions(text, "如果", "要是", "假如", "万一", "假设", "比如说")
}

// requestAfterAll are words that make a hypothetical a request after all ("如果不行就直接退款吧").
var requestAfterAll = []string{"吧", "给我退", "帮我退", "给我换", "帮我换", "我要退", "我要换", "申请"}

// liveRequest is the newest live case that is a request of the buyer's own (not a
// question for the merchant, not a wait for a person), or nil. Cases are newest first.
func liveRequest(cs []cases.Case) *cases.Case {
	for i := range cs {
		if cs[i].State.Live() && cs[i].Intent != cases.IntentQuestion && cs[i].Intent != string(intents.Human) {
			return &cs[i]
		}
	}
	return nil
}

// confidentRequest reports a case request read plainly: a case label, neither unclear nor
// to be confirmed.
func confidentRequest(res intents.Result) bool {
	return res.Label.OpensCase() && !res.Unclear && !res.Confirm
}

// leavesPhone reports a message that gives the buyer's phone number to be reached on.
func leavesPhone(text string) bool {
	return mentions(text, "电话", "手机", "打我", "联系我", "号码", "call") || onlySlots(text)
}

// notePhone keeps the buyer's phone number on their live case (or, with none yet, with
// the words of the request that follows) and says so.
func (e *Engine) notePhone(ctx context.Context, m Message, sess *session, view cases.BuyerView, phone string) ([]cases.Reply, error) {
	var target *cases.Case
	for _, c := range view.Live() {
		if c.Intent != cases.IntentQuestion {
			target = &c
			break
		}
	}
	if target == nil && !remedyMenuOpen(sess) && (findsNoOrder(m.Text) || defect(e.read(m.Shop, m.Text).Slots.Reason)) {
		// "我兒子給我買的燈 不亮了 訂單號不知道 我兒子電話139…": the problem and the phone
		// at once, no order to be had — the merchant finds it by the phone (trial 14: "电话
		// 记下了～ 有什么需要处理的直接跟我说就好" to a buyer who had just said).
		sess.Menu, sess.Phoned = nil, true
		return e.questionAs(ctx, m, sess, "phone_passed", Data{})
	}
	if words := menuWords(sess); target == nil && remedyMenuOpen(sess) && words != "" {
		// "杯子把手有裂缝 能不能给我换一个" → which remedy? → "订单号我不会看啊" → the
		// phone: the buyer cannot give the order, so the problem and the phone go to the
		// merchant, who finds the order by it ("好的，电话记下了" left the problem with
		// no one).
		q := m
		q.Text, q.faq = words+" / "+m.Text, nil
		sess.Menu, sess.Pending, sess.Phoned = nil, nil, true
		return e.questionAs(ctx, q, sess, "phone_passed", Data{})
	}
	if target == nil {
		// "你们打电话给我吧 我电话是136…" with a question waiting for the merchant, or with
		// nothing open: the buyer wants a call, which only the merchant can make — "电话记
		// 下了" kept it nowhere the merchant looks (trial 27).
		sess.Phoned = true
		return e.questionAs(ctx, m, sess, "phone_passed", Data{})
	}
	return e.do(ctx, m, func(t *turn) error {
		t.caseID = target.ID
		if err := t.record(target.ID, m); err != nil {
			return err
		}
		if err := t.tx.AddEvent(cases.Event{Shop: target.Shop, CaseID: target.ID, Kind: cases.EventNote, Actor: "buyer", Text: "买家电话 " + phone}); err != nil {
			return err
		}
		return t.say("phone_noted", Data{CaseID: target.ID})
	})
}

// menuWords are the buyer's words an open menu was asked for: what led to it and what
// they said since, once each.
func menuWords(sess *session) string {
	var out []string
	for _, t := range append([]string{sess.MenuText}, strings.Split(pendingWords(sess.Pending, ""), " / ")...) {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return strings.Join(out, " / ")
}

// mediaName is what a media message is, as the buyer calls it.
func mediaName(k Kind) string {
	switch k {
	case KindVoice:
		return "语音"
	case KindVideo:
		return "视频"
	case KindFile:
		return "文件"
	}
	return "图片"
}

// mediaText is a media message as the transcript shows it: its kind and caption. The
// file itself is kept apart (Event.Media), so nothing a buyer types can pass for one.
func mediaText(m Message) string {
	s := "[" + mediaName(m.Kind) + "]" // the merchant reads Chinese: [图片], not [image]
	if m.Text != "" && !isPlaceholder(m.Text) {
		s += " " + m.Text
	}
	return s
}

// isPlaceholder reports a caption that only names the media ("[图片]", "[语音]"), as some
// channels fill it in: no caption of the buyer's.
func isPlaceholder(text string) bool {
	t := strings.Trim(strings.TrimSpace(text), "[]【】")
	return slices.Contains(mediaCodes, t) || slices.Contains([]string{"image", "voice", "video", "file"}, strings.ToLower(t))
}

// record adds the buyer's message to a case's transcript.
func (t *turn) record(caseID string, m Message) error {
	s := said{Text: m.Text}
	if m.Kind != KindText && m.Kind != "" {
		s = said{Text: mediaText(m), Media: m.Media}
	}
	return t.recordAll(caseID, []said{s})
}

// buyerWords are the buyer's messages in a case's log, in order, as they were recorded:
// what moves with them when the case they sit on becomes another (a lead-in folded into a
// request, a question the merchant says was a request).
func buyerWords(events []cases.Event) []said {
	var out []said
	for _, ev := range events {
		if ev.Kind == cases.EventMessage {
			out = append(out, said{Text: ev.Text, Media: ev.Media})
		}
	}
	return out
}

func (t *turn) recordAll(caseID string, msgs []said) error {
	for _, s := range msgs {
		if err := t.tx.AddEvent(cases.Event{Shop: t.shop.ID, CaseID: caseID, Kind: cases.EventMessage, Actor: "buyer", Text: s.Text, Media: s.Media}); err != nil {
			return err
		}
	}
	return nil
}

// recordIfLive records the message on a case that is still being worked on.
func (t *turn) recordIfLive(caseID string, m Message) error {
	c, err := t.tx.Case(t.shop.ID, caseID)
	if errors.Is(err, cases.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !c.State.Live() {
		return nil
	}
	t.caseID = caseID
	return t.record(caseID, m)
}

// menu offers a numbered choice instead of guessing.
func (e *Engine) menu(ctx context.Context, m Message, sess *session, options []string) ([]cases.Reply, error) {
	return e.menuAs(ctx, m, sess, options, "menu")
}

// menuAs offers options in the words of reply key (which takes .Menu).
func (e *Engine) menuAs(ctx context.Context, m Message, sess *session, options []string, key string) ([]cases.Reply, error) {
	sess.Menu, sess.MenuText, sess.MenuAgain = options, m.Text, 0
	e.saveSession(m.Shop, m.From, *sess)
	return e.answer(ctx, m, key, Data{Menu: menuText(options, "")})
}

// refundOrReturn reports whether the classifier's two best readings are refund and
// return, in either order: the money is wanted back, whether the goods go back is open.
func refundOrReturn(c [3]intents.Label) bool {
	two := []intents.Label{c[0], c[1]}
	return slices.Contains(two, intents.Refund) && slices.Contains(two, intents.Return)
}

// menuText is a numbered menu of labels as the buyer reads it, each named for the problem's
// reason r ("补发" for an exchange of a missing part), 0 for a person last.
func menuText(options []string, r intents.Reason) string {
	var b strings.Builder
	for i, o := range options {
		fmt.Fprintf(&b, "%d. %s\n", i+1, intents.Label(o).ChineseFor(r))
	}
	b.WriteString("0. 转人工")
	return b.String()
}

// menuOptions are the after-sale choices to offer for an unclear message: the
// classifier's candidates first, then the usual ones, four in all.
func menuOptions(cands [3]intents.Label) []string {
	var out []string
	add := func(l intents.Label) {
		if l == "" || l == intents.Greeting || l == intents.Other || l == intents.Cancel || l == intents.Human {
			return
		}
		for _, o := range out {
			if o == string(l) {
				return
			}
		}
		out = append(out, string(l))
	}
	for _, c := range cands {
		add(c)
	}
	for _, l := range []intents.Label{intents.Refund, intents.Return, intents.Exchange, intents.Logistics, intents.Complaint} {
		if len(out) < 4 {
			add(l)
		}
	}
	// Listed in one fixed order, so a number means the same in every menu the buyer
	// sees (a burst can bring two menus: "杯子" / "碎了"); the classifier chose which.
	slices.SortStableFunc(out, func(a, b string) int { return menuRank(a) - menuRank(b) })
	return out
}

// menuRank is a label's place in every menu: the remedy menu's order, logistics last.
func menuRank(l string) int {
	for i, o := range append(remedyOptions(), string(intents.Logistics)) {
		if o == l {
			return i
		}
	}
	return 99
}

// menuChoice reads a reply to an open menu: its number, 0 for a person.
func menuChoice(text string, menu []string) (int, bool) {
	if len(menu) == 0 {
		return 0, false
	}
	text = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, text))
	// "第二个吧", "选2", "就第一个": the number in the words buyers wrap it in.
	for again := true; again; {
		again = false
		for _, w := range []string{"那就", "就选", "我选", "我要", "选", "就", "要", "第"} {
			if rest, ok := strings.CutPrefix(text, w); ok && rest != "" {
				text, again = rest, true
			}
		}
	}
	if len(text) > 2 && text[0] >= '0' && text[0] <= '9' && (text[1] == ' ' || text[1] == '.' || text[1] == ',') && !strings.ContainsAny(text[2:], "0123456789") {
		// "1 运费谁出啊": the choice, then a question about it (trial: it went to the inbox
		// as a question and the choice was lost).
		text = text[:1]
	}
	text = strings.TrimRight(text, "个吧号项啊呀的哈。.、!！~～ ")
	if i := strings.Index("零一二三四五六七八九", text); text != "" && utf8.RuneCountInString(text) == 1 && i >= 0 {
		text = strconv.Itoa(i / len("零"))
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 || n > len(menu) {
		return 0, false
	}
	return n, true
}

// resumeWaiting hands back to the merchant any case that was waiting on this buyer: the
// buyer has written, so the merchant's clock runs again. A case whose ask the message did
// not answer is noted instead, with what the merchant asked for (stillAsked).
func (e *Engine) resumeWaiting(ctx context.Context, m Message, waiting []cases.Case) (resumed, noted *cases.Case, stillAsked string, err error) {
	shop := e.shops[m.Shop]
	if !slices.ContainsFunc(waiting, func(c cases.Case) bool { return c.State == cases.StateWaitingBuyer }) {
		return nil, nil, "", nil
	}
	if m.Kind == KindText && givesInvoiceDetails(m.Text) {
		// "抬头：某某市第三中学 税号：…" for the invoice the merchant asked about elsewhere:
		// no answer to what an after-sale case waits on (trial 27 kept it quietly on a
		// repair waiting for a video).
		return nil, nil, "", nil
	}
	r := e.read(m.Shop, m.Text) // once, for every case waiting
	if m.Kind == KindText && r.Label == intents.Cancel && !r.Unclear {
		// "算了 不退了 撤销吧" while the case waits for the buyer: the withdrawal is the
		// news, told once by withdraw — not "买家已回复 计时已恢复" as well, and the words
		// kept twice (trial).
		return nil, nil, "", nil
	}
	for i := range waiting {
		c := &waiting[i]
		if c.State != cases.StateWaitingBuyer {
			continue
		}
		if m.Kind == KindText && r.Label.OpensCase() && r.Label != intents.Complaint && !r.Unclear && string(r.Label) != c.Intent && intents.NamesRemedy(m.Text) {
			// "算了不换了 直接退钱吧" while the exchange waits for a photo: another request,
			// the merchant's to decide now. The clock runs again, and the change is made as
			// on any live case (trial 29: kept as words on the exchange, which stayed one).
			_, err := e.commit(ctx, m, func(t *turn) error {
				return t.tx.ResumeForMerchant(c, "buyer", "买家改了诉求", shop.Policy(c.Intent))
			})
			if err != nil {
				return nil, nil, "", err
			}
			continue
		}
		answered, ask := true, ""
		_, err := e.commit(ctx, m, func(t *turn) error {
			if err := t.record(c.ID, m); err != nil {
				return err
			}
			evs, err := t.tx.Events(c.Shop, c.ID)
			if err != nil {
				return err
			}
			ask = decisionNote(evs, cases.StateWaitingBuyer) // what the merchant asked for, "" if unsaid
			if answered = answers(m, ask); !answered {
				// "好的 等下拍": a promise, not the photo the merchant asked for; the
				// merchant's clock stays paused and the buyer's reminders stand.
				return nil
			}
			if err := t.tx.ResumeForMerchant(c, "buyer", "买家已回复", shop.Policy(c.Intent)); err != nil {
				return err
			}
			// After the resume, which reschedules the case's alerts.
			return t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertBuyerReplied, DueAt: t.tx.Now(), Note: mediaOrText(m)})
		})
		if err != nil {
			return nil, nil, "", err
		}
		if answered {
			resumed = c
		} else if noted == nil {
			noted, stillAsked = c, ask
		}
	}
	return resumed, noted, stillAsked, nil
}

// answers reports whether a buyer's message is what a waiting case asked for: a picture
// or a file for anything, a tracking number for anything, and words unless the ask was
// for a photo or they only promise it later ("好的 等下拍").
func answers(m Message, ask string) bool {
	if m.Kind != KindText && m.Kind != "" {
		return true
	}
	if intents.ExtractSlots(m.Text).Tracking != "" {
		return true
	}
	if cannotDo(m.Text) {
		// "这里视频发不了啊": the buyer cannot do what was asked — the merchant must hear
		// it and ask another way (it got "店主还在等您这边：麻烦拍个视频…", twice stuck).
		return true
	}
	if promises(m.Text) {
		return false
	}
	if protests(m.Text) || mentions(m.Text, "什么意思", "啥意思", "搞错了吧", "不对吧", "早就收到", "已经收到了") {
		// "啥意思 我已经收到了啊" to "签收后拍一下": the ask is disputed — the merchant must
		// hear it (it was kept quietly while the clock stayed paused; trial).
		return true
	}
	if intents.Asks(m.Text) && !reportsDone(m.Text) {
		// "退的钱多久到账啊" while the case waits for "拒收后告诉我": a question to the
		// shop, not the step the merchant waits for (trial: it restarted the clock).
		return false
	}
	return !asksForPicture(ask)
}

// reportsDone reports words that tell a step as done ("拒收了", "已经寄回了", "弄好了").
func reportsDone(text string) bool {
	return mentions(text, "已经", "已寄", "已拒", "已发", "已退", "办好", "弄好", "搞定", "好了", "完了", "拒收了", "寄了", "寄回了", "寄出了", "发了", "拍了", "退回了", "填了", "改了")
}

// cannotDo reports a buyer saying they cannot send or make what they were asked for.
func cannotDo(text string) bool {
	return mentions(text, "发不了", "传不了", "拍不了", "发不出", "传不上", "上传不了", "发不上", "不会拍", "不会发", "不会弄",
		"没法拍", "没法发", "没办法拍", "没办法发", "拍不到", "找不到了", "扔了", "丢了", "已经扔",
		// Asking how: "视频怎么发给您？这里好像只能发图片" (trial 27: kept quietly, the
		// merchant still waiting on a video the buyer could not send).
		"只能发图", "只能发照片", "只能发图片", "怎么发给", "怎么发过去", "视频怎么发", "怎么传", "发到哪", "发哪里", "往哪发")
}

// promises reports an OK or a "later" that carries nothing yet.
func promises(text string) bool {
	return bareOK(text) || mentions(text, "等下", "等会", "稍等", "马上", "一会", "晚点", "晚些", "明天", "回头", "待会", "有空", "下班", "找一哈", "等一哈", "看一哈")
}

// givesPhoneTail reports the last four digits of a phone given ("手机尾号1234", "手机后四位是
// 5678"): what a merchant finds an order by when its number is lost.
func givesPhoneTail(text string) bool {
	for _, mark := range []string{"尾号", "后四位", "后4位"} {
		i := strings.Index(text, mark)
		if i < 0 {
			continue
		}
		rest := []rune(text[i+len(mark):])
		run := 0
		for k, r := range rest {
			if k > 8 {
				break
			}
			if r >= '0' && r <= '9' {
				run++
				if run == 4 {
					return true
				}
			} else {
				run = 0
			}
		}
	}
	return false
}

// liveOf is the buyer's newest live case of label, or nil.
func liveOf(live []cases.Case, label intents.Label) *cases.Case {
	for i := range live {
		if live[i].Intent == string(label) {
			return &live[i]
		}
	}
	return nil
}

// exasperated reports words said in exasperation: doubled marks ("？？", "！！") or the
// order number thrown back ("订单号自己查", "你们后台没有吗").
func exasperated(text string) bool {
	return mentions(text, "？？", "??", "！！", "!!", "?!", "？！", "自己查", "后台没有", "后台不是", "你们查", "不会自己查")
}

// replacing reports a buyer with an exchange live or agreed within cases.DecidedListed: a
// replacement on its way to them.
func replacing(cs []cases.Case, now time.Time) bool {
	return slices.ContainsFunc(cs, func(c cases.Case) bool {
		return c.Intent == string(intents.Exchange) && (c.State.Live() || c.State == cases.StateResolved && now.Sub(c.UpdatedAt) <= cases.DecidedListed)
	})
}

// asksAfterReplacement reports a question about a replacement's sending ("新杯子什么时候
// 能寄出", "换的那个发了吗").
func asksAfterReplacement(text string) bool {
	return mentions(text, "新的", "新杯", "新一", "换的", "补发的", "重发的", "补的", "新饭盒", "新台灯", "新眼罩", "新四件套", "新保温杯") &&
		mentions(text, "寄", "发", "到", "单号", "物流", "快递")
}

// pressesCase reports a buyer pressing the shop to deal with their request ("能不能快点处
// 理", "你们回复太慢了", "怎么还没处理").
func pressesCase(text string) bool {
	return mentions(text, "快点处理", "尽快处理", "赶紧处理", "快处理", "回复太慢", "回得太慢", "处理太慢", "太慢了吧", "怎么还没处理", "还没处理", "没人处理", "还没人管", "怎么还没人",
		"什么时候处理", "啥时候处理", "多久处理", "能不能快点", "快点弄", "快点办", "处理一下啊", "还要等多久",
		"快点行不行", "等半天", "等了半天", "还不处理") // (trial 29: "快点行不行啊 等半天了" became an inbox item)
}

// aboutParcel reports words about where a parcel is (物流, 快递, 发货, 到货): a chase of
// the delivery, not of a request.
func aboutParcel(text string) bool {
	return mentions(text, "物流", "快递", "发货", "到货", "派送", "配送", "还没到", "到哪")
}

// strayNumber is a message that is one number and nothing else ("3856123456789", "订单
// 1234567"), 6 to 30 digits, when read as no order, phone or waybill; else "".
func strayNumber(text string) string {
	t := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(text), "订单号编是：: "))
	t = strings.ReplaceAll(t, " ", "")
	if n := len(t); n < 6 || n > 30 || strings.Trim(t, "0123456789") != "" {
		return ""
	}
	return t
}

// decidedLately is the buyer's case the merchant agreed to within merchantTalk, the
// latest, or nil.
func decidedLately(cs []cases.Case, now time.Time) *cases.Case {
	var out *cases.Case
	for i := range cs {
		c := &cs[i]
		if c.State == cases.StateResolved && now.Sub(c.UpdatedAt) < merchantTalk && (out == nil || c.UpdatedAt.After(out.UpdatedAt)) {
			out = c
		}
	}
	return out
}

// moneyWait is how long after a refund was agreed the buyer may still wait for the money:
// platforms pay back within 1–3 working days, a bank card up to about a week.
const moneyWait = 7 * 24 * time.Hour

// bareArrivalAsk reports "when does it come" with nothing saying what ("什么时候到",
// "多久能到啊").
func bareArrivalAsk(text string) bool {
	t := strings.TrimRight(strings.TrimSpace(text), "?？!！。.~～ 啊呀呢哈")
	switch strings.TrimLeft(t, "亲宝请问那现在 ，,") {
	case "什么时候到", "啥时候到", "多久到", "几天到", "什么时候能到", "啥时候能到", "多久能到", "几天能到", "大概什么时候到", "大概多久到":
		return true
	}
	return false
}

// moneyDue is the buyer's one refund (仅退款) under way or agreed within moneyWait, or
// nil with none or several: the money is what such a buyer waits for.
func moneyDue(cs []cases.Case, now time.Time) *cases.Case {
	var out *cases.Case
	for i := range cs {
		c := &cs[i]
		if c.Intent == string(intents.Refund) && (c.State.Live() || c.State == cases.StateResolved && now.Sub(c.UpdatedAt) < moneyWait) {
			if out != nil {
				return nil
			}
			out = c
		}
	}
	return out
}

// acceptsDecision reports a buyer taking what was decided, grudgingly or not, with nothing
// asked ("10块啊。。行吧", "那好吧", "也行"): an OK.
func acceptsDecision(text string) bool {
	return !intents.Asks(text) && endsWith(lastWords(text), "行吧", "好吧", "那行", "也行", "可以吧", "就这样吧", "那就这样", "凑合吧", "将就吧")
}

// resigned reports a buyer accepting what they were told, with nothing more to ask ("行吧
// 那我等等看", "到了 这次还行"): an OK, not words for the merchant to answer.
func resigned(text string) bool {
	return !intents.Asks(text) && mentions(text, "等等看", "再等等", "那我等", "我等着", "这次还行", "还行吧", "那就这样", "就这样吧",
		"这次对了", "这次没问题", "颜色对了", "没问题了", "很满意", "挺满意", "挺好的", "那我下单了", "我去下单", "我去拍了") ||
		bareOK(text)
}

// putsOff reports a buyer putting a matter off till later, or saying goodnight ("太晚了
// 明天再说吧", "睡了 晚安", "回头再说").
func putsOff(text string) bool {
	return mentions(text, "明天再说", "改天再说", "回头再说", "晚点再说", "等会再说", "过会再说", "有空再说", "明天说", "明天再弄",
		"明天再处理", "明天再找", "睡了", "睡觉了", "晚安", "先这样吧")
}

// namesWhich reports words that say which goods a request is about ("就是那个硅胶折叠的
// 薄荷绿", "是那个蓝色的"): more of the request, not a matter of their own.
func namesWhich(text string) bool {
	t := strings.TrimLeft(text, "哦噢嗯额呃 ，,")
	return strings.HasPrefix(t, "就是") || strings.HasPrefix(t, "是那") || strings.HasPrefix(t, "就那") || strings.HasPrefix(t, "那个") || strings.HasPrefix(t, "我买的")
}

// onlyTelling reports a buyer saying they want nothing done, only to tell ("我没说要退啊
// 就是反馈一下", "不用处理 就说一声").
func onlyTelling(text string) bool {
	return mentions(text, "就是反馈", "反馈一下", "说一声", "告诉你们一声", "提个醒", "不用处理", "不需要处理", "没说要退", "没说要换", "不是要退", "不是要换")
}

// justSaying reports feedback that says nothing needs putting right ("东西没事 就跟你们说
// 一声 下次包装好点", "没坏 提个建议").
func justSaying(text string) bool {
	if mentions(text, "不是你们的问题", "不怪你们", "不是你们的错", "跟你们没关系", "和你们没关系", "不关你们的事", "不是商家的问题", "不怪商家") && !mentions(text, "退", "换", "赔") {
		// "快递员态度太差了…不是你们的问题哈": venting, the shop cleared in so many words
		// — passed on as feedback, not an urgent complaint against the shop (trial).
		return true
	}
	return mentions(text, "没事", "没坏", "没什么问题", "没啥问题", "都没问题", "东西是好的", "不用赔", "不用退", "不用换", "不用补", "不用你们赔", "不影响用", "不影响使用") &&
		mentions(text, "说一声", "提醒一下", "提醒你们", "提个建议", "建议", "下次", "反馈一下", "以后")
}

// lettingGo reports a short message that lets a matter go ("算了", "那算了吧", "算了 我自己弄
// 吧", "不用了"): no question, no remedy named.
func lettingGo(text string) bool {
	t := strings.TrimLeft(strings.TrimSpace(text), "哎唉嗯哦那")
	return utf8.RuneCountInString(t) <= 10 && (strings.HasPrefix(t, "算了") || strings.HasPrefix(t, "就算了") || strings.HasPrefix(t, "不用了")) &&
		!intents.Asks(t) && !intents.NamesRemedy(t) && !mentions(t, "投诉", "差评", "人工")
}

// offToDoIt reports a short message ending in the buyer going to do something simple, or
// having done it ("那我拍了", "我看看", "付上了"), saying sorry ("刚才态度不好不好意思哈"), or
// putting off coming back ("要是周五还不到我再找你"): nothing asked of the shop.
func offToDoIt(text string) bool {
	t := lastWords(text)
	n := utf8.RuneCountInString(text)
	// (Not asks: "态度不好不好意思" reads as 好不好.)
	if n <= 14 && !strings.ContainsAny(text, "？?吗呢") && (endsWith(t, "不好意思", "不好意思哈", "不好意思啊", "对不起", "对不起哈", "抱歉哈", "抱歉啊") ||
		mentions(text, "再找你", "再来找你", "再联系你", "再问你")) {
		return true
	}
	// ("请帮我查一下" asks the shop to.)
	return n <= 12 && !mentions(text, "帮", "给我", "请", "你", "麻烦") && endsWith(t, "找一哈", "看一哈", "查一哈", "我看看", "我看下", "我看一下", "我查查", "我查一下", "我去看看",
		"我找找", "我找一下", "我再看看", "我去拍", "那我拍了", "我拍了", "我去付", "付上了", "付好了", "付过了", "已付款", "拍好了", "已下单", "下好单了")
}

// asksForPicture reports a merchant's ask that only a picture or video answers.
func asksForPicture(ask string) bool {
	return mentions(ask, "拍", "照片", "图片", "截图", "视频", "实物图", "凭证")
}

// mediaOrText is a message as an alert quotes it: its words, or what it carries in the
// merchant's words ("[图片]" and its caption).
func mediaOrText(m Message) string {
	if m.Kind != KindText && m.Kind != "" {
		if isPlaceholder(m.Text) {
			return "[" + mediaName(m.Kind) + "]"
		}
		return strings.TrimSpace("[" + mediaName(m.Kind) + "] " + m.Text)
	}
	return m.Text
}

// bareStatusAsk reports a short "is it done" with nothing else in it ("好了吗", "办好了没").
func bareStatusAsk(text string) bool {
	t := strings.TrimRight(strings.TrimSpace(text), "?？!！。.~～ 啊呀呢")
	switch strings.TrimLeft(t, "亲宝请问那现在 ，,") {
	case "好了吗", "好了没", "好了没有", "弄好了吗", "弄好了没", "办好了吗", "办好了没", "搞好了吗", "搞定了吗", "处理好了吗", "处理好了没", "怎么样了":
		return true
	}
	return false
}

// correctsOrder reports a buyer saying the order they gave was the wrong one ("不对 是另一个
// 订单", "发错单号了 是这个").
func correctsOrder(text string) bool {
	return mentions(text, "不对", "不是这个", "不是这单", "是另一个", "另一个订单", "另一单", "搞错", "发错", "弄错", "错了", "写错")
}

// correctionOnly reports a message that is an order number with only a correction beside
// it ("打错了 3856…", "不对 是这个 3856…").
func correctionOnly(text, orderID string) bool {
	rest := strings.TrimSpace(strings.ReplaceAll(text, orderID, " "))
	return correctsOrder(rest) && utf8.RuneCountInString(rest) <= 10 && !intents.NamesRemedy(rest)
}

// moneyTaken reports a buyer saying they paid or were charged and have not had it back
// ("我钱扣了啊", "钱没退回来").
func moneyTaken(text string) bool {
	return mentions(text, "钱扣了", "扣钱了", "扣了钱", "扣款", "钱没退", "没退回", "没退钱", "钱付了", "付了钱", "已经付款", "钱没到", "没收到退款", "钱呢")
}

// insistsOnNumber reports a buyer vouching for the order number that was not found
// ("单号没错啊 你再查查", "是对的 复制的").
func insistsOnNumber(text string) bool {
	return mentions(text, "没错", "没有错", "没输错", "不会错", "是对的", "对的啊", "就是这个", "就这个", "再查", "查查", "查一下", "再看看", "复制的", "核对过", "确认过")
}
