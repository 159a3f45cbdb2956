package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"
)

func defaults(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../config.toml")
	if err != nil {
		t.Fatalf("read ../config.toml: %v", err)
	}
	return b
}

// writeConfig writes content as config.toml in a fresh directory and returns its path.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaultConfig(t *testing.T) {
	c, err := Parse("config.toml", defaults(t))
	if err != nil {
		t.Fatalf("Parse(../config.toml): %v", err)
	}
	if len(c.Shops) != 1 || c.Shops[0].Platform != "manual" || c.Shops[0].OrderBook != "" {
		t.Errorf("Shops=%+v, want one manual shop on the sample book", c.Shops)
	}
	if !slices.Contains(c.Shops[0].Merchants, c.Console.Merchant) {
		t.Errorf("console.merchant %q not in shops[0].merchants %v: the chat demo could not run", c.Console.Merchant, c.Shops[0].Merchants)
	}
	if c.Store.Path != "aftersale.db" || c.Console.Buyer != "买家" || c.Console.Merchant != "店主" {
		t.Errorf("store/console = %+v %+v", c.Store, c.Console)
	}
	wantSLA := map[string]SLA{
		"default":   {RespondWithin: day, WarnBefore: []Duration{6 * hour, hour, 15 * minute}},
		"refund":    {RespondWithin: day, WarnBefore: []Duration{6 * hour, hour, 15 * minute}},
		"return":    {RespondWithin: day, WarnBefore: []Duration{6 * hour, hour, 15 * minute}},
		"exchange":  {RespondWithin: day, WarnBefore: []Duration{6 * hour, hour, 15 * minute}},
		"repair":    {RespondWithin: day, WarnBefore: []Duration{6 * hour, hour, 15 * minute}},
		"complaint": {RespondWithin: 2 * hour, WarnBefore: []Duration{hour, 15 * minute}, AlertNow: true},
		"logistics": {RespondWithin: 2 * day, WarnBefore: []Duration{6 * hour, hour}},
		"question":  {RespondWithin: 15 * minute, WarnBefore: []Duration{12 * minute, 5 * minute}},
		"human":     {RespondWithin: 30 * minute, WarnBefore: []Duration{20 * minute, 10 * minute}},
	}
	if len(c.SLA) != len(wantSLA) {
		t.Errorf("SLA has %d entries, want %d", len(c.SLA), len(wantSLA))
	}
	for k, want := range wantSLA {
		got := c.SLA[k]
		if got.RespondWithin != want.RespondWithin || !slices.Equal(got.WarnBefore, want.WarnBefore) || got.AlertNow != want.AlertNow {
			t.Errorf("SLA[%s]=%+v, want %+v", k, got, want)
		}
	}
}

// TestDefaultTemplatesRender runs every default template on full data, as the engine
// will, and checks the output is phone-sized and complete.
func TestDefaultTemplatesRender(t *testing.T) {
	c, err := Parse("config.toml", defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	data := struct {
		Shop, Intent, OrderID, CaseID, Courier, TrackingNo, Logistics, Reason, Menu, Buyer, Text, Status, Media, Address string
		Deadline                                                                                                         time.Time
		Left, Waited                                                                                                     time.Duration
		Max                                                                                                              int
	}{"小满杂货铺", "退款", "4705288465508532862", "A12", "中通快递", "789", "【杭州】已签收", "已影响二次销售", "1. 退款\n2. 退货", "晴天小鱼", "杯子碎了", "店主已同意", "语音", "王小满 13800000000 浙江省杭州市余杭区文一西路 998 号", time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), 5*time.Hour + 20*time.Minute, 3 * time.Minute, 500}
	for group, m := range map[string]map[string]string{"replies": c.Replies, "alerts": c.Alerts} {
		for k, src := range m {
			tp := template.Must(template.New(k).Funcs(TemplateFuncs()).Option("missingkey=error").Parse(src))
			var b bytes.Buffer
			if err := tp.Execute(&b, data); err != nil {
				t.Errorf("%s.%s: %v", group, k, err)
				continue
			}
			out := b.String()
			if strings.Contains(out, "<no value>") || strings.Count(out, "\n") > 3 || !strings.ContainsFunc(out, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("%s.%s renders %q: want 1–4 lines of Chinese text", group, k, out)
			}
		}
	}
	if !strings.Contains(c.Replies["case_opened"], "{{deadline .Deadline}}") {
		t.Errorf("case_opened should show the deadline")
	}
}

