package intents

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSlotBytes caps how much of a message slot extraction scans; slot data sits near the
// start of any real message, and the cap bounds the work per call on hostile input.
const maxSlotBytes = 16 << 10

// Slots is the data a message carries besides its intent.
type Slots struct {
	OrderID string // first order-id-shaped number in the text ("" if none), whole: 拼多多's keeps its hyphen (260922-999000000000001)
	// MoreOrderIDs are further, different order ids in the same message ("退款 4705… 订单号: 4705…"), in order; unused entries "".
	MoreOrderIDs [3]string
	Platforms    [3]string // platforms the order id's shape suggests, most likely first: "douyin", "kuaishou", "taobao"; unused entries ""
	Phone        string    // mainland mobile, 11 digits starting 1[3-9]
	AmountFen    int64     // an amount of money mentioned (¥12.5, 12.5元, 12块5 …) in fen; 0 if none
	Tracking     string    // a courier tracking number (SF…, YT…, JT…, or a 10–20 digit number said to be a 快递单号), upper-case
	Reason       Reason    // why the buyer wants a remedy, "" if the text does not say
	Image        bool      // the text is or contains a picture placeholder such as "[图片]"
}

// any reports whether a slot other than Reason is filled.
func (s Slots) any() bool {
	return s.OrderID != "" || s.Phone != "" || s.AmountFen != 0 || s.Tracking != "" || s.Image
}

// ExtractSlots pulls the slot data out of text. It never fails: a slot it cannot find is
// left empty. Only the first 16 KB of text are read. Returned strings are substrings of
// text (digits and ASCII letters only), so they are valid UTF-8 whatever text is.
func ExtractSlots(text string) Slots {
	var t normText
	normalize(capText(text, maxClassifyBytes), &t)
	s, _ := extractSlots(text, &t)
	return s
}

// span is a byte range of the text that slot extraction consumed.
type span struct{ from, to int }

// spans records what slot extraction consumed, so slotOnly can tell whether anything else
// is left. Fixed size: a message with more slots than this is not slot-only anyway.
type spans struct {
	s [8]span
	n int
}

func (sp *spans) add(from, to int) {
	if sp.n < len(sp.s) {
		sp.s[sp.n] = span{from, to}
	}
	sp.n++ // past the capacity still counts, so overflow shows
}

// covers returns the end of the consumed span containing byte i, or -1.
func (sp *spans) covers(i int) int {
	for k := 0; k < sp.n && k < len(sp.s); k++ {
		if i >= sp.s[k].from && i < sp.s[k].to {
			return sp.s[k].to
		}
	}
	return -1
}

