// Package robot holds what every HTTP alert sink shares: the louder text for urgent
// alerts, byte-safe truncation, a resty client that logs nothing, and redaction of
// credentials from errors (net/http errors quote the full URL).
package robot

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
