package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aftersale/aftersale/adapters"
)

// answerSeeds are answers of a shop's system as PROTOCOL.md describes them (shapes from
// webhook_test.go) plus the broken ones a hand-written shop endpoint or a proxy can
// produce. status picks the HTTP status through answerStatus.
func answerSeeds() []struct {
	status byte
	body   string
} {
	return []struct {
		status byte
		body   string
	}{
		// One answer every endpoint accepts, so the fuzzer starts from full success.
		{0, `{"id":"S-77","buyer":"王女士","items":[{"title":"手工皂","sku":"SOAP-1","qty":3,"price_fen":1500}],"paid_fen":4500,"status":"delivered","paid_at":"2023-11-10T10:00:00+08:00","courier":"韵达快递","tracking_no":"YD1234","shipped_at":"2023-11-11T09:00:00+08:00","delivered_at":"2023-11-13T15:00:00+08:00","logistics":"已签收","deadline":"2023-11-16T06:13:20+08:00","raw":"待处理","amount_fen":1500,"updated_at":null}`},
		{0, `{"status":"waiting_merchant","raw":"待处理","deadline":"2023-11-16T06:13:20+08:00","amount_fen":1500,"updated_at":null}`},
		{0, `{"id":"S-77","deadline":"2023-11-16T06:13:20+08:00"}`},
		{0, `{"id":"","status":"paid"}`},
		{0, `{"id":"A1001","status":"shipped","paid_at":"yesterday"}`},
		{0, `{"status":"refunded"}`},
		{0, `{"status":"whsec_test_1234"}`},
		// Errors the protocol names: unknown order or case, not ready for a case yet.
		{10, `{"error":"no such order"}`},
		{11, `{"error":"order not delivered yet"}`},
		{8, `{"error":"bad request whsec_test_1234"}`},
		{9, `{"error":"bad signature"}`},
		// A long error text cut where a credential or a character straddles the cut.
		{13, `{"error":"` + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + `whsec_test_1234"}`},
		{15, `{"error":"` + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + `中文"}`},
		// Degenerate bodies.
		{0, ``},
		{0, `null`},
		{0, `{}`},
		{0, `[]`},
		{0, `{"id":1,"status":true}`},
		{0, `{"id":"A1001","status":"paid","paid_fen":1e400}`},
		{0, `{"id":"A1001","status":"paid","paid_fen":99999999999999999999,"items":[{"qty":1e10}]}`},
		{0, `<html><body>502 Bad Gateway</body></html>`},
		{13, `<html>500</html>`},
		{12, ``},
		{14, `{"error":null}`},
	}
}

// answerStatus maps a fuzzed byte to the HTTP status the answer is served with; most
// bytes give 200 because the JSON is where the parsing happens.
func answerStatus(b byte) int {
	switch b % 16 {
	case 8:
		return http.StatusBadRequest
	case 9:
		return http.StatusUnauthorized
	case 10:
		return http.StatusNotFound
	case 11:
		return http.StatusConflict
	case 12:
		return http.StatusTooManyRequests
	case 13:
		return http.StatusInternalServerError
	case 14:
		return http.StatusBadGateway
	case 15:
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

// answerHarness serves one fuzzed answer to every request of an exec. The package's
// fake shop checks each request (method, content type, timestamp, signature) in lenient
// mode so that the fuzz function, not the fake, fails the exec that got a wrong request.
type answerHarness struct {
	shop   *shop
	client *Client

	mu  sync.Mutex
	cur scripted
}

func newAnswerHarness(f *testing.F) *answerHarness {
	h := &answerHarness{shop: &shop{lenient: true}}
	// One server for the whole run: a server per exec would cost more than the exec.
	h.shop.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		cur := h.cur
		h.mu.Unlock()
		h.shop.push(cur)
		h.shop.serve(w, r)
	}))
	f.Cleanup(h.shop.srv.Close)
	c, err := New(Options{
		BaseURL: h.shop.srv.URL + "/aftersale", Secret: testSecret,
		Timeout: 2 * time.Second, Retries: -1, Now: func() time.Time { return testNow },
	})
	if err != nil {
		f.Fatalf("New: %v", err)
	}
	h.client = c
	return h
}

// answer makes every following request get status and body, and forgets what the fake
// recorded for the previous exec so a long run does not grow.
func (h *answerHarness) answer(status int, body []byte) {
	h.mu.Lock()
	h.cur = scripted{status: status, body: string(body)}
	h.mu.Unlock()
	h.shop.mu.Lock()
	h.shop.script, h.shop.problems, h.shop.decisions = nil, nil, nil
	h.shop.mu.Unlock()
}

