package taobao

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAppKey = "12345678"
	testSecret = "tb-secret-9f8e7d6c5b4a"
	testToken  = "6100a1b2c3d4e5f6-session"

	knownOrder      = "3698127730123456789"
	notAppliedOrder = "3698127730123456790"
	unknownOrder    = "3698127730000000000"
	liveRefund      = "201234567890123456"
	closedRefund    = "201234567890123400"
	unknownRefund   = "209999999999999999"
	testTimestamp   = "2023-11-15 06:13:20" // testNow in GMT+8
)

var testNow = time.Unix(1700000000, 0)

type reply struct {
	status int
	body   string
	block  bool
}

// fake is an httptest TOP gateway that checks every request like TOP would and
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
	actions  []string
	tmc      string // JSON of the consume answer's messages
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
		BaseURL: f.srv.URL + "/router/rest", AppKey: testAppKey, AppSecret: testSecret, AccessToken: f.token,
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
		f.t.Errorf("fake taobao: %s", msg)
	}
}

// refSign is TOP's signature written out independently of the client's Sign.
func refSign(form url.Values, secret string) string {
	var keys []string
	for k := range form {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += k + form.Get(k)
	}
	var sum []byte
	switch form.Get("sign_method") {
	case "md5":
		x := md5.Sum([]byte(secret + s + secret))
		sum = x[:]
	case "hmac":
		m := hmac.New(md5.New, []byte(secret))
		m.Write([]byte(s))
		sum = m.Sum(nil)
	case "hmac-sha256":
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(s))
		sum = m.Sum(nil)
	}
	return strings.ToUpper(hex.EncodeToString(sum))
}

// apiParams lists each method's own parameters; sessionless methods are app-level.
func apiParams() map[string][]string {
	return map[string][]string{
		"taobao.trade.fullinfo.get":   {"fields", "tid"},
		"taobao.refunds.receive.get":  {"fields", "page_no", "page_size", "use_has_next"},
		"taobao.refund.get":           {"fields", "refund_id"},
		"taobao.rp.refunds.agree":     {"refund_infos"},
		"taobao.refund.refuse":        {"refund_id", "refund_phase", "refund_version", "refuse_message"},
		"taobao.tmc.messages.consume": {"group_name", "quantity"},
		"taobao.tmc.messages.confirm": {"group_name", "s_message_ids"},
	}
}

func sessionless(method string) bool { return strings.HasPrefix(method, "taobao.tmc.") }

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	var next *reply
	if len(f.script) > 0 {
		next = &f.script[0]
		f.script = f.script[1:]
	}
	f.mu.Unlock()

	form, ok := f.check(r)
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
		writeJSON(w, map[string]any{"error_response": map[string]any{"code": 25, "msg": "Invalid signature", "request_id": "r1"}})
		return
	}
	f.answer(w, form)
}

