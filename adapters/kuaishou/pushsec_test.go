package kuaishou

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

// rawEncrypt encrypts block-aligned bytes as they are, padding included, so a test can
// send a body whose padding is wrong.
func rawEncrypt(t *testing.T, key string, pt []byte) string {
	t.Helper()
	if len(pt)%aes.BlockSize != 0 {
		t.Fatalf("rawEncrypt: %d bytes, not whole blocks", len(pt))
	}
	k, _ := base64.StdEncoding.DecodeString(key)
	b, err := aes.NewCipher(k)
	if err != nil {
		t.Fatal(err)
	}
	ct := make([]byte, len(pt))
	cipher.NewCBCEncrypter(b, make([]byte, aes.BlockSize)).CryptBlocks(ct, pt)
	return base64.StdEncoding.EncodeToString(ct)
}

func encrypt(t *testing.T, plain string) string {
	t.Helper()
	ct, err := EncryptPush(testMsgKey, []byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// refundPush is a push plaintext for one refund event.
func refundPush(t *testing.T, eventID, event string, created time.Time, info map[string]any) string {
	t.Helper()
	in, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]any{"eventId": eventID, "event": event, "info": string(in)}
	if !created.IsZero() {
		env["createTime"] = created.UnixMilli()
	}
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type answer struct {
	status int
	header http.Header
	body   string
}

func post(h http.Handler, body string) answer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/push/kuaishou", strings.NewReader(body)))
	return answer{rec.Code, rec.Result().Header, rec.Body.String()}
}

func TestParsePushDeadlineWindow(t *testing.T) {
	at := time.UnixMilli(1700000000000) // the refund's updateTime
	tests := []struct {
		name   string
		expire int64
		want   time.Time
	}{
		{"seven days ahead", at.Add(7 * 24 * time.Hour).UnixMilli(), at.Add(7 * 24 * time.Hour)},
		{"an hour behind", at.Add(-time.Hour).UnixMilli(), at.Add(-time.Hour)},
		{"two days behind", at.Add(-48 * time.Hour).UnixMilli(), time.Time{}},
		{"61 days ahead", at.Add(61 * 24 * time.Hour).UnixMilli(), time.Time{}},
		{"seconds instead of milliseconds", at.Add(24 * time.Hour).Unix(), time.Time{}},
		{"microseconds", at.Add(24*time.Hour).UnixMilli() * 1000, time.Time{}},
		{"none", 0, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := refundPush(t, "e1", EventUpdateRefund, at, map[string]any{"refundId": 2, "status": 10, "updateTime": at.UnixMilli(), "expireTime": tt.expire})
			ev, _, err := ParsePush([]byte(plain), at.Add(time.Minute))
			if err != nil || ev == nil {
				t.Fatalf("ParsePush=%+v, %v", ev, err)
			}
			if !ev.Deadline.Equal(tt.want) {
				t.Fatalf("Deadline=%v, want %v", ev.Deadline, tt.want)
			}
		})
	}
}

