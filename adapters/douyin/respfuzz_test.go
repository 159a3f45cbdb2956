package douyin

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

// answerSeeds are gateway answers as 抖店 sends them (shapes from fake_test.go and
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
		{0, `{"code":10000,"msg":"success","data":{"shop_order_detail":{"order_id":"4781320682406083640","order_status":3,"pay_amount":12900,"pay_time":1699990000,"logistics_info":[{"tracking_no":"YT7300000000001","company_name":"圆通快递","ship_time":1699995000}],"sku_order_list":[{"product_name":"加厚玻璃杯 350ml","code":"CUP-350","item_num":2,"origin_amount":12900}]},"items":[{"aftersale_info":{"aftersale_id":"7000000000000000001","aftersale_status":6,"status_deadline":1700086400,"refund_amount":12900},"aftersale_id":"7000000000000000001","status_code":0,"status_msg":""}],"process_info":{"after_sale_info":{"after_sale_id":7000000000000000001,"after_sale_status":6,"refund_amount":12900,"status_deadline":1700086400,"update_time":1700001234}}},"log_id":"2023111415000001"}`},
		{0, `{"code":10000,"msg":"success","data":{"shop_order_detail":{"order_id":"4781320682406083640","order_status":5,"pay_amount":12900,"pay_time":1699990000,"finish_time":1700000000,"logistics_info":[],"sku_order_list":[{"product_name":"杯","code":"","item_num":0,"origin_amount":1}]}}}`},
		{0, `{"code":10000,"msg":"success","data":{"items":[{"aftersale_info":{"aftersale_id":"7000000000000000009","aftersale_status":28,"status_deadline":0,"refund_amount":6450}},{"aftersale_info":{"aftersale_id":7000000000000000001,"aftersale_status":6,"status_deadline":1700086400,"refund_amount":12900}}],"has_more":false,"total":2}}`},
		{0, `{"code":10000,"msg":"success","data":{"items":[],"has_more":false,"total":0}}`},
		{0, `{"code":10000,"msg":"success","data":{"items":[{"aftersale_info":{"aftersale_status":6}}]}}`},
		{0, `{"code":10000,"msg":"success","data":{"process_info":{"after_sale_info":{"after_sale_id":"7000000000000000001","after_sale_status":12,"refund_amount":12900,"update_time":1700001234}},"items":[{"aftersale_id":"7000000000000000001","status_code":70001,"status_msg":"售后单状态已变更"}]}}`},
		// Error envelopes: not found, expired token, rate limit, busy, and one echoing
		// the credentials back.
		{0, `{"code":50002,"msg":"业务处理失败","sub_code":"isv.business-failed:4001","sub_msg":"订单不存在","data":null,"log_id":"1"}`},
		{0, `{"code":30001,"msg":"访问令牌已过期","sub_code":"isv.access-token-expired","sub_msg":"access_token已过期","data":{}}`},
		{0, `{"code":60000,"msg":"调用频率超限","sub_code":"isv.rate-limit","sub_msg":""}`},
		{0, `{"code":20000,"msg":"服务不可用"}`},
		{0, `{"code":40003,"msg":"非法的参数 access_token=tok-3c0e9a11-douyin-access","sub_code":"isv.signature-invalid","sub_msg":"app_secret abcd1234-ef56-7890-abcd-ef1234567890"}`},
		{0, `{"code":10000,"data":{"items":[{"aftersale_id":"1","status_code":1,"status_msg":"tok-3c0e9a11-douyin-access"}],"process_info":{"after_sale_info":{"after_sale_id":"1"}}}}`},
		// Degenerate bodies.
		{0, ``},
		{0, `null`},
		{0, `{}`},
		{0, `[]`},
		{0, `{"code":"10000"}`},
		{0, `{"code":10000,"data":"ok"}`},
		{0, `{"code":10000,"data":{"shop_order_detail":{"order_id":true,"order_status":"3"}}}`},
		{0, `{"code":10000,"data":{"shop_order_detail":{"order_id":"1","pay_amount":1e400}}}`},
		{0, `{"code":10000,"data":{"process_info":{"after_sale_info":{"after_sale_id":"1","refund_amount":99999999999999999999}}}}`},
		{0, `{"code":1e99}`},
		{0, `<html><body>502 Bad Gateway</body></html>`},
		// Non-2xx statuses with an envelope or a proxy page.
		{9, `{"code":30001,"msg":"unauthorized"}`},
		{13, `<html>500</html>`},
		{12, ``},
		{10, `{"code":10000,"data":{}}`},
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
// fake checks each request (path, query, signature, canonical body) in lenient mode so
// that the fuzz function, not the fake, fails the exec that got a wrong request.
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
		BaseURL: h.fk.srv.URL, AppKey: testAppKey, AppSecret: testSecret, AccessToken: testToken,
		Timeout: 2 * time.Second, Retries: -1, Now: func() time.Time { return testNow },
		RejectReasonCode: 1,
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
	h.fk.script, h.fk.problems, h.fk.signs, h.fk.ops = nil, nil, nil, nil
	h.fk.mu.Unlock()
}

// FuzzAnswers serves arbitrary gateway answers to every Client method that decodes one.
// Beyond not panicking: a success is a usable result, a failure is an *adapters.APIError
// or a sentinel the caller branches on, and no error shows the app secret or the token.
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
			if o.ID == "" || o.Platform != Name || !knownOrderStatus(o.Status) {
				t.Fatalf("Order=%+v from %q: want an id, platform %s and a known status", o, body, Name)
			}
		}

		ref, err := c.OpenCase(ctx, adapters.CaseRequest{Shop: "s1", CaseID: "A1", OrderID: knownOrder, Kind: "refund"})
		check("OpenCase", err)
		if err == nil && (ref.ID == "" || ref.Platform != Name) {
			t.Fatalf("OpenCase=%+v from %q: want an after-sale id and platform %s", ref, body, Name)
		}

		st, err := c.CaseStatus(ctx, adapters.CaseRef{Platform: Name, ID: liveCase})
		check("CaseStatus", err)
		if err == nil && (!knownCaseStatus(st.Status) || st.Raw == "") {
			t.Fatalf("CaseStatus=%+v from %q: want a known status and the raw code", st, body)
		}

		for _, d := range []adapters.Decision{{Approve: true}, {Approve: true, AmountFen: 100}, {Reason: "商品完好，不予退款"}} {
			check("Resolve "+strconv.FormatBool(d.Approve), c.Resolve(ctx, adapters.CaseRef{Platform: Name, ID: liveCase}, d))
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
	for _, s := range []error{adapters.ErrNotFound, adapters.ErrNotApplied, ErrPartialAmount} {
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
