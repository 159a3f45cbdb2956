package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/patrickmn/go-cache"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// Classifier reads what a buyer wants.
type Classifier interface {
	Classify(text string) intents.Result
}

// Shop is one shop the desk serves.
type Shop struct {
	ID        string
	Name      string
	Platform  adapters.Platform
	Merchants []string
	// Policies maps an intent label to its SLA; "default" covers the rest.
	Policies map[string]cases.Policy
}

func (s *Shop) policy(intent string) cases.Policy {
	if p, ok := s.Policies[intent]; ok {
		return p
	}
	return s.Policies["default"]
}

func (s *Shop) isMerchant(id string) bool {
	for _, m := range s.Merchants {
		if m == id {
			return true
		}
	}
	return false
}

// Options configures an Engine. Store, Classifier, Sender and at least one Shop are required.
type Options struct {
	Shops      []Shop
	Store      *cases.Store
	Classifier Classifier
	// Sender delivers replies to buyers and merchants.
	Sender Sender
	// Sinks receive merchant alerts, each from its own level up (the escalation ladder).
	Sinks []Route
	// Escalation sets when a warning gets louder; zero fields take the defaults.
	Escalation Escalation
	Replies    map[string]string
	Alerts     map[string]string
	Funcs      template.FuncMap
	// BuyerReminders are when to remind a buyer the case waits on, counted from when it
	// started waiting. Default 24h and 48h.
	BuyerReminders []time.Duration
	// MaxLen caps a message in characters; longer ones get the too_long reply. Default 2000.
	MaxLen int
	// SessionTTL is how long the bot remembers a half-finished request. Default 30 minutes.
	SessionTTL time.Duration
	// LookupTimeout bounds the order lookup made while a buyer waits for the answer; a
	// slower platform is checked later by the case's platform job. Default 1.5s.
	LookupTimeout time.Duration
	Now           func() time.Time
	Log           *slog.Logger
}

// Engine runs the after-sale desk.
type Engine struct {
	shops    map[string]*Shop
	order    []string // shop ids in config order; the first is the default
	store    *cases.Store
	classify Classifier
	sender   Sender
	sinks    []Route
	ladder   Escalation

	buyerReminders []time.Duration
	replies        *templates
	alerts         *templates
	maxLen         int
	lookupTimeout  time.Duration
	sessions       *cache.Cache
	now            func() time.Time
	log            *slog.Logger
	handle         HandlerFunc

	alertLoop *cases.Loop
	jobLoop   *cases.Loop
	fault     storeFault
}

// New checks the options and builds an engine.
func New(o Options) (*Engine, error) {
	if o.Store == nil || o.Classifier == nil || o.Sender == nil || len(o.Shops) == 0 {
		return nil, errors.New("new engine: store, classifier, sender and a shop are required")
	}
	if o.MaxLen <= 0 {
		o.MaxLen = 2000
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * time.Minute
	}
	if o.LookupTimeout <= 0 {
		o.LookupTimeout = 1500 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BuyerReminders == nil {
		o.BuyerReminders = []time.Duration{24 * time.Hour, 48 * time.Hour}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	replies, err := parseTemplates("replies", o.Replies, replyKeys, o.Funcs)
	if err != nil {
		return nil, err
	}
	alerts, err := parseTemplates("alerts", o.Alerts, alertKeys, o.Funcs)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		shops: map[string]*Shop{}, store: o.Store, classify: o.Classifier, sender: o.Sender,
		sinks: o.Sinks, ladder: o.Escalation.withDefaults(), replies: replies, alerts: alerts, maxLen: o.MaxLen,
		lookupTimeout: o.LookupTimeout,
		sessions:      cache.New(o.SessionTTL, o.SessionTTL), now: o.Now, log: o.Log,
		buyerReminders: o.BuyerReminders,
	}
	for i := range o.Shops {
		s := o.Shops[i]
		if s.Platform == nil {
			return nil, fmt.Errorf("new engine: shop %s has no platform", s.ID)
		}
		if _, ok := s.Policies["default"]; !ok {
			return nil, fmt.Errorf("new engine: shop %s has no default SLA policy", s.ID)
		}
		e.shops[s.ID] = &s
		e.order = append(e.order, s.ID)
	}
	e.handle = chain(e.buyer, Recover(), e.sanitize(), e.dedupe(), MerchantOnly(e.isMerchant, e.merchant))
	e.alertLoop = cases.NewLoop("alerts", e.store.NextAlertDue, e.FireAlerts, e.log)
	e.alertLoop.Now = e.now
	e.jobLoop = cases.NewLoop("jobs", e.store.NextJobDue, e.RunJobs, e.log)
	e.jobLoop.Now = e.now
	return e, nil
}

// Handle handles one message and returns the replies it committed, which the caller
// sends with Deliver. A reply with ID 0 was not committed (the store failed); it is still
// worth sending, and the error says why.
func (e *Engine) Handle(ctx context.Context, m Message) ([]cases.Reply, error) {
	if m.Shop == "" {
		m.Shop = e.order[0]
	}
	if _, ok := e.shops[m.Shop]; !ok {
		return nil, fmt.Errorf("handle message: unknown shop %q", m.Shop)
	}
	if m.Kind == "" {
		m.Kind = KindText
	}
	return e.handle(ctx, m)
}

// Deliver sends replies in order and marks each committed one sent. It stops at the
// first failure; what was not sent stays in the outbox for Resend.
func (e *Engine) Deliver(ctx context.Context, replies []cases.Reply) error {
	for _, r := range replies {
		if err := e.sender.Send(ctx, r.To, r.Text); err != nil {
			return fmt.Errorf("deliver reply %d to %s: %w", r.ID, r.To, err)
		}
		if r.ID != 0 {
			if err := e.store.ReplySent(ctx, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// Resend delivers replies committed before a restart but never marked sent.
func (e *Engine) Resend(ctx context.Context) error {
	pending, err := e.store.PendingReplies(ctx)
	if err != nil {
		return err
	}
	return e.Deliver(ctx, pending)
}

func (e *Engine) isMerchant(shop, id string) bool { return e.shops[shop].isMerchant(id) }

// sanitize makes text safe to handle: valid UTF-8, trimmed, and capped in length.
func (e *Engine) sanitize() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			m.Text = strings.TrimSpace(strings.ToValidUTF8(m.Text, "\uFFFD"))
			if utf8.RuneCountInString(m.Text) > e.maxLen {
				return e.answer(ctx, m, "too_long", data{Max: e.maxLen})
			}
			return next(ctx, m)
		}
	}
}

// dedupe drops a message the channel delivered before.
func (e *Engine) dedupe() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			if m.ID == "" || m.replayed {
				// A held message's id may have been recorded before its turn failed.
				return next(ctx, m)
			}
			var first bool
			err := e.store.Update(ctx, func(tx *cases.Tx) (err error) {
				first, err = tx.FirstSeen(m.Shop, m.ID)
				return err
			})
			if err != nil {
				e.log.Error("record message id", "shop", m.Shop, "msg_id", m.ID, "err", err)
			} else if !first {
				e.log.Info("redelivered message ignored", "shop", m.Shop, "msg_id", m.ID)
				return nil, nil
			}
			return next(ctx, m)
		}
	}
}

