package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/vocab"
)

// A conversation, not single messages (DESIGN.md, revised 2026-11-30): the buyer's cases
// come first, a burst of short messages is read as one, a case opens only on good
// evidence, and withdrawing needs an unambiguous withdrawal.

// burstWindow is how close in time a buyer's messages must follow each other to be read
// as one: people type "袜子破了个洞" / "刚穿一次就破了" / "退钱" as three messages.
const burstWindow = 2 * time.Minute

// burstTurns bounds the earlier messages read with the current one.
const burstTurns = 3

// note keeps one buyer text message in the session for burst reading.
type note struct {
	Text string
	At   time.Time
}

// burst returns the buyer's messages just before now that belong to the same burst,
// oldest first: each within burstWindow of the next.
func (s *session) burst(now time.Time) []note {
	var out []note
	next := now
	for i := len(s.Recent) - 1; i >= 0 && len(out) < burstTurns; i-- {
		n := s.Recent[i]
		if next.Sub(n.At) > burstWindow || n.At.After(next) {
			break
		}
		out = append([]note{n}, out...)
		next = n.At
	}
	return out
}

// remember adds a text message to the session's recent turns.
func (s *session) remember(text string, at time.Time) {
	s.Recent = append(s.Recent, note{Text: text, At: at})
	if len(s.Recent) > burstTurns {
		s.Recent = s.Recent[len(s.Recent)-burstTurns:]
	}
}

// readBurst decides whether the message is better read with the ones before it. It is,
// when the message alone says little (unclear, or no request of its own) and the burst
// read together asks for something the bot acts on. It returns the reading to use and
// the earlier messages it took in (nil when the message stands alone).
func (e *Engine) readBurst(shop string, res intents.Result, text string, earlier []note) (intents.Result, []note) {
	if len(earlier) == 0 || res.SlotOnly || withdraws(text) || bareOK(text) {
		// An OK or a "没了" is complete on its own: read with a request before it, it
		// would ask for that request's order number once more.
		return res, nil
	}
	// A hello, a thanks or an OK is complete on its own; so is an "other" the model is
	// sure of. What is left is a fragment that may finish the messages before it.
	alone := res.Unclear || res.Label == intents.Other && res.Confidence < burstOtherBelow && !bareOK(text)
	if !alone && !(res.Label.OpensCase() && res.Confirm) {
		return res, nil
	}
	var b strings.Builder
	for _, n := range earlier {
		b.WriteString(n.Text)
		b.WriteString(" ")
	}
	b.WriteString(text)
	joined := e.read(shop, b.String())
	switch {
	case joined.Unclear:
		return res, nil
	case joined.Label.OpensCase() || joined.Label == intents.Logistics:
	default:
		return res, nil
	}
	if !alone && joined.Confidence <= res.Confidence {
		return res, nil
	}
	joined.Slots = mergeSlots(res.Slots, joined.Slots)
	return joined, earlier
}

// urgentEvery spaces the alerts a buyer's renewed grievances or follow-ups on one case
// raise: more words within it join the case without a new alert.
const urgentEvery = 5 * time.Minute

// burstOtherBelow is the confidence under which an "other" reading of a fragment is
// checked against the burst it belongs to.
const burstOtherBelow = 0.9

// withdrawWords take a request back ("别退了", "不换了"): a message with one is never read
// together with the request before it.
var withdrawWords = slices.Concat(takeBackWords, []string{"还是要"}) // "他说还是要 别退了": the goods wanted after all

// takeBackWords take a request back in so many words; "还是要" is not one of them
// ("…还是要退款，钱退给我" still wants it).
var takeBackWords = []string{"别退", "不退", "不要退", "不用退", "不想退", "别换", "不换", "不用换", "不用修", "不修了", "不用了", "算了不", "不要了不", "撤销", "撤回", "取消申请"}

// mistaken reports a buyer saying they were wrong about the shop or the goods ("哦 我记错
// 了 是另一家店的"): their request may be void — asked once, never withdrawn unasked.
func mistaken(text string) bool {
	return mentions(text, "记错了", "搞错了", "弄错了", "另一家店", "别家的", "不是你们家", "不是在你们家")
}

// withdraws reports a message that takes a request back.
func withdraws(text string) bool { return mentions(text, withdrawWords...) }

// withdrawsRequest reports a withdrawal that names what it takes back ("算了 不退了", "不换
// 了"): not "不用了谢谢", which declines anything at all.
func withdrawsRequest(text string) bool {
	return mentions(text, takeBackWords...) && mentions(text, "退", "换", "修", "申请", "售后")
}

