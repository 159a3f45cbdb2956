package taobao

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

// answerSeeds are TOP answers (shapes from fake_test.go and PLATFORMS.md) plus the
// broken ones a gateway or a proxy in front of it can produce. status picks the HTTP
// status through adapterstest.AnswerStatus.
func answerSeeds() []adapterstest.Answer {
	return []adapterstest.Answer{
		// One answer every method accepts (TOP keys each answer by method), so the fuzzer
		// starts from full success.
		{Status: 0, Body: `{"trade_fullinfo_get_response":{"trade":{"tid":3698127730123456789,"tid_str":"3698127730123456789","status":"WAIT_BUYER_CONFIRM_GOODS","payment":"129.00","pay_time":"2023-11-14 20:00:00","consign_time":"2023-11-15 09:30:00","buyer_nick":"t**1","orders":{"order":[{"oid":3698127730123456789,"title":"加厚玻璃杯 350ml","outer_sku_id":"CUP-350","num":2,"price":"64.50","logistics_company":"中通快递","invoice_no":"ZT75300000001"}]}}},` +
			`"refunds_receive_get_response":{"has_next":false,"refunds":{"refund":[{"refund_id":201234567890123400,"tid":3698127730123456789,"oid":3698127730123456789,"status":"CLOSED","refund_fee":"64.50","modified":"2023-11-15 06:00:00","refund_version":1700000000123,"refund_phase":"onsale"},{"refund_id":201234567890123456,"tid":3698127730123456789,"status":"WAIT_SELLER_AGREE","refund_fee":"64.50","refund_version":1700000000123,"refund_phase":"onsale"}]}},` +
			`"refund_get_response":{"refund":{"refund_id":201234567890123456,"tid":3698127730123456789,"oid":3698127730123456789,"status":"WAIT_SELLER_AGREE","refund_fee":"64.50","modified":"2023-11-15 06:00:00","refund_version":1700000000123,"refund_phase":"onsale","refund_remind_timeout":{"remind_type":1,"exist_timeout":true,"timeout":"2023-11-17 06:13:20"}}},` +
			`"rp_refunds_agree_response":{"succ":true,"msg":"成功","results":{"refund_mapping_result":[{"refund_id":201234567890123456,"succ":true,"message":"成功"}]}},` +
			`"refund_refuse_response":{"is_success":true},` +
			`"tmc_messages_consume_response":{"messages":{"tmc_message":[{"id":8001,"topic":"taobao_refund_RefundCreated","content":"{\"refund_id\":201234567890123456,\"tid\":3698127730123456789,\"modified\":\"2023-11-15 06:00:00\"}","pub_time":"2023-11-15 06:00:01"},{"id":"8002","topic":"taobao_trade_TradeCreate","content":"{}"}]}},` +
			`"tmc_messages_confirm_response":{"is_success":true}}`},
		{Status: 0, Body: `{"trade_fullinfo_get_response":{"trade":{"tid":3698127730123456789,"status":"TRADE_FINISHED","payment":"0.5","end_time":"2023-11-16 10:00:00","orders":{"order":[]}}}}`},
		{Status: 0, Body: `{"trade_fullinfo_get_response":{"trade":{"status":"TRADE_FINISHED","payment":"1"}}}`},
		{Status: 0, Body: `{"trade_fullinfo_get_response":{"trade":{"tid_str":"1","payment":"92233720368547758.07"}},"refund_get_response":{"refund":{"refund_id":"1","refund_fee":"184467440737095516.16"}}}`},
		{Status: 0, Body: `{"trade_fullinfo_get_response":{"trade":{"tid_str":"1","payment":"tb-secret-9f8e7d6c5b4a"}}}`},
		{Status: 0, Body: `{"refunds_receive_get_response":{"has_next":true,"refunds":{"refund":[{"refund_id":"","tid":"3698127730123456789","status":"SUCCESS"}]}},"refund_get_response":{"refund":{"refund_id":201234567890123456,"status":"SUCCESS","refund_fee":"-1"}}}`},
		{Status: 0, Body: `{"refund_get_response":{"refund":{"refund_id":"1","status":"SUCCESS","refund_fee":"-0.50"}}}`},
		{Status: 0, Body: `{"refund_get_response":{"refund":{"refund_id":"1","status":"SUCCESS","refund_fee":"1.+5"}}}`},
		{Status: 0, Body: `{"refunds_receive_get_response":{"has_next":false,"refunds":{"refund":[]}}}`},
		{Status: 0, Body: `{"refunds_receive_get_response":{},"refund_get_response":{}}`},
		{Status: 0, Body: `{"rp_refunds_agree_response":{"succ":true,"results":{"refund_mapping_result":[{"succ":false,"message":"退款版本已变更 6100a1b2c3d4e5f6-session"}]}},"refund_get_response":{"refund":{"refund_id":"201234567890123456","refund_fee":"64.50"}}}`},
		{Status: 0, Body: `{"tmc_messages_consume_response":{"messages":{"tmc_message":[{"topic":"taobao_refund_RefundSuccess","content":"{\"refund_id\":\"2\"}"},{"id":3,"topic":"taobao_refund_RefundTimeoutRemind","content":"not json"},{"id":4,"topic":"taobao_refund_RefundClosed","content":"{\"refund_id\":4,\"timeout\":\"2023-11-17 06:13:20\"}"}]}},"tmc_messages_confirm_response":{"is_success":false}}`},
		// Error answers: not found, expired session, call limit, server fault, and one
		// echoing the credentials back.
		{Status: 0, Body: `{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isv.trade-not-exist","sub_msg":"不存在","request_id":"r2"}}`},
		{Status: 0, Body: `{"error_response":{"code":27,"msg":"Invalid session","sub_code":"invalid-sessionkey","request_id":"r3"}}`},
		{Status: 0, Body: `{"error_response":{"code":7,"msg":"App Call Limited","sub_msg":"This ban will last for 1 more seconds"}}`},
		{Status: 0, Body: `{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isp.top-remote-connection-timeout"}}`},
		{Status: 0, Body: `{"error_response":{"code":25,"msg":"Invalid signature tb-secret-9f8e7d6c5b4a","sub_msg":"session 6100a1b2c3d4e5f6-session"}}`},
		{Status: 0, Body: `{"error_response":"boom"}`},
		// Degenerate bodies.
		{Status: 0, Body: ``},
		{Status: 0, Body: `null`},
		{Status: 0, Body: `{}`},
		{Status: 0, Body: `[]`},
		{Status: 0, Body: `{"trade_fullinfo_get_response":null,"refund_get_response":null}`},
		{Status: 0, Body: `{"trade_fullinfo_get_response":{"trade":{"tid":true,"num":"2"}}}`},
		{Status: 0, Body: `{"refund_get_response":{"refund":{"refund_id":1e400}}}`},
		{Status: 0, Body: `<html><body>502 Bad Gateway</body></html>`},
		// Non-2xx statuses with an answer or a proxy page.
		{Status: 9, Body: `{"error_response":{"code":27,"msg":"Invalid session"}}`},
		{Status: 13, Body: `<html>500</html>`},
		{Status: 12, Body: ``},
		{Status: 10, Body: `{"refund_get_response":{}}`},
	}
}