// FuzzAnswers serves arbitrary answers of the shop's system to every Client method that
// decodes one. Beyond not panicking: a success is a usable result, a failure is an
// *adapters.APIError or ErrNotFound / ErrNotApplied as PROTOCOL.md promises, and no
// error shows the shared secret, whole or cut off.
func FuzzAnswers(f *testing.F) {
	for _, s := range answerSeeds() {
		f.Add(s.status, []byte(s.body))
	}
	h := newAnswerHarness(f)
	f.Fuzz(func(t *testing.T, statusByte byte, body []byte) {
		status := answerStatus(statusByte)
		h.answer(status, body)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		c := h.client
		check := func(op string, err error) {
			t.Helper()
			checkAnswerErr(t, op, err, status, body)
			switch {
			case status == http.StatusNotFound && !errors.Is(err, adapters.ErrNotFound):
				t.Fatalf("%s: HTTP 404 gave %v, want ErrNotFound", op, err)
			case status == http.StatusConflict && !errors.Is(err, adapters.ErrNotApplied):
				t.Fatalf("%s: HTTP 409 gave %v, want ErrNotApplied", op, err)
			}
		}

		o, err := c.Order(ctx, knownOrder)
		check("Order", err)
		if err == nil {
			if o.ID == "" || o.Platform != Name || !knownOrderStatus(o.Status) {
				t.Fatalf("Order=%+v from %q: want an id, platform %s and a known status", o, body, Name)
			}
		}

		ref, err := c.OpenCase(ctx, adapters.CaseRequest{Shop: "s1", CaseID: "A1", OrderID: knownOrder, Kind: "refund"})
		check("OpenCase", err)
		if err == nil && (ref.ID == "" || ref.Platform != Name) {
			t.Fatalf("OpenCase=%+v from %q: want a case id and platform %s", ref, body, Name)
		}

		st, err := c.CaseStatus(ctx, adapters.CaseRef{Platform: Name, ID: knownCase})
		check("CaseStatus", err)
		if err == nil && (!knownCaseStatus(st.Status) || st.Raw == "") {
			t.Fatalf("CaseStatus=%+v from %q: want a known status and the raw text", st, body)
		}

		for _, d := range []adapters.Decision{{Approve: true}, {Approve: true, AmountFen: 100}, {Reason: "商品完好，不予退款"}} {
			check("Resolve "+strconv.FormatBool(d.Approve), c.Resolve(ctx, adapters.CaseRef{Platform: Name, ID: knownCase}, d))
		}

		if p := h.shop.problemList(); len(p) > 0 {
			t.Fatalf("wrong requests while answering %q: %v", body, p)
		}
	})
}

// checkAnswerErr holds the properties of an error from a fuzzed answer.
func checkAnswerErr(t *testing.T, op string, err error, status int, body []byte) {
	t.Helper()
	if err == nil {
		if status != http.StatusOK {
			t.Fatalf("%s: no error for HTTP %d", op, status)
		}
		return
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, Name+" ") {
		t.Fatalf("%s: error %q does not say it came from %s", op, msg, Name)
	}
	var ae *adapters.APIError
	isAPI := errors.As(err, &ae)
	known := isAPI
	for _, s := range []error{adapters.ErrNotFound, adapters.ErrNotApplied} {
		known = known || errors.Is(err, s)
	}
	if !known {
		t.Fatalf("%s: error %q (%T) from %q is neither an *adapters.APIError nor a sentinel", op, msg, err, body)
	}
	if isAPI && (ae.Platform != Name || ae.Op == "" || ae.Code == "") {
		t.Fatalf("%s: APIError %+v lacks platform, op or code", op, ae)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		t.Fatalf("%s: a raw JSON error is reachable in %q", op, msg)
	}
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		if !isAPI || !ae.Retryable {
			t.Fatalf("%s: HTTP %d gave %q, want a retryable APIError", op, status, msg)
		}
	case status == http.StatusUnauthorized:
		if !isAPI || !ae.Reauth {
			t.Fatalf("%s: HTTP 401 gave %q, want an APIError asking to re-authorise", op, msg)
		}
	}
	if !utf8.ValidString(msg) {
		t.Fatalf("%s: error %q is not valid UTF-8", op, msg)
	}
	for _, secret := range []string{testSecret} {
		if leaked(msg, secret, body) {
			t.Fatalf("%s: error %q shows a credential", op, msg)
		}
	}
}

// leaked reports whether msg shows secret, or a cut-off head of it of 8 bytes or more,
// that the answer did not also carry on its own, outside the secret itself.
func leaked(msg, secret string, body []byte) bool {
	rest := strings.ReplaceAll(string(body), secret, "")
	for n := len(secret); n >= 8; n-- {
		if p := secret[:n]; strings.Contains(msg, p) && !strings.Contains(rest, p) {
			return true
		}
	}
	return false
}

func knownOrderStatus(s adapters.OrderStatus) bool {
	switch s {
	case adapters.OrderUnpaid, adapters.OrderPaid, adapters.OrderShipped, adapters.OrderDelivered, adapters.OrderClosed:
		return true
	}
	return false
}

func knownCaseStatus(s adapters.Status) bool {
	switch s {
	case adapters.StatusWaitingMerchant, adapters.StatusWaitingBuyer, adapters.StatusSucceeded, adapters.StatusRejected, adapters.StatusClosed:
		return true
	}
	return false
}
