package intents

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRunes caps how much of a message is classified: buyers state their intent early, and
// the cap bounds the work of one Classify call whatever the input size.
const maxRunes = 192

// Placeholder runes stand for classes of tokens, so the model learns "a long number" or
// "12315" once rather than every spelling of it. They sit in the private-use area, which
// buyer text practically never contains (and normalize folds any it does contain).
const (
	runeBOS      = '\uE000' // start of text
	runeEOS      = '\uE001' // end of text
	runeShort    = '\uE003' // a run of 1–5 digits (with decimals): a count, price, size
	runeConsumer = '\uE004' // 12315 / 315, the consumer-rights hotline: an escalation
	runeSep      = ','      // any clause separator: comma, full stop, space, bracket …
)

// normText is a message after normalisation: folded runes plus, for each, whether it lies
// inside a negation scope ("不是要退款" marks 要退款). Classify keeps it on the stack.
type normText struct {
	r   [maxRunes]rune
	neg [maxRunes]bool
	n   int
	sig uint64 // runeBit of every rune in r[:n], see lexicon.go
}

// tradStart and tradLen bound the CJK block the traditional→simplified table covers.
const (
	tradStart = 0x4E00
	tradLen   = 0xA000 - 0x4E00
)

// tradTable is the traditional → simplified table: trad.txt, generated from OpenCC's
// t2s dictionary (internal/gentrad; about 2,800 characters), one pair a line. Buyers in
// Taiwan/HK, or with a traditional input method, write 退貨/換貨/台灣; folding them lets
// the simplified corpus, and the conversation's word tests, cover them.
//
//go:embed trad.txt
var tradTable string

// tradOverrides are pairs read otherwise than OpenCC's first choice: 帳 as 账 (bills and
// accounts, 账单/账号, as buyers write them), not 帐.
const tradOverrides = "帳账"

// buildTrad turns the table and its overrides into a dense lookup: entry i holds the
// simplified rune for tradStart+i, or 0 when the rune is not folded. Dense so the lookup
// is one index per rune.
func buildTrad() []rune {
	t := make([]rune, tradLen)
	set := func(from, to rune) {
		if from >= tradStart && from < tradStart+tradLen && from != to {
			t[from-tradStart] = to
		}
	}
	for _, line := range strings.Split(tradTable, "\n") {
		if r := []rune(line); len(r) == 2 && !strings.HasPrefix(line, "#") {
			set(r[0], r[1])
		}
	}
	o := []rune(tradOverrides)
	for i := 0; i+1 < len(o); i += 2 {
		set(o[i], o[i+1])
	}
	return t
}

// wordKey packs up to 8 lower-case ASCII letters into an integer so shortcut lookups compare
// integers instead of building strings (Classify must not allocate).
func wordKey(w []rune) uint64 {
	if len(w) > 8 {
		return 0
	}
	var k uint64
	for _, r := range w {
		k = k<<8 | uint64(r)
	}
	return k
}

// key is wordKey for a constant word.
func key(s string) uint64 {
	var k uint64
	for i := 0; i < len(s); i++ {
		k = k<<8 | uint64(s[i])
	}
	return k
}

// shortcutFor returns the Chinese that a standalone ASCII word abbreviates, or "" when the
// word is kept as it is. Only whole words: "tk" alone is 退款, inside "tiktok" it is not.
// Every replacement is no longer than the word, so it can overwrite it in place.
func shortcutFor(k uint64) string {
	switch k {
	case key("tk"), key("tuikuan"), key("refund"):
		return "退款"
	case key("th"), key("tuihuo"):
		return "退货"
	case key("hh"), key("huanhuo"):
		return "换货"
	case key("kf"), key("kefu"):
		return "客服"
	case key("rg"), key("rengong"), key("human"):
		return "人工"
	case key("zrg"):
		return "转人工"
	case key("wl"), key("wuliu"):
		return "物流"
	case key("kd"), key("kuaidi"):
		return "快递"
	case key("fh"), key("fahuo"):
		return "发货"
	case key("sh"), key("shouhou"):
		return "售后"
	case key("thx"), key("thanks"), key("thank"), key("xx"), key("3q"), key("ty"):
		return "谢谢"
	case key("hi"), key("hello"), key("nihao"):
		return "你好"
	case key("ok"), key("okk"), key("okay"), key("hao"):
		return "好的"
	case key("return"):
		return "退货"
	case key("tousu"):
		return "投诉"
	case key("bb"):
		return "宝宝"
	// Plain English from buyers who write it ("my lamp arrived broken, I want a refund"):
	// the words that carry the request, in the Chinese the model knows.
	case key("i"):
		return "我"
	case key("my"):
		return "我的"
	case key("want"):
		return "要"
	case key("please"), key("pls"), key("plz"):
		return "请"
	case key("broken"), key("broke"):
		return "坏了"
	case key("damaged"):
		return "破损"
	case key("cracked"):
		return "裂了"
	case key("exchange"):
		return "换货"
	case key("repair"), key("fix"):
		return "修"
	case key("cancel"):
		return "取消"
	case key("package"), key("parcel"):
		return "包裹"
	case key("tracking"):
		return "物流"
	case key("arrived"):
		return "到了"
	case key("received"):
		return "收到"
	case key("missing"):
		return "少了"
	case key("wrong"):
		return "错"
	case key("dont"), key("not"):
		return "不"
	case key("robot"), key("bot"):
		return "机器人"
	case key("complain"):
		return "投诉"
	}
	return ""
}

