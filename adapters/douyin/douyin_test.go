package douyin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

func TestSignVectors(t *testing.T) {
	d2, err := ParamJSON(map[string]any{"order_id": knownOrder, "order_by": []string{"status_deadline asc"}, "page": 0, "size": 10})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"order_by":["status_deadline asc"],"order_id":"4781320682406083640","page":0,"size":10}`; d2 != want {
		t.Fatalf("ParamJSON=%s, want %s", d2, want)
	}
	tests := []struct {
		name, method, param, signMethod, want string
	}{
		{"D1 hmac", "order.orderDetail", `{"shop_order_id":"4781320682406083640"}`, SignHMACSHA256, "0c862eb7213294a720360ac0f9e98a56f1fc33bb225209c6fbfd3f69e145ea44"},
		{"D1 md5", "order.orderDetail", `{"shop_order_id":"4781320682406083640"}`, SignMD5, "565d999633ab94172524e05fbccda19b"},
		{"D2 hmac", "afterSale.List", d2, SignHMACSHA256, "843fba7927bdfe949bea9474f6332862b1df5a7f1de4d0f8323d94e513cb7e86"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sign(testAppKey, testSecret, tt.method, tt.param, "1700000000", tt.signMethod); got != tt.want {
				t.Fatalf("Sign=%s, want %s", got, tt.want)
			}
		})
	}
}

func TestParamJSON(t *testing.T) {
	type inner struct {
		Z string `json:"z"`
		A int64  `json:"a"`
	}
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "{}"},
		{"empty map", map[string]any{}, "{}"},
		{"struct fields sorted", inner{Z: "x", A: 1}, `{"a":1,"z":"x"}`},
		{"nested sorted", map[string]any{"b": map[string]any{"y": 1, "x": 2}, "a": []any{inner{Z: "z"}}}, `{"a":[{"a":0,"z":"z"}],"b":{"x":2,"y":1}}`},
		{"no html escape", map[string]any{"remark": "<a&b>"}, `{"remark":"<a&b>"}`},
		{"19-digit number exact", map[string]any{"id": int64(4781320682406083640)}, `{"id":4781320682406083640}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParamJSON(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParamJSON=%s, %v, want %s", got, err, tt.want)
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
		{"nothing", Options{}, "missing AppKey, AppSecret, AccessToken"},
		{"no token", Options{AppKey: "k", AppSecret: "s"}, "missing AccessToken"},
		{"bad sign method", Options{AppKey: "k", AppSecret: "s", AccessToken: "t", SignMethod: "sha1"}, "sign method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New err=%v, want %q", err, tt.want)
			}
		})
	}
	c, err := New(Options{AppKey: "k", AppSecret: "s", AccessToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if c.o.BaseURL != DefaultBaseURL || c.o.SignMethod != SignHMACSHA256 || c.rest.GetClient().Timeout != 10*time.Second || c.rest.RetryCount != 2 {
		t.Fatalf("defaults not filled: %+v", c.o)
	}
}

func TestContract(t *testing.T) {
	adapterstest.RunPlatform(t, func(t *testing.T) adapterstest.Fixture {
		f := newFake(t)
		return adapterstest.Fixture{
			Platform: f.client(t, nil), KnownOrder: knownOrder, UnknownOrder: unknownOrder,
			NotAppliedOrder: notAppliedOrder, UnknownCaseID: unknownCase,
		}
	})
}

func TestContractMD5(t *testing.T) {
	adapterstest.RunPlatform(t, func(t *testing.T) adapterstest.Fixture {
		f := newFake(t)
		f.signMethod = SignMD5
		return adapterstest.Fixture{
			Platform: f.client(t, nil), KnownOrder: knownOrder, UnknownOrder: unknownOrder,
			NotAppliedOrder: notAppliedOrder, UnknownCaseID: unknownCase,
		}
	})
}

func TestOrderMapping(t *testing.T) {
	f := newFake(t)
	o, err := f.client(t, nil).Order(context.Background(), knownOrder)
	if err != nil {
		t.Fatal(err)
	}
	want := adapters.Order{
		ID: knownOrder, Platform: Name, PaidFen: 12900, Status: adapters.OrderShipped,
		PaidAt: time.Unix(1699990000, 0), Courier: "圆通快递", TrackingNo: "YT7300000000001",
		ShippedAt: time.Unix(1699995000, 0),
		Items:     []adapters.Item{{Title: "加厚玻璃杯 350ml", SKU: "CUP-350", Qty: 2, PriceFen: 6450}},
	}
	if o.ID != want.ID || o.PaidFen != want.PaidFen || o.Status != want.Status || !o.PaidAt.Equal(want.PaidAt) ||
		o.Courier != want.Courier || o.TrackingNo != want.TrackingNo || !o.ShippedAt.Equal(want.ShippedAt) ||
		len(o.Items) != 1 || o.Items[0] != want.Items[0] {
		t.Fatalf("Order=%+v\nwant %+v", o, want)
	}
}

func TestOpenCasePicksLiveWithDeadline(t *testing.T) {
	f := newFake(t)
	ref, err := f.client(t, nil).OpenCase(context.Background(), adapters.CaseRequest{CaseID: "A1", OrderID: knownOrder})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ID != liveCase || !ref.Deadline.Equal(time.Unix(1700086400, 0)) || ref.Platform != Name {
		t.Fatalf("ref=%+v, want id %s deadline 1700086400", ref, liveCase)
	}
}

func TestCaseStatusMapping(t *testing.T) {
	tests := []struct {
		code int
		want adapters.Status
	}{
		{6, adapters.StatusWaitingMerchant}, {7, adapters.StatusWaitingBuyer}, {8, adapters.StatusWaitingMerchant},
		{11, adapters.StatusWaitingMerchant}, {12, adapters.StatusSucceeded}, {27, adapters.StatusRejected},
		{29, adapters.StatusRejected}, {28, adapters.StatusClosed}, {99, adapters.StatusWaitingMerchant},
	}
	for _, tt := range tests {
		if got := afterSaleStatus(tt.code); got != tt.want {
			t.Errorf("afterSaleStatus(%d)=%s, want %s", tt.code, got, tt.want)
		}
	}
	f := newFake(t)
	st, err := f.client(t, nil).CaseStatus(context.Background(), adapters.CaseRef{ID: liveCase})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != adapters.StatusWaitingMerchant || st.Raw != "6" || st.AmountFen != 12900 ||
		!st.Deadline.Equal(time.Unix(1700086400, 0)) || !st.UpdatedAt.Equal(time.Unix(caseUpdateTime, 0)) {
		t.Fatalf("CaseStatus=%+v", st)
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		dec      adapters.Decision
		wantType string
		wantErr  error
	}{
		{"agree", adapters.Decision{Approve: true}, "201", nil},
		{"agree full amount", adapters.Decision{Approve: true, AmountFen: 12900}, "201", nil},
		{"refuse", adapters.Decision{Reason: "已影响二次销售"}, "202", nil},
		{"partial", adapters.Decision{Approve: true, AmountFen: 100}, "", ErrPartialAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			err := f.client(t, nil).Resolve(context.Background(), adapters.CaseRef{ID: liveCase}, tt.dec)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Resolve err=%v, want %v", err, tt.wantErr)
			}
			if tt.wantType == "" {
				if len(f.operations()) != 0 {
					t.Fatalf("operate called %d times, want 0", len(f.operations()))
				}
				return
			}
			if len(f.operations()) != 1 {
				t.Fatalf("operate called %d times, want 1", len(f.operations()))
			}
			if got := f.operations()[0]["type"]; got == nil || got.(interface{ String() string }).String() != tt.wantType {
				t.Fatalf("operate type=%v, want %s", got, tt.wantType)
			}
		})
	}
}

