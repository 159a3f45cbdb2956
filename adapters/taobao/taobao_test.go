package taobao

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

func TestSignVectors(t *testing.T) {
	t1 := func(signMethod string) map[string]string {
		return map[string]string{
			"app_key": "12345678", "fields": "num_iid,title,nick,price,num", "format": "json",
			"method": "taobao.item.seller.get", "num_iid": "11223344", "session": "test",
			"sign_method": signMethod, "timestamp": "2016-01-01 12:00:00", "v": "2.0",
		}
	}
	t2 := map[string]string{
		"app_key": "test", "fields": "nick", "format": "xml", "method": "taobao.user.seller.get",
		"session": "test", "sign_method": "md5", "timestamp": "2013-05-06 13:52:03", "v": "2.0",
	}
	tests := []struct {
		name   string
		params map[string]string
		secret string
		method string
		want   string
	}{
		{"T1 md5 (official)", t1("md5"), "helloworld", SignMD5, "66987CB115214E59E6EC978214934FB8"},
		{"T2 md5 (official)", t2, "test", SignMD5, "72CB4D809B375A54502C09360D879C64"},
		{"T3 hmac", t1("hmac"), "helloworld", SignHMAC, "D56D7858309C31B6251083A874D48273"},
		{"T4 hmac-sha256", t1("hmac-sha256"), "helloworld", SignHMACSHA256, "04DB15AD0774D5CFCE2C837DE43E3FCEA9011ED74F3038FB6AB5F3C4CEA119E8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign(tt.params, tt.secret, tt.method); got != tt.want {
				t.Fatalf("Sign=%s, want %s", got, tt.want)
			}
			withSign := map[string]string{"sign": "IGNORED"}
			for k, v := range tt.params {
				withSign[k] = v
			}
			if got := Sign(withSign, tt.secret, tt.method); got != tt.want {
				t.Fatalf("Sign with a sign param=%s, want %s (sign must not be signed)", got, tt.want)
			}
		})
	}
}

func TestYuanToFen(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{"129.00", 12900, false}, {"0.5", 50, false}, {"7", 700, false}, {"0.01", 1, false}, {"", 0, false},
		{"1.234", 0, true}, {"-1.00", 0, true}, {"abc", 0, true}, {".5", 0, true}, {"1.x", 0, true},
	}
	for _, tt := range tests {
		got, err := yuanToFen(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("yuanToFen(%q)=%d, %v, want %d error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "missing AppKey, AppSecret, AccessToken") {
		t.Fatalf("New err=%v", err)
	}
	if _, err := New(Options{AppKey: "k", AppSecret: "s", AccessToken: "t", SignMethod: "sha1"}); err == nil {
		t.Fatal("New accepted sign method sha1")
	}
}

func TestContract(t *testing.T) {
	for _, m := range []string{SignHMACSHA256, SignHMAC, SignMD5} {
		t.Run(m, func(t *testing.T) {
			adapterstest.RunPlatform(t, func(t *testing.T) adapterstest.Fixture {
				f := newFake(t)
				f.signMethod = m
				return adapterstest.Fixture{
					Platform: f.client(t, nil), KnownOrder: knownOrder, UnknownOrder: unknownOrder,
					NotAppliedOrder: notAppliedOrder, UnknownCaseID: unknownRefund,
				}
			})
		})
	}
}

func TestOrderMapping(t *testing.T) {
	f := newFake(t)
	o, err := f.client(t, nil).Order(context.Background(), knownOrder)
	if err != nil {
		t.Fatal(err)
	}
	bj := time.FixedZone("CST", 8*3600)
	if o.ID != knownOrder || o.Buyer != "t**1" || o.PaidFen != 12900 || o.Status != adapters.OrderShipped ||
		!o.PaidAt.Equal(time.Date(2023, 11, 14, 20, 0, 0, 0, bj)) || !o.ShippedAt.Equal(time.Date(2023, 11, 15, 9, 30, 0, 0, bj)) ||
		o.Courier != "中通快递" || o.TrackingNo != "ZT75300000001" ||
		!reflect.DeepEqual(o.Items, []adapters.Item{{Title: "加厚玻璃杯 350ml", SKU: "CUP-350", Qty: 2, PriceFen: 6450}}) {
		t.Fatalf("Order=%+v", o)
	}
}

func TestOpenCaseDeadlineIsBeijingTime(t *testing.T) {
	f := newFake(t)
	ref, err := f.client(t, nil).OpenCase(context.Background(), adapters.CaseRequest{CaseID: "A1", OrderID: knownOrder})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2023, 11, 16, 22, 13, 20, 0, time.UTC); ref.ID != liveRefund || !ref.Deadline.Equal(want) {
		t.Fatalf("ref=%+v, want %s deadline %v", ref, liveRefund, want)
	}
	if f.count() != 3 {
		t.Fatalf("requests=%d, want 2 list pages + 1 detail", f.count())
	}
}

