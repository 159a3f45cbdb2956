package kuaishou

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAppKey = "ks123"
	testSecret = "ks_test_sign_secret"
	testToken  = "ks-token-5b1f0c-access"

	knownOrder      = "2617801683312294"
	notAppliedOrder = "2617801683312295"
	unknownOrder    = "2617801683312999"
	liveRefund      = "2410000123456789"
	closedRefund    = "2410000123456700"
	otherRefund     = "2410000123456701"
	unknownRefund   = "2410000999999999"
)

var testNow = time.UnixMilli(1700000000000)

type reply struct {
	status int
	body   string
	block  bool
}

// fake is an httptest 快手 gateway that checks every request like the gateway would and
// t.Errorf's on any difference unless lenient.
type fake struct {
	t          *testing.T
	srv        *httptest.Server
	signMethod string
	lenient    bool
	token      string // the access token the client must send; testToken unless a test sets another

	mu       sync.Mutex
	script   []reply
	requests int
	problems []string
	signs    []string
	actions  []string // approve / disagree calls with their params
}

func newFake(t *testing.T) *fake {
	f := &fake{t: t, signMethod: SignHMACSHA256, token: testToken}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) client(t *testing.T, mod func(*Options)) *Client {
	t.Helper()
	o := Options{
		BaseURL: f.srv.URL, AppKey: testAppKey, SignSecret: testSecret, AccessToken: f.token,
		SignMethod: f.signMethod, Timeout: 2 * time.Second, Retries: 2, RetryWait: time.Millisecond,
		Now: func() time.Time { return testNow },
	}
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func (f *fake) push(r ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, r...)
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *fake) problemList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

func (f *fake) sentSigns() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.signs...)
}

func (f *fake) actionList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.actions...)
}

func (f *fake) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.mu.Lock()
	f.problems = append(f.problems, msg)
	f.mu.Unlock()
	if !f.lenient {
		f.t.Errorf("fake kuaishou: %s", msg)
	}
}

