package vocab

import (
	"fmt"
	"strings"
)

// Arg is what a merchant command verb takes after it.
type Arg int

// What a verb takes.
const (
	ArgNone     Arg = iota // nothing: "A12 同意"
	ArgText                // required text: "A12 拒绝 原因"
	ArgWait                // a duration: "A12 稍后 2h"
	ArgOptional            // text or nothing: "A12 关闭", "A12 关闭 重复的单"
	ArgCase                // another case's id: "A12 合并 A13"
)

// Verb is one merchant command on a case ("A12 <verb> …"): the one table that the chat
// parser, 帮助, the board and config validation read.
type Verb struct {
	Name  string // the word the merchant types
	Arg   Arg
	Usage string // one line of 帮助, after "A12 "
	// Board is set for the verbs the web board offers as buttons.
	Board bool
}

// Case verbs, in the order 帮助 lists them.
const (
	Approve  = "同意"
	Reject   = "拒绝"
	Snooze   = "稍后"
	Reply    = "回复"
	WaitFor  = "等买家"
	TakeOver = "接管"
	Release  = "释放"
	Note     = "备注"
	Close    = "关闭" // close without a decision; the buyer gets a neutral word
	Misread  = "误判" // the bot misread the buyer: correct the request (or close it) and learn the right label
	Merge    = "合并" // fold another case of the same buyer into this one
)

// SaveFAQ ends a reply to an inbox question that should also become an FAQ entry:
// "Q7 回复 可以的 +问答".
const SaveFAQ = "+问答"

// Commands that name no case.
const (
	List    = "列表"
	Overdue = "超时" // "列表 超时"
	Help    = "帮助"
	Details = "详情" // "A12" alone
)

// Verbs returns the case verbs in the order 帮助 lists them.
func Verbs() []Verb {
	return []Verb{
		{Name: Approve, Arg: ArgOptional, Usage: "同意 [说明] — 说明会一起告诉买家（如 部分退款30元、不用寄回）", Board: true},
		{Name: Reject, Arg: ArgText, Usage: "拒绝 原因", Board: true},
		{Name: Snooze, Arg: ArgWait, Usage: "稍后 2h — 2小时后再提醒（不写时间：1小时）", Board: true},
		{Name: Reply, Arg: ArgText, Usage: "回复 文字 — 以店铺身份回复买家", Board: true},
		{Name: WaitFor, Arg: ArgText, Usage: "等买家 说明 — 等买家先处理（如寄回），暂停计时；说明原样发给买家（如 请拍个视频）", Board: true},
		{Name: TakeOver, Usage: "接管 — 人工接管这个买家", Board: true},
		{Name: Release, Usage: "释放 — 交回机器人", Board: true},
		{Name: Note, Arg: ArgText, Usage: "备注 文字", Board: true},
		{Name: Close, Arg: ArgOptional, Usage: "关闭 [说明] — 不同意也不拒绝，直接关单（买家收到中性通知，说明一起告诉买家）", Board: true},
		{Name: Misread, Arg: ArgOptional, Usage: "误判 [退款/退货/换货/物流/其他…] — 机器人看错了：改成买家真正要的售后（或关单、不打扰买家），并记住正确的意思", Board: true},
		{Name: Merge, Arg: ArgCase, Usage: "合并 A13 — 把同一买家的 A13 并入这张单"},
	}
}

// LookupVerb returns the case verb spelled name.
func LookupVerb(name string) (Verb, bool) {
	for _, v := range Verbs() {
		if v.Name == name {
			return v, true
		}
	}
	return Verb{}, false
}

// VerbList is the verbs as a hint lists them: "同意、拒绝 原因、稍后 2h、…".
func VerbList() string {
	var out []string
	for _, v := range Verbs() {
		u, _, _ := strings.Cut(v.Usage, " — ")
		out = append(out, u)
	}
	return strings.Join(out, "、")
}

// HelpText is the merchant's 帮助 answer, built from the verb table.
func HelpText() string {
	var b strings.Builder
	b.WriteString("商家指令 / merchant commands（空格可省：A12同意、列表超时）:\n")
	fmt.Fprintf(&b, "%s — 待回复的咨询和待处理售后；%s %s — 已超时的\n", List, List, Overdue)
	b.WriteString("A12 — 详情和聊天记录")
	for _, v := range Verbs() {
		fmt.Fprintf(&b, "\nA12 %s", v.Usage)
	}
	fmt.Fprintf(&b, "\nQ7 %s 文字 — 回答买家的咨询（Q 单），发出即处理完；末尾加 %s 同时存为常见问题；不用回复就 Q7 %s", Reply, SaveFAQ, Close)
	return b.String()
}
