package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// minPartRunes is the least a numbered part must say, marker and spaces aside, to be read
// on its own: "1.退款 2.换货" lists options, not two requests.
const minPartRunes = 6

// minAsideRunes is the least a part of a message that turns to another matter must say:
// "能开发票吗".
const minAsideRunes = 5

// maxParts bounds the parts one message is read as.
const maxParts = 5

// enumerate reads a buyer's numbered list ("1.沙发…能约周日送吗 2.面膜过敏了…想退"), or a
// message that turns to other matters ("…物流三天没动了 麻烦帮我催一下 另外被套想换成1.5米
// 的 还有要开电子发票…"), as one message per item, in order, each with an id of its own
// derived from the message's (so a message delivered again after a crash is split the same
// way and each part is still recognised as seen). Read whole, the list was answered for one item, or one item's
// request was put on every order the message named.
func (e *Engine) enumerate() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			if m.Kind != KindText || m.quote != nil {
				return next(ctx, m)
			}
			parts := numberedParts(m.Text)
			if len(parts) < 2 {
				parts = e.distinctAsks(m.Shop, m.Text)
			}
			if len(parts) < 2 {
				parts = e.goodsParts(ctx, m)
			}
			if len(parts) < 2 {
				return next(ctx, m)
			}
			parts = e.shareOrder(m.Shop, parts)
			var all []cases.Reply
			for i, p := range parts {
				pm := m
				pm.Text, pm.part = p, i+1
				if m.ID != "" {
					pm.ID = m.ID + "#" + strconv.Itoa(i+1)
				}
				replies, err := next(ctx, pm)
				all = append(all, replies...)
				if err != nil {
					return all, err
				}
			}
			return all, nil
		}
	}
}

