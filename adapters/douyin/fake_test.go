package douyin

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	testAppKey = "7152331588175513100"
	testSecret = "abcd1234-ef56-7890-abcd-ef1234567890"
	testToken  = "tok-3c0e9a11-douyin-access"

	knownOrder      = "4781320682406083640"
	notAppliedOrder = "4705288465508532862"
	unknownOrder    = "4700000000000000000"
	liveCase        = "7000000000000000001"
	closedCase      = "7000000000000000009"
	unknownCase     = "7999999999999999999"
	caseUpdateTime  = 1700001234
)

var testNow = time.Unix(1700000000, 0)

// reply is a scripted answer that replaces the fake's normal one for the next request.
type reply struct {
	status int
	body   string
	block  bool // wait until the client gives up
}

// fake is an httptest 抖店 gateway. It checks every request the way the gateway would
// and reports any difference with t.Errorf, unless lenient, in which case it only
// records the problems (for tests that send bad requests on purpose).
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
	ops      []map[string]any // afterSale/operate params received
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
		BaseURL: f.srv.URL, AppKey: testAppKey, AppSecret: testSecret, AccessToken: f.token,
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

func (f *fake) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.mu.Lock()
	f.problems = append(f.problems, msg)
	f.mu.Unlock()
	if !f.lenient {
		f.t.Errorf("fake douyin: %s", msg)
	}
}

