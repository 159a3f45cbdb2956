package vocab_test

import (
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/aftersale/aftersale/vocab"
)

const (
	sec  = time.Second
	mins = time.Minute
	hour = time.Hour
	day  = 24 * time.Hour
)

func TestLeft(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "不到1分钟"},
		{29 * sec, "不到1分钟"},
		{30 * sec, "1分钟"}, // rounds half up
		{59 * sec, "1分钟"},
		{mins, "1分钟"},
		{45 * mins, "45分钟"},
		{45*mins + 29*sec, "45分钟"},
		{59*mins + 30*sec, "1小时"},
		{2 * hour, "2小时"},
		{5*hour + 20*mins, "5小时20分"},
		{23*hour + 59*mins, "23小时59分"},
		{day, "1天"},
		{day + 5*mins, "1天5分"},
		{day + 2*hour, "1天2小时"},
		{day + 2*hour + 3*mins, "1天2小时3分"},
		{3*day + 20*sec, "3天"},
		{-10 * sec, "刚刚超时"},
		{-29 * sec, "刚刚超时"},
		{-30 * sec, "已超时1分钟"},
		{-mins, "已超时1分钟"},
		{-45 * mins, "已超时45分钟"},
		{-2 * hour, "已超时2小时"},
		{-(2*hour + 5*mins), "已超时2小时5分"},
		{-(day + hour), "已超时1天1小时"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := vocab.Left(tt.d); got != tt.want {
				t.Fatalf("Left(%v)=%q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestRemaining(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "剩不到1分钟"},
		{20 * sec, "剩不到1分钟"},
		{45 * mins, "剩45分钟"},
		{5*hour + 20*mins, "剩5小时20分"},
		{day + 2*hour, "剩1天2小时"},
		{-sec, "刚刚超时"},
		{-2 * hour, "已超时2小时"},
		{-(day + 30*mins), "已超时1天30分"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := vocab.Remaining(tt.d); got != tt.want {
				t.Fatalf("Remaining(%v)=%q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestCountdown(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "剩0分0秒"},
		{999 * time.Millisecond, "剩0分0秒"}, // truncates to the second
		{9 * sec, "剩0分9秒"},
		{4*mins + 9*sec, "剩4分9秒"},
		{59*mins + 59*sec, "剩59分59秒"},
		{hour, "剩1小时0分"},
		{3*hour + 5*mins + 59*sec, "剩3小时5分"},
		{23*hour + 59*mins + 59*sec, "剩23小时59分"},
		{day, "剩1天0小时"},
		{day + hour + mins + sec, "剩1天1小时"},
		{10*day + 23*hour, "剩10天23小时"},
		{-30 * mins, "已超时30分0秒"},
		{-(30*mins + 1500*time.Millisecond), "已超时30分1秒"},
		{-(2*hour + 7*mins), "已超时2小时7分"},
		{-(2*day + 3*hour), "已超时2天3小时"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := vocab.Countdown(tt.d); got != tt.want {
				t.Fatalf("Countdown(%v)=%q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

var newYork = time.FixedZone("EST", -5*3600)

func TestClock(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"zero", time.Time{}, "—"},
		{"zero in China", time.Time{}.In(vocab.China), "—"},
		{"utc to china", time.Date(2024, 11, 28, 10, 0, 0, 0, time.UTC), "11-28 18:00"},
		{"already china", time.Date(2024, 11, 28, 18, 0, 59, 0, vocab.China), "11-28 18:00"},
		{"day rolls over", time.Date(2024, 12, 31, 16, 30, 0, 0, time.UTC), "01-01 00:30"},
		{"other zone", time.Date(2024, 3, 5, 20, 7, 0, 0, newYork), "03-06 09:07"},
		{"unix epoch is not zero", time.Unix(0, 0), "01-01 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vocab.Clock(tt.t); got != tt.want {
				t.Fatalf("Clock(%v)=%q, want %q", tt.t, got, tt.want)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"zero", time.Time{}, "待定"},
		{"zero in China", time.Time{}.In(vocab.China), "待定"},
		{"utc to china", time.Date(2024, 11, 28, 10, 0, 0, 0, time.UTC), "11月28日 18:00"},
		{"no leading zeros on date, zeros on time", time.Date(2024, 1, 5, 1, 5, 0, 0, time.UTC), "1月5日 09:05"},
		{"day rolls over", time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC), "1月1日 00:00"},
		{"month rolls over", time.Date(2024, 2, 29, 23, 59, 0, 0, time.UTC), "3月1日 07:59"},
		{"other zone", time.Date(2024, 3, 5, 20, 7, 0, 0, newYork), "3月6日 09:07"},
		{"already china", time.Date(2024, 10, 1, 0, 0, 30, 0, vocab.China), "10月1日 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vocab.Deadline(tt.t); got != tt.want {
				t.Fatalf("Deadline(%v)=%q, want %q", tt.t, got, tt.want)
			}
		})
	}
}

func TestChinaOffset(t *testing.T) {
	for _, when := range []time.Time{
		time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 7, 15, 0, 0, 0, 0, time.UTC),
	} {
		if _, off := when.In(vocab.China).Zone(); off != 8*3600 {
			t.Fatalf("China offset on %v=%d, want %d", when, off, 8*3600)
		}
	}
}

func TestHelpText(t *testing.T) {
	help := vocab.HelpText()
	lines := strings.Split(help, "\n")
	if len(lines) != 4+len(vocab.Verbs()) { // + the inbox line
		t.Fatalf("HelpText lines=%d, want %d:\n%s", len(lines), 4+len(vocab.Verbs()), help)
	}
	fixed := []string{
		"商家指令 / merchant commands（空格可省：A12同意、列表超时）:",
		"列表 — 待回复的咨询和待处理售后；列表 超时 — 已超时的",
		"A12 — 详情和聊天记录",
	}
	for i, want := range fixed {
		if lines[i] != want {
			t.Fatalf("HelpText line %d=%q, want %q", i, lines[i], want)
		}
	}
	want := []string{
		"A12 同意 [说明] — 说明会一起告诉买家（如 部分退款30元、不用寄回）",
		"A12 拒绝 原因",
		"A12 稍后 2h — 2小时后再提醒（不写时间：1小时）",
		"A12 回复 文字 — 以店铺身份回复买家",
		"A12 等买家 说明 — 等买家先处理（如寄回），暂停计时；说明原样发给买家（如 请拍个视频）",
		"A12 接管 — 人工接管这个买家",
		"A12 释放 — 交回机器人",
		"A12 备注 文字",
		"A12 关闭 [说明] — 不同意也不拒绝，直接关单（买家收到中性通知，说明一起告诉买家）",
		"A12 误判 [退款/退货/换货/物流/其他…] — 机器人看错了：改成买家真正要的售后（或关单、不打扰买家），并记住正确的意思",
		"A12 合并 A13 — 把同一买家的 A13 并入这张单",
		"Q7 回复 文字 — 回答买家的咨询（Q 单），发出即处理完；末尾加 +问答 同时存为常见问题；不用回复就 Q7 关闭",
	}
	if got := lines[3:]; !slices.Equal(got, want) {
		t.Fatalf("HelpText verb lines=%q, want %q", got, want)
	}
	for i, v := range vocab.Verbs() {
		if got, want := lines[3+i], "A12 "+v.Name; !strings.HasPrefix(got, want) {
			t.Fatalf("HelpText line %d=%q, want it to start with %q", 3+i, got, want)
		}
	}
}

func TestVerbs(t *testing.T) {
	want := []struct {
		name string
		arg  vocab.Arg
	}{
		{vocab.Approve, vocab.ArgOptional},
		{vocab.Reject, vocab.ArgText},
		{vocab.Snooze, vocab.ArgWait},
		{vocab.Reply, vocab.ArgText},
		{vocab.WaitFor, vocab.ArgText},
		{vocab.TakeOver, vocab.ArgNone},
		{vocab.Release, vocab.ArgNone},
		{vocab.Note, vocab.ArgText},
		{vocab.Close, vocab.ArgOptional},
		{vocab.Misread, vocab.ArgOptional},
		{vocab.Merge, vocab.ArgCase},
	}
	verbs := vocab.Verbs()
	if len(verbs) != len(want) {
		t.Fatalf("Verbs()=%d verbs, want %d", len(verbs), len(want))
	}
	for i, v := range verbs {
		if v.Name != want[i].name || v.Arg != want[i].arg {
			t.Fatalf("Verbs()[%d]=%q arg %d, want %q arg %d", i, v.Name, v.Arg, want[i].name, want[i].arg)
		}
		if !strings.HasPrefix(v.Usage, v.Name) {
			t.Fatalf("Verbs()[%d].Usage=%q, want it to start with %q", i, v.Usage, v.Name)
		}
		// Every verb is on the board but 合并, which needs a second case picked.
		if v.Board != (v.Name != vocab.Merge) {
			t.Fatalf("Verbs()[%d] (%s) Board=%v", i, v.Name, v.Board)
		}
	}
	// A fresh table each call: changing one does not change the next.
	verbs[0].Name = "changed"
	if got := vocab.Verbs()[0].Name; got != vocab.Approve {
		t.Fatalf("Verbs()[0].Name=%q after changing a copy, want %q", got, vocab.Approve)
	}
}

func TestLookupVerb(t *testing.T) {
	tests := []struct {
		name    string
		wantOK  bool
		wantArg vocab.Arg
	}{
		{"同意", true, vocab.ArgOptional},
		{"拒绝", true, vocab.ArgText},
		{"稍后", true, vocab.ArgWait},
		{"回复", true, vocab.ArgText},
		{"等买家", true, vocab.ArgText},
		{"接管", true, vocab.ArgNone},
		{"释放", true, vocab.ArgNone},
		{"备注", true, vocab.ArgText},
		{"", false, vocab.ArgNone},
		{"列表", false, vocab.ArgNone},
		{"帮助", false, vocab.ArgNone},
		{"详情", false, vocab.ArgNone},
		{"同意 ", false, vocab.ArgNone},
		{"同", false, vocab.ArgNone},
		{"拒绝 原因", false, vocab.ArgNone},
		{"approve", false, vocab.ArgNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := vocab.LookupVerb(tt.name)
			if ok != tt.wantOK {
				t.Fatalf("LookupVerb(%q) ok=%v, want %v", tt.name, ok, tt.wantOK)
			}
			if !ok {
				if v != (vocab.Verb{}) {
					t.Fatalf("LookupVerb(%q)=%+v, want the zero Verb", tt.name, v)
				}
				return
			}
			if v.Name != tt.name || v.Arg != tt.wantArg {
				t.Fatalf("LookupVerb(%q)=%q arg %d, want %q arg %d", tt.name, v.Name, v.Arg, tt.name, tt.wantArg)
			}
		})
	}
}

func TestVerbList(t *testing.T) {
	want := "同意 [说明]、拒绝 原因、稍后 2h、回复 文字、等买家 说明、接管、释放、备注 文字、关闭 [说明]、误判 [退款/退货/换货/物流/其他…]、合并 A13"
	if got := vocab.VerbList(); got != want {
		t.Fatalf("VerbList()=%q, want %q", got, want)
	}
}

func TestTemplateKeys(t *testing.T) {
	tests := []struct {
		group string
		want  []string
	}{
		{vocab.Replies, []string{
			"ack", "approved", "approved_harm", "approved_return", "approved_sent_back", "ask_order", "ask_order_address", "ask_order_again", "ask_orders", "ask_photo", "ask_photo_missing", "busy", "buyer_reminder", "cancelled", "case_limit",
			"case_opened", "case_opened_status", "case_status", "case_updated", "closed", "closed_done", "closed_order_check", "compensation_asked", "complaint_answered", "complaint_harm",
			"complaint_joined", "complaint_noted", "complaint_opened", "complaint_resolved", "complaint_resolved_sorry", "confirm", "confirm_cancel", "confirm_cancel_plain",
			"confirm_complaint", "empty", "faq_then_order", "feedback", "followup", "followup_escalated", "followup_person", "followup_reason", "go_on", "goods_back", "greeting", "human", "human_wait", "instruction_noted",
			"logistics_chase", "logistics_no_order", "logistics_no_order_sorry", "logistics_order_again", "logistics_resent", "logistics_shipped", "logistics_unpaid", "logistics_unshipped", "media_no_case", "media_received",
			"menu", "no_send_back", "not_received", "noted", "nothing_to_cancel", "order_check", "order_closed", "order_conflict", "order_corrected", "order_corrected_later", "order_help", "order_later", "order_menu", "order_not_found", "order_not_yours", "order_unpaid", "order_unshipped", "other", "other_item_order", "person_order_noted", "phone_noted", "phone_passed", "platform_apply", "praised",
			"question", "question_closed", "question_late", "question_more", "question_more_closed", "question_rest", "refund_closed_check", "refund_or_return", "rejected", "released", "remedy_again", "remedy_later", "remedy_menu", "remedy_order", "request_changed", "request_corrected", "request_denied", "return_address", "return_address_later", "several_orders", "ship_late", "ship_late_closed", "status_ask_order", "status_order_again", "thanks", "to_merchant", "too_fast", "too_long", "unshipped_refunded", "unshipped_refunding", "verify_failed", "verify_order", "voice_passed", "waiting_buyer", "waiting_noted", "waiting_still", "welcome", "whoami", "withdrawn_after",
		}},
		{vocab.Alerts, []string{"buyer_replied", "buyer_said", "buyer_withdrew", "cancelled_by_buyer", "complaint", "followup", "goods_back", "human", "human_wait", "new_case", "overdue", "question", "question_wait", "reminder", "warn"}},
		{"", nil},
		{"Replies", nil},
		{"bogus", nil},
	}
	for _, tt := range tests {
		t.Run(tt.group, func(t *testing.T) {
			got := vocab.TemplateKeys(tt.group)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("TemplateKeys(%q)=%q, want %q", tt.group, got, tt.want)
			}
			if tt.want == nil && got != nil {
				t.Fatalf("TemplateKeys(%q)=%#v, want nil", tt.group, got)
			}
			for _, key := range got {
				if _, ok := vocab.TemplateFields(tt.group, key); !ok {
					t.Fatalf("TemplateFields(%q, %q) ok=false for a listed key, want true", tt.group, key)
				}
			}
		})
	}
}

func TestTemplateFields(t *testing.T) {
	tests := []struct {
		group, key string
		want       []string
		wantOK     bool
	}{
		{vocab.Replies, "welcome", []string{"Shop"}, true},
		{vocab.Replies, "case_opened", []string{"CaseID", "Intent", "OrderID", "Deadline"}, true},
		{vocab.Replies, "logistics_shipped", []string{"OrderID", "Courier", "TrackingNo", "Logistics"}, true},
		{vocab.Replies, "rejected", []string{"CaseID", "Intent", "Reason"}, true},
		{vocab.Replies, "too_long", []string{"Max"}, true},
		{vocab.Replies, "other", []string{}, true},
		{vocab.Alerts, "new_case", []string{"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Deadline", "Left", "Text"}, true},
		{vocab.Alerts, "warn", []string{"CaseID", "Shop", "Intent", "OrderID", "Buyer", "Deadline", "Left"}, true},
		{vocab.Alerts, "cancelled_by_buyer", []string{"CaseID", "Buyer"}, true},
		{vocab.Replies, "new_case", nil, false}, // an alert, not a reply
		{vocab.Alerts, "welcome", nil, false},   // a reply, not an alert
		{vocab.Replies, "", nil, false},
		{vocab.Replies, "Welcome", nil, false},
		{"bogus", "welcome", nil, false},
		{"", "warn", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.group+"."+tt.key, func(t *testing.T) {
			got, ok := vocab.TemplateFields(tt.group, tt.key)
			if ok != tt.wantOK {
				t.Fatalf("TemplateFields(%q, %q) ok=%v, want %v", tt.group, tt.key, ok, tt.wantOK)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("TemplateFields(%q, %q)=%q, want %q", tt.group, tt.key, got, tt.want)
			}
		})
	}
}

func TestTemplateFieldsFreshEachCall(t *testing.T) {
	got, _ := vocab.TemplateFields(vocab.Replies, "welcome")
	got[0] = "changed"
	if again, _ := vocab.TemplateFields(vocab.Replies, "welcome"); again[0] != "Shop" {
		t.Fatalf("TemplateFields after changing a copy=%q, want [Shop]", again)
	}
}

func TestTemplateFuncs(t *testing.T) {
	tests := []struct {
		name string
		tmpl string
		data any
		want string
	}{
		{"deadline", `{{deadline .}}`, time.Date(2024, 11, 28, 10, 0, 0, 0, time.UTC), "11月28日 18:00"},
		{"deadline zero", `{{deadline .}}`, time.Time{}, "待定"},
		{"left", `{{left .}}`, 5*hour + 20*mins, "5小时20分"},
		{"left late", `{{left .}}`, -2 * hour, "已超时2小时"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := template.New("t").Funcs(vocab.TemplateFuncs()).Parse(tt.tmpl)
			if err != nil {
				t.Fatalf("Parse(%q) err=%v, want nil", tt.tmpl, err)
			}
			var b strings.Builder
			if err := tpl.Execute(&b, tt.data); err != nil {
				t.Fatalf("Execute err=%v, want nil", err)
			}
			if got := b.String(); got != tt.want {
				t.Fatalf("%s=%q, want %q", tt.tmpl, got, tt.want)
			}
		})
	}
	if n := len(vocab.TemplateFuncs()); n != 2 {
		t.Fatalf("len(TemplateFuncs())=%d, want 2", n)
	}
}
