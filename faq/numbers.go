package faq

import "regexp"

// Numbers are written as one digit, 0, for matching: a buyer's own height, weight or
// price ("我158 105斤", "一米六八 一百二十斤", "才四十来块") is not a phrasing's ("我170
// 120斤"), but it is the same kind of question. Chinese numerals count as numbers where a
// unit says they are one (斤, 块, 元, 米…), so 一起, 一下 and 十分 stay words.
var (
	digits   = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)
	height   = regexp.MustCompile(`[一1]米[0-9一二三四五六七八九零]*`)
	numerals = regexp.MustCompile(`[一二两三四五六七八九十百千零几]+(来|多)?(斤|公斤|块|元|厘米|公分|米|岁|cm|kg)`)
)

// writeNumbers writes the numbers of folded text as 0, keeping their units.
func writeNumbers(folded string) string {
	s := height.ReplaceAllString(folded, "0")
	s = numerals.ReplaceAllStringFunc(s, func(m string) string {
		r := []rune(m)
		for i, c := range r {
			if !isNumeral(c) && c != '来' && c != '多' {
				return "0" + string(r[i:])
			}
		}
		return m
	})
	return digits.ReplaceAllString(s, "0")
}

func isNumeral(c rune) bool {
	switch c {
	case '一', '二', '两', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '零', '几':
		return true
	}
	return false
}
