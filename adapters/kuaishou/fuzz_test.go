package kuaishou

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

// FuzzPush: encrypted push bodies and their plaintext are outside input; neither the
// decryption nor the parser may panic, and an event always names its refund (other
// events and heartbeats give none).
func FuzzPush(f *testing.F) {
	const key = "MDEyMzQ1Njc4OWFiY2RlZg=="
	f.Add([]byte("watm3Pt/wCJGbPJJXW0XpA=="))
	f.Add([]byte("not base64"))
	f.Add([]byte(""))
	f.Add([]byte(`{"event":"kwaishop_aftersales_addRefund","info":"{\"refundId\":2410000123456789}"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if plain, err := DecryptPush(key, body); err == nil {
			checkParse(t, plain)
		}
		checkParse(t, body)
	})
}

func checkParse(t *testing.T, plain []byte) {
	ev, heartbeat, err := ParsePush(plain, time.Unix(1700000000, 0))
	if err == nil && !heartbeat && ev != nil && ev.AfterSaleID == "" {
		t.Fatalf("event without refund id from %q: %+v", plain, ev)
	}
}

// FuzzPushHandlerAnswers: whatever arrives, the handler gives one of two answers, the
// acknowledgement or the one fixed rejection, and applies an event only with the former.
func FuzzPushHandlerAnswers(f *testing.F) {
	const key = "MDEyMzQ1Njc4OWFiY2RlZg=="
	now := time.UnixMilli(1700000000000)
	for _, plain := range []string{
		`{"test":true}`,
		`{"eventId":"e1","event":"kwaishop_aftersales_updateRefund","createTime":1700000000000,"info":"{\"refundId\":2,\"status\":70}"}`,
		`{"eventId":"e2","event":"kwaishop_order_paySuccess","createTime":1700000000000,"info":"{}"}`,
		`not json`,
	} {
		ct, _ := EncryptPush(key, []byte(plain))
		f.Add([]byte(ct))
	}
	f.Add([]byte("***"))
	f.Fuzz(func(t *testing.T, body []byte) {
		applied := 0
		h := NewPushHandler(key, func() time.Time { return now }, func(_ context.Context, e adapters.Event) error {
			applied++
			if e.AfterSaleID == "" || e.At.IsZero() {
				t.Fatalf("event %+v from %q", e, body)
			}
			return nil
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body)))
		switch got := rec.Body.String(); {
		case rec.Code == http.StatusOK && got == `{"result":1}`:
		case rec.Code == http.StatusBadRequest && got == string(rejectBody):
			if applied != 0 {
				t.Fatalf("rejected %q after applying it", body)
			}
		default:
			t.Fatalf("answer %d %s to %q", rec.Code, got, body)
		}
	})
}