func TestParsePushStrict(t *testing.T) {
	ok := map[string]any{"refundId": 2, "orderId": 1, "status": 10}
	tests := []struct {
		name  string
		plain string
		ok    bool
	}{
		{"plain event", refundPush(t, "e1", EventAddRefund, testNow, ok), true},
		{"64-byte eventId", refundPush(t, strings.Repeat("e", 64), EventAddRefund, testNow, ok), true},
		{"eventId too long", refundPush(t, strings.Repeat("e", 65), EventAddRefund, testNow, ok), false},
		{"eventId with a space", refundPush(t, "e 1", EventAddRefund, testNow, ok), false},
		{"event name too long", refundPush(t, "e1", strings.Repeat("x", 1025), testNow, ok), false},
		{"no event name", `{"eventId":"e1","info":"{}","createTime":1700000000000}`, false},
		{"negative refundId", refundPush(t, "e1", EventAddRefund, testNow, map[string]any{"refundId": -2}), false},
		{"negative orderId", refundPush(t, "e1", EventAddRefund, testNow, map[string]any{"refundId": 2, "orderId": -1}), false},
		{"not UTF-8", "{\"eventId\":\"e\xff\",\"event\":\"x\"}", false},
		{"heartbeat", `{"test":true}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParsePush([]byte(tt.plain), testNow)
			if (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok %v", err, tt.ok)
			}
		})
	}
}

// Every push that fails — at the padding, the JSON, the bounds or the time window — gets
// the same status, headers and body: no padding or parse oracle.
func TestPushHandlerUniformFailure(t *testing.T) {
	good := refundPush(t, "e-good", EventUpdateRefund, testNow, map[string]any{"refundId": 2, "orderId": 1, "status": 70})
	pad := func(s string, p byte, n int) []byte { return append([]byte(s), bytes.Repeat([]byte{p}, n)...) }
	tests := []struct {
		name string
		body string
	}{
		{"bad padding: zero", rawEncrypt(t, testMsgKey, pad("0123456789abcde", 0, 1))},
		{"bad padding: 17", rawEncrypt(t, testMsgKey, pad("0123456789abcde", 17, 1))},
		{"bad padding: inconsistent", rawEncrypt(t, testMsgKey, append([]byte("0123456789abc"), 2, 3, 3))},
		{"valid padding, not JSON", encrypt(t, "not json at all")},
		{"valid padding, JSON of another shape", encrypt(t, `[1,2,3]`)},
		{"valid padding, not UTF-8", encrypt(t, "{\"eventId\":\"\xfe\xff\"}")},
		{"valid padding, info not JSON", encrypt(t, `{"eventId":"e1","event":"kwaishop_aftersales_addRefund","createTime":1700000000000,"info":"x"}`)},
		{"wrong key", func() string {
			ct, _ := EncryptPush("ZmVkY2JhOTg3NjU0MzIxMA==", []byte(good))
			return ct
		}()},
		{"not base64", "***"},
		{"not whole blocks", "YWJj"},
		{"empty", ""},
		{"too large", strings.Repeat("A", maxPushBody+4)},
		{"stale by 6 minutes", encrypt(t, refundPush(t, "e2", EventUpdateRefund, testNow.Add(-6*time.Minute), map[string]any{"refundId": 2}))},
		{"6 minutes ahead", encrypt(t, refundPush(t, "e3", EventUpdateRefund, testNow.Add(6*time.Minute), map[string]any{"refundId": 2}))},
		{"no time at all", encrypt(t, refundPush(t, "e4", EventUpdateRefund, time.Time{}, map[string]any{"refundId": 2, "status": 70}))},
		{"seconds instead of milliseconds", encrypt(t, `{"eventId":"e5","event":"kwaishop_aftersales_updateRefund","createTime":1700000000,"info":"{\"refundId\":2}"}`)},
		{"other event without time", encrypt(t, `{"eventId":"e6","event":"kwaishop_order_paySuccess","info":"{}"}`)},
		{"oversized eventId", encrypt(t, refundPush(t, strings.Repeat("9", 65), EventUpdateRefund, testNow, map[string]any{"refundId": 2}))},
	}
	calls := 0
	h := NewPushHandler(testMsgKey, func() time.Time { return testNow }, func(context.Context, adapters.Event) error {
		calls++
		return nil
	})
	var first *answer
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := post(h, tt.body)
			if got.status < 400 {
				t.Fatalf("answer %d %s, want a failure", got.status, got.body)
			}
			if first == nil {
				first = &got
				return
			}
			if !reflect.DeepEqual(got, *first) {
				t.Fatalf("answer %+v differs from %+v", got, *first)
			}
		})
	}
	if calls != 0 {
		t.Fatalf("handler called %d times for rejected pushes", calls)
	}
	if got := post(h, encrypt(t, good)); got.status != http.StatusOK || calls != 1 {
		t.Fatalf("good push answered %d %s, calls %d", got.status, got.body, calls)
	}
}

// The forged-close probe on a budget: 200 altered copies of a valid closing push, each
// with one byte of the ciphertext changed. Every answer is the same rejection and no
// event is applied; the unaltered push is applied once.
func TestPushOracleBudget(t *testing.T) {
	const budget = 200
	plain := refundPush(t, "7301234567890123456", EventUpdateRefund, testNow, map[string]any{
		"refundId": 2410000123456789, "orderId": 2617801683312294, "status": 70, "updateTime": testNow.UnixMilli(),
	})
	valid, err := base64.StdEncoding.DecodeString(encrypt(t, plain))
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	h := NewPushHandler(testMsgKey, func() time.Time { return testNow }, func(context.Context, adapters.Event) error {
		calls++
		return nil
	})
	rng := rand.New(rand.NewPCG(14, 1))
	answers := map[string]int{}
	var reject answer
	goodPadding := 0 // altered copies whose padding still checks: the parse path is probed too
	for i := 0; i < budget; i++ {
		ct := append([]byte(nil), valid...)
		// Mostly the last two blocks, where a padding oracle is worked, then anywhere.
		pos := len(ct) - 2*aes.BlockSize + rng.IntN(2*aes.BlockSize)
		if i%2 == 1 {
			pos = rng.IntN(len(ct))
		}
		ct[pos] ^= byte(1 + rng.IntN(255))
		body := base64.StdEncoding.EncodeToString(ct)
		if _, err := DecryptPush(testMsgKey, []byte(body)); err == nil {
			goodPadding++
		}
		got := post(h, body)
		answers[fmt.Sprintf("%d %v %s", got.status, got.header, got.body)]++
		reject = got
	}
	if len(answers) != 1 {
		t.Fatalf("altered pushes got %d different answers, want one: %v", len(answers), answers)
	}
	if reject.status != http.StatusBadRequest || reject.body != `{"result":0,"error_msg":"rejected"}` {
		t.Fatalf("answer %d %s, want the rejection", reject.status, reject.body)
	}
	if calls != 0 {
		t.Fatalf("%d altered pushes were applied", calls)
	}
	if goodPadding == 0 || goodPadding == budget {
		t.Fatalf("%d of %d altered pushes had good padding: the probe does not cover both failures", goodPadding, budget)
	}
	t.Logf("%d altered pushes, %d with good padding: one answer, none applied", budget, goodPadding)
	if got := post(h, base64.StdEncoding.EncodeToString(valid)); got.status != http.StatusOK || calls != 1 {
		t.Fatalf("the valid push answered %d %s, calls %d", got.status, got.body, calls)
	}
}

func TestPushHandlerReplay(t *testing.T) {
	info := map[string]any{"refundId": 2, "orderId": 1, "status": 10, "updateTime": testNow.UnixMilli()}
	first := encrypt(t, refundPush(t, "e1", EventAddRefund, testNow, info))
	sameEventNewID := encrypt(t, refundPush(t, "e1-altered", EventAddRefund, testNow, info))
	info2 := map[string]any{"refundId": 2, "orderId": 1, "status": 30, "updateTime": testNow.UnixMilli() + 1}
	next := encrypt(t, refundPush(t, "e2", EventUpdateRefund, testNow, info2))
	old := encrypt(t, refundPush(t, "e0", EventAddRefund, testNow.Add(-10*time.Minute), info))
	type step struct {
		name      string
		body      string
		fail      bool
		wantCode  int
		wantCalls int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"replay acknowledged, not applied", []step{
			{"first", first, false, 200, 1},
			{"replay", first, false, 200, 1},
			{"same event, eventId changed", sameEventNewID, false, 200, 1},
			{"next event", next, false, 200, 2},
		}},
		{"failed apply is applied on redelivery", []step{
			{"first fails", first, true, 500, 1},
			{"redelivery", first, false, 200, 2},
			{"replay", first, false, 200, 2},
		}},
		{"old push refused", []step{
			{"old", old, false, 400, 0},
		}},
		{"heartbeats are never deduplicated away", []step{
			{"heartbeat", "watm3Pt/wCJGbPJJXW0XpA==", false, 200, 0},
			{"heartbeat again", "watm3Pt/wCJGbPJJXW0XpA==", false, 200, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, fail := 0, false
			h := NewPushHandler(testMsgKey, func() time.Time { return testNow }, func(_ context.Context, e adapters.Event) error {
				calls++
				if e.AfterSaleID != "2" || e.OrderID != "1" || e.At.IsZero() {
					t.Errorf("event %+v", e)
				}
				if fail {
					return errors.New("store busy")
				}
				return nil
			})
			for _, s := range tt.steps {
				fail = s.fail
				got := post(h, s.body)
				if got.status != s.wantCode || calls != s.wantCalls {
					t.Fatalf("%s: answer %d %s calls %d, want %d calls %d", s.name, got.status, got.body, calls, s.wantCode, s.wantCalls)
				}
			}
		})
	}
}

func TestPushWindowOption(t *testing.T) {
	body := encrypt(t, refundPush(t, "e1", EventAddRefund, testNow.Add(-20*time.Minute), map[string]any{"refundId": 2}))
	calls := 0
	h := NewPushHandler(testMsgKey, func() time.Time { return testNow }, func(context.Context, adapters.Event) error { calls++; return nil },
		adapters.WithPushWindow(30*time.Minute))
	if got := post(h, body); got.status != 200 || calls != 1 {
		t.Fatalf("a 20-minute-old push with a 30-minute window: %d %s calls %d", got.status, got.body, calls)
	}
}
