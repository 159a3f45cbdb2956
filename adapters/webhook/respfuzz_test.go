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