// mentions reports whether text contains any of words.
func mentions(text string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// mergeSlots keeps what the current message said over what the burst said.
func mergeSlots(cur, burst intents.Slots) intents.Slots {
	if cur.OrderID == "" && cur.Phone == "" {
		// (Not with a phone given instead: "我哪知道啥订单号 …手机139…" took up the number
		// refused a minute before in the burst — trial 23.)
		cur.OrderID, cur.Platforms = burst.OrderID, burst.Platforms
	}
	if cur.Reason == "" {
		cur.Reason = burst.Reason
	}
	if cur.AmountFen == 0 {
		cur.AmountFen = burst.AmountFen
	}
	return cur
}

// related reports whether a request with label is about a case of intent: the same
// request, or money asked about a return (the refund follows the goods back).
func related(label intents.Label, intent string) bool {
	switch {
	case string(label) == intent:
		return true
	case label == intents.Refund && intent == string(intents.Return):
		return true // the money follows the goods back
	case label == intents.Return && intent == string(intents.Exchange):
		return true // the goods go back for an exchange too ("已经寄回去了")
	}
	return false
}

// caseFor picks the case a buyer's message is about: a case on the order the message
// names, else the newest live case, else the newest recent one — one still standing
// (agreed, refused) before one the merchant closed. Cases are newest first.
func caseFor(cs []cases.Case, orderID string) *cases.Case {
	if orderID != "" {
		for i := range cs {
			if cs[i].OrderID == orderID && cs[i].State.Live() {
				return &cs[i]
			}
		}
		for i := range cs {
			if cs[i].OrderID == orderID && cs[i].State != cases.StateClosed {
				return &cs[i]
			}
		}
		for i := range cs {
			if cs[i].OrderID == orderID {
				return &cs[i]
			}
		}
		return nil
	}
	for i := range cs {
		if cs[i].State.Live() && cs[i].Intent != string(intents.Human) {
			return &cs[i]
		}
	}
	for i := range cs {
		// A decision still under way for the buyer (an agreed refund whose money has not
		// come) before a case the merchant closed: "我那个售后咋样了" after the complaint
		// beside it was closed is about the refund (trial 16).
		if cs[i].Intent != string(intents.Human) && cs[i].State != cases.StateClosed {
			return &cs[i]
		}
	}
	for i := range cs {
		if cs[i].Intent != string(intents.Human) {
			return &cs[i]
		}
	}
	return nil
}

// statusWords are how buyers ask where their after-sale stands: 到账了吗, 为什么拒绝, 处理得
// 怎么样, 什么时候退. A message with one of them, about a case the buyer has, is answered
// from the case and never opens another.
var statusWords = []string{
	"到账", "到帐", "进度", "处理得", "处理的怎么", "处理好了", "处理了吗", "处理了没", "审核", "退了没", "退没退",
	"退了吗", "为什么拒绝", "为啥拒绝", "怎么拒绝", "凭什么拒绝", "咋拒绝", "什么时候退", "啥时候退", "多久退", "几天退",
	"几天到账", "同意了吗", "同意没", "通过了吗", "通过没", "还没处理", "还没退", "怎么还没退", "咋还没退", "钱呢",
	"我的钱", "钱什么时候到", "钱啥时候到", "钱多久到", "钱几天到", "钱什么时候能到", "钱啥时候能到", "钱什么时候退", "钱啥时候退", "钱多久退", "退回来没", "修好了", "修好没", "换的发了", "换的货", "补发的",
	"进展", "没动静", "多长时间可以", "多长时间能", "多久能通过", "多久通过",
	// the refund's money awaited ("退款怎么还没到 都5天了" asked for a new refund)
	"退款怎么还没到", "退款咋还没到", "退款还没到", "退款没到", "退款到了吗", "退款到了没", "退款呢", "退的钱", "退款还没收到", "没收到退款",
	"之前申请", "上次申请", "上周申请", "昨天申请", "前天申请", "已经申请", "申请过", "申请的那个",
	"开了吗", "开了没", "提交了吗", "提交成功", "申请成功", "成功了吗", "通过了没",
	"多久能处理", "多久处理", "什么时候处理", "啥时候处理", "处理要多久", "什么时候给处理", "什么时候能处理", "啥时候能处理",
	"处理到哪", "弄好了没", "弄好没", "搞好了没", "搞定了没", "办好了没", "办好没", "处理好没",
	"怎么样了", "咋样了", "怎么样啦", "退款到哪", "钱到哪", "款到哪", "到哪一步",
}

// earlierWords say the request a message names was made already ("我申请的退货", "退的那个
// 钱", "我的退款"): with a vague status word it asks where that request stands.
var earlierWords = []string{"我申请的", "申请了", "申请的", "提交的", "退的那个", "退的钱", "换的那个", "修的那个",
	"我的退款", "我的退货", "我的换货", "我的维修", "我这个退", "我这个换", "我那个退", "我那个换"}

// asksEarlier reports a question about a request the buyer made before: a status word
// ("之前申请", "到账"), or a vague one ("怎么还没", "到了没") about a request said to be
// made already ("我申请的退货怎么还没人来取").
func asksEarlier(text string) bool {
	return mentions(text, statusWords...) || mentions(text, earlierWords...) && (mentions(text, vagueStatusWords...) || intents.Asks(text))
}

// swapShipping reports a delivery question about the replacement of an exchange made
// before ("我这个换货什么时候发", "补发的到哪了"), not about an order.
func swapShipping(text string) bool {
	return mentions(text, "我这个换", "我那个换", "换的那个", "换的货", "换货的", "我的换货", "补发的", "重发的", "换的新",
		"新的啥时候", "新的什么时候", "新的多久", "新的到哪", "新的发了", "新的寄了", "新的几时")
}

// asksReturnAddress reports a buyer asking where to send goods back ("寄回地址发我一下",
// "退货地址是哪", "寄到哪里").
func asksReturnAddress(text string) bool {
	// (寄回的地…, 退回的地…: also "地止", "地趾" as typed in haste.)
	return mentions(text, "寄回地", "退货地", "退回地", "寄回的地", "退回的地", "换货地", "寄到哪", "寄回哪", "退到哪个地址",
		"寄哪里", "寄哪", "地址发我", "地址给我", "地址呢")
}

// asksSendBack reports a question about whether or how goods go back ("不用我把碎的寄回
// 去吧", "要寄回去吗").
func asksSendBack(text string) bool {
	q := intents.Asks(text) || endsWith(strings.TrimRight(text, closingMarks), "吧") // "不用…寄回去吧": a check
	return q && mentions(text, "寄回", "退回去", "寄过去", "寄给你们", "发回去", "用寄", "要寄", "需要寄", "寄不寄", "要不要寄", "用不用寄") &&
		!mentions(text, "运费", "邮费", "快递费", "谁出") // who pays: the FAQ's return postage
}

// changesAddress reports a buyer asking to change where the parcel goes ("能改地址吗",
// "地址改成公司的"): the merchant acts on it, no tracking answers it.
func changesAddress(text string) bool {
	return mentions(text, "改地址", "改一下地址", "地址改", "修改地址", "换地址", "换个地址", "改收货地址", "改个地址", "地址换",
		"换个收货地址", "换收货地址", "收货地址改", "收货地址换", "地址写错", "地址填错", "地址错了", "改收件", "换收件")
}

// reschedules reports a buyer asking to have the parcel sent or brought at another time,
// or another way ("能晚两天发吗 我出差", "改成周六送", "下周再发", "能改成顺丰发吗"): like
// an address change, the merchant acts on it; the tracking answers nothing.
func reschedules(text string) bool {
	if !mentions(text, "发", "送", "寄", "到") {
		return false
	}
	return mentions(text, "晚点", "晚些", "晚几天", "晚两天", "晚一天", "推迟", "延迟", "延后", "先别", "暂时别", "先不要", "改成", "改到", "改在", "换到",
		"改约", "约到", "改时间", "换个时间", "家里没人", "没人收", "放自提", "放驿站", "放快递柜") ||
		mentions(text, "下周", "下个月", "月底", "过几天", "过两天", "周末", "周六", "周日", "后天", "明天") && mentions(text, "再发", "再送", "再寄", "才发", "才送")
}

// settledWords say an after-sale came to its end ("钱收到了", "换好了").
var settledWords = []string{"收到了", "到账了", "已到账", "退回来了", "退到了", "已经退了", "已经好了", "搞定了", "解决了", "换好了", "修好了"}

// settledThanks reports thanks for an after-sale that came to its end ("上次退款的钱收到了
// 谢谢哈"): nothing to do but thank them back.
func settledThanks(text string) bool {
	return thanks(text) && mentions(text, settledWords...) && !intents.Asks(text)
}

// vagueStatusWords ask where something stands without naming an after-sale ("怎么样了",
// "好了吗"): about a case only when the message's own reading is that case's request.
var vagueStatusWords = []string{"没反应", "怎么样了", "咋样了", "结果", "好了没", "好了吗", "什么情况", "啥情况", "到哪一步",
	"还没到", "怎么还没", "咋还没", "发了没", "发出了吗", "有消息吗", "有回复吗", "多久能", "什么时候能", "啥时候能",
	"要多久", "几天能", "退到哪", "退到哪里", "原路", "退回哪", "到了没", "到了吗", "来取", "来拿",
	"什么时候发", "啥时候发", "什么时候到", "啥时候到", "多久到", "多久能到"}

// asksStatus reports whether text asks where an after-sale stands; vague words count
// when the message reads as an after-sale request already.
func asksStatus(text string, label intents.Label) bool {
	return mentions(text, statusWords...) || label.OpensCase() && mentions(text, vagueStatusWords...)
}

// yesNo reads a reply to a yes/no question: 1 or a yes, 2 or a no; ok is false for
// anything else, which is then read as a message of its own.
func yesNo(text string) (yes, ok bool) {
	t := unrepeated(strings.TrimRight(strings.TrimSpace(text), "。.!！~～ ，,"))
	// "不是呢", "对呀", "没有哦": the particle a phone buyer closes with changes nothing.
	for _, w := range []string{t, strings.TrimRight(t, "呢啊呀哈啦哦喔嘛滴哒")} {
		switch w {
		case "1", "１", "是", "是的", "对", "对的", "嗯", "嗯嗯", "恩", "好", "好的", "要", "确认", "确定", "没错", "yes", "ok", "OK":
			return true, true
		case "2", "２", "不是", "不", "否", "不要", "不用", "没有", "不对", "不是的", "no", "算了", "不要了", "不用了", "不需要":
			return false, true
		}
	}
	return false, false
}

// unrepeated is t said once when it is one short word said over ("是的是的", "对对对",
// "好的好的", "嗯嗯嗯" → "是的", "对", "好的", "嗯"), spaces and commas between allowed;
// else t. Elderly and voice-input buyers say yes so.
func unrepeated(t string) string {
	r := []rune(strings.NewReplacer(" ", "", "，", "", ",", "").Replace(t))
	for unit := 1; unit <= 3 && 2*unit <= len(r); unit++ {
		if len(r)%unit != 0 {
			continue
		}
		same := true
		for i := unit; i < len(r) && same; i++ {
			same = r[i] == r[i%unit]
		}
		if same {
			return string(r[:unit])
		}
	}
	return t
}

// thanks reports a message that thanks the shop, as opposed to a hello or an OK.
func thanks(text string) bool {
	return mentions(strings.ToLower(text), "谢", "感谢", "多谢", "thank", "thx", "辛苦", "麻烦了", "麻烦你了", "麻烦您了", "3q")
}

// ackPhrases are whole messages that only acknowledge.
var ackPhrases = []string{"好的", "好滴", "好嘞", "好吧", "那好吧", "行", "行吧", "那行", "可以", "好", "嗯", "嗯嗯", "恩恩", "哦",
	"哦哦", "收到", "知道了", "明白", "明白了", "了解", "ok", "okk", "okay", "👌", "👍", "好了", "没问题", "懂了",
	// Answers that close a question ("还有别的吗" — "没了") or say yes to what was said.
	"没了", "没有了", "没事了", "没别的了", "就这些", "是", "是的", "对", "对的", "嗯呢", "都可以", "都行",
	"再见", "拜拜", "没有了再见", "没事了再见", "没了再见",
	"我想想", "我想想吧", "再想想", "考虑一下", "我考虑一下", "再看看", "我再看看", "先不用了",
	// Content after an answer or a fix.
	"这还差不多", "还差不多", "这才对嘛", "这还行", "那还行"}

// ackWords start a message that acknowledges and goes on with a short remark of the
// buyer's own ("好的 等下拍", "嗯嗯 知道啦").
var ackWords = []string{"好的", "好滴", "好嘞", "好吧", "嗯嗯", "嗯", "收到", "知道了", "明白", "ok", "行", "了解", "👌"}

// acknowledges reports a short OK ("好的", "嗯嗯", "收到", "那好吧", "好的 等下拍").
func acknowledges(text string) bool {
	t := unrepeated(strings.ToLower(strings.TrimRight(strings.TrimSpace(text), "。.!！~～ ，,")))
	bare := strings.TrimRight(t, "。.!！~～ 啊呀哈哦呢啦了吧😊🙂")
	soft := strings.TrimRight(t, "。.!！~～ 啊呀哈哦呢啦吧😊🙂") // "没有了呢": its 了 kept
	// "没有了。", "这还差不多👍": the phrase, its 了 kept, without the stops and emoji after it.
	stopped := strings.TrimRightFunc(t, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.Is(unicode.So, r) || r == '～' || r == '~'
	})
	for _, p := range ackPhrases {
		if t == p || bare == p || soft == p || stopped == p {
			return true
		}
	}
	if utf8.RuneCountInString(t) > 12 {
		return false
	}
	for _, w := range ackWords {
		rest, ok := strings.CutPrefix(t, w)
		if !ok {
			continue
		}
		// The OK must stand apart from what follows: "可以便宜点不" asks, "好的 等下拍" does not.
		if r, _ := utf8.DecodeRuneInString(rest); rest == "" || r == ' ' || r == '，' || r == ',' || r == '～' || r == '~' || r == '。' || r == '!' || r == '！' {
			return true
		}
	}
	// "好的好的 知道了", "嗯嗯 明白": OKs side by side are one OK.
	if parts := strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == '，' || r == ',' }); len(parts) > 1 {
		for _, p := range parts {
			if !acknowledges(p) {
				return false
			}
		}
		return true
	}
	return false
}