const (
	minute = Duration(time.Minute)
	hour   = Duration(time.Hour)
	day    = 24 * hour
)

func TestLoadErrors(t *testing.T) {
	shop := "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = [\"m\"]\n"
	tests := []struct {
		name    string
		file    string
		key     string
		line    int
		msg     string // substring of Error()
		noFile  bool   // the error is located in no file line (missing key)
		secrets []string
	}{
		{name: "syntax", file: "[store]\npath = \"a.db\n", line: 2, msg: "newline"},
		{name: "syntax table", file: "[store\npath = \"a\"\n", line: 2, msg: "expected"},
		{name: "unknown key", file: "[store]\npath = \"a.db\"\npaht = \"b\"\n", key: "store.paht", line: 3, msg: "unknown key"},
		{name: "key in wrong case", file: "[store]\nPath = \"a.db\"\n", key: "store.Path", line: 2, msg: `unknown key (did you mean "path"?)`},
		{name: "key in wrong case in array", file: shop + "[[shops]]\nid = \"s2\"\nName = \"x\"\n", key: "shops[1].Name", line: 8, msg: `did you mean "name"`},
		{name: "key in wrong case in map", file: "[sla.refund]\nRespond_Within = \"3h\"\n", key: "sla.refund.Respond_Within", line: 2, msg: `did you mean "respond_within"`},
		{name: "unknown table", file: "\n[stores]\npath = \"a.db\"\n", key: "stores", line: 2, msg: "unknown key"},
		{name: "unknown key in second shop", file: shop + "[[shops]]\nid = \"s2\"\nnmae = \"x\"\n", key: "shops[1].nmae", line: 8, msg: "unknown key"},
		{name: "wrong type", file: "[store]\npath = 5\n", key: "store.path", line: 2, msg: "incompatible types"},
		{name: "bad duration", file: "[sla.refund]\n\nrespond_within = \"3x\"\n", key: "sla.refund.respond_within", line: 3, msg: `sla.refund.respond_within: invalid duration "3x"`},
		{name: "bad warn duration", file: "[sla.refund]\nrespond_within = \"3h\"\nwarn_before = [\"1h\", \"-5m\"]\n", key: "sla.refund.warn_before", line: 3, msg: `invalid duration "-5m"`},
		{name: "warn not before deadline", file: "[sla.refund]\nrespond_within = \"3h\"\nwarn_before = [\"1h\", \"3h\"]\n", key: "sla.refund.warn_before", line: 3, msg: "3h is not shorter than respond_within 3h"},
		{name: "warn twice", file: "[sla.refund]\nrespond_within = \"3h\"\nwarn_before = [\"1h\", \"60m\"]\n", key: "sla.refund.warn_before", line: 3, msg: "1h is listed twice"},
		{name: "zero respond_within", file: "[sla.refund]\nrespond_within = \"0s\"\n", key: "sla.refund.respond_within", line: 2, msg: "more than 0"},
		{name: "unknown SLA key", file: "[sla.refnud]\nrespond_within = \"3h\"\n", key: "sla.refnud", line: 1, msg: `unknown SLA key "refnud"`},
		{name: "llm without model", file: "[llm]\nbase_url = \"https://api.deepseek.com/v1\"\n", key: "llm.model", line: 1, msg: "is empty"},
		{name: "llm over plain http", file: "[llm]\nbase_url = \"http://api.example.com/v1\"\nmodel = \"m\"\n", key: "llm.base_url", line: 2, msg: "plain http"},
		{name: "llm model without endpoint", file: "[llm]\nmodel = \"m\"\n", key: "llm.base_url", line: 1, msg: "is empty but"},
		{name: "llm slow", file: "[llm]\nbase_url = \"http://127.0.0.1:11434/v1\"\nmodel = \"qwen\"\ntimeout = \"1m\"\n", key: "llm.timeout", line: 4, msg: "between 0"},
		{name: "unknown reply key", file: "[replies]\nwelcom = \"hi\"\n", key: "replies.welcom", line: 2, msg: "unknown replies key"},
		{name: "unknown alert key", file: "[alerts]\nsnoozed = \"hi\"\n", key: "alerts.snoozed", line: 2, msg: "unknown alerts key"},
		{name: "template syntax", file: "[replies]\n# c\nwelcome = \"欢迎 {{.Shop\"\n", key: "replies.welcome", line: 3, msg: "template does not parse"},
		{name: "template unknown func", file: "[alerts]\nwarn = \"{{due .Deadline}}\"\n", key: "alerts.warn", line: 2, msg: `function "due" not defined`},
		{name: "template field of another key", file: "[replies]\nwelcome = \"{{.OrderID}}\"\n", key: "replies.welcome", line: 2, msg: "uses .OrderID, which is not available here (available: .Shop)"},
		{name: "template field in if", file: "[replies]\nempty = \"{{if .Shop}}x{{end}}\"\n", key: "replies.empty", line: 2, msg: "uses .Shop"},
		{name: "template empty", file: "[replies]\nbusy = \"  \"\n", key: "replies.busy", line: 2, msg: "is empty"},
		{name: "no shops", file: "store.path = \"a.db\"\nshops = []\n", key: "shops", line: 2, msg: "no shops configured"},
		{name: "duplicate shop id", file: shop + "[[shops]]\nid = \"s1\"\nname = \"店2\"\nplatform = \"manual\"\nmerchants = [\"m\"]\n", key: "shops[1].id", line: 7, msg: `"s1" is already used by shops[0]`},
		{name: "bad shop id", file: "[[shops]]\nid = \"My Shop\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = [\"m\"]\n", key: "shops[0].id", line: 2, msg: `"My Shop" is not a valid shop id`},
		{name: "long shop id", file: "[[shops]]\nid = \"" + strings.Repeat("a", 33) + "\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = [\"m\"]\n", key: "shops[0].id", line: 2, msg: "not a valid shop id"},
		{name: "unknown platform", file: shop[:len(shop)-len("platform = \"manual\"\nmerchants = [\"m\"]\n")] + "platform = \"pdd\"\nmerchants = [\"m\"]\n", key: "shops[0].platform", line: 4, msg: `unknown platform "pdd"`},
		{name: "no merchants", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = []\n", key: "shops[0].merchants", line: 5, msg: "no merchant accounts"},
		{name: "merchants missing", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"manual\"\n", key: "shops[0].merchants", line: 1, msg: "no merchant accounts"},
		{name: "merchant twice", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = [\"m\", \"m\"]\n", key: "shops[0].merchants[1]", line: 5, msg: "listed twice"},
		{name: "order book missing", file: shop + "order_book = \"nope.csv\"\n", key: "shops[0].order_book", line: 6, msg: "nope.csv\" does not exist"},
		{name: "order book on api platform", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"douyin\"\nmerchants = [\"m\"]\norder_book = \"x.csv\"\n", key: "shops[0].order_book", line: 6, msg: "only used by platform manual"},
		{name: "platform section missing", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"douyin\"\nmerchants = [\"m\"]\n", key: "shops[0].douyin", line: 1, msg: "needs a [shops.douyin] section"},
		{name: "platform credential empty", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"taobao\"\nmerchants = [\"m\"]\n[shops.taobao]\napp_key = \"1\"\napp_secret = \"${AFTERSALE_TEST_SECRET}\"\nsession = \"\"\n", key: "shops[0].taobao.session", line: 9, msg: "required for platform taobao", secrets: []string{"Top Secret"}},
		{name: "other platform section", file: shop + "[shops.kuaishou]\napp_key = \"k\"\n", key: "shops[0].kuaishou", line: 6, msg: "only used by platform kuaishou"},
		{name: "bad sign method", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"douyin\"\nmerchants = [\"m\"]\n[shops.douyin]\napp_key = \"1\"\napp_secret = \"2\"\naccess_token = \"3\"\nsign_method = \"sha1\"\n", key: "shops[0].douyin.sign_method", line: 10, msg: "want hmac-sha256 or md5"},
		{name: "webhook url", file: "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"webhook\"\nmerchants = [\"m\"]\n[shops.webhook]\nurl = \"ftp://x\"\nsecret = \"s\"\n", key: "shops[0].webhook.url", line: 7, msg: "http"},
		{name: "sink type", file: "[[notify]]\ntype = \"slack\"\n", key: "notify[0].type", line: 2, msg: "unknown sink type"},
		{name: "sink key", file: "[[notify]]\ntype = \"wecom\"\nlevel = \"warn\"\n", key: "notify[0].key", line: 1, msg: "required for a wecom sink"},
		{name: "sink level", file: "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\nlevel = \"loud\"\n", key: "notify[0].level", line: 4, msg: "want info, warn or urgent"},
		{name: "escalation order", file: "[escalation]\ngroup_within = \"10m\"\nall_within = \"15m\"\n", key: "escalation.all_within", line: 3, msg: "shorter than escalation.group_within"},
		{name: "env unset", file: "[[shops]]\nid = \"s1\"\nname = \"${AFTERSALE_TEST_UNSET}\"\nplatform = \"manual\"\nmerchants = [\"m\"]\n", key: "shops[0].name", line: 3, msg: "environment variable AFTERSALE_TEST_UNSET is not set"},
		{name: "env empty", file: "[store]\nurl = \"${AFTERSALE_TEST_EMPTY}\"\n", key: "store.url", line: 2, msg: "environment variable AFTERSALE_TEST_EMPTY is empty"},
		{name: "env value not printed", file: "[[shops]]\nid = \"${AFTERSALE_TEST_SECRET}\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = [\"m\"]\n", key: "shops[0].id", line: 2, msg: "(value from the environment) is not a valid shop id", secrets: []string{"Top Secret"}},
		{name: "menu_below", file: "[intents]\nmenu_below = 1.5\n", key: "intents.menu_below", line: 2, msg: "outside 0..1"},
		{name: "example label", file: "[intents]\nexamples = [\n  { label = \"refund\", text = \"退钱\" },\n  { label = \"refun\", text = \"退钱\" },\n]\n", key: "intents.examples[1].label", line: 4, msg: `unknown label "refun"`},
		{name: "example text", file: "[intents]\nexamples = [{ label = \"refund\", text = \"\" }]\n", key: "intents.examples[0].text", line: 2, msg: "is empty"},
		{name: "empty store path", file: "[store]\npath = \"\"\n", key: "store.path", line: 2, msg: "is empty"},
		{name: "store url not postgres", file: "[store]\nurl = \"mysql://h/db\"\n", key: "store.url", line: 2, msg: "postgres://"},
		{name: "store url no database", file: "[store]\nurl = \"postgres://u@h:5432\"\n", key: "store.url", line: 2, msg: "no database"},
		{name: "store url password in file", file: "[store]\nurl = \"postgres://u:TopSecret@h/db\"\n", key: "store.url", line: 2, msg: "holds a password", secrets: []string{"TopSecret"}},
	}
	t.Setenv("AFTERSALE_TEST_SECRET", "Top Secret")
	t.Setenv("AFTERSALE_TEST_EMPTY", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file)
			_, err := Load(path, defaults(t))
			// Every problem is reported (issue 16, item 11): a mistake may bring others
			// (a misspelt name leaves the name empty); the one named here must be among them.
			e := problem(err, tt.key)
			if e == nil {
				t.Fatalf("Load err=%v, want an *Error on key %q", err, tt.key)
			}
			if e.File != path || e.Key != tt.key || e.Line != tt.line {
				t.Errorf("at %s:%d key %q, want %s:%d key %q (%v)", e.File, e.Line, e.Key, path, tt.line, tt.key, err)
			}
			if !strings.Contains(e.Error(), tt.msg) {
				t.Errorf("err=%q, want it to contain %q", e, tt.msg)
			}
			prefix := path + ":" + itoa(tt.line) + ": "
			if tt.key != "" {
				prefix += tt.key + ": "
			}
			if !strings.HasPrefix(e.Error(), prefix) {
				t.Errorf("err=%q, want prefix %q", e, prefix)
			}
			for _, s := range tt.secrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("err=%q leaks %q", err, s)
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// problem returns the problem err reports on key: err itself if it is one *Error, else
// the one among Errors.
func problem(err error, key string) *Error {
	switch e := err.(type) {
	case *Error:
		if e.Key == key {
			return e
		}
	case Errors:
		for _, p := range e {
			if p.Key == key {
				return p
			}
		}
	}
	return nil
}

// TestParseErrors covers what only a whole document can get wrong, since Load fills
// missing keys from the defaults.
func TestParseErrors(t *testing.T) {
	def := string(defaults(t))
	// A missing key points at its table's header.
	tests := []struct {
		name, from, to string
		key, msg       string
		header         string
	}{
		{"missing SLA default", "[sla.default]", "[sla.cancel]", "sla.default", "missing", "[sla.cancel]"},
		{"missing reply", "\nbusy = ", "\n# busy = ", "replies.busy", "missing", "[replies]"},
		{"missing alert", "\nwarn = ", "\n# warn = ", "alerts.warn", "missing", "[alerts]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(def, tt.from) {
				t.Fatalf("config.toml has no %q", tt.from)
			}
			doc := strings.Replace(def, tt.from, tt.to, 1)
			line := 1 + strings.Count(doc[:strings.Index(doc, "\n"+tt.header)+1], "\n")
			_, err := Parse("embedded", []byte(doc))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err=%v, want *Error", err)
			}
			if e.File != "embedded" || e.Key != tt.key || e.Line != line || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("err=%+v, want embedded:%d, key %s, msg %q", e, line, tt.key, tt.msg)
			}
			if want := "embedded:" + itoa(line) + ": " + tt.key + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Error()=%q, want prefix %q", err, want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.toml")
	_, err := Load(path, defaults(t))
	var e *Error
	if !errors.As(err, &e) || e.File != path || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err=%v, want *Error on %s wrapping ErrNotExist", err, path)
	}
}

