package bot

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// session is what the bot remembers of one buyer between messages, so it never asks
// twice for what the buyer already said. It is a value: read, change, store back.
type session struct {
	Intent    intents.Label // a request waiting for a missing slot
	Reason    intents.Reason
	AmountFen int64
	OrderID   string   // the last order id the buyer gave
	Menu      []string // labels offered in the numbered menu, when one is open
	MenuText  string   // the message that led to the menu
	// MenuAgain counts the times the open menu's question was put again to a buyer who
	// answered something else (menuAgain).
	MenuAgain int    `json:",omitempty"`
	Pending   []said // the buyer's messages since the pending request began: the case transcript
	CaseID    string // the buyer's latest case, for messages that follow it
	// Recent are the buyer's last text messages, for reading a burst as one.
	Recent []note
	// Asked is set once the bot asked for the order number of the pending request.
	Asked bool
	// Reminded is set once it reminded the buyer of it too: a question after that goes to
	// the merchant rather than a third reminder (in memory only).
	Reminded bool
	// Aside is the inbox question asked while the request waited for its order number;
	// it folds into the case the order number opens.
	Aside string `json:",omitempty"`
	// Verify is the order the buyer was asked to prove is theirs, while it waits.
	Verify *pendingVerify
	// Bind is an order the buyer is the first to use (nothing to prove it with): the turn
	// that acts on it binds it to them.
	Bind string
	// Goods is what order GoodsOf holds, from the lookup that checked it: the case opened
	// on that order keeps it (cases.Case.Goods) for the merchant's alerts.
	Goods   string `json:",omitempty"`
	GoodsOf string `json:",omitempty"`
	// NotedAt is when the buyer was last told their grievance was added to the complaint
	// the merchant was just alerted to (in memory only): said once, then "收到，已记下".
	NotedAt time.Time
	// Named are the order ids the buyer gave lately, the newest last (at most maxNamed;
	// in memory only): one named before the last may be what the next words are about
	// ("保温杯不要了" after the mug's number; orderByGoods).
	Named []string
	// RemedyFor is the problem the remedies menu was last shown for, and RemedyAt when
	// (in memory only): the same problem told again after the buyer went on to other
	// things is not asked the menu a second time (remedies).
	RemedyFor intents.Reason `json:",omitempty"`
	RemedyAt  time.Time      `json:",omitempty"`
	// Confirm is the yes/no question the bot asked last, waiting for its answer.
	Confirm *pendingConfirm
	// Passed over is the request the bot asked the buyer to confirm and the buyer went on
	// without a yes or a no to (in memory only): a question read as it again goes to the
	// merchant, never the same yes/no twice.
	PassedOver intents.Label
	// Told is when the buyer was last told their question went to the merchant: more
	// words in the same burst join it without a reply each.
	Told time.Time
	// Tracked is the order whose status or tracking the buyer was shown: asked again, it
	// goes to the merchant instead of the same text.
	Tracked string
	// Passed is the case the buyer's words were last passed on to the merchant on (a
	// protest or a new problem on a case that is over), at PassedAt: a fragment right
	// after it ("就那个杯垫") is more of the same.
	Passed   string    `json:",omitempty"`
	PassedAt time.Time `json:",omitempty"`
	// MerchantSaid is the case the merchant last wrote to the buyer on (A1 回复 …), at
	// MerchantSaidAt: the buyer's next words are most likely their answer, for the
	// merchant.
	MerchantSaid   string    `json:",omitempty"`
	MerchantSaidAt time.Time `json:",omitempty"`
	// PassedMedia is set when what went onto Passed was a picture, voice note or file:
	// the words right after it are its caption.
	PassedMedia bool `json:",omitempty"`
	// NotFound is the order number last looked up and not found: given again, the
	// request goes to the merchant to check instead of "没有查到" once more.
	NotFound string `json:",omitempty"`
	// ClosedOrder is the order number last looked up and found closed: a buyer who then
	// says their money was taken ("订单关了？我钱扣了啊"), or sends it again, is passed to
	// the merchant with it rather than told "已经关闭了" once more.
	ClosedOrder string `json:",omitempty"`
	// UnshippedOrder is the order number last given for a fault with goods in hand and
	// found not shipped: sent again, it opens the request for the merchant to look into.
	UnshippedOrder string `json:",omitempty"`
	// Phoned is set once the buyer's phone went to the merchant for want of an order
	// number: requests after it go to the merchant too, never asking for the number again.
	Phoned bool `json:",omitempty"`
	// Answered are the FAQ entries the buyer was last answered from (at most
	// maxAnswered, the newest last, the newest at AnsweredAt): one asked again within
	// faqRepeatWithin goes to the merchant instead of the same answer once more ("能开
	// 专票吗" answered, then "那开票信息" got the same paragraph).
	Answered   []string  `json:",omitempty"`
	AnsweredAt time.Time `json:",omitempty"`
	// AnsweredText is the question last answered from the FAQ, at AnsweredAt: what a
	// follow-up ("还有洗碗机") is about.
	AnsweredText string `json:",omitempty"`
	// Seen is set once the bot has answered the buyer in this session (in memory only):
	// a hello before it is a first contact, answered with the shop's welcome.
	Seen bool
	// Several is set when the buyer said the request is for more than one order ("两单都要退"):
	// each order number that follows gets the request, not the menu.
	Several bool
	// MoreOrders are order ids given with the first one while a menu was open: the
	// request chosen applies to each.
	MoreOrders []string `json:",omitempty"`
	// StatusAsk is set while the pending request is one the buyer only asked about ("我的
	// 退款到账了吗" with no case here): the case its order number opens is told as passed
	// on for the merchant to look into, not as a request the bot registered for them.
	StatusAsk bool `json:",omitempty"`
	// EasedFor is the request a bare OK was last answered for with "不着急～ 找到订单号
	// 直接发我" (in memory only): said once, the next OK gets an OK.
	EasedFor intents.Label `json:",omitempty"`
	// AskedAbout is the case a status ask opened ("我的退款怎么还没到账" + the order): the
	// buyer may say next that they never asked for it, and it is withdrawn.
	AskedAbout string `json:",omitempty"`
}