// helloWords open a conversation.
var helloWords = []string{"在吗", "在不", "在么", "在嘛", "你好", "您好", "hi", "hello", "哈喽", "有人吗", "有人在吗", "早上好", "晚上好", "下午好", "客服"}

// hello reports a hello (answered with the shop's greeting), as opposed to other social talk.
func hello(text string) bool {
	t := strings.ToLower(text)
	return mentions(t, helloWords...) || slices.Contains([]string{"亲", "在", "喂", "喂喂", "喂喂喂", "在？", "在?"}, strings.TrimSpace(t))
}

// tagQuestion reports a message that checks it understood ("那就退货就行了是吧", "退款
// 是原路退回对吗"): it asks for a yes, it does not ask for the remedy it names.
func tagQuestion(text string) bool {
	return endsWith(lastWords(text), "是吧", "对吧", "是吗", "对吗", "是不是", "对不对", "就行了吗", "就可以了吗", "就行吧", "就可以了吧")
}

// addressParts are the pieces of a mainland postal address.
var addressParts = []string{"省", "市", "区", "县", "镇", "乡", "村", "路", "街", "道", "号", "小区", "栋", "幢", "单元", "室", "楼"}

// givesAddress reports a message that spells out an address (at least three of its parts,
// e.g. 市 区 路 号): what a buyer sends after "把新地址发我".
func givesAddress(text string) bool {
	if utf8.RuneCountInString(text) < 8 {
		return false
	}
	n := 0
	for _, p := range addressParts {
		if strings.Contains(text, p) {
			n++
		}
	}
	return n >= 4
}

// pingWords check that someone is there.
var pingWords = []string{"人呢", "人呐", "人了", "有人没", "在不在", "有没有人", "还在吗", "在线吗"}

// pings reports a short message that only checks someone is there ("人呢?", "在不在"): with
// nothing open it is a hello, not a grievance to offer remedies for.
func pings(text string) bool {
	t := lastWords(text)
	if t == "" && text != "" {
		return true // "??": are you there, what now
	}
	return utf8.RuneCountInString(t) <= 5 && (mentions(t, pingWords...) || hello(t))
}

// pingOnly reports a ping the model read as a grievance or nothing in particular: not a
// request for a person ("人工客服" shares 客服 with a hello) nor any other request.
func pingOnly(res intents.Result, text string) bool {
	switch res.Label {
	case intents.Complaint, intents.Other, intents.Greeting:
		return !res.Escalation && pings(text)
	}
	return false
}

// bareOK reports a short OK that asks nothing: "好的 等下拍".
func bareOK(text string) bool {
	// (A closing 呢 after an OK is soft, not a question: "没有了呢", "好的呢".)
	return (acknowledges(text) || arrived(text)) && !intents.Asks(strings.TrimRight(strings.TrimSpace(text), "呢。.!！~～ "))
}

// arrived reports a short word that the goods came ("书架到了", "眼罩收到啦"), nothing wrong
// told: an OK to answer as one, not a question for the merchant's inbox.
func arrived(text string) bool {
	t := lastWords(text)
	return utf8.RuneCountInString(t) <= 8 && endsWith(t, "到了", "到啦", "收到了", "收到啦", "签收了", "已收到", "已签收", "收到货了", "收到货啦", "到货了", "货收到了") &&
		!mentions(t, "没", "不", "怎么", "还", "才", "快到", "又", "吗", "?", "？")
}

// greetingKey picks the reply for a social message: thanks get thanks, an OK gets an OK,
// a hello gets the hello.
func greetingKey(text string) string {
	switch {
	case thanks(text):
		return "thanks"
	case praises(text):
		return "praised" // "眼罩收到啦 好舒服👍": thanked for, not "好的～ 有需要随时说"
	case hello(text) || pings(text) || leadIn(text):
		return "greeting" // ("请问": about to ask — "在的～", not "好的～ 有需要随时说")
	}
	return "ack" // praise, a goodbye, an OK: no "在的～ 随时为您服务"
}

