// Package config loads and validates aftersale's one config file (config.toml).
//
// The embedded default config.toml is complete on its own; a user's file is decoded over
// it, so a shop only writes what it changes. Loading is strict: an unknown key, a bad
// value or a template that does not parse is an error that names the file, line and key,
// before anything starts. Other packages never import config: main translates these
// plain structs into each package's own options.
package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Config is the whole config file.
type Config struct {
	Store   Store   `toml:"store"`
	Console Console `toml:"console"`
	Intents Intents `toml:"intents"`
	Shops   []Shop  `toml:"shops"`
	Push    Push    `toml:"push"`
	WeChat  WeChat  `toml:"wechat"`
	// WeComKF is the 微信客服 channel (run -channel wecomkf).
	WeComKF WeComKF `toml:"wecomkf"`
	Web     Web     `toml:"web"`
	// Notify lists the merchant's alert sinks besides the chat itself.
	Notify     []Sink     `toml:"notify"`
	Escalation Escalation `toml:"escalation"`
	// Limits bound what one buyer can make the desk do.
	Limits Limits `toml:"limits"`
	// Orders sets who may act on an order in chat.
	Orders Orders `toml:"orders"`
	// LLM is an optional OpenAI-compatible model; off while BaseURL is "".
	LLM LLM `toml:"llm"`
	// BusinessHours and Calendar serve SLA entries counted in business hours or working days.
	BusinessHours BusinessHours `toml:"business_hours"`
	Calendar      Calendar      `toml:"calendar"`
	// SLA maps "default" or an intent label (refund, return, exchange, complaint,
	// logistics, repair, human, cancel, greeting, other) to its response rule.
	SLA map[string]SLA `toml:"sla"`
	// Replies are the buyer-facing text/template sources; the keys are fixed (ReplyKeys).
	Replies map[string]string `toml:"replies"`
	// Alerts are the merchant alert text/template sources; the keys are fixed (AlertKeys).
	Alerts map[string]string `toml:"alerts"`

	// srcs locates keys for error messages; secret marks keys filled from the environment,
	// whose values must never appear in an error.
	srcs   []source
	secret map[string]bool
}

// Store says where cases are kept.
type Store struct {
	// Path is the SQLite file; relative paths resolve against the config file's directory.
	Path string `toml:"path"`
	// MaxMB caps the database's size in megabytes; past it the store refuses writes as
	// on a full disk, and the merchant is told. 0 means no cap.
	MaxMB int64 `toml:"max_mb"`
	// RetentionDays is how long seen message ids, sent replies and finished deliveries
	// and jobs are kept; cases and their transcripts are kept for good. 0 = forever.
	RetentionDays int `toml:"retention_days"`
	// URL, when set, keeps cases in PostgreSQL instead of the SQLite file at Path:
	// postgres://user@host:5432/db?sslmode=verify-full, with the password in PGPASSWORD,
	// or the whole URL given as "${ENV}" (never a password written in the file). Several
	// instances may share one database (see README, 多实例).
	URL string `toml:"url"`
	// Instance names this process on the alert and job claims it holds in PostgreSQL;
	// the host name when empty. Instances on one host need names of their own.
	Instance string `toml:"instance"`
	// Lease is how long an instance's claim on an alert or platform job holds in
	// PostgreSQL: a dead instance's claims are sent again (marked 重发) by another after
	// it. 0 takes the default, 10s.
	Lease Duration `toml:"lease"`
}

// Location is where the store is: the PostgreSQL URL when set, else the SQLite path.
func (s Store) Location() string {
	if s.URL != "" {
		return s.URL
	}
	return s.Path
}

// Console is the terminal demo's pair of identities.
type Console struct {
	Buyer    string `toml:"buyer"`    // the buyer id typed lines come from
	Merchant string `toml:"merchant"` // the merchant id /m lines come from
}

// Intents tunes the classifier.
type Intents struct {
	// MenuBelow is the confidence under which the bot shows a numbered menu instead of
	// guessing; 0 keeps the classifier's own default.
	MenuBelow float64   `toml:"menu_below"`
	Examples  []Example `toml:"examples"`
}

