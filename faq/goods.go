package faq

import (
	"strings"

	"github.com/aftersale/aftersale/intents"
)

// goodsOf is what an entry says it is about, for the goods gate: the text of its phrasings
// and answer when its answer names goods (it speaks of one product: "马克杯是高温陶瓷…"),
// else "" (包邮, 发货: for any goods).
func goodsOf(e *Entry) string {
	if len(intents.GoodsIn(e.Answer)) == 0 {
		return ""
	}
	return strings.ToLower(strings.Join(e.Questions, " ") + " " + e.Answer)
}

// otherGoods reports a message naming goods, none of which the entry about (about, from
// goodsOf) speaks of: "饭盒能进微波炉吗" to the mug's entry, "袜子会掉色吗" to the bedding's.
func otherGoods(text, about string) bool {
	if about == "" {
		return false
	}
	named := intents.GoodsIn(text)
	return len(named) > 0 && !intents.SpeaksOfAny(about, named)
}

// Fits reports whether entry id may answer a question about goods (a name such as the
// order's title, "硅胶折叠饭盒 3件套"): false when the entry speaks of one product and
// none of the goods named ("这个能装热汤吗" about a lunch box, to the thermos's entry).
// An unknown id fits.
func (b *Book) Fits(id, goods string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for i := range b.entries {
		if b.entries[i].ID == id {
			return !otherGoods(goods, b.about[i])
		}
	}
	return true
}

// NamesGoods reports text naming goods ("真丝眼罩", "保温杯") by a common name.
func (b *Book) NamesGoods(text string) bool { return len(intents.GoodsIn(text)) > 0 }

// withoutGoods is text with the names of goods it holds taken out.
func withoutGoods(text string) string {
	for _, g := range intents.GoodsIn(text) {
		text = strings.ReplaceAll(strings.ToLower(text), g, "")
	}
	return strings.TrimSpace(text)
}