func TestCaseStatus(t *testing.T) {
	tests := []struct {
		in   string
		want adapters.Status
	}{
		{"WAIT_SELLER_AGREE", adapters.StatusWaitingMerchant}, {"WAIT_BUYER_RETURN_GOODS", adapters.StatusWaitingBuyer},
		{"WAIT_SELLER_CONFIRM_GOODS", adapters.StatusWaitingMerchant}, {"SELLER_REFUSE_BUYER", adapters.StatusRejected},
		{"CLOSED", adapters.StatusClosed}, {"SUCCESS", adapters.StatusSucceeded}, {"SOMETHING_NEW", adapters.StatusWaitingMerchant},
	}
	for _, tt := range tests {
		if got := refundStatus(tt.in); got != tt.want {
			t.Errorf("refundStatus(%s)=%s, want %s", tt.in, got, tt.want)
		}
	}
	f := newFake(t)
	st, err := f.client(t, nil).CaseStatus(context.Background(), adapters.CaseRef{ID: liveRefund})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != adapters.StatusWaitingMerchant || st.Raw != "WAIT_SELLER_AGREE" || st.AmountFen != 6450 ||
		!st.Deadline.Equal(time.Date(2023, 11, 16, 22, 13, 20, 0, time.UTC)) || !st.UpdatedAt.Equal(time.Date(2023, 11, 14, 22, 0, 0, 0, time.UTC)) {
		t.Fatalf("CaseStatus=%+v", st)
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		dec     adapters.Decision
		want    []string
		wantErr error
	}{
		{"agree full", adapters.Decision{Approve: true}, []string{"agree 201234567890123456|6450|1700000000123|onsale"}, nil},
		{"agree partial", adapters.Decision{Approve: true, AmountFen: 3000}, []string{"agree 201234567890123456|3000|1700000000123|onsale"}, nil},
		{"agree too much", adapters.Decision{Approve: true, AmountFen: 7000}, nil, ErrAmountTooHigh},
		{"refuse", adapters.Decision{Reason: "商品已签收且无质量问题"}, []string{"refuse 商品已签收且无质量问题"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			err := f.client(t, nil).Resolve(context.Background(), adapters.CaseRef{ID: liveRefund}, tt.dec)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err=%v, want %v", err, tt.wantErr)
			}
			if got := f.actionList(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("actions=%v, want %v", got, tt.want)
			}
		})
	}
}

func TestResolveAgreeNotSucceeded(t *testing.T) {
	f := newFake(t)
	f.push(reply{status: 200, body: `{"refund_get_response":{"refund":{"refund_id":1,"refund_fee":"1.00","refund_version":2,"refund_phase":"aftersale","status":"WAIT_SELLER_AGREE"}}}`},
		reply{status: 200, body: `{"rp_refunds_agree_response":{"succ":false,"msg":"部分失败","results":{"refund_mapping_result":[{"refund_id":1,"succ":false,"message":"退款版本已过期"}]}}}`})
	err := f.client(t, nil).Resolve(context.Background(), adapters.CaseRef{ID: "1"}, adapters.Decision{Approve: true})
	var ae *adapters.APIError
	if !errors.As(err, &ae) || ae.Code != "not_agreed" || !strings.Contains(ae.Msg, "退款版本已过期") {
		t.Fatalf("err=%v, want not_agreed with the platform's message", err)
	}
}

