package douyin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

// answerSeeds are gateway answers as 抖店 sends them (shapes from fake_test.go and
// PLATFORMS.md) plus the broken ones a gateway or a proxy in front of it can produce.
// status picks the HTTP status through adapterstest.AnswerStatus.
func answerSeeds() []adapterstest.Answer {
	return []adapterstest.Answer{
		// One envelope every method accepts, so the fuzzer starts from full success.
		{Status: 0, Body: `{"code":10000,"msg":"success","data":{"shop_order_detail":{"order_id":"4781320682406083640","order_status":3,"pay_amount":12900,"pay_time":1699990000,"logistics_info":[{"tracking_no":"YT7300000000001","company_name":"圆通快递","ship_time":1699995000}],"sku_order_list":[{"product_name":"加厚玻璃杯 350ml","code":"CUP-350","item_num":2,"origin_amount":12900}]},"items":[{"aftersale_info":{"aftersale_id":"7000000000000000001","aftersale_status":6,"status_deadline":1700086400,"refund_amount":12900},"aftersale_id":"7000000000000000001","status_code":0,"status_msg":""}],"process_info":{"after_sale_info":{"after_sale_id":7000000000000000001,"after_sale_status":6,"refund_amount":12900,"status_deadline":1700086400,"update_time":1700001234}}},"log_id":"2023111415000001"}`},
		{Status: 0, Body: `{"code":10000,"msg":"success","data":{"shop_order_detail":{"order_id":"4781320682406083640","order_status":5,"pay_amount":12900,"pay_time":1699990000,"finish_time":1700000000,"logistics_info":[],"sku_order_list":[{"product_name":"杯","code":"","item_num":0,"origin_amount":1}]}}}`},
		{Status: 0, Body: `{"code":10000,"msg":"success","data":{"items":[{"aftersale_info":{"aftersale_id":"7000000000000000009","aftersale_status":28,"status_deadline":0,"refund_amount":6450}},{"aftersale_info":{"aftersale_id":7000000000000000001,"aftersale_status":6,"status_deadline":1700086400,"refund_amount":12900}}],"has_more":false,"total":2}}`},
		{Status: 0, Body: `{"code":10000,"msg":"success","data":{"items":[],"has_more":false,"total":0}}`},
		{Status: 0, Body: `{"code":10000,"msg":"success","data":{"items":[{"aftersale_info":{"aftersale_status":6}}]}}`},
		{Status: 0, Body: `{"code":10000,"msg":"success","data":{"process_info":{"after_sale_info":{"after_sale_id":"7000000000000000001","after_sale_status":12,"refund_amount":12900,"update_time":1700001234}},"items":[{"aftersale_id":"7000000000000000001","status_code":70001,"status_msg":"售后单状态已变更"}]}}`},
		// Error envelopes: not found, expired token, rate limit, busy, and one echoing
		// the credentials back.
		{Status: 0, Body: `{"code":50002,"msg":"业务处理失败","sub_code":"isv.business-failed:4001","sub_msg":"订单不存在","data":null,"log_id":"1"}`},
		{Status: 0, Body: `{"code":30001,"msg":"访问令牌已过期","sub_code":"isv.access-token-expired","sub_msg":"access_token已过期","data":{}}`},
		{Status: 0, Body: `{"code":60000,"msg":"调用频率超限","sub_code":"isv.rate-limit","sub_msg":""}`},
		{Status: 0, Body: `{"code":20000,"msg":"服务不可用"}`},
		{Status: 0, Body: `{"code":40003,"msg":"非法的参数 access_token=tok-3c0e9a11-douyin-access","sub_code":"isv.signature-invalid","sub_msg":"app_secret abcd1234-ef56-7890-abcd-ef1234567890"}`},
		{Status: 0, Body: `{"code":10000,"data":{"items":[{"aftersale_id":"1","status_code":1,"status_msg":"tok-3c0e9a11-douyin-access"}],"process_info":{"after_sale_info":{"after_sale_id":"1"}}}}`},
		// Degenerate bodies.
		{Status: 0, Body: ``},
		{Status: 0, Body: `null`},
		{Status: 0, Body: `{}`},
		{Status: 0, Body: `[]`},
		{Status: 0, Body: `{"code":"10000"}`},
		{Status: 0, Body: `{"code":10000,"data":"ok"}`},
		{Status: 0, Body: `{"code":10000,"data":{"shop_order_detail":{"order_id":true,"order_status":"3"}}}`},
		{Status: 0, Body: `{"code":10000,"data":{"shop_order_detail":{"order_id":"1","pay_amount":1e400}}}`},
		{Status: 0, Body: `{"code":10000,"data":{"process_info":{"after_sale_info":{"after_sale_id":"1","refund_amount":99999999999999999999}}}}`},
		{Status: 0, Body: `{"code":1e99}`},
		{Status: 0, Body: `<html><body>502 Bad Gateway</body></html>`},
		// Non-2xx statuses with an envelope or a proxy page.
		{Status: 9, Body: `{"code":30001,"msg":"unauthorized"}`},
		{Status: 13, Body: `<html>500</html>`},
		{Status: 12, Body: ``},
		{Status: 10, Body: `{"code":10000,"data":{}}`},
	}
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
	h := &answerHarness{fk: &fake{signMethod: SignHMACSHA256, lenient: true, token: testToken}}
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
	adapterstest.Seed(f, answerSeeds())
	h := newAnswerHarness(f)
	f.Fuzz(func(t *testing.T, statusByte byte, body []byte) {
		status := adapterstest.AnswerStatus(statusByte)
		h.answer(status, body)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		answerCheck.Calls(t, ctx, h.client, status, body, knownOrder, liveCase)

		if p := h.fk.problemList(); len(p) > 0 {
			t.Fatalf("wrong requests while answering %q: %v", body, p)
		}
	})
}

// answerCheck is what this platform's errors from a fuzzed answer must satisfy.
var answerCheck = adapterstest.AnswerCheck{
	Platform:  Name,
	Sentinels: []error{adapters.ErrNotFound, adapters.ErrNotApplied, ErrPartialAmount},
	StatusRaw: true,
	Secrets:   []string{testSecret, testToken},
}
