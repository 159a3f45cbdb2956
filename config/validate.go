package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/vocab"
)

// Platforms are the platform names a shop may use.
var platforms = []string{"manual", "webhook", "douyin", "kuaishou", "taobao"}

// ReplyKeys lists the reply template names, sorted; every one is required. The list is
// package vocab's, which the engine renders from.
func ReplyKeys() []string { return vocab.TemplateKeys(vocab.Replies) }

// AlertKeys lists the alert template names, sorted; every one is required.
func AlertKeys() []string { return vocab.TemplateKeys(vocab.Alerts) }

// TemplateFields lists the data fields the named template ("replies.welcome",
// "alerts.warn") may use, or nil for an unknown name.
func TemplateFields(name string) []string {
	group, key, _ := strings.Cut(name, ".")
	f, _ := vocab.TemplateFields(group, key)
	return slices.Clone(f)
}

// labelNames are the intent labels an SLA entry or a training example may name, as
// package intents defines them.
func labelNames() []string {
	var out []string
	for _, l := range intents.Labels() {
		out = append(out, string(l))
	}
	return out
}

var shopID = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

// Validate checks the whole config and returns every problem it finds: one *Error, or
// Errors in file order when there are more. Each section, and each shop, SLA entry,
// template and sink in it, is checked on its own, so one mistake does not hide the next.
// It is run by Parse and Load; call it again after changing a Config in code.
func (c *Config) Validate() error {
	return joinErrors(c.srcs, c.validate())
}

func (c *Config) validate() []*Error {
	var errs []*Error
	for _, check := range []func() error{c.validateBasics, c.validateShops, c.validateSLA, c.validateTemplates, c.validateNotify, c.validateWorkingTime, c.validateWeChat, c.validateWeComKF, c.validateWeb, c.validatePush, c.validateLLM} {
		errs = addErr(errs, check())
	}
	return errs
}

func (c *Config) validateBasics() error {
	var errs []*Error
	if strings.TrimSpace(c.Store.Path) == "" && c.Store.URL == "" {
		errs = append(errs, c.errf("store.path", "is empty"))
	}
	errs = addErr(errs, c.validateStoreURL())
	if c.Store.MaxMB < 0 {
		errs = append(errs, c.errf("store.max_mb", "must not be negative"))
	}
	if c.Store.RetentionDays < 0 {
		errs = append(errs, c.errf("store.retention_days", "must not be negative"))
	}
	if strings.TrimSpace(c.Console.Buyer) == "" {
		errs = append(errs, c.errf("console.buyer", "is empty"))
	}
	for _, l := range []struct {
		key string
		v   int
	}{{"limits.messages_per_minute", c.Limits.MessagesPerMinute}, {"limits.burst", c.Limits.Burst}, {"limits.cases_per_hour", c.Limits.CasesPerHour}} {
		if l.v < 1 || l.v > 100000 {
			errs = append(errs, c.errf(l.key, "%d is outside 1..100000", l.v))
		}
	}
	if strings.TrimSpace(c.Console.Merchant) == "" {
		errs = append(errs, c.errf("console.merchant", "is empty"))
	}
	if m := c.Intents.MenuBelow; m < 0 || m > 1 || m != m {
		errs = append(errs, c.errf("intents.menu_below", "%v is outside 0..1", m))
	}
	for i, ex := range c.Intents.Examples {
		key := fmt.Sprintf("intents.examples[%d]", i)
		if _, ok := intents.ParseLabel(ex.Label); !ok {
			errs = append(errs, c.errf(key+".label", "unknown label %s (want one of %s)", c.show(key+".label", ex.Label), strings.Join(labelNames(), ", ")))
		}
		if strings.TrimSpace(ex.Text) == "" {
			errs = append(errs, c.errf(key+".text", "is empty"))
		}
	}
	return joinErrors(c.srcs, errs)
}

func (c *Config) validateShops() error {
	if len(c.Shops) == 0 {
		return c.errf("shops", "no shops configured: add at least one [[shops]] table")
	}
	seen := map[string]int{}
	var errs []*Error
	for i, s := range c.Shops {
		errs = addErr(errs, c.validateShop(i, s, seen))
	}
	return joinErrors(c.srcs, errs)
}

