package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aftersale/aftersale/notify"
)

func TestRetryable(t *testing.T) {
	permanent := &notify.SendError{Sink: "wecom", Status: 400, Retry: false, Err: errors.New("bad key")}
	transient := &notify.SendError{Sink: "wecom", Status: 503, Retry: true, Err: errors.New("busy")}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error carries no verdict", errors.New("connection reset"), true},
		{"timeout", context.DeadlineExceeded, true},
		{"send error retry", transient, true},
		{"send error permanent", permanent, false},
		{"wrapped permanent", fmt.Errorf("deliver: %w", permanent), false},
		{"wrapped retry", fmt.Errorf("deliver: %w", transient), true},
		{"permanent wrapping a timeout", &notify.SendError{Sink: "x", Retry: false, Err: context.DeadlineExceeded}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := notify.Retryable(tt.err); got != tt.want {
				t.Fatalf("Retryable(%v)=%v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestCheckStatus(t *testing.T) {
	tests := []struct {
		status    int
		wantErr   bool
		wantRetry bool
	}{
		{200, false, false},
		{201, false, false},
		{204, false, false},
		{299, false, false},
		{429, true, true},
		{500, true, true},
		{502, true, true},
		{503, true, true},
		{504, true, true},
		{400, true, false},
		{401, true, false},
		{403, true, false},
		{404, true, false},
		{413, true, false},
		{428, true, false},
		{430, true, false},
		{499, true, false},
		{300, true, false},
		{302, true, false},
		{199, true, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			err := notify.CheckStatus("dingtalk", tt.status, []byte("errmsg"))
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckStatus(%d) err=%v, want error %v", tt.status, err, tt.wantErr)
			}
			if err == nil {
				return
			}
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("CheckStatus(%d) err type=%T, want *notify.SendError", tt.status, err)
			}
			if se.Retry != tt.wantRetry {
				t.Fatalf("CheckStatus(%d).Retry=%v, want %v", tt.status, se.Retry, tt.wantRetry)
			}
			if got := notify.Retryable(err); got != tt.wantRetry {
				t.Fatalf("Retryable(CheckStatus(%d))=%v, want %v", tt.status, got, tt.wantRetry)
			}
			if se.Status != tt.status {
				t.Fatalf("Status=%d, want %d", se.Status, tt.status)
			}
			if se.Sink != "dingtalk" {
				t.Fatalf("Sink=%q, want %q", se.Sink, "dingtalk")
			}
			want := fmt.Sprintf("send alert via dingtalk: status %d: errmsg", tt.status)
			if got := err.Error(); got != want {
				t.Fatalf("Error()=%q, want %q", got, want)
			}
		})
	}
}

func TestCheckStatusTruncatesBody(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"empty", "", ""},
		{"short", "oops", "oops"},
		{"exactly 200", strings.Repeat("a", 200), strings.Repeat("a", 200)},
		{"long ascii", strings.Repeat("b", 500), strings.Repeat("b", 200)},
		// %.200s on a byte slice counts runes, so a Chinese body is not cut mid-rune.
		{"long chinese", strings.Repeat("错", 300), strings.Repeat("错", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.CheckStatus("feishu", 500, []byte(tt.body))
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err type=%T, want *notify.SendError", err)
			}
			if got := se.Err.Error(); got != tt.want {
				t.Fatalf("Err=%q (len %d), want len %d", got, len(got), len(tt.want))
			}
		})
	}
}

func TestSendErrorText(t *testing.T) {
	cause := errors.New("dial tcp: refused")
	tests := []struct {
		name string
		err  *notify.SendError
		want string
	}{
		{"with status", &notify.SendError{Sink: "wecom", Status: 502, Err: cause}, "send alert via wecom: status 502: dial tcp: refused"},
		{"without status", &notify.SendError{Sink: "wecom", Err: cause}, "send alert via wecom: dial tcp: refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Fatalf("Error()=%q, want %q", got, tt.want)
			}
			if got := errors.Unwrap(tt.err); got != cause {
				t.Fatalf("Unwrap()=%v, want %v", got, cause)
			}
		})
	}
}

func TestSinkFunc(t *testing.T) {
	var got notify.Alert
	s := notify.SinkFunc{SinkName: "mem", Fn: func(_ context.Context, a notify.Alert) error {
		got = a
		return nil
	}}
	if s.Name() != "mem" {
		t.Fatalf("Name()=%q, want %q", s.Name(), "mem")
	}
	if err := s.Send(context.Background(), notify.Alert{ID: 7, Text: "hi"}); err != nil {
		t.Fatalf("Send err=%v, want nil", err)
	}
	if got.ID != 7 || got.Text != "hi" {
		t.Fatalf("Fn got %+v, want ID 7 text hi", got)
	}
}