// Example is one extra labelled message the shop teaches the classifier.
type Example struct {
	Label string `toml:"label"`
	Text  string `toml:"text"`
}

// Shop is one shop the process serves.
type Shop struct {
	ID        string   `toml:"id"`        // short, [a-z0-9_-]{1,32}, unique
	Name      string   `toml:"name"`      // shown to buyers
	Platform  string   `toml:"platform"`  // manual | webhook | douyin | kuaishou | taobao
	Merchants []string `toml:"merchants"` // accounts whose merchant commands are accepted
	// OrderBook is the manual platform's CSV file; "" means the built-in sample book.
	// Relative paths resolve against the config file's directory.
	OrderBook string `toml:"order_book"`
	// FAQ is the shop's common questions and answers (TOML, see faq/sample_faq.toml):
	// "sample" is the built-in demo FAQ, "" none. Relative paths resolve against the
	// config file's directory.
	FAQ string `toml:"faq"`
	// ReturnAddress is where buyers send goods back (收件人 电话 地址), told to the buyer
	// when a return or exchange is approved; "" says the shop will send it.
	ReturnAddress string `toml:"return_address"`

	// Credentials of the shop's platform: exactly the section named by Platform is set.
	Douyin   *Douyin   `toml:"douyin"`
	Kuaishou *Kuaishou `toml:"kuaishou"`
	Taobao   *Taobao   `toml:"taobao"`
	Webhook  *Webhook  `toml:"webhook"`
}

// Douyin holds a 抖店 shop's open-platform credentials.
type Douyin struct {
	AppKey      string `toml:"app_key"`
	AppSecret   string `toml:"app_secret"`
	AccessToken string `toml:"access_token"`
	SignMethod  string `toml:"sign_method"` // hmac-sha256 (default) or md5
	BaseURL     string `toml:"base_url"`    // "" = the official gateway
}

// Kuaishou holds a 快手小店 shop's open-platform credentials.
type Kuaishou struct {
	AppKey      string `toml:"app_key"`
	SignSecret  string `toml:"sign_secret"`
	AccessToken string `toml:"access_token"`
	// MessageKey decrypts pushes (base64 AES key); "" = pushes not used.
	MessageKey string `toml:"message_key"`
	SignMethod string `toml:"sign_method"` // HMAC_SHA256 (default) or MD5
	BaseURL    string `toml:"base_url"`
}

// Taobao holds a 淘宝/天猫 shop's TOP credentials.
type Taobao struct {
	AppKey     string `toml:"app_key"`
	AppSecret  string `toml:"app_secret"`
	Session    string `toml:"session"`     // the shop's access token
	SignMethod string `toml:"sign_method"` // hmac-sha256 (default), hmac or md5
	// TMCPoll is how often to pull TMC messages; 0 = do not pull.
	TMCPoll  Duration `toml:"tmc_poll"`
	TMCGroup string   `toml:"tmc_group"`
	BaseURL  string   `toml:"base_url"`
}

// Webhook is the shop's own system, reached by signed JSON POSTs.
type Webhook struct {
	URL    string `toml:"url"`
	Secret string `toml:"secret"`
}

// Sink is one place merchant alerts go: a group robot or the shop's own endpoint.
type Sink struct {
	Type string `toml:"type"` // wecom | dingtalk | feishu | webhook
	Name string `toml:"name"` // shown in logs; default type + index
	// Level is the lowest alert level this sink receives: info (every alert), warn (a
	// deadline within escalation.group_within) or urgent (within all_within, overdue,
	// complaints). Default info.
	Level          string   `toml:"level"`
	Key            string   `toml:"key"`    // wecom robot key
	Token          string   `toml:"token"`  // dingtalk access_token / feishu hook token
	Secret         string   `toml:"secret"` // dingtalk / feishu signing secret, webhook HMAC secret
	URL            string   `toml:"url"`    // webhook
	MentionMobiles []string `toml:"mention_mobiles"`
	MentionAll     bool     `toml:"mention_all"` // feishu: @all on urgent alerts
	// Keyword is one of a dingtalk/feishu robot's 自定义关键词 (keyword security): every
	// alert then contains it, else the robot refuses it (钉钉 310000 关键词不匹配).
	Keyword string `toml:"keyword"`
	// wecomapp (企业微信 应用消息): the corp, the application's agent id (its secret in
	// Secret) and the members' userids the alerts go to.
	CorpID  string   `toml:"corp_id"`
	AgentID int      `toml:"agent_id"`
	ToUsers []string `toml:"to_users"`
}