// pendingConfirm is a yes/no question the bot asked before acting.
type pendingConfirm struct {
	Label  intents.Label // the request to go ahead with on yes
	CaseID string        // for a withdrawal: the case to withdraw
}

// said is one buyer message kept for a transcript before its case exists.
type said struct {
	Text  string
	Media string // the channel's saved file for a media message
	Keep  bool   `json:",omitempty"` // words that belong to whatever request follows (a phone number left first)
}

// waitsForOrder reports a request, or a delivery question, that was asked for its order
// number and is still waiting for it: the buyer's words since are kept for it.
func (s *session) waitsForOrder() bool {
	return s.Intent.OpensCase() || s.Intent == intents.Logistics && s.Asked
}

// keep adds the buyer's words to those kept for the request that follows, once each.
// keepFirst is keep for the words that led to an open menu: said before anything said to
// the menu, they come first on the case ("有一个裂了" before "咋办", "退钱吧").
func (s *session) keepFirst(text string) {
	if i := slices.IndexFunc(s.Pending, func(p said) bool { return p.Text == text }); i >= 0 {
		s.Pending[i].Keep = true
		return
	}
	if text != "" && len(s.Pending) < maxPending {
		s.Pending = slices.Insert(s.Pending, 0, said{Text: text, Keep: true})
	}
}

// retell makes text the words of the open menu, the buyer still telling the problem;
// the words that led to it before are kept first.
func (s *session) retell(text string) {
	s.keepFirst(s.MenuText)
	s.MenuText = text
}

func (s *session) keep(text string) {
	if i := slices.IndexFunc(s.Pending, func(p said) bool { return p.Text == text }); i >= 0 {
		s.Pending[i].Keep = true
		return
	}
	if text != "" && len(s.Pending) < maxPending {
		s.Pending = append(s.Pending, said{Text: text, Keep: true})
	}
}

// hasMedia reports a picture, voice note or file among the words kept for a request.
func hasMedia(p []said) bool {
	return slices.ContainsFunc(p, func(s said) bool { return s.Media != "" })
}

func sessionKey(shop, buyer string) string { return shop + "\x00" + buyer }

// cachedSession is a session in memory with the durable part last written to the store.
type cachedSession struct {
	s      session
	stored string
}

