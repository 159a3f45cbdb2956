package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

const (
	testSecret   = "whsec_test_1234"
	knownOrder   = "A1001"
	pendingOrder = "A1002" // the shop answers 409: not ready for a case yet
	unknownOrder = "A9999"
	knownCase    = "S-77"
)

var testNow = time.Unix(1700000000, 0)

type scripted struct {
	status int
	body   string
	block  bool
}

// shop is an httptest fake of the shop's system. It authenticates every request with an
// independent HMAC and checks path, method and the exact JSON body, t.Errorf'ing on any
// difference unless lenient.
type shop struct {
	t       *testing.T
	srv     *httptest.Server
	lenient bool
	secret  string // the shared secret requests must be signed with; testSecret unless a test sets another

	mu        sync.Mutex
	script    []scripted
	requests  int
	problems  []string
	decisions []string
}

func newShop(t *testing.T) *shop {
	s := &shop{t: t, secret: testSecret}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *shop) client(t *testing.T, mod func(*Options)) *Client {
	t.Helper()
	o := Options{BaseURL: s.srv.URL + "/aftersale", Secret: s.secret, Timeout: 2 * time.Second, Retries: 2, RetryWait: time.Millisecond, Now: func() time.Time { return testNow }}
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (s *shop) push(r ...scripted) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, r...)
}

func (s *shop) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *shop) problemList() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *shop) decisionList() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.decisions...)
}

func (s *shop) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	s.problems = append(s.problems, msg)
	s.mu.Unlock()
	if !s.lenient {
		s.t.Errorf("fake shop: %s", msg)
	}
}

func refSign(ts string, body []byte) string { return refSignWith(testSecret, ts, body) }

func refSignWith(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	return hex.EncodeToString(m.Sum(nil))
}

// decodeExact decodes body into v refusing unknown fields, and checks that re-encoding
// gives the same keys, so a missing field is caught as well as an extra one.
func (s *shop) decodeExact(body []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		s.problem("body %s: %v", body, err)
		return false
	}
	var got, again map[string]any
	_ = json.Unmarshal(body, &got)
	re, _ := json.Marshal(v)
	_ = json.Unmarshal(re, &again)
	if len(got) != len(again) {
		s.problem("body %s has %d fields, want %d", body, len(got), len(again))
		return false
	}
	return true
}

