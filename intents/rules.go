package intents

// The rule layer covers what a bag of n-grams cannot weigh: that an escalation threat wins
// over every other label (DESIGN.md) unless it is negated ("不会给差评"); that withdrawing a
// request is cancel whatever request it names ("退款申请我撤了"); that 取消订单 is a refund;
// that a remedy asked in so many words wins over the grievance around it; and that a refund
// reading whose goods go back (退货, 寄回) is a return.

// applyRules returns the label a rule decides for t, and false when no rule applies;
// model is the model's own reading of t, which one boundary rule corrects.
func applyRules(t *normText, model Label) (Label, bool) {
	lx := lexicon()
	if retracts(t, lx) {
		return Cancel, true // "我没申请退款啊 别给我退": the denial ends in a withdrawal
	}
	if denies(t, lx) {
		return Other, true // not a request, not a withdrawal: the merchant reads it
	}
	if withdrawsThreat(t, lx) {
		return Cancel, true // "投诉那个算了 不用了": the complaint taken back
	}
	if moneyArrived(t, lx) || goodsArrived(t, lx) {
		// "收到退款了 👌", "收到补发的了 谢谢": thanks for it, not the remedy asked again (trials)
		return Greeting, true
	}
	if anyUnnegated(t, lx, lx.postpones) {
		return Other, true // "先别急着退 …是不是正品": the question first, no request yet
	}
	threat, reviewBack := threatens(t, lx)
	if threat {
		return Complaint, true
	}
	if reviewBack {
		return Other, true // "差评我已经改成好评了 返现呢": the review taken back, a question left
	}
	if refusesForAccount(t) {
		// "我不要你们退钱 我就是要个说法": the money turned down, an answer demanded — a
		// complaint (a refund opened on it).
		return Complaint, true
	}
	if readsReviews(t, lx) {
		return Other, true // "看评论好多人投诉…是真的吗 我还没买": weighing a purchase, no grievance of theirs
	}
	if anyUnnegated(t, lx, lx.cancelsOrd) {
		return Refund, true
	}
	if priceProtection(t, lx) {
		return Refund, true // 价保: the difference back (DESIGN.md, refund: 退差价)
	}
	if anyUnnegated(t, lx, lx.priceProtect) && anyUnnegated(t, lx, lx.priceBefore) && !anyUnnegated(t, lx, lx.priceDrop) {
		// "顺丰可以吗 补差价", "定制尺寸要补差价吗": the buyer paying more, or the policy
		// asked before buying — no money owed back (it asked "您是要申请价保退差价吗").
		return Other, true
	}
	if anyUnnegated(t, lx, lx.refundReq) {
		if anyUnnegated(t, lx, lx.sendsBack) {
			return Return, true // "退掉吧 我寄回": the goods go back
		}
		return Refund, true
	}
	if anyUnnegated(t, lx, lx.returnReq) {
		return Return, true
	}
	if anyUnnegated(t, lx, lx.exchangeReq) {
		return Exchange, true
	}
	if model != Exchange && anyUnnegated(t, lx, lx.sizeSwaps) && findReason(t) == ReasonSize && !anyUnnegated(t, lx, lx.contacts) {
		// "XL的有点大了想换成L的": the size is wrong and another asked for — an exchange, which
		// the model misses when the words around it are chat.
		return Exchange, true
	}
	if model == Exchange && anyUnnegated(t, lx, lx.contacts) {
		// 换 of a phone number or an address changes where the parcel goes (DESIGN.md:
		// change address is logistics), not the goods.
		return Logistics, true
	}
	if model == Refund && anyUnnegated(t, lx, lx.sendsBack) {
		// DESIGN's boundary: money only is a refund; the goods going back (退货, 寄回) is a
		// return, whatever weight the model gave the money words.
		return Return, true
	}
	return "", false
}

