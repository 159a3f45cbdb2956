package kuaishou

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

func TestSignVectors(t *testing.T) {
	fields := func(m string) map[string]string {
		return map[string]string{
			"access_token": "test_token", "appkey": "ks123", "method": "open.seller.order.refund.detail",
			"param": `{"refundId":2410000123456789}`, "signMethod": m, "timestamp": "1700000000000", "version": "1",
		}
	}
	tests := []struct{ name, method, want string }{
		{"K1 HMAC_SHA256", SignHMACSHA256, "Z4ihgkHQG1aHxrzEebM3noj7aAdygk0aXTA7U+KFiAA="},
		{"K2 MD5", SignMD5, "89250ab38c359a66aa00d241ddcda441"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign(fields(tt.method), "ks_test_sign_secret", tt.method); got != tt.want {
				t.Fatalf("Sign=%s, want %s", got, tt.want)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"nothing", Options{}, "missing AppKey, SignSecret, AccessToken"},
		{"bad sign method", Options{AppKey: "k", SignSecret: "s", AccessToken: "t", SignMethod: "hmac-sha256"}, "sign method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New err=%v, want %q", err, tt.want)
			}
		})
	}
}

func fixture(signMethod string) func(t *testing.T) adapterstest.Fixture {
	return func(t *testing.T) adapterstest.Fixture {
		f := newFake(t)
		f.signMethod = signMethod
		return adapterstest.Fixture{
			Platform: f.client(t, nil), KnownOrder: knownOrder, UnknownOrder: unknownOrder,
			NotAppliedOrder: notAppliedOrder, UnknownCaseID: unknownRefund,
		}
	}
}

func TestContract(t *testing.T)    { adapterstest.RunPlatform(t, fixture(SignHMACSHA256)) }
func TestContractMD5(t *testing.T) { adapterstest.RunPlatform(t, fixture(SignMD5)) }

func TestOrderMapping(t *testing.T) {
	f := newFake(t)
	o, err := f.client(t, nil).Order(context.Background(), knownOrder)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != knownOrder || o.Buyer != "小**" || o.PaidFen != 3990 || o.Status != adapters.OrderShipped ||
		!o.PaidAt.Equal(time.UnixMilli(1699990000000)) || !o.ShippedAt.Equal(time.UnixMilli(1699995000000)) ||
		!o.DeliveredAt.IsZero() || o.TrackingNo != "SF1400000000001" ||
		!reflect.DeepEqual(o.Items, []adapters.Item{{Title: "纯棉T恤 白色 XL", SKU: "TS-W-XL", Qty: 1, PriceFen: 3990}}) {
		t.Fatalf("Order=%+v", o)
	}
}

func TestOrderIDNotNumeric(t *testing.T) {
	f := newFake(t)
	_, err := f.client(t, nil).Order(context.Background(), "A12-not-an-id")
	if !errors.Is(err, adapters.ErrNotFound) || f.count() != 0 {
		t.Fatalf("err=%v requests=%d, want ErrNotFound without a call", err, f.count())
	}
}

func TestOpenCaseWalksCursorAndFilters(t *testing.T) {
	f := newFake(t)
	ref, err := f.client(t, nil).OpenCase(context.Background(), adapters.CaseRequest{CaseID: "A1", OrderID: knownOrder})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID != liveRefund || !ref.Deadline.Equal(time.UnixMilli(1700172800000)) {
		t.Fatalf("ref=%+v, want %s with expireTime deadline", ref, liveRefund)
	}
	if f.count() != 2 {
		t.Fatalf("requests=%d, want 2 pages", f.count())
	}
}