func TestTMC(t *testing.T) {
	f := newFake(t)
	f.tmc = `[
	 {"id":8000000000000000001,"topic":"taobao_refund_RefundCreated","pub_time":"2023-11-15 06:00:00","content":"{\"refund_id\":201234567890123456,\"tid\":3698127730123456789,\"modified\":\"2023-11-15 05:59:59\"}"},
	 {"id":8000000000000000002,"topic":"taobao_refund_RefundTimeoutRemind","pub_time":"2023-11-15 06:01:00","content":"{\"refund_id\":\"201234567890123456\",\"tid\":\"3698127730123456789\",\"timeout\":\"2023-11-17 06:13:20\"}"},
	 {"id":8000000000000000003,"topic":"taobao_trade_TradeCreate","pub_time":"2023-11-15 06:02:00","content":"{\"tid\":1}"},
	 {"id":8000000000000000004,"topic":"taobao_refund_RefundClosed","pub_time":"2023-11-15 06:03:00","content":"{\"refund_id\":201234567890123400,\"tid\":3698127730123456789}"},
	 {"id":8000000000000000005,"topic":"taobao_refund_RefundSellerAgreeAgreement","pub_time":"","content":"{\"refund_id\":5}"}
	]`
	c := f.client(t, nil)
	events, ids, err := c.Consume(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bj := time.FixedZone("CST", 8*3600)
	want := []adapters.Event{
		{Platform: Name, Kind: adapters.EventCreated, AfterSaleID: liveRefund, OrderID: knownOrder, At: time.Date(2023, 11, 15, 5, 59, 59, 0, bj)},
		{Platform: Name, Kind: adapters.EventDeadline, AfterSaleID: liveRefund, OrderID: knownOrder, Deadline: time.Date(2023, 11, 17, 6, 13, 20, 0, bj), At: time.Date(2023, 11, 15, 6, 1, 0, 0, bj)},
		{Platform: Name, Kind: adapters.EventClosed, AfterSaleID: closedRefund, OrderID: knownOrder, At: time.Date(2023, 11, 15, 6, 3, 0, 0, bj)},
		{Platform: Name, Kind: adapters.EventUpdated, AfterSaleID: "5", At: testNow},
	}
	if len(events) != len(want) {
		t.Fatalf("events=%+v, want %+v", events, want)
	}
	for i := range want {
		g, w := events[i], want[i]
		if g.Platform != w.Platform || g.Kind != w.Kind || g.AfterSaleID != w.AfterSaleID || g.OrderID != w.OrderID || !g.Deadline.Equal(w.Deadline) || !g.At.Equal(w.At) {
			t.Errorf("event[%d]=%+v, want %+v", i, g, w)
		}
	}
	wantIDs := []string{"8000000000000000001", "8000000000000000002", "8000000000000000003", "8000000000000000004", "8000000000000000005"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Fatalf("ids=%v, want %v (every message, 19 digits exact)", ids, wantIDs)
	}
	if err := c.Confirm(context.Background(), ids); err != nil {
		t.Fatal(err)
	}
	if err := c.Confirm(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := f.actionList(); !reflect.DeepEqual(got, []string{"confirm " + strings.Join(wantIDs, ",")}) {
		t.Fatalf("actions=%v", got)
	}
}

func TestFakeRejects(t *testing.T) {
	good := func() url.Values {
		v := url.Values{
			"method": {"taobao.refund.get"}, "app_key": {testAppKey}, "session": {testToken}, "timestamp": {testTimestamp},
			"format": {"json"}, "v": {"2.0"}, "sign_method": {"hmac-sha256"}, "fields": {detailFields}, "refund_id": {liveRefund},
		}
		v.Set("sign", refSign(v, testSecret))
		return v
	}
	tests := []struct {
		name   string
		mutate func(v url.Values) url.Values
	}{
		{"control", func(v url.Values) url.Values { return v }},
		{"wrong sign", func(v url.Values) url.Values { v.Set("sign", strings.Repeat("A", 64)); return v }},
		{"signed with another secret", func(v url.Values) url.Values { v.Set("sign", refSign(v, "other")); return v }},
		{"missing session", func(v url.Values) url.Values { v.Del("session"); v.Set("sign", refSign(v, testSecret)); return v }},
		{"stale timestamp", func(v url.Values) url.Values {
			v.Set("timestamp", "2023-11-15 05:13:20")
			v.Set("sign", refSign(v, testSecret))
			return v
		}},
		{"param changed after signing", func(v url.Values) url.Values { v.Set("refund_id", "1"); return v }},
		{"extra param", func(v url.Values) url.Values {
			v.Set("simplify", "true")
			v.Set("sign", refSign(v, testSecret))
			return v
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.lenient = true
			resp, err := http.PostForm(f.srv.URL+"/router/rest", tt.mutate(good()))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := f.problemList(); (tt.name == "control") != (len(got) == 0) {
				t.Fatalf("problems=%v", got)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	ok := `{"trade_fullinfo_get_response":{"trade":{"tid":3698127730123456789,"status":"WAIT_SELLER_SEND_GOODS","payment":"1.00"}}}`
	errResp := func(code int, sub string) string {
		return `{"error_response":{"code":` + strconv.Itoa(code) + `,"msg":"m","sub_code":"` + sub + `","sub_msg":"s","request_id":"x"}}`
	}
	tests := []struct {
		name          string
		script        []reply
		wantRequests  int
		wantErr       bool
		wantRetryable bool
		wantReauth    bool
	}{
		{"502 then ok", []reply{{status: 502}, {status: 503}, {status: 200, body: ok}}, 3, false, false, false},
		{"429 then ok", []reply{{status: 429}, {status: 200, body: ok}}, 2, false, false, false},
		{"400 not retried", []reply{{status: 400}}, 1, true, false, false},
		{"invalid session", []reply{{status: 200, body: errResp(27, "invalid-sessionkey")}}, 1, true, false, true},
		{"missing session", []reply{{status: 200, body: errResp(26, "")}}, 1, true, false, true},
		{"app call limited", []reply{{status: 200, body: errResp(7, "accesscontrol.limited-by-app-access-count")}}, 1, true, true, false},
		{"isp fault", []reply{{status: 200, body: errResp(15, "isp.top-remote-connection-timeout")}}, 1, true, true, false},
		{"isv business error", []reply{{status: 200, body: errResp(15, "isv.invalid-parameter")}}, 1, true, false, false},
		{"wrong response key", []reply{{status: 200, body: `{"other_response":{}}`}}, 1, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.push(tt.script...)
			_, err := f.client(t, nil).Order(context.Background(), knownOrder)
			if got := f.count(); got != tt.wantRequests {
				t.Errorf("requests=%d, want %d", got, tt.wantRequests)
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err=%v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				return
			}
			var ae *adapters.APIError
			if !errors.As(err, &ae) || ae.Retryable != tt.wantRetryable || ae.Reauth != tt.wantReauth {
				t.Fatalf("err=%v, want Retryable=%v Reauth=%v", err, tt.wantRetryable, tt.wantReauth)
			}
			if errors.Is(err, adapters.ErrNotFound) {
				t.Fatalf("err=%v wrongly wraps ErrNotFound", err)
			}
		})
	}
}

func TestTimeoutRetriedThenGivesUp(t *testing.T) {
	f := newFake(t)
	f.push(reply{block: true}, reply{block: true})
	_, err := f.client(t, func(o *Options) { o.Timeout = 40 * time.Millisecond; o.Retries = 1 }).Order(context.Background(), knownOrder)
	var ae *adapters.APIError
	if !errors.As(err, &ae) || ae.Code != "timeout" || !ae.Retryable {
		t.Fatalf("err=%v, want a retryable timeout", err)
	}
	if f.count() != 2 {
		t.Fatalf("requests=%d, want 2", f.count())
	}
}

func TestNoSecretInErrors(t *testing.T) {
	order := func(c *Client) error { _, err := c.Order(context.Background(), knownOrder); return err }
	tests := []struct {
		name  string
		setup func(f *fake) (*Client, func(*Client) error)
	}{
		{"transport", func(f *fake) (*Client, func(*Client) error) {
			c := f.client(f.t, nil)
			f.srv.Close()
			return c, order
		}},
		{"timeout", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{block: true})
			return f.client(f.t, func(o *Options) { o.Timeout = 20 * time.Millisecond; o.Retries = -1 }), order
		}},
		{"5xx", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 500, body: testSecret}, reply{status: 500}, reply{status: 500})
			return f.client(f.t, nil), order
		}},
		{"error response echoing credentials", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: `{"error_response":{"code":27,"msg":"Invalid session ` + testToken + `","sub_code":"invalid-sessionkey","sub_msg":"` + testSecret + `"}}`})
			return f.client(f.t, nil), order
		}},
		{"agree failure echoing credentials", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: `{"refund_get_response":{"refund":{"refund_id":1,"refund_fee":"1.00","refund_version":2,"refund_phase":"onsale"}}}`},
				reply{status: 200, body: `{"rp_refunds_agree_response":{"succ":false,"msg":"session ` + testToken + `"}}`})
			return f.client(f.t, nil), func(c *Client) error {
				return c.Resolve(context.Background(), adapters.CaseRef{ID: "1"}, adapters.Decision{Approve: true})
			}
		}},
		{"bad JSON", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: testSecret})
			return f.client(f.t, nil), order
		}},
		{"not found", func(f *fake) (*Client, func(*Client) error) {
			return f.client(f.t, nil), func(c *Client) error { _, err := c.Order(context.Background(), unknownOrder); return err }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.lenient = true
			c, run := tt.setup(f)
			err := run(c)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, s := range append([]string{testSecret, testToken}, f.sentSigns()...) {
				if s != "" && strings.Contains(err.Error(), s) {
					t.Fatalf("error %q leaks %q", err, s)
				}
			}
		})
	}
}
