package kuaishou

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

// answerSeeds are gateway answers as 快手 sends them (shapes from fake_test.go and
// PLATFORMS.md) plus the broken ones a gateway or a proxy in front of it can produce.
// status picks the HTTP status through adapterstest.AnswerStatus.
func answerSeeds() []adapterstest.Answer {
	return []adapterstest.Answer{
		// One envelope every method accepts, so the fuzzer starts from full success.
		{Status: 0, Body: `{"result":1,"data":{"orderBaseInfo":{"oid":2617801683312294,"status":40,"totalFee":3990,"expressFee":0,"payTime":1699990000000,"sendTime":1699995000000,"recvTime":0,"buyerNick":"小**"},"orderItemInfo":{"itemTitle":"纯棉T恤","skuDesc":"白色 XL","num":1,"price":3990,"outerSkuId":"TS-W-XL"},"orderLogisticsInfo":[{"expressNo":"SF1400000000001","expressCode":4}],"pcursor":"nomore","refundOrderInfoList":[{"refundId":2410000123456789,"oid":2617801683312294,"status":10,"handlingWay":10,"refundFee":3990,"expireTime":1700172800000,"updateTime":1700000100000}],"refundId":2410000123456789,"oid":2617801683312294,"status":10,"handlingWay":10,"refundFee":3990,"expireTime":1700172800000,"updateTime":1700000100000,"refundReasonDesc":"商品破损"}}`},
		{Status: 0, Body: `{"result":1,"data":{"pcursor":"c2","refundOrderInfoList":[{"refundId":2410000123456700,"oid":2617801683312294,"status":70,"handlingWay":10,"refundFee":3990,"expireTime":0},{"refundId":2410000123456701,"oid":2617801683300000,"status":10,"refundFee":100}],"dataList":[{"refundId":2410000123456789,"oid":2617801683312294,"status":30,"handlingWay":1,"refundFee":3990}]}}`},
		{Status: 0, Body: `{"result":1,"data":{"pcursor":"nomore","refundOrderInfoList":[]}}`},
		{Status: 0, Body: `{"result":1,"data":{"pcursor":"nomore","refundOrderInfoList":[{"oid":2617801683312294,"status":10}]}}`},
		{Status: 0, Body: `{"result":1,"data":{"refundId":-2410000123456789,"oid":-1,"status":10,"handlingWay":1,"refundFee":-5,"orderBaseInfo":{"oid":-2617801683312294,"status":10}}}`},
		{Status: 0, Body: `{"result":1,"data":{"refundId":2410000123456789,"status":20,"handlingWay":1,"refundFee":3990}}`},
		// Error envelopes: not found, expired token, rate limit, and one echoing the
		// credentials back.
		{Status: 0, Body: `{"result":802000,"error_msg":"订单不存在"}`},
		{Status: 0, Body: `{"result":28,"error_msg":"access_token已过期","code":"401"}`},
		{Status: 0, Body: `{"result":24,"error_msg":"调用过于频繁，请稍后再试","sub_code":"rate.limit","sub_msg":"too many"}`},
		{Status: 0, Body: `{"result":17,"error_msg":"签名验证失败 signSecret=ks_test_sign_secret","sub_msg":"access_token=ks-token-5b1f0c-access"}`},
		// Degenerate bodies.
		{Status: 0, Body: ``},
		{Status: 0, Body: `null`},
		{Status: 0, Body: `{}`},
		{Status: 0, Body: `[]`},
		{Status: 0, Body: `{"result":"1"}`},
		{Status: 0, Body: `{"result":1,"data":"ok"}`},
		{Status: 0, Body: `{"result":1,"data":null}`},
		{Status: 0, Body: `{"result":1,"data":{"orderBaseInfo":{"oid":"2617801683312294","status":"40"}}}`},
		{Status: 0, Body: `{"result":1,"data":{"orderBaseInfo":{"oid":99999999999999999999,"totalFee":1e400}}}`},
		{Status: 0, Body: `{"result":1,"data":{"refundId":2410000123456789,"refundFee":9223372036854775807,"expireTime":9223372036854775807}}`},
		{Status: 0, Body: `<html><body>502 Bad Gateway</body></html>`},
		// Non-2xx statuses with an envelope or a proxy page.
		{Status: 9, Body: `{"result":28,"error_msg":"unauthorized"}`},
		{Status: 13, Body: `<html>500</html>`},
		{Status: 12, Body: ``},
		{Status: 10, Body: `{"result":1,"data":{}}`},
	}
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
	adapterstest.Seed(f, answerSeeds())
	h := newAnswerHarness(f)
	f.Fuzz(func(t *testing.T, statusByte byte, body []byte) {
		status := adapterstest.AnswerStatus(statusByte)
		h.answer(status, body)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		r := answerCheck.Calls(t, ctx, h.client, status, body, knownOrder, liveRefund)
		// Ids are what every later call sends back: they must be ones the API takes.
		if _, err := parseID("order", r.Order.ID); r.OrderErr == nil && err != nil {
			t.Fatalf("Order=%+v from %q: want a platform order id", r.Order, body)
		}
		if _, err := parseID("refund", r.Ref.ID); r.RefErr == nil && err != nil {
			t.Fatalf("OpenCase=%+v from %q: want a platform refund id", r.Ref, body)
		}

		if p := h.fk.problemList(); len(p) > 0 {
			t.Fatalf("wrong requests while answering %q: %v", body, p)
		}
	})
}

// answerCheck is what this platform's errors from a fuzzed answer must satisfy.
var answerCheck = adapterstest.AnswerCheck{
	Platform:  Name,
	Sentinels: []error{adapters.ErrNotFound, adapters.ErrNotApplied, ErrNeedsBackend},
	StatusRaw: true,
	Secrets:   []string{testSecret, testToken},
}
