package board

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
)

func TestForwardedAddr(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   string // "" = none
	}{
		{[]string{"203.0.113.9"}, "203.0.113.9"},
		{[]string{"1.2.3.4, 203.0.113.9"}, "203.0.113.9"},
		{[]string{"1.2.3.4", "203.0.113.9 "}, "203.0.113.9"},
		{[]string{"203.0.113.9:4711"}, "203.0.113.9"},
		{[]string{"[2001:db8::1]:4711"}, "2001:db8::1"},
		{[]string{"2001:db8::1"}, "2001:db8::1"},
		{[]string{"for=192.0.2.60;proto=https;by=203.0.113.43"}, "192.0.2.60"},
		{[]string{`for=1.1.1.1, for="[2001:db8:cafe::17]:4711"`}, "2001:db8:cafe::17"},
		{[]string{"1.2.3.4, unknown"}, ""},
		{[]string{""}, ""},
		{nil, ""},
	} {
		a, ok := forwardedAddr(tc.values)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tc.want {
			t.Errorf("forwardedAddr(%q) = %q, want %q", tc.values, got, tc.want)
		}
	}
	if k1, k2 := addrKey(netip.MustParseAddr("2001:db8::1")), addrKey(netip.MustParseAddr("2001:db8::ffff:2")); k1 != k2 || k1 != "2001:db8::/64" {
		t.Errorf("IPv6 keys %q, %q, want both 2001:db8::/64", k1, k2)
	}
	if k := addrKey(netip.MustParseAddr("::ffff:192.0.2.1")); k != "192.0.2.1" {
		t.Errorf("v4-mapped key %q", k)
	}
}

// The revocation set never holds more than its cap: when full, every session issued
// until then is void and the set starts over.
func TestRevocationsBounded(t *testing.T) {
	now := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	v := newRevocations()
	v.max = 100
	exp := now.Add(30 * 24 * time.Hour)
	issued := now.Add(-time.Hour)
	for i := range 1000 {
		v.revoke(fmt.Sprintf("id%d", i), exp, now)
		if n := v.ids.ItemCount(); n > v.max {
			t.Fatalf("after %d revocations the set holds %d, cap %d", i+1, n, v.max)
		}
	}
	for _, id := range []string{"id0", "id500", "id999"} {
		if !v.has(id, issued) {
			t.Errorf("%s not revoked", id)
		}
	}
	if v.has("never-revoked", issued) != true {
		t.Error("a session issued before the overflow survives it")
	}
	later := now.Add(time.Minute)
	if v.has("fresh", later) {
		t.Error("a session issued after the overflow is void")
	}
	v.revoke("gone", now.Add(-time.Second), now) // already expired: nothing to keep
	if _, ok := v.ids.Get("gone"); ok {
		t.Error("an expired session was kept in the set")
	}
}

func TestWeakTokenReasons(t *testing.T) {
	for tok, want := range map[string]string{
		"12345678":             "shorter than 16",
		"1234567890123456":     "only digits",
		"xyzxyzxyzxyzxyzxyz":   "repeats",
		"aabbaabbaabbaabbcc":   "too few different",
		"Password!Qwerty2024":  "common words",
		"1qaz2wsx3edc4rfv-xyz": "common words",
		"Xw3+9fJq0bT1s/kPZrM2": "",
	} {
		got := weakToken(tok)
		if (want == "") != (got == "") || (want != "" && !strings.Contains(got, want)) {
			t.Errorf("weakToken(%q) = %q, want %q", tok, got, want)
		}
	}
}

// The board shows the merchant Chinese for what the code records in English (a trial
// merchant saw "followup", "buyer_said", "request changed: human → return", "已同意
// released").
func TestCodeWordsShownInChinese(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{alertName(cases.AlertFollowUp), "买家追问"},
		{alertName(cases.AlertBuyerReplied), "买家已回复"},
		{alertName(cases.AlertBuyerSaid), "接管中买家来消息"},
		{alertName(cases.AlertGoodsBack), "买家已寄回"},
		{alertName(cases.AlertBuyerWithdrew), "同意后买家不要了"},
		{eventText(cases.Event{Kind: cases.EventUpdated, Text: "request changed: human → return"}), "改为退货退款（原为人工客服）"},
		{eventText(cases.Event{Kind: cases.EventUpdated, Text: "goods sent back: SF1234567890123"}), "买家已寄回，快递单号 SF1234567890123"},
		{stateChange(cases.Event{Kind: cases.EventState, From: cases.StateWaitingMerchant, To: cases.StateResolved, Text: "waiting_merchant→resolved released"}), "待商家处理 → 已同意 （释放，交回机器人）"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