// validateShop checks shops[i]; seen maps the ids of the shops before it to their index.
func (c *Config) validateShop(i int, s Shop, seen map[string]int) error {
	var errs []*Error
	key := fmt.Sprintf("shops[%d]", i)
	if !shopID.MatchString(s.ID) {
		errs = append(errs, c.errf(key+".id", "%s is not a valid shop id (1–32 of a-z 0-9 _ -)", c.show(key+".id", s.ID)))
	}
	if j, dup := seen[s.ID]; dup {
		errs = append(errs, c.errf(key+".id", "%s is already used by shops[%d]", c.show(key+".id", s.ID), j))
	} else {
		seen[s.ID] = i
	}
	if strings.TrimSpace(s.Name) == "" {
		errs = append(errs, c.errf(key+".name", "is empty (buyers see the shop name)"))
	}
	if !slices.Contains(platforms, s.Platform) {
		errs = append(errs, c.errf(key+".platform", "unknown platform %s (want one of %s)", c.show(key+".platform", s.Platform), strings.Join(platforms, ", ")))
	}
	if len(s.Merchants) == 0 {
		errs = append(errs, c.errf(key+".merchants", "no merchant accounts: merchant commands would be accepted from no one"))
	}
	for j, m := range s.Merchants {
		mk := fmt.Sprintf("%s.merchants[%d]", key, j)
		if strings.TrimSpace(m) == "" {
			errs = append(errs, c.errf(mk, "is empty"))
		}
		if slices.Index(s.Merchants, m) != j {
			errs = append(errs, c.errf(mk, "%s is listed twice", c.show(mk, m)))
		}
	}
	if s.OrderBook != "" {
		ok := key + ".order_book"
		if s.Platform != "manual" {
			errs = append(errs, c.errf(ok, "is only used by platform manual"))
		}
		st, err := os.Stat(s.OrderBook)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			e := c.errf(ok, "order book %s does not exist", c.show(ok, s.OrderBook))
			e.Err = err
			errs = append(errs, e)
		case err != nil:
			e := c.errf(ok, "order book %s: %v", c.show(ok, s.OrderBook), err)
			e.Err = err
			errs = append(errs, e)
		case st.IsDir():
			errs = append(errs, c.errf(ok, "order book %s is a directory, want a CSV file", c.show(ok, s.OrderBook)))
		}
	}
	return joinErrors(c.srcs, addErr(errs, c.validatePlatform(key, s)))
}

func (c *Config) validateSLA() error {
	if _, ok := c.SLA["default"]; !ok {
		return c.errf("sla.default", "missing: the rule for intents without their own entry")
	}
	var errs []*Error
	for _, k := range slices.Sorted(maps.Keys(c.SLA)) {
		errs = addErr(errs, c.validateSLAEntry(k))
	}
	return joinErrors(c.srcs, errs)
}

// validateSLAEntry checks sla.<k>.
func (c *Config) validateSLAEntry(k string) error {
	key := "sla." + k
	if _, ok := intents.ParseLabel(k); k != "default" && k != string(intents.Question) && !ok {
		return c.errf(key, "unknown SLA key %q (want default, question or an intent label: %s)", k, strings.Join(labelNames(), ", "))
	}
	s := c.SLA[k]
	if s.RespondWithin <= 0 {
		return c.errf(key+".respond_within", "must be more than 0")
	}
	for i, w := range s.WarnBefore {
		switch {
		case w <= 0:
			return c.errf(key+".warn_before", "%s must be more than 0", w)
		case w >= s.RespondWithin:
			return c.errf(key+".warn_before", "%s is not shorter than respond_within %s", w, s.RespondWithin)
		case slices.Index(s.WarnBefore, w) != i:
			return c.errf(key+".warn_before", "%s is listed twice", w)
		}
	}
	return nil
}

func (c *Config) validateTemplates() error {
	return joinErrors(c.srcs, addErr(addErr(nil, c.checkGroup(vocab.Replies, c.Replies)), c.checkGroup(vocab.Alerts, c.Alerts)))
}

func (c *Config) checkGroup(group string, src map[string]string) error {
	keys := vocab.TemplateKeys(group)
	var errs []*Error
	for _, k := range slices.Sorted(maps.Keys(src)) {
		if !slices.Contains(keys, k) {
			errs = append(errs, c.errf(group+"."+k, "unknown %s key (want one of %s)", group, strings.Join(keys, ", ")))
		}
	}
	for _, k := range keys {
		errs = addErr(errs, c.checkTemplate(group, k, src))
	}
	return joinErrors(c.srcs, errs)
}

// checkTemplate checks the template group.k: present, not empty, parses, and uses only
// the fields that template is given.
func (c *Config) checkTemplate(group, k string, src map[string]string) error {
	fields, _ := vocab.TemplateFields(group, k)
	key := group + "." + k
	text, ok := src[k]
	if !ok {
		return c.errf(key, "missing")
	}
	if strings.TrimSpace(text) == "" {
		return c.errf(key, "is empty: a buyer must never get an empty message")
	}
	t, err := template.New(k).Funcs(TemplateFuncs()).Parse(text)
	if err != nil {
		e := c.errf(key, "template does not parse: %s", templateMsg(err, k))
		e.Err = err
		return e
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		if bad := unknownField(tt.Tree.Root, fields, true); bad != "" {
			return c.errf(key, "template uses .%s, which is not available here (available: %s)", bad, dotted(fields))
		}
	}
	return nil
}