func TestEnvExpansion(t *testing.T) {
	t.Setenv("AFTERSALE_TEST_NAME", "环境店")
	t.Setenv("AFTERSALE_TEST_BOSS", "boss-wxid")
	t.Setenv("AFTERSALE_TEST_DB", "/var/lib/aftersale/x.db")
	t.Setenv("AFTERSALE_TEST_HELLO", "你好 {{.Shop}}")
	path := writeConfig(t, `
[store]
path = "${AFTERSALE_TEST_DB}"
[[shops]]
id = "s1"
name = "${AFTERSALE_TEST_NAME}"
platform = "manual"
merchants = ["店主", "${AFTERSALE_TEST_BOSS}"]
[replies]
welcome = "${AFTERSALE_TEST_HELLO}"
greeting = "not ${AFTERSALE_TEST_NAME} exactly"
`)
	c, err := Load(path, defaults(t))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	got := []string{c.Store.Path, c.Shops[0].Name, c.Shops[0].Merchants[1], c.Replies["welcome"], c.Replies["greeting"]}
	want := []string{"/var/lib/aftersale/x.db", "环境店", "boss-wxid", "你好 {{.Shop}}", "not ${AFTERSALE_TEST_NAME} exactly"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "default_orders.csv")
	if err := os.WriteFile(book, []byte("order_id,status\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Custom defaults whose shop has an order book, to see that a file's [[shops]]
	// replaces the array rather than merging into its elements.
	def := strings.Replace(string(defaults(t)), `order_book = ""`, `order_book = "`+filepath.ToSlash(book)+`"`, 1)
	path := writeConfig(t, `
[[shops]]
id = "other"
name = "别的店"
platform = "manual"
merchants = ["老板"]

[sla.refund]
respond_within = "12h"

[sla.return]
respond_within = "3h"

[sla.exchange]
respond_within = "24h"
warn_before = []

[sla.human]
respond_within = "30m"
warn_before = ["5m", "20m", "10m"]

[replies]
welcome = "新的欢迎语 {{.Shop}}"
`)
	c, err := Load(path, []byte(def))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(c.Shops) != 1 || c.Shops[0].ID != "other" || c.Shops[0].OrderBook != "" || !slices.Equal(c.Shops[0].Merchants, []string{"老板"}) {
		t.Errorf("Shops=%+v, want only the file's shop, with no order book", c.Shops)
	}
	if c.Replies["welcome"] != "新的欢迎语 {{.Shop}}" || c.Replies["busy"] == "" || len(c.Replies) != len(ReplyKeys()) {
		t.Errorf("replies did not merge key by key: welcome=%q busy=%q n=%d", c.Replies["welcome"], c.Replies["busy"], len(c.Replies))
	}
	tests := []struct {
		key    string
		within Duration
		warn   []Duration
	}{
		{"refund", 12 * hour, []Duration{6 * hour, hour, 15 * minute}}, // inherits default's warnings
		{"return", 3 * hour, []Duration{hour, 15 * minute}},            // only those that fit
		{"exchange", day, []Duration{}},                                // explicitly none
		{"human", 30 * minute, []Duration{20 * minute, 10 * minute, 5 * minute}},
		{"complaint", 2 * hour, []Duration{hour, 15 * minute}}, // untouched default entry
	}
	for _, tt := range tests {
		got := c.SLA[tt.key]
		if got.RespondWithin != tt.within || !slices.Equal(got.WarnBefore, tt.warn) {
			t.Errorf("SLA[%s]=%v %v, want %v %v", tt.key, got.RespondWithin, got.WarnBefore, tt.within, tt.warn)
		}
	}
	if !c.SLA["complaint"].AlertNow {
		t.Errorf("complaint lost alert_now")
	}
}

func TestRelativePaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop")
	if err := os.MkdirAll(filepath.Join(dir, "books"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "books", "orders.csv"), []byte("order_id,status\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(t.TempDir(), "abs.db")
	tests := []struct {
		name, file, store, book string
	}{
		{"relative", "[store]\npath = \"data/a.db\"\n[[shops]]\nid = \"s\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = [\"m\"]\norder_book = \"books/orders.csv\"\n",
			filepath.Join(dir, "data", "a.db"), filepath.Join(dir, "books", "orders.csv")},
		{"default store path lands next to the file", "[[shops]]\nid = \"s\"\nname = \"店\"\nplatform = \"manual\"\nmerchants = [\"m\"]\n",
			filepath.Join(dir, "aftersale.db"), ""},
		{"absolute", "[store]\npath = \"" + filepath.ToSlash(abs) + "\"\n", abs, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "config.toml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, defaults(t))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Store.Path != tt.store || c.Shops[0].OrderBook != tt.book {
				t.Errorf("store=%q book=%q, want %q %q", c.Store.Path, c.Shops[0].OrderBook, tt.store, tt.book)
			}
		})
	}
	// The embedded default resolves against the working directory: paths stay relative.
	c, err := Parse("embedded", defaults(t))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Store.Path != "aftersale.db" {
		t.Errorf("Parse store=%v, want aftersale.db", c.Store.Path)
	}
}

func TestValidateProgrammatic(t *testing.T) {
	c, err := Parse("config.toml", defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	c.Shops = append(c.Shops, c.Shops[0])
	err = c.Validate()
	var e *Error
	if !errors.As(err, &e) || e.Key != "shops[1].id" {
		t.Fatalf("Validate()=%v, want a duplicate id at shops[1].id", err)
	}
}

// Secrets in a platform section come from the environment like any other value.
func TestEnvInPlatformSection(t *testing.T) {
	t.Setenv("AFTERSALE_TEST_DOUYIN_SECRET", "s3cret")
	path := writeConfig(t, "[[shops]]\nid = \"s1\"\nname = \"店\"\nplatform = \"douyin\"\nmerchants = [\"m\"]\n[shops.douyin]\napp_key = \"k\"\napp_secret = \"${AFTERSALE_TEST_DOUYIN_SECRET}\"\naccess_token = \"t\"\n")
	c, err := Load(path, defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Shops[0].Douyin.AppSecret; got != "s3cret" {
		t.Fatalf("AppSecret=%q, want the environment's value", got)
	}
}

// A key written in the shop's file replaces the default's in every table, not only the
// ones with their own merge rule ([orders] verify_owner = false was once ignored).
func TestOverridesEveryTable(t *testing.T) {
	path := writeConfig(t, "[orders]\nverify_owner = false\n[limits]\nburst = 7\n[store]\nretention_days = 3\n[push]\nfailures_per_minute = 5\n"+
		"[llm]\nbase_url = \"http://localhost:11434/v1\"\nmodel = \"qwen2.5\"\n")
	c, err := Load(path, defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.Orders.VerifyOwner || c.Limits.Burst != 7 || c.Limits.MessagesPerMinute == 0 || c.Store.RetentionDays != 3 || c.Store.Path == "" ||
		c.Push.FailuresPerMinute != 5 || c.LLM.Model != "qwen2.5" {
		t.Fatalf("overrides not applied (or defaults lost): orders %+v limits %+v store %+v push.failures %d llm %+v", c.Orders, c.Limits, c.Store, c.Push.FailuresPerMinute, c.LLM)
	}
}

// A file with several mistakes reports them all in one run, in the file's order: values
// the decoder refuses, unknown keys and failed checks alike (issue 16, item 11).
func TestLoadReportsEveryProblemInFileOrder(t *testing.T) {
	file := `[store]
max_mb = -1
[sla.refund]
respond_within = "3x"
[[shops]]
id = "s1"
name = "店"
platform = "pdd"
merchants = ["m"]
[[notify]]
type = "wecom"
key = "k"
level = "loud"
[replies]
welcom = "hi"
`
	path := writeConfig(t, file)
	_, err := Load(path, defaults(t))
	var all Errors
	if !errors.As(err, &all) {
		t.Fatalf("Load err=%v (%T), want Errors", err, err)
	}
	want := []struct {
		line int
		key  string
	}{{2, "store.max_mb"}, {4, "sla.refund.respond_within"}, {8, "shops[0].platform"}, {13, "notify[0].level"}, {15, "replies.welcom"}}
	if len(all) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(all), len(want), err)
	}
	for i, w := range want {
		if all[i].File != path || all[i].Line != w.line || all[i].Key != w.key {
			t.Errorf("problem %d at %s:%d %s, want line %d %s", i, all[i].File, all[i].Line, all[i].Key, w.line, w.key)
		}
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != len(want) {
		t.Errorf("Error() has %d lines, want one a problem:\n%s", len(lines), err)
	}
}

// Mistakes in the same section, and in the same shop, are all reported too.
func TestLoadReportsEveryProblemInASection(t *testing.T) {
	file := `[store]
path = ""
max_mb = -1
[[shops]]
id = "My Shop"
name = ""
platform = "pdd"
merchants = ["m", "m"]
[business_hours]
start = "9点"
end = "25:00"
`
	path := writeConfig(t, file)
	_, err := Load(path, defaults(t))
	var all Errors
	if !errors.As(err, &all) {
		t.Fatalf("Load err=%v (%T), want Errors", err, err)
	}
	var got []string
	for _, e := range all {
		got = append(got, itoa(e.Line)+" "+e.Key)
	}
	want := []string{"2 store.path", "3 store.max_mb", "5 shops[0].id", "6 shops[0].name", "7 shops[0].platform", "8 shops[0].merchants[1]",
		"10 business_hours.start", "11 business_hours.end"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s\n(%v)", strings.Join(got, "\n"), strings.Join(want, "\n"), err)
	}
}

// TestSLAEntryMergesKeyByKey: a file that writes one key of an SLA entry keeps the
// default entry's other keys (the README's "write only what you change").
func TestSLAEntryMergesKeyByKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.toml")
	if err := os.WriteFile(path, []byte("[sla.refund]\nwarn_before = [\"2h\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, defaults(t))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	base, err := Parse("config.toml", defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	got, want := c.SLA["refund"], base.SLA["refund"]
	if got.RespondWithin != want.RespondWithin || len(got.WarnBefore) != 1 || time.Duration(got.WarnBefore[0]) != 2*time.Hour {
		t.Fatalf("sla.refund = %+v, want respond_within %v kept and warn_before [2h]", got, want.RespondWithin)
	}
}