// Escalation is the ladder a deadline's warnings climb.
type Escalation struct {
	GroupWithin Duration `toml:"group_within"` // warn level from here on (default 1h)
	AllWithin   Duration `toml:"all_within"`   // urgent level from here on (default 15m)
}

// Orders sets who may act on an order in chat.
type Orders struct {
	// VerifyOwner binds an order to the chat buyer who proves it (the last four digits of
	// the order's phone) or, where the platform gives no phone, to the first who uses it;
	// anyone else sees no order details and opens no case on it.
	VerifyOwner bool `toml:"verify_owner"`
}

// LLM is an optional OpenAI-compatible /chat/completions endpoint, used only for messages
// the classifier is unsure of and for answering questions strictly from the shop's FAQ.
type LLM struct {
	BaseURL string   `toml:"base_url"` // "" = off
	Model   string   `toml:"model"`
	APIKey  string   `toml:"api_key"` // give it as "${ENV_NAME}"
	Timeout Duration `toml:"timeout"` // 0 = 3s
}

// Limits bound one buyer's effect on the desk (flood control).
type Limits struct {
	// MessagesPerMinute and Burst pace the messages handled from one buyer; past them the
	// buyer is asked once to slow down and the merchant told once.
	MessagesPerMinute int `toml:"messages_per_minute"`
	Burst             int `toml:"burst"`
	// CasesPerHour caps the cases one buyer can open.
	CasesPerHour int `toml:"cases_per_hour"`
}

// WeChat configures the WeChat channel that `run` serves buyers on.
type WeChat struct {
	Shop              string   `toml:"shop"`     // shop id the account serves; "" = the first shop
	DataDir           string   `toml:"data_dir"` // login file, buyer ids, media
	LoginFile         string   `toml:"login_file"`
	AlertGroup        string   `toml:"alert_group"`
	Groups            []string `toml:"groups"`
	AutoAcceptFriends bool     `toml:"auto_accept_friends"`
	FriendGreeting    string   `toml:"friend_greeting"`
	SendInterval      Duration `toml:"send_interval"`
	SendJitterMin     Duration `toml:"send_jitter_min"`
	SendJitterMax     Duration `toml:"send_jitter_max"`
	SendPerMinute     int      `toml:"send_per_minute"`
	SendAttempts      int      `toml:"send_attempts"`
}

// Web is the merchant's case board.
type Web struct {
	Enabled bool   `toml:"enabled"`
	Listen  string `toml:"listen"` // e.g. "127.0.0.1:8787"
	Token   string `toml:"token"`  // login token, at least 16 characters; give it as ${ENV}
	// PublicURL is the address merchants open the board at behind a proxy, e.g.
	// "https://board.example.com": its host is accepted and https makes cookies Secure.
	PublicURL string `toml:"public_url"`
	// TrustedProxyHeader names the header a trusted proxy puts the client address in
	// (X-Forwarded-For, X-Real-IP, Forwarded); "" = the TCP peer.
	TrustedProxyHeader string `toml:"trusted_proxy_header"`
	// AllowRemote must be set to listen on anything but a loopback address.
	AllowRemote bool `toml:"allow_remote"`
}