func TestRefundStatusMapping(t *testing.T) {
	tests := []struct {
		code int
		want adapters.Status
	}{
		{10, adapters.StatusWaitingMerchant}, {12, adapters.StatusRejected}, {20, adapters.StatusWaitingMerchant},
		{30, adapters.StatusWaitingBuyer}, {40, adapters.StatusWaitingMerchant}, {45, adapters.StatusWaitingBuyer},
		{50, adapters.StatusSucceeded}, {60, adapters.StatusSucceeded}, {70, adapters.StatusClosed},
		{99, adapters.StatusWaitingMerchant},
	}
	for _, tt := range tests {
		if got := refundStatus(tt.code); got != tt.want {
			t.Errorf("refundStatus(%d)=%s, want %s", tt.code, got, tt.want)
		}
	}
	f := newFake(t)
	st, err := f.client(t, nil).CaseStatus(context.Background(), adapters.CaseRef{ID: liveRefund})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != adapters.StatusWaitingMerchant || st.Raw != "10" || st.AmountFen != 3990 ||
		!st.Deadline.Equal(time.UnixMilli(1700172800000)) || !st.UpdatedAt.Equal(time.UnixMilli(1700000100000)) {
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
		{"approve full", adapters.Decision{Approve: true}, []string{"approve 3990"}, nil},
		{"approve partial", adapters.Decision{Approve: true, AmountFen: 1000}, []string{"approve 1000"}, nil},
		{"approve above applied", adapters.Decision{Approve: true, AmountFen: 5000}, nil, ErrNeedsBackend},
		{"refuse", adapters.Decision{Reason: "已超过七天"}, []string{"disagree 已超过七天"}, nil},
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

func TestFakeRejects(t *testing.T) {
	pj := `{"oid":2617801683312294}`
	good := func() (string, url.Values, string) {
		q := url.Values{
			"access_token": {testToken}, "appkey": {testAppKey}, "method": {"open.order.detail"},
			"signMethod": {"HMAC_SHA256"}, "timestamp": {"1700000000000"}, "version": {"1"},
		}
		q.Set("sign", refSign(q, pj))
		return "/open/order/detail", q, "param=" + url.QueryEscape(pj)
	}
	tests := []struct {
		name   string
		mutate func(path *string, q url.Values, body *string)
	}{
		{"control", func(*string, url.Values, *string) {}},
		{"wrong sign", func(_ *string, q url.Values, _ *string) { q.Set("sign", "AAAA") }},
		{"missing sign", func(_ *string, q url.Values, _ *string) { q.Del("sign") }},
		{"missing timestamp", func(_ *string, q url.Values, _ *string) { q.Del("timestamp") }},
		{"wrong version", func(_ *string, q url.Values, _ *string) { q.Set("version", "2") }},
		{"param changed", func(_ *string, _ url.Values, b *string) { *b = "param=" + url.QueryEscape(`{"oid":1}`) }},
		{"param in query not body", func(_ *string, q url.Values, b *string) { q.Set("param", pj); *b = "" }},
		{"wrong path", func(p *string, _ url.Values, _ *string) { *p = "/open/order/detail/v2" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.lenient = true
			path, q, body := good()
			tt.mutate(&path, q, &body)
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path+"?"+q.Encode(), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
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
	ok := `{"result":1,"data":{"orderBaseInfo":{"oid":2617801683312294,"status":30,"totalFee":1}}}`
	tests := []struct {
		name          string
		mod           func(*Options)
		script        []reply
		wantRequests  int
		wantErr       bool
		wantRetryable bool
		wantReauth    bool
	}{
		{"503 then ok", nil, []reply{{status: 503}, {status: 504}, {status: 200, body: ok}}, 3, false, false, false},
		{"429 then ok", nil, []reply{{status: 429}, {status: 200, body: ok}}, 2, false, false, false},
		{"403 not retried", nil, []reply{{status: 403}}, 1, true, false, false},
		{"expired token by message", nil, []reply{{status: 200, body: `{"result":28,"error_msg":"access_token已过期"}`}}, 1, true, false, true},
		{"expired token by configured code", func(o *Options) { o.ReauthCodes = []int{24} }, []reply{{status: 200, body: `{"result":24,"error_msg":"授权失败"}`}}, 1, true, false, true},
		{"rate limited", nil, []reply{{status: 200, body: `{"result":50,"error_msg":"调用太频繁，触发限流"}`}}, 1, true, true, false},
		{"other business error", nil, []reply{{status: 200, body: `{"result":100,"error_msg":"参数错误"}`}}, 1, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.push(tt.script...)
			_, err := f.client(t, tt.mod).Order(context.Background(), knownOrder)
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
				t.Fatalf("err=%v (%+v), want Retryable=%v Reauth=%v", err, ae, tt.wantRetryable, tt.wantReauth)
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
			f.push(reply{status: 500, body: testSecret}, reply{status: 500, body: testToken}, reply{status: 500})
			return f.client(f.t, nil), order
		}},
		{"business error echoing credentials", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: `{"result":28,"error_msg":"token ` + testToken + ` invalid, secret ` + testSecret + `"}`})
			return f.client(f.t, nil), order
		}},
		{"bad JSON", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: "{" + testToken})
			return f.client(f.t, nil), order
		}},
		{"not found", func(f *fake) (*Client, func(*Client) error) {
			return f.client(f.t, nil), func(c *Client) error {
				_, err := c.CaseStatus(context.Background(), adapters.CaseRef{ID: unknownRefund})
				return err
			}
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
