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

// answersQuotedMenu puts back the menu a buyer's reply quotes, when the reply picks one of
// its options and it is not the menu open now (the session forgot it, or a later
// question replaced it): the number means what it meant on the menu quoted.
func answersQuotedMenu(m Message, sess *session) {
	if m.quote == nil {
		return
	}
	menu := quotedMenu(m.quote.Quoted)
	if menu == nil || slices.Equal(menu, sess.Menu) {
		return
	}
	if _, ok := menuChoice(m.Text, menu); ok {
		sess.Menu = menu
	}
}