// templateMsg trims text/template's "template: welcome:1: " prefix: the key says which.
func templateMsg(err error, name string) string {
	return strings.TrimPrefix(err.Error(), "template: "+name+":")
}

func dotted(fs []string) string {
	if len(fs) == 0 {
		return "none"
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = "." + f
	}
	return strings.Join(out, " ")
}

// unknownField returns the first data field n uses that is not in allowed. dotIsData is
// false inside {{with}} and {{range}}, where dot is something else; $.Field is still
// checked there.
func unknownField(n parse.Node, allowed []string, dotIsData bool) string {
	check := func(n parse.Node, dot bool) string {
		if n == nil || reflectNil(n) {
			return ""
		}
		return unknownField(n, allowed, dot)
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return ""
		}
		for _, c := range n.Nodes {
			if bad := check(c, dotIsData); bad != "" {
				return bad
			}
		}
	case *parse.ActionNode:
		return check(n.Pipe, dotIsData)
	case *parse.PipeNode:
		if n == nil {
			return ""
		}
		for _, cmd := range n.Cmds {
			if bad := check(cmd, dotIsData); bad != "" {
				return bad
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if bad := check(a, dotIsData); bad != "" {
				return bad
			}
		}
	case *parse.FieldNode:
		if dotIsData && !slices.Contains(allowed, n.Ident[0]) {
			return n.Ident[0]
		}
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" && !slices.Contains(allowed, n.Ident[1]) {
			return n.Ident[1]
		}
	case *parse.ChainNode:
		return check(n.Node, dotIsData)
	case *parse.IfNode:
		return branch(&n.BranchNode, allowed, dotIsData, dotIsData)
	case *parse.WithNode:
		return branch(&n.BranchNode, allowed, dotIsData, false)
	case *parse.RangeNode:
		return branch(&n.BranchNode, allowed, dotIsData, false)
	case *parse.TemplateNode:
		return check(n.Pipe, dotIsData)
	}
	return ""
}

func branch(b *parse.BranchNode, allowed []string, dot, inner bool) string {
	if bad := unknownField(b.Pipe, allowed, dot); bad != "" {
		return bad
	}
	if bad := unknownField(b.List, allowed, inner); bad != "" {
		return bad
	}
	if b.ElseList != nil {
		return unknownField(b.ElseList, allowed, dot)
	}
	return ""
}

// reflectNil reports a typed nil node (a nil *PipeNode inside a parse.Node).
func reflectNil(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.PipeNode:
		return n == nil
	case *parse.ListNode:
		return n == nil
	}
	return false
}

// validatePlatform checks that the shop has exactly its platform's credentials section
// and that each required credential is set.
func (c *Config) validatePlatform(key string, s Shop) error {
	sections := map[string]bool{"douyin": s.Douyin != nil, "kuaishou": s.Kuaishou != nil, "taobao": s.Taobao != nil, "webhook": s.Webhook != nil}
	for _, name := range slices.Sorted(maps.Keys(sections)) {
		if sections[name] && name != s.Platform {
			return c.errf(key+"."+name, "is only used by platform %s (this shop's platform is %s)", name, s.Platform)
		}
	}
	need := func(section string, fields map[string]string) error {
		if s.Platform == "manual" {
			return nil
		}
		if !sections[section] {
			return c.errf(key+"."+section, "missing: platform %s needs a [shops.%s] section with its credentials", s.Platform, section)
		}
		for _, f := range slices.Sorted(maps.Keys(fields)) {
			if strings.TrimSpace(fields[f]) == "" {
				return c.errf(key+"."+section+"."+f, "is empty (required for platform %s)", s.Platform)
			}
		}
		return nil
	}
	switch s.Platform {
	case "douyin":
		if s.Douyin == nil {
			return need("douyin", nil)
		}
		d := s.Douyin
		if d.SignMethod != "" && d.SignMethod != "hmac-sha256" && d.SignMethod != "md5" {
			return c.errf(key+".douyin.sign_method", "want hmac-sha256 or md5")
		}
		return need("douyin", map[string]string{"app_key": d.AppKey, "app_secret": d.AppSecret, "access_token": d.AccessToken})
	case "kuaishou":
		if s.Kuaishou == nil {
			return need("kuaishou", nil)
		}
		k := s.Kuaishou
		if k.SignMethod != "" && k.SignMethod != "HMAC_SHA256" && k.SignMethod != "MD5" {
			return c.errf(key+".kuaishou.sign_method", "want HMAC_SHA256 or MD5")
		}
		return need("kuaishou", map[string]string{"app_key": k.AppKey, "sign_secret": k.SignSecret, "access_token": k.AccessToken})
	case "taobao":
		if s.Taobao == nil {
			return need("taobao", nil)
		}
		t := s.Taobao
		if t.SignMethod != "" && t.SignMethod != "hmac-sha256" && t.SignMethod != "hmac" && t.SignMethod != "md5" {
			return c.errf(key+".taobao.sign_method", "want hmac-sha256, hmac or md5")
		}
		return need("taobao", map[string]string{"app_key": t.AppKey, "app_secret": t.AppSecret, "session": t.Session})
	case "webhook":
		if s.Webhook == nil {
			return need("webhook", nil)
		}
		w := s.Webhook
		if err := need("webhook", map[string]string{"url": w.URL, "secret": w.Secret}); err != nil {
			return err
		}
		if !strings.HasPrefix(w.URL, "https://") && !strings.HasPrefix(w.URL, "http://") {
			return c.errf(key+".webhook.url", "want an http:// or https:// URL")
		}
	}
	return nil
}