// numberedParts splits text at list markers numbered 1, 2, 3 … in order ("1." "2、"
// "3)" "（4）" "①"), when there are at least two and every item says enough; otherwise
// it returns nil. A marker starts the text or follows a space or punctuation, and is not
// part of a number ("2.5米", "订单4705…1.").
func numberedParts(text string) []string {
	var cuts []int // byte offsets where item k+1's marker starts
	var ends []int // byte offsets where its marker ends
	want := 1
	for i := 0; i < len(text) && want <= maxParts; {
		at, end, ok := markerAt(text, i, want)
		if ok {
			cuts, ends = append(cuts, at), append(ends, end)
			want++
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	if len(cuts) < 2 || utf8.RuneCountInString(strings.TrimSpace(text[:cuts[0]])) > 12 {
		// (A short lead-in before item 1 — "老板 两个问题：" — is fine; a long one is a
		// message that happens to hold numbers.)
		return nil
	}
	parts := make([]string, len(cuts))
	for k := range cuts {
		stop := len(text)
		if k+1 < len(cuts) {
			stop = cuts[k+1]
		}
		p := strings.TrimFunc(text[ends[k]:stop], func(r rune) bool { return unicode.IsSpace(r) || r == '；' || r == ';' || r == '，' || r == ',' })
		if utf8.RuneCountInString(p) < minPartRunes {
			return nil
		}
		parts[k] = p
	}
	return parts
}

// circled are the circled digits buyers number items with.
const circled = "①②③④⑤"

// markerAt reports whether list marker n starts at byte i of text, and where it starts
// and ends.
func markerAt(text string, i, n int) (at, end int, ok bool) {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if !(unicode.IsSpace(prev) || unicode.IsPunct(prev) || unicode.Is(unicode.Han, prev)) || prev == '.' {
			return 0, 0, false // "4705…1." or "v1." : part of a word or number
		}
		if unicode.Is(unicode.Han, prev) && n == 1 {
			return 0, 0, false // "第1.5" or "买1.": the first marker stands apart
		}
	}
	rest := text[i:]
	if c, size := utf8.DecodeRuneInString(rest); strings.ContainsRune(circled, c) {
		if strings.IndexRune(circled, c)/len("①") == n-1 {
			return i, i + size, true
		}
		return 0, 0, false
	}
	open := ""
	for _, o := range []string{"（", "("} {
		if strings.HasPrefix(rest, o) {
			open = o
			break
		}
	}
	num := strconv.Itoa(n)
	if !strings.HasPrefix(rest[len(open):], num) {
		return 0, 0, false
	}
	after := rest[len(open)+len(num):]
	for _, mark := range []string{"、", ".", "．", "）", ")", "：", ":"} {
		if open != "" && mark != "）" && mark != ")" {
			continue
		}
		if tail, found := strings.CutPrefix(after, mark); found {
			if r, _ := utf8.DecodeRuneInString(tail); unicode.IsDigit(r) {
				return 0, 0, false // "2.5米"
			}
			return i, i + len(open) + len(num) + len(mark), true
		}
	}
	return 0, 0, false
}

// asideMarks turn a message to another matter: "另外被套想换…", "还有要开发票…".
var asideMarks = []string{"另外", "还有就是", "还有个事", "还有一个事", "还有", "顺便", "再就是", "其次",
	// "第一个眼罩不想要了 退款 第二个饭盒派送好几天了还没到 快点": the second of the
	// orders named (trial 31 put the refund on the lunch box's order)
	"第二个", "第二单", "第三个", "第三单"}

// distinctAsks splits text at the words that turn it to another matter (asideMarks, after
// a space or a stop) when every part says enough and each asks something of its own: read
// alone, the parts are none of them a greeting, a grievance or a withdrawal, and no two are
// read the same. Otherwise nil: "杯子碎了一个 另外盖子也裂了 想退款" is one matter told
// in two breaths, and "还有货吗" asks for stock.
func (e *Engine) distinctAsks(shop, text string) []string {
	if utf8.RuneCountInString(text) < 2*minAsideRunes+4 {
		return nil
	}
	var parts []string
	rest := text
	for len(parts) < maxParts-1 {
		at, mark := -1, ""
		for _, w := range asideMarks {
			i := 0
			for i < len(rest) {
				j := strings.Index(rest[i:], w)
				if j < 0 {
					break
				}
				j += i
				if j > 0 && (at < 0 || j < at) && asideAt(rest, j, w) {
					at, mark = j, w
					break
				}
				i = j + len(w)
			}
		}
		if at < 0 {
			break
		}
		parts = append(parts, rest[:at])
		rest = rest[at+len(mark):]
	}
	if len(parts) == 0 {
		return nil
	}
	parts = append(parts, rest)
	reads := make([]intents.Result, len(parts))
	orders := map[string]bool{}
	for k, p := range parts {
		p = strings.TrimFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
		if utf8.RuneCountInString(p) < minAsideRunes {
			return nil
		}
		parts[k], reads[k] = p, e.read(shop, p)
		if id := reads[k].Slots.OrderID; id != "" {
			orders[id] = true
		}
	}
	// Each part naming an order of its own, all different ("台灯3856…灯罩裂了 还有四件套
	// 4705…一直不发货"): two matters, whatever each says — the lamp's crack went unanswered
	// behind a complaint reading of the whole (trial).
	ownOrders := len(orders) == len(parts)
	seen := map[string]bool{}
	for _, r := range reads {
		if ownOrders && !r.SlotOnly {
			continue
		}
		switch l := string(r.Label); {
		case r.Label == intents.Greeting || r.Label == intents.Complaint || r.Label == intents.Cancel || seen[l]:
			return nil
		case r.SlotOnly:
			return nil // "两单都想退了 4705… 还有 2306…": another order for the same words (trial 15)
		case defect(r.Slots.Reason) && (!r.Label.OpensCase() || r.Guess):
			return nil // a problem told, whose remedy the next words may name
		default:
			seen[l] = true
		}
	}
	return parts
}

// goodsParts reads a message asking a different remedy for each of two or more goods, with
// an order for each ("杯子换货 台灯退款 4705… 3856…", or the orders sent just before), as
// one message per goods, each given the order whose title speaks of its goods
// (intents.SpeaksOf). Read whole, the first remedy went on every order, or on the order
// named last. nil unless every goods named has remedy words of its own, the parts ask at
// least two different remedies, the message names as many orders as goods (or none, the
// buyer having named them lately), and each goods fits exactly one order's title, a
// different one each.
func (e *Engine) goodsParts(ctx context.Context, m Message) []string {
	shop, text := m.Shop, m.Text
	names := intents.GoodsIn(text)
	if len(names) < 2 || len(names) > maxParts {
		return nil
	}
	slots := intents.ExtractSlots(text)
	ids := append([]string{slots.OrderID}, moreOrders(slots)...)
	switch {
	case slots.OrderID == "":
		ids = e.session(shop, m.From).Named
		if len(ids) < len(names) {
			return nil
		}
	case len(ids) != len(names):
		return nil
	}
	bare := text
	for _, id := range ids {
		bare = strings.ReplaceAll(bare, id, " ")
	}
	lower := strings.ToLower(bare)
	if len(lower) != len(bare) {
		return nil // offsets in one are not the other's
	}
	cuts := make([]int, len(names))
	for k, n := range names {
		if cuts[k] = strings.Index(lower, n); cuts[k] < 0 {
			return nil
		}
	}
	order := make([]int, len(names)) // names' indexes, by where they stand
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return cuts[a] - cuts[b] })
	parts := make([]string, len(names))
	labels := map[intents.Label]bool{}
	for j, k := range order {
		from, to := cuts[k], len(bare)
		if j == 0 {
			from = 0 // the lead-in ("老板 两个问题") goes with the first
		}
		if j+1 < len(order) {
			to = cuts[order[j+1]]
		}
		p := strings.TrimFunc(bare[from:to], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
		r := e.read(shop, p)
		if !intents.NamesRemedy(p) || !r.Label.OpensCase() || r.Slots.OrderID != "" {
			return nil
		}
		labels[r.Label] = true
		parts[j] = p
	}
	if len(labels) < 2 {
		return nil // one remedy for every order: the request's own way of taking several
	}
	taken := map[string]bool{}
	for j, k := range order {
		fit := ""
		for _, id := range ids {
			o, err := e.lookupOrder(ctx, shop, id)
			if err != nil {
				return nil
			}
			if intents.SpeaksOf(strings.ToLower(goodsOf(o)), names[k]) {
				if fit != "" {
					return nil // both orders hold such goods
				}
				fit = id
			}
		}
		if fit == "" || taken[fit] {
			return nil
		}
		taken[fit] = true
		parts[j] += " 订单" + fit
	}
	return parts
}

