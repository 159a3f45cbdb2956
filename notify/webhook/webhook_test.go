package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
	testSecret = "whsec-3b1f9a7c2d"
	testPath   = "/hooks/tok-8f2e61aa9d"
	testQuery  = "auth=q-55c0ffee"
)

var testNow = time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)

type want struct {
	body   string
	id     string
	signed bool
}

// fakeReceiver checks the request a receiver would verify: path, query, headers, the
// exact body and a signature recomputed from the raw bytes.
func fakeReceiver(t *testing.T, secret string, w want, status int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			t.Errorf("Method=%s, want POST", r.Method)
		}
		if r.URL.Path != testPath || r.URL.RawQuery != testQuery {
			t.Errorf("URL=%q, want %s?%s", r.URL.String(), testPath, testQuery)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type=%q, want application/json", ct)
		}
		if got := r.Header.Get(HeaderIdempotency); w.id != "" && got != w.id {
			t.Errorf("%s=%q, want %q", HeaderIdempotency, got, w.id)
		}
		body, _ := io.ReadAll(r.Body)
		if w.body != "" && string(body) != w.body {
			t.Errorf("body=%s\nwant %s", body, w.body)
		}
		ts, sig := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature)
		if !w.signed {
			if ts != "" || sig != "" {
				t.Errorf("unsigned sink sent %s=%q %s=%q", HeaderTimestamp, ts, HeaderSignature, sig)
			}
		} else {
			if ts != "1795858200" {
				t.Errorf("%s=%q, want 1795858200", HeaderTimestamp, ts)
			}
			mac := hmac.New(sha256.New, []byte(secret))
			io.WriteString(mac, ts+"."+string(body))
			if wantSig := hex.EncodeToString(mac.Sum(nil)); sig != wantSig {
				t.Errorf("%s=%q, want %q", HeaderSignature, sig, wantSig)
			}
		}
		rw.WriteHeader(status)
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
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name   string
		secret string
		alert  notify.Alert
		want   want
	}{
		{
			name:   "signed full alert",
			secret: testSecret,
			alert: notify.Alert{ID: 12, Shop: "小鹿家居", CaseID: "A12", Intent: "refund", OrderID: "6921234567890",
				Buyer: "wxid_buyer", Deadline: time.Date(2026, 11, 28, 18, 0, 0, 0, shanghai),
				Level: notify.LevelUrgent, Text: "A12 即将超时"},
			want: want{signed: true, id: "12",
				body: `{"id":12,"shop":"小鹿家居","case_id":"A12","intent":"refund","order_id":"6921234567890","buyer":"wxid_buyer","deadline":"2026-11-28T18:00:00+08:00","level":"urgent","text":"A12 即将超时","repeat":false}`},
		},
		{
			name:  "unsigned, no deadline, repeat",
			alert: notify.Alert{ID: 7, CaseID: "A7", Level: notify.LevelWarn, Text: "{{.Secret}}", Repeat: true},
			want: want{id: "7",
				body: `{"id":7,"shop":"","case_id":"A7","intent":"","order_id":"","buyer":"","deadline":"","level":"warn","text":"{{.Secret}}","repeat":true}`},
		},
		{
			name:   "info level",
			secret: testSecret,
			alert:  notify.Alert{ID: 1, Level: notify.LevelInfo, Text: "新售后"},
			want: want{signed: true, id: "1",
				body: `{"id":1,"shop":"","case_id":"","intent":"","order_id":"","buyer":"","deadline":"","level":"info","text":"新售后","repeat":false}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeReceiver(t, tt.secret, tt.want, http.StatusNoContent)
			s := mustNew(t, Options{URL: srv.URL + testPath + "?" + testQuery, Secret: tt.secret})
			if err := s.Send(context.Background(), tt.alert); err != nil {
				t.Fatalf("Send: %v", err)
			}
		})
	}
}

func TestSendVerdicts(t *testing.T) {
	tests := []struct {
		status    int
		wantRetry bool
	}{
		{500, true}, {503, true}, {429, true}, {400, false}, {401, false}, {404, false}, {410, false},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			srv := fakeReceiver(t, testSecret, want{signed: true, id: "3"}, tt.status)
			s := mustNew(t, Options{URL: srv.URL + testPath + "?" + testQuery, Secret: testSecret})
			err := s.Send(context.Background(), notify.Alert{ID: 3, Text: "A3"})
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err=%v (%T), want *notify.SendError", err, err)
			}
			if se.Status != tt.status || se.Retry != tt.wantRetry {
				t.Fatalf("Status=%d Retry=%v, want %d %v", se.Status, se.Retry, tt.status, tt.wantRetry)
			}
		})
	}
}

// TestNoSecretInErrors forces every error path and checks that neither the secret nor the
// URL's token-bearing path and query show.
func TestNoSecretInErrors(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "no such hook "+r.URL.String()+" for "+testSecret)
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
		{name: "4xx echo", handler: echo(404)},
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
			s := mustNew(t, Options{URL: srv.URL + testPath + "?" + testQuery, Secret: testSecret, Timeout: tt.timeout})
			err := s.Send(context.Background(), notify.Alert{ID: 9, Text: "A9"})
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				for _, secret := range []string{testSecret, "tok-8f2e61aa9d", "q-55c0ffee"} {
					if strings.Contains(e.Error(), secret) {
						t.Fatalf("error leaks %q: %v", secret, e)
					}
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
		{"https", Options{URL: "https://shop.example/hooks/x"}, true},
		{"empty", Options{}, false},
		{"relative", Options{URL: "/hooks/tok-secret"}, false},
		{"other scheme", Options{URL: "ftp://shop.example/tok-secret"}, false},
		{"negative timeout", Options{URL: "https://shop.example", Timeout: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.o)
			if (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok=%v", err, tt.ok)
			}
			if err != nil && strings.Contains(err.Error(), "tok-secret") {
				t.Fatalf("error repeats the URL: %v", err)
			}
			if s != nil && s.Name() != "webhook" {
				t.Fatalf("Name=%q, want webhook", s.Name())
			}
		})
	}
}

func TestSignKnownVector(t *testing.T) {
	// From: printf '1795858200.{}' | openssl dgst -sha256 -hmac whsec-3b1f9a7c2d
	const want = "797c57bdc77a5bbd45cff064eb79a2a24a1f2070596740caafa9b4133746d2a8"
	if got := Sign(testSecret, "1795858200", []byte("{}")); got != want {
		t.Fatalf("Sign=%q, want %q", got, want)
	}
}
