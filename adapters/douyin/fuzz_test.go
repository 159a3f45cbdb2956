package douyin

import (
	"testing"
	"time"
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
