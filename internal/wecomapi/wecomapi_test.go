package wecomapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

const (
	corp   = "ww0123456789abcdef"
	secret = "secret-never-in-errors"
)

// fakeQY serves gettoken, one POST op (test/op) and media/get like WeCom, on a fake
// clock. It fails the test on a request WeCom would refuse for a reason the test did not
// set up: a wrong path or method, a missing corpid/corpsecret, a missing or unknown
// token, or a token used after its expires_in ran out (the client must renew it five
// minutes before). revoked tokens (refused by the server before their time, e.g. after
// a secret reset) are answered with revokeCode; opCodes are errcodes to answer the op
// with, in order, before it succeeds.
type fakeQY struct {
	t   *testing.T
	mu  sync.Mutex
	now time.Time
	// life is gettoken's expires_in.
	life       time.Duration
	expires    map[string]time.Time // token → when it expires
	revoked    map[string]bool
	revokeCode int
	opCodes    []int
	opStatus   int    // non-zero: answer the op with this HTTP status
	opBody     string // non-empty: answer the op with this body
	gettokens  int
	opCalls    []string // the token of each op request
	bodies     []map[string]any
	file       []byte
}

func newFake(t *testing.T) (*fakeQY, *httptest.Server) {
	f := &fakeQY{t: t, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), life: 7200 * time.Second,
		expires: map[string]time.Time{}, revoked: map[string]bool{}, revokeCode: 42001, file: []byte("\xff\xd8jpeg bytes")}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeQY) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeQY) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *fakeQY) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	if r.Method == http.MethodGet && r.URL.Path == "/cgi-bin/gettoken" {
		if q.Get("corpid") != corp || q.Get("corpsecret") != secret {
			f.t.Errorf("gettoken with corpid %q and a wrong or missing secret", q.Get("corpid"))
			w.Write([]byte(`{"errcode":40001,"errmsg":"invalid credential"}`))
			return
		}
		f.gettokens++
		tok := fmt.Sprintf("T%d", f.gettokens)
		f.expires[tok] = f.now.Add(f.life)
		json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": int(f.life / time.Second)})
		return
	}
	op := r.Method + " " + r.URL.Path
	if op != "POST /cgi-bin/test/op" && op != "GET /cgi-bin/media/get" {
		f.t.Errorf("unexpected %s", op)
		http.NotFound(w, r)
		return
	}
	tok := q.Get("access_token")
	exp, ok := f.expires[tok]
	switch {
	case !ok:
		f.t.Errorf("%s with token %q, never issued", op, tok)
		w.Write([]byte(`{"errcode":40014,"errmsg":"invalid access_token"}`))
		return
	case !f.now.Before(exp):
		f.t.Errorf("%s with token %s expired %v ago: the client must renew it before", op, tok, f.now.Sub(exp))
		w.Write([]byte(`{"errcode":42001,"errmsg":"access_token expired"}`))
		return
	}
	f.opCalls = append(f.opCalls, tok)
	if f.revoked[tok] {
		fmt.Fprintf(w, `{"errcode":%d,"errmsg":"token refused"}`, f.revokeCode)
		return
	}
	if len(f.opCodes) > 0 {
		code := f.opCodes[0]
		f.opCodes = f.opCodes[1:]
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"errcode":%d,"errmsg":"refused %s"}`, code, strings.Repeat("x", 300))
		return
	}
	if f.opStatus != 0 {
		http.Error(w, "gateway", f.opStatus)
		return
	}
	if f.opBody != "" {
		w.Write([]byte(f.opBody))
		return
	}
	if r.Method == http.MethodGet {
		if q.Get("media_id") != "M1" {
			f.t.Errorf("media/get for %q, want M1", q.Get("media_id"))
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Disposition", `attachment; filename="a.jpg"`)
		w.Write(f.file)
		return
	}
	var b map[string]any
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		f.t.Errorf("op body: %v (content type %q)", err, r.Header.Get("Content-Type"))
	}
	f.bodies = append(f.bodies, b)
	w.Write([]byte(`{"errcode":0,"errmsg":"ok","msgid":"m1"}`))
}

func newClient(f *fakeQY, url string) *Client {
	return New(Options{BaseURL: url + "/", CorpID: corp, Secret: secret, Now: f.clock,
		REST: adapters.RESTOptions{Retries: -1}})
}

// primed is a fake and a client on it that holds a token already, which it returns.
func primed(t *testing.T) (*fakeQY, *Client, string) {
	t.Helper()
	f, srv := newFake(t)
	c := newClient(f, srv.URL)
	tok, err := c.AccessToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f, c, tok
}

// TestAccessTokenCache: the token is kept until five minutes before it expires (half
// its life when that is shorter), then fetched again; the fake fails the test on a
// token used past its expiry.
func TestAccessTokenCache(t *testing.T) {
	tests := []struct {
		name      string
		life      time.Duration
		wait      time.Duration // fake time between the first call and the second
		wantFetch int
	}{
		{"cached", 7200 * time.Second, time.Hour, 1},
		{"just before the margin", 7200 * time.Second, 7200*time.Second - 5*time.Minute - time.Second, 1},
		{"within five minutes of expiry", 7200 * time.Second, 7200*time.Second - 5*time.Minute, 2},
		{"a short life is kept half of it", 300 * time.Second, 149 * time.Second, 1},
		{"a short life renewed after half", 300 * time.Second, 150 * time.Second, 2},
		{"long after expiry", 7200 * time.Second, 3 * time.Hour, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t)
			f.life = tt.life
			c := newClient(f, srv.URL)
			ctx := context.Background()
			if err := c.Post(ctx, "test/op", map[string]any{"n": 1}, nil); err != nil {
				t.Fatal(err)
			}
			f.advance(tt.wait)
			if err := c.Post(ctx, "test/op", map[string]any{"n": 2}, nil); err != nil {
				t.Fatal(err)
			}
			if f.gettokens != tt.wantFetch {
				t.Fatalf("gettoken called %d times, want %d", f.gettokens, tt.wantFetch)
			}
			if len(f.opCalls) != 2 || f.opCalls[1] != fmt.Sprintf("T%d", tt.wantFetch) {
				t.Fatalf("op calls with tokens %v, want the second with T%d", f.opCalls, tt.wantFetch)
			}
		})
	}
}

// TestPost: the errcode envelope, the one retry with a new token, and the error shapes.
func TestPost(t *testing.T) {
	tests := []struct {
		name       string
		revoke     int // 0: the cached token is good; else the server refuses it with this code
		codes      []int
		status     int
		body       string
		wantCode   int  // the *APIError's errcode, 0 for none
		wantRetry  bool // *APIError.Retries or adapters.APIError.Retryable
		wantHTTP   bool // an *adapters.APIError (status)
		wantErr    bool
		wantCalls  int
		wantTokens int
	}{
		{name: "ok", wantCalls: 1, wantTokens: 1},
		{name: "expired token replaced", revoke: 42001, wantCalls: 2, wantTokens: 2},
		{name: "invalid token replaced", revoke: 40014, wantCalls: 2, wantTokens: 2},
		{name: "refused twice: one retry only", revoke: 42001, codes: []int{42001}, wantCode: 42001, wantErr: true, wantCalls: 2, wantTokens: 2},
		{name: "busy", codes: []int{-1}, wantCode: -1, wantRetry: true, wantErr: true, wantCalls: 1, wantTokens: 1},
		{name: "frequency limit", codes: []int{45009}, wantCode: 45009, wantRetry: true, wantErr: true, wantCalls: 1, wantTokens: 1},
		{name: "concurrency limit", codes: []int{45033}, wantCode: 45033, wantRetry: true, wantErr: true, wantCalls: 1, wantTokens: 1},
		{name: "reply window closed", codes: []int{95001}, wantCode: 95001, wantErr: true, wantCalls: 1, wantTokens: 1},
		{name: "bad gateway", status: http.StatusBadGateway, wantHTTP: true, wantRetry: true, wantErr: true, wantCalls: 1, wantTokens: 1},
		{name: "forbidden", status: http.StatusForbidden, wantHTTP: true, wantErr: true, wantCalls: 1, wantTokens: 1},
		{name: "not JSON", body: "<html>proxy</html>", wantErr: true, wantCalls: 1, wantTokens: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, tok := primed(t)
			ctx := context.Background()
			if tt.revoke != 0 {
				f.revoked[tok], f.revokeCode = true, tt.revoke
			}
			f.opCodes, f.opStatus, f.opBody = tt.codes, tt.status, tt.body
			var out struct {
				MsgID string `json:"msgid"`
			}
			err := c.Post(ctx, "test/op", map[string]any{"touser": "wmX"}, &out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			var ae *APIError
			if gotAE := errors.As(err, &ae); gotAE != (tt.wantCode != 0) || gotAE && (ae.Code != tt.wantCode || ae.Retries != tt.wantRetry || ae.Op != "test/op" || len(ae.Msg) > 200) {
				t.Fatalf("err = %#v, want *APIError %d retries %v with at most 200 bytes of errmsg", err, tt.wantCode, tt.wantRetry)
			}
			var he *adapters.APIError
			if gotHE := errors.As(err, &he); gotHE != tt.wantHTTP || gotHE && he.Retryable != tt.wantRetry {
				t.Fatalf("err = %#v, want an HTTP error %v retryable %v", err, tt.wantHTTP, tt.wantRetry)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the secret: %v", err)
			}
			if err == nil && (out.MsgID != "m1" || f.bodies[0]["touser"] != "wmX") {
				t.Fatalf("answer %+v, body %v: want msgid m1 for wmX", out, f.bodies)
			}
			if len(f.opCalls) != tt.wantCalls || f.gettokens != tt.wantTokens {
				t.Fatalf("%d op calls and %d tokens, want %d and %d", len(f.opCalls), f.gettokens, tt.wantCalls, tt.wantTokens)
			}
		})
	}
}

// TestAccessTokenErrors: a refused gettoken is an *APIError (a wrong secret is not
// retried); an answer without a token is an error; neither shows the secret.
func TestAccessTokenErrors(t *testing.T) {
	tests := []struct {
		name     string
		answer   string
		wantCode int
	}{
		{"wrong secret", `{"errcode":40001,"errmsg":"invalid credential"}`, 40001},
		{"busy", `{"errcode":-1,"errmsg":"system busy"}`, -1},
		{"no token", `{"errcode":0,"errmsg":"ok"}`, 0},
		{"not JSON", `<html>`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/cgi-bin/gettoken" || r.URL.Query().Get("corpsecret") != secret {
					t.Errorf("unexpected %s", r.URL.Path)
				}
				w.Write([]byte(tt.answer))
			}))
			defer srv.Close()
			c := New(Options{BaseURL: srv.URL, CorpID: corp, Secret: secret})
			_, err := c.AccessToken(context.Background())
			var ae *APIError
			if err == nil || errors.As(err, &ae) != (tt.wantCode != 0) || ae != nil && (ae.Code != tt.wantCode || ae.Op != OpGetToken || ae.Retries != (tt.wantCode == -1)) {
				t.Fatalf("err = %#v, want errcode %d", err, tt.wantCode)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the secret: %v", err)
			}
		})
	}
}

// TestForgetKeepsNewerToken: forgetting a token another call already replaced keeps the
// replacement.
func TestForgetKeepsNewerToken(t *testing.T) {
	f, c, old := primed(t)
	ctx := context.Background()
	c.Forget(old)
	cur, _ := c.AccessToken(ctx)
	c.Forget(old) // a late caller with the refused token
	if again, _ := c.AccessToken(ctx); again != cur || cur == old || f.gettokens != 2 {
		t.Fatalf("tokens %s, %s, %s after %d fetches: want the replacement kept", old, cur, again, f.gettokens)
	}
}

// TestCheckHTTPHook: Options.CheckHTTP decides on transport failures and statuses, and
// its error comes back as is.
func TestCheckHTTPHook(t *testing.T) {
	f, srv := newFake(t)
	mine := errors.New("mine")
	var ops []string
	c := New(Options{BaseURL: srv.URL, CorpID: corp, Secret: secret, Now: f.clock, REST: adapters.RESTOptions{Retries: -1},
		CheckHTTP: func(op string, r *resty.Response, err error) error {
			ops = append(ops, op)
			if err == nil && r.StatusCode() == http.StatusBadGateway {
				return mine
			}
			return err
		}})
	f.opStatus = http.StatusBadGateway
	if err := c.Post(context.Background(), "test/op", map[string]any{}, nil); err != mine {
		t.Fatalf("err = %v, want the hook's", err)
	}
	if strings.Join(ops, ",") != "gettoken,test/op" {
		t.Fatalf("hook called for %v", ops)
	}
}

// TestDownload: media/get copies the file and returns its headers; a JSON answer is an
// errcode (a refused token replaced once), and a file over the limit is an error.
func TestDownload(t *testing.T) {
	tests := []struct {
		name      string
		revoke    bool
		codes     []int
		body      string
		max       int64
		wantCode  int
		wantErr   bool
		wantCalls int
	}{
		{name: "file", max: 1 << 20, wantCalls: 1},
		{name: "file at the limit", max: 12, wantCalls: 1},
		{name: "expired token replaced", revoke: true, max: 1 << 20, wantCalls: 2},
		{name: "bad media id", codes: []int{40007}, max: 1 << 20, wantCode: 40007, wantErr: true, wantCalls: 1},
		{name: "too large", max: 11, wantErr: true, wantCalls: 1},
		{name: "JSON without a file", body: `{"errcode":0,"errmsg":"ok"}`, max: 1 << 20, wantErr: true, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, tok := primed(t)
			ctx := context.Background()
			f.revoked[tok] = tt.revoke
			f.opCodes, f.opBody = tt.codes, tt.body
			var buf bytes.Buffer
			h, err := c.Download(ctx, "media/get", map[string]string{"media_id": "M1"}, &buf, tt.max)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			var ae *APIError
			if errors.As(err, &ae) != (tt.wantCode != 0) || ae != nil && ae.Code != tt.wantCode {
				t.Fatalf("err = %#v, want errcode %d", err, tt.wantCode)
			}
			if err == nil && (!bytes.Equal(buf.Bytes(), f.file) || h.Get("Content-Type") != "image/jpeg") {
				t.Fatalf("got %q (%v), want the file with its type", buf.Bytes(), h)
			}
			if len(f.opCalls) != tt.wantCalls {
				t.Fatalf("%d media/get calls, want %d", len(f.opCalls), tt.wantCalls)
			}
		})
	}
}