func (s *shop) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	var next *scripted
	if len(s.script) > 0 {
		next = &s.script[0]
		s.script = s.script[1:]
	}
	n := len(s.problems)
	s.mu.Unlock()

	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost {
		s.problem("method %s", r.Method)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		s.problem("Content-Type %q", ct)
	}
	ts := r.Header.Get(HeaderTimestamp)
	if ts != strconv.FormatInt(testNow.Unix(), 10) {
		s.problem("timestamp %q", ts)
	}
	if sig, want := r.Header.Get(HeaderSignature), refSignWith(s.secret, ts, body); sig != want {
		s.problem("signature %q, want %q", sig, want)
	}
	if next != nil {
		if next.block {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(next.status)
		io.WriteString(w, next.body)
		return
	}
	s.mu.Lock()
	bad := len(s.problems) != n
	s.mu.Unlock()
	if bad {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"bad signature"}`)
		return
	}
	switch r.URL.Path {
	case "/aftersale/orders/lookup":
		var in struct {
			OrderID string `json:"order_id"`
		}
		if !s.decodeExact(body, &in) {
			w.WriteHeader(400)
			return
		}
		if in.OrderID != knownOrder && in.OrderID != pendingOrder {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":"no such order"}`)
			return
		}
		io.WriteString(w, `{"id":"`+in.OrderID+`","buyer":"王女士","items":[{"title":"手工皂","sku":"SOAP-1","qty":3,"price_fen":1500}],
			"paid_fen":4500,"status":"delivered","paid_at":"2023-11-10T10:00:00+08:00","courier":"韵达快递","tracking_no":"YD1234",
			"shipped_at":"2023-11-11T09:00:00+08:00","delivered_at":"2023-11-13T15:00:00+08:00","logistics":"已签收"}`)
	case "/aftersale/cases":
		// The protocol's field names, spelled out here rather than borrowed from the client.
		var in struct {
			Shop      string   `json:"shop"`
			CaseID    string   `json:"case_id"`
			OrderID   string   `json:"order_id"`
			Kind      string   `json:"kind"`
			Reason    string   `json:"reason"`
			AmountFen int64    `json:"amount_fen"`
			Note      string   `json:"note"`
			Evidence  []string `json:"evidence"`
		}
		if !s.decodeExact(body, &in) {
			w.WriteHeader(400)
			return
		}
		if in.CaseID == "" || in.Shop == "" || in.Kind == "" {
			s.problem("case request %+v", in)
		}
		switch in.OrderID {
		case knownOrder:
			io.WriteString(w, `{"id":"`+knownCase+`","deadline":"2023-11-16T06:13:20+08:00"}`)
		case pendingOrder:
			w.WriteHeader(409)
			io.WriteString(w, `{"error":"order not delivered yet"}`)
		default:
			w.WriteHeader(404)
		}
	case "/aftersale/cases/status":
		var in struct {
			ID string `json:"id"`
		}
		if !s.decodeExact(body, &in) {
			w.WriteHeader(400)
			return
		}
		if in.ID != knownCase {
			w.WriteHeader(404)
			return
		}
		io.WriteString(w, `{"status":"waiting_merchant","raw":"待处理","deadline":"2023-11-16T06:13:20+08:00","amount_fen":1500,"updated_at":null}`)
	case "/aftersale/cases/decision":
		var in struct {
			ID        string `json:"id"`
			Approve   bool   `json:"approve"`
			Reason    string `json:"reason"`
			AmountFen int64  `json:"amount_fen"`
		}
		if !s.decodeExact(body, &in) {
			w.WriteHeader(400)
			return
		}
		if in.ID != knownCase {
			w.WriteHeader(404)
			return
		}
		s.mu.Lock()
		s.decisions = append(s.decisions, fmt.Sprintf("%v %s %d", in.Approve, in.Reason, in.AmountFen))
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		s.problem("unknown path %s", r.URL.Path)
		w.WriteHeader(404)
	}
}

func TestSignVector(t *testing.T) {
	// Computed with the openssl line in PROTOCOL.md.
	if got := Sign(testSecret, "1700000000", []byte(`{"order_id":"A1001"}`)); got != "b262d80e2de094b84c68885b8969eba2278f9d75aaa2d34eeb39700e0dd5e35d" {
		t.Fatalf("Sign=%s", got)
	}
}