// refSign is the gateway's signature written out independently of the client's Sign.
func refSign(q url.Values, param string) string {
	s := "access_token=" + q.Get("access_token") + "&appkey=" + q.Get("appkey") + "&method=" + q.Get("method") +
		"&param=" + param + "&signMethod=" + q.Get("signMethod") + "&timestamp=" + q.Get("timestamp") +
		"&version=" + q.Get("version") + "&signSecret=" + testSecret
	if q.Get("signMethod") == "MD5" {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	m := hmac.New(sha256.New, []byte(testSecret))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func knownMethod(m string) bool {
	switch m {
	case "open.order.detail", "open.seller.order.refund.pcursor.list", "open.seller.order.refund.detail",
		"open.seller.order.refund.approve", "open.seller.order.refund.disagree.refund":
		return true
	}
	return false
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	var next *reply
	if len(f.script) > 0 {
		next = &f.script[0]
		f.script = f.script[1:]
	}
	f.mu.Unlock()

	param, ok := f.check(r)
	if next != nil {
		if next.block {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(next.status)
		io.WriteString(w, next.body)
		return
	}
	if !ok {
		writeEnv(w, 17, "签名验证失败", nil)
		return
	}
	f.answer(w, r.URL.Query().Get("method"), param)
}

func (f *fake) check(r *http.Request) (map[string]any, bool) {
	f.mu.Lock()
	n := len(f.problems)
	f.mu.Unlock()
	if r.Method != http.MethodPost {
		f.problem("method %s, want POST", r.Method)
	}
	q := r.URL.Query()
	method := q.Get("method")
	if !knownMethod(method) {
		f.problem("unknown method %q", method)
	}
	if want := "/" + strings.ReplaceAll(method, ".", "/"); r.URL.Path != want {
		f.problem("path %s, want %s", r.URL.Path, want)
	}
	var keys []string
	for k, v := range q {
		keys = append(keys, k)
		if len(v) != 1 {
			f.problem("param %s given %d times", k, len(v))
		}
	}
	sort.Strings(keys)
	if want := []string{"access_token", "appkey", "method", "sign", "signMethod", "timestamp", "version"}; !reflect.DeepEqual(keys, want) {
		f.problem("query params %v, want %v", keys, want)
	}
	for k, v := range map[string]string{
		"access_token": f.token, "appkey": testAppKey, "signMethod": f.signMethod, "version": "1",
		"timestamp": strconv.FormatInt(testNow.UnixMilli(), 10),
	} {
		if q.Get(k) != v {
			f.problem("%s=%q, want %q", k, q.Get(k), v)
		}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		f.problem("Content-Type %q", ct)
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil || len(form) != 1 || len(form["param"]) != 1 {
		f.problem("form body %q, want exactly one param", body)
	}
	pj := form.Get("param")
	var param map[string]any
	dec := json.NewDecoder(strings.NewReader(pj))
	dec.UseNumber()
	if err := dec.Decode(&param); err != nil {
		f.problem("param %q is not a JSON object", pj)
	}
	sign := q.Get("sign")
	f.mu.Lock()
	f.signs = append(f.signs, sign)
	f.mu.Unlock()
	if want := refSign(q, pj); sign != want {
		f.problem("sign %s, want %s", sign, want)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return param, len(f.problems) == n
}

func refundJSON(id string, oid string, status, handlingWay int, fee, expire int64) map[string]any {
	return map[string]any{
		"refundId": json.Number(id), "oid": json.Number(oid), "status": status, "handlingWay": handlingWay,
		"refundFee": fee, "expireTime": expire, "updateTime": 1700000100000, "refundReasonDesc": "商品破损",
	}
}

func (f *fake) answer(w http.ResponseWriter, method string, p map[string]any) {
	wantKeys := func(keys ...string) {
		var got []string
		for k := range p {
			got = append(got, k)
		}
		sort.Strings(got)
		sort.Strings(keys)
		if !reflect.DeepEqual(got, keys) {
			f.problem("%s param keys %v, want %v", method, got, keys)
		}
	}
	num := func(k string) string { return fmt.Sprint(int64From(p[k])) }
	switch method {
	case "open.order.detail":
		wantKeys("oid")
		if num("oid") != knownOrder && num("oid") != notAppliedOrder {
			writeEnv(w, 802000, "订单不存在", nil)
			return
		}
		writeEnv(w, 1, "", map[string]any{
			"orderBaseInfo": map[string]any{"oid": json.Number(num("oid")), "status": 40, "totalFee": 3990, "expressFee": 0,
				"payTime": 1699990000000, "sendTime": 1699995000000, "recvTime": 0, "buyerNick": "小**"},
			"orderItemInfo":      map[string]any{"itemTitle": "纯棉T恤", "skuDesc": "白色 XL", "num": 1, "price": 3990, "outerSkuId": "TS-W-XL"},
			"orderLogisticsInfo": []any{map[string]any{"expressNo": "SF1400000000001", "expressCode": 4}},
		})
	case "open.seller.order.refund.pcursor.list":
		wantKeys("orderId", "type", "pageSize", "pcursor")
		if num("type") != "9" || num("pageSize") != "100" {
			f.problem("list params %v", p)
		}
		switch {
		case num("orderId") != knownOrder:
			writeEnv(w, 1, "", map[string]any{"pcursor": "nomore", "refundOrderInfoList": []any{}})
		case p["pcursor"] == "":
			writeEnv(w, 1, "", map[string]any{"pcursor": "c2", "refundOrderInfoList": []any{
				refundJSON(closedRefund, knownOrder, 70, 10, 3990, 0),
				refundJSON(otherRefund, "2617801683300000", 10, 10, 100, 1700000000001),
			}})
		case p["pcursor"] == "c2":
			writeEnv(w, 1, "", map[string]any{"pcursor": "nomore", "refundOrderInfoList": []any{
				refundJSON(liveRefund, knownOrder, 10, 10, 3990, 1700172800000),
			}})
		default:
			f.problem("pcursor %v", p["pcursor"])
		}
	case "open.seller.order.refund.detail":
		wantKeys("refundId")
		if num("refundId") != liveRefund {
			writeEnv(w, 802001, "退款单不存在", nil)
			return
		}
		writeEnv(w, 1, "", refundJSON(liveRefund, knownOrder, 10, 10, 3990, 1700172800000))
	case "open.seller.order.refund.approve":
		wantKeys("refundId", "desc", "refundAmount", "status")
		if num("refundId") != liveRefund || num("status") != "10" || int64From(p["refundAmount"]) <= 0 || int64From(p["refundAmount"]) > 3990 {
			f.problem("approve params %v", p)
		}
		f.mu.Lock()
		f.actions = append(f.actions, fmt.Sprintf("approve %s", num("refundAmount")))
		f.mu.Unlock()
		writeEnv(w, 1, "", nil)
	case "open.seller.order.refund.disagree.refund":
		wantKeys("refundId", "sellerDisagreeReason", "sellerDisagreeDesc", "status")
		if num("refundId") != liveRefund || num("status") != "10" || p["sellerDisagreeDesc"] == "" {
			f.problem("disagree params %v", p)
		}
		f.mu.Lock()
		f.actions = append(f.actions, fmt.Sprintf("disagree %v", p["sellerDisagreeDesc"]))
		f.mu.Unlock()
		writeEnv(w, 1, "", nil)
	}
}

// int64From reads a JSON number decoded as float64 without losing 16-digit ids.
func int64From(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return -1
}

func writeEnv(w http.ResponseWriter, result int, msg string, data any) {
	w.Header().Set("Content-Type", "application/json")
	env := map[string]any{"result": result, "data": data}
	if msg != "" {
		env["error_msg"] = msg
	}
	_ = json.NewEncoder(w).Encode(env)
}
