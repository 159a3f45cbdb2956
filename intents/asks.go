package intents

import (
	"slices"
	"strings"
	"unicode"
)

// askWords make a message a question without a question particle ("保修多久", "退货运费
// 谁出", "咋弄", "有木有").
var askWords = []string{"吗", "呢", "？", "?", "多少", "多久", "多长时间", "怎么", "什么", "啥", "咋", "哪", "谁",
	"能不能", "可不可以", "是不是", "有没有", "有木有", "会不会", "要不要", "行不行",
	// asking whether a thing heard is so ("听说你家退货很麻烦 真的假的")
	"真的假的", "真的还是假的", "真假"}

// askEnds ask as 吗 does when they close a message: "有货不", "发了没", "走的普通快递么",
// "是这个吧 对吧".
var askEnds = []string{"么", "嘛", "不", "没", "是吧", "对吧"}

// Asks reports whether text (a message or one clause of it, as the buyer wrote it) asks
// something: a question particle or word, 几 asking a number, an A不A question, 多 before
// a measure, or a closing 么, 嘛, 不, 没. Both the dialog policy (is a reply a question?)
// and the FAQ (which clause asks?) read questions with it, so the two agree.
func Asks(text string) bool {
	if slices.ContainsFunc(askWords, func(w string) bool { return strings.Contains(text, w) }) ||
		asksHowMany(text) || eitherOr(text) {
		return true
	}
	end := strings.TrimRight(strings.TrimSpace(text), " 。.!！~～啊呀哈")
	return slices.ContainsFunc(askEnds, func(e string) bool { return strings.HasSuffix(end, e) })
}

// eitherOr reports an A不A or A没A question ("累不累", "到没到", "甜不甜"), or 多 before
// a measure ("多大", "多高", "多重").
func eitherOr(text string) bool {
	rs := []rune(text)
	for i := 1; i+1 < len(rs); i++ {
		if (rs[i] == '不' || rs[i] == '没') && rs[i-1] == rs[i+1] && unicode.Is(unicode.Han, rs[i-1]) {
			return true
		}
	}
	for _, m := range []string{"多大", "多高", "多重", "多长", "多宽", "多厚", "多远", "多贵", "多深", "多粗"} {
		if strings.Contains(text, m) {
			return true
		}
	}
	return false
}

// asksHowMany reports 几 asking ("几天到", "发几个"), not counting ("要按好几下", "十几天了",
// "几乎") nor a few told ("买了没几天", "才几天就坏了", "前几天买的", "过几天再说"): a
// problem told so is no question (trial 25: "买了没几天" to the remedies became an inbox
// question).
func asksHowMany(text string) bool {
	rs := []rune(text)
	for i, r := range rs {
		if r != '几' {
			continue
		}
		if i > 0 && strings.ContainsRune("好十几没才前这那过头", rs[i-1]) || i+1 < len(rs) && rs[i+1] == '乎' {
			continue
		}
		return true
	}
	return false
}

// FollowsUp reports a message or clause that asks again of something new, its question
// left unsaid ("还有洗碗机", "那新疆呢", "另外枕套"): what it asks is what came before.
func FollowsUp(text string) bool {
	return strings.HasPrefix(text, "还有") || strings.HasPrefix(text, "那") || strings.HasPrefix(text, "另外")
}