// praises reports a buyer praising the goods or wishing the shop well ("好舒服 会回购的",
// "老板生意兴隆🎉", "质量不错👍"), with nothing wrong told.
func praises(text string) bool {
	return mentions(text, "好舒服", "很舒服", "好好用", "很好用", "挺好用", "质量不错", "质量很好", "很满意", "非常满意", "好喜欢", "很喜欢",
		"回购", "生意兴隆", "生意红火", "好评", "五星", "点赞", "👍", "推荐给", "超赞", "太棒了", "物超所值") &&
		!mentions(text, "不舒服", "不好用", "不满意", "不喜欢", "差评", "返现", "坏", "破", "漏", "退", "换")
}

// platformWord is the platform's after-sale status in a buyer's words.
func platformWord(s adapters.Status) string {
	switch s {
	case adapters.StatusWaitingMerchant:
		return "待商家处理"
	case adapters.StatusWaitingBuyer:
		return "待您处理"
	case adapters.StatusSucceeded:
		return "已完成"
	case adapters.StatusRejected:
		return "已被拒绝"
	case adapters.StatusClosed:
		return "已关闭"
	}
	return ""
}

// statusOf writes where a case stands for the buyer, from the case, the merchant's
// reason when it was refused, the waybill of goods the buyer sent back (or ""), whether
// the merchant let the buyer keep the goods, and the platform's status when the platform
// knows the case.
func statusOf(c *cases.Case, reason, waybill string, kept bool, platform *adapters.CaseStatus, now time.Time) string {
	var s string
	money := c.Intent == string(intents.Refund) || c.Intent == string(intents.Return)
	switch c.State {
	case cases.StateOpen, cases.StateWaitingMerchant:
		if !c.Deadline.IsZero() && now.After(c.Deadline) {
			// Never "最晚 (a time gone by) 前给您答复".
			s = fmt.Sprintf("已登记，店主还在处理，已经过了答应的 %s，抱歉让您久等🙏 已再次提醒店主。", vocab.Deadline(c.Deadline))
			break
		}
		s = "已登记，正在等店主处理"
		if !c.Deadline.IsZero() {
			s += fmt.Sprintf("，最晚 %s 前给您答复", vocab.Deadline(c.Deadline))
		}
		s += "。"
	case cases.StateWaitingBuyer:
		s = "还在等您这边处理（如寄回商品或补充照片），办好后直接回复我，店主马上接着处理。"
	case cases.StateResolved:
		switch {
		case c.Intent == string(intents.Complaint):
			s = "店主已经处理。"
		case waybill != "" && money:
			s = fmt.Sprintf("店主已同意，您寄回的快递（单号 %s）已转告店主，店主收到货后退款按原支付方式退回。", waybill)
		case waybill != "":
			s = fmt.Sprintf("店主已同意，您寄回的快递（单号 %s）已转告店主，店主收到货后会尽快处理。", waybill)
		case kept && money:
			// The merchant let the buyer keep the goods: nothing to send back.
			s = "店主已同意，商品不用寄回，款项会按原支付方式退回，到账时间以平台和银行为准（一般 1–3 个工作日）。"
		case kept:
			s = "店主已同意，商品不用寄回，请留意后续的发货或处理消息。"
		case c.Intent == string(intents.Return):
			s = "店主已同意退货，请按之前发您的地址把商品寄回，寄出后把快递单号发我；店主收到货后退款按原支付方式退回。"
		case money:
			s = "店主已同意，款项会按原支付方式退回，到账时间以平台和银行为准（一般 1–3 个工作日）。"
		default:
			s = "店主已同意，请留意后续的发货或处理消息。"
		}
	case cases.StateRejected:
		s = "店主没有同意"
		if reason != "" {
			s += "，原因：" + reason
		}
		if waybill != "" {
			// Sent back as the refusal asked ("需要先寄回检测"): the next step is the shop's.
			s += "。您寄回的快递（单号 " + waybill + "）已转告店主，店主收到货检查后会再处理。"
			break
		}
		s += "。如有疑问，可以直接说明，我转给店主再看一下。"
	case cases.StateCancelled:
		s = "已撤销。需要的话可以重新申请。"
	case cases.StateExpired:
		s = "已由平台按时限规则自动处理，结果以平台订单页为准。"
	case cases.StateClosed:
		if into, ok := strings.CutPrefix(reason, "并入 "); ok {
			s = fmt.Sprintf("已并入售后单 %s 一起处理，进展请看 %s。", into, into)
		} else if reason != "" && !strings.HasPrefix(reason, "误判") && strings.ContainsFunc(reason, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			// "A1 关闭 货已收到，已退款69元" — what the merchant said it was closed with
			// answers "还没到账啊" (trial: it said only that the case was closed).
			s = "店主已关闭这个售后单，店主说：" + reason + "。还有问题可以直接说明，我转给店主。"
		} else {
			s = "店主已关闭这个售后单，有需要可以直接说明，我转给店主。"
		}
	}
	if platform != nil {
		if w := platformWord(platform.Status); w != "" {
			s += "平台显示：" + w + "。"
		}
	}
	return s
}

// platformStatus asks the shop's platform where a linked case stands, within the buyer's
// turn and its lookup bound; nil when unknown.
func (e *Engine) platformStatus(ctx context.Context, shop *Shop, c *cases.Case) *adapters.CaseStatus {
	if c.PlatformRef == "" || shop.Platform.Name() == "manual" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.lookupTimeout)
	defer cancel()
	st, err := shop.Platform.CaseStatus(ctx, adapters.CaseRef{Platform: shop.Platform.Name(), ID: c.PlatformRef})
	if err != nil {
		e.log.Warn("platform status for a buyer's question", "shop", shop.ID, "case_id", c.ID, "err", err)
		return nil
	}
	return &st
}

// merchantSince is the merchant's latest 回复 to the buyer on a case after its last
// change of state (a reply before an approval is superseded by it), or "".
func merchantSince(events []cases.Event) string {
	for i := len(events) - 1; i >= 0; i-- {
		switch ev := events[i]; {
		case ev.Kind == cases.EventState:
			return ""
		case ev.Kind == cases.EventReply && ev.Actor == "merchant":
			return ev.Text
		}
	}
	return ""
}

// rejectReason is the merchant's note on the case's rejection or closing (a reason, or
// "并入 A1" for a merged case), from its log.
func rejectReason(events []cases.Event) string {
	return decisionNote(events, cases.StateRejected, cases.StateClosed)
}

// approvalNote is what the merchant wrote with the last approval ("A1 同意 部分退款5元 不用
// 寄回"), or "".
func approvalNote(events []cases.Event) string {
	return decisionNote(events, cases.StateResolved)
}

// decisionNote is the note of the last move of the case to one of states, or "".
// returnAddress is where the goods of case c go back: the address the merchant wrote
// when agreeing, if they wrote one ("A7 同意 寄回 浙江省义乌市…"), else the shop's
// configured one — trial 28's buyer got both, two addresses and two phones.
func (e *Engine) returnAddress(ctx context.Context, c *cases.Case) string {
	evs, err := e.store.Events(ctx, c.Shop, c.ID)
	if err == nil {
		if note := decisionNote(evs, cases.StateResolved); givesAddress(note) {
			return note
		}
	}
	return e.shops[c.Shop].ReturnAddress
}

func decisionNote(events []cases.Event, states ...cases.State) string {
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		if ev.Kind == cases.EventState && slices.Contains(states, ev.To) {
			if _, note, ok := strings.Cut(ev.Text, " "); ok {
				return note
			}
			return ""
		}
	}
	return ""
}

// answerStatus tells the buyer where case c stands and keeps their question on it.
func (e *Engine) answerStatus(ctx context.Context, m Message, sess *session, c *cases.Case) ([]cases.Reply, error) {
	return e.statusReply(ctx, m, sess, c, false)
}

