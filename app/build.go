package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/douyin"
	"github.com/aftersale/aftersale/adapters/kuaishou"
	"github.com/aftersale/aftersale/adapters/manual"
	"github.com/aftersale/aftersale/adapters/taobao"
	"github.com/aftersale/aftersale/adapters/webhook"
	"github.com/aftersale/aftersale/board"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/faq"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/llm"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/dingtalk"
	"github.com/aftersale/aftersale/notify/feishu"
	alerthook "github.com/aftersale/aftersale/notify/webhook"
	"github.com/aftersale/aftersale/notify/wecom"
	"github.com/aftersale/aftersale/notify/wecomapp"
	"github.com/aftersale/aftersale/vocab"
	"github.com/aftersale/aftersale/workcal"
)

// Platforms builds each shop's platform adapter, keyed by shop id; the plug-ins are
// picked with a plain switch (STYLE.md point 2). Errors name the shop's config key.
func Platforms(cfg *config.Config, now func() time.Time) (map[string]adapters.Platform, error) {
	out := map[string]adapters.Platform{}
	for i, s := range cfg.Shops {
		var p adapters.Platform
		var err error
		key := fmt.Sprintf("shops[%d]", i)
		switch s.Platform {
		case "manual":
			key += ".order_book"
			p, err = manual.New(manual.Options{Path: s.OrderBook, Now: now})
		case "douyin":
			key += ".douyin"
			d := s.Douyin
			p, err = douyin.New(douyin.Options{BaseURL: d.BaseURL, AppKey: d.AppKey, AppSecret: d.AppSecret,
				AccessToken: d.AccessToken, SignMethod: d.SignMethod, Now: now})
		case "kuaishou":
			key += ".kuaishou"
			k := s.Kuaishou
			p, err = kuaishou.New(kuaishou.Options{BaseURL: k.BaseURL, AppKey: k.AppKey, SignSecret: k.SignSecret,
				AccessToken: k.AccessToken, SignMethod: k.SignMethod, Now: now})
		case "taobao":
			key += ".taobao"
			t := s.Taobao
			p, err = taobao.New(taobao.Options{BaseURL: t.BaseURL, AppKey: t.AppKey, AppSecret: t.AppSecret,
				AccessToken: t.Session, SignMethod: t.SignMethod, TMCGroup: t.TMCGroup, Now: now})
		case "webhook":
			key += ".webhook"
			p, err = webhook.New(webhook.Options{BaseURL: s.Webhook.URL, Secret: s.Webhook.Secret, Now: now})
		default:
			err = fmt.Errorf("unknown platform %q", s.Platform)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[s.ID] = p
	}
	return out, nil
}

// Sinks builds the configured alert sinks as routes on the escalation ladder, after the
// chat sink(s) the channel provides. Errors name the sink's config key.
func Sinks(cfg *config.Config, now func() time.Time, chat ...notify.Route) ([]notify.Route, error) {
	routes := append([]notify.Route(nil), chat...)
	for i, n := range cfg.Notify {
		name := n.Name
		if name == "" {
			name = fmt.Sprintf("%s%d", n.Type, i)
		}
		var s notify.Sink
		var err error
		switch n.Type {
		case "wecom":
			s, err = wecom.New(wecom.Options{Name: name, Key: n.Key, MentionMobiles: n.MentionMobiles})
		case "dingtalk":
			s, err = dingtalk.New(dingtalk.Options{Name: name, Token: n.Token, Secret: n.Secret, Keyword: n.Keyword, MentionMobiles: n.MentionMobiles, Now: now})
		case "feishu":
			s, err = feishu.New(feishu.Options{Name: name, Token: n.Token, Secret: n.Secret, Keyword: n.Keyword, MentionAll: n.MentionAll, Now: now})
		case "wecomapp":
			s, err = wecomapp.New(wecomapp.Options{Name: name, CorpID: n.CorpID, AgentID: n.AgentID, Secret: n.Secret, ToUsers: n.ToUsers, Now: now})
		case "webhook":
			s, err = alerthook.New(alerthook.Options{Name: name, URL: n.URL, Secret: n.Secret, Now: now})
		default:
			err = fmt.Errorf("unknown sink type %q", n.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("notify[%d]: %w", i, err)
		}
		routes = append(routes, notify.Route{Sink: s, From: levelOf(n.Level)})
	}
	return routes, nil
}

func levelOf(s string) notify.Level {
	switch s {
	case "warn":
		return notify.LevelWarn
	case "urgent":
		return notify.LevelUrgent
	}
	return notify.LevelInfo
}

// Classifier trains the intent classifier with the config's examples, or returns the
// shared default when there are none.
func Classifier(cfg *config.Config) (*intents.Classifier, error) {
	for i, ex := range cfg.Intents.Examples {
		if _, ok := intents.ParseLabel(ex.Label); !ok {
			return nil, fmt.Errorf("intents.examples[%d].label: unknown label %q", i, ex.Label)
		}
	}
	opts := classifierOptions(cfg)
	if len(opts.Extra) == 0 && opts.MenuBelow == 0 {
		return intents.Default(), nil
	}
	return intents.New(opts)
}

// classifierOptions are the config's examples and thresholds (labels already checked).
func classifierOptions(cfg *config.Config) intents.Options {
	var extra []intents.Example
	for _, ex := range cfg.Intents.Examples {
		if l, ok := intents.ParseLabel(ex.Label); ok {
			extra = append(extra, intents.Example{Text: ex.Text, Label: l})
		}
	}
	return intents.Options{Extra: extra, MenuBelow: cfg.Intents.MenuBelow}
}

// Policies turns the SLA entries into case policies; entries counted in business hours
// or working days get their deadline from the holiday calendar.
func Policies(cfg *config.Config) (map[string]cases.Policy, error) {
	cal, err := workcal.New(workcal.Options{Overrides: cfg.Calendar.Overrides})
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	var hours workcal.Hours
	if cfg.BusinessHours.Start != "" {
		start, _ := config.ClockOffset(cfg.BusinessHours.Start) // validated
		end, _ := config.ClockOffset(cfg.BusinessHours.End)
		hours = workcal.Hours{Start: start, End: end % (24 * time.Hour), WorkdaysOnly: cfg.BusinessHours.WorkdaysOnly}
	}
	out := map[string]cases.Policy{}
	for k, s := range cfg.SLA {
		within := time.Duration(s.RespondWithin)
		p := cases.Policy{RespondWithin: within, AlertNow: s.AlertNow}
		for _, w := range s.WarnBefore {
			p.WarnBefore = append(p.WarnBefore, time.Duration(w))
		}
		switch s.Count {
		case "business_hours":
			p.Until = func(t time.Time) time.Time { return cal.AddBusiness(t, within, hours) }
		case "working_days":
			days := int(within / (24 * time.Hour))
			p.Until = func(t time.Time) time.Time { return cal.AddWorkdays(t, days) }
		}
		out[k] = p
	}
	return out, nil
}

// FAQs loads each shop's FAQ, keyed by shop id (shops without one are absent), their
// answer models shared through models when it is not nil. Errors name the file and line.
func FAQs(cfg *config.Config, models *faq.Models) (map[string]*faq.Book, error) {
	out := map[string]*faq.Book{}
	for i, s := range cfg.Shops {
		var data []byte
		name := s.FAQ
		switch s.FAQ {
		case "":
			continue
		case faq.Sample:
			data, name = faq.SampleFile(), "faq/sample_faq.toml (built in)"
		default:
			b, err := os.ReadFile(s.FAQ)
			if err != nil {
				return nil, fmt.Errorf("shops[%d].faq: %w", i, err)
			}
			data = b
		}
		book, err := faq.Parse(name, data, 0)
		if err != nil {
			return nil, fmt.Errorf("shops[%d].faq: %w", i, err)
		}
		if models != nil {
			book.ShareModels(models)
		}
		out[s.ID] = book
	}
	return out, nil
}

// Assistant builds the optional language model from [llm]; nil (and no error) when it is
// off. The interface value stays nil then, so the engine sees no assistant at all.
func Assistant(cfg *config.Config) (bot.Assistant, error) {
	if cfg.LLM.BaseURL == "" {
		return nil, nil
	}
	c, err := llm.New(llm.Options{BaseURL: cfg.LLM.BaseURL, Model: cfg.LLM.Model, APIKey: cfg.LLM.APIKey, Timeout: time.Duration(cfg.LLM.Timeout)})
	if err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	return c, nil
}

// Check builds everything a start would build from cfg, without starting anything and
// without opening the store: platforms, classifier, sinks, calendar and every template.
func Check(cfg *config.Config, now func() time.Time) error {
	if _, err := Platforms(cfg, now); err != nil {
		return err
	}
	if _, err := Classifier(cfg); err != nil {
		return err
	}
	if _, err := Sinks(cfg, now); err != nil {
		return err
	}
	if _, err := Policies(cfg); err != nil {
		return err
	}
	if _, err := FAQs(cfg, nil); err != nil {
		return err
	}
	if _, err := Assistant(cfg); err != nil {
		return err
	}
	if cfg.Web.Enabled {
		if err := board.CheckToken(cfg.Web.Token); err != nil {
			return fmt.Errorf("web: %w", err)
		}
	}
	if _, err := bot.ParseTemplates(vocab.Replies, cfg.Replies, vocab.TemplateFuncs()); err != nil {
		return err
	}
	_, err := bot.ParseTemplates(vocab.Alerts, cfg.Alerts, vocab.TemplateFuncs())
	return err
}

// noPlatform stands in for a shop whose platform was not built (tests that give only
// some shops a platform).
type noPlatform struct{}

func (noPlatform) Name() string { return "none" }
func (noPlatform) Order(context.Context, string) (adapters.Order, error) {
	return adapters.Order{}, adapters.ErrNotFound
}
func (noPlatform) OpenCase(context.Context, adapters.CaseRequest) (adapters.CaseRef, error) {
	return adapters.CaseRef{}, errors.ErrUnsupported
}
func (noPlatform) CaseStatus(context.Context, adapters.CaseRef) (adapters.CaseStatus, error) {
	return adapters.CaseStatus{}, errors.ErrUnsupported
}
func (noPlatform) Resolve(context.Context, adapters.CaseRef, adapters.Decision) error {
	return errors.ErrUnsupported
}
