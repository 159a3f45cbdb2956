package wechat

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/notify"
)

func TestIdentities(t *testing.T) {
	type step struct {
		newLogin bool // UserNames of the previous login are gone
		c        contact
		want     string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"remark name is the id", []step{
			{c: contact{UserName: "@a", RemarkName: "店主", NickName: "老板娘"}, want: "店主"},
		}},
		{"a nickname never passes for a remark", []step{
			{c: contact{UserName: "@a", NickName: "店主"}, want: nickPrefix + "店主"},
		}},
		{"same nickname across logins keeps the id", []step{
			{c: contact{UserName: "@a", NickName: "小王", AttrStatus: 7}, want: nickPrefix + "小王"},
			{newLogin: true, c: contact{UserName: "@b", NickName: "小王", AttrStatus: 7}, want: nickPrefix + "小王"},
		}},
		{"namesakes told apart by attr status across logins", []step{
			{c: contact{UserName: "@a", NickName: "阿花", AttrStatus: 1}, want: nickPrefix + "阿花"},
			{c: contact{UserName: "@b", NickName: "阿花", AttrStatus: 2}, want: nickPrefix + "阿花#2"},
			{newLogin: true, c: contact{UserName: "@c", NickName: "阿花", AttrStatus: 2}, want: nickPrefix + "阿花#2"},
			{c: contact{UserName: "@d", NickName: "阿花", AttrStatus: 1}, want: nickPrefix + "阿花"},
		}},
		{"namesakes without attributes still get distinct ids in one login", []step{
			{c: contact{UserName: "@a", NickName: "小李"}, want: nickPrefix + "小李"},
			{c: contact{UserName: "@b", NickName: "小李"}, want: nickPrefix + "小李#2"},
			{c: contact{UserName: "@a", NickName: "小李"}, want: nickPrefix + "小李"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ids.json")
			ids, err := openIdentities(path)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				if s.newLogin {
					// A restart: the mapping comes back from the file.
					if ids, err = openIdentities(path); err != nil {
						t.Fatal(err)
					}
				}
				got, err := ids.resolve(s.c)
				if err != nil {
					t.Fatal(err)
				}
				if got != s.want {
					t.Errorf("step %d: resolve(%+v) = %q, want %q", i, s.c, got, s.want)
				}
			}
		})
	}
}

