package wecom

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/internal/robot"
)

const testKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"

// fakeRobot answers like WeCom and fails the test on any request WeCom would not expect.
func fakeRobot(t *testing.T, wantBody string, status int, answer string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			t.Errorf("Method=%s, want POST", r.Method)
		}
		if r.URL.Path != sendPath {
			t.Errorf("Path=%q, want %q", r.URL.Path, sendPath)
		}
		if got := r.URL.RawQuery; got != "key="+testKey {
			t.Errorf("RawQuery=%q, want key=%s", got, testKey)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type=%q, want application/json", ct)
		}
		body, _ := io.ReadAll(r.Body)
		if wantBody != "" && string(body) != wantBody {
			t.Errorf("body=%s\nwant %s", body, wantBody)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func mustNew(t *testing.T, o Options) *Sink {
	t.Helper()
	s, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestSendPayload(t *testing.T) {
	tests := []struct {
		name     string
		mentions []string
		alert    notify.Alert
		want     string
	}{
		{
			name:  "info is plain text without mentions",
			alert: notify.Alert{ID: 1, Level: notify.LevelInfo, Text: "新售后 A12：退款，订单 123"},
			want:  `{"msgtype":"text","text":{"content":"新售后 A12：退款，订单 123"}}`,
		},
		{
			name:     "warn does not mention",
			mentions: []string{"13800001111"},
			alert:    notify.Alert{ID: 2, Level: notify.LevelWarn, Text: "A12 还剩 1 小时"},
			want:     `{"msgtype":"text","text":{"content":"A12 还剩 1 小时"}}`,
		},
		{
			name:     "urgent is prefixed and mentions",
			mentions: []string{"13800001111", "@all"},
			alert:    notify.Alert{ID: 3, Level: notify.LevelUrgent, Text: "A12 即将超时"},
			want:     `{"msgtype":"text","text":{"content":"【紧急】A12 即将超时","mentioned_mobile_list":["13800001111","@all"]}}`,
		},
		{
			name:  "urgent already prefixed is not doubled",
			alert: notify.Alert{ID: 4, Level: notify.LevelUrgent, Text: "【紧急】A12 已超时"},
			want:  `{"msgtype":"text","text":{"content":"【紧急】A12 已超时"}}`,
		},
		{
			name:  "repeat is marked",
			alert: notify.Alert{ID: 5, Level: notify.LevelInfo, Text: "新售后 A12", Repeat: true},
			want:  `{"msgtype":"text","text":{"content":"【重发】新售后 A12"}}`,
		},
		{
			name:  "template-looking text is sent as is",
			alert: notify.Alert{ID: 6, Text: `{{.Secret}} <@all> "q"`},
			want:  `{"msgtype":"text","text":{"content":"{{.Secret}} \u003c@all\u003e \"q\""}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeRobot(t, tt.want, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
			s := mustNew(t, Options{Key: testKey, MentionMobiles: tt.mentions, BaseURL: srv.URL})
			if err := s.Send(context.Background(), tt.alert); err != nil {
				t.Fatalf("Send: %v", err)
			}
		})
	}
}

func TestSendVerdicts(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		answer     string
		wantStatus int
		wantRetry  bool
	}{
		{"5xx retries", 502, "bad gateway", 502, true},
		{"429 retries", 429, "slow down", 429, true},
		{"4xx does not retry", 404, "not found", 404, false},
		{"rate limit errcode retries", 200, `{"errcode":45009,"errmsg":"api freq out of limit"}`, 200, true},
		{"rate limit errcode on a 4xx still retries", 400, `{"errcode":45009,"errmsg":"api freq out of limit"}`, 400, true},
		{"bad request errcode on a 4xx does not retry", 400, `{"errcode":40008,"errmsg":"invalid message type"}`, 400, false},
		{"system busy retries", 200, `{"errcode":-1,"errmsg":"system busy"}`, 200, true},
		{"invalid key does not retry", 200, `{"errcode":93000,"errmsg":"invalid webhook url"}`, 200, false},
		{"too long does not retry", 200, `{"errcode":40058,"errmsg":"content exceed max length"}`, 200, false},
		{"non-envelope 2xx retries", 200, `<html>portal</html>`, 200, true},
		{"empty json retries", 200, `{}`, 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeRobot(t, "", tt.status, tt.answer)
			s := mustNew(t, Options{Key: testKey, BaseURL: srv.URL})
			err := s.Send(context.Background(), notify.Alert{ID: 7, Text: "A12"})
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err=%v (%T), want *notify.SendError", err, err)
			}
			if se.Status != tt.wantStatus || se.Retry != tt.wantRetry || notify.Retryable(err) != tt.wantRetry {
				t.Fatalf("Status=%d Retry=%v, want %d %v (%v)", se.Status, se.Retry, tt.wantStatus, tt.wantRetry, err)
			}
			if se.Sink != "wecom" {
				t.Fatalf("Sink=%q, want wecom", se.Sink)
			}
		})
	}
}

func TestSendEmptyTextIsNotSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request for an empty alert")
	}))
	defer srv.Close()
	s := mustNew(t, Options{Key: testKey, BaseURL: srv.URL})
	err := s.Send(context.Background(), notify.Alert{ID: 8, Text: "  "})
	if err == nil || notify.Retryable(err) {
		t.Fatalf("err=%v, want a non-retryable error", err)
	}
}

// TestNoSecretInErrors forces every error path and checks the key never shows.
func TestNoSecretInErrors(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			// A hostile or chatty server echoes the request back.
			_, _ = io.WriteString(w, `{"errcode":93000,"errmsg":"bad url `+r.URL.String()+`"}`)
		}
	}
	hang := func(w http.ResponseWriter, r *http.Request) {
		// The server notices a client hanging up only once the body has been read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}
	garbage := func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "key="+testKey) }

	tests := []struct {
		name    string
		handler http.HandlerFunc
		closed  bool
		timeout time.Duration
		isCtx   error
	}{
		{name: "5xx echo", handler: echo(500)},
		{name: "4xx echo", handler: echo(400)},
		{name: "errcode echo", handler: echo(200)},
		{name: "garbage echo", handler: garbage},
		{name: "transport error", handler: echo(200), closed: true},
		{name: "timeout", handler: hang, timeout: 5 * time.Millisecond, isCtx: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			if tt.closed {
				srv.Close()
			} else {
				defer srv.Close()
			}
			s := mustNew(t, Options{Key: testKey, BaseURL: srv.URL, Timeout: tt.timeout})
			err := s.Send(context.Background(), notify.Alert{ID: 9, Text: "A12"})
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if strings.Contains(err.Error(), testKey) {
				t.Fatalf("error leaks the key: %v", err)
			}
			for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), testKey) {
					t.Fatalf("wrapped error leaks the key: %v", e)
				}
			}
			if tt.isCtx != nil && !errors.Is(err, tt.isCtx) {
				t.Fatalf("err=%v, want errors.Is %v", err, tt.isCtx)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		ok   bool
	}{
		{"minimal", Options{Key: "abc"}, true},
		{"empty key", Options{}, false},
		{"key with query chars", Options{Key: "abc&x=1"}, false},
		{"bad mobile", Options{Key: "abc", MentionMobiles: []string{"boss"}}, false},
		{"negative timeout", Options{Key: "abc", Timeout: -time.Second}, false},
		{"bad base url", Options{Key: "abc", BaseURL: "ftp://x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.o)
			if (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok=%v", err, tt.ok)
			}
			if err != nil && tt.o.Key != "" && strings.Contains(err.Error(), tt.o.Key) {
				t.Fatalf("error leaks the key: %v", err)
			}
			if s != nil && s.Name() != "wecom" {
				t.Fatalf("Name=%q, want wecom", s.Name())
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("退", 1000) // 3000 bytes
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"退款退款", 12, "退款退款"},
		{"退款退款", 10, "退款…"},
		{"ab退款", 7, "ab…"},
	}
	for _, tt := range tests {
		if got := robot.Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("robot.Truncate(%q, %d)=%q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	got := robot.Truncate(long, maxContentBytes)
	if len(got) > maxContentBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Fatalf("robot.Truncate(long): len=%d valid=%v", len(got), utf8.ValidString(got))
	}
}
