package kuaishou

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

// answerSeeds are gateway answers as 快手 sends them (shapes from fake_test.go and
// PLATFORMS.md) plus the broken ones a gateway or a proxy in front of it can produce.
// status picks the HTTP status through answerStatus.
func answerSeeds() []struct {
	status byte
	body   string
} {
	return []struct {
		status byte
		body   string
	}{
		// One envelope every method accepts, so the fuzzer starts from full success.
		{0, `{"result":1,"data":{"orderBaseInfo":{"oid":2617801683312294,"status":40,"totalFee":3990,"expressFee":0,"payTime":1699990000000,"sendTime":1699995000000,"recvTime":0,"buyerNick":"小**"},"orderItemInfo":{"itemTitle":"纯棉T恤","skuDesc":"白色 XL","num":1,"price":3990,"outerSkuId":"TS-W-XL"},"orderLogisticsInfo":[{"expressNo":"SF1400000000001","expressCode":4}],"pcursor":"nomore","refundOrderInfoList":[{"refundId":2410000123456789,"oid":2617801683312294,"status":10,"handlingWay":10,"refundFee":3990,"expireTime":1700172800000,"updateTime":1700000100000}],"refundId":2410000123456789,"oid":2617801683312294,"status":10,"handlingWay":10,"refundFee":3990,"expireTime":1700172800000,"updateTime":1700000100000,"refundReasonDesc":"商品破损"}}`},
		{0, `{"result":1,"data":{"pcursor":"c2","refundOrderInfoList":[{"refundId":2410000123456700,"oid":2617801683312294,"status":70,"handlingWay":10,"refundFee":3990,"expireTime":0},{"refundId":2410000123456701,"oid":2617801683300000,"status":10,"refundFee":100}],"dataList":[{"refundId":2410000123456789,"oid":2617801683312294,"status":30,"handlingWay":1,"refundFee":3990}]}}`},
		{0, `{"result":1,"data":{"pcursor":"nomore","refundOrderInfoList":[]}}`},
		{0, `{"result":1,"data":{"pcursor":"nomore","refundOrderInfoList":[{"oid":2617801683312294,"status":10}]}}`},
		{0, `{"result":1,"data":{"refundId":-2410000123456789,"oid":-1,"status":10,"handlingWay":1,"refundFee":-5,"orderBaseInfo":{"oid":-2617801683312294,"status":10}}}`},
		{0, `{"result":1,"data":{"refundId":2410000123456789,"status":20,"handlingWay":1,"refundFee":3990}}`},
		// Error envelopes: not found, expired token, rate limit, and one echoing the
		// credentials back.
		{0, `{"result":802000,"error_msg":"订单不存在"}`},
		{0, `{"result":28,"error_msg":"access_token已过期","code":"401"}`},
		{0, `{"result":24,"error_msg":"调用过于频繁，请稍后再试","sub_code":"rate.limit","sub_msg":"too many"}`},
		{0, `{"result":17,"error_msg":"签名验证失败 signSecret=ks_test_sign_secret","sub_msg":"access_token=ks-token-5b1f0c-access"}`},
		// Degenerate bodies.
		{0, ``},
		{0, `null`},
		{0, `{}`},
		{0, `[]`},
		{0, `{"result":"1"}`},
		{0, `{"result":1,"data":"ok"}`},
		{0, `{"result":1,"data":null}`},
		{0, `{"result":1,"data":{"orderBaseInfo":{"oid":"2617801683312294","status":"40"}}}`},
		{0, `{"result":1,"data":{"orderBaseInfo":{"oid":99999999999999999999,"totalFee":1e400}}}`},
		{0, `{"result":1,"data":{"refundId":2410000123456789,"refundFee":9223372036854775807,"expireTime":9223372036854775807}}`},
		{0, `<html><body>502 Bad Gateway</body></html>`},
		// Non-2xx statuses with an envelope or a proxy page.
		{9, `{"result":28,"error_msg":"unauthorized"}`},
		{13, `<html>500</html>`},
		{12, ``},
		{10, `{"result":1,"data":{}}`},
	}
}

// answerStatus maps a fuzzed byte to the HTTP status the answer is served with; most
// bytes give 200 because the envelope is where the parsing happens.
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
// fake checks each request (path, query, form, signature) in lenient mode so that the
// fuzz function, not the fake, fails the exec that got a wrong request.
type answerHarness struct {
	fk     *fake
	client *Client

	mu  sync.Mutex
	cur reply
}

func newAnswerHarness(f *testing.F) *answerHarness {
	h := &answerHarness{fk: &fake{signMethod: SignHMACSHA256, lenient: true}}
	// One server for the whole run: a server per exec would cost more than the exec.
	h.fk.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		cur := h.cur
		h.mu.Unlock()
		h.fk.push(cur)
		h.fk.serve(w, r)
	}))
	f.Cleanup(h.fk.srv.Close)
	c, err := New(Options{
		BaseURL: h.fk.srv.URL, AppKey: testAppKey, SignSecret: testSecret, AccessToken: testToken,
		Timeout: 2 * time.Second, Retries: -1, Now: func() time.Time { return testNow },
		ReauthCodes: []int{28}, RefuseReasonCode: 1,
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
	h.cur = reply{status: status, body: string(body)}
	h.mu.Unlock()
	h.fk.mu.Lock()
	h.fk.script, h.fk.problems, h.fk.signs, h.fk.actions = nil, nil, nil, nil
	h.fk.mu.Unlock()
}

// FuzzAnswers serves arbitrary gateway answers to every Client method that decodes one.
// Beyond not panicking: a success is a usable result (ids the API takes back), a failure
// is an *adapters.APIError or a sentinel the caller branches on, and no error shows the
// sign secret or the token.
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
		}

		o, err := c.Order(ctx, knownOrder)
		check("Order", err)
		if err == nil {
			if _, idErr := parseID("order", o.ID); idErr != nil || o.Platform != Name || !knownOrderStatus(o.Status) {
				t.Fatalf("Order=%+v from %q: want a platform order id, platform %s and a known status", o, body, Name)
			}
		}

		ref, err := c.OpenCase(ctx, adapters.CaseRequest{Shop: "s1", CaseID: "A1", OrderID: knownOrder, Kind: "refund"})
		check("OpenCase", err)
		if err == nil {
			// The ref is what every later call sends back: it must be an id the API takes.
			if _, idErr := parseID("refund", ref.ID); idErr != nil || ref.Platform != Name {
				t.Fatalf("OpenCase=%+v from %q: want a platform refund id and platform %s", ref, body, Name)
			}
		}

		st, err := c.CaseStatus(ctx, adapters.CaseRef{Platform: Name, ID: liveRefund})
		check("CaseStatus", err)
		if err == nil && (!knownCaseStatus(st.Status) || st.Raw == "") {
			t.Fatalf("CaseStatus=%+v from %q: want a known status and the raw code", st, body)
		}

		for _, d := range []adapters.Decision{{Approve: true}, {Approve: true, AmountFen: 100}, {Reason: "商品完好，不予退款"}} {
			check("Resolve "+strconv.FormatBool(d.Approve), c.Resolve(ctx, adapters.CaseRef{Platform: Name, ID: liveRefund}, d))
		}

		if p := h.fk.problemList(); len(p) > 0 {
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
	for _, s := range []error{adapters.ErrNotFound, adapters.ErrNotApplied, ErrNeedsBackend} {
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
	for _, secret := range []string{testSecret, testToken} {
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
