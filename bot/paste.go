package bot

import (
	"strings"
	"unicode/utf8"
)

// orderFields are the labels of an order's detail page as shopping apps copy it
// (Taobao, JD, Douyin): "商品名：… 订单编号：… 付款时间：…".
var orderFields = []string{"商品名称", "商品名", "商品", "颜色分类", "规格", "尺码", "数量", "实付款", "实付", "订单编号", "订单号",
	"支付宝交易号", "交易号", "创建时间", "下单时间", "付款时间", "成交时间", "发货时间", "收件人", "收货人", "收货地址", "手机号码"}

// minPasteFields is how many detail labels make a message a pasted order detail.
const minPasteFields = 3

// fromPaste reads a message holding a pasted order detail ("商品名：真丝眼罩… 订单编号：
// 2156… 付款时间：… 这个眼罩收到了有股很重的化学味道…"): what the buyer wrote around it,
// then the order number and the goods, so the bot reads the words and the merchant's alert
// quotes them before the app's boilerplate (trial: the alert, cut at 140 runes, ended in
// the payment time and never reached the buyer's red eyes). ok is false for any other
// message, which is returned unchanged.
func fromPaste(text string) (string, bool) {
	type field struct{ at, end int } // label start, value start (bytes)
	var fs []field
	for i := 0; i < len(text); {
		hit := false
		for _, f := range orderFields {
			if !strings.HasPrefix(text[i:], f) {
				continue
			}
			rest := text[i+len(f):]
			if sep, n := utf8.DecodeRuneInString(rest); sep == '：' || sep == ':' {
				fs = append(fs, field{i, i + len(f) + n})
				i += len(f) + n
				hit = true
				break
			}
		}
		if !hit {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
		}
	}
	if len(fs) < minPasteFields {
		return text, false
	}
	var order, goods string
	words := []string{strings.TrimSpace(text[:fs[0].at])}
	for k, f := range fs {
		end := len(text)
		if k+1 < len(fs) {
			end = fs[k+1].at
		}
		value := strings.TrimSpace(text[f.end:end])
		label := text[f.at:f.end]
		if k == len(fs)-1 {
			// The last value runs into what the buyer wrote after the paste.
			var said string
			value, said = splitTail(value)
			words = append(words, said)
		}
		switch {
		case strings.HasPrefix(label, "订单编号"), strings.HasPrefix(label, "订单号"):
			order = value
		case strings.HasPrefix(label, "商品"):
			goods = value
		}
	}
	out := strings.TrimSpace(strings.Join(words, " "))
	if order != "" {
		out += " " + pastedOrder + order
	}
	if goods != "" {
		out += " " + pastedGoods + goods
	}
	return strings.TrimSpace(out), true
}

// pastedOrder and pastedGoods label the order number and goods fromPaste keeps.
const (
	pastedOrder = "订单编号："
	pastedGoods = "商品："
)

// onlyPasted reports a message that is a pasted order detail alone, as fromPaste wrote it:
// the order number and the goods, no words of the buyer's — which order, not what for.
func onlyPasted(text string) bool {
	rest, ok := strings.CutPrefix(text, pastedOrder)
	if !ok {
		return false
	}
	rest = strings.TrimLeft(rest, "0123456789")
	return rest == "" || strings.HasPrefix(rest, " "+pastedGoods)
}

// splitTail splits the last value of a pasted detail from the buyer's words after it: the
// value is its leading tokens that are data (digits, times, masked names and phones, "¥"),
// the words are the rest.
func splitTail(s string) (value, said string) {
	toks := strings.Fields(s)
	n := 0
	for n < len(toks) && isDatum(toks[n]) {
		n++
	}
	if n == 0 && len(toks) > 0 {
		n = 1 // a value of words ("香槟色"): the first token
	}
	return strings.Join(toks[:n], " "), strings.Join(toks[n:], " ")
}

// isDatum reports a token of an order's data rather than a buyer's words: it holds a
// digit, a mask ("林**", "138****2231") or a currency sign.
func isDatum(tok string) bool {
	return strings.ContainsAny(tok, "0123456789*¥￥")
}
