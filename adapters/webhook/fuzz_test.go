package webhook

import (
	"testing"
	"time"
)

// FuzzParseEvent: callbacks from the shop's system are outside input; no panic, and an
// accepted event always names its case.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(`{"event":"case.updated","id":"S-77","order_id":"A1001","status":"waiting_buyer","deadline":"2023-11-16T06:13:20+08:00"}`))
	f.Add([]byte(`{"event":"case.closed","id":""}`))
	f.Add([]byte(`{"event":"case.deadline","id":"x","deadline":"not a time"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseEvent(body, time.Unix(1700000000, 0))
		if err == nil && ev.AfterSaleID == "" {
			t.Fatalf("event without id accepted from %q", body)
		}
	})
}