func (f *fake) check(r *http.Request) (url.Values, bool) {
	f.mu.Lock()
	n := len(f.problems)
	f.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/router/rest" || r.URL.RawQuery != "" {
		f.problem("request %s %s?%s, want POST /router/rest without query", r.Method, r.URL.Path, r.URL.RawQuery)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		f.problem("Content-Type %q", ct)
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		f.problem("form %q: %v", body, err)
	}
	method := form.Get("method")
	want := append([]string{"app_key", "format", "method", "sign", "sign_method", "timestamp", "v"}, apiParams()[method]...)
	if !sessionless(method) {
		want = append(want, "session")
	}
	if _, known := apiParams()[method]; !known {
		f.problem("unknown method %q", method)
	}
	var got []string
	for k, v := range form {
		got = append(got, k)
		if len(v) != 1 {
			f.problem("param %s given %d times", k, len(v))
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		f.problem("%s params %v, want %v", method, got, want)
	}
	common := map[string]string{"app_key": testAppKey, "format": "json", "v": "2.0", "sign_method": f.signMethod, "timestamp": testTimestamp}
	if !sessionless(method) {
		common["session"] = f.token
	}
	for k, v := range common {
		if form.Get(k) != v {
			f.problem("%s=%q, want %q", k, form.Get(k), v)
		}
	}
	sign := form.Get("sign")
	f.mu.Lock()
	f.signs = append(f.signs, sign)
	f.mu.Unlock()
	if want := refSign(form, testSecret); sign != want {
		f.problem("sign %s, want %s", sign, want)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return form, len(f.problems) == n
}

func refundJSON(id, tid, status string) map[string]any {
	return map[string]any{
		"refund_id": json.Number(id), "tid": json.Number(tid), "oid": json.Number(tid), "status": status,
		"refund_fee": "64.50", "modified": "2023-11-15 06:00:00", "refund_version": json.Number("1700000000123"),
		"refund_phase": "onsale",
	}
}

func (f *fake) answer(w http.ResponseWriter, form url.Values) {
	method := form.Get("method")
	notExist := func(sub string) {
		writeJSON(w, map[string]any{"error_response": map[string]any{"code": 15, "msg": "Remote service error", "sub_code": sub, "sub_msg": "不存在", "request_id": "r2"}})
	}
	switch method {
	case "taobao.trade.fullinfo.get":
		if form.Get("fields") != tradeFields {
			f.problem("fields %q", form.Get("fields"))
		}
		tid := form.Get("tid")
		if tid != knownOrder && tid != notAppliedOrder {
			notExist("isv.trade-not-exist")
			return
		}
		writeJSON(w, map[string]any{"trade_fullinfo_get_response": map[string]any{"trade": map[string]any{
			"tid": json.Number(tid), "tid_str": tid, "status": "WAIT_BUYER_CONFIRM_GOODS", "payment": "129.00",
			"pay_time": "2023-11-14 20:00:00", "consign_time": "2023-11-15 09:30:00", "buyer_nick": "t**1",
			"orders": map[string]any{"order": []any{map[string]any{
				"oid": json.Number(tid), "title": "加厚玻璃杯 350ml", "outer_sku_id": "CUP-350", "num": 2, "price": "64.50",
				"logistics_company": "中通快递", "invoice_no": "ZT75300000001",
			}}},
		}}})
	case "taobao.refunds.receive.get":
		if form.Get("fields") != listFields || form.Get("page_size") != "100" || form.Get("use_has_next") != "true" {
			f.problem("list params %v", form)
		}
		switch form.Get("page_no") {
		case "1":
			writeJSON(w, map[string]any{"refunds_receive_get_response": map[string]any{"has_next": true, "refunds": map[string]any{"refund": []any{
				refundJSON(closedRefund, knownOrder, "CLOSED"), refundJSON("201234567890100000", "3698127730999999999", "WAIT_SELLER_AGREE"),
			}}}})
		case "2":
			writeJSON(w, map[string]any{"refunds_receive_get_response": map[string]any{"has_next": false, "refunds": map[string]any{"refund": []any{
				refundJSON(liveRefund, knownOrder, "WAIT_SELLER_AGREE"),
			}}}})
		default:
			f.problem("page_no %q", form.Get("page_no"))
		}
	case "taobao.refund.get":
		if form.Get("fields") != detailFields {
			f.problem("fields %q", form.Get("fields"))
		}
		if form.Get("refund_id") != liveRefund {
			notExist("isv.refund-not-exist")
			return
		}
		rf := refundJSON(liveRefund, knownOrder, "WAIT_SELLER_AGREE")
		rf["refund_remind_timeout"] = map[string]any{"remind_type": 1, "exist_timeout": true, "timeout": "2023-11-17 06:13:20"}
		writeJSON(w, map[string]any{"refund_get_response": map[string]any{"refund": rf}})
	case "taobao.rp.refunds.agree":
		f.mu.Lock()
		f.actions = append(f.actions, "agree "+form.Get("refund_infos"))
		f.mu.Unlock()
		writeJSON(w, map[string]any{"rp_refunds_agree_response": map[string]any{"succ": true, "msg": "成功", "results": map[string]any{
			"refund_mapping_result": []any{map[string]any{"refund_id": json.Number(liveRefund), "succ": true, "message": "成功"}},
		}}})
	case "taobao.refund.refuse":
		if form.Get("refund_id") != liveRefund || form.Get("refund_phase") != "onsale" || form.Get("refund_version") != "1700000000123" || form.Get("refuse_message") == "" {
			f.problem("refuse params %v", form)
		}
		f.mu.Lock()
		f.actions = append(f.actions, "refuse "+form.Get("refuse_message"))
		f.mu.Unlock()
		writeJSON(w, map[string]any{"refund_refuse_response": map[string]any{"is_success": true}})
	case "taobao.tmc.messages.consume":
		if form.Get("group_name") != "default" || form.Get("quantity") != "100" {
			f.problem("consume params %v", form)
		}
		io.WriteString(w, `{"tmc_messages_consume_response":{"messages":{"tmc_message":`+f.tmc+`}}}`)
	case "taobao.tmc.messages.confirm":
		f.mu.Lock()
		f.actions = append(f.actions, "confirm "+form.Get("s_message_ids"))
		f.mu.Unlock()
		writeJSON(w, map[string]any{"tmc_messages_confirm_response": map[string]any{"is_success": true}})
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}