// answerHarness serves one fuzzed answer to every request of an exec. The package's
// fake checks each request (form keys, common params, signature) in lenient mode so that
// the fuzz function, not the fake, fails the exec that got a wrong request.
type answerHarness struct {
	fk     *fake
	client *Client

	// yuan is what TOP money looks like: digits, then at most two decimals.
	yuan *regexp.Regexp

	mu  sync.Mutex
	cur reply
}

func newAnswerHarness(f *testing.F) *answerHarness {
	h := &answerHarness{fk: &fake{signMethod: SignHMACSHA256, lenient: true, token: testToken}, yuan: regexp.MustCompile(`^([0-9]+)(?:\.([0-9]{0,2}))?$`)}
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
		BaseURL: h.fk.srv.URL + "/router/rest", AppKey: testAppKey, AppSecret: testSecret, AccessToken: testToken,
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
	h.cur = reply{status: status, body: string(body)}
	h.mu.Unlock()
	h.fk.mu.Lock()
	h.fk.script, h.fk.problems, h.fk.signs, h.fk.actions = nil, nil, nil, nil
	h.fk.mu.Unlock()
}

// fen is the amount money text should give, worked out apart from yuanToFen: ok is
// false for text that is not plain yuan or does not fit int64 fen.
func (h *answerHarness) fen(text string) (int64, bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, true
	}
	m := h.yuan.FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	n, ok := new(big.Int).SetString(m[1]+(m[2] + "00")[:2], 10)
	if !ok || !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