// capText cuts text to at most max bytes on a rune boundary.
func capText(text string, max int) string {
	if len(text) <= max {
		return text
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// extractSlots returns the slots of text and whether text is nothing but slot data (plus
// punctuation and filler such as "订单号是"): such a message answers the bot's pending question.
// t is text normalised, where the reason is looked for.
func extractSlots(text string, t *normText) (Slots, bool) {
	text = joinDigitGroups(capText(text, maxSlotBytes))
	var s Slots
	var used spans
	findImages(text, &s, &used)
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case isASCIIAlnum(c):
			j := i
			for j < len(text) && isASCIIAlnum(text[j]) {
				j++
			}
			// a decimal amount: "12.5元"
			if j+1 < len(text) && text[j] == '.' && isASCIIDigit(text[j+1]) && allDigits(text[i:j]) {
				k := j + 1
				for k < len(text) && isASCIIDigit(text[k]) {
					k++
				}
				if fen, end, ok := moneyAround(text, i, k); ok {
					setAmount(&s, &used, fen, i, end)
				}
				i = k
				continue
			}
			if k := pddEnd(text, i, j); k > 0 {
				// 拼多多's order_sn: the date, a hyphen, 15 digits (PLATFORMS.md), one id.
				addOrder(&s, text[i:k], [3]string{"pinduoduo"})
				used.add(i, k)
				i = k
				continue
			}
			classifyToken(text, i, j, &s, &used)
			i = j
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(text[i:])
			if cnDigit(r) >= 0 {
				j := i
				for j < len(text) {
					r2, sz := utf8.DecodeRuneInString(text[j:])
					if cnDigit(r2) < 0 {
						break
					}
					j += sz
				}
				if fen, end, ok := cnMoney(text, i, j); ok {
					setAmount(&s, &used, fen, i, end)
					i = end
					continue
				}
				i = j
				continue
			}
			i += size
		default:
			i++
		}
	}
	s.Reason = findReason(t)
	return s, s.any() && onlySlotData(text, &used)
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// joinDigitGroups writes an order number typed in groups ("4705 2884 6550 8532 862",
// "4705-2884-6550-8532-862") as one: three or more groups of 2–6 digits, one space or
// hyphen apart, 15–19 digits in all (the platforms' order-id lengths, PLATFORMS.md). A
// phone number in groups (11 digits) and amounts stay as they are. Text without such a
// run is returned as is, with no allocation.
func joinDigitGroups(text string) string {
	var b []byte
	last := 0
	for i := 0; i < len(text); {
		if !isASCIIDigit(text[i]) || i > 0 && (isASCIIAlnum(text[i-1]) || text[i-1] == '-') {
			i++
			continue
		}
		// A run of groups starting at i.
		end, digits, groups := i, 0, 0
		for k := i; ; {
			j := k
			for j < len(text) && isASCIIDigit(text[j]) {
				j++
			}
			if n := j - k; n < 2 || n > 6 {
				if groups == 0 {
					end = j
				}
				break
			}
			digits, groups, end = digits+(j-k), groups+1, j
			if j+1 < len(text) && (text[j] == ' ' || text[j] == '-') && isASCIIDigit(text[j+1]) {
				k = j + 1
				continue
			}
			break
		}
		if groups >= 3 && digits >= 15 && digits <= 19 && (end == len(text) || !isASCIIAlnum(text[end])) {
			if b == nil {
				b = make([]byte, 0, len(text))
			}
			b = append(b, text[last:i]...)
			for k := i; k < end; k++ {
				if isASCIIDigit(text[k]) {
					b = append(b, text[k])
				}
			}
			last = end
		}
		i = max(end, i+1)
	}
	if b == nil {
		return text
	}
	return string(append(b, text[last:]...))
}

func isASCIIAlnum(c byte) bool {
	return isASCIIDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// imagePlaceholders are what chat apps put in the text for a picture the buyer sent.
func imagePlaceholders() [9]string {
	return [9]string{"[图片]", "[照片]", "【图片】", "[image]", "[Image]", "[IMAGE]", "[img]", "[photo]", "[picture]"}
}

func findImages(text string, s *Slots, used *spans) {
	if strings.IndexByte(text, '[') < 0 && !strings.Contains(text, "【") {
		return
	}
	for _, p := range imagePlaceholders() {
		for from := 0; ; {
			k := strings.Index(text[from:], p)
			if k < 0 {
				break
			}
			s.Image = true
			used.add(from+k, from+k+len(p))
			from += k + len(p)
		}
	}
}

// keyword context kinds for a number: what the words just before it say it is.
const (
	ctxNone = iota
	ctxOrder
	ctxTracking
	ctxCourier // a bare courier word: names the number only when it follows at once
	ctxPhone
	ctxAccount // a bank account, card, tax or id number: no slot of ours
)

// contextBefore looks at the few characters before byte i and says what the nearest keyword
// calls the number that follows. The keyword ending nearest the number wins; on a tie the
// longer one ("快递单号" over "单号").
func contextBefore(text string, i int) int {
	from := i - 27 // nine CJK characters
	if from < 0 {
		from = 0
	}
	w := text[from:i]
	type kw struct {
		word string
		kind int
	}
	kws := [...]kw{
		{"订单号", ctxOrder}, {"订单编号", ctxOrder}, {"订单", ctxOrder}, {"单号", ctxOrder}, {"编号", ctxOrder},
		{"快递单号", ctxTracking}, {"运单号", ctxTracking}, {"物流单号", ctxTracking}, {"快递号", ctxTracking},
		{"运单", ctxCourier}, {"快递", ctxCourier}, {"物流号", ctxTracking}, {"顺丰", ctxCourier},
		{"中通", ctxCourier}, {"圆通", ctxCourier}, {"韵达", ctxCourier}, {"申通", ctxCourier},
		{"极兔", ctxCourier}, {"邮政", ctxCourier}, {"京东", ctxCourier}, {"德邦", ctxCourier},
		{"百世", ctxCourier}, {"EMS", ctxCourier}, {"ems", ctxCourier}, {"退货单号", ctxTracking},
		{"手机", ctxPhone}, {"电话", ctxPhone}, {"号码", ctxPhone}, {"联系方式", ctxPhone}, {"tel", ctxPhone},
		// invoice and payment details ("开户行 招商银行 账号5719…"): not an order
		{"账号", ctxAccount}, {"卡号", ctxAccount}, {"账户", ctxAccount}, {"税号", ctxAccount}, {"开户行", ctxAccount},
		{"身份证", ctxAccount}, {"信用代码", ctxAccount}, {"纳税人识别号", ctxAccount},
		// the bank's branch named before the account ("工行园区支行 1102…": it was taken for
		// the order, trial 26)
		{"支行", ctxAccount}, {"分行", ctxAccount}, {"银行", ctxAccount},
	}
	best, bestEnd, bestLen := ctxNone, -1, 0
	for _, k := range kws {
		p := strings.LastIndex(w, k.word)
		if p < 0 {
			continue
		}
		end := p + len(k.word)
		if end > bestEnd || (end == bestEnd && len(k.word) > bestLen) {
			best, bestEnd, bestLen = k.kind, end, len(k.word)
		}
	}
	if best == ctxNone {
		return ctxNone
	}
	// Only what lies between the keyword and the number: a separator, "是", a colon.
	between := w[bestEnd:]
	if utf8.RuneCountInString(between) > 4 {
		return ctxNone
	}
	// A bare courier word names the number only when the number follows at once
	// ("顺丰 SF…", "快递:7891…"); in "快递到哪了 4705…" the number is the order.
	if best == ctxCourier && utf8.RuneCountInString(strings.TrimSpace(between)) > 1 {
		return ctxNone
	}
	return best
}

// courierPrefix reports whether an upper- or lower-case letter prefix names a courier whose
// tracking numbers carry it (顺丰 SF, 圆通 YT, 极兔 JT, 京东 JD/JDV…, 中通 ZTO, 韵达 YD, 申通 STO,
// 德邦 DPK, 跨越 KYE, 宅急送 ZJS, 邮政 EMS).
func courierPrefix(p string) bool {
	if len(p) < 2 || len(p) > 4 {
		return false
	}
	var b [4]byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b[:len(p)]) {
	case "SF", "YT", "JT", "JD", "JDV", "JDVA", "JDVB", "JDVC", "JDX", "ZTO", "YD", "STO", "DPK", "KYE", "ZJS", "EMS", "YZ", "DD", "DB":
		return true
	}
	return false
}

// upper returns s upper-cased, without allocating when it already is.
func upper(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// classifyToken decides what the ASCII letter/digit run text[i:j] is.
func classifyToken(text string, i, j int, s *Slots, used *spans) {
	tok := text[i:j]
	letters := 0
	for letters < len(tok) && !isASCIIDigit(tok[letters]) {
		letters++
	}
	digits := tok[letters:]
	if letters > 0 {
		switch {
		case allDigits(digits) && len(digits) >= 9 && len(digits) <= 18 && courierPrefix(tok[:letters]):
			// SF1234567890123
		case len(tok) == 13 && letters == 2 && allDigits(tok[2:11]) && isASCIIUpperOrLower(tok[11]) && isASCIIUpperOrLower(tok[12]):
			// UPU format used by EMS and international post: EA123456789CN
		default:
			if strings.EqualFold(tok, "rmb") || strings.EqualFold(tok, "cny") {
				return // a currency word: moneyAround reads it
			}
			return
		}
		if s.Tracking == "" {
			s.Tracking = upper(tok)
		}
		used.add(i, j)
		return
	}
	if !allDigits(tok) {
		return // digits then letters: a model number or a code, not slot data
	}
	n := len(tok)
	if fen, end, ok := moneyAround(text, i, j); ok {
		setAmount(s, used, fen, i, end)
		return
	}
	ctx := contextBefore(text, i)
	switch {
	case ctx == ctxAccount:
		used.add(i, j) // the buyer's own account or tax number: words, not an order to look up
	case ctx != ctxOrder && ctx != ctxTracking && ctx != ctxCourier && n == 11 && isMobile(tok):
		if s.Phone == "" {
			s.Phone = tok
		}
		used.add(i, j)
	case ctx != ctxOrder && ctx != ctxTracking && ctx != ctxCourier && n == 13 && tok[:2] == "86" && isMobile(tok[2:]):
		if s.Phone == "" {
			s.Phone = tok[2:]
		}
		used.add(i, j)
	case (ctx == ctxTracking || ctx == ctxCourier && n <= 16) && n >= 10 && n <= 20:
		if s.Tracking == "" {
			s.Tracking = tok
		}
		used.add(i, j)
	case ctx != ctxOrder && inLink(text, i, j):
		// https://item.jd.com/100012345678.html, ?id=3612…: a product or page id, not
		// the buyer's order.
	case (n >= 15 && n <= 19) || n == 12 && tok[0] != '0' || (ctx == ctxOrder && n >= 8 && n <= 24):
		// 12 digits alone: 京东's order-id shape (PLATFORMS.md), and no phone (11) or
		// landline (a leading 0) — read as the order a buyer pastes when asked for it.
		addOrder(s, tok, platformsFor(n))
		used.add(i, j)
	}
}

// inLink reports whether the number text[i:j] sits inside a link: right after a path or
// query character, or right before a file extension.
func inLink(text string, i, j int) bool {
	if i > 0 && strings.IndexByte("/=.&?_", text[i-1]) >= 0 {
		return true
	}
	return j < len(text) && text[j] == '.' && j+1 < len(text) && isASCIIUpperOrLower(text[j+1])
}

// addOrder records an order id: the first as OrderID (with the platforms its shape
// suggests), further different ones in MoreOrderIDs while there is room.
func addOrder(s *Slots, id string, platforms [3]string) {
	if s.OrderID == "" {
		s.OrderID, s.Platforms = id, platforms
		return
	}
	if id == s.OrderID {
		return
	}
	for k := range s.MoreOrderIDs {
		switch s.MoreOrderIDs[k] {
		case id:
			return
		case "":
			s.MoreOrderIDs[k] = id
			return
		}
	}
}

// pddEnd returns the end of a 拼多多 order_sn whose 6-digit date is text[i:j]
// ("260922-999000000000001": date, hyphen, 15 digits, PLATFORMS.md), or 0 when there is none.
func pddEnd(text string, i, j int) int {
	if j-i != 6 || !allDigits(text[i:j]) || j >= len(text) || text[j] != '-' {
		return 0
	}
	k := j + 1
	for k < len(text) && isASCIIDigit(text[k]) {
		k++
	}
	if k-(j+1) != 15 || k < len(text) && isASCIIAlnum(text[k]) {
		return 0
	}
	return k
}

func isASCIIUpperOrLower(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// isMobile reports an 11-digit mainland mobile number: 1 then 3–9.
func isMobile(tok string) bool {
	return len(tok) == 11 && tok[0] == '1' && tok[1] >= '3' && tok[1] <= '9' && allDigits(tok)
}

// platformsFor ranks the platforms whose order ids have n digits (PLATFORMS.md): 抖店 19,
// 快手 15–16, 淘宝 tid usually 18–19 (older ones shorter). The shape only ranks; the shop's
// configured platform decides.
func platformsFor(n int) [3]string {
	switch n {
	case 19:
		return [3]string{"douyin", "taobao"}
	case 18:
		return [3]string{"taobao", "douyin"}
	case 17:
		return [3]string{"taobao"}
	case 15, 16:
		return [3]string{"kuaishou", "taobao"}
	}
	return [3]string{}
}

// setAmount records the first amount and marks its bytes consumed.
func setAmount(s *Slots, used *spans, fen int64, from, to int) {
	if s.AmountFen == 0 && fen > 0 {
		s.AmountFen = fen
	}
	used.add(from, to)
}

// moneyAround reads the Arabic number text[i:j] (digits, maybe one decimal part) as money
// when a currency sign or word sits right before it (¥ ￥ rmb) or a unit right after it
// (元 块 圆 rmb, with 万 / 多 allowed in between, and "块5" / "块5毛" continuing it). It
// returns the amount in fen and the end of what it consumed.
func moneyAround(text string, i, j int) (int64, int, bool) {
	num := text[i:j]
	before := strings.TrimRight(text[max(0, i-8):i], " ")
	signed := strings.HasSuffix(before, "¥") || strings.HasSuffix(before, "￥") ||
		hasSuffixFold(before, "rmb") || strings.HasSuffix(before, "$") || paidBack(before, text[j:], num)
	end := j
	rest := text[j:]
	mult := int64(1)
	if strings.HasPrefix(rest, "万") {
		mult = 10000
		rest = rest[len("万"):]
		end += len("万")
	}
	if strings.HasPrefix(rest, "多") {
		rest = rest[len("多"):]
		end += len("多")
	}
	rest2 := strings.TrimLeft(rest, " ")
	unit := ""
	for _, u := range [...]string{"元", "块", "圆", "rmb", "RMB", "毛", "角"} {
		if strings.HasPrefix(rest2, u) {
			unit = u
			break
		}
	}
	if unit == "" && !signed {
		return 0, 0, false
	}
	fen, ok := parseDecimalFen(num)
	if !ok {
		return 0, 0, false
	}
	fen *= mult
	if unit == "" {
		return fen, j, true
	}
	end += len(rest) - len(rest2) + len(unit)
	if unit == "毛" || unit == "角" {
		return fen / 10, end, true
	}
	if unit == "块" && !moneyBlock(text[end:]) {
		return 0, 0, false
	}
	// 12块5 / 12块5毛 / 12元5角: the part after the unit is jiao.
	after := text[end:]
	if len(after) > 0 && isASCIIDigit(after[0]) && (len(after) == 1 || !isASCIIDigit(after[1])) {
		fen += int64(after[0]-'0') * 10
		end++
		for _, u := range [...]string{"毛", "角"} {
			if strings.HasPrefix(text[end:], u) {
				end += len(u)
			}
		}
	} else if strings.HasPrefix(after, "钱") {
		end += len("钱")
	}
	return fen, end, true
}

// paidBack reports a bare number that a refund or compensation verb right before it makes
// money ("起码给我退40", "赔我30就行"): short, and not counting goods ("退2件").
func paidBack(before, after, num string) bool {
	if len(num) > 5 || !(strings.HasSuffix(before, "退") || strings.HasSuffix(before, "退我") ||
		strings.HasSuffix(before, "赔") || strings.HasSuffix(before, "赔我") || strings.HasSuffix(before, "返我") ||
		strings.HasSuffix(before, "补我")) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(after)
	return !strings.ContainsRune("件个双条只盒箱套瓶包袋斤次天号码单", r)
}

// moneyBlock reports whether the text after "N块" reads as money rather than a measure word
// ("两块蛋糕"): 块 is money when what follows is 钱/毛/a digit/a particle, or nothing.
func moneyBlock(after string) bool {
	if after == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(after)
	if r < 0x80 {
		return true
	}
	if cnDigit(r) >= 0 {
		return true
	}
	switch r {
	case '钱', '毛', '角', '的', '了', '吧', '呢', '啊', '呀', '哦', '吗', '嘛', '给', '都', '也', '还', '就', '太',
		'我', '你', '退', '差', '多', '左', '运', '，', '。', '！', '？', '、', '～':
		return true
	}
	return !unicode.Is(unicode.Han, r)
}

func hasSuffixFold(s, suf string) bool {
	return len(s) >= len(suf) && strings.EqualFold(s[len(s)-len(suf):], suf)
}

// parseDecimalFen parses "12", "12.5", "12.55" (extra decimals dropped) into fen. Numbers
// too large to be a shop amount are refused rather than overflowing.
func parseDecimalFen(s string) (int64, bool) {
	var yuan, frac int64
	k := 0
	for k < len(s) && s[k] != '.' {
		if k >= 10 {
			return 0, false
		}
		yuan = yuan*10 + int64(s[k]-'0')
		k++
	}
	if k < len(s) {
		d := s[k+1:]
		if len(d) > 0 {
			frac += int64(d[0]-'0') * 10
		}
		if len(d) > 1 {
			frac += int64(d[1] - '0')
		}
	}
	return yuan*100 + frac, true
}

// cnDigit returns the value of a Chinese numeral character, 10/100/1000/10000 for the
// units, or -1.
func cnDigit(r rune) int64 {
	switch r {
	case '零', '〇':
		return 0
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	case '万':
		return 10000
	}
	return -1
}

// parseCN reads a Chinese numeral ("二十", "一百二", "两千五", "十五", "三") as an integer.
// A trailing digit after a unit means one step down ("一百二" = 120).
func parseCN(s string) (int64, bool) {
	var total, section, digit, lastUnit int64
	seen := false
	for _, r := range s {
		v := cnDigit(r)
		switch {
		case v < 0:
			return 0, false
		case v < 10:
			digit = v
			seen = true
			lastUnit = 0
		case v == 10000:
			section += digit
			total += section * 10000
			section, digit, lastUnit = 0, 0, 10000
		default:
			if digit == 0 && !seen {
				digit = 1 // 十五 = 15
			}
			section += digit * v
			digit, lastUnit = 0, v
			seen = false
		}
	}
	if digit > 0 && lastUnit >= 100 {
		digit *= lastUnit / 10
	}
	return total + section + digit, true
}

// cnMoney reads a Chinese-numeral amount starting at text[i:j] ("二十块", "十块五", "三块五毛",
// "五毛", "一百二十元"): the numeral must be followed by a money unit.
func cnMoney(text string, i, j int) (int64, int, bool) {
	yuan, ok := parseCN(text[i:j])
	if !ok {
		return 0, 0, false
	}
	rest := text[j:]
	end := j
	if strings.HasPrefix(rest, "多") {
		rest = rest[len("多"):]
		end += len("多")
	}
	var unit string
	for _, u := range [...]string{"块钱", "元钱", "块", "元", "毛钱", "毛", "角"} {
		if strings.HasPrefix(rest, u) {
			unit = u
			break
		}
	}
	if unit == "" {
		return 0, 0, false
	}
	end += len(unit)
	if unit == "毛" || unit == "毛钱" || unit == "角" {
		return yuan * 10, end, yuan > 0
	}
	if unit == "块" && !moneyBlock(text[end:]) {
		return 0, 0, false
	}
	fen := yuan * 100
	// 十块五 / 三块五毛: one more numeral is jiao.
	if r, sz := utf8.DecodeRuneInString(text[end:]); sz > 0 {
		if d := cnDigit(r); d >= 1 && d <= 9 {
			fen += d * 10
			end += sz
			for _, u := range [...]string{"毛", "角"} {
				if strings.HasPrefix(text[end:], u) {
					end += len(u)
				}
			}
		}
	}
	return fen, end, fen > 0
}

// fillers are the words that may surround slot data in a slot-only message ("订单号是：…",
// "这是快递单号 …", "手机 …", "给你图片").
func fillers() [73]string {
	return [73]string{
		// orders presented, nothing asked of them yet ("我有两单 4705… 3856…"); it got the
		// FAQ's "两个订单可以合并发货" (trial)
		"这两个订单", "两个订单", "这两单", "两个单", "我有两单", "两单", "几单", "我有",
		// in English ("order 2306…" got the wholesale answer — trial 30)
		"order", "Order", "ORDER", "number", "No.", "no.", "my", "My", "here", "is",
		"快递单号", "物流单号", "退货单号", "订单编号", "联系电话", "联系方式", "订单号", "运单号", "快递号",
		"手机号", "电话号", "单号", "订单", "快递", "手机", "电话", "号码", "编号", "图片", "照片",
		"顺丰", "中通", "圆通", "韵达", "申通", "极兔", "邮政", "京东", "德邦", "这是", "我的", "是",
		// a hello before the number says no more than the number ("你好 我的订单4705…")
		"你好", "您好", "在吗", "老板", "客服", "哈喽",
		"亲", "给你", "发你", "您", "看", "如下",
		// an OK before it answers the merchant's "麻烦发下订单号" ("好滴 2306…"): it got
		// "有需要随时说" and the merchant never heard (trial 24)
		"好滴", "好的", "好嘞", "好", "嗯嗯", "嗯", "ok", "OK", "行", "喏", "呐",
	}
}

// onlySlotData reports whether everything in text outside the consumed spans is
// punctuation, space, symbols or filler words.
func onlySlotData(text string, used *spans) bool {
	if used.n > len(used.s) {
		return false
	}
	fs := fillers()
	for i := 0; i < len(text); {
		if end := used.covers(i); end >= 0 {
			i = end
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 {
			i++
			continue
		}
		if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) || r == 0xFE0F || r == 0x200D {
			i += size
			continue
		}
		matched := false
		for _, f := range fs {
			if strings.HasPrefix(text[i:], f) {
				i += len(f)
				matched = true
				break
			}
		}
		if !matched {
			if r == ':' || unicode.IsControl(r) {
				i += size
				continue
			}
			return false
		}
	}
	return true
}

// findReason returns the reason of the first lexicon phrase t contains, in lexicon order.
func findReason(t *normText) Reason {
	lx := lexicon()
	for k := range lx.reasons {
		if t.find(&lx.reasons[k].pattern, 0) >= 0 {
			return lx.reasons[k].reason
		}
	}
	return ""
}

// minSpokenDigits is the shortest run of Chinese digits read as a number said aloud: no
// word of buyer Chinese strings eight of them together, while an order, tracking or phone
// number spoken into voice input comes out so ("订单号是二一五六七八九零…").
const minSpokenDigits = 8

// SpokenDigits writes each run of at least minSpokenDigits Chinese digits in text
// (零〇一二三四五六七八九, and 幺 for 1 as numbers are read aloud; single spaces between
// groups kept) as ASCII digits, so a
// number given by voice input is the number; shorter runs ("一二三", "十一") are left as
// words. Text without such a run is returned as it is.
func SpokenDigits(text string) string {
	digit := func(r rune) (byte, bool) {
		switch r {
		case '零', '〇':
			return '0', true
		case '一', '幺':
			return '1', true
		case '二':
			return '2', true
		case '三':
			return '3', true
		case '四':
			return '4', true
		case '五':
			return '5', true
		case '六':
			return '6', true
		case '七':
			return '7', true
		case '八':
			return '8', true
		case '九':
			return '9', true
		}
		return 0, false
	}
	rs := []rune(text)
	var b strings.Builder
	changed := false
	for i := 0; i < len(rs); {
		j, n := i, 0
		for j < len(rs) {
			if _, ok := digit(rs[j]); ok {
				j, n = j+1, n+1
				continue
			}
			// Spoken in groups ("四七零五 二八八四 …"): one space between digits stays inside
			// the run, and stays a space, as typed groups of digits are read.
			if rs[j] == ' ' && n > 0 && j+1 < len(rs) {
				if _, ok := digit(rs[j+1]); ok {
					j++
					continue
				}
			}
			break
		}
		if n >= minSpokenDigits {
			for _, r := range rs[i:j] {
				if d, ok := digit(r); ok {
					b.WriteByte(d)
				} else {
					b.WriteRune(r)
				}
			}
			changed = true
			i = j
			continue
		}
		if j == i {
			j = i + 1
		}
		b.WriteString(string(rs[i:j]))
		i = j
	}
	if !changed {
		return text
	}
	return b.String()
}