// Push is the HTTP endpoint platforms push after-sale events to.
type Push struct {
	// Listen is the address to serve /push/{shop} on, e.g. "127.0.0.1:8788"; "" = off.
	Listen string `toml:"listen"`
	// AllowRemote must be set to listen on anything but a loopback address (platforms
	// reach the push endpoint from the internet; put it behind a TLS proxy).
	AllowRemote bool `toml:"allow_remote"`
	// FailuresPerMinute bounds the failed pushes (bad signature, bad body) one source
	// address may send; past it, it is refused until it slows down.
	FailuresPerMinute int `toml:"failures_per_minute"`
}

// SLA is how long the merchant has to answer a case and when to warn before that.
type SLA struct {
	RespondWithin Duration `toml:"respond_within"`
	// WarnBefore lists warnings before the deadline, sorted longest first after load. An
	// entry that does not set it inherits the "default" entry's warnings that fit.
	WarnBefore []Duration `toml:"warn_before"`
	// AlertNow alerts the merchant as soon as a case opens (complaints).
	AlertNow bool `toml:"alert_now"`
	// Count says how respond_within is counted: calendar (default), business_hours (only
	// time inside [business_hours]), or working_days (whole days on the holiday calendar).
	Count string `toml:"count"`
}

// BusinessHours is the shop's daily working window, China time.
type BusinessHours struct {
	Start        string `toml:"start"` // "09:00"
	End          string `toml:"end"`   // "18:00"; "24:00" = midnight
	WorkdaysOnly bool   `toml:"workdays_only"`
}

// Calendar corrects or extends the built-in Chinese holiday data (2001–2027).
type Calendar struct {
	// Overrides maps "2027-02-06" to true (a working day, e.g. 调休) or false (a day off).
	Overrides map[string]bool `toml:"overrides"`
}

// Parse reads one complete TOML document (the embedded default) and validates it.
// Relative paths stay relative, that is, relative to the working directory.
func Parse(name string, data []byte) (*Config, error) {
	c, md, src, decodeErr := decode(name, data)
	if c == nil {
		return nil, decodeErr
	}
	c.srcs = []source{src}
	c.fillWarnings(warnDefined(md, c.SLA))
	if err := joinErrors(c.srcs, addErr(addErr(nil, decodeErr), c.finish(""))); err != nil {
		return nil, err
	}
	return c, nil
}

// Load reads the file at path over the defaults document: tables and scalars the file
// sets replace the defaults', maps (sla, replies, alerts) merge key by key, and arrays
// (shops, merchants, warn_before, examples) replace the default array whole. Relative
// paths resolve against the file's directory. The result is validated.
func Load(path string, defaults []byte) (*Config, error) {
	base, bmd, bsrc, err := decode("config.toml (embedded)", defaults)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read the config file", Err: err}
	}
	over, omd, osrc, decodeErr := decode(path, data)
	if over == nil {
		return nil, decodeErr
	}
	defined := warnDefined(bmd, base.SLA)
	merge(base, over, omd, defined)
	base.srcs = []source{bsrc, osrc}
	base.fillWarnings(defined)
	if err := joinErrors(base.srcs, addErr(addErr(nil, decodeErr), base.finish(filepath.Dir(path)))); err != nil {
		return nil, err
	}
	return base, nil
}

// finish expands ${ENV} values, resolves paths, sorts warnings and validates.
func (c *Config) finish(dir string) error {
	if err := c.expandEnv(); err != nil {
		return err
	}
	if dir != "" {
		c.Store.Path = resolve(dir, c.Store.Path)
		for i := range c.Shops {
			c.Shops[i].OrderBook = resolve(dir, c.Shops[i].OrderBook)
			if c.Shops[i].FAQ != "sample" {
				c.Shops[i].FAQ = resolve(dir, c.Shops[i].FAQ)
			}
		}
		c.WeChat.DataDir = resolve(dir, c.WeChat.DataDir)
		c.WeChat.LoginFile = resolve(dir, c.WeChat.LoginFile)
		c.WeComKF.MediaDir = resolve(dir, c.WeComKF.MediaDir)
	}
	for k, s := range c.SLA {
		slices.SortFunc(s.WarnBefore, func(a, b Duration) int { return int(b - a) })
		c.SLA[k] = s
	}
	return c.Validate()
}