// TestFakeRejects proves the fake catches a wrong request, so the contract run above
// would fail if the client regressed.
func TestFakeRejects(t *testing.T) {
	good := func() (string, string, map[string]string) {
		body := `{"shop_order_id":"4781320682406083640"}`
		q := map[string]string{
			"app_key": testAppKey, "method": "order.orderDetail", "timestamp": "1700000000", "v": "2",
			"sign_method": "hmac-sha256", "access_token": testToken,
			"sign": refSign("order.orderDetail", body, "1700000000", "hmac-sha256"),
		}
		return "/order/orderDetail", body, q
	}
	tests := []struct {
		name   string
		mutate func(path, body *string, q map[string]string)
	}{
		{"control", func(*string, *string, map[string]string) {}},
		{"wrong sign", func(_ *string, _ *string, q map[string]string) { q["sign"] = strings.Repeat("0", 64) }},
		{"missing sign", func(_ *string, _ *string, q map[string]string) { delete(q, "sign") }},
		{"missing access_token", func(_ *string, _ *string, q map[string]string) { delete(q, "access_token") }},
		{"wrong v", func(_ *string, _ *string, q map[string]string) { q["v"] = "1" }},
		{"body changed after signing", func(_ *string, b *string, _ map[string]string) { *b = `{"shop_order_id":"4781320682406083641"}` }},
		{"unsorted body", func(_ *string, b *string, q map[string]string) {
			*b = `{"size":10,"page":0}`
			q["sign"] = refSign("order.orderDetail", *b, "1700000000", "hmac-sha256")
		}},
		{"wrong path", func(p *string, _ *string, _ map[string]string) { *p = "/order/detail" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.lenient = true
			path, body, q := good()
			tt.mutate(&path, &body, q)
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(body))
			vals := req.URL.Query()
			for k, v := range q {
				vals.Set(k, v)
			}
			req.URL.RawQuery = vals.Encode()
			req.Header.Set("Content-Type", "application/json;charset=UTF-8")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if tt.name == "control" {
				if len(f.problemList()) != 0 {
					t.Fatalf("fake rejected a good request: %v", f.problemList())
				}
				return
			}
			if len(f.problemList()) == 0 {
				t.Fatalf("fake accepted a bad request")
			}
		})
	}
}