// answerPart decodes the answer's key object into v the way Client.call reaches it.
func answerPart(body []byte, key string, v any) bool {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&top) != nil {
		return false
	}
	raw, ok := top[key]
	return ok && json.Unmarshal(raw, v) == nil
}

// FuzzAnswers serves arbitrary TOP answers to every Client method that decodes one,
// TMC consume and confirm included. Beyond not panicking: a success is a usable result
// (ids present, money in fen not negative), a failure is an *adapters.APIError or a
// sentinel the caller branches on, and no error shows the app secret or the session.
func FuzzAnswers(f *testing.F) {
	adapterstest.Seed(f, answerSeeds())
	h := newAnswerHarness(f)
	f.Fuzz(func(t *testing.T, statusByte byte, body []byte) {
		status := adapterstest.AnswerStatus(statusByte)
		h.answer(status, body)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		c := h.client
		r := answerCheck.Calls(t, ctx, c, status, body, knownOrder, liveRefund)
		if o := r.Order; r.OrderErr == nil {
			if o.PaidFen < 0 {
				t.Fatalf("Order=%+v from %q: money below 0", o, body)
			}
			var r struct {
				Trade *struct {
					Payment string `json:"payment"`
				} `json:"trade"`
			}
			if answerPart(body, "trade_fullinfo_get_response", &r) && r.Trade != nil {
				if want, ok := h.fen(r.Trade.Payment); !ok || want != o.PaidFen {
					t.Fatalf("Order.PaidFen=%d from payment %q, want %d (plain yuan: %v)", o.PaidFen, r.Trade.Payment, want, ok)
				}
			}
			for _, it := range o.Items {
				if it.PriceFen < 0 {
					t.Fatalf("Order item %+v from %q: price below 0", it, body)
				}
			}
		}
		if st := r.Status; r.StatusErr == nil {
			if st.AmountFen < 0 {
				t.Fatalf("CaseStatus=%+v from %q: money below 0", st, body)
			}
			var r struct {
				Refund *struct {
					RefundFee string `json:"refund_fee"`
				} `json:"refund"`
			}
			if answerPart(body, "refund_get_response", &r) && r.Refund != nil {
				if want, ok := h.fen(r.Refund.RefundFee); !ok || want != st.AmountFen {
					t.Fatalf("CaseStatus.AmountFen=%d from refund_fee %q, want %d (plain yuan: %v)", st.AmountFen, r.Refund.RefundFee, want, ok)
				}
			}
		}

		events, ids, err := c.Consume(ctx)
		answerCheck.Err(t, "Consume", err, status, body)
		for _, e := range events {
			if e.Platform != Name || e.AfterSaleID == "" || e.At.IsZero() {
				t.Fatalf("Consume event %+v from %q: want platform, refund id and a time", e, body)
			}
		}
		for _, id := range ids {
			// An empty id cannot be confirmed; sent along it spoils the whole confirm.
			if id == "" || strings.Contains(id, ",") {
				t.Fatalf("Consume ids %q from %q: want ids Confirm can send", ids, body)
			}
		}
		if len(ids) > 0 {
			answerCheck.Err(t, "Confirm", c.Confirm(ctx, ids), status, body)
		}

		if p := h.fk.problemList(); len(p) > 0 {
			t.Fatalf("wrong requests while answering %q: %v", body, p)
		}
	})
}

// answerCheck is what this platform's errors from a fuzzed answer must satisfy.
var answerCheck = adapterstest.AnswerCheck{
	Platform:  Name,
	Sentinels: []error{adapters.ErrNotFound, adapters.ErrNotApplied, ErrAmountTooHigh},
	Secrets:   []string{testSecret, testToken},
}
