package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/patrickmn/go-cache"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/llm"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/vocab"
)

// Classifier reads what a buyer wants.
type Classifier interface {
	Classify(text string) intents.Result
}

// ShopClassifier is a Classifier that may read each shop's buyers with the shop's own
// model (one that learned the merchant's corrections); the engine uses it when offered.
type ShopClassifier interface {
	ClassifyFor(shop, text string) intents.Result
}

// read classifies text for a shop.
func (e *Engine) read(shop, text string) intents.Result {
	text = withoutStickers(text)
	if sc, ok := e.classify.(ShopClassifier); ok {
		return sc.ClassifyFor(shop, text)
	}
	return e.classify.Classify(text)
}

// withoutStickers drops WeChat's emoji codes ("[捂脸]", "[微笑]", "[抱拳]": one to four Han
// characters in brackets, as WeChat sends its built-in emoji in text) so they are not
// read as words; a message of nothing else reads as the smile it is. Media placeholders
// ("[图片]") stay: they say a picture came.
func withoutStickers(text string) string {
	if !strings.Contains(text, "[") {
		return text
	}
	var b strings.Builder
	rest, dropped := text, false
	for {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			b.WriteString(rest[i:])
			break
		}
		code := rest[i+1 : i+j]
		if n := utf8.RuneCountInString(code); n >= 1 && n <= 4 && allHan(code) && !slices.Contains(mediaCodes, code) {
			dropped = true
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
	out := b.String()
	if dropped && strings.TrimSpace(out) == "" {
		return "🙂"
	}
	return out
}

// mediaCodes are bracketed words that stand for a picture, voice or file, not an emoji.
var mediaCodes = []string{"图片", "照片", "语音", "视频", "文件", "动画表情"}

// allHan reports whether s is Han characters only.
func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// Shop is one shop the desk serves.
type Shop struct {
	ID        string
	Name      string
	Platform  adapters.Platform
	Merchants []string
	// Policies maps an intent label to its SLA; "default" covers the rest.
	Policies map[string]cases.Policy
	// FAQ answers the shop's common questions; nil when the shop has none.
	FAQ FAQ
	// ReturnAddress is where goods go back (收件人 电话 地址); "" when the shop sends it itself.
	ReturnAddress string
}

// FAQ answers a buyer's common question from the shop's own answers, or says it has none
// good enough (ok false); Candidates are the entries nearest a question, best first, at
// most n, with their answers rendered for the shop. *faq.Book satisfies it.
type FAQ interface {
	Answer(text, shop string) (answer, id string, ok bool)
	Candidates(text, shop string, n int) []llm.Entry
	// Add makes question answered by answer (used as it is, never as a template).
	Add(id, question, answer string) error
}

// Assistant is a language model asked two narrow things: to answer a question strictly
// from the FAQ entries and order facts given (citing the entry; ok false when none
// answers it), and to pick one of labels for a message. Any error means: do without it.
// *llm.Client satisfies it.
type Assistant interface {
	Answer(ctx context.Context, question string, entries []llm.Entry, facts []string) (answer, entry string, ok bool, err error)
	Classify(ctx context.Context, text string, labels []string) (string, error)
}

func (s *Shop) Policy(intent string) cases.Policy {
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

// Channel delivers a committed reply to a buyer or merchant on the chat app it came from.
// It is the one interface every channel (bot/console, bot/wechat) implements.
type Channel interface {
	Send(ctx context.Context, to, text string) error
}

// ChannelFunc adapts a function to a Channel.
type ChannelFunc func(ctx context.Context, to, text string) error

// Send calls f.
func (f ChannelFunc) Send(ctx context.Context, to, text string) error { return f(ctx, to, text) }

// Learner takes the shop's own examples (a merchant's 误判 correction, already stored)
// and trains them in, so the next buyer who writes the same is read right. It must not
// block the turn.
type Learner interface {
	Learn(shop string, examples []intents.Example)
}

// Alarm tells the merchant at once without the store: used when the store itself is what
// failed. notify.Router satisfies it.
type Alarm interface {
	Broadcast(ctx context.Context, a notify.Alert)
}

// Options configures an Engine. Store, Classifier, Channel and at least one Shop are required.
type Options struct {
	Shops      []Shop
	Store      *cases.Store
	Classifier Classifier
	// Channel delivers replies to buyers and merchants.
	Channel Channel
	// Alarm hears about store faults; nil: they are only logged.
	Alarm Alarm
	// Learner trains in the merchant's corrections; nil: they are only stored (and trained
	// in at the next start).
	Learner Learner
	Replies map[string]string
	Funcs   template.FuncMap
	// BuyerReminders are when to remind a buyer the case waits on, counted from when it
	// started waiting. Default 24h and 48h.
	BuyerReminders []time.Duration
	// MaxLen caps a message in characters; longer ones get the too_long reply. Default 2000.
	MaxLen int
	// SessionTTL is how long the bot remembers a half-finished request. Default 30 minutes.
	SessionTTL time.Duration
	// Limits bound what one buyer can make the desk do; zero fields take the defaults.
	Limits Limits
	// VerifyOwner binds each order to the chat buyer who proves it (or first uses it, when
	// the platform gives nothing to prove it with); others see no details of it.
	VerifyOwner bool
	// Assistant, when set, is a language model consulted where the bot would otherwise
	// show a menu (the classifier unsure) or pass a question to the merchant (no FAQ entry
	// scores high enough); nil: never.
	Assistant Assistant
	// LookupTimeout bounds the order lookup made while a buyer waits for the answer; a
	// slower platform is checked later by the case's platform job. Default 1.5s.
	LookupTimeout time.Duration
	Now           func() time.Time
	Log           *slog.Logger
}

// Engine runs the buyer's turn and the merchant's commands: one message in, the case
// changes and replies it calls for committed in one transaction, then sent.
type Engine struct {
	shops    map[string]*Shop
	order    []string // shop ids in config order; the first is the default
	store    *cases.Store
	classify Classifier
	channel  Channel
	alarm    Alarm
	learner  Learner

	buyerReminders []time.Duration
	replies        *Templates
	maxLen         int
	lookupTimeout  time.Duration
	sessions       *cache.Cache // shop+buyer → cachedSession
	sessionTTL     time.Duration
	now            func() time.Time
	log            *slog.Logger
	handle         HandlerFunc

	fault       storeFault
	limits      Limits
	paces       *cache.Cache // shop+buyer → *pace
	verifyOwner bool
	// owned remembers the chat buyers found among an order's owners (shop, order,
	// buyer), saving the store read at their next message about it.
	owned     *cache.Cache
	assistant Assistant
}

// New checks the options and builds an engine.
func New(o Options) (*Engine, error) {
	if o.Store == nil || o.Classifier == nil || o.Channel == nil || len(o.Shops) == 0 {
		return nil, errors.New("new engine: store, classifier, channel and a shop are required")
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
	replies, err := ParseTemplates(vocab.Replies, o.Replies, o.Funcs)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		shops: map[string]*Shop{}, store: o.Store, classify: o.Classifier, channel: o.Channel, alarm: o.Alarm, learner: o.Learner,
		replies: replies, maxLen: o.MaxLen, lookupTimeout: o.LookupTimeout,
		sessions: cache.New(o.SessionTTL, o.SessionTTL), sessionTTL: o.SessionTTL, now: o.Now, log: o.Log,
		buyerReminders: o.BuyerReminders,
		limits:         o.Limits.withDefaults(), paces: cache.New(time.Hour, 10*time.Minute),
		verifyOwner: o.VerifyOwner, owned: cache.New(10*time.Minute, 10*time.Minute), assistant: o.Assistant,
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
	e.handle = chain(e.buyer, Recover(), e.sanitize(), e.dedupe(), MerchantOnly(e.isMerchant, e.merchant), e.unquote(), e.enumerate())
	return e, nil
}

// Shop returns the shop with the given id.
func (e *Engine) Shop(id string) (*Shop, bool) {
	s, ok := e.shops[id]
	return s, ok
}

// Reply renders the buyer reply template key; buyer text reaches it only as data.
func (e *Engine) Reply(key string, d Data) string { return e.replies.Render(key, d) }

// BuyerReminders are when a buyer whose case waits on them is reminded.
func (e *Engine) BuyerReminders() []time.Duration { return e.buyerReminders }

// Handle handles one message: it commits what the message changes and the replies it
// calls for in one transaction, then sends the replies on the channel and marks them
// sent. A reply that could not be committed (the store failed) is still sent, and the
// error says why; a committed reply that could not be sent stays in the outbox for Resend.
func (e *Engine) Handle(ctx context.Context, m Message) error {
	if m.Shop == "" {
		m.Shop = e.order[0]
	}
	if _, ok := e.shops[m.Shop]; !ok {
		return fmt.Errorf("handle message: unknown shop %q", m.Shop)
	}
	if m.Kind == "" {
		m.Kind = KindText
	}
	replies, err := e.handle(ctx, m)
	if derr := e.Deliver(ctx, replies); derr != nil {
		e.log.Warn("deliver replies", "shop", m.Shop, "to", m.From, "err", derr)
		if err == nil {
			err = derr
		}
	}
	return err
}

// Deliver sends committed replies in order and marks each sent. It stops at the first
// failure; what was not sent stays in the outbox for Resend.
func (e *Engine) Deliver(ctx context.Context, replies []cases.Reply) error {
	for _, r := range replies {
		if err := e.channel.Send(ctx, r.To, r.Text); err != nil {
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

// Outcome is what a merchant command given as typed values did.
type Outcome struct {
	// Said is what the merchant was told, in order.
	Said []string
	// Repeat is set when the command's id was seen before: nothing was done again.
	Repeat bool
}

// Act runs a merchant command given as typed values (the web board) from merchant of
// shop, as if typed in chat, and delivers what it says. id, when not empty, identifies
// the command: the same id again does nothing (a form sent twice).
func (e *Engine) Act(ctx context.Context, shop, merchant, id string, cmd Command) (Outcome, error) {
	if _, ok := e.shops[shop]; !ok {
		return Outcome{}, fmt.Errorf("act: unknown shop %q", shop)
	}
	m := Message{ID: id, Shop: shop, From: merchant, Name: "网页看板", Kind: KindText, Text: cmd.String(), At: e.now(), cmd: &cmd}
	replies, err := e.handle(ctx, m)
	out := Outcome{Repeat: err == nil && len(replies) == 0}
	for _, r := range replies {
		if r.To == merchant {
			out.Said = append(out.Said, r.Text)
		}
	}
	if derr := e.Deliver(ctx, replies); derr != nil && err == nil {
		err = derr
	}
	return out, err
}

func (e *Engine) isMerchant(shop, id string) bool { return e.shops[shop].isMerchant(id) }

// sanitize makes text safe to handle: valid UTF-8, trimmed, and capped in length.
func (e *Engine) sanitize() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			// Written simplified, so the conversation's word tests ("发货", "台湾") hold for a
			// buyer who types traditional characters too; the meaning is unchanged.
			m.Text = intents.Simplified(strings.TrimSpace(strings.ToValidUTF8(m.Text, "\uFFFD")))
			// An order or phone number said into voice input comes as Chinese digits
			// ("订单号是二一五六七八九零…"): the number, for the buyer and the merchant alike.
			m.Text = intents.SpokenDigits(m.Text)
			if t, ok := fromPaste(m.Text); ok {
				m.Text = t // the buyer's words first, the app's order detail cut to the order and goods
			}
			if utf8.RuneCountInString(m.Text) > e.maxLen {
				return e.answer(ctx, m, "too_long", Data{Max: e.maxLen})
			}
			return next(ctx, m)
		}
	}
}

// errRedelivered is a turn's transaction finding its message id seen before: the
// transaction rolls back and nothing is said.
var errRedelivered = cases.ErrSeen

// dedupe drops a message the channel delivered before. The id is recorded by the turn's
// own transaction (commit), so a message costs one write, and a turn that fails records
// nothing.
func (e *Engine) dedupe() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			if m.ID != "" && !m.replayed {
				// A held message's id may have been recorded before its turn failed.
				m.seen = &seen{}
			}
			replies, err := next(ctx, m)
			if errors.Is(err, errRedelivered) {
				e.log.Info("redelivered message ignored", "shop", m.Shop, "msg_id", m.ID)
				return nil, nil
			}
			return replies, err
		}
	}
}

