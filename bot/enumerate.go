package bot

import (
	"context"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aftersale/aftersale/cases"
)

// minPartRunes is the least a numbered part must say, marker and spaces aside, to be read
// on its own: "1.退款 2.换货" lists options, not two requests.
const minPartRunes = 6

// maxParts bounds the parts one message is read as.
const maxParts = 5

// enumerate reads a buyer's numbered list ("1.沙发…能约周日送吗 2.面膜过敏了…想退") as one
// message per item, in order, each with an id of its own derived from the message's (so a
// message delivered again after a crash is split the same way and each part is still
// recognised as seen). Read whole, the list was answered for one item, or one item's
// request was put on every order the message named.
func (e *Engine) enumerate() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			if m.Kind != KindText || m.quote != nil {
				return next(ctx, m)
			}
			parts := numberedParts(m.Text)
			if len(parts) < 2 {
				return next(ctx, m)
			}
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
	if len(cuts) < 2 || strings.TrimSpace(text[:cuts[0]]) != "" && utf8.RuneCountInString(strings.TrimSpace(text[:cuts[0]])) > 12 {
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
