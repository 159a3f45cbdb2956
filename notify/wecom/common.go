package wecom

// This file is the same in every robot sink (wecom, dingtalk, feishu, webhook). Sinks
// may not import each other and notify/ is not ours to extend, so the few helpers they
// share are copied; keep the copies in step.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/notify"
)

// render makes the alert text louder for urgent alerts and marks a resend, unless the
// rendered text already says so.
func render(a notify.Alert) string {
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

// truncate cuts s to at most n bytes on a rune boundary, marking the cut with "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := n - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

func newClient(hc *http.Client) *resty.Client {
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

// redactor holds the secret values that must never reach an error's text.
type redactor []string

// err removes the secrets from err's text. net/http errors quote the full request URL,
// path and query included, so a transport error would otherwise print them.
func (r redactor) err(err error) error {
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

// sendError redacts the error inside a *notify.SendError, keeping its verdict.
func (r redactor) sendError(err error) error {
	var se *notify.SendError
	if errors.As(err, &se) {
		cp := *se
		cp.Err = r.err(se.Err)
		return &cp
	}
	return r.err(err)
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