// isSepRune reports runes that end a clause for the model's purposes.
func isSepRune(r rune) bool {
	switch r {
	case ',', '.', ';', ':', ' ', '\t', '\n', '\r', '、', '。', '，', '；', '：', '…', '~', '～',
		'(', ')', '[', ']', '{', '}', '【', '】', '《', '》', '「', '」', '『', '』', '"', '\'',
		'“', '”', '‘', '’', '/', '\\', '|', '-', '_', '*', '#', '=', '+', '<', '>', '·', '—':
		return true
	}
	return unicode.IsSpace(r)
}

// fold maps one input rune to its normalised form: full-width ASCII to half-width,
// lower-case, traditional to simplified, clause punctuation to one separator, '?'/'!' kept.
func fold(r rune, trad []rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	case r >= tradStart && r < tradStart+tradLen:
		if s := trad[r-tradStart]; s != 0 {
			return s
		}
		return r
	case r >= 0xE000 && r <= 0xF8FF:
		return runeSep // private use: would collide with our placeholders
	}
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	switch r {
	case '?', '？':
		return '?'
	case '!', '！':
		return '!'
	}
	if isSepRune(r) {
		return runeSep
	}
	if unicode.IsControl(r) {
		return runeSep
	}
	return r
}

// isDigit reports ASCII and full-width digits.
func isDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= '０' && r <= '９')
}

// normalize fills t from text. It reads only as much of text as yields maxRunes output
// runes (plus one digit run), so its cost is bounded on any input.
func normalize(text string, t *normText) {
	trad := lexicon().trad
	t.n = 0
	digits := 0       // length of the current digit run
	digitVal := 0     // value of the current run while short, to spot 315 / 12315
	letterStart := -1 // index in t.r where the current ASCII word began
	flushDigits := func() {
		if digits == 0 {
			return
		}
		p := runeShort
		switch {
		case digitVal == 12315 && digits == 5, digitVal == 315 && digits == 3:
			p = runeConsumer
		case digits >= 6:
			// An order id, phone or tracking number is a slot, not a word of the request:
			// left in, the many bare ids buyers paste taught the model that a long number
			// means "other", and "换货 4705…" read as other.
			digits, digitVal = 0, 0
			return
		}
		t.push(p)
		digits, digitVal = 0, 0
	}
	flushLetters := func() {
		if letterStart < 0 {
			return
		}
		w := t.r[letterStart:t.n]
		if s := shortcutFor(wordKey(w)); s != "" {
			t.n = letterStart
			for _, r := range s {
				t.push(r)
			}
		}
		letterStart = -1
	}
	for i := 0; i < len(text) && t.n < maxRunes; {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			continue
		}
		if isDigit(r) {
			flushLetters()
			if digits < 32 {
				digits++
			}
			if digitVal < 1e6 {
				d := int(r - '0')
				if r >= '０' {
					d = int(r - '０')
				}
				digitVal = digitVal*10 + d
			}
			continue
		}
		if digits > 0 && r == '.' && i < len(text) && text[i] >= '0' && text[i] <= '9' {
			digitVal = 1e6 // a decimal is never 315
			continue
		}
		flushDigits()
		r = fold(r, trad)
		if r >= 'a' && r <= 'z' {
			if letterStart < 0 {
				letterStart = t.n
			}
			t.push(r)
			continue
		}
		flushLetters()
		t.push(r)
	}
	flushDigits()
	flushLetters()
	t.trimSeps()
	t.sign()
	t.fixTypos()
}

