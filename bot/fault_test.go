package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters/webhook"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/internal/longtest"
)

const faultSecret = "whsec_fault_test"

// Fault modes of the fake shop system.
const (
	modeUp      = "up"
	modeDown    = "down"    // the connection drops before any answer
	modeFail    = "5xx"     // 503 on every call
	modeSlow    = "slow"    // answers long after the client's timeout
	modeGarbage = "garbage" // 200 with a body that is not JSON
)

// faultShop is the shop's own system behind the webhook protocol, switchable between
// healthy and broken. It checks every request it gets as the protocol demands.
type faultShop struct {
	t     *testing.T
	clock *fakeClock

	mu    sync.Mutex
	mode  string
	cases map[string]string // shop|case_id → the shop's id: a repeated post gets the same one
	calls map[string]int    // mode → requests answered in it
}

func (f *faultShop) setMode(m string) { f.mu.Lock(); f.mode = m; f.mu.Unlock() }

func (f *faultShop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("%s %s with content type %q, want POST application/json", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	body, err := webhook.VerifyRequest(r, faultSecret, f.clock.Now(), 5*time.Minute)
	if err != nil {
		f.t.Errorf("%s: %v", r.URL.Path, err)
		http.Error(w, `{"error":"bad signature"}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	mode := f.mode
	f.calls[mode]++
	f.mu.Unlock()
	switch mode {
	case modeDown:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	case modeFail:
		http.Error(w, `{"error":"maintenance"}`, http.StatusServiceUnavailable)
		return
	case modeSlow:
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
		return
	case modeGarbage:
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "<html>502 Bad Gateway</html>")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/orders/lookup":
		var in struct {
			OrderID string `json:"order_id"`
		}
		if err := json.Unmarshal(body, &in); err != nil || in.OrderID == "" {
			f.t.Errorf("lookup body %s: %v", body, err)
		}
		fmt.Fprintf(w, `{"id":%q,"buyer":"王女士","items":[{"title":"马克杯","sku":"MUG","qty":1,"price_fen":3900}],"paid_fen":3900,"status":"delivered","paid_at":"2026-11-20T10:00:00+08:00","courier":"韵达快递","tracking_no":"YD1","shipped_at":null,"delivered_at":null,"logistics":"已签收"}`, in.OrderID)
	case "/cases":
		var in struct {
			Shop     string   `json:"shop"`
			CaseID   string   `json:"case_id"`
			OrderID  string   `json:"order_id"`
			Kind     string   `json:"kind"`
			Evidence []string `json:"evidence"`
		}
		if err := json.Unmarshal(body, &in); err != nil || in.Shop != shopID || in.CaseID == "" || in.OrderID == "" || in.Evidence == nil {
			f.t.Errorf("case request %s: %v", body, err)
		}
		switch in.Kind {
		case "refund", "return", "exchange", "repair", "complaint":
		default:
			f.t.Errorf("case request kind %q", in.Kind)
		}
		f.mu.Lock()
		key := in.Shop + "|" + in.CaseID
		id, ok := f.cases[key]
		if !ok {
			id = "S-" + in.CaseID
			f.cases[key] = id
		}
		f.mu.Unlock()
		fmt.Fprintf(w, `{"id":%q,"deadline":null}`, id)
	default:
		f.t.Errorf("unexpected path %s", r.URL.Path)
		http.NotFound(w, r)
	}
}

// newFaultHarness runs the shop on the webhook platform against a switchable fake.
func newFaultHarness(t *testing.T) (*harness, *faultShop) {
	clock := &fakeClock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}
	fake := &faultShop{t: t, clock: clock, mode: modeUp, cases: map[string]string{}, calls: map[string]int{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, err := webhook.New(webhook.Options{BaseURL: srv.URL, Secret: faultSecret, Timeout: 100 * time.Millisecond,
		Retries: 1, RetryWait: time.Millisecond, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: t.Context(), path: filepath.Join(t.TempDir(), "cases.db"), platform: p, clock: clock, cfg: loadConfig(t),
		lookupTimeout: 30 * time.Millisecond}
	h.start()
	return h, fake
}

// TestPlatformFaultsLoseNoCase drives buyers through the engine while the shop's system
// is down, failing and slow: every buyer is answered and gets a case at once, and once
// the system is healthy again every case is registered there, exactly once.
func TestPlatformFaultsLoseNoCase(t *testing.T) {
	longtest.Skip(t, "platform fault runs")
	for _, u := range driveFaults(t, modeDown, modeFail, modeSlow) {
		t.Error(u)
	}
}

// TestGarbageAnswerIsRetried: a 200 whose body is not the protocol's JSON (a proxy's
// error page, a half-deployed shop system) says nothing about the case; the case must
// still reach the shop once it answers properly.
func TestGarbageAnswerIsRetried(t *testing.T) {
	for _, u := range driveFaults(t, modeGarbage) {
		t.Error(u)
	}
}

// driveFaults opens three cases under each fault mode in turn, lets retries fail, then
// heals the fake and lets the outbox catch up. It fails t for anything the buyer saw
// wrong, and returns the cases that did not sync for the caller to judge.
func driveFaults(t *testing.T, modes ...string) (unsynced []string) {
	t.Helper()
	h, fake := newFaultHarness(t)
	type opened struct{ buyer, caseID, mode string }
	var all []opened
	slowest := map[string]time.Duration{}
	for i, mode := range modes {
		fake.setMode(mode)
		for j := 0; j < 3; j++ {
			buyer := fmt.Sprintf("买家%d-%d", i, j)
			began := time.Now()
			got := h.say(buyer, fmt.Sprintf("订单%s 杯子碎了，我要退款", cupOrder))
			slowest[mode] = max(slowest[mode], time.Since(began))
			mustContain(t, got, "已为您登记退款")
			var id string
			for _, c := range h.liveCases() {
				if c.Buyer == buyer {
					id = c.ID
				}
			}
			if id == "" {
				t.Fatalf("%s: no case for %s after %q", mode, buyer, got)
			}
			if c := h.mustCase(id); c.PlatformRef != "" {
				t.Errorf("%s: case %s linked to %q while the platform was broken", mode, id, c.PlatformRef)
			}
			all = append(all, opened{buyer, id, mode})
			h.advance(7 * time.Second) // earlier cases' retries fall due, and fail again
		}
	}
	t.Logf("slowest buyer turn per fault (client timeout 100ms, 1 retry): %v", slowest)

	fake.setMode(modeUp)
	for range 12 { // backoff tops out at 10 minutes
		h.advance(10 * time.Minute)
	}
	for _, o := range all {
		c := h.mustCase(o.caseID)
		if tr := h.transcript(c.ID); len(tr) == 0 || !strings.Contains(tr[0], "杯子碎了") {
			t.Errorf("case %s transcript %q", c.ID, tr)
		}
		if c.PlatformRef != "S-"+c.ID {
			jobs, states, _ := h.store.Jobs(h.ctx, shopID, c.ID)
			unsynced = append(unsynced, fmt.Sprintf("case %s (opened while %s) not synced after recovery: ref %q, jobs %+v %v",
				c.ID, o.mode, c.PlatformRef, jobs, states))
		}
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	for _, m := range modes {
		if fake.calls[m] == 0 {
			t.Errorf("the fake never answered in mode %s: the fault was not exercised", m)
		}
	}
	if len(unsynced) == 0 && len(fake.cases) != len(all) {
		t.Errorf("shop system holds %d cases, want %d", len(fake.cases), len(all))
	}
	return unsynced
}

// TestSlowPlatformDoesNotDelayBuyer: the design promises a platform that is down delays
// the platform step, never the buyer's reply. The order lookup inside the buyer's turn
// gives up after the engine's lookup timeout (30ms here), well before the client's own
// timeout and retry (100ms × 2). Counted, not timed: a turn that waited for the client
// would have sent the hanging platform a second request (the retry) before answering.
func TestSlowPlatformDoesNotDelayBuyer(t *testing.T) {
	h, fake := newFaultHarness(t)
	fake.setMode(modeSlow)
	slowCalls := func() int { fake.mu.Lock(); defer fake.mu.Unlock(); return fake.calls[modeSlow] }
	// turn runs the buyer's turn alone (h.say would also run the due platform jobs,
	// which may take the client's time) and returns what the buyer was told and how many
	// requests the hanging platform got meanwhile.
	turn := func(from, text string) ([]string, int) {
		before := slowCalls()
		got, err := h.handle(textFrom(from, text))
		if err != nil {
			t.Fatalf("Handle(%q): %v", text, err)
		}
		var texts []string
		for _, r := range got {
			if r.To == from {
				texts = append(texts, r.Text)
			}
		}
		return texts, slowCalls() - before
	}
	got, calls := turn(buyer, fmt.Sprintf("订单%s 杯子碎了，我要退款", cupOrder))
	mustContain(t, got, "已为您登记退款")
	if calls > 1 {
		t.Errorf("buyer's turn sent the hanging platform %d requests: it waited for the client's retry", calls)
	}
	// Logistics: the buyer is answered too, without the platform's word.
	got, calls = turn("买家小王", "订单"+cupOrder+" 快递到哪了")
	if len(got) == 0 {
		t.Error("no answer to a logistics question while the platform hangs")
	}
	if calls > 1 {
		t.Errorf("logistics answer sent the hanging platform %d requests: it waited for the client's retry", calls)
	}
	// The case still reaches the shop once it answers again.
	fake.setMode(modeUp)
	h.advance(time.Minute)
	if c := h.mustCase("A1"); c.PlatformRef != "S-"+c.ID {
		t.Errorf("case %s not synced after the platform recovered: ref %q", c.ID, c.PlatformRef)
	}
}

// TestStoreDownGivesBusyAndLosesNothing closes the store under the engine: buyers get the
// busy reply (uncommitted, ID 0) with an error, and what was committed before survives
// when the store comes back.
func TestStoreDownGivesBusyAndLosesNothing(t *testing.T) {
	h := newHarness(t)
	h.cfg.Orders.VerifyOwner = false // several buyers on the one sample order
	h.start()
	mustContain(t, h.say(buyer, "订单"+cupOrder+" 杯子碎了，我要退款"), "已为您登记退款")
	if got := h.say(buyer, "我把照片发你了"); len(got) == 0 {
		t.Fatal("no reply to a follow-up")
	}
	before := h.liveCases()
	if len(before) != 1 {
		t.Fatalf("live cases before the fault: %+v", before)
	}
	id := before[0].ID
	trBefore := h.transcript(id)

	if err := h.store.Close(); err != nil {
		t.Fatal(err)
	}
	busy := h.cfg.Replies["busy"]
	for _, tc := range []struct{ from, text string }{
		{buyer, "怎么还没处理"},
		{"买家小李", "订单" + cupOrder + " 我要退货"},
		{"买家小张", "在吗"},
		{merchant, id + " 同意"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			// Delivering the busy reply must not touch the store: Handle's error is the
			// store's, and the reply still reaches the sender.
			replies, err := h.handle(textFrom(tc.from, tc.text))
			if err == nil || !strings.Contains(err.Error(), "closed") {
				t.Fatalf("Handle(%q) on a closed store: error %v, want the store's", tc.text, err)
			}
			want := busy
			if tc.from == merchant {
				want = "⚠️ 系统暂时无法保存：数据库已关闭（程序正在停止？）。这条指令没有执行，请稍后再发一次。"
			}
			if len(replies) != 1 || replies[0].To != tc.from || replies[0].Text != want {
				t.Fatalf("Handle(%q) on a closed store = %+v, want one uncommitted reply %q", tc.text, replies, want)
			}
		})
	}
	h.start() // the store comes back: a new process on the same file
	after := h.mustCase(id)
	if after.State != before[0].State || after.OrderID != cupOrder {
		t.Errorf("case after the fault %+v, before %+v", after, before[0])
	}
	if trAfter := h.transcript(id); joined(trAfter) != joined(trBefore) {
		t.Errorf("transcript changed across the fault:\nbefore %q\nafter  %q", trBefore, trAfter)
	}
	if live := h.liveCases(); len(live) != 1 {
		t.Errorf("live cases after the fault: %+v", live)
	}
	// And the desk works again.
	mustContain(t, h.say("买家小李", "订单"+cupOrder+" 我要退货"), "已为您登记退货")
}

func textFrom(from, text string) bot.Message {
	return bot.Message{Shop: shopID, From: from, Name: from, Kind: bot.KindText, Text: text}
}

// TestLongOutageTellsMerchantOnce: after about five minutes of failures the merchant is
// told, once per case, that the case is not on the platform yet; the bot keeps trying
// and the case syncs when the platform is back.
func TestLongOutageTellsMerchantOnce(t *testing.T) {
	h, fake := newFaultHarness(t)
	fake.setMode(modeFail)
	mustContain(t, h.say(buyer, "订单"+cupOrder+" 杯子碎了，我要退款"), "已为您登记退款")
	id := h.liveCases()[0].ID
	h.takeAlerts() // the new-case alert
	var syncAlerts []string
	for range 3 {
		h.advance(2 * time.Minute)
		for _, a := range h.takeAlerts() {
			if strings.Contains(a.Text, "平台同步失败") {
				syncAlerts = append(syncAlerts, a.Text)
			}
		}
	}
	if len(syncAlerts) != 0 {
		t.Fatalf("merchant alerted after 6 minutes of a failing platform — too early: %q", syncAlerts)
	}
	for range 12 {
		h.advance(5 * time.Minute)
		for _, a := range h.takeAlerts() {
			if strings.Contains(a.Text, "平台同步失败") {
				syncAlerts = append(syncAlerts, a.Text)
			}
		}
	}
	if len(syncAlerts) != 1 || !strings.Contains(syncAlerts[0], id) || !strings.Contains(syncAlerts[0], cupOrder) {
		t.Fatalf("alerts about the unsynced case after an hour: %q, want one naming %s and the order", syncAlerts, id)
	}
	fake.setMode(modeUp)
	h.advance(10 * time.Minute)
	if c := h.mustCase(id); c.PlatformRef != "S-"+id {
		t.Errorf("case %s not synced after recovery: ref %q", id, c.PlatformRef)
	}
}

// TestRejectedCaseTellsMerchant: a platform that refuses the case for good (a 4xx the
// protocol does not give a meaning to) parks the job and tells the merchant at once.
func TestRejectedCaseTellsMerchant(t *testing.T) {
	var calls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		if r.URL.Path == "/orders/lookup" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"x","status":"delivered","paid_fen":3900}`)
			return
		}
		if r.URL.Path != "/cases" {
			t.Errorf("unexpected path %s", r.URL.Path)
		}
		http.Error(w, `{"error":"order is archived"}`, http.StatusUnprocessableEntity)
	}))
	t.Cleanup(srv.Close)
	clock := &fakeClock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}
	p, err := webhook.New(webhook.Options{BaseURL: srv.URL, Secret: faultSecret, Timeout: 100 * time.Millisecond, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: t.Context(), path: filepath.Join(t.TempDir(), "cases.db"), platform: p, clock: clock, cfg: loadConfig(t)}
	h.start()
	mustContain(t, h.say(buyer, "订单"+cupOrder+" 杯子碎了，我要退款"), "已为您登记退款")
	var found bool
	for _, a := range h.takeAlerts() {
		if strings.Contains(a.Text, "平台同步失败") && strings.Contains(a.Text, "A1") {
			found = true
		}
	}
	if !found {
		t.Fatal("no 平台同步失败 alert after the platform refused the case")
	}
	mu.Lock()
	before := calls
	mu.Unlock()
	h.advance(time.Hour)
	mu.Lock()
	defer mu.Unlock()
	if calls != before {
		t.Errorf("a refused case was posted again: %d more calls", calls-before)
	}
}
