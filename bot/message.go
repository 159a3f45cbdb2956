// Package bot is the conversation engine: it turns one incoming chat message into the
// case changes and replies it calls for, and answers merchants' chat commands. Channels
// (bot/console, bot/wechat) own the goroutines; the engine is a synchronous call.
package bot

import (
	"context"
	"time"

	"github.com/aftersale/aftersale/cases"
)

// Handler takes one incoming message: *Engine is the one channels drive. It commits
// what the message changes and sends the replies on the engine's Channel itself, so a
// channel never carries replies back and forth.
type Handler interface {
	Handle(ctx context.Context, m Message) error
}

// Kind is what a chat message carries.
type Kind string

// Message kinds.
const (
	KindText  Kind = "text"
	KindImage Kind = "image"
	KindVoice Kind = "voice"
	KindVideo Kind = "video"
	KindFile  Kind = "file"
)

// Message is one incoming chat message. Buyers and merchants are plain stable ids; a
// channel resolves them to its own contacts.
type Message struct {
	// ID is the channel's message id; a message seen before is handled once. May be empty.
	ID   string
	Shop string
	From string // stable sender id
	Name string // display name, for the merchant's alerts
	Kind Kind
	Text string
	// Media is the saved file of a picture, voice, video or file message.
	Media string
	At    time.Time
	// replayed marks a message held during a store fault and handled again.
	replayed bool
	// part is k for the kth item of a numbered list read item by item (enumerate), 0 for
	// a whole message.
	part int
	// told are the words a remedies menu was asked about when this message left it for
	// something else ("面霜用了脸上起红疹了" before "我就想问问这正常吗"): what an inbox item
	// it becomes is about.
	told string
	// cmd is a merchant command given as typed values (Engine.Act): it is not parsed
	// from Text.
	cmd *Command
	// seen is set by the dedupe middleware for a message with an id: its turn's first
	// commit records the id.
	seen *seen
	// quote is what a buyer's quoting reply quoted, Text being their new words alone
	// (set by the unquote middleware).
	quote *Quote
	// asked are the orders of the buyer's inbox questions, which the conversation's view
	// leaves out: orders the buyer talked about all the same (orderByGoods).
	asked []string
	// asking is set when the buyer has an inbox question waiting for the merchant: "算了
	// 我自己弄吧" then drops it.
	asking bool
	// statusAsked is set when the buyer's last request was only asked about ("退款到账没"
	// with no case here), whatever this message does to it: reminded of the order number,
	// they hear it is to look the request up, not to start one.
	statusAsked bool
	// answered is the buyer's newest inbox question that was answered (closed), nil when
	// none was; its UpdatedAt is when. A voice note soon after is the buyer's answer, and a
	// photo the merchant's answer asked for goes back to it.
	answered *cases.Case
	// faq is the shop FAQ's answer to a buyer's text, looked up at most once per turn
	// however many branches of the conversation ask for it.
	faq *faqLookup
}

type faqLookup struct {
	// about names the goods-back request the buyer has live (退货, 换货), said before a
	// short question about sending them ("运费谁出", "寄到哪") so the FAQ reads it as
	// that request's question, not the shop's shipping fees.
	about string
	// goods names the goods the buyer is talking about (their newest case's, or the
	// order's they named): a question that names none ("这个能装热汤吗") is about them.
	goods string
	// replacing is set when the buyer has a replacement coming (an exchange live or
	// agreed): "新的什么时候发" asks after it, not the shop's ship-by promise.
	replacing  bool
	done       bool
	answer, id string
	ok         bool
	// part is the answer to one of two or more questions in the message when the FAQ
	// answers some but not all of them ("包邮吗 顺丰要加多少"): given at once, the rest
	// going to the merchant; ok is false then.
	part string
	// given are the entries the buyer was answered from lately (session.Answered): the
	// same entry again is no answer — the buyer asks on because it did not answer them —
	// and repeat is set when the best entry is one of them.
	given  []string
	repeat bool
}