// validateNotify checks the alert sinks and the escalation ladder.
func (c *Config) validateNotify() error {
	names := map[string]int{}
	var errs []*Error
	for i, n := range c.Notify {
		errs = addErr(errs, c.validateSink(i, n, names))
	}
	g, a := c.Escalation.GroupWithin, c.Escalation.AllWithin
	if g < 0 || a < 0 || (g > 0 && a > 0 && a >= g) {
		errs = append(errs, c.errf("escalation.all_within", "must be shorter than escalation.group_within"))
	}
	return joinErrors(c.srcs, errs)
}

// validateSink checks notify[i]; names maps the names of the sinks before it to their index.
func (c *Config) validateSink(i int, n Sink, names map[string]int) error {
	key := fmt.Sprintf("notify[%d]", i)
	required := map[string]string{}
	switch n.Type {
	case "wecom":
		required["key"] = n.Key
	case "dingtalk", "feishu":
		required["token"] = n.Token
	case "webhook":
		required["url"] = n.URL
	case "wecomapp":
		required["corp_id"], required["secret"] = n.CorpID, n.Secret
		if n.AgentID <= 0 {
			return c.errf(key+".agent_id", "is missing (the application's AgentId, 应用管理 → 应用)")
		}
		if len(n.ToUsers) == 0 {
			return c.errf(key+".to_users", "is empty: list the members' userids (通讯录 → 成员 → 账号)")
		}
	default:
		return c.errf(key+".type", "unknown sink type %s (want wecom, wecomapp, dingtalk, feishu or webhook)", c.show(key+".type", n.Type))
	}
	for _, f := range slices.Sorted(maps.Keys(required)) {
		if strings.TrimSpace(required[f]) == "" {
			return c.errf(key+"."+f, "is empty (required for a %s sink)", n.Type)
		}
	}
	if n.Keyword != "" && n.Type != "dingtalk" && n.Type != "feishu" {
		return c.errf(key+".keyword", "only dingtalk and feishu robots have keyword security")
	}
	if n.Keyword != strings.TrimSpace(n.Keyword) {
		return c.errf(key+".keyword", "has surrounding spaces, which the robot would not match")
	}
	switch n.Level {
	case "", "info", "warn", "urgent":
	default:
		return c.errf(key+".level", "want info, warn or urgent")
	}
	name := n.Name
	if name == "" {
		name = fmt.Sprintf("%s%d", n.Type, i)
	}
	if j, dup := names[name]; dup {
		return c.errf(key+".name", "%q is already used by notify[%d]", name, j)
	}
	names[name] = i
	return nil
}

