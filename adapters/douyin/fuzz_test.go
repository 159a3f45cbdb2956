package douyin

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

// FuzzParsePush: push bodies come from the network; no panic, and no event without the
// after-sale id the engine files it under.
func FuzzParsePush(f *testing.F) {
	f.Add([]byte(`[{"tag":"200","msg_id":"7000000000000000000","data":"{\"aftersale_id\":7000000000000000001,\"p_id\":4781320682406083640}"}]`))
	f.Add([]byte(`[{"tag":"209","msg_id":"1","data":"{\"aftersale_id\":\"1\"}"}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"tag":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := ParsePush(body, time.Unix(1700000000, 0))
		if err != nil {
			return
		}
		for _, ev := range events {
			if ev.AfterSaleID == "" {
				t.Fatalf("event without after-sale id from %q: %+v", body, ev)
			}
		}
	})
}

// FuzzPushHandlerAnswers: whatever arrives, signed or not, the handler gives one of two
// answers, the acknowledgement or the one fixed rejection.
func FuzzPushHandlerAnswers(f *testing.F) {
	now := time.Unix(1700000000, 0)
	f.Add([]byte(`[{"tag":"207","msg_id":"1","data":"{\"aftersale_id\":1,\"update_time\":1700000000}"}]`), true)
	f.Add([]byte(`[{"tag":"209","msg_id":"2","data":"{\"aftersale_id\":1,\"status_deadline\":1700090000}"}]`), true)
	f.Add([]byte(`[{"tag":"200","msg_id":"3","data":"{\"aftersale_id\":1,\"apply_time\":1600000000}"}]`), true)
	f.Add([]byte(`[]`), false)
	f.Fuzz(func(t *testing.T, body []byte, sign bool) {
		h := NewPushHandler(testAppKey, testSecret, func() time.Time { return now }, func(_ context.Context, e adapters.Event) error {
			if e.AfterSaleID == "" || len(e.AfterSaleID) > adapters.MaxIDBytes || e.At.IsZero() {
				t.Fatalf("event %+v from %q", e, body)
			}
			if !e.Deadline.IsZero() && !adapters.SaneDeadline(e.Deadline, e.At).Equal(e.Deadline) {
				t.Fatalf("insane deadline %v in %+v", e.Deadline, e)
			}
			return nil
		})
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		if sign {
			req.Header.Set("event-sign", signPush(string(body)))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch got := rec.Body.String(); {
		case rec.Code == http.StatusOK && got == `{"code":0,"msg":"success"}`:
		case rec.Code == http.StatusBadRequest && got == string(rejectBody):
		default:
			t.Fatalf("answer %d %s to %q", rec.Code, got, body)
		}
	})
}