// statusReply is answerStatus; urged, the buyer pressed for it ("能不能快点处理"), and the
// merchant of a live case hears so.
func (e *Engine) statusReply(ctx context.Context, m Message, sess *session, c *cases.Case, urged bool) ([]cases.Reply, error) {
	shop := e.shops[m.Shop]
	st := e.platformStatus(ctx, shop, c)
	sess.Pending, sess.Intent = nil, ""
	sess.Recent = nil
	return e.do(ctx, m, func(t *turn) error {
		events, err := t.tx.Events(c.Shop, c.ID)
		if err != nil {
			return err
		}
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		if c.State == cases.StateRejected {
			// The buyer is back on a refused case: the merchant decides whether to look again.
			if err := t.alertOnce(c, cases.AlertFollowUp, m.Text); err != nil {
				return err
			}
		}
		chased := c.State == cases.StateResolved && toldDelay(m.Text)
		if chased {
			// "怎么还没退 都5天了" on an agreed refund: what was agreed has not come, by the
			// buyer's word — the merchant checks (the same status three times over told
			// the buyer nothing new, and no one else heard — trial 22).
			if err := t.alertOnce(c, cases.AlertFollowUp, m.Text); err != nil {
				return err
			}
		}
		if c.State.Live() {
			// The buyer chased it: the merchant sees that on the case.
			if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventUpdated, Actor: "buyer", Text: "asked where it stands"}); err != nil {
				return err
			}
		}
		if c.State.Live() && c.State != cases.StateWaitingBuyer && (urged || !c.Deadline.IsZero() && t.tx.Now().After(c.Deadline)) {
			// Past the time the buyer was promised: the reply says the merchant is reminded,
			// so they are.
			if err := t.alertOnce(c, cases.AlertFollowUp, m.Text); err != nil {
				return err
			}
		}
		t.caseID = c.ID
		if c.State == cases.StateClosed && intents.Asks(m.Text) && !strings.HasPrefix(rejectReason(events), "并入") {
			// "补发的单号多少啊" on a case the merchant closed: a question for the merchant
			// on that case, passed on as the closed case's status promises (trial 16 said
			// "我转给店主" and told no one).
			if err := t.alertOnce(c, cases.AlertFollowUp, m.Text); err != nil {
				return err
			}
			return t.say("followup", Data{CaseID: c.ID, Intent: caseName(c)})
		}
		approved := approvalNote(events)
		status := statusOf(c, rejectReason(events), sentBack(events), waivedIn(events), st, t.tx.Now())
		if c.State == cases.StateResolved && approved != "" && merchantSince(events) == "" {
			// "A1 同意 部分退款5元 不用寄回": what was agreed, in the merchant's words.
			status += "\n店主的说明：" + vocab.Clip(approved, 80)
		}
		if said := merchantSince(events); said != "" {
			// "给您补寄螺丝 明天发出": what the merchant told the buyer since the case last
			// moved is where it stands, in the merchant's own words.
			status += "\n店主的回复：" + vocab.Clip(said, 80)
		}
		if chased {
			status += "\n已转告店主帮您核实，会尽快回复您～"
		}
		return t.say("case_status", Data{CaseID: c.ID, Intent: caseName(c), OrderID: c.OrderID,
			Status: status, Deadline: c.Deadline})
	})
}

// followUp takes a buyer's renewed ask about a case that is over (a request after a
// rejection): it joins that case and goes to the merchant, who decides; no second case.
func (e *Engine) followUp(ctx context.Context, m Message, sess *session, c *cases.Case) ([]cases.Reply, error) {
	return e.passOn(ctx, m, sess, c, cases.AlertFollowUp, "followup", Data{})
}

// alertOnce alerts the merchant now with an alert of kind on case c quoting note, unless
// one of that kind went out on c within urgentEvery and since the merchant last acted on
// it: a buyer writing on keeps the words on the case without ringing again each time, but
// words after the merchant's answer or decision are new to them (trial: "发了告诉我单号"
// after 关闭 was told "已转给店主" while the last alert, before the close, muted it).
func (t *turn) alertOnce(c *cases.Case, kind, note string) error {
	since := t.tx.Now().Add(-urgentEvery)
	events, err := t.tx.Events(c.Shop, c.ID)
	if err != nil {
		return err
	}
	for i := len(events) - 1; i >= 0; i-- {
		if ev := events[i]; ev.Actor == "merchant" && (ev.Kind == cases.EventReply || ev.Kind == cases.EventState) {
			if ev.At.After(since) {
				since = ev.At
			}
			break
		}
	}
	recent, err := t.tx.AlertedSince(c.Shop, c.ID, kind, since)
	if err != nil || recent {
		return err
	}
	return t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: kind, DueAt: t.tx.Now(), Note: note})
}

// alertOncePerNote alerts the merchant now with an alert of kind on case c quoting note,
// unless one with that very note ever went out on c: new words are news however recent
// the last alert, the same words again are not.
func (t *turn) alertOncePerNote(c *cases.Case, kind, note string) error {
	again, err := t.tx.AlertedWithNoteSince(c.Shop, c.ID, kind, note, time.Time{})
	if err != nil || again {
		return err
	}
	return t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: kind, DueAt: t.tx.Now(), Note: note})
}

// goodsBack keeps the waybill of goods the buyer sent back on case c (an approved or
// live return, exchange or repair) and tells the merchant: the next step is theirs once
// the parcel arrives. Status answers read the waybill from the case's log (sentBack).
func (e *Engine) goodsBack(ctx context.Context, m Message, sess *session, c *cases.Case, tracking string) ([]cases.Reply, error) {
	return e.passOn(ctx, m, sess, c, cases.AlertGoodsBack, "goods_back", Data{TrackingNo: tracking})
}

// waybillEvent starts the log line that keeps a waybill of goods sent back.
const waybillEvent = "goods sent back: "

// sentBack is the waybill of goods the buyer sent back, from the case's log, or "".
func sentBack(events []cases.Event) string {
	for i := len(events) - 1; i >= 0; i-- {
		if w, ok := strings.CutPrefix(events[i].Text, waybillEvent); ok && events[i].Kind == cases.EventUpdated {
			return w
		}
	}
	return ""
}

// passOn keeps the buyer's words on case c, which is over (or, for a waybill, live), and
// alerts the merchant with an alert of kind (at most one per urgentEvery); the buyer is
// told with reply key, d carrying what the key needs beyond the case and its request. A
// waybill in d is logged on the case.
func (e *Engine) passOn(ctx context.Context, m Message, sess *session, c *cases.Case, kind, key string, d Data) ([]cases.Reply, error) {
	words := pendingWords(sess.Pending, m.Text)
	if kind == cases.AlertGoodsBack {
		words = m.Text // the message with the waybill: the alert quoted the lines before it
	}
	sess.Recent = nil
	sess.Pending, sess.Intent = nil, ""
	sess.Passed, sess.PassedAt = c.ID, e.now()
	var terms string
	if key == "followup" && claimsPostage(m.Text) {
		// "运费谁出 我垫了12块": the shop's postage terms, if its FAQ has them, with the
		// claim passed on — the merchant pays it, the terms alone settle nothing.
		terms, _, _ = e.faqAnswer(m)
	}
	return e.do(ctx, m, func(t *turn) error {
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		t.caseID = c.ID
		if terms != "" {
			if err := t.sayText(m.From, terms); err != nil {
				return err
			}
		}
		if d.TrackingNo != "" {
			if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventUpdated, Actor: "buyer", Text: waybillEvent + d.TrackingNo}); err != nil {
				return err
			}
		}
		r := t.e.read(c.Shop, m.Text)
		if key == "followup" && r.Escalation {
			// "凭什么 我要投诉你们" after the refusal: a threat, which the merchant hears
			// at once as a complaint — it got the refusal's reason again and no alert,
			// the follow-up asked a moment before muting it (trial 27).
			kind, key, words = cases.AlertComplaint, "followup_escalated", EscalationMark+words
		}
		if kind == cases.AlertFollowUp && newMatter(r, m.Text) {
			// "还有那个杯垫也裂了一道缝", "杯垫裂了 退杯垫的钱" on a case agreed a moment
			// ago: a new fault or request is news, whatever was alerted minutes before
			// (trial 28: kept quietly, the merchant told nothing). Once per words.
			if err := t.alertOncePerNote(c, kind, words); err != nil {
				return err
			}
		} else if err := t.alertOnce(c, kind, words); err != nil {
			return err
		}
		if key == "followup" && c.State == cases.StateRejected && asksWhy(m.Text) {
			// "为啥拒绝啊": the reason the merchant gave, said again with the passing on —
			// "店主会再看一下" alone left the question unanswered (trial).
			events, err := t.tx.Events(c.Shop, c.ID)
			if err != nil {
				return err
			}
			if d.Reason = rejectReason(events); d.Reason != "" {
				key = "followup_reason"
			}
		}
		d.CaseID, d.Intent = c.ID, caseName(c)
		return t.say(key, d)
	})
}