// seen is whether a turn has recorded its message id; the first commit of a turn does.
type seen struct{ recorded bool }

// turn collects what one message changes and says, all in one transaction.
type turn struct {
	e       *Engine
	tx      *cases.Tx
	shop    *Shop
	m       Message
	replies []cases.Reply
	// caseID is the case this turn acts on: what the buyer is told joins its transcript.
	caseID string
	// learned are shop examples the turn stored (a 误判 correction), trained in once it
	// commits.
	learned []intents.Example
	// faqAdded are FAQ entries the turn stored (Q7 回复 … +问答), added to the shop's FAQ
	// once it commits.
	faqAdded []cases.FAQEntry
	// handoffs are buyers handed to a person or back, told to a Handoff channel once
	// the turn commits.
	handoffs []handoffChange
	// sessions are other buyers' conversation states the turn stored (a merchant's 误判
	// starting the buyer's request), kept in memory once it commits.
	sessions []sessionWrite
}

// sessionWrite is a buyer's session a turn stored in its transaction.
type sessionWrite struct {
	shop, buyer string
	s           session
	data        string
}

// say queues a reply to the sender of the message.
func (t *turn) say(key string, d Data) error {
	return t.sayTo(t.m.From, key, d)
}

func (t *turn) sayTo(to, key string, d Data) error {
	if d.Shop == "" {
		d.Shop = t.shop.Name
	}
	return t.sayText(to, t.e.replies.Render(key, d))
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

// commit runs fn in one transaction for a shop. The store wakes the background loops
// when the transaction scheduled alerts or jobs.
func (e *Engine) commit(ctx context.Context, m Message, fn func(t *turn) error) (*turn, error) {
	t := &turn{e: e, shop: e.shops[m.Shop], m: m}
	check := m.seen != nil && !m.seen.recorded
	err := e.store.Update(ctx, func(tx *cases.Tx) error {
		t.tx, t.replies, t.caseID, t.learned, t.faqAdded, t.handoffs, t.sessions = tx, nil, "", nil, nil, nil, nil
		// Instances sharing a PostgreSQL store take a buyer's turns one at a time (a
		// no-op on SQLite, whose single writer already does).
		if err := tx.LockBuyer(m.Shop, m.From); err != nil {
			return err
		}
		if check {
			// A message seen before fails the transaction (errRedelivered): on PostgreSQL
			// at its commit, with nothing of it kept, so a turn costs no round trip more.
			if err := tx.RecordFirst(m.Shop, m.ID); err != nil {
				return err
			}
		}
		return fn(t)
	})
	if err == nil && check {
		m.seen.recorded = true
	}
	if err == nil {
		for _, w := range t.sessions {
			e.sessions.SetDefault(sessionKey(w.shop, w.buyer), cachedSession{s: w.s, stored: w.data})
		}
	}
	if err == nil && len(t.handoffs) > 0 {
		e.announceHandoffs(ctx, t.handoffs)
	}
	if err == nil && len(t.learned) > 0 && e.learner != nil {
		e.learner.Learn(m.Shop, t.learned)
	}
	if f := t.shop.FAQ; err == nil && f != nil {
		for _, a := range t.faqAdded {
			if err := f.Add(a.ID, a.Question, a.Answer); err != nil {
				e.log.Warn("faq entry stored but not added until restart", "shop", m.Shop, "entry", a.ID, "err", err)
			}
		}
	}
	return t, err
}

// do runs fn in one transaction and returns the replies it committed. When the store
// fails, the sender still gets the busy reply (uncommitted) and the error is returned.
func (e *Engine) do(ctx context.Context, m Message, fn func(t *turn) error) ([]cases.Reply, error) {
	t, err := e.commit(ctx, m, fn)
	if errors.Is(err, errRedelivered) {
		return nil, err
	}
	if err != nil {
		e.log.Error("handle message", "shop", m.Shop, "from", m.From, "err", err)
		e.storeFailed(ctx, m, err)
		text := e.replies.Render("busy", Data{Shop: t.shop.Name})
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
func (e *Engine) answer(ctx context.Context, m Message, key string, d Data) ([]cases.Reply, error) {
	return e.do(ctx, m, func(t *turn) error { return t.say(key, d) })
}