// denies reports a buyer saying they never asked for an after-sale step: "我没申请退款啊",
// "我没有取消订单", "不是我要换货的". Such a message names a request only to deny it, so it
// opens none and withdraws none. The buyer must be the subject: "订单没取消" is a state, and
// "我还没申请退款" (not yet) is about to ask.
func denies(t *normText, lx *lexiconTables) bool {
	const reach = 6 // runes from the verb to what it governs: "申请这个退款"
	for k := range lx.denials {
		p := &lx.denials[k]
		for i := t.find(p, 0); i >= 0; i = t.find(p, i+len(p.r)) {
			if p.r[0] != '不' && p.r[0] != '并' && !firstPerson(t, i) {
				continue // "订单没取消" is the order's state, "我没取消" the buyer's denial
			}
			if p.r[0] == '不' && i > 0 && t.r[i-1] == '是' {
				continue // "是不是要退款": a question, no denial
			}
			// From the verb's last two runes on: in "没取消" the object is the verb itself.
			for j := i + len(p.r) - 2; j < t.n && j <= i+len(p.r)+reach && !isClauseEnd(t.r[j]); j++ {
				if anyAt(t, j, lx.denialObjs) {
					if notWanting(t, i) && (correctsTo(t, lx, j+1) || rhetorical(t, j)) {
						// "不是要退货 是要换货": the request corrected, not denied; "不是要
						// 退款吗": asked back, expecting it.
						break
					}
					return true
				}
			}
		}
	}
	return false
}

