package bot

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"text/template"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/vocab"
)

// Data is what a reply or alert template sees; the fields each template may use are
// listed in package vocab. Buyer text only ever arrives here as a field value, so
// "{{.Secret}}" typed by a buyer is printed, never executed.
type Data struct {
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
	Waited     time.Duration // how long an inbox question has waited for the merchant
	Max        int
	Address    string // the shop's return address (收件人 电话 地址)
	Media      string // what a media message is, as the buyer calls it: 图片, 语音, 视频, 文件
	// Status is one sentence on where a case stands, written by the engine from the case
	// and the platform's status ("店主已同意，款项原路退回…").
	Status string
}

// Templates is a parsed set of named templates: the shop's replies or its alerts.
type Templates struct {
	group string // vocab.Replies or vocab.Alerts, for error messages
	set   map[string]*template.Template
}

// ParseTemplates parses the templates of group (vocab.Replies or vocab.Alerts) from src,
// name → text/template source. Every name vocab lists for the group is required, and
// every template is executed once on sample data, so a wrong field fails here, not in
// front of a buyer. Errors name the key ("replies.welcome: …").
func ParseTemplates(group string, src map[string]string, funcs template.FuncMap) (*Templates, error) {
	t := &Templates{group: group, set: map[string]*template.Template{}}
	for _, k := range vocab.TemplateKeys(group) {
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
		sample := Data{Shop: "小店", Intent: "退款", OrderID: "1", CaseID: "A1", Deadline: time.Unix(0, 0), Left: time.Hour, Max: 1}
		if err := tp.Execute(&bytes.Buffer{}, sample); err != nil {
			return nil, fmt.Errorf("%s.%s: %w", group, k, err)
		}
		t.set[k] = tp
	}
	return t, nil
}

// Render executes a template; on an error it falls back to a fixed sentence, because a
// buyer must never get an empty message.
func (t *Templates) Render(key string, d Data) string {
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

// intentName is the Chinese name of an intent label, as package intents keeps it.
func intentName(label string) string { return intents.Label(label).Chinese() }

// caseName is what a case is called to buyer and merchant alike: its request, as its
// reason names it ("补发" for an exchange of a missing part), the same word its alerts use.
func caseName(c *cases.Case) string {
	return intents.Label(c.Intent).ChineseFor(intents.Reason(c.Reason))
}