func TestRetries(t *testing.T) {
	ok := `{"code":10000,"msg":"success","data":{"shop_order_detail":{"order_id":"4781320682406083640","order_status":2,"pay_amount":1}}}`
	tests := []struct {
		name          string
		script        []reply
		wantRequests  int
		wantErr       bool
		wantRetryable bool
		wantReauth    bool
	}{
		{"503 then ok", []reply{{status: 503, body: "busy"}, {status: 502, body: "bad gateway"}, {status: 200, body: ok}}, 3, false, false, false},
		{"429 then ok", []reply{{status: 429, body: "slow down"}, {status: 200, body: ok}}, 2, false, false, false},
		{"5xx exhausts retries", []reply{{status: 500}, {status: 500}, {status: 500}}, 3, true, true, false},
		{"400 not retried", []reply{{status: 400, body: "bad"}}, 1, true, false, false},
		{"404 not retried", []reply{{status: 404}}, 1, true, false, false},
		{"rate limited business error not retried now", []reply{{status: 200, body: `{"code":60000,"msg":"触发限流，请稍后重试"}`}}, 1, true, true, false},
		{"expired token", []reply{{status: 200, body: `{"code":40003,"msg":"非法的参数","sub_code":"isv.access-token-expired","sub_msg":"access_token已过期"}`}}, 1, true, false, true},
		{"revoked shop authorisation", []reply{{status: 200, body: `{"code":30001,"msg":"操作权限不足","sub_code":"dop.authorization-no-existed","sub_msg":"店铺授权已失效，请重新授权"}`}}, 1, true, false, true},
		{"not JSON", []reply{{status: 200, body: "<html>"}}, 1, true, true, false},
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
			if !errors.As(err, &ae) {
				t.Fatalf("err=%v is not an *APIError", err)
			}
			if ae.Retryable != tt.wantRetryable || ae.Reauth != tt.wantReauth {
				t.Fatalf("Retryable=%v Reauth=%v, want %v %v (%v)", ae.Retryable, ae.Reauth, tt.wantRetryable, tt.wantReauth, err)
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
	c := f.client(t, func(o *Options) { o.Timeout = 40 * time.Millisecond; o.Retries = 1 })
	_, err := c.Order(context.Background(), knownOrder)
	var ae *adapters.APIError
	if !errors.As(err, &ae) || ae.Code != "timeout" || !ae.Retryable {
		t.Fatalf("err=%v, want a retryable timeout APIError", err)
	}
	if got := f.count(); got != 2 {
		t.Fatalf("requests=%d, want 2 (one retry)", got)
	}
}

// TestNoSecretInErrors forces every error path and checks that no credential, nor any
// signature sent, shows up in the error text.
func TestNoSecretInErrors(t *testing.T) {
	echo := `{"code":40004,"msg":"bad token ` + testToken + `","sub_code":"x","sub_msg":"secret ` + testSecret + `"}`
	tests := []struct {
		name  string
		setup func(f *fake) (*Client, func(c *Client) error)
	}{
		{"transport", func(f *fake) (*Client, func(*Client) error) {
			c := f.client(f.t, nil)
			f.srv.Close()
			return c, func(c *Client) error { _, err := c.Order(context.Background(), knownOrder); return err }
		}},
		{"timeout", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{block: true})
			c := f.client(f.t, func(o *Options) { o.Timeout = 20 * time.Millisecond; o.Retries = -1 })
			return c, func(c *Client) error { _, err := c.Order(context.Background(), knownOrder); return err }
		}},
		{"5xx", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 500, body: testSecret}, reply{status: 500, body: testToken}, reply{status: 500})
			return f.client(f.t, nil), func(c *Client) error { _, err := c.Order(context.Background(), knownOrder); return err }
		}},
		{"business error echoing credentials", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: echo})
			return f.client(f.t, nil), func(c *Client) error {
				_, err := c.CaseStatus(context.Background(), adapters.CaseRef{ID: liveCase})
				return err
			}
		}},
		{"operate item failure echoing credentials", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: `{"code":10000,"data":{"process_info":{"after_sale_info":{"after_sale_id":"1","update_time":1}}}}`},
				reply{status: 200, body: `{"code":10000,"data":{"items":[{"aftersale_id":"1","status_code":7,"status_msg":"token ` + testToken + `"}]}}`})
			return f.client(f.t, nil), func(c *Client) error {
				return c.Resolve(context.Background(), adapters.CaseRef{ID: "1"}, adapters.Decision{Approve: true})
			}
		}},
		{"bad JSON", func(f *fake) (*Client, func(*Client) error) {
			f.push(reply{status: 200, body: "{" + testSecret})
			return f.client(f.t, nil), func(c *Client) error {
				_, err := c.OpenCase(context.Background(), adapters.CaseRequest{OrderID: knownOrder})
				return err
			}
		}},
		{"not found", func(f *fake) (*Client, func(*Client) error) {
			return f.client(f.t, nil), func(c *Client) error { _, err := c.Order(context.Background(), unknownOrder); return err }
		}},
		{"canceled", func(f *fake) (*Client, func(*Client) error) {
			return f.client(f.t, nil), func(c *Client) error {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				_, err := c.Order(ctx, knownOrder)
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
			secrets := append([]string{testSecret, testToken}, f.sentSigns()...)
			for _, s := range secrets {
				if s != "" && strings.Contains(err.Error(), s) {
					t.Fatalf("error %q leaks %q", err, s)
				}
			}
		})
	}
}