func TestLimiterSlots(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		interval  time.Duration
		jitter    time.Duration
		perMinute int
		n         int
		want      []time.Duration // slot offsets from t0
	}{
		{"spaced by interval and jitter", time.Second, 500 * time.Millisecond, 0, 3,
			[]time.Duration{0, 1500 * time.Millisecond, 3 * time.Second}},
		{"per-minute cap waits for the window", time.Second, 0, 3, 5,
			[]time.Duration{0, time.Second, 2 * time.Second, time.Minute, time.Minute + time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &limiter{interval: tt.interval, perMinute: tt.perMinute, now: func() time.Time { return t0 },
				jitter: func() time.Duration { return tt.jitter }}
			for i := 0; i < tt.n; i++ {
				if got := l.reserve().Sub(t0); got != tt.want[i] {
					t.Errorf("slot %d = +%s, want +%s", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestLimiterIdleSendsAtOnce(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var slept []time.Duration
	l := &limiter{interval: time.Second, perMinute: 20, now: func() time.Time { return now },
		jitter: func() time.Duration { return time.Second },
		sleep:  func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil }}
	ctx := context.Background()
	l.wait(ctx)
	l.wait(ctx)
	now = now.Add(time.Hour)
	l.wait(ctx)
	if want := []time.Duration{2 * time.Second}; len(slept) != 1 || slept[0] != want[0] {
		t.Errorf("slept %v, want %v", slept, want)
	}
}

func TestQueuesKeepOrderPerKey(t *testing.T) {
	q := newQueues()
	var mu sync.Mutex
	got := map[string][]int{}
	release := make(chan struct{})
	otherDone := make(chan struct{})
	for i := 0; i < 50; i++ {
		q.add("a", func() {
			if i == 0 {
				<-release // "a" is stuck: "b" must still run
			}
			mu.Lock()
			got["a"] = append(got["a"], i)
			mu.Unlock()
		})
	}
	q.add("b", func() { close(otherDone) })
	select {
	case <-otherDone:
	case <-time.After(5 * time.Second):
		t.Fatal("a slow buyer held up another buyer")
	}
	close(release)
	q.wait()
	for i, v := range got["a"] {
		if v != i {
			t.Fatalf("order = %v, want 0..49", got["a"])
		}
	}
	if len(got["a"]) != 50 {
		t.Fatalf("ran %d jobs, want 50", len(got["a"]))
	}
}

func TestStripMentions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"@小店客服\u2005我要退款", "我要退款"},
		{"我要退款 @小店客服", "我要退款"},
		{"@小店客服 @老板 换货", "换货"},
		{"没有提到", "没有提到"},
	}
	for _, tt := range tests {
		if got := stripMentions(tt.in); got != tt.want {
			t.Errorf("stripMentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// fakeAccount is a logged-in session in memory.
type fakeAccount struct {
	list     []contact
	mu       sync.Mutex
	sent     []fakeSent // To is the UserName here
	failNext int
	ended    chan error
	ctx      context.Context // the session's: Run's context
}

func (a *fakeAccount) contacts(context.Context) ([]contact, error) { return a.list, nil }
func (a *fakeAccount) sendText(_ context.Context, userName, text string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failNext > 0 {
		a.failNext--
		return errors.New("ret 1205: operate too often")
	}
	a.sent = append(a.sent, fakeSent{To: userName, Text: text})
	return nil
}
func (a *fakeAccount) wait() error {
	select {
	case err := <-a.ended:
		return err
	case <-a.ctx.Done():
		return a.ctx.Err()
	}
}
func (a *fakeAccount) close() {}
func (a *fakeAccount) sentList() []fakeSent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]fakeSent(nil), a.sent...)
}

// fakeConnector hands out queued accounts; an error entry is a failed login.
type fakeConnector struct {
	mu      sync.Mutex
	results []any // *fakeAccount or error
	on      func(incoming)
	calls   int
}

func (f *fakeConnector) connect(ctx context.Context, on func(incoming)) (account, error) {
	f.mu.Lock()
	f.calls++
	if len(f.results) == 0 {
		f.mu.Unlock()
		<-ctx.Done()
		return nil, ctx.Err()
	}
	r := f.results[0]
	f.results = f.results[1:]
	f.on = on
	f.mu.Unlock()
	if err, ok := r.(error); ok {
		return nil, err
	}
	a := r.(*fakeAccount)
	a.ctx = ctx
	return a, nil
}

// recorder is the engine as far as the channel sees it.
type recorder struct {
	mu   sync.Mutex
	msgs []bot.Message
	ch   *Channel
}

// Handle records the message and answers through the channel, as the engine does.
func (r *recorder) Handle(ctx context.Context, m bot.Message) error {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
	return r.ch.Send(ctx, m.From, "收到:"+m.Text)
}

func (r *recorder) messages() []bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Message(nil), r.msgs...)
}

type unitRig struct {
	ch     *Channel
	conn   *fakeConnector
	rec    *recorder
	status *statusSink
	slept  chan time.Duration
	cancel context.CancelFunc
	done   chan struct{}
}

var unitContacts = []contact{
	{UserName: "@boss", RemarkName: "店主", NickName: "老板娘"},
	{UserName: "@wang", NickName: "小王", AttrStatus: 5},
	{UserName: "@@group", NickName: "售后群", Group: true},
	{UserName: "@@alerts", NickName: "提醒群", Group: true},
}

func newUnitRig(t *testing.T, o Options, results ...any) *unitRig {
	t.Helper()
	o.DataDir = t.TempDir()
	o.Merchants = []string{"店主"}
	o.MinInterval, o.JitterMin, o.JitterMax = time.Nanosecond, time.Nanosecond, time.Nanosecond
	status := &statusSink{}
	o.Sinks = []notify.Sink{status}
	conn := &fakeConnector{results: results}
	ch, err := newChannel(o, conn)
	if err != nil {
		t.Fatal(err)
	}
	r := &unitRig{ch: ch, conn: conn, rec: &recorder{ch: ch}, status: status, slept: make(chan time.Duration, 100), done: make(chan struct{})}
	ch.sleep = func(ctx context.Context, d time.Duration) error { r.slept <- d; return ctx.Err() }
	var ctx context.Context
	ctx, r.cancel = context.WithCancel(context.Background())
	go func() { ch.Run(ctx, r.rec); close(r.done) }()
	t.Cleanup(func() { r.cancel(); <-r.done })
	return r
}

func newFakeAccount() *fakeAccount {
	return &fakeAccount{list: unitContacts, ended: make(chan error, 1)}
}

func (r *unitRig) push(in incoming) {
	r.conn.mu.Lock()
	on := r.conn.on
	r.conn.mu.Unlock()
	on(in)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (r *unitRig) online(t *testing.T) {
	waitFor(t, "online", func() bool { r.ch.mu.Lock(); defer r.ch.mu.Unlock(); return r.ch.acct != nil })
}

func TestChannelMessages(t *testing.T) {
	wang := contact{UserName: "@wang", NickName: "小王", AttrStatus: 5}
	boss := contact{UserName: "@boss", RemarkName: "店主", NickName: "老板娘"}
	group := contact{UserName: "@@group", NickName: "售后群", Group: true}
	stranger := contact{UserName: "@@x", NickName: "闲聊群", Group: true}
	tests := []struct {
		name     string
		in       incoming
		wantFrom string // "" = ignored
		wantKind bot.Kind
		wantText string
		wantTo   string // UserName the reply went to
		wantSaid string
	}{
		{"buyer text", incoming{id: "1", kind: kindText, from: wang, text: "我要退款"},
			nickPrefix + "小王", bot.KindText, "我要退款", "@wang", "收到:我要退款"},
		{"merchant is known by remark", incoming{id: "2", kind: kindText, from: boss, text: "列表"},
			"店主", bot.KindText, "列表", "@boss", "收到:列表"},
		{"@ in a served group answers in the group", incoming{id: "3", kind: kindText, from: contact{UserName: "@m1", NickName: "群友"}, group: &group, atMe: true, text: "@小店客服\u2005我要换货"},
			nickPrefix + "群友", bot.KindText, "我要换货", "@@group", "@群友\u2005收到:我要换货"},
		{"no @ in a served group is ignored", incoming{id: "4", kind: kindText, from: contact{UserName: "@m1", NickName: "群友"}, group: &group, text: "我要换货"},
			"", "", "", "", ""},
		{"@ in another group is ignored", incoming{id: "5", kind: kindText, from: contact{UserName: "@m1", NickName: "群友"}, group: &stranger, atMe: true, text: "@小店客服 退款"},
			"", "", "", "", ""},
		{"voice is saved and attached", incoming{id: "6", kind: kindVoice, from: wang, ext: ".mp3", fetch: func(w io.Writer) error { _, err := io.WriteString(w, "VOICE"); return err }},
			nickPrefix + "小王", bot.KindVoice, "", "@wang", "收到:"},
		{"emoticons and the like are ignored", incoming{id: "7", kind: kindIgnored, from: wang},
			"", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newFakeAccount()
			r := newUnitRig(t, Options{Shop: "demo", Groups: []string{"售后群"}}, acct)
			r.online(t)
			r.push(tt.in)
			// A marker message from someone else shows when the channel is done.
			r.push(incoming{id: "end", kind: kindText, from: boss, text: "end"})
			waitFor(t, "the marker", func() bool {
				for _, s := range acct.sentList() {
					if s.Text == "收到:end" {
						return true
					}
				}
				return false
			})
			if tt.wantFrom != "" {
				waitFor(t, "the message", func() bool { return len(r.rec.messages()) == 2 })
			}
			var got *bot.Message
			for _, m := range r.rec.messages() {
				if m.ID == tt.in.id {
					got = &m
				}
			}
			if tt.wantFrom == "" {
				if got != nil {
					t.Fatalf("message %+v handled, want ignored", *got)
				}
				return
			}
			if got == nil {
				t.Fatal("message not handled")
			}
			if got.From != tt.wantFrom || got.Kind != tt.wantKind || got.Text != tt.wantText || got.Shop != "demo" {
				t.Errorf("message = %+v, want from %q kind %q text %q", *got, tt.wantFrom, tt.wantKind, tt.wantText)
			}
			if tt.in.fetch != nil {
				b, err := os.ReadFile(got.Media)
				if err != nil || string(b) != "VOICE" || !strings.HasSuffix(got.Media, tt.in.id+tt.in.ext) {
					t.Errorf("media %q = %q, %v", got.Media, b, err)
				}
			}
			waitFor(t, "the reply", func() bool {
				for _, s := range acct.sentList() {
					if s.To == tt.wantTo && s.Text == tt.wantSaid {
						return true
					}
				}
				return false
			})
		})
	}
}

func TestChannelFriendRequests(t *testing.T) {
	newFriend := contact{UserName: "@new", NickName: "新客"}
	for _, auto := range []bool{true, false} {
		acct := newFakeAccount()
		r := newUnitRig(t, Options{AutoAcceptFriends: auto, FriendGreeting: "您好，我是售后客服"}, acct)
		r.online(t)
		accepted := false
		r.push(incoming{kind: kindFriendAdd, from: contact{UserName: "@req", NickName: "新客"}, text: "买了杯子",
			accept: func() (contact, error) { accepted = true; return newFriend, nil }})
		if auto {
			waitFor(t, "greeting", func() bool { s := acct.sentList(); return len(s) == 1 })
			if s := acct.sentList()[0]; !accepted || s.To != "@new" || s.Text != "您好，我是售后客服" {
				t.Errorf("auto accept: accepted=%v sent %+v", accepted, s)
			}
			continue
		}
		waitFor(t, "merchant told", func() bool { return len(acct.sentList()) == 1 })
		if s := acct.sentList()[0]; accepted || s.To != "@boss" || !strings.Contains(s.Text, "新客") || !strings.Contains(s.Text, "买了杯子") {
			t.Errorf("manual: accepted=%v sent %+v", accepted, s)
		}
	}
}

func TestChannelSink(t *testing.T) {
	acct := newFakeAccount()
	r := newUnitRig(t, Options{AlertGroup: "提醒群"}, acct)
	sink := r.ch.Sink()
	ctx := context.Background()
	// Offline: fail at once and retryably, so the engine's other sinks are not held up.
	err := sink.Send(ctx, notify.Alert{Text: "新售后单 A1"})
	if !errors.Is(err, ErrOffline) || !notify.Retryable(err) {
		t.Fatalf("offline Send = %v, want retryable ErrOffline", err)
	}
	r.online(t)
	if err := sink.Send(ctx, notify.Alert{Text: "新售后单 A1"}); err != nil {
		t.Fatal(err)
	}
	got := acct.sentList()
	if len(got) != 2 || got[0] != (fakeSent{"@boss", "新售后单 A1"}) || got[1] != (fakeSent{"@@alerts", "新售后单 A1"}) {
		t.Errorf("alert went to %+v, want the merchant and the alert group", got)
	}
	if err := r.ch.Send(ctx, "nobody", "hi"); !errors.Is(err, ErrUnknownContact) {
		t.Errorf("Send to unknown id = %v, want ErrUnknownContact", err)
	}
}

func TestChannelSendRetriesAndWaitsForLogin(t *testing.T) {
	first, second := newFakeAccount(), newFakeAccount()
	first.failNext = 1
	// StableAfter 1ms: the second session counts as stable at once, so 恢复 follows.
	r := newUnitRig(t, Options{StableAfter: time.Millisecond}, errors.New("scan timed out"), first, second)
	// The failed login backs off before the next try.
	if d := <-r.slept; d != 5*time.Second {
		t.Errorf("login backoff = %s, want 5s", d)
	}
	r.online(t)
	if err := r.ch.Send(context.Background(), "店主", "你好"); err != nil {
		t.Fatal(err)
	}
	if got := first.sentList(); len(got) != 1 || got[0].Text != "你好" {
		t.Errorf("sent %+v after one refused try, want the message once", got)
	}

	// The session ends: the sinks hear why, a reply waits for the next login.
	first.ended <- errors.New("ret 1101")
	waitFor(t, "logout alert", func() bool { return len(r.status.texts()) >= 1 })
	if s := r.status.texts()[0]; !strings.Contains(s, "微信掉线") || !strings.Contains(s, "ret 1101") {
		t.Errorf("logout alert = %q", s)
	}
	waitFor(t, "re-login", func() bool { return len(r.status.texts()) == 2 })
	if err := r.ch.Send(context.Background(), nickPrefix+"小王", "在的"); err != nil {
		t.Fatal(err)
	}
	if got := second.sentList(); len(got) != 1 || got[0] != (fakeSent{"@wang", "在的"}) {
		t.Errorf("second session sent %+v", got)
	}
}

func TestChannelSendGivesUpToOutbox(t *testing.T) {
	acct := newFakeAccount()
	acct.failNext = 100
	r := newUnitRig(t, Options{SendAttempts: 3}, acct)
	r.online(t)
	if err := r.ch.Send(context.Background(), "店主", "x"); err == nil {
		t.Fatal("Send succeeded with every attempt refused")
	}
	if acct.failNext != 97 {
		t.Errorf("attempts = %d, want 3", 100-acct.failNext)
	}
}

// A download past the media cap is refused, not written to the disk whole.
func TestCappedWriter(t *testing.T) {
	var b bytes.Buffer
	w := &cappedWriter{w: &b, left: 10}
	if _, err := w.Write([]byte("12345")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("1234567")); !errors.Is(err, errMediaTooLarge) {
		t.Fatalf("write past the cap: %v, want errMediaTooLarge", err)
	}
	if b.Len() != 5 {
		t.Fatalf("wrote %d bytes, want 5", b.Len())
	}
}