// push appends r unless it would repeat a separator or make a third identical rune in a
// row ("？？？" and "啊啊啊啊" carry no more meaning than two).
func (t *normText) push(r rune) {
	if t.n >= maxRunes {
		return
	}
	if t.n > 0 {
		prev := t.r[t.n-1]
		if isClauseEnd(r) && isClauseEnd(prev) {
			if r != runeSep { // '?' and '!' say more than a comma: keep the stronger
				t.r[t.n-1] = r
			}
			return
		}
		if t.n > 1 && r == prev && r == t.r[t.n-2] {
			return
		}
	}
	t.r[t.n] = r
	t.neg[t.n] = false
	t.n++
}

// isClauseEnd reports the normalised separators.
func isClauseEnd(r rune) bool { return r == runeSep || r == '?' || r == '!' }

// trimSeps drops leading and trailing commas (but keeps a final '?' or '!': a question is
// a signal).
func (t *normText) trimSeps() {
	start := 0
	for start < t.n && t.r[start] == runeSep {
		start++
	}
	end := t.n
	for end > start && t.r[end-1] == runeSep {
		end--
	}
	if start > 0 {
		copy(t.r[:], t.r[start:end])
	}
	t.n = end - start
}

// fixTypos rewrites the homophone misspellings of the lexicon in place, shrinking the
// text where a fix is shorter than its typo.
func (t *normText) fixTypos() {
	lx := lexicon()
	changed := false
	for k := range lx.typos {
		ty := &lx.typos[k]
		for i := t.find(&ty.from, 0); i >= 0; i = t.find(&ty.from, i+len(ty.to)) {
			copy(t.r[i:], ty.to)
			if d := len(ty.from.r) - len(ty.to); d > 0 {
				copy(t.r[i+len(ty.to):t.n-d], t.r[i+len(ty.from.r):t.n])
				t.n -= d
			}
			changed = true
		}
	}
	if changed {
		t.sign()
	}
}

// hasAt reports whether the constant word w occurs in t at rune i. For the few fixed checks
// of markNegation; word lists use pattern.
func (t *normText) hasAt(i int, w string) bool {
	for _, r := range w {
		if i >= t.n || t.r[i] != r {
			return false
		}
		i++
	}
	return true
}

// markNegation flags the runes in the scope of a contrastive "不是" (and 并非): from after
// the negator to the next clause end or contrast word (是/而/但/只/就), so "不是要退款 是想换个
// 颜色" is classified on 换个颜色, the n-grams of 要退款 being hashed apart. Rhetorical uses
// ("不是说七天无理由吗", "是不是坏了") and hedges ("不是很满意") are left alone.
func (t *normText) markNegation() {
	for i := 0; i+1 < t.n; i++ {
		var start int
		switch {
		case t.hasAt(i, "不是"):
			if i > 0 && t.r[i-1] == '是' {
				continue // 是不是: a question
			}
			start = i + 2
		case t.hasAt(i, "并非"):
			start = i + 2
		default:
			continue
		}
		if start >= t.n {
			return
		}
		switch t.r[start] {
		case '很', '太', '特', '那', '说', '吧', '吗', '的', '啊', '呀', '么', '这', '你', '挺', '?', '!', runeSep:
			continue
		}
		end := start
		for end < t.n && end-start < 8 {
			r := t.r[end]
			if isClauseEnd(r) || (end > start && (r == '是' || r == '而' || r == '但' || r == '只' || r == '就')) {
				break
			}
			end++
		}
		if end < t.n && t.r[end] == '?' {
			continue
		}
		if last := t.r[end-1]; last == '吗' || last == '嘛' || last == '吧' || last == '呢' {
			continue
		}
		for j := start; j < end; j++ {
			t.neg[j] = true
		}
		i = end - 1
	}
}

// Simplified is text with its traditional characters written simplified (the classifier's
// own table, see buildTrad; and 甚麼, which folds to 甚么, as 什么) and nothing else
// changed: punctuation, width, case and spacing stay as typed. For code that looks for
// simplified words in buyer text.
func Simplified(text string) string {
	trad := lexicon().trad
	out := strings.Map(func(r rune) rune {
		if r >= tradStart && r < tradStart+tradLen {
			if s := trad[r-tradStart]; s != 0 {
				return s
			}
		}
		return r
	}, text)
	return strings.ReplaceAll(out, "甚么", "什么")
}

// Fold is text as the classifier sees it, for telling two messages apart: letters and
// digits only, lower case, traditional and full-width folded, typos and homophones
// mended. Two messages with the same Fold say the same thing.
func Fold(text string) string {
	var t normText
	normalize(capText(text, maxClassifyBytes), &t)
	var b strings.Builder
	for _, r := range t.r[:t.n] {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