// newMatter reports words on a decided case that tell a new fault or ask a remedy
// ("杯垫也裂了一道缝", "能不能一起退了"): news for the merchant, never muted.
func newMatter(r intents.Result, text string) bool {
	return defect(r.Slots.Reason) || intents.NamesRemedy(text) && r.Label.OpensCase() && r.Label != intents.Complaint
}

// claimsPostage reports a buyer asking the shop to bear the postage of goods sent back
// ("运费谁出 我垫了12块", "运费你们出吧 是你们质量问题", "寄回的邮费能报吗").
func claimsPostage(text string) bool {
	return mentions(text, "运费", "邮费", "快递费", "寄回的钱", "寄费") &&
		mentions(text, "谁出", "你们出", "你们承担", "垫", "报销", "能报", "给报", "补给我", "退给我", "退我", "给我退", "出吧", "承担", "付了", "花了")
}

// asksWhy reports a buyer asking why a decision went as it did ("为啥拒绝啊", "凭什么不给退").
func asksWhy(text string) bool {
	return mentions(text, "为啥", "为什么", "凭什么", "咋就", "怎么就", "什么原因", "啥原因", "理由")
}

// joinComplaint adds a grievance to the buyer's live case and raises its urgency: the
// merchant gets an urgent alert quoting it; no second case opens.
func (e *Engine) joinComplaint(ctx context.Context, m Message, sess *session, c *cases.Case) ([]cases.Reply, error) {
	pending := sess.Pending
	sess.Recent = nil
	words := pendingWords(pending, m.Text)
	sess.Pending, sess.Intent = nil, ""
	escalates := e.read(m.Shop, m.Text).Escalation
	return e.do(ctx, m, func(t *turn) error {
		if err := t.recordAll(c.ID, pending); err != nil {
			return err
		}
		t.caseID = c.ID
		if err := t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventUpdated, Actor: "buyer", Text: cases.GrievanceUrgent}); err != nil {
			return err
		}
		// A burst of grievances (or one right after the case opened) makes one urgent
		// alert: the merchant was told moments ago and the words are on the case. Read
		// from the store, so a restart does not make it twice.
		recent, err := t.tx.AlertedSince(c.Shop, c.ID, cases.AlertComplaint, t.tx.Now().Add(-urgentEvery))
		if err != nil {
			return err
		}
		if recent && escalates {
			// A threat (12315, 差评) after the grievance the merchant was just told of is
			// news: one alert for it, marked, within the window — not "已补充" unheard.
			again, err := t.tx.AlertedWithNoteSince(c.Shop, c.ID, cases.AlertComplaint, EscalationMark, t.tx.Now().Add(-urgentEvery))
			if err != nil {
				return err
			}
			if !again {
				recent, words = false, EscalationMark+words
			}
		}
		if recent {
			// No second alert within urgentEvery: say so, not "已加急转告" again — and once:
			// the same sentence three times over reads as a machine not listening.
			if e.now().Sub(sess.NotedAt) < urgentEvery {
				return t.say("noted", Data{})
			}
			sess.NotedAt = e.now()
			return t.say("complaint_noted", Data{CaseID: c.ID, Intent: caseName(c)})
		}
		if err := t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertComplaint, DueAt: t.tx.Now(), Note: words}); err != nil {
			return err
		}
		return t.say("complaint_joined", Data{CaseID: c.ID, Intent: caseName(c)})
	})
}

// EscalationMark heads the note of a complaint alert for a threat made after the
// grievance was already alerted ("【升级】不给个说法我就去12315"); the alert's text then
// opens with it, so the merchant tells it from the first alert at a glance.
const EscalationMark = "【升级】"

// pendingWords are the buyer's words of this request for an alert: the pending messages
// (which end with the current one) or the current message alone.
func pendingWords(pending []said, current string) string {
	var out []string
	for _, p := range pending {
		if p.Text != "" && !strings.HasPrefix(p.Text, "[") {
			out = append(out, p.Text)
		}
	}
	if len(out) == 0 {
		return current
	}
	return strings.Join(out, " / ")
}

// confirm asks the buyer once whether they want a case of label before one opens.
func (e *Engine) confirm(ctx context.Context, m Message, sess *session, label intents.Label) ([]cases.Reply, error) {
	if sess.PassedOver == label && intents.Asks(m.Text) {
		// "还需要取消重新下单吗", asked again after the buyer went past "您是要申请退款吗":
		// a question about it, which the merchant answers — not the same yes/no again.
		sess.PassedOver = ""
		return e.question(ctx, m, sess)
	}
	sess.Confirm = &pendingConfirm{Label: label}
	reason := sess.Reason
	if reason == "" {
		reason = e.read(m.Shop, m.Text).Slots.Reason
	}
	// "您是要申请补发吗" for a part missing, not 换货: the buyer wants what is missing.
	return e.answer(ctx, m, "confirm", Data{Intent: label.ChineseFor(reason)})
}

// confirmCancel asks the buyer once whether they mean to withdraw case c.
func (e *Engine) confirmCancel(ctx context.Context, m Message, sess *session, c *cases.Case) ([]cases.Reply, error) {
	sess.Confirm = &pendingConfirm{Label: intents.Cancel, CaseID: c.ID}
	return e.answer(ctx, m, "confirm_cancel", Data{CaseID: c.ID, Intent: caseName(c)})
}

// serviceWords mark a grievance about the shop's service or delivery rather than the goods.
var serviceWords = []string{"客服", "回复", "不理", "没人", "等了", "催", "快递", "物流", "发货", "没动", "送货", "师傅", "电话", "处理", "几天了", "多久了"}

// aboutService reports a grievance about service or delivery.
func aboutService(text string) bool { return mentions(text, serviceWords...) }

// endsWith reports whether t ends with one of ends.
func endsWith(t string, ends ...string) bool {
	return slices.ContainsFunc(ends, func(end string) bool { return strings.HasSuffix(t, end) })
}

// closingMarks are the stops, marks and spaces after a message's last word.
const closingMarks = "?？!！。.~～ "

// lastWords is text without the marks and spaces it ends with.
func lastWords(text string) string { return strings.TrimRight(strings.TrimSpace(text), closingMarks) }

// ifMarkers open the condition of a threat ("再不到…", "要是明天还不发…"); not 还没,
// which states the present ("还没发货的话就退款吧" asks for the refund now).
var ifMarkers = []string{"再不", "还不", "再没", "如果", "要是", "不然", "否则", "再收不到", "再等不到"}

