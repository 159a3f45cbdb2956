package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/notify"
)

const (
	testToken  = "566cc69da782ec33e42541b09b08551f09fbe864eb8008112e994b43887"
	testSecret = "SEC240d7bb4c0bafc62aa11bb22cc33dd44ee55ff66"
)

var testNow = time.Date(2026, 11, 28, 9, 30, 0, 123e6, time.UTC)

// fakeRobot answers like DingTalk and fails the test on any request DingTalk would refuse:
// it recomputes the signature from the request itself.
func fakeRobot(t *testing.T, secret string, wantBody string, status int, answer string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			t.Errorf("Method=%s, want POST", r.Method)
		}
		if r.URL.Path != sendPath {
			t.Errorf("Path=%q, want %q", r.URL.Path, sendPath)
		}
		q := r.URL.Query()
		if got := q.Get("access_token"); got != testToken {
			t.Errorf("access_token=%q, want %q", got, testToken)
		}
		if secret == "" {
			if q.Has("timestamp") || q.Has("sign") {
				t.Errorf("query %q signs without a secret", r.URL.RawQuery)
			}
			if len(q) != 1 {
				t.Errorf("query %q has extra parameters", r.URL.RawQuery)
			}
		} else {
			ts := q.Get("timestamp")
			if want := "1795858200123"; ts != want {
				t.Errorf("timestamp=%q, want %q (ms of the injected clock)", ts, want)
			}
			mac := hmac.New(sha256.New, []byte(secret))
			io.WriteString(mac, ts+"\n"+secret)
			want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
			if got := q.Get("sign"); got != want {
				t.Errorf("sign=%q, want %q", got, want)
			}
			// The sign is URL-encoded: a raw '+' would arrive as a space.
			if !strings.Contains(r.URL.RawQuery, "sign="+url.QueryEscape(want)) {
				t.Errorf("RawQuery=%q does not carry the URL-encoded sign", r.URL.RawQuery)
			}
			if len(q) != 3 {
				t.Errorf("query %q has extra parameters", r.URL.RawQuery)
			}
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
		name     string
		secret   string
		mentions []string
		alert    notify.Alert
		want     string
	}{
		{
			name:   "info signed, no mentions",
			secret: testSecret,
			alert:  notify.Alert{ID: 1, Level: notify.LevelInfo, Text: "新售后 A12：退款"},
			want:   `{"msgtype":"text","text":{"content":"新售后 A12：退款"}}`,
		},
		{
			name:  "unsigned robot",
			alert: notify.Alert{ID: 2, Level: notify.LevelWarn, Text: "A12 还剩 1 小时"},
			want:  `{"msgtype":"text","text":{"content":"A12 还剩 1 小时"}}`,
		},
		{
			name:     "warn does not mention",
			secret:   testSecret,
			mentions: []string{"13800001111"},
			alert:    notify.Alert{ID: 3, Level: notify.LevelWarn, Text: "A12 还剩 1 小时"},
			want:     `{"msgtype":"text","text":{"content":"A12 还剩 1 小时"}}`,
		},
		{
			name:     "urgent mentions in text and at",
			secret:   testSecret,
			mentions: []string{"13800001111", "13900002222"},
			alert:    notify.Alert{ID: 4, Level: notify.LevelUrgent, Text: "A12 即将超时"},
			want:     `{"msgtype":"text","text":{"content":"【紧急】A12 即将超时 @13800001111 @13900002222"},"at":{"atMobiles":["13800001111","13900002222"],"isAtAll":false}}`,
		},
		{
			name:     "urgent at all",
			secret:   testSecret,
			mentions: []string{"@all"},
			alert:    notify.Alert{ID: 5, Level: notify.LevelUrgent, Text: "A12 已超时", Repeat: true},
			want:     `{"msgtype":"text","text":{"content":"【紧急】【重发】A12 已超时"},"at":{"isAtAll":true}}`,
		},
		{
			name:   "urgent without mentions configured",
			secret: testSecret,
			alert:  notify.Alert{ID: 6, Level: notify.LevelUrgent, Text: "{{.X}}"},
			want:   `{"msgtype":"text","text":{"content":"【紧急】{{.X}}"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeRobot(t, tt.secret, tt.want, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
			s := mustNew(t, Options{Token: testToken, Secret: tt.secret, MentionMobiles: tt.mentions, BaseURL: srv.URL})
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
		{"5xx retries", 503, "busy", 503, true},
		{"429 retries", 429, "slow down", 429, true},
		{"4xx does not retry", 400, "bad request", 400, false},
		{"send too fast retries", 200, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`, 200, true},
		{"send too fast (new code) retries", 200, `{"errcode":410100,"errmsg":"send too fast"}`, 200, true},
		{"system busy retries", 200, `{"errcode":-1,"errmsg":"系统繁忙"}`, 200, true},
		{"bad sign does not retry", 200, `{"errcode":310000,"errmsg":"sign not match"}`, 200, false},
		{"keyword mismatch does not retry", 200, `{"errcode":310000,"errmsg":"keywords not in content"}`, 200, false},
		{"send too fast on a 4xx still retries", 400, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`, 400, true},
		{"bad json on a 4xx does not retry", 400, `{"errcode":40035,"errmsg":"缺少参数 json"}`, 400, false},
		{"token missing does not retry", 200, `{"errcode":300001,"errmsg":"token is not exist"}`, 200, false},
		{"monthly quota does not retry", 200, `{"errcode":90030,"errmsg":"webhook over limit"}`, 200, false},
		{"non-envelope 2xx retries", 200, `ok`, 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeRobot(t, testSecret, "", tt.status, tt.answer)
			s := mustNew(t, Options{Token: testToken, Secret: testSecret, BaseURL: srv.URL})
			err := s.Send(context.Background(), notify.Alert{ID: 7, Text: "A12"})
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
			_, _ = io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match for `+r.URL.String()+` secret `+testSecret+`"}`)
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
		{name: "5xx echo", handler: echo(500)},
		{name: "4xx echo", handler: echo(403)},
		{name: "errcode echo", handler: echo(200)},
		{name: "garbage echo", handler: func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.URL.RawQuery) }},
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
		{"signed", Options{Token: "abc", Secret: "SECx"}, true},
		{"empty token", Options{Secret: "SECx"}, false},
		{"token with query chars", Options{Token: "abc&sign=x"}, false},
		{"secret with spaces", Options{Token: "abc", Secret: " SECx"}, false},
		{"bad mobile", Options{Token: "abc", MentionMobiles: []string{"老板"}}, false},
		{"negative timeout", Options{Token: "abc", Timeout: -1}, false},
		{"bad base url", Options{Token: "abc", BaseURL: "oapi.dingtalk.com"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.o)
			if (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok=%v", err, tt.ok)
			}
			if s != nil && s.Name() != "dingtalk" {
				t.Fatalf("Name=%q, want dingtalk", s.Name())
			}
		})
	}
}

func TestSignKnownVector(t *testing.T) {
	// From: printf '1795858200123\n%s' "$S" | openssl dgst -sha256 -hmac "$S" -binary | base64
	const want = "fObnZnrr69foBeCQyyxPxNj+4CTEcRJByvd2rfr9x74="
	if got := Sign(testSecret, 1795858200123); got != want {
		t.Fatalf("Sign=%q, want %q", got, want)
	}
}
