// Package notify delivers merchant alerts. Sinks (the merchant's chat, WeCom, DingTalk,
// Feishu robots, a generic webhook) are sub-packages that implement Sink; the rule that
// decides whether a failed send is worth retrying lives here, once, for all of them.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Level says how loud an alert is; the escalation ladder raises it as a deadline nears.
type Level int

// Alert levels.
const (
	LevelInfo   Level = iota // a new case, a case update
	LevelWarn                // a deadline is near
	LevelUrgent              // a deadline is about to pass or has passed
)

// Alert is one message to the merchant about one case.
type Alert struct {
	// ID identifies the alert row; a sink that can dedupe uses it as the idempotency key.
	ID       int64
	Shop     string
	CaseID   string
	Intent   string
	OrderID  string
	Buyer    string
	Deadline time.Time
	Level    Level
	// Text is the rendered Chinese alert, ready to send as is.
	Text string
	// Repeat marks a resend after a crash between sending and recording it (重发).
	Repeat bool
}

// Sink sends alerts to one place.
type Sink interface {
	Name() string
	Send(ctx context.Context, a Alert) error
}

// SinkFunc adapts a function to a Sink, for tests and in-process sinks.
type SinkFunc struct {
	SinkName string
	Fn       func(ctx context.Context, a Alert) error
}

// Name returns the sink's name.
func (f SinkFunc) Name() string { return f.SinkName }

// Send calls the function.
func (f SinkFunc) Send(ctx context.Context, a Alert) error { return f.Fn(ctx, a) }

// SendError is a failed send with the verdict on retrying it.
type SendError struct {
	Sink   string
	Status int // HTTP status, 0 when none
	Retry  bool
	Err    error
}

func (e *SendError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("send alert via %s: status %d: %v", e.Sink, e.Status, e.Err)
	}
	return fmt.Sprintf("send alert via %s: %v", e.Sink, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Retryable reports whether a failed send is worth trying again on the same sink.
// Errors that carry no verdict (network, timeouts) are.
func Retryable(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Retry
	}
	return err != nil
}

// CheckStatus applies the retry rule to an HTTP answer: 2xx is success, 5xx and 429 are
// worth retrying, any other 4xx is not (the request itself is wrong).
func CheckStatus(sink string, status int, body []byte) error {
	switch {
	case status >= 200 && status < 300:
		return nil
	case status >= 500 || status == 429:
		return &SendError{Sink: sink, Status: status, Retry: true, Err: fmt.Errorf("%.200s", body)}
	default:
		return &SendError{Sink: sink, Status: status, Retry: false, Err: fmt.Errorf("%.200s", body)}
	}
}
