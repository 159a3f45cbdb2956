package bot

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
)

// Quote is a chat reply that quotes an earlier message. Web WeChat (and so openwechat)
// delivers one as plain text:
//
//	「小店客服：…the quoted message…」
//	- - - - - - - - - - - - - - -
//	the new words
//
// (the shape wechaty's padlocal parser and chatbot projects split on: a 「…」 block, a
// line of 15 spaced dashes, then the reply). The name and its colon (： or :) may be
// missing, and the quoted message may span lines.
type Quote struct {
	// Name is whose message was quoted, as the client showed it; "" when none was given.
	Name string
	// Quoted is the quoted message, without the name.
	Quoted string
	// Text is the new words: what the sender says now.
	Text string
}

// maxQuoteName bounds a sender name before the colon, in characters: past it the colon
// is read as part of the quoted words ("订单号：…" in a quote without a name).
const maxQuoteName = 24

// ParseQuote splits a quoting reply into the quote and the new words; ok is false for
// text that is not one (no leading 「, or no dashed line after the closing 」). The last
// dashed line that follows a 」 divides the two, so a quote of a quote stays quoted.
func ParseQuote(text string) (q Quote, ok bool) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if !strings.HasPrefix(text, "「") {
		return Quote{}, false
	}
	// Offsets of line starts, to find the dividing line.
	div, after := -1, -1
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if start > 0 && dashLine(text[start:end]) && strings.HasSuffix(strings.TrimSpace(text[:start]), "」") {
			div, after = start, end
		}
		start = end + 1
	}
	if div < 0 {
		return Quote{}, false
	}
	block := strings.TrimSpace(text[:div])
	block = strings.TrimSpace(block[len("「") : len(block)-len("」")])
	q.Text = strings.TrimSpace(text[min(after+1, len(text)):])
	q.Quoted = block
	if i := strings.IndexAny(block, ":："); i > 0 {
		name := block[:i]
		if !strings.ContainsRune(name, '\n') && utf8.RuneCountInString(name) <= maxQuoteName {
			_, size := utf8.DecodeRuneInString(block[i:])
			q.Name, q.Quoted = strings.TrimSpace(name), strings.TrimSpace(block[i+size:])
		}
	}
	return q, true
}

// dashLine reports a line of dashes and spaces only, with at least five dashes: the
// divider under a quote (clients draw it with ASCII, full-width or em dashes).
func dashLine(line string) bool {
	n := 0
	for _, r := range line {
		switch r {
		case '-', '－', '—', '–':
			n++
		case ' ', '\t', '\u3000':
		default:
			return false
		}
	}
	return n >= 5
}

// menuLine matches one numbered option of a menu the bot sent ("3. 换货"), wherever
// the quote's line breaks fell.
var menuLine = regexp.MustCompile(`(?:^|\s)([0-9])[.．、]\s*([^\s0-9]+)`)

// quotedMenu reads the numbered menu a quote holds, when it is one of ours: every
// option names an after-sale label in the bot's own words, numbered 1, 2, … in order,
// and "0. 转人工" is among them. The labels come back in menu order; nil otherwise.
func quotedMenu(quoted string) []string {
	byName := map[string]string{}
	for _, l := range intents.Labels() {
		byName[l.Chinese()] = string(l)
	}
	var menu []string
	human := false
	for _, m := range menuLine.FindAllStringSubmatch(quoted, -1) {
		n, _ := strconv.Atoi(m[1])
		if n == 0 {
			human = human || m[2] == "转人工"
			continue
		}
		l, ok := byName[m[2]]
		if !ok || n != len(menu)+1 {
			return nil
		}
		menu = append(menu, l)
	}
	if !human || len(menu) < 2 {
		return nil
	}
	return menu
}

// unquote makes a buyer's quoting reply the new words alone: only they are classified,
// searched for an order number and kept in the transcript. The quote is context: kept on
// the message for the turn to see which question of ours is being answered.
func (e *Engine) unquote() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			if m.Kind == KindText && m.quote == nil {
				if q, ok := ParseQuote(m.Text); ok {
					m.Text, m.quote = q.Text, &q
				}
			}
			return next(ctx, m)
		}
	}
}

// answersQuote lets the quote say which of our questions the new words answer.
//
// A numbered menu of ours, when the new words pick one of its options, is the question
// answered, whatever the session holds (it forgot the menu, or a later question such as
// a yes/no replaced it): the number means what it meant on the menu quoted.
//
// Our request for an order number or our yes/no question, quoted when the session has
// nothing pending (forgotten past its time to live, or across a restart), is asked again
// in effect: the order number or the yes goes on with the request the quote names.
func (e *Engine) answersQuote(m Message, sess *session) {
	if m.quote == nil {
		return
	}
	if menu := quotedMenu(m.quote.Quoted); menu != nil {
		if _, ok := menuChoice(m.Text, menu); ok && !slices.Equal(menu, sess.Menu) {
			sess.Menu, sess.Confirm = menu, nil
		} else if ok {
			sess.Confirm = nil
		}
		return
	}
	if sess.Intent != "" || sess.Confirm != nil || len(sess.Menu) > 0 || sess.Verify != nil {
		return // the session knows what it asked last
	}
	key, label := e.quotedQuestion(m.Shop, m.quote.Quoted)
	switch key {
	case "ask_order", "ask_order_address", "ask_order_again":
		sess.Intent, sess.Asked = label, true
	case "confirm":
		if _, ok := yesNo(m.Text); ok {
			sess.Confirm = &pendingConfirm{Label: label}
		}
	}
}

// quotedQuestion finds which of our questions quoted is, by rendering each for the
// shop: the reply key and the request it was about, or "" when it is none of them.
func (e *Engine) quotedQuestion(shop, quoted string) (key string, label intents.Label) {
	q := plainWords(quoted)
	if utf8.RuneCountInString(q) < 6 {
		return "", ""
	}
	name := e.shops[shop].Name
	starts := 0
	for _, l := range intents.Labels() {
		if !l.OpensCase() && l != intents.Logistics {
			continue
		}
		for _, k := range []string{"ask_order", "ask_order_address", "ask_order_again", "confirm"} {
			if k == "confirm" && !l.OpensCase() {
				continue
			}
			said := plainWords(e.replies.Render(k, Data{Shop: name, Intent: intentName(string(l))}))
			switch {
			case said == q:
				return k, l
			case strings.HasPrefix(said, q):
				// A client may shorten a long quote ("…"): the start of ours counts
				// when it is the start of one question only.
				starts++
				key, label = k, l
			}
		}
	}
	if starts != 1 {
		return "", ""
	}
	return key, label
}

// plainWords is text without spaces and a trailing ellipsis, for comparing a quote with
// what we said: clients re-wrap and shorten quotes.
func plainWords(s string) string {
	s = strings.Join(strings.Fields(s), "")
	return strings.TrimRight(s, "….")
}
