package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/notify"
)

const (
	testToken  = "5e3d587e-d78e-4a07-bd07-265f269f86fd"
	testSecret = "nIMtb7r3N9pkXyXdtAbx6e"
)

var testNow = time.Date(2026, 11, 28, 9, 30, 0, 999e6, time.UTC)

// fakeBot answers like Feishu and fails the test on any request Feishu would refuse. It
// recomputes the signature from the body's timestamp; wantBody may hold SIGN for it.
func fakeBot(t *testing.T, secret string, wantBody string, status int, answer string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			t.Errorf("Method=%s, want POST", r.Method)
		}
		if want := hookPath + testToken; r.URL.Path != want {
			t.Errorf("Path=%q, want %q", r.URL.Path, want)
		}
		if r.URL.RawQuery != "" {
			t.Errorf("RawQuery=%q, want none", r.URL.RawQuery)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type=%q, want application/json", ct)
		}
		body, _ := io.ReadAll(r.Body)
		var got struct {
			Timestamp *string `json:"timestamp"`
			Sign      *string `json:"sign"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
		sign := ""
		if secret == "" {
			if got.Timestamp != nil || got.Sign != nil {
				t.Errorf("body %s signs without a secret", body)
			}
		} else {
			if got.Timestamp == nil || *got.Timestamp != "1795858200" {
				t.Errorf("timestamp=%v, want \"1795858200\" (seconds of the injected clock, as a string)", got.Timestamp)
			} else {
				mac := hmac.New(sha256.New, []byte(*got.Timestamp+"\n"+secret))
				sign = base64.StdEncoding.EncodeToString(mac.Sum(nil))
				if got.Sign == nil || *got.Sign != sign {
					t.Errorf("sign=%v, want %q", got.Sign, sign)
				}
			}
		}
		if want := strings.Replace(wantBody, "SIGN", sign, 1); wantBody != "" && string(body) != want {
			t.Errorf("body=%s\nwant %s", body, want)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func mustNew(t *testing.T, o Options) *Sink {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return testNow }
	}
	s, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestSendPayload(t *testing.T) {
	tests := []struct {
		name       string
		secret     string
		mentionAll bool
		alert      notify.Alert
		want       string
	}{
		{
			name:   "signed info",
			secret: testSecret,
			alert:  notify.Alert{ID: 1, Text: "新售后 A12：退款"},
			want:   `{"timestamp":"1795858200","sign":"SIGN","msg_type":"text","content":{"text":"新售后 A12：退款"}}`,
		},
		{
			name:  "unsigned bot",
			alert: notify.Alert{ID: 2, Level: notify.LevelWarn, Text: "A12 还剩 1 小时"},
			want:  `{"msg_type":"text","content":{"text":"A12 还剩 1 小时"}}`,
		},
		{
			name:       "urgent mentions all",
			secret:     testSecret,
			mentionAll: true,
			alert:      notify.Alert{ID: 3, Level: notify.LevelUrgent, Text: "A12 即将超时"},
			want:       `{"timestamp":"1795858200","sign":"SIGN","msg_type":"text","content":{"text":"\u003cat user_id=\"all\"\u003e所有人\u003c/at\u003e 【紧急】A12 即将超时"}}`,
		},
		{
			name:       "warn does not mention",
			secret:     testSecret,
			mentionAll: true,
			alert:      notify.Alert{ID: 4, Level: notify.LevelWarn, Text: "A12", Repeat: true},
			want:       `{"timestamp":"1795858200","sign":"SIGN","msg_type":"text","content":{"text":"【重发】A12"}}`,
		},
		{
			name:  "buyer mention markup is defused",
			alert: notify.Alert{ID: 5, Text: `买家说：<at user_id="all">所有人</at> <AT id=1>`},
			want:  `{"msg_type":"text","content":{"text":"买家说：＜at user_id=\"all\"\u003e所有人＜/at\u003e ＜AT id=1\u003e"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeBot(t, tt.secret, tt.want, http.StatusOK, `{"code":0,"msg":"success","data":{}}`)
			s := mustNew(t, Options{Token: testToken, Secret: tt.secret, MentionAll: tt.mentionAll, BaseURL: srv.URL})
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
		wantOK     bool
	}{
		{name: "old envelope ok", status: 200, answer: `{"Extra":null,"StatusCode":0,"StatusMessage":"success"}`, wantOK: true},
		{name: "both envelopes ok", status: 200, answer: `{"code":0,"msg":"success","StatusCode":0}`, wantOK: true},
		{name: "5xx retries", status: 500, answer: "oops", wantStatus: 500, wantRetry: true},
		{name: "429 retries", status: 429, answer: "slow", wantStatus: 429, wantRetry: true},
		{name: "4xx does not retry", status: 400, answer: `{"code":9499,"msg":"Bad Request"}`, wantStatus: 400},
		{name: "400 too many request retries", status: 400, answer: `{"code":9499,"msg":"too many request","data":{}}`, wantStatus: 400, wantRetry: true},
		{name: "400 frequency limit retries", status: 400, answer: `{"code":99991400,"msg":"request trigger frequency limit"}`, wantStatus: 400, wantRetry: true},
		{name: "429 with envelope retries", status: 429, answer: `{"code":99991400,"msg":"request trigger frequency limit"}`, wantStatus: 429, wantRetry: true},
		{name: "400 without envelope does not retry", status: 400, answer: `bad`, wantStatus: 400},
		{name: "400 param error does not retry", status: 400, answer: `{"code":19002,"msg":"params error"}`, wantStatus: 400},
		{name: "frequency limited retries", status: 200, answer: `{"code":11232,"msg":"frequency limited"}`, wantStatus: 200, wantRetry: true},
		{name: "sign mismatch does not retry", status: 200, answer: `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`, wantStatus: 200},
		{name: "keyword does not retry", status: 200, answer: `{"code":19024,"msg":"Key Words Not Found"}`, wantStatus: 200},
		{name: "old envelope error", status: 200, answer: `{"StatusCode":19022,"StatusMessage":"Ip Not Allowed"}`, wantStatus: 200},
		{name: "non-envelope 2xx retries", status: 200, answer: `{"data":{}}`, wantStatus: 200, wantRetry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeBot(t, testSecret, "", tt.status, tt.answer)
			s := mustNew(t, Options{Token: testToken, Secret: testSecret, BaseURL: srv.URL})
			err := s.Send(context.Background(), notify.Alert{ID: 7, Text: "A12"})
			if tt.wantOK {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				return
			}
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err=%v (%T), want *notify.SendError", err, err)
			}
			if se.Status != tt.wantStatus || se.Retry != tt.wantRetry || notify.Retryable(err) != tt.wantRetry {
				t.Fatalf("Status=%d Retry=%v, want %d %v (%v)", se.Status, se.Retry, tt.wantStatus, tt.wantRetry, err)
			}
		})
	}
}

