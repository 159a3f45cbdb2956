package kuaishou

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

const testMsgKey = "MDEyMzQ1Njc4OWFiY2RlZg=="

func TestPushVector(t *testing.T) {
	ct, err := EncryptPush(testMsgKey, []byte(`{"test":true}`))
	if err != nil || ct != "watm3Pt/wCJGbPJJXW0XpA==" {
		t.Fatalf("EncryptPush=%q, %v, want watm3Pt/wCJGbPJJXW0XpA==", ct, err)
	}
	pt, err := DecryptPush(testMsgKey, []byte("watm3Pt/wCJGbPJJXW0XpA==\n"))
	if err != nil || string(pt) != `{"test":true}` {
		t.Fatalf("DecryptPush=%q, %v", pt, err)
	}
}

func TestDecryptPushRejects(t *testing.T) {
	tests := []struct{ name, key, body string }{
		{"not base64", testMsgKey, "***"},
		{"not a block multiple", testMsgKey, "YWJj"},
		{"wrong key: bad padding", "ZmVkY2JhOTg3NjU0MzIxMA==", "watm3Pt/wCJGbPJJXW0XpA=="},
		{"key not base64", "%%%", "watm3Pt/wCJGbPJJXW0XpA=="},
		{"key wrong length", "YWJj", "watm3Pt/wCJGbPJJXW0XpA=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if pt, err := DecryptPush(tt.key, []byte(tt.body)); err == nil {
				t.Fatalf("DecryptPush=%q, want an error", pt)
			}
		})
	}
}

func TestParsePush(t *testing.T) {
	now := time.UnixMilli(1700000500000)
	tests := []struct {
		name      string
		plain     string
		want      *adapters.Event
		heartbeat bool
		err       bool
	}{
		{"heartbeat", `{"test":true}`, nil, true, false},
		{"add refund", `{"eventId":"e1","event":"kwaishop_aftersales_addRefund","createTime":1700000000000,"info":"{\"orderId\":2617801683312294,\"refundId\":2410000123456789,\"handlingWay\":10,\"status\":10,\"createTime\":1699999999000}"}`,
			&adapters.Event{Platform: Name, Kind: adapters.EventCreated, AfterSaleID: "2410000123456789", OrderID: "2617801683312294", At: time.UnixMilli(1699999999000)}, false, false},
		{"update with deadline", `{"eventId":"e2","event":"kwaishop_aftersales_updateRefund","info":"{\"orderId\":1,\"refundId\":2,\"status\":30,\"updateTime\":1700000001000,\"expireTime\":1700600000000}"}`,
			&adapters.Event{Platform: Name, Kind: adapters.EventUpdated, AfterSaleID: "2", OrderID: "1", Deadline: time.UnixMilli(1700600000000), At: time.UnixMilli(1700000001000)}, false, false},
		{"update to closed", `{"eventId":"e3","event":"kwaishop_aftersales_updateRefund","info":"{\"orderId\":1,\"refundId\":3,\"status\":70}"}`,
			&adapters.Event{Platform: Name, Kind: adapters.EventClosed, AfterSaleID: "3", OrderID: "1", At: now}, false, false},
		{"other event ignored", `{"eventId":"e4","event":"kwaishop_order_paySuccess","info":"{}"}`, nil, false, false},
		{"not JSON", `nope`, nil, false, true},
		{"info not JSON", `{"event":"kwaishop_aftersales_addRefund","info":"x"}`, nil, false, true},
		{"no refund id", `{"event":"kwaishop_aftersales_addRefund","info":"{\"orderId\":1}"}`, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, hb, err := ParsePush([]byte(tt.plain), now)
			if (err != nil) != tt.err || hb != tt.heartbeat {
				t.Fatalf("err=%v heartbeat=%v, want error %v heartbeat %v", err, hb, tt.err, tt.heartbeat)
			}
			if (ev == nil) != (tt.want == nil) {
				t.Fatalf("event=%+v, want %+v", ev, tt.want)
			}
			if ev != nil && (ev.Platform != tt.want.Platform || ev.Kind != tt.want.Kind || ev.AfterSaleID != tt.want.AfterSaleID ||
				ev.OrderID != tt.want.OrderID || !ev.Deadline.Equal(tt.want.Deadline) || !ev.At.Equal(tt.want.At)) {
				t.Fatalf("event=%+v, want %+v", *ev, *tt.want)
			}
		})
	}
}

func TestPushHandler(t *testing.T) {
	enc := func(s string) string {
		ct, err := EncryptPush(testMsgKey, []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return ct
	}
	add := `{"eventId":"e1","event":"kwaishop_aftersales_addRefund","createTime":1700000000000,"info":"{\"orderId\":1,\"refundId\":2,\"status\":10}"}`
	tests := []struct {
		name       string
		body       string
		handlerErr error
		wantStatus int
		wantBody   string
		wantCalls  int
	}{
		{"heartbeat", "watm3Pt/wCJGbPJJXW0XpA==", nil, 200, `{"result":1}`, 0},
		{"event", enc(add), nil, 200, `{"result":1}`, 1},
		{"handler fails: redeliver", enc(add), errors.New("store down"), 500, `{"result":0,"error_msg":"retry later"}`, 1},
		{"garbage", "bm90IGVuY3J5cHRlZA==", nil, 400, `{"result":0,"error_msg":"rejected"}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			h := NewPushHandler(testMsgKey, func() time.Time { return testNow }, func(_ context.Context, e adapters.Event) error {
				calls++
				if e.AfterSaleID != "2" || e.Kind != adapters.EventCreated {
					t.Errorf("event=%+v", e)
				}
				return tt.handlerErr
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/push/kuaishou", strings.NewReader(tt.body)))
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != tt.wantStatus || string(body) != tt.wantBody || calls != tt.wantCalls {
				t.Fatalf("answer %d %s calls %d, want %d %s %d", rec.Code, body, calls, tt.wantStatus, tt.wantBody, tt.wantCalls)
			}
		})
	}
}