// asideAt reports whether mark w at byte j of text turns to another matter: after a space
// or a stop, and not "还有货", "还有没有", "还有吗" (asking for stock or whether there is more).
func asideAt(text string, j int, w string) bool {
	prev, _ := utf8.DecodeLastRuneInString(text[:j])
	if !unicode.IsSpace(prev) && !unicode.IsPunct(prev) {
		return false
	}
	after := text[j+len(w):]
	if w == "还有" {
		for _, no := range []string{"货", "没有", "吗", "么", "多少", "几", "库存", "现货", "别的", "其他"} {
			if strings.HasPrefix(strings.TrimSpace(after), no) {
				return false
			}
		}
	}
	return true
}

// shareOrder gives the parts that name no order the one order the message names, when it
// names exactly one: "物流三天没动了 麻烦帮我催一下 另外被套想换成1.5米的 订单…" is about
// that order in both parts (the first asked for the number the buyer had just given).
func (e *Engine) shareOrder(shop string, parts []string) []string {
	order, n := "", 0
	ids := make([]string, len(parts))
	for i, p := range parts {
		if id := e.read(shop, p).Slots.OrderID; id != "" {
			ids[i] = id
			if id != order {
				order, n = id, n+1
			}
		}
	}
	if n != 1 {
		return parts
	}
	out := slices.Clone(parts)
	for i := range out {
		if ids[i] == "" {
			out[i] += " 订单" + order
		}
	}
	return out
}