// TestNoSecretInErrors forces every error path and checks neither token nor secret shows.
func TestNoSecretInErrors(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"code":19021,"msg":"no hook `+r.URL.Path+` with secret `+testSecret+`"}`)
		}
	}
	hang := func(w http.ResponseWriter, r *http.Request) {
		// The server notices a client hanging up only once the body has been read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		closed  bool
		timeout time.Duration
	}{
		{name: "5xx echo", handler: echo(502)},
		{name: "4xx echo", handler: echo(404)},
		{name: "code echo", handler: echo(200)},
		{name: "garbage echo", handler: func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.URL.Path) }},
		{name: "transport error", handler: echo(200), closed: true},
		{name: "timeout", handler: hang, timeout: 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			if tt.closed {
				srv.Close()
			} else {
				defer srv.Close()
			}
			s := mustNew(t, Options{Token: testToken, Secret: testSecret, BaseURL: srv.URL, Timeout: tt.timeout})
			err := s.Send(context.Background(), notify.Alert{ID: 9, Text: "A12"})
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), testToken) || strings.Contains(e.Error(), testSecret) {
					t.Fatalf("error leaks a credential: %v", e)
				}
			}
			if tt.timeout != 0 && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err=%v, want a deadline error", err)
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
		{"minimal", Options{Token: "abc"}, true},
		{"signed", Options{Token: "abc", Secret: "s"}, true},
		{"empty token", Options{}, false},
		{"token with a slash", Options{Token: "../x"}, false},
		{"secret with spaces", Options{Token: "abc", Secret: "s\n"}, false},
		{"negative timeout", Options{Token: "abc", Timeout: -1}, false},
		{"bad base url", Options{Token: "abc", BaseURL: "::"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.o)
			if (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok=%v", err, tt.ok)
			}
			if s != nil && s.Name() != "feishu" {
				t.Fatalf("Name=%q, want feishu", s.Name())
			}
		})
	}
}

func TestSignKnownVector(t *testing.T) {
	// From: printf '' | openssl dgst -sha256 -hmac "$(printf '1795858200\n%s' "$S")" -binary | base64
	const want = "0vV2klvuGJUJ561rj0FDFU81M00FOfvL0sv21gaGt68="
	if got := Sign(testSecret, 1795858200); got != want {
		t.Fatalf("Sign=%q, want %q", got, want)
	}
}
