package kuaishou

import (
	"testing"
	"time"
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
