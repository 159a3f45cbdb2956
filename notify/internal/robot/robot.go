// Package robot holds what every HTTP alert sink shares: the louder text for urgent
// alerts, byte-safe truncation, a resty client that logs nothing, and redaction of
// credentials from errors (net/http errors quote the full URL).
package robot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/notify"
)

// Render makes the alert text louder for urgent alerts and marks a resend, unless the
// rendered text already says so.
func Render(a notify.Alert) string {
	var b strings.Builder
	if a.Level >= notify.LevelUrgent && !strings.HasPrefix(a.Text, "【紧急】") {
		b.WriteString("【紧急】")
	}
	if a.Repeat && !strings.Contains(a.Text, "重发") {
		b.WriteString("【重发】")
	}
	b.WriteString(a.Text)
	return b.String()
}

// Truncate cuts s to at most n bytes on a rune boundary, marking the cut with "…".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	if n < len(ellipsis) {
		// No room for the mark: cut on a rune boundary alone.
		cut := max(n, 0)
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut]
	}
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// NewClient returns a resty client on a copy of hc (nil: a new one) that logs nothing.
func NewClient(hc *http.Client) *resty.Client {
	var c *resty.Client
	if hc != nil {
		cp := *hc // resty sets fields on the client it is given; keep the caller's intact
		c = resty.NewWithClient(&cp)
	} else {
		c = resty.New()
	}
	// resty's default logger writes errors, which carry the request URL and so the
	// credentials, to stderr; errors are returned (redacted) instead.
	return c.SetLogger(discardLogger{})
}

type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// Redactor holds the secret values that must never reach an error's text.
type Redactor []string

// Err removes the secrets from err's text. net/http errors quote the full request URL,
// path and query included, so a transport error would otherwise print them.
func (r Redactor) Err(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	for _, s := range r {
		if s == "" {
			continue
		}
		clean = strings.ReplaceAll(clean, s, "REDACTED")
		if esc := url.QueryEscape(s); esc != s {
			clean = strings.ReplaceAll(clean, esc, "REDACTED")
		}
		if esc := url.PathEscape(s); esc != s {
			clean = strings.ReplaceAll(clean, esc, "REDACTED")
		}
	}
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, cause: err}
}

// SendError redacts the error inside a *notify.SendError, keeping its verdict.
func (r Redactor) SendError(err error) error {
	var se *notify.SendError
	if errors.As(err, &se) {
		cp := *se
		cp.Err = r.Err(se.Err)
		return &cp
	}
	return r.Err(err)
}

// redactedError shows a cleaned message. It unwraps only to context errors, so callers can
// still tell a timeout, without reaching the original text through the chain.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error {
	switch {
	case errors.Is(e.cause, context.DeadlineExceeded):
		return context.DeadlineExceeded
	case errors.Is(e.cause, context.Canceled):
		return context.Canceled
	}
	return nil
}

// Answer is what a robot said in its JSON envelope (errcode/errmsg, code/msg).
type Answer struct {
	// Found is false when the body was not the robot's envelope (a proxy's page, empty).
	Found bool
	Code  int
	Msg   string
}

// Verdict turns one HTTP answer from a robot into nil or a *notify.SendError. The robot's
// own code wins over the HTTP status, because robots report rate limits with statuses
// that read as a bad request: Feishu answers HTTP 400 {"code":9499,"msg":"too many
// request"} when a bot is throttled (seen in ccfos/nightingale#1437; Feishu's rate-limit
// guide says older APIs answer 400 rather than 429). So a non-zero code is retried when
// retry(code, msg) says so, or the status does (5xx, 429); anything else it refuses is
// permanent. Without an envelope the status alone decides (notify.CheckStatus), and a 2xx
// that is not the robot's answer is retried: something in between answered, and the robot
// may never have seen the message.
func Verdict(sink string, status int, body []byte, ans Answer, retry func(code int, msg string) bool) error {
	if ans.Found && ans.Code != 0 {
		again := retry(ans.Code, ans.Msg) || status >= 500 || status == http.StatusTooManyRequests
		return &notify.SendError{Sink: sink, Status: status, Retry: again, Err: fmt.Errorf("code %d: %.200s", ans.Code, ans.Msg)}
	}
	if err := notify.CheckStatus(sink, status, body); err != nil {
		return err
	}
	if !ans.Found {
		return &notify.SendError{Sink: sink, Status: status, Retry: true, Err: fmt.Errorf("decode answer %.200q", body)}
	}
	return nil
}

// WithKeyword makes sure text contains keyword, for robots secured by 自定义关键词: DingTalk
// refuses a message without one of the robot's keywords (errcode 310000 "keywords not in
// content" / 关键词不匹配) and Feishu likewise (code 19024 "Key Words Not Found"), and no
// retry would cure either. Text that already has it is unchanged; otherwise the keyword
// leads as 【keyword】. An empty keyword changes nothing.
func WithKeyword(text, keyword string) string {
	if keyword == "" || strings.Contains(text, keyword) {
		return text
	}
	return KeywordMark(keyword) + text
}

// KeywordMark is what WithKeyword puts before a text that lacks the keyword; senders
// leave its length free when they truncate.
func KeywordMark(keyword string) string {
	if keyword == "" {
		return ""
	}
	return "【" + keyword + "】"
}