// deliveryWords say what the condition is about: the parcel moving.
var deliveryWords = []string{"发", "到", "送", "寄", "物流", "快递", "动", "收到"}

// urgesDelivery reports a refund or return held out as a threat on the delivery ("再不到
// 我就退款了", "明天还不发货就退货", "今天不发我就真退了啊"): the buyer still wants the
// goods — the request is to hurry, and the refund only what follows if nothing moves. A
// question opened by "如果…" ("如果不发货能退吗") asks the policy instead, and is not one.
func urgesDelivery(text string) bool {
	if mentions(text, "不要了", "不等了", "不想要了", "退了吧", "直接退", "给我退了") && !mentions(text, "就", "的话", "再不", "要是", "如果") {
		// "还不发 不要了 退了吧": given up on the parcel, the refund decided — no threat
		// (trial 16 sent it to the inbox as a delivery question).
		return false
	}
	if mentions(text, "再不到", "还不到", "再不发", "还不发", "再不送", "不到的话", "不发的话", "到不了的话") ||
		mentions(text, "不发就", "不到就", "不到再", "不发再", "之前不发", "之前不到", "之前还不发", "之前还不到") {
		return true
	}
	// "今天不发我就真退了啊", "明天还没到我就申请退款": the parcel not coming, then 就 (or
	// 再) and the refund, a few words apart.
	for _, w := range []string{"不发", "没发", "不到", "没到", "不送", "没送", "不给我发"} {
		i := strings.Index(text, w)
		if i < 0 {
			continue
		}
		if strings.HasPrefix(w, "没") && !mentions(text, "今天", "明天", "后天", "今晚", "晚上", "下午", "周", "号", "点前", "小时", "天内", "再") {
			// "保温杯还没发的话就不要了 帮我退了吧": if it has not shipped yet — which it
			// may not have — the refund, now; only a time to come makes it a threat
			// ("明天还没发我就退").
			continue
		}
		rest := []rune(text[i+len(w):])
		for j := 0; j < len(rest) && j < 6; j++ {
			if (rest[j] == '就' || rest[j] == '再') && strings.ContainsRune(string(rest[j:]), '退') {
				return true
			}
		}
	}
	if intents.Asks(text) {
		return false
	}
	for _, m := range ifMarkers {
		i := strings.Index(text, m)
		if i < 0 {
			continue
		}
		rest := text[i+len(m):]
		j := strings.Index(rest, "就")
		if j < 0 {
			continue
		}
		if mentions(rest[:j], deliveryWords...) && strings.Contains(rest[j:], "退") {
			return true
		}
	}
	return false
}

// angry reports a message with a grievance against the shop or its service.
func angry(text string) bool { return intents.Grieves(text) }

// remedyOptions are what a buyer who states a problem may want, in menu order.
func remedyOptions() []string {
	return []string{string(intents.Refund), string(intents.Return), string(intents.Exchange), string(intents.Repair), string(intents.Complaint)}
}

// remedies asks a buyer who stated a problem with the goods what they want done, instead
// of opening an urgent complaint for what is usually the start of a refund or exchange.
func (e *Engine) remedies(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	if remedyMenuOpen(sess) {
		// The buyer is still describing the problem: the question stands, asked once.
		sess.retell(m.Text)
		return e.menuAgain(ctx, m, sess)
	}
	if r := e.read(m.Shop, m.Text).Slots.Reason; r != "" && r == sess.RemedyFor && e.now().Sub(sess.RemedyAt) < remedyAskedWithin {
		// "我只收到一箱货" again, after the menu for it and a tracking asked in between
		// ("帮我查一下是什么原因"): the buyer wants the shop to look into it, not the same
		// menu a second time — a person takes it with their words.
		sess.RemedyFor = ""
		sess.keep(m.Text)
		return e.human(ctx, m, sess)
	}
	return e.remedyMenu(ctx, m, sess, "remedy_menu")
}

// remedyAskedWithin is how long the remedies menu shown for a problem counts as asked.
const remedyAskedWithin = 30 * time.Minute

// menuAgainMax is how many times an open menu's question is put again to a buyer who
// answers it with something else; the next time a person takes over.
const menuAgainMax = 2

// menuAgain puts the open menu's question again ("回复上面的数字就行") and keeps the
// buyer's words for the request they choose. A buyer who still does not choose, or leaves it
// to the shop ("你们看着办吧"), is handed to a person with those words — not asked a
// third time while the merchant hears nothing (a food-safety report looped on the menu).
func (e *Engine) menuAgain(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	sess.keep(m.Text)
	sess.MenuAgain++
	if sess.MenuAgain <= menuAgainMax && !leavesItToShop(m.Text) {
		return e.answer(ctx, m, "remedy_again", Data{})
	}
	sess.Menu, sess.MenuText, sess.MenuAgain = nil, "", 0
	return e.human(ctx, m, sess)
}

// leavesItToShop reports a buyer leaving the remedy to the shop ("你们看着办吧", "你们说怎么
// 处理就怎么处理"): a person decides with them, not the menu.
func leavesItToShop(text string) bool {
	return mentions(text, "看着办", "看着处理", "看着弄", "你们决定", "你们定吧", "你说怎么办", "你们说怎么办",
		"怎么处理都行", "怎么都行", "随便你们", "不懂这些数字", "看不懂数字", "不会选", "不懂数字", "看不懂这些", "怎么处理比较合适", "怎么处理合适", "看看怎么处理", "看怎么处理", "你们看怎么弄", "你们看怎么解决")
}

// bodily reports a problem told as what the goods did to the buyer's body, or food and
// skincare gone wrong ("脸上起了好多小红疹", "吃着有股怪味"): remedies, but no repair.
func bodily(text string) bool {
	return intents.Harms(text) || mentions(text, "过敏", "疹", "痒", "红肿", "皮肤", "脸上", "刺痛", "闷痘", "烂脸",
		"吃了", "吃着", "喝了", "喝着", "变质", "发霉", "过期", "异味", "怪味", "馊")
}

// remedyMenu offers every remedy as a numbered menu, in the reply template key.
func (e *Engine) remedyMenu(ctx context.Context, m Message, sess *session, key string) ([]cases.Reply, error) {
	sess.Menu, sess.MenuText, sess.MenuAgain = remedyOptions(), m.Text, 0
	sess.RemedyFor, sess.RemedyAt = e.read(m.Shop, m.Text).Slots.Reason, e.now()
	if bodily(m.Text) {
		// "面霜用了两天脸上起了好多小红疹": nothing to mend — no 维修 offered.
		sess.Menu = slices.DeleteFunc(sess.Menu, func(o string) bool { return o == string(intents.Repair) })
	}
	r := e.read(m.Shop, m.Text).Slots.Reason
	if r == intents.ReasonMissingPart {
		// "台灯少了个灯罩": what is missing is sent (DESIGN.md: a missing item is an exchange
		// unless money is asked), so 补发 comes first, named so.
		sess.Menu = slices.DeleteFunc(sess.Menu, func(o string) bool { return o == string(intents.Exchange) || o == string(intents.Repair) })
		sess.Menu = append([]string{string(intents.Exchange)}, sess.Menu...)
	}
	return e.answer(ctx, m, key, Data{Menu: menuText(sess.Menu, r)})
}

// severalOrders reports a request said to be for more than one order ("我买了两单 都要退",
// "两个订单都退"), before their numbers are given.
func severalOrders(text string) bool {
	// The same request for all of them ("都要退", "一起退"), not several problems told
	// one by one ("我有两个单子的问题").
	return mentions(text, "都", "一起", "全部", "分别") &&
		mentions(text, "两单", "两个订单", "两个单", "2单", "两笔", "三单", "几单", "多个订单", "好几单", "两件", "每单", "分别")
}