// session returns what the bot remembers of the buyer: from memory, or after a restart
// from the store, for as long as the session's time to live.
func (e *Engine) session(shop, buyer string) session {
	if s, ok := e.memorySession(shop, buyer); ok {
		return s
	}
	data, at, ok, err := e.store.Session(context.Background(), shop, buyer)
	if err != nil {
		e.log.Warn("read stored session", "shop", shop, "err", err)
		return session{}
	}
	return e.restoreSession(shop, buyer, cases.StoredSession{Data: data, At: at, OK: ok})
}

// memorySession returns the buyer's session held in memory, if any.
func (e *Engine) memorySession(shop, buyer string) (session, bool) {
	if v, ok := e.sessions.Get(sessionKey(shop, buyer)); ok {
		return v.(cachedSession).s, true
	}
	return session{}, false
}

// restoreSession is the session the store kept for the buyer (none once older than the
// session's time to live), held in memory from now on.
func (e *Engine) restoreSession(shop, buyer string, st cases.StoredSession) session {
	var s session
	if !st.OK || e.now().Sub(st.At) > e.sessionTTL || json.Unmarshal([]byte(st.Data), &s) != nil {
		return session{}
	}
	e.sessions.SetDefault(sessionKey(shop, buyer), cachedSession{s: s, stored: st.Data})
	return s
}

// saveSession keeps the session in memory and, when what a restart must not forget
// changed, in the store.
func (e *Engine) saveSession(shop, buyer string, s session) {
	key := sessionKey(shop, buyer)
	var stored string
	if v, ok := e.sessions.Get(key); ok {
		stored = v.(cachedSession).stored
	}
	data := s.durable()
	if data != stored {
		if err := e.store.SaveSession(context.Background(), shop, buyer, data); err != nil {
			e.log.Warn("store session", "shop", shop, "err", err)
			data = stored // try again at the next change
		}
	}
	e.sessions.SetDefault(key, cachedSession{s: s, stored: data})
}

// durable is, as JSON, the part of a session a restart must not forget: a request
// waiting for an order number, a yes or a proof, with the buyer's words and the order
// under discussion; "" when there is none. Bursts and recent answers are not kept.
func (s session) durable() string {
	d := session{Intent: s.Intent, Reason: s.Reason, AmountFen: s.AmountFen, OrderID: s.OrderID, Menu: s.Menu, MenuText: s.MenuText,
		MenuAgain: s.MenuAgain, Pending: s.Pending, CaseID: s.CaseID, Asked: s.Asked, Aside: s.Aside, Verify: s.Verify, Confirm: s.Confirm, Several: s.Several, MoreOrders: s.MoreOrders, StatusAsk: s.StatusAsk}
	if d.Intent == "" && d.Menu == nil && d.Verify == nil && d.Confirm == nil && !d.Several && !hasMedia(d.Pending) {
		return ""
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "" // cannot happen: plain fields
	}
	return string(b)
}

// Waiting is the request a buyer made that still waits for something from them (an order
// number, a confirmation) with no case yet; "" when none.
func (e *Engine) Waiting(shop, buyer string) intents.Label {
	return e.session(shop, buyer).Intent
}

// sessionAndView reads what a buyer's turn starts from: the session (from memory, else
// from the store) and the buyer's view, the two store reads together in one.
func (e *Engine) sessionAndView(ctx context.Context, m Message) (session, cases.BuyerView, error) {
	since := e.now().Add(-recentFor)
	if s, ok := e.memorySession(m.Shop, m.From); ok {
		view, err := e.store.Buyer(ctx, m.Shop, m.From, since)
		return s, view, err
	}
	view, stored, err := e.store.BuyerAndSession(ctx, m.Shop, m.From, since)
	if err != nil {
		// As when the reads were apart: the session as far as it can be read.
		return e.session(m.Shop, m.From), view, err
	}
	return e.restoreSession(m.Shop, m.From, stored), view, nil
}

// maxNamed bounds session.Named.
const maxNamed = 5

// named records order ids the buyer gave, the newest last.
func (s *session) named(ids ...string) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		s.Named = append(slices.DeleteFunc(s.Named, func(n string) bool { return n == id }), id)
	}
	if n := len(s.Named); n > maxNamed {
		s.Named = s.Named[n-maxNamed:]
	}
}
