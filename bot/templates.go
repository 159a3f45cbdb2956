package bot

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"text/template"
	"time"
)

// ReplyKeys are the reply templates the engine uses; every one must be configured.
var replyKeys = []string{
	"welcome", "greeting", "menu", "ask_order", "ask_photo", "order_not_found", "case_opened",
	"case_updated", "complaint_opened", "logistics_shipped", "logistics_unshipped",
	"logistics_no_order", "human", "released", "cancelled", "nothing_to_cancel", "approved",
	"rejected", "other", "too_long", "empty", "media_received", "busy", "platform_apply",
	"waiting_buyer", "buyer_reminder",
}

// alertKeys are the merchant alert templates the engine uses.
var alertKeys = []string{"new_case", "warn", "overdue", "complaint", "cancelled_by_buyer"}

// ReplyKeys lists the reply template names the engine needs.
func ReplyKeys() []string { return slices.Clone(replyKeys) }

// AlertKeys lists the alert template names the engine needs.
func AlertKeys() []string { return slices.Clone(alertKeys) }

// data is what a template sees. Buyer text only ever arrives here as a field value, so
// "{{.Secret}}" typed by a buyer is printed, never executed.
type data struct {
	Shop       string
	Intent     string
	OrderID    string
	CaseID     string
	Courier    string
	TrackingNo string
	Logistics  string
	Reason     string
	Menu       string
	Buyer      string
	Text       string
	Deadline   time.Time
	Left       time.Duration
	Max        int
}

// templates is a parsed set of named templates.
type templates struct {
	group string // "replies" or "alerts", for error messages
	set   map[string]*template.Template
}

func parseTemplates(group string, src map[string]string, required []string, funcs template.FuncMap) (*templates, error) {
	t := &templates{group: group, set: map[string]*template.Template{}}
	for _, k := range required {
		if _, ok := src[k]; !ok {
			return nil, fmt.Errorf("%s.%s: missing template", group, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(src)) {
		tp, err := template.New(k).Funcs(funcs).Option("missingkey=error").Parse(src[k])
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", group, k, err)
		}
		// Execute once with sample data so a wrong field name fails at start-up, not
		// in front of a buyer.
		sample := data{Shop: "小店", Intent: "退款", OrderID: "1", CaseID: "A1", Deadline: time.Unix(0, 0), Left: time.Hour, Max: 1}
		if err := tp.Execute(&bytes.Buffer{}, sample); err != nil {
			return nil, fmt.Errorf("%s.%s: %w", group, k, err)
		}
		t.set[k] = tp
	}
	return t, nil
}

// render executes a template; on an error it falls back to a fixed sentence, because a
// buyer must never get an empty message.
func (t *templates) render(key string, d data) string {
	tp, ok := t.set[key]
	if !ok {
		return "收到，我们会尽快回复您。"
	}
	var b bytes.Buffer
	if err := tp.Execute(&b, d); err != nil || b.Len() == 0 {
		return "收到，我们会尽快回复您。"
	}
	return b.String()
}

// intentNames are the Chinese names buyers and merchants read.
func intentName(label string) string {
	switch label {
	case "refund":
		return "退款"
	case "return":
		return "退货退款"
	case "exchange":
		return "换货"
	case "complaint":
		return "投诉"
	case "logistics":
		return "物流"
	case "repair":
		return "维修"
	case "human":
		return "人工客服"
	case "cancel":
		return "撤销申请"
	case "greeting":
		return "问候"
	case "other":
		return "其他问题"
	}
	return label
}
