package wecomkf

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patrickmn/go-cache"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/notify"
)

func TestCrypterOpen(t *testing.T) {
	const corp = "ww0123456789abcdef"
	c, err := newCrypter(cbToken, aesKey, corp)
	if err != nil {
		t.Fatal(err)
	}
	good := wecomEncrypt(t, "<xml>hello</xml>", corp)
	other := wecomEncrypt(t, "<xml>hello</xml>", "wwANOTHERCORP")
	tampered := []byte(good)
	tampered[10] ^= 1
	tests := []struct {
		name, sig, enc, want string
		wantErr              bool
	}{
		{"good", wecomSign(cbToken, "1", "n", good), good, "<xml>hello</xml>", false},
		{"wrong token", wecomSign("other", "1", "n", good), good, "", true},
		{"signature of another body", wecomSign(cbToken, "1", "n", other), good, "", true},
		{"another corp", wecomSign(cbToken, "1", "n", other), other, "", true},
		{"tampered after signing", wecomSign(cbToken, "1", "n", good), string(tampered), "", true},
		{"not base64", wecomSign(cbToken, "1", "n", "%%%"), "%%%", "", true},
		{"not whole blocks", wecomSign(cbToken, "1", "n", "AAAA"), "AAAA", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.open(tt.sig, "1", "n", tt.enc)
			if (err != nil) != tt.wantErr || string(got) != tt.want {
				t.Fatalf("open = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestNewCrypterChecksKey(t *testing.T) {
	for _, k := range []string{"", "short", strings.Repeat("!", 43), aesKey + "A"} {
		if _, err := newCrypter(cbToken, k, "ww1"); err == nil {
			t.Errorf("key %q accepted", k)
		}
	}
	if _, err := newCrypter("", aesKey, "ww1"); err == nil {
		t.Error("empty token accepted")
	}
}

func TestWindows(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	w := &windows{within: 48 * time.Hour, limit: 5, c: cache.New(time.Hour, time.Hour)}
	if _, ok := w.take("b", t0); !ok {
		t.Fatal("unknown buyer (after a restart) refused; the platform should decide")
	}
	w.open("b", t0)
	for i := range 5 {
		if why, ok := w.take("b", t0.Add(time.Duration(i)*time.Hour)); !ok {
			t.Fatalf("reply %d refused: %s", i+1, why)
		}
	}
	if why, ok := w.take("b", t0.Add(6*time.Hour)); ok || !strings.Contains(why, "5") {
		t.Fatalf("sixth reply = %q %v, want refused naming the 5-message limit", why, ok)
	}
	w.giveBack("b") // the fifth was not sent after all
	if _, ok := w.take("b", t0.Add(7*time.Hour)); !ok {
		t.Fatal("a given-back reply was not available again")
	}
	w.open("b", t0.Add(47*time.Hour)) // the buyer writes again
	if _, ok := w.take("b", t0.Add(94*time.Hour)); !ok {
		t.Fatal("reply 47h after the new message refused")
	}
	if why, ok := w.take("b", t0.Add(95*time.Hour)); ok || !strings.Contains(why, "48") {
		t.Fatalf("reply 48h after = %q %v, want refused naming 48 hours", why, ok)
	}
	w.open("b", t0) // an old message pulled again does not reopen the window
	if _, ok := w.take("b", t0.Add(96*time.Hour)); ok {
		t.Fatal("an old message re-pulled reopened the window")
	}
}

// recordSink records the channel's notices to the merchant.
type recordSink struct {
	mu    sync.Mutex
	texts []string
}

func (r *recordSink) Name() string { return "record" }
func (r *recordSink) Send(_ context.Context, a notify.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.texts = append(r.texts, a.Text)
	return nil
}
func (r *recordSink) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.texts, "\n")
}

// recordHandler records what reaches the engine.
type recordHandler struct {
	mu   sync.Mutex
	msgs []bot.Message
}

func (r *recordHandler) Handle(_ context.Context, m bot.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

// memCursors is a CursorStore in memory.
type memCursors struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *memCursors) Cursor(_ context.Context, name string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[name], nil
}
func (c *memCursors) SetCursor(_ context.Context, name, v string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[name] = v
	return nil
}

func newUnitChannel(t *testing.T, f *fakeQY, o Options) *Channel {
	t.Helper()
	o.CorpID, o.Secret, o.Token, o.EncodingAESKey = f.corpID, f.kfSecret, cbToken, aesKey
	if o.Accounts == nil {
		o.Accounts = map[string]string{e2eShop: e2eKf}
	}
	o.Cursors, o.BaseURL, o.MinInterval = &memCursors{m: map[string]string{}}, f.srv.URL, time.Microsecond
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMessageKinds: what each kind of customer message becomes for the engine, that
// servicer messages (origin 5) are not handled, and the events: the welcome sent once
// with its code, a failed send told to the merchant.
func TestMessageKinds(t *testing.T) {
	f := newFakeQY(t)
	f.addKf(e2eKf)
	sink := &recordSink{}
	c := newUnitChannel(t, f, Options{MediaDir: t.TempDir(), Sinks: []notify.Sink{sink}, Welcome: func(shop string) string { return "欢迎光临 " + shop }})
	f.codes["WELCOME1"] = true
	now := time.Now().Unix()
	add := func(origin int, m map[string]any) {
		m["origin"], m["send_time"] = origin, now
		if _, ok := m["external_userid"]; !ok {
			m["external_userid"] = "wmK"
		}
		m["msgid"] = "k" + string(rune('a'+len(f.msgs[e2eKf])))
		f.push(e2eKf, m)
	}
	add(3, map[string]any{"msgtype": "location", "location": map[string]any{"name": "万达广场", "address": "北京市朝阳区"}})
	add(3, map[string]any{"msgtype": "link", "link": map[string]any{"title": "商品页", "url": "https://shop.example/1"}})
	add(3, map[string]any{"msgtype": "miniprogram", "miniprogram": map[string]any{"title": "小店"}})
	add(3, map[string]any{"msgtype": "voice", "voice": map[string]any{"media_id": "GONE1"}})
	add(3, map[string]any{"msgtype": "text", "text": map[string]any{"content": "退款", "menu_id": "1"}})
	add(5, map[string]any{"msgtype": "text", "text": map[string]any{"content": "接待人员说的话"}})
	ev := func(e map[string]any) map[string]any {
		return map[string]any{"msgtype": "event", "external_userid": "", "event": e}
	}
	enter := ev(map[string]any{"event_type": "enter_session", "open_kfid": e2eKf, "external_userid": "wmK", "welcome_code": "WELCOME1"})
	add(4, enter)
	f.mu.Lock()
	f.msgs[e2eKf] = append(f.msgs[e2eKf], enter) // the same event pulled twice
	f.mu.Unlock()
	add(4, ev(map[string]any{"event_type": "msg_send_fail", "open_kfid": e2eKf, "external_userid": "wmK", "fail_msgid": "out9", "fail_type": 4}))
	add(4, ev(map[string]any{"event_type": "servicer_status_change", "servicer_userid": "LiSi", "status": 2}))
	// Media "GONE1" has expired (media_id lives 3 days): the download fails, and the
	// message still reaches the engine.

	h := &recordHandler{}
	c.pull(context.Background(), h, e2eKf, "")
	want := []struct {
		kind bot.Kind
		text string
	}{
		{bot.KindText, "[位置] 万达广场 北京市朝阳区"},
		{bot.KindText, "[链接] 商品页 https://shop.example/1"},
		{bot.KindText, "[小程序] 小店"},
		{bot.KindVoice, ""},
		{bot.KindText, "1"},
	}
	if len(h.msgs) != len(want) {
		t.Fatalf("engine got %d messages, want %d: %+v", len(h.msgs), len(want), h.msgs)
	}
	for i, w := range want {
		m := h.msgs[i]
		if m.Kind != w.kind || m.Text != w.text || m.From != BuyerID(e2eKf, "wmK") || m.Shop != e2eShop || !strings.HasPrefix(m.ID, "kf:") {
			t.Errorf("message %d = %+v, want %s %q from %s", i, m, w.kind, w.text, BuyerID(e2eKf, "wmK"))
		}
	}
	if f.refusals != 1 {
		t.Errorf("media/get refusals = %d, want the one expired media", f.refusals)
	}
	if len(f.onEvent) != 1 || str(mapOf(f.onEvent[0]["text"])["content"]) != "欢迎光临 "+e2eShop {
		t.Errorf("welcome messages = %v, want one 欢迎光临 with the code", f.onEvent)
	}
	if s := sink.all(); !strings.Contains(s, "【消息未送达】") || !strings.Contains(s, "48小时") {
		t.Errorf("merchant told %q, want the failed send and why", s)
	}
}

func TestCallbackHandler(t *testing.T) {
	f := newFakeQY(t)
	f.addKf(e2eKf)
	c := newUnitChannel(t, f, Options{})
	srv := httptest.NewServer(c.Handler())
	defer srv.Close()
	post := func(inner string, sign func(enc string) string) int {
		enc := wecomEncrypt(t, inner, f.corpID)
		q := url.Values{"msg_signature": {sign(enc)}, "timestamp": {"1"}, "nonce": {"n"}}
		resp, err := http.Post(srv.URL+"?"+q.Encode(), "text/xml", strings.NewReader("<xml><Encrypt><![CDATA["+enc+"]]></Encrypt></xml>"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ok := func(enc string) string { return wecomSign(cbToken, "1", "n", enc) }
	notice := func(kfid, token string) string {
		return "<xml><MsgType>event</MsgType><Event>kf_msg_or_event</Event><Token>" + token + "</Token><OpenKfId>" + kfid + "</OpenKfId></xml>"
	}
	if code := post(notice(e2eKf, "T1"), func(string) string { return "bad" }); code != http.StatusUnauthorized {
		t.Fatalf("forged callback answered %d, want 401", code)
	}
	select {
	case tok := <-c.wake[e2eKf]:
		t.Fatalf("a forged callback woke the puller (%q)", tok)
	default:
	}
	if code := post(notice("wkUNKNOWN", "T0"), ok); code != 200 {
		t.Fatalf("callback for an unknown account answered %d, want 200 (ignored)", code)
	}
	post(notice(e2eKf, "T1"), ok)
	post(notice(e2eKf, "T2"), ok) // before the puller ran: the newer token wins
	if tok := <-c.wake[e2eKf]; tok != "T2" {
		t.Fatalf("puller woken with %q, want the latest token T2", tok)
	}
	resp, err := http.Post(srv.URL, "text/xml", strings.NewReader("not xml"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("garbage callback answered %d, want 400", resp.StatusCode)
	}
}

// TestSendRetriesAndRefusals: a 5xx is retried and then left to the outbox (an error);
// an errcode no retry cures tells the merchant and returns nil; a buyer id of an
// unknown account goes to the merchant sender.
func TestSendRetriesAndRefusals(t *testing.T) {
	var mu sync.Mutex
	fails, calls := 0, 0
	code := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/cgi-bin/gettoken":
			w.Write([]byte(`{"errcode":0,"access_token":"tok","expires_in":7200}`))
		case "/cgi-bin/kf/send_msg":
			if r.URL.Query().Get("access_token") != "tok" {
				t.Errorf("send_msg without the token")
			}
			calls++
			if fails > 0 {
				fails--
				http.Error(w, "busy", http.StatusBadGateway)
				return
			}
			w.Write([]byte(`{"errcode":` + strconv.Itoa(code) + `,"errmsg":"x"}`))
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	}))
	defer srv.Close()
	sink := &recordSink{}
	c, err := New(Options{CorpID: "ww1", Secret: "s", Token: cbToken, EncodingAESKey: aesKey, Accounts: map[string]string{e2eShop: e2eKf},
		Cursors: &memCursors{m: map[string]string{}}, Sinks: []notify.Sink{sink}, BaseURL: srv.URL, MinInterval: time.Microsecond, SendAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	c.api.REST().SetRetryCount(0) // count Send's own attempts only
	c.sleep = func(context.Context, time.Duration) error { return nil }
	buyer := BuyerID(e2eKf, "wmX")
	ctx := context.Background()

	fails = 1
	if err := c.Send(ctx, buyer, "你好"); err != nil || calls != 2 {
		t.Fatalf("one 502 then ok: err %v after %d calls, want nil after 2", err, calls)
	}
	fails, calls = 5, 0
	if err := c.Send(ctx, buyer, "你好"); err == nil || calls != 2 {
		t.Fatalf("502s: err %v after %d calls, want an error after 2 attempts", err, calls)
	}
	fails, calls, code = 0, 0, 95001
	if err := c.Send(ctx, buyer, "您的退款已受理"); err != nil || calls != 1 {
		t.Fatalf("refused: err %v after %d calls, want nil after 1", err, calls)
	}
	if s := sink.all(); !strings.Contains(s, "【回复未送达】") || !strings.Contains(s, "95001") || !strings.Contains(s, "您的退款已受理") {
		t.Fatalf("merchant told %q, want the refused reply and its errcode", s)
	}
	// No merchant sender: a merchant's reply is logged, not an error the outbox keeps.
	if err := c.Send(ctx, "ZhangSan", "ok"); err != nil {
		t.Fatalf("merchant reply without a sender: %v", err)
	}
	var ae *APIError
	if _, err := c.api.sendMsg(ctx, e2eKf, "wmX", outMessage("x", "", nil, "")); !errors.As(err, &ae) || ae.Code != 95001 {
		t.Fatalf("api error = %v, want *APIError 95001", err)
	}
}

// TestFirstPullSkipsHistory: with no cursor stored, sync_msg returns days of history;
// only the last FirstBacklog is answered. With a cursor stored (a restart after a long
// stop) everything is answered.
func TestFirstPullSkipsHistory(t *testing.T) {
	f := newFakeQY(t)
	f.addKf(e2eKf)
	c := newUnitChannel(t, f, Options{})
	now := time.Now()
	for i, age := range []time.Duration{50 * time.Hour, 2 * time.Hour, time.Minute} {
		f.push(e2eKf, map[string]any{"msgid": "h" + strconv.Itoa(i), "external_userid": "wmH", "origin": 3, "send_time": now.Add(-age).Unix(),
			"msgtype": "text", "text": map[string]any{"content": "在吗"}})
	}
	h := &recordHandler{}
	c.pull(context.Background(), h, e2eKf, "")
	if len(h.msgs) != 1 || h.msgs[0].ID != "kf:h2" {
		t.Fatalf("first pull handled %+v, want only the message of a minute ago", h.msgs)
	}
	f.push(e2eKf, map[string]any{"msgid": "h3", "external_userid": "wmH", "origin": 3, "send_time": now.Add(-5 * time.Hour).Unix(),
		"msgtype": "text", "text": map[string]any{"content": "人呢"}})
	c.pull(context.Background(), h, e2eKf, "")
	if len(h.msgs) != 2 || h.msgs[1].ID != "kf:h3" {
		t.Fatalf("pull from a stored cursor handled %+v, want the 5-hour-old message too", h.msgs)
	}
}

// TestSyncRetried: a failing sync_msg is tried again before the pull gives up.
func TestSyncRetried(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/cgi-bin/gettoken":
			w.Write([]byte(`{"errcode":0,"access_token":"tok","expires_in":7200}`))
		case "/cgi-bin/kf/sync_msg":
			calls++
			if calls < 3 {
				w.Write([]byte(`{"errcode":-1,"errmsg":"system busy"}`))
				return
			}
			w.Write([]byte(`{"errcode":0,"next_cursor":"c1","has_more":0,"msg_list":[]}`))
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	}))
	defer srv.Close()
	cur := &memCursors{m: map[string]string{}}
	c, err := New(Options{CorpID: "ww1", Secret: "s", Token: cbToken, EncodingAESKey: aesKey, Accounts: map[string]string{e2eShop: e2eKf},
		Cursors: cur, BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var slept []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	c.pull(context.Background(), &recordHandler{}, e2eKf, "")
	if calls != 3 || cur.m[cursorName(e2eKf)] != "c1" || len(slept) != 2 || slept[1] != 2*slept[0] {
		t.Fatalf("calls %d, cursor %q, backoff %v; want 3 calls, c1 stored, doubling backoff", calls, cur.m[cursorName(e2eKf)], slept)
	}
}