// turn collects what one message changes and says, all in one transaction.
type turn struct {
	e       *Engine
	tx      *cases.Tx
	shop    *Shop
	m       Message
	replies []cases.Reply
	poke    bool // alerts or jobs were scheduled: wake the loops after commit
	// caseID is the case this turn acts on: what the buyer is told joins its transcript.
	caseID string
}

// say queues a reply to the sender of the message.
func (t *turn) say(key string, d data) error {
	return t.sayTo(t.m.From, key, d)
}

func (t *turn) sayTo(to, key string, d data) error {
	if d.Shop == "" {
		d.Shop = t.shop.Name
	}
	return t.sayText(to, t.e.replies.render(key, d))
}

// sayText queues text to someone; said to the buyer of the turn's case, it also joins
// the case's transcript, the merchant's evidence of what the buyer was told.
func (t *turn) sayText(to, text string) error {
	if t.caseID != "" && !t.shop.isMerchant(to) {
		if err := t.tx.AddEvent(cases.Event{Shop: t.shop.ID, CaseID: t.caseID, Kind: cases.EventReply, Actor: "bot", Text: text}); err != nil {
			return err
		}
	}
	return t.queue(to, text)
}

// queue commits a reply to the outbox without touching any transcript.
func (t *turn) queue(to, text string) error {
	r, err := t.tx.QueueReply(t.shop.ID, to, text)
	if err != nil {
		return err
	}
	t.replies = append(t.replies, r)
	return nil
}

// commit runs fn in one transaction for a shop and, once committed, wakes the loops.
func (e *Engine) commit(ctx context.Context, m Message, fn func(t *turn) error) (*turn, error) {
	t := &turn{e: e, shop: e.shops[m.Shop], m: m}
	err := e.store.Update(ctx, func(tx *cases.Tx) error {
		t.tx, t.replies, t.poke, t.caseID = tx, nil, false, ""
		return fn(t)
	})
	if err == nil && t.poke {
		e.alertLoop.Poke()
		e.jobLoop.Poke()
	}
	return t, err
}

// do runs fn in one transaction and returns the replies it committed. When the store
// fails, the sender still gets the busy reply (uncommitted) and the error is returned.
func (e *Engine) do(ctx context.Context, m Message, fn func(t *turn) error) ([]cases.Reply, error) {
	t, err := e.commit(ctx, m, fn)
	if err != nil {
		e.log.Error("handle message", "shop", m.Shop, "from", m.From, "err", err)
		e.storeFailed(ctx, m, err)
		text := e.replies.render("busy", data{Shop: t.shop.Name})
		if e.isMerchant(m.Shop, m.From) {
			text = fmt.Sprintf("⚠️ 系统暂时无法保存：%s。这条指令没有执行，请稍后再发一次。", faultReason(cases.FaultOf(err)))
		}
		return []cases.Reply{{Shop: m.Shop, To: m.From, Text: text}}, err
	}
	if e.fault.active.Load() {
		e.storeRecovered(ctx)
	}
	return t.replies, nil
}

// answer commits one templated reply to the sender.
func (e *Engine) answer(ctx context.Context, m Message, key string, d data) ([]cases.Reply, error) {
	return e.do(ctx, m, func(t *turn) error { return t.say(key, d) })
}

// Run fires alerts and platform jobs at their due times until ctx ends. Work that was
// in flight when the process last stopped is recovered first.
func (e *Engine) Run(ctx context.Context) error {
	a, j, err := e.store.Recover(ctx)
	if err != nil {
		return err
	}
	if a+j > 0 {
		e.log.Warn("recovered work in flight at last stop", "alerts", a, "jobs", j)
	}
	go e.runRetryHeld(ctx)
	errc := make(chan error, 2)
	go func() { errc <- e.alertLoop.Run(ctx) }()
	go func() { errc <- e.jobLoop.Run(ctx) }()
	err = <-errc
	<-errc
	return err
}
