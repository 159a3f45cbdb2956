package faq

import "testing"

// A message asking two things is answered only when the entry speaks of both: half an
// answer reads as if the rest were ignored, and the merchant answers the whole.
func TestSecondQuestion(t *testing.T) {
	b := sample(t)
	for _, tc := range []struct{ text, id, unasked string }{
		{"保修多久 能开专票吗", "", "保修多久"},
		{"有优惠券吗 能用花呗吗", "", "能用花呗吗"},
		{"在吗 包邮吗", "free_shipping", ""},   // a ping asks nothing
		{"包邮吗 运费多少", "free_shipping", ""}, // both of one entry
		{"我在新疆 包邮吗", "free_shipping", ""}, // context, one question
		{"什么时候发货 是吗", "ship_time", ""},    // a tag asks nothing
	} {
		_, id, _ := b.Answer(tc.text, "店")
		h := b.Match(tc.text)[0]
		if id != tc.id || h.Unasked != tc.unasked {
			t.Errorf("%q → %q (unasked %q), want %q (unasked %q)", tc.text, id, h.Unasked, tc.id, tc.unasked)
		}
	}
}