// correctsTo reports another request named from rune i on ("不是要退货 是要换货", "不是想退
// 我要换"): the denial before it corrects the request rather than denies one.
func correctsTo(t *normText, lx *lexiconTables, i int) bool {
	for j := i; j < t.n; j++ {
		if isClauseEnd(t.r[j]) {
			if t.hasAt(j+1, "就问") || t.hasAt(j+1, "只是问") || t.hasAt(j+1, "问问") || t.hasAt(j+1, "问一下") || t.hasAt(j+1, "问下") {
				return false // "我不是要退款 就问问 退货运费多少": a question follows
			}
			for k := j + 1; k < t.n; k++ {
				if anyAt(t, k, lx.denialObjs) && !negatedAt(t, lx, k) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// notWanting reports "不是要", "不是想", "不是说要" or "并不是要" at rune i: the buyer says what
// they do not want, which a correction or a question may follow.
func notWanting(t *normText, i int) bool {
	return t.hasAt(i, "不是要") || t.hasAt(i, "不是想") || t.hasAt(i, "不是说要") || t.hasAt(i, "并不是要")
}

// rhetorical reports the clause holding rune i closing with 吗, 嘛 or a question mark:
// "不是要退款吗" asks back, expecting the refund.
func rhetorical(t *normText, i int) bool {
	j := i
	for j < t.n && !isClauseEnd(t.r[j]) {
		j++
	}
	if j < t.n && t.r[j] == '?' {
		return true
	}
	return j > 0 && (t.r[j-1] == '吗' || t.r[j-1] == '嘛')
}

// firstPerson reports 我 just before rune i in its clause, with only a softener between
// ("我没", "我都没", "我根本没有", "我从来没"), and no 还 ("我还没申请": not yet).
func firstPerson(t *normText, i int) bool {
	for j := i - 1; j >= 0 && j >= i-4; j-- {
		switch r := t.r[j]; {
		case r == '我':
			return true
		case r == '还' || isClauseEnd(r):
			return false
		}
	}
	return false
}

// retracts reports a buyer withdrawing their own after-sale request or complaint:
// "撤销申请", "退款申请我撤了", "取消退货", "投诉撤回". "消息撤回了" is a recalled chat message.
func retracts(t *normText, lx *lexiconTables) bool {
	for k := range lx.retractV {
		p := &lx.retractV[k]
		if i := t.find(p, 0); i >= 0 && !negatedAt(t, lx, i) && !(i >= 2 && (t.hasAt(i-2, "消息") || t.hasAt(i-2, "信息"))) {
			return true
		}
	}
	return anyUnnegated(t, lx, lx.retractP) || cancelsRequest(t, lx)
}

// cancelsRequest reports 取消 followed, within its clause and a few characters, by the
// request it withdraws: "取消一下我的退款申请", "帮我取消我的申请". An order named first
// ("取消订单退款", "取消这单的退款") is the order being cancelled: a refund, not this.
func cancelsRequest(t *normText, lx *lexiconTables) bool {
	const reach = 6 // runes after 取消: "一下我的退款"
	for i := t.find(&lx.cancelVerb, 0); i >= 0; i = t.find(&lx.cancelVerb, i+2) {
		if negatedAt(t, lx, i) {
			continue
		}
		for j := i + 2; j < t.n && j <= i+2+reach && !isClauseEnd(t.r[j]) && !anyAt(t, j, lx.orderWords); j++ {
			if anyAt(t, j, lx.cancelled) {
				return true
			}
		}
	}
	return false
}

// refusesForAccount reports a remedy turned down and an answer demanded ("我不要你们退钱
// 我就是要个说法").
func refusesForAccount(t *normText) bool {
	lx := lexicon()
	return anyUnnegated(t, lx, lx.accountDemands) && anyIn(t, lx.remedyRefusals)
}

// anyIn reports whether one of ps occurs anywhere in t, negated or not.
func anyIn(t *normText, ps []pattern) bool {
	for k := range ps {
		if t.find(&ps[k], 0) >= 0 {
			return true
		}
	}
	return false
}

// anyUnnegated reports whether one of ps occurs in t without a negation before it.
func anyUnnegated(t *normText, lx *lexiconTables, ps []pattern) bool {
	for k := range ps {
		if i := t.find(&ps[k], 0); i >= 0 && !negatedAt(t, lx, i) {
			return true
		}
	}
	return false
}

// withdrawsThreat reports a threat word a few runes before words that drop it ("投诉那个
// 算了", "投诉的事不用了"): the buyer's complaint taken back, not "投诉算了" said as a
// grievance ("…就算了" right after the word is futility, not a withdrawal).
func withdrawsThreat(t *normText, lx *lexiconTables) bool {
	for k := range lx.threats {
		p := &lx.threats[k]
		for i := t.find(p, 0); i >= 0; i = t.find(p, i+len(p.r)) {
			end := i + len(p.r)
			for j := end + 1; j < t.n && j <= end+dropGap && !isClauseEnd(t.r[j-1]); j++ {
				if anyAt(t, j, lx.dropped) {
					return true
				}
			}
		}
	}
	return false
}

// threatens reports an escalation threat that is not negated. Every occurrence counts:
// "不会给差评的 但再不发货就投诉" threatens. reviewBack reports, when there is no threat, a
// threat word followed by the review taken back ("差评我已经改成好评了"): read in the same
// pass, as the classifier's hot path reads the threat words once.
func threatens(t *normText, lx *lexiconTables) (threat, reviewBack bool) {
	for i := range t.n {
		if t.r[i] == runeConsumer && !negatedAt(t, lx, i) {
			return true, false
		}
	}
	for k := range lx.threats {
		p := &lx.threats[k]
		for i := t.find(p, 0); i >= 0; i = t.find(p, i+len(p.r)) {
			if reviewTakenBack(t, lx, i+len(p.r)) {
				reviewBack = true
				continue
			}
			if !negatedAt(t, lx, i) && !droppedAfter(t, lx, i+len(p.r)) && !aboutOthers(t, lx, i, len(p.r)) {
				// ("投诉也没用", "差评就不给了": giving the threat up, said after it.)
				return true, false
			}
		}
	}
	return false, reviewBack
}

// dropGap is how many runes may stand between a threat word and the words that drop it
// ("投诉那个算了", "差评的事就不给了").
const dropGap = 3

// droppedAfter reports words giving a threat up ("也没用", "就算了") at rune i, or a few
// runes on within the clause.
func droppedAfter(t *normText, lx *lexiconTables, i int) bool {
	for j := i; j < t.n && j <= i+dropGap; j++ {
		if j > i && isClauseEnd(t.r[j-1]) {
			return false
		}
		if anyAt(t, j, lx.futility) || j > i && anyAt(t, j, lx.dropped) {
			return true
		}
	}
	return false
}

// reviewTakenBack reports a bad review said to be changed or deleted at rune i, or a few
// runes on within the clause ("差评我已经改成好评了").
func reviewTakenBack(t *normText, lx *lexiconTables, i int) bool {
	for j := i + 1; j < t.n && j <= i+dropGap; j++ {
		if isClauseEnd(t.r[j-1]) {
			return false
		}
		if anyAt(t, j, lx.reviewBack) {
			return true
		}
	}
	return false
}

// aboutOthers reports whether the threat word of n runes at rune i tells of others' reviews
// or complaints rather than threatening one: right after a word such as 看到, 有, 说 (in
// the same clause), or right before 多, 率, 说 ("看到有差评", "朋友买了说差评来着", "差评多
// 吗", "有人投诉过吗" — a buyer weighing a purchase, read as an urgent complaint).
func aboutOthers(t *normText, lx *lexiconTables, i, n int) bool {
	if anyAt(t, i+n, lx.aboutAfter) {
		return true
	}
	for k := range lx.aboutOthers {
		p := &lx.aboutOthers[k]
		if j := i - len(p.r); j >= 0 && t.at(j, p) {
			return true
		}
	}
	return false
}

// NamesRemedy reports whether text names an after-sale remedy in so many words (退, 换,
// 修, 赔, 补发, 重发 …).
func NamesRemedy(text string) bool {
	var t normText
	normalize(capText(text, maxClassifyBytes), &t)
	return namesRemedy(&t)
}

// namesRemedy reports whether t names an after-sale remedy in so many words (退, 换, 修,
// 赔, 补发, 重发): a request read without one is the model's guess from other words.
func namesRemedy(t *normText) bool {
	for i := range t.n {
		switch t.r[i] {
		case '退', '换', '修', '赔':
			if !notRemedyWord(t, i) {
				return true
			}
		}
	}
	lx := lexicon()
	for k := range lx.remedyWords {
		if t.find(&lx.remedyWords[k], 0) >= 0 {
			return true
		}
	}
	return false
}

// notRemedyWord reports the remedy character at rune i as part of a word that names no
// remedy: 退休 ("我是一名退休教师"), 退烧, 装修, 修改, 修身, 换季.
func notRemedyWord(t *normText, i int) bool {
	next, prev := rune(0), rune(0)
	if i+1 < t.n {
		next = t.r[i+1]
	}
	if i > 0 {
		prev = t.r[i-1]
	}
	switch t.r[i] {
	case '退':
		return next == '休' || next == '烧'
	case '修':
		return prev == '装' || next == '改' || next == '身'
	case '换':
		return next == '季'
	}
	return false
}

// grieves reports a grievance against the shop or its service, or harm the goods did to
// the buyer, in t, not negated.
func grieves(t *normText) bool {
	lx := lexicon()
	return anyUnnegated(t, lx, lx.grievances) || anyUnnegated(t, lx, lx.harms)
}

// Grieves reports whether text holds a grievance against the shop or its service ("什么
// 破店", "客服不理人"), as Result.Grievance reads it, for callers holding only the text.
func Grieves(text string) bool {
	var t normText
	normalize(capText(text, maxClassifyBytes), &t)
	t.markNegation()
	return grieves(&t)
}

// Harms reports harm the goods did to the buyer's health or safety in text ("孩子吃了拉
// 肚子 在医院", "脸又痒又疼"), not negated: told first, before any remedy.
func Harms(text string) bool {
	var t normText
	normalize(capText(text, maxClassifyBytes), &t)
	t.markNegation()
	lx := lexicon()
	return anyUnnegated(&t, lx, lx.harms) || anyUnnegated(&t, lx, lx.bodyHarms)
}

// Denies reports a buyer saying they never asked for an after-sale step in text ("我没申
// 请过退款", "不是我要换货的"): no request, and no withdrawal of one.
func Denies(text string) bool {
	var t normText
	normalize(capText(text, maxClassifyBytes), &t)
	return denies(&t, lexicon())
}

// anyAt reports whether one of ps starts at rune i of t.
func anyAt(t *normText, i int, ps []pattern) bool {
	for k := range ps {
		if t.at(i, &ps[k]) {
			return true
		}
	}
	return false
}

// negatedAt reports whether the word at rune i is negated by what comes just before it in
// the same clause: "不会投诉", "不给差评", "没有举报", "不投诉了". "不然投诉", "要不我投诉" and
// "别逼我投诉" are threats, not negations.
func negatedAt(t *normText, lx *lexiconTables, i int) bool {
	from := max(0, i-6)
	for j := i - 1; j >= from; j-- {
		// 就 ends a condition as a clause end does: "不给退我就给差评", "不换就退" do what
		// follows it; a negator after it still counts ("差评就不给了").
		if isClauseEnd(t.r[j]) || t.r[j] == '就' {
			from = j + 1
			break
		}
	}
	for j := from; j < i; j++ {
		if t.r[j] == '不' && j > 0 && j+1 < t.n && t.r[j-1] == t.r[j+1] {
			continue // 是不是, 会不会: a question (A不A), no negation ("是不是骗人的")
		}
		for k := range lx.negators {
			p := &lx.negators[k]
			if t.r[j] == p.r[0] && j+len(p.r) <= i && t.at(j, p) {
				return true
			}
		}
	}
	if i > from && (t.r[i-1] == '不' || t.r[i-1] == '没' || t.r[i-1] == '别') {
		return !(i-2 >= from && t.r[i-2] == '要')
	}
	return false
}

// priceProtection reports a 价保 request on goods bought: 价保, 保价 or 差价 with the price
// fallen ("这单降了80元 可以价保吗") or asked for ("我要保价", "申请价保"), and nothing of
// buying later or of the policy ("买了以后降价能保价吗", "价保几天") or of insured shipping
// ("保价吗 贵重的我怕丢").
func priceProtection(t *normText, lx *lexiconTables) bool {
	return anyUnnegated(t, lx, lx.priceProtect) && (anyUnnegated(t, lx, lx.priceDrop) || anyUnnegated(t, lx, lx.priceAsk)) &&
		!anyUnnegated(t, lx, lx.priceBefore)
}

// moneyArrived reports a buyer saying the refund came ("退款收到了 谢谢", "钱到账了"), with
// no question or problem around it ("到账了吗", "怎么只退了一半"): an OK to thank for.
func moneyArrived(t *normText, lx *lexiconTables) bool {
	if !anyUnnegated(t, lx, lx.moneyCame) {
		return false
	}
	for k := range lx.moneyDoubt {
		if t.find(&lx.moneyDoubt[k], 0) >= 0 {
			return false
		}
	}
	return true
}

// goodsArrived reports a buyer saying the replacement or reshipped goods came ("收到补发
// 的了 谢谢", "换的新的到了"), with no question or problem with them ("补发的又是坏的",
// "新的到了吗"): an OK to thank for.
func goodsArrived(t *normText, lx *lexiconTables) bool {
	if !anyUnnegated(t, lx, lx.goodsCame) {
		return false
	}
	for _, doubts := range [][]pattern{lx.moneyDoubt, lx.goodsDoubt} {
		for k := range doubts {
			if t.find(&doubts[k], 0) >= 0 {
				return false
			}
		}
	}
	return true
}

// readsReviews reports a buyer telling what other buyers' reviews say ("看评论好多人投诉你
// 们家四件套有味道 是真的吗", "评论里好几个人说收到是坏的"), with nothing of their own goods:
// a question before buying — no complaint, no apology, no urgent alert (trial).
func readsReviews(t *normText, lx *lexiconTables) bool {
	hit := false
	for k := range lx.reviews {
		if t.find(&lx.reviews[k], 0) >= 0 {
			hit = true
			break
		}
	}
	if !hit {
		return false
	}
	for k := range lx.ownGoods {
		if t.find(&lx.ownGoods[k], 0) >= 0 {
			return false
		}
	}
	return true
}