func TestNewValidates(t *testing.T) {
	for _, o := range []Options{{}, {BaseURL: "http://x"}, {Secret: "s"}, {BaseURL: "ftp://x", Secret: "s"}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestContract(t *testing.T) {
	adapterstest.RunPlatform(t, func(t *testing.T) adapterstest.Fixture {
		s := newShop(t)
		return adapterstest.Fixture{Platform: s.client(t, nil), KnownOrder: knownOrder, UnknownOrder: unknownOrder, NotAppliedOrder: pendingOrder, UnknownCaseID: "S-0"}
	})
}

func TestMapping(t *testing.T) {
	s := newShop(t)
	c := s.client(t, nil)
	ctx := context.Background()
	o, err := c.Order(ctx, knownOrder)
	if err != nil {
		t.Fatal(err)
	}
	bj := time.FixedZone("CST", 8*3600)
	want := adapters.Order{
		ID: knownOrder, Platform: Name, Buyer: "王女士", Items: []adapters.Item{{Title: "手工皂", SKU: "SOAP-1", Qty: 3, PriceFen: 1500}},
		PaidFen: 4500, Status: adapters.OrderDelivered, PaidAt: time.Date(2023, 11, 10, 10, 0, 0, 0, bj), Courier: "韵达快递",
		TrackingNo: "YD1234", ShippedAt: time.Date(2023, 11, 11, 9, 0, 0, 0, bj), DeliveredAt: time.Date(2023, 11, 13, 15, 0, 0, 0, bj), Logistics: "已签收",
	}
	if !reflect.DeepEqual(o.Items, want.Items) || o.ID != want.ID || o.Buyer != want.Buyer || o.PaidFen != want.PaidFen || o.Status != want.Status ||
		!o.PaidAt.Equal(want.PaidAt) || !o.ShippedAt.Equal(want.ShippedAt) || !o.DeliveredAt.Equal(want.DeliveredAt) ||
		o.Courier != want.Courier || o.TrackingNo != want.TrackingNo || o.Logistics != want.Logistics {
		t.Fatalf("Order=%+v\nwant %+v", o, want)
	}
	ref, err := c.OpenCase(ctx, adapters.CaseRequest{Shop: "s1", CaseID: "A12", OrderID: knownOrder, Kind: "refund"})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID != knownCase || !ref.Deadline.Equal(time.Date(2023, 11, 16, 6, 13, 20, 0, bj)) {
		t.Fatalf("ref=%+v", ref)
	}
	st, err := c.CaseStatus(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != adapters.StatusWaitingMerchant || st.Raw != "待处理" || st.AmountFen != 1500 || !st.UpdatedAt.IsZero() {
		t.Fatalf("status=%+v", st)
	}
	if err := c.Resolve(ctx, ref, adapters.Decision{Approve: true, AmountFen: 1000}); err != nil {
		t.Fatal(err)
	}
	if got := s.decisionList(); !reflect.DeepEqual(got, []string{"true  1000"}) {
		t.Fatalf("decisions=%q", got)
	}
}

func TestBadAnswers(t *testing.T) {
	tests := []struct {
		name string
		body string
		// A body that is not the protocol's JSON (a proxy's error page) says nothing
		// about the request, so it is worth trying again; a well-formed answer with
		// a value we do not know will read the same next time.
		retryable bool
	}{
		{"unknown order status", `{"id":"A1001","status":"lost","paid_fen":1}`, false},
		{"not JSON", `<html>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newShop(t)
			s.push(scripted{status: 200, body: tt.body})
			_, err := s.client(t, nil).Order(context.Background(), knownOrder)
			var ae *adapters.APIError
			if !errors.As(err, &ae) || ae.Code != "bad_response" {
				t.Fatalf("err=%v, want bad_response", err)
			}
			if adapters.Retryable(err) != tt.retryable {
				t.Fatalf("err=%v retryable=%v, want %v", err, adapters.Retryable(err), tt.retryable)
			}
		})
	}
}

func TestShopRejectsWrongSecret(t *testing.T) {
	s := newShop(t)
	s.lenient = true
	_, err := s.client(t, func(o *Options) { o.Secret = "another" }).Order(context.Background(), knownOrder)
	var ae *adapters.APIError
	if !errors.As(err, &ae) || !ae.Reauth || ae.Code != "http_401" {
		t.Fatalf("err=%v, want a 401 APIError with Reauth", err)
	}
	if len(s.problemList()) == 0 {
		t.Fatal("fake shop accepted a wrong signature")
	}
	if s.count() != 1 {
		t.Fatalf("requests=%d, 401 must not be retried", s.count())
	}
}

func TestRetries(t *testing.T) {
	ok := `{"id":"A1001","status":"paid","paid_fen":1}`
	tests := []struct {
		name          string
		script        []scripted
		wantRequests  int
		wantErr       bool
		wantRetryable bool
	}{
		{"503 then ok", []scripted{{status: 503}, {status: 500}, {status: 200, body: ok}}, 3, false, false},
		{"429 then ok", []scripted{{status: 429}, {status: 200, body: ok}}, 2, false, false},
		{"5xx exhausted", []scripted{{status: 502}, {status: 502}, {status: 502}}, 3, true, true},
		{"422 not retried", []scripted{{status: 422, body: `{"error":"order id malformed"}`}}, 1, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newShop(t)
			s.push(tt.script...)
			_, err := s.client(t, nil).Order(context.Background(), knownOrder)
			if s.count() != tt.wantRequests {
				t.Errorf("requests=%d, want %d", s.count(), tt.wantRequests)
			}
			if (err != nil) != tt.wantErr || (err != nil && adapters.Retryable(err) != tt.wantRetryable) {
				t.Fatalf("err=%v retryable=%v, want error %v retryable %v", err, adapters.Retryable(err), tt.wantErr, tt.wantRetryable)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	s := newShop(t)
	s.push(scripted{block: true}, scripted{block: true})
	_, err := s.client(t, func(o *Options) { o.Timeout = 40 * time.Millisecond; o.Retries = 1 }).Order(context.Background(), knownOrder)
	var ae *adapters.APIError
	if !errors.As(err, &ae) || ae.Code != "timeout" || !ae.Retryable || s.count() != 2 {
		t.Fatalf("err=%v requests=%d, want a retryable timeout after 2 attempts", err, s.count())
	}
}

func TestNoSecretInErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *shop) *Client
	}{
		{"transport", func(s *shop) *Client { c := s.client(s.t, nil); s.srv.Close(); return c }},
		{"timeout", func(s *shop) *Client {
			s.push(scripted{block: true})
			return s.client(s.t, func(o *Options) { o.Timeout = 20 * time.Millisecond; o.Retries = -1 })
		}},
		{"4xx echoing the secret", func(s *shop) *Client {
			s.push(scripted{status: 400, body: `{"error":"secret ` + testSecret + ` is wrong"}`})
			return s.client(s.t, nil)
		}},
		{"5xx", func(s *shop) *Client {
			s.push(scripted{status: 500, body: testSecret}, scripted{status: 500}, scripted{status: 500})
			return s.client(s.t, nil)
		}},
		{"bad JSON", func(s *shop) *Client {
			s.push(scripted{status: 200, body: "{" + testSecret})
			return s.client(s.t, nil)
		}},
		{"not found", func(s *shop) *Client { s.push(scripted{status: 404, body: testSecret}); return s.client(s.t, nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newShop(t)
			s.lenient = true
			_, err := tt.setup(s).Order(context.Background(), knownOrder)
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), refSign("1700000000", []byte(`{"order_id":"A1001"}`))) {
				t.Fatalf("error %q leaks the secret or signature", err)
			}
		})
	}
}

func signed(t *testing.T, body string, ts time.Time, secret string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/hooks/shop", strings.NewReader(body))
	tsText := strconv.FormatInt(ts.Unix(), 10)
	r.Header.Set(HeaderTimestamp, tsText)
	r.Header.Set(HeaderSignature, Sign(secret, tsText, []byte(body)))
	return r
}

func TestVerifyRequest(t *testing.T) {
	body := `{"event":"case.updated","id":"S-77","status":"waiting_buyer"}`
	tests := []struct {
		name string
		req  func() *http.Request
		want error
	}{
		{"ok", func() *http.Request { return signed(t, body, testNow, testSecret) }, nil},
		{"ok within skew", func() *http.Request { return signed(t, body, testNow.Add(-4*time.Minute), testSecret) }, nil},
		{"stale", func() *http.Request { return signed(t, body, testNow.Add(-6*time.Minute), testSecret) }, ErrStaleTimestamp},
		{"future", func() *http.Request { return signed(t, body, testNow.Add(6*time.Minute), testSecret) }, ErrStaleTimestamp},
		{"wrong secret", func() *http.Request { return signed(t, body, testNow, "other") }, ErrBadSignature},
		{"body tampered", func() *http.Request {
			r := signed(t, body, testNow, testSecret)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(body, "S-77", "S-78", 1)))
			return r
		}, ErrBadSignature},
		{"timestamp swapped", func() *http.Request {
			r := signed(t, body, testNow, testSecret)
			r.Header.Set(HeaderTimestamp, strconv.FormatInt(testNow.Unix()+1, 10))
			return r
		}, ErrBadSignature},
		{"upper-case hex accepted", func() *http.Request {
			r := signed(t, body, testNow, testSecret)
			r.Header.Set(HeaderSignature, strings.ToUpper(r.Header.Get(HeaderSignature)))
			return r
		}, nil},
		{"not hex", func() *http.Request {
			r := signed(t, body, testNow, testSecret)
			r.Header.Set(HeaderSignature, "zz")
			return r
		}, ErrBadSignature},
		{"unsigned", func() *http.Request { return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)) }, ErrUnsigned},
		{"too large", func() *http.Request { return signed(t, strings.Repeat("x", MaxBody+1), testNow, testSecret) }, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := VerifyRequest(tt.req(), testSecret, testNow, 5*time.Minute)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("err=%v, want %v", err, tt.want)
			}
			if tt.want == nil && string(got) != body {
				t.Fatalf("body=%q", got)
			}
		})
	}
}

func TestEventHandler(t *testing.T) {
	bj := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name       string
		body       string
		secret     string
		handlerErr error
		wantStatus int
		want       *adapters.Event
	}{
		{"updated", `{"event":"case.updated","id":"S-77","order_id":"A1001","status":"waiting_buyer","deadline":"2023-11-16T06:13:20+08:00"}`, testSecret, nil, 200,
			&adapters.Event{Platform: Name, Kind: adapters.EventUpdated, AfterSaleID: "S-77", OrderID: "A1001", Deadline: time.Date(2023, 11, 16, 6, 13, 20, 0, bj), At: testNow}},
		{"updated to closed", `{"event":"case.updated","id":"S-77","status":"closed","at":"2023-11-15T06:00:00+08:00"}`, testSecret, nil, 200,
			&adapters.Event{Platform: Name, Kind: adapters.EventClosed, AfterSaleID: "S-77", At: time.Date(2023, 11, 15, 6, 0, 0, 0, bj)}},
		{"created", `{"event":"case.created","id":"S-78"}`, testSecret, nil, 200, &adapters.Event{Platform: Name, Kind: adapters.EventCreated, AfterSaleID: "S-78", At: testNow}},
		{"deadline", `{"event":"case.deadline","id":"S-78","deadline":"2023-11-16T00:00:00Z"}`, testSecret, nil, 200,
			&adapters.Event{Platform: Name, Kind: adapters.EventDeadline, AfterSaleID: "S-78", Deadline: time.Date(2023, 11, 16, 0, 0, 0, 0, time.UTC), At: testNow}},
		{"bad signature", `{"event":"case.created","id":"S-78"}`, "other", nil, 401, nil},
		{"unknown event", `{"event":"order.paid","id":"S-78"}`, testSecret, nil, 401, nil},
		{"unknown status", `{"event":"case.updated","id":"S-78","status":"weird"}`, testSecret, nil, 401, nil},
		{"no id", `{"event":"case.updated"}`, testSecret, nil, 401, nil},
		{"handler fails: shop retries", `{"event":"case.created","id":"S-78"}`, testSecret, errors.New("db"), 503, &adapters.Event{Platform: Name, Kind: adapters.EventCreated, AfterSaleID: "S-78", At: testNow}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []adapters.Event
			h := NewEventHandler(testSecret, func() time.Time { return testNow }, 5*time.Minute, func(_ context.Context, e adapters.Event) error {
				got = append(got, e)
				return tt.handlerErr
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, signed(t, tt.body, testNow, tt.secret))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status=%d body=%s, want %d", rec.Code, rec.Body, tt.wantStatus)
			}
			if tt.wantStatus == 200 && rec.Body.String() != `{"ok":true}` {
				t.Fatalf("body=%s", rec.Body)
			}
			if (tt.want == nil) != (len(got) == 0) {
				t.Fatalf("events=%+v, want %+v", got, tt.want)
			}
			if tt.want != nil {
				g, w := got[0], *tt.want
				if g.Platform != w.Platform || g.Kind != w.Kind || g.AfterSaleID != w.AfterSaleID || g.OrderID != w.OrderID || !g.Deadline.Equal(w.Deadline) || !g.At.Equal(w.At) {
					t.Fatalf("event=%+v, want %+v", g, w)
				}
			}
		})
	}
}
