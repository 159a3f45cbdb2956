package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

// answerSeeds are answers of a shop's system as PROTOCOL.md describes them (shapes from
// webhook_test.go) plus the broken ones a hand-written shop endpoint or a proxy can
// produce. status picks the HTTP status through adapterstest.AnswerStatus.
func answerSeeds() []adapterstest.Answer {
	return []adapterstest.Answer{
		// One answer every endpoint accepts, so the fuzzer starts from full success.
		{Status: 0, Body: `{"id":"S-77","buyer":"王女士","items":[{"title":"手工皂","sku":"SOAP-1","qty":3,"price_fen":1500}],"paid_fen":4500,"status":"delivered","paid_at":"2023-11-10T10:00:00+08:00","courier":"韵达快递","tracking_no":"YD1234","shipped_at":"2023-11-11T09:00:00+08:00","delivered_at":"2023-11-13T15:00:00+08:00","logistics":"已签收","deadline":"2023-11-16T06:13:20+08:00","raw":"待处理","amount_fen":1500,"updated_at":null}`},
		{Status: 0, Body: `{"status":"waiting_merchant","raw":"待处理","deadline":"2023-11-16T06:13:20+08:00","amount_fen":1500,"updated_at":null}`},
		{Status: 0, Body: `{"id":"S-77","deadline":"2023-11-16T06:13:20+08:00"}`},
		{Status: 0, Body: `{"id":"","status":"paid"}`},
		{Status: 0, Body: `{"id":"A1001","status":"shipped","paid_at":"yesterday"}`},
		{Status: 0, Body: `{"status":"refunded"}`},
		{Status: 0, Body: `{"status":"whsec_test_1234"}`},
		// Errors the protocol names: unknown order or case, not ready for a case yet.
		{Status: 10, Body: `{"error":"no such order"}`},
		{Status: 11, Body: `{"error":"order not delivered yet"}`},
		{Status: 8, Body: `{"error":"bad request whsec_test_1234"}`},
		{Status: 9, Body: `{"error":"bad signature"}`},
		// A long error text cut where a credential or a character straddles the cut.
		{Status: 13, Body: `{"error":"` + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + `whsec_test_1234"}`},
		{Status: 15, Body: `{"error":"` + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + `中文"}`},
		// Degenerate bodies.
		{Status: 0, Body: ``},
		{Status: 0, Body: `null`},
		{Status: 0, Body: `{}`},
		{Status: 0, Body: `[]`},
		{Status: 0, Body: `{"id":1,"status":true}`},
		{Status: 0, Body: `{"id":"A1001","status":"paid","paid_fen":1e400}`},
		{Status: 0, Body: `{"id":"A1001","status":"paid","paid_fen":99999999999999999999,"items":[{"qty":1e10}]}`},
		{Status: 0, Body: `<html><body>502 Bad Gateway</body></html>`},
		{Status: 13, Body: `<html>500</html>`},
		{Status: 12, Body: ``},
		{Status: 14, Body: `{"error":null}`},
	}
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
	h := &answerHarness{shop: &shop{lenient: true, secret: testSecret}}
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
	adapterstest.Seed(f, answerSeeds())
	h := newAnswerHarness(f)
	f.Fuzz(func(t *testing.T, statusByte byte, body []byte) {
		status := adapterstest.AnswerStatus(statusByte)
		h.answer(status, body)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		answerCheck.Calls(t, ctx, h.client, status, body, knownOrder, knownCase)

		if p := h.shop.problemList(); len(p) > 0 {
			t.Fatalf("wrong requests while answering %q: %v", body, p)
		}
	})
}

// answerCheck is what this platform's errors from a fuzzed answer must satisfy.
var answerCheck = adapterstest.AnswerCheck{
	Platform:  Name,
	Sentinels: []error{adapters.ErrNotFound, adapters.ErrNotApplied},
	StatusRaw: true,
	Secrets:   []string{testSecret},
	Extra: func(t *testing.T, op string, err error, status int) {
		switch {
		case status == http.StatusNotFound && !errors.Is(err, adapters.ErrNotFound):
			t.Fatalf("%s: HTTP 404 gave %v, want ErrNotFound", op, err)
		case status == http.StatusConflict && !errors.Is(err, adapters.ErrNotApplied):
			t.Fatalf("%s: HTTP 409 gave %v, want ErrNotApplied", op, err)
		}
	},
}