func resolve(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// tomlLine pulls the line and key out of BurntSushi's non-ParseError decode errors,
// which carry them only in the text: `toml: line 5 (last key "store.path"): …`.
var tomlLine = regexp.MustCompile(`^toml: (?:line (\d+) )?(?:\(last key "([^"]*)"\): )?`)

// decode parses one document strictly. Syntax is checked on its own first, so a
// ParseError from the struct decode can only be a bad value, whose LastKey is the key.
func decode(name string, data []byte) (*Config, toml.MetaData, source, error) {
	src := source{name: name, lines: indexLines(data)}
	text := strings.TrimPrefix(string(data), "\ufeff")
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		return nil, toml.MetaData{}, src, decodeError(src, err, false)
	}
	var errs []*Error
	c := &Config{}
	md, err := toml.Decode(text, c)
	for err != nil {
		e := decodeError(src, err, true)
		errs = append(errs, e)
		// A value of the wrong type or form ("3x" for a duration): leave its line out and
		// decode again, so the mistakes after it are reported in the same run. A value
		// over several lines leaves a syntax error behind: then stop here.
		next, ok := blankLine(text, e.Line)
		if !ok || len(errs) >= maxDecodeErrors {
			return nil, md, src, joinErrors([]source{src}, errs)
		}
		if _, err := toml.Decode(next, new(map[string]any)); err != nil {
			return nil, md, src, joinErrors([]source{src}, errs)
		}
		text, c = next, &Config{}
		md, err = toml.Decode(text, c)
	}
	if key, want := exactCase(raw, reflect.TypeFor[Config](), nil); key != nil {
		k, line := src.find(key)
		errs = append(errs, &Error{File: name, Line: line, Key: k, Msg: fmt.Sprintf("unknown key (did you mean %q?)", want)})
	}
	var unknown []string
	for _, k := range md.Undecoded() {
		if slices.ContainsFunc(unknown, func(u string) bool { return strings.HasPrefix(k.String(), u+".") }) {
			continue // inside an unknown table already reported
		}
		unknown = append(unknown, k.String())
		key, line := src.find(k)
		errs = append(errs, &Error{File: name, Line: line, Key: key, Msg: "unknown key"})
	}
	return c, md, src, joinErrors([]source{src}, errs)
}

// maxDecodeErrors bounds the values one decode reports before it gives up.
const maxDecodeErrors = 50

// blankLine empties line n (1-based) of text, keeping the line count so the other lines
// keep their numbers; false if there is no such line.
func blankLine(text string, n int) (string, bool) {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) || strings.TrimSpace(lines[n-1]) == "" {
		return text, false
	}
	lines[n-1] = ""
	return strings.Join(lines, "\n"), true
}

func decodeError(src source, err error, valueErr bool) *Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		e := &Error{File: src.name, Line: pe.Position.Line, Msg: pe.Message, Err: err}
		if valueErr {
			e.Key = pe.LastKey
			if k, line := src.find(toml.Key(strings.Split(pe.LastKey, "."))); line == pe.Position.Line {
				e.Key = k
			}
		}
		return e
	}
	e := &Error{File: src.name, Msg: err.Error(), Err: err}
	if m := tomlLine.FindStringSubmatch(e.Msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Key = m[2]
		e.Msg = e.Msg[len(m[0]):]
	}
	return e
}