// severalLabel is the request of the buyer's case caseID (the previous order's, for the
// next order of a several-order request), or "".
func severalLabel(cs []cases.Case, caseID string) intents.Label {
	for _, c := range cs {
		if c.ID == caseID && needsOrder(intents.Label(c.Intent)) {
			return intents.Label(c.Intent)
		}
	}
	return ""
}

// orderless is the buyer's newest live case that has no order yet (a complaint opened
// before the buyer gave one), or nil.
func orderless(live []cases.Case) *cases.Case {
	for i := range live {
		if live[i].OrderID == "" && live[i].Intent != string(intents.Human) {
			return &live[i]
		}
	}
	return nil
}

// attachOrder puts the order number the buyer just sent on their case that lacked one.
func (e *Engine) attachOrder(ctx context.Context, m Message, sess *session, c *cases.Case, orderID string) ([]cases.Reply, error) {
	return e.putOrder(ctx, m, sess, c, orderID, false)
}

// reorder moves the buyer's case c, opened a moment ago on one order, to orderID: "不对
// 是另一个订单 2306… 饭盒那个" corrects the order (it was noted on the case, which kept the
// wrong one, and the next fault told opened a second case — trial). A case the platform
// holds already keeps its order: the merchant is told the buyer's correction instead.
func (e *Engine) reorder(ctx context.Context, m Message, sess *session, c *cases.Case, orderID string) ([]cases.Reply, error) {
	if c.PlatformRef != "" {
		return e.do(ctx, m, func(t *turn) error {
			t.caseID = c.ID
			if err := t.record(c.ID, m); err != nil {
				return err
			}
			if err := t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertFollowUp, DueAt: t.tx.Now(), Note: "买家说订单应为 " + orderID + "：" + m.Text}); err != nil {
				return err
			}
			return t.say("order_corrected_later", Data{CaseID: c.ID, OrderID: orderID})
		})
	}
	return e.putOrder(ctx, m, sess, c, orderID, true)
}

// putOrder puts orderID on the buyer's case c: the one it lacked, or (moved) instead of the
// wrong one it had. Another buyer's order is refused.
func (e *Engine) putOrder(ctx context.Context, m Message, sess *session, c *cases.Case, orderID string, moved bool) ([]cases.Reply, error) {
	bind := false
	o, err := e.lookupOrder(ctx, m.Shop, orderID)
	if errors.Is(err, adapters.ErrNotFound) && sess.NotFound != orderID {
		// "385612345678901", a digit short, for the complaint opened before its order:
		// said not found, not put on the case (trial 28's stayed on the number mistyped,
		// the buyer's correction only noted beside it). Sent again, the buyer is sure of
		// it: it goes on the case for the merchant to check.
		sess.NotFound, sess.OrderID = orderID, ""
		return e.answer(ctx, m, "order_not_found", Data{OrderID: orderID})
	}
	if err == nil {
		sess.Goods, sess.GoodsOf = goodsOf(o), o.ID
		// Another buyer's order does not join this buyer's case; an order nobody has
		// used yet becomes this buyer's, so their own case's order stays theirs.
		own, err := e.ownershipOf(ctx, m.Shop, m.From, o)
		if err == nil && own == ownerProve {
			var proved bool
			if proved, err = e.provedHere(ctx, m, o); proved {
				own = ownerOK
			}
		}
		switch {
		case err != nil:
			return e.do(ctx, m, func(*turn) error { return err })
		case own == ownerNo:
			sess.OrderID = ""
			return e.answer(ctx, m, "order_not_yours", Data{OrderID: o.ID})
		case own == ownerProve:
			// Proven first, as on every other road to an order: a complaint told before
			// its number otherwise let anyone put any order on it and read its tracking
			// (trial 20).
			sess.Verify = &pendingVerify{OrderID: o.ID, Label: intents.Label(c.Intent), CaseID: c.ID, Moved: moved}
			sess.OrderID = ""
			return e.answer(ctx, m, "verify_order", Data{OrderID: o.ID})
		case own == ownerFirst:
			bind = true
		}
	}
	sess.Pending, sess.Intent = nil, ""
	sess.Recent = nil
	if bind {
		sess.Bind = orderID
	}
	return e.do(ctx, m, func(t *turn) error {
		if err := t.record(c.ID, m); err != nil {
			return err
		}
		t.caseID = c.ID
		if moved {
			if err := t.unbindFirstUse(c); err != nil {
				return err
			}
			c.Goods = ""
			// The merchant may have read the first alert: told now, not at the next warning.
			if err := t.tx.ScheduleAlert(cases.Alert{Shop: c.Shop, CaseID: c.ID, Kind: cases.AlertFollowUp, DueAt: t.tx.Now(), Note: "订单改为 " + orderID + "：" + m.Text}); err != nil {
				return err
			}
			if err := t.bindOrder(sess, c, orderID); err != nil {
				return err
			}
			return t.say("order_corrected", Data{CaseID: c.ID, Intent: caseName(c), OrderID: orderID})
		}
		if err := t.bindOrder(sess, c, orderID); err != nil {
			return err
		}
		// Its alert went out with "订单 未提供": the merchant hears which order (and goods)
		// it is about now, not at the next warning.
		if err := t.alertOnce(c, cases.AlertFollowUp, "订单号 "+orderID); err != nil {
			return err
		}
		return t.say("case_updated", Data{CaseID: c.ID, Intent: caseName(c)})
	})
}

// bindOrder puts orderID on the buyer's case c that had none, logged; an order nobody has
// used yet becomes this buyer's, so their own case's order stays theirs.
func (t *turn) bindOrder(sess *session, c *cases.Case, orderID string) error {
	if t.e.verifyOwner {
		if _, err := t.tx.BindFirst(c.Shop, orderID, c.Buyer); err != nil {
			return err
		}
	}
	c.OrderID = orderID
	if sess.GoodsOf == orderID {
		c.Goods = sess.Goods
	}
	if err := t.tx.SaveCase(c); err != nil {
		return err
	}
	return t.tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventUpdated, Actor: "buyer", Text: "order " + orderID})
}

// whatNow reports a buyer asking what to do about their problem ("怎么办", "咋整"): the
// remedy is theirs to choose, not a question for the merchant.
func whatNow(text string) bool {
	return mentions(text, "怎么办", "咋办", "怎么弄", "咋弄", "咋整", "怎么整", "怎么处理", "咋处理", "怎么回事", "咋回事", "什么情况", "啥情况")
}

// remedyMenuOpen reports whether the last question was which remedy the buyer wants.
func remedyMenuOpen(sess *session) bool {
	o := remedyOptions()
	n := len(sess.Menu)
	if n < len(o)-1 || n > len(o) || sess.Menu[n-1] != o[len(o)-1] {
		return false
	}
	// Refund first, or 补发 before it for a missing part (remedyMenu).
	return sess.Menu[0] == o[0] || sess.Menu[0] == string(intents.Exchange) && sess.Menu[1] == o[0]
}

// reMenu answers an order number the buyer sent while a menu is open: a short note that
// the number is kept, the menu being just above (the apology and the list again read as
// if the number went unseen — trial 14).
func (e *Engine) reMenu(ctx context.Context, m Message, sess *session) ([]cases.Reply, error) {
	if sess.OrderID == "" {
		var b strings.Builder
		for i, o := range sess.Menu {
			fmt.Fprintf(&b, "%d. %s\n", i+1, intentName(o))
		}
		b.WriteString("0. 转人工")
		return e.answer(ctx, m, "menu", Data{Menu: b.String()})
	}
	// The number is the buyer's words too, should a person take over (menuAgain).
	sess.keepFirst(sess.MenuText)
	sess.keep(m.Text)
	return e.answer(ctx, m, "remedy_order", Data{OrderID: sess.OrderID})
}
