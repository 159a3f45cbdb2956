package faq

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aftersale/aftersale/intents"
)

// pings are clauses that ask nothing an answer speaks of: a call for attention or a tag
// on the question before ("在吗 包邮吗", "包邮 是吗").
var pings = []string{"在吗", "在么", "在嘛", "在不在", "有人吗", "你好吗", "是吗", "好吗", "对吗", "可以吗", "行吗", "好不好", "是不是", "对不对"}

// unaskedCoverage, unaskedNear and unaskedScore say when an entry speaks of a second
// question too: it speaks of at least unaskedCoverage of it (coverage, as a whole message
// would be weighed), and when less than unaskedNear, the entry scores at least unaskedScore
// on the question alone — the goods and words its phrasings name ("眼罩", "能…吗") cover
// much of "眼罩能机洗吗" for the delivery entry, which scores nothing on it (trial 26).
// Chosen on sets 1–4, checked on sets 5–8 (coverage alone at 0.5: set 5–8 precision 0.936
// → 0.956 for 0.005 of recall), then the score added on sets 1–8: 0.75 and 0.02 cost 0.006
// of recall at the threshold; a score of the question alone (no coverage) cost 0.035.
const (
	unaskedCoverage = 0.5
	unaskedNear     = 0.75
	unaskedScore    = 0.02
)

// unasked is a question of text the entry of h does not speak of, when text asks two or
// more ("有优惠券吗 能用花呗吗", "保修多久 能开专票吗"): "" when text asks one thing, or
// the entry speaks of every question it asks (questions).
func (b *Book) unasked(h Hit, text string) string {
	qs := questions(clauses(text))
	if len(qs) < 2 {
		return ""
	}
	for _, q := range qs {
		c := coverage(b.letters(canonical(q)), b.pairs[h.index])
		if c < unaskedCoverage || c < unaskedNear && b.score(withoutLeadIn(q))[h.index].Score < unaskedScore {
			return q
		}
	}
	return ""
}

// clauses are text split at spaces and stops.
func clauses(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("，,。.！!；;～~？?", r)
	})
}

// questions are the clauses that ask something an answer may speak of: a question
// particle or word, more than one letter before the particle, and no ping.
func questions(clauses []string) []string {
	var out []string
	for _, c := range clauses {
		if intents.Asks(c) && utf8.RuneCountInString(strings.TrimRight(c, "吗呢么嘛啊呀")) >= 2 && !slices.Contains(pings, c) {
			out = append(out, c)
		}
	}
	return out
}