// find locates a decoder key, which has no array indexes ("shops.nmae"), among the
// indexed keys the line scan recorded ("shops[1].nmae"), returning the indexed form.
func (s source) find(k toml.Key) (string, int) {
	want := k.String()
	best, bestLine := want, 0
	for key, line := range s.lines {
		if stripIndexes(key) == want && (bestLine == 0 || line < bestLine) {
			best, bestLine = key, line
		}
	}
	return best, bestLine
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

func stripIndexes(k string) string { return indexRE.ReplaceAllString(k, "") }

// warnDefined records, per SLA entry, whether its document wrote warn_before.
func warnDefined(md toml.MetaData, sla map[string]SLA) map[string]bool {
	out := map[string]bool{}
	for k := range sla {
		out[k] = md.IsDefined("sla", k, "warn_before")
	}
	return out
}

// merge lays over on top of base. BurntSushi/toml decoding into a filled struct would
// merge arrays element by element, keeping stale fields of default shops; merging by
// hand keeps "arrays replace" exact.
func merge(base, over *Config, md toml.MetaData, warnDef map[string]bool) {
	// Tables merge key by key: each key written replaces the default's.
	mergeDefined(&base.Store, &over.Store, md, "store")
	mergeDefined(&base.Console, &over.Console, md, "console")
	mergeDefined(&base.Intents, &over.Intents, md, "intents")
	mergeDefined(&base.Push, &over.Push, md, "push")
	mergeDefined(&base.Web, &over.Web, md, "web")
	mergeDefined(&base.WeChat, &over.WeChat, md, "wechat")
	mergeDefined(&base.WeComKF, &over.WeComKF, md, "wecomkf")
	mergeDefined(&base.Escalation, &over.Escalation, md, "escalation")
	mergeDefined(&base.Limits, &over.Limits, md, "limits")
	mergeDefined(&base.Orders, &over.Orders, md, "orders")
	mergeDefined(&base.LLM, &over.LLM, md, "llm")
	// Lists, and the business hours as one window, are replaced as written.
	if md.IsDefined("shops") {
		base.Shops = over.Shops
	}
	if md.IsDefined("notify") {
		base.Notify = over.Notify
	}
	if md.IsDefined("business_hours") {
		base.BusinessHours = over.BusinessHours
	}
	base.Calendar.Overrides = mergeMap(base.Calendar.Overrides, over.Calendar.Overrides)
	// An SLA entry merges key by key too: "[sla.refund] warn_before = [...]" keeps the
	// default entry's respond_within.
	for k, v := range over.SLA {
		if b, ok := base.SLA[k]; ok {
			mergeDefined(&b, &v, md, "sla", k)
			over.SLA[k] = b
		}
	}
	base.SLA = mergeMap(base.SLA, over.SLA)
	for k := range over.SLA {
		warnDef[k] = md.IsDefined("sla", k, "warn_before")
	}
	base.Replies = mergeMap(base.Replies, over.Replies)
	base.Alerts = mergeMap(base.Alerts, over.Alerts)
}

func mergeMap[V any](base, over map[string]V) map[string]V {
	if base == nil && over != nil {
		base = map[string]V{}
	}
	for k, v := range over {
		base[k] = v
	}
	return base
}

// fillWarnings gives SLA entries that wrote no warn_before the default entry's warnings
// that still fall before their own deadline, so "[sla.refund] respond_within = 12h"
// keeps warning the merchant.
func (c *Config) fillWarnings(defined map[string]bool) {
	def, ok := c.SLA["default"]
	if !ok {
		return
	}
	for k, s := range c.SLA {
		if k == "default" || defined[k] {
			continue
		}
		s.WarnBefore = nil
		for _, w := range def.WarnBefore {
			if w > 0 && w < s.RespondWithin {
				s.WarnBefore = append(s.WarnBefore, w)
			}
		}
		c.SLA[k] = s
	}
}

// envRef matches a value that is exactly ${NAME}.
var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// expandEnv replaces every string value that is exactly ${NAME} with that environment
// variable. The value itself never reaches an error message.
func (c *Config) expandEnv() error {
	c.secret = map[string]bool{}
	return c.walkStrings(reflect.ValueOf(c).Elem(), "", func(key string, v reflect.Value) error {
		m := envRef.FindStringSubmatch(v.String())
		if m == nil {
			return nil
		}
		val, ok := os.LookupEnv(m[1])
		if !ok {
			return c.errf(key, "environment variable %s is not set", m[1])
		}
		if strings.TrimSpace(val) == "" {
			// An empty line in an env file: for store.url that would quietly open a new
			// local SQLite file instead of the shared database.
			return c.errf(key, "environment variable %s is empty", m[1])
		}
		v.SetString(val)
		c.secret[key] = true
		return nil
	})
}

// walkStrings calls fn for every string reachable from v with its TOML key path.
func (c *Config) walkStrings(v reflect.Value, key string, fn func(string, reflect.Value) error) error {
	join := func(k string) string {
		if key == "" {
			return k
		}
		return key + "." + k
	}
	switch v.Kind() {
	case reflect.String:
		return fn(key, v)
	case reflect.Pointer:
		if !v.IsNil() {
			return c.walkStrings(v.Elem(), key, fn)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			if err := c.walkStrings(v.Field(i), join(name), fn); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := c.walkStrings(v.Index(i), fmt.Sprintf("%s[%d]", key, i), fn); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			// Map values are not addressable: copy, walk, store back.
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			if err := c.walkStrings(e, join(k.String()), fn); err != nil {
				return err
			}
			v.SetMapIndex(k, e)
		}
	}
	return nil
}

// errf builds an Error located at key.
func (c *Config) errf(key, format string, args ...any) *Error {
	file, line := locate(c.srcs, key)
	return &Error{File: file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// show quotes a value for an error message unless it came from the environment.
func (c *Config) show(key, v string) string {
	if c.secret[key] {
		return "(value from the environment)"
	}
	return strconv.Quote(v)
}

// exactCase finds a key that matches a struct field only case-insensitively ("PATH" for
// "path"). BurntSushi/toml decodes those silently and counts them as decoded; a strict
// load treats them as the typos they are. It returns the key and the field's real name.
func exactCase(v any, t reflect.Type, key toml.Key) (toml.Key, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, ""
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			for i := range t.NumField() {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
				if !f.IsExported() || name == "" {
					continue
				}
				if name == k {
					if bad, want := exactCase(m[k], f.Type, append(slices.Clip(key), k)); bad != nil {
						return bad, want
					}
					break
				}
				if strings.EqualFold(name, k) {
					return append(slices.Clip(key), k), name
				}
			}
		}
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if bad, want := exactCase(m[k], t.Elem(), append(slices.Clip(key), k)); bad != nil {
					return bad, want
				}
			}
		}
	case reflect.Slice:
		if a, ok := v.([]map[string]any); ok {
			for _, e := range a {
				if bad, want := exactCase(e, t.Elem(), key); bad != nil {
					return bad, want
				}
			}
		}
		if a, ok := v.([]any); ok {
			for _, e := range a {
				if bad, want := exactCase(e, t.Elem(), key); bad != nil {
					return bad, want
				}
			}
		}
	}
	return nil, ""
}