// refSign is the gateway's signature, written out independently of the client's Sign.
func refSign(method, paramJSON, ts, signMethod string) string {
	s := testSecret + "app_key" + testAppKey + "method" + method + "param_json" + paramJSON + "timestamp" + ts + "v2" + testSecret
	if signMethod == "md5" {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	m := hmac.New(sha256.New, []byte(testSecret))
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

func paths() map[string]string {
	return map[string]string{
		"/order/orderDetail": "order.orderDetail",
		"/afterSale/List":    "afterSale.List",
		"/afterSale/Detail":  "afterSale.Detail",
		"/afterSale/operate": "afterSale.operate",
	}
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

	body, _ := io.ReadAll(r.Body)
	ok := f.check(r, body)
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
		writeEnv(w, 40003, "非法的参数", "isv.signature-invalid", "签名校验失败", nil)
		return
	}
	var param map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	_ = dec.Decode(&param)
	f.answer(w, r.URL.Path, param)
}

// check verifies method, path, the exact query parameter set, the signature and that
// the body is canonical param_json.
func (f *fake) check(r *http.Request, body []byte) bool {
	f.mu.Lock()
	n := len(f.problems)
	f.mu.Unlock()
	if r.Method != http.MethodPost {
		f.problem("method %s, want POST", r.Method)
	}
	method, known := paths()[r.URL.Path]
	if !known {
		f.problem("unknown path %s", r.URL.Path)
	}
	q := r.URL.Query()
	want := []string{"access_token", "app_key", "method", "sign", "sign_method", "timestamp", "v"}
	var got []string
	for k, v := range q {
		got = append(got, k)
		if len(v) != 1 {
			f.problem("param %s given %d times", k, len(v))
		}
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		f.problem("query params %v, want %v", got, want)
	}
	checks := map[string]string{
		"app_key": testAppKey, "method": method, "v": "2", "sign_method": f.signMethod,
		"access_token": f.token, "timestamp": strconv.FormatInt(testNow.Unix(), 10),
	}
	for k, v := range checks {
		if q.Get(k) != v {
			f.problem("%s=%q, want %q", k, q.Get(k), v)
		}
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		f.problem("Content-Type %q", ct)
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		f.problem("body is not JSON: %v", err)
	} else {
		var canon bytes.Buffer
		enc := json.NewEncoder(&canon)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(generic)
		if c := bytes.TrimRight(canon.Bytes(), "\n"); !bytes.Equal(c, body) {
			f.problem("body %s is not canonical param_json %s", body, c)
		}
	}
	sign := q.Get("sign")
	f.mu.Lock()
	f.signs = append(f.signs, sign)
	f.mu.Unlock()
	if want := refSign(q.Get("method"), string(body), q.Get("timestamp"), q.Get("sign_method")); sign != want {
		f.problem("sign %s, want %s", sign, want)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.problems) == n
}

func (f *fake) answer(w http.ResponseWriter, path string, p map[string]any) {
	wantKeys := func(keys ...string) {
		var got []string
		for k := range p {
			got = append(got, k)
		}
		sort.Strings(got)
		sort.Strings(keys)
		if !reflect.DeepEqual(got, keys) {
			f.problem("%s param keys %v, want %v", path, got, keys)
		}
	}
	switch path {
	case "/order/orderDetail":
		wantKeys("shop_order_id")
		if p["shop_order_id"] != knownOrder && p["shop_order_id"] != notAppliedOrder {
			writeEnv(w, 50002, "业务处理失败", "isv.business-failed:4001", "订单不存在", nil)
			return
		}
		writeEnv(w, codeOK, "success", "", "", map[string]any{"shop_order_detail": map[string]any{
			"order_id": p["shop_order_id"], "order_status": 3, "order_status_desc": "已发货",
			"pay_amount": 12900, "pay_time": 1699990000, "exp_ship_time": 1700100000,
			"logistics_info": []any{map[string]any{"tracking_no": "YT7300000000001", "company": "yuantong", "company_name": "圆通快递", "ship_time": 1699995000}},
			"sku_order_list": []any{map[string]any{"product_name": "加厚玻璃杯 350ml", "code": "CUP-350", "item_num": 2, "origin_amount": 12900}},
		}})
	case "/afterSale/List":
		wantKeys("order_by", "order_id", "page", "size")
		if fmt.Sprint(p["order_by"]) != "[status_deadline asc]" || fmt.Sprint(p["page"]) != "0" || fmt.Sprint(p["size"]) != "10" {
			f.problem("afterSale/List params %v", p)
		}
		var items []any
		if p["order_id"] == knownOrder {
			items = []any{
				map[string]any{"aftersale_info": map[string]any{"aftersale_id": closedCase, "aftersale_status": 28, "status_deadline": 0, "refund_amount": 6450}},
				map[string]any{"aftersale_info": map[string]any{"aftersale_id": liveCase, "aftersale_status": 6, "status_deadline": 1700086400, "refund_amount": 12900}},
			}
		}
		writeEnv(w, codeOK, "success", "", "", map[string]any{"items": items, "has_more": false, "total": len(items)})
	case "/afterSale/Detail":
		wantKeys("after_sale_id")
		if p["after_sale_id"] != liveCase {
			writeEnv(w, 50002, "业务处理失败", "isv.business-failed", "售后单不存在", nil)
			return
		}
		writeEnv(w, codeOK, "success", "", "", map[string]any{"process_info": map[string]any{"after_sale_info": map[string]any{
			"after_sale_id": json.Number(liveCase), "after_sale_status": 6, "refund_amount": 12900,
			"status_deadline": 1700086400, "update_time": caseUpdateTime,
		}}})
	case "/afterSale/operate":
		wantKeys("items", "type")
		f.mu.Lock()
		f.ops = append(f.ops, p)
		f.mu.Unlock()
		items, _ := p["items"].([]any)
		if len(items) != 1 {
			f.problem("operate items %v", p["items"])
			writeEnv(w, 40004, "非法的参数", "", "", nil)
			return
		}
		it, _ := items[0].(map[string]any)
		if it["aftersale_id"] != liveCase || fmt.Sprint(it["update_time"]) != strconv.Itoa(caseUpdateTime) {
			f.problem("operate item %v", it)
		}
		switch fmt.Sprint(p["type"]) {
		case "201":
			if len(it) != 2 {
				f.problem("agree item has extra fields: %v", it)
			}
		case "202":
			if it["reason"] == "" || it["reason"] == nil {
				f.problem("refuse without reason: %v", it)
			}
		default:
			f.problem("operate type %v", p["type"])
		}
		writeEnv(w, codeOK, "success", "", "", map[string]any{"items": []any{map[string]any{"aftersale_id": liveCase, "status_code": 0, "status_msg": ""}}})
	}
}

func writeEnv(w http.ResponseWriter, code int, msg, subCode, subMsg string, data any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "msg": msg, "sub_code": subCode, "sub_msg": subMsg, "data": data, "log_id": "2023111415000001"})
}

func (f *fake) sentSigns() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.signs...)
}

func (f *fake) problemList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

func (f *fake) operations() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.ops...)
}
