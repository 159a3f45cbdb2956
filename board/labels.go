package board

import (
	"strings"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// reasonName is why the buyer wants a remedy, in the merchant's words; "" for none. The
// codes are intents' (ExtractSlots); an unknown one shows as stored rather than vanish.
func reasonName(r intents.Reason) string {
	switch r {
	case "":
		return ""
	case intents.ReasonQuality:
		return "质量问题"
	case intents.ReasonDamaged:
		return "破损"
	case intents.ReasonWrongItem:
		return "发错货"
	case intents.ReasonMissingPart:
		return "少件/漏发"
	case intents.ReasonNotAsDescribed:
		return "与描述不符"
	case intents.ReasonSize:
		return "尺码不合适"
	case intents.ReasonNoReason:
		return "七天无理由"
	case intents.ReasonLate:
		return "发货/物流太慢"
	}
	return string(r)
}

// platformName is a shop platform as the merchant calls it (config shops.platform).
func platformName(p string) string {
	switch p {
	case "manual":
		return "手工登记（无平台接口）"
	case "douyin":
		return "抖店"
	case "kuaishou":
		return "快手小店"
	case "taobao":
		return "淘宝/天猫"
	case "webhook":
		return "自建系统（webhook）"
	}
	return p
}

// platformEvent writes a platform-sync event in Chinese. The worker records them in
// English (worker/jobs.go: "<job>: linked <platform> <id>", "<job>: skipped: case <state>",
// "<job>: decision sent", "buyer has not applied yet"; worker/push.go: "<platform> <kind>
// <after-sale id>"); anything else is shown as recorded.
func platformEvent(text string) string {
	if text == "buyer has not applied yet" {
		return "买家还没在平台上申请售后（已告诉买家怎么申请，稍后再查）"
	}
	job, note, ok := strings.Cut(text, ": ")
	if ok && (job == cases.JobOpenCase || job == cases.JobResolve) {
		what := "登记到平台"
		if job == cases.JobResolve {
			what = "把处理结果同步到平台"
		}
		switch {
		case note == "decision sent":
			return "处理结果已同步到平台"
		case strings.HasPrefix(note, "linked "):
			f := strings.Fields(strings.TrimPrefix(note, "linked "))
			out := "已登记到平台"
			if len(f) > 0 {
				out += "：" + platformName(f[0])
			}
			if len(f) > 1 {
				out += "，平台售后单号 " + f[1]
			}
			return out
		case strings.HasPrefix(note, "skipped: case "):
			return "没有" + what + "：售后单已是「" + cases.State(strings.TrimPrefix(note, "skipped: case ")).Label() + "」"
		}
		return what + "：" + note
	}
	if f := strings.Fields(text); len(f) == 3 {
		if kind, ok := pushKindName(f[1]); ok {
			return platformName(f[0]) + "通知：" + kind + "（平台售后单号 " + f[2] + "）"
		}
	}
	return text
}

// pushKindName is an adapters.EventKind (adapters/push.go) in Chinese.
func pushKindName(k string) (string, bool) {
	switch k {
	case "created":
		return "买家在平台申请了售后", true
	case "updated":
		return "平台上的售后有变化", true
	case "deadline":
		return "平台的处理期限变了", true
	case "closed":
		return "平台上的售后已关闭", true
	}
	return "", false
}

// eventText is a case-log entry's text in Chinese where the code recorded English or a
// code: the intent a case opened with (cases/tx.go), what a buyer's message changed
// (bot: "asked where it stands", "grievance: urgent", "order <id>", "repeated request",
// "goods sent back: <waybill>"),
// an alert not sent or sent to the buyer (worker/alerts.go), platform syncs
// (platformEvent) and state changes (stateChange). Free text is shown as recorded.
func eventText(e cases.Event) string {
	switch e.Kind {
	case cases.EventOpened:
		return intentName(e.Text)
	case cases.EventState:
		return stateChange(e)
	case cases.EventPlatform:
		return platformEvent(e.Text)
	case cases.EventUpdated:
		switch {
		case e.Text == "asked where it stands":
			return "买家问了处理进度"
		case e.Text == cases.GrievanceUrgent:
			return "买家不满意，已加急"
		case e.Text == "repeated request":
			return "买家又提了一次同样的请求"
		case strings.HasPrefix(e.Text, "order "):
			return "买家补充了订单号 " + strings.TrimPrefix(e.Text, "order ")
		case strings.HasPrefix(e.Text, "goods sent back: "):
			// bot.waybillEvent: the waybill of goods the buyer sent back
			return "买家已寄回，快递单号 " + strings.TrimPrefix(e.Text, "goods sent back: ")
		case strings.HasPrefix(e.Text, "request changed: "):
			// cases.Tx.ChangeIntent: "request changed: <old> → <new>"
			from, to, ok := strings.Cut(strings.TrimPrefix(e.Text, "request changed: "), " → ")
			if ok {
				return "改为" + intentName(to) + "（原为" + intentName(from) + "）"
			}
		}
	case cases.EventAlert:
		switch {
		case e.Text == "buyer reminded":
			return "已提醒买家"
		case strings.HasPrefix(e.Text, "skipped: case "):
			return "未发送：售后单已是「" + cases.State(strings.TrimPrefix(e.Text, "skipped: case ")).Label() + "」"
		}
	}
	return e.Text
}