// mergeDefined copies the fields of over that the document set onto base, by TOML key.
func mergeDefined(base, over any, md toml.MetaData, table ...string) {
	bv, ov := reflect.ValueOf(base).Elem(), reflect.ValueOf(over).Elem()
	for i := range bv.NumField() {
		name, _, _ := strings.Cut(bv.Type().Field(i).Tag.Get("toml"), ",")
		if name != "" && md.IsDefined(append(slices.Clone(table), name)...) {
			bv.Field(i).Set(ov.Field(i))
		}
	}
}

// Advice are things in a valid config that are most likely a mistake, one sentence each
// (Chinese, with the key): check-config prints them, and a start shows them.
func (c *Config) Advice() []string {
	var out []string
	for i, s := range c.Shops {
		if s.FAQ == "sample" && (s.OrderBook != "" || s.Platform != "manual") {
			// The demo shop's FAQ tells buyers its coupons, materials and policies: with
			// the shop's own orders (trial 21) it answers them with another shop's facts.
			out = append(out, fmt.Sprintf("shops[%d].faq = \"sample\"：店铺「%s」用的是内置示例常见问题（示例店的包邮、材质、优惠券……），会照示例店的说法回答买家。"+
				"请用 `aftersale faq -sample > faq.toml` 导出改成自己店的，再写 faq = \"faq.toml\"；不用常见问题就写 faq = \"\"。", i, s.Name))
		}
	}
	return out
}