// ClockOffset parses "09:00" into an offset from midnight; "24:00" is midnight at the end.
func ClockOffset(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if s == "24:00" {
		return 24 * time.Hour, nil
	}
	if err != nil {
		return 0, fmt.Errorf("want HH:MM, e.g. 09:00")
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// validateWorkingTime checks SLA counting, business hours and calendar overrides.
func (c *Config) validateWorkingTime() error {
	var errs []*Error
	usesHours := false
	for _, k := range slices.Sorted(maps.Keys(c.SLA)) {
		s := c.SLA[k]
		key := "sla." + k + ".count"
		switch s.Count {
		case "", "calendar":
		case "business_hours":
			usesHours = true
		case "working_days":
			if time.Duration(s.RespondWithin)%(24*time.Hour) != 0 {
				errs = append(errs, c.errf("sla."+k+".respond_within", "counted in working days, so it must be whole days (e.g. \"7d\")"))
			}
		default:
			errs = append(errs, c.errf(key, "want calendar, business_hours or working_days"))
		}
	}
	bh := c.BusinessHours
	if usesHours || bh.Start != "" || bh.End != "" {
		start, errStart := ClockOffset(bh.Start)
		if errStart != nil {
			errs = append(errs, c.errf("business_hours.start", "%v", errStart))
		}
		end, errEnd := ClockOffset(bh.End)
		if errEnd != nil {
			errs = append(errs, c.errf("business_hours.end", "%v", errEnd))
		}
		if errStart == nil && errEnd == nil && start >= end {
			errs = append(errs, c.errf("business_hours.end", "must be after business_hours.start"))
		}
	}
	for _, d := range slices.Sorted(maps.Keys(c.Calendar.Overrides)) {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			errs = append(errs, c.errf("calendar.overrides."+d, "want a date like 2027-02-06"))
		}
	}
	return joinErrors(c.srcs, errs)
}

func (c *Config) validateWeChat() error {
	var errs []*Error
	w := c.WeChat
	if w.Shop != "" && !slices.ContainsFunc(c.Shops, func(s Shop) bool { return s.ID == w.Shop }) {
		errs = append(errs, c.errf("wechat.shop", "no shop has id %s", c.show("wechat.shop", w.Shop)))
	}
	if strings.TrimSpace(w.DataDir) == "" {
		errs = append(errs, c.errf("wechat.data_dir", "is empty"))
	}
	if w.SendJitterMax < w.SendJitterMin {
		errs = append(errs, c.errf("wechat.send_jitter_max", "must not be below send_jitter_min"))
	}
	if w.SendPerMinute < 0 || w.SendAttempts < 0 {
		errs = append(errs, c.errf("wechat.send_per_minute", "must not be negative"))
	}
	return joinErrors(c.srcs, errs)
}

func (c *Config) validateWeb() error {
	if !c.Web.Enabled {
		return nil
	}
	if strings.TrimSpace(c.Web.Listen) == "" {
		return c.errf("web.listen", "is empty (e.g. \"127.0.0.1:8787\")")
	}
	if len(c.Web.Token) < 16 {
		return c.errf("web.token", "must be at least 16 random characters (generate one with `openssl rand -base64 24`; give it as \"${AFTERSALE_WEB_TOKEN}\")")
	}
	if !c.Web.AllowRemote && !loopback(c.Web.Listen) {
		return c.errf("web.listen", "%q is not a loopback address: set web.allow_remote = true to serve the board beyond this machine (behind a TLS proxy)", c.Web.Listen)
	}
	if u := c.Web.PublicURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return c.errf("web.public_url", "%q must start with https:// (or http://)", u)
	}
	return nil
}

// loopback reports whether a listen address stays on this machine.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *Config) validatePush() error {
	var errs []*Error
	if c.Push.Listen == "" {
		return nil
	}
	if !c.Push.AllowRemote && !loopback(c.Push.Listen) {
		errs = append(errs, c.errf("push.listen", "%q is not a loopback address: set push.allow_remote = true to take pushes from the network (put it behind a TLS proxy)", c.Push.Listen))
	}
	if f := c.Push.FailuresPerMinute; f < 0 || f > 100000 {
		errs = append(errs, c.errf("push.failures_per_minute", "%d is outside 0..100000", f))
	}
	return joinErrors(c.srcs, errs)
}

func (c *Config) validateLLM() error {
	l := c.LLM
	if l.BaseURL == "" {
		if l.Model != "" || l.APIKey != "" {
			return c.errf("llm.base_url", "is empty but llm.model or llm.api_key is set: give the endpoint, or remove the section")
		}
		return nil
	}
	u, err := url.Parse(l.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return c.errf("llm.base_url", "want an http(s) URL such as https://api.deepseek.com/v1")
	}
	if u.Scheme == "http" && !loopback(net.JoinHostPort(u.Hostname(), "0")) {
		return c.errf("llm.base_url", "plain http is allowed only to this machine (a local model); the buyer's words would cross the network unencrypted")
	}
	if strings.TrimSpace(l.Model) == "" {
		return c.errf("llm.model", "is empty")
	}
	if l.Timeout < 0 || time.Duration(l.Timeout) > 30*time.Second {
		return c.errf("llm.timeout", "must be between 0 (3s) and 30s: a buyer waits on it")
	}
	return nil
}
