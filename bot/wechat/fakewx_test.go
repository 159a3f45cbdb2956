package wechat

import (
	"crypto/md5"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fake speaks web WeChat as openwechat v1.4.10 calls it in desktop (UOS) mode. It
// checks every request the way the real server would refuse it (credentials, tickets,
// the desktop headers) and fails the test on any request it does not expect.

const (
	fakeAppID    = "wx782c26e4c19acffb"
	fakeDomain   = "wx2.qq.com"
	fakeUin      = int64(2000123456)
	fakeTicket   = "ticket-abc"
	fakeSelfNick = "小店客服"
)

// fakeUser is a contact as the server knows it; its UserName depends on the login.
type fakeUser struct {
	Key, Nick, Remark string
	Attr              int64
	Group             bool
	Members           []string // keys of group members
}

type fakeSent struct {
	To   string // the user's key, not the per-login UserName
	Text string
}

type fakeWX struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	users      []fakeUser
	uuid       int // current QR uuid number
	scanned    func(uuid string) bool
	pushUUID   string
	session    int // login session number; 0 = none
	sid, skey  string
	pass       string
	gen        int // webwxinit count: UserNames change with it
	syncKey    int64
	inbox      []map[string]any
	wake       chan struct{}
	loggedOut  bool // the phone logged the web session out
	sent       []fakeSent
	inits      int
	pushLogins int
	media      map[string][]byte // MsgId → picture bytes
}

func newFakeWX(t *testing.T, users []fakeUser) *fakeWX {
	f := &fakeWX{t: t, users: users, wake: make(chan struct{}, 1), syncKey: 1, media: map[string][]byte{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// transport sends every WeChat host to the fake, keeping the original host for it.
func (f *fakeWX) transport() http.RoundTripper {
	addr := f.srv.Listener.Addr().String()
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r2 := r.Clone(r.Context())
		r2.URL.Scheme, r2.URL.Host, r2.Host = "http", addr, r.URL.Host
		return http.DefaultTransport.RoundTrip(r2)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (f *fakeWX) userName(key string) string {
	sum := md5.Sum([]byte(fmt.Sprintf("%d/%s", f.gen, key)))
	return fmt.Sprintf("@%x", sum)
}

func (f *fakeWX) groupName(key string) string { return "@" + f.userName(key) }

func (f *fakeWX) nameOf(u fakeUser) string {
	if u.Group {
		return f.groupName(u.Key)
	}
	return f.userName(u.Key)
}

func (f *fakeWX) keyOf(userName string) (string, bool) {
	if userName == f.userName("self") {
		return "self", true
	}
	for _, u := range f.users {
		if f.nameOf(u) == userName {
			return u.Key, true
		}
	}
	return "", false
}

func (f *fakeWX) user(key string) fakeUser {
	for _, u := range f.users {
		if u.Key == key {
			return u
		}
	}
	f.t.Fatalf("fake: no user %q", key)
	return fakeUser{}
}

// deliver queues a message from a user (or a group member) to the bot.
func (f *fakeWX) deliver(msg map[string]any) {
	f.mu.Lock()
	f.inbox = append(f.inbox, msg)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// text makes a text message from a friend in the current login's UserNames.
func (f *fakeWX) text(msgID, fromKey, content string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return map[string]any{"MsgId": msgID, "NewMsgId": 1, "MsgType": 1, "Content": content, "CreateTime": time.Now().Unix(),
		"FromUserName": f.userName(fromKey), "ToUserName": f.userName("self")}
}

func (f *fakeWX) picture(msgID, fromKey string, data []byte) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.media[msgID] = data
	return map[string]any{"MsgId": msgID, "MsgType": 3, "Content": "", "CreateTime": time.Now().Unix(),
		"FromUserName": f.userName(fromKey), "ToUserName": f.userName("self")}
}

func (f *fakeWX) sentTo(key string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.sent {
		if s.To == key {
			out = append(out, s.Text)
		}
	}
	return out
}

// logout makes the next sync check report that the phone logged the session out.
func (f *fakeWX) logout() {
	f.mu.Lock()
	f.loggedOut = true
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *fakeWX) refuse(w http.ResponseWriter, r *http.Request, format string, args ...any) {
	f.t.Errorf("fake wechat: %s %s%s: %s", r.Method, r.Host, r.URL.Path, fmt.Sprintf(format, args...))
	writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1, "ErrMsg": "bad request"}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (f *fakeWX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ua := r.Header.Get("User-Agent"); !strings.Contains(ua, "UOS") {
		f.refuse(w, r, "user agent %q is not the desktop (UOS) one", ua)
		return
	}
	q := r.URL.Query()
	const cgi = "/cgi-bin/mmwebwx-bin/"
	switch host, path := r.Host, r.URL.Path; {
	case host == "login.wx.qq.com" && path == "/jslogin":
		f.jslogin(w, r, q)
	case host == "login.wx.qq.com" && path == cgi+"login":
		f.loginPoll(w, r, q)
	case host == fakeDomain && path == cgi+"webwxnewloginpage":
		f.newLoginPage(w, r, q)
	case host == fakeDomain && path == cgi+"webwxpushloginurl":
		f.pushLogin(w, r, q)
	case host == fakeDomain && path == cgi+"webwxinit":
		f.webInit(w, r)
	case host == fakeDomain && path == cgi+"webwxstatusnotify":
		f.statusNotify(w, r, q)
	case host == fakeDomain && path == cgi+"webwxgetcontact":
		f.getContact(w, r, q)
	case host == fakeDomain && path == cgi+"webwxbatchgetcontact":
		f.batchGetContact(w, r)
	case host == "webpush."+fakeDomain && path == cgi+"synccheck":
		f.syncCheck(w, r, q)
	case host == fakeDomain && path == cgi+"webwxsync":
		f.sync(w, r, q)
	case host == fakeDomain && path == cgi+"webwxsendmsg":
		f.sendMsg(w, r, q)
	case host == fakeDomain && path == cgi+"webwxgetmsgimg":
		f.getMsgImg(w, r, q)
	default:
		f.t.Errorf("fake wechat: unexpected request %s %s%s", r.Method, host, path)
		http.NotFound(w, r)
	}
}

func (f *fakeWX) jslogin(w http.ResponseWriter, r *http.Request, q url.Values) {
	want := "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop"
	if r.Method != http.MethodGet || q.Get("appid") != fakeAppID || q.Get("fun") != "new" || q.Get("redirect_uri") != want {
		f.refuse(w, r, "jslogin query %v", q)
		return
	}
	f.mu.Lock()
	f.uuid++
	uuid := fmt.Sprintf("QRuuid%d", f.uuid)
	f.mu.Unlock()
	fmt.Fprintf(w, `window.QRLogin.code = 200; window.QRLogin.uuid = "%s";`, uuid)
}

func (f *fakeWX) loginPoll(w http.ResponseWriter, r *http.Request, q url.Values) {
	uuid := q.Get("uuid")
	f.mu.Lock()
	current := fmt.Sprintf("QRuuid%d", f.uuid)
	push := f.pushUUID
	scanned := f.scanned
	f.mu.Unlock()
	if r.Method != http.MethodGet || q.Get("loginicon") != "true" || (uuid != current && uuid != push) {
		f.refuse(w, r, "login poll query %v", q)
		return
	}
	if uuid != push && (scanned == nil || !scanned(uuid)) {
		// Nobody scanned yet: a short long-poll, then "waiting".
		select {
		case <-time.After(5 * time.Millisecond):
		case <-r.Context().Done():
		}
		fmt.Fprint(w, `window.code=408;`)
		return
	}
	fmt.Fprintf(w, "window.code=200;\nwindow.redirect_uri=\"https://%s/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=%s&uuid=%s&lang=zh_CN&scan=1700000000\";",
		fakeDomain, fakeTicket, uuid)
}

func (f *fakeWX) newLoginPage(w http.ResponseWriter, r *http.Request, q url.Values) {
	if r.Method != http.MethodGet || q.Get("ticket") != fakeTicket || q.Get("version") != "v2" || q.Get("uuid") == "" {
		f.refuse(w, r, "login page query %v", q)
		return
	}
	if r.Header.Get("client-version") != "2.0.0" || len(r.Header.Get("extspam")) < 100 {
		// Without the desktop headers the real server answers "为了你的帐号安全，此微信号不能登录网页微信".
		f.refuse(w, r, "desktop login headers missing: client-version=%q", r.Header.Get("client-version"))
		return
	}
	f.mu.Lock()
	f.session++
	f.sid, f.skey, f.pass = fmt.Sprintf("sid%d", f.session), fmt.Sprintf("@crypt_skey%d", f.session), fmt.Sprintf("pass%d", f.session)
	f.loggedOut = false
	sid, skey, pass := f.sid, f.skey, f.pass
	f.mu.Unlock()
	for _, c := range []*http.Cookie{{Name: "wxuin", Value: strconv.FormatInt(fakeUin, 10)}, {Name: "wxsid", Value: sid}, {Name: "webwx_data_ticket", Value: "dt" + sid}} {
		c.Path = "/"
		http.SetCookie(w, c)
	}
	fmt.Fprintf(w, "<error><ret>0</ret><message></message><skey>%s</skey><wxsid>%s</wxsid><wxuin>%d</wxuin><pass_ticket>%s</pass_ticket><isgrayscale>1</isgrayscale></error>",
		skey, sid, fakeUin, pass)
}

func (f *fakeWX) pushLogin(w http.ResponseWriter, r *http.Request, q url.Values) {
	if r.Method != http.MethodGet || q.Get("uin") != strconv.FormatInt(fakeUin, 10) || q.Get("mod") != "desktop" {
		f.refuse(w, r, "push login query %v", q)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pushLogins++
	if f.loggedOut || f.session == 0 {
		// After the phone logged out, the phone must scan again.
		writeJSON(w, map[string]string{"ret": "1", "msg": "push login refused"})
		return
	}
	f.pushUUID = fmt.Sprintf("push%d", f.pushLogins)
	writeJSON(w, map[string]string{"ret": "0", "msg": "all ok", "uuid": f.pushUUID})
}

type fakeBase struct {
	Uin      int64
	Sid      string
	Skey     string
	DeviceID string
}

// authed checks the BaseRequest and the query's tickets against the live session;
// callers hold f.mu.
func (f *fakeWX) authed(r *http.Request, base *fakeBase, q url.Values, needPass bool) string {
	switch {
	case f.session == 0:
		return "no session"
	case base != nil && (base.Uin != fakeUin || base.Sid != f.sid || base.Skey != f.skey || !strings.HasPrefix(base.DeviceID, "e")):
		return fmt.Sprintf("BaseRequest %+v does not match the session", *base)
	case needPass && q.Get("pass_ticket") != f.pass:
		return fmt.Sprintf("pass_ticket %q", q.Get("pass_ticket"))
	}
	return ""
}

func (f *fakeWX) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f.refuse(w, r, "want a JSON POST, got %s %q", r.Method, r.Header.Get("Content-Type"))
		return false
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		f.refuse(w, r, "body: %v", err)
		return false
	}
	return true
}

func (f *fakeWX) webInit(w http.ResponseWriter, r *http.Request) {
	var body struct{ BaseRequest *fakeBase }
	if !f.decode(w, r, &body) {
		return
	}
	if body.BaseRequest == nil {
		f.refuse(w, r, "no BaseRequest")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.loggedOut {
		// A session the phone ended: a hot login with it is refused, as by the real server.
		writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1101, "ErrMsg": ""}})
		return
	}
	if why := f.authed(r, body.BaseRequest, nil, false); why != "" {
		f.t.Errorf("fake wechat: webwxinit: %s", why)
		writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 1, "ErrMsg": "bad request"}})
		return
	}
	f.inits++
	f.gen++ // a new login: every UserName changes
	writeJSON(w, map[string]any{
		"BaseResponse": map[string]any{"Ret": 0, "ErrMsg": ""},
		"Count":        0,
		"SKey":         f.skey,
		"SyncKey":      f.syncKeyJSON(),
		"User":         map[string]any{"UserName": f.userName("self"), "NickName": fakeSelfNick, "Uin": fakeUin},
		"ContactList":  []any{},
	})
}

func (f *fakeWX) syncKeyJSON() map[string]any {
	return map[string]any{"Count": 1, "List": []map[string]int64{{"Key": 1, "Val": f.syncKey}}}
}

func (f *fakeWX) statusNotify(w http.ResponseWriter, r *http.Request, q url.Values) {
	var body struct {
		BaseRequest              *fakeBase
		Code                     int
		FromUserName, ToUserName string
	}
	if !f.decode(w, r, &body) {
		return
	}
	f.mu.Lock()
	why := f.authed(r, body.BaseRequest, q, true)
	if body.BaseRequest == nil {
		why = "no BaseRequest"
	} else if self := f.userName("self"); why == "" && (body.Code != 3 || body.FromUserName != self || body.ToUserName != self) {
		why = fmt.Sprintf("status notify %+v", body)
	}
	f.mu.Unlock()
	if why != "" {
		f.refuse(w, r, "%s", why)
		return
	}
	writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 0}, "MsgID": "1"})
}

func (f *fakeWX) cookieOK(r *http.Request) bool {
	sid, err := r.Cookie("wxsid")
	uin, err2 := r.Cookie("wxuin")
	return err == nil && err2 == nil && sid.Value == f.sid && uin.Value == strconv.FormatInt(fakeUin, 10)
}

func (f *fakeWX) userJSON(u fakeUser) map[string]any {
	m := map[string]any{"UserName": f.nameOf(u), "NickName": u.Nick, "RemarkName": u.Remark, "AttrStatus": u.Attr, "VerifyFlag": 0}
	if u.Group {
		var members []map[string]any
		for _, k := range u.Members {
			mu := f.user(k)
			members = append(members, map[string]any{"UserName": f.userName(k), "NickName": mu.Nick, "AttrStatus": mu.Attr})
		}
		m["MemberList"] = members
		m["MemberCount"] = len(members)
	}
	return m
}

func (f *fakeWX) getContact(w http.ResponseWriter, r *http.Request, q url.Values) {
	f.mu.Lock()
	why := f.authed(r, nil, q, false)
	if why == "" && (r.Method != http.MethodGet || q.Get("skey") != f.skey || q.Get("seq") != "0") {
		why = fmt.Sprintf("get contact query %v", q)
	}
	if why == "" && !f.cookieOK(r) {
		why = "session cookies missing"
	}
	var list []map[string]any
	for _, u := range f.users {
		list = append(list, f.userJSON(u))
	}
	f.mu.Unlock()
	if why != "" {
		f.refuse(w, r, "%s", why)
		return
	}
	writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 0}, "MemberCount": len(list), "MemberList": list, "Seq": 0})
}

func (f *fakeWX) batchGetContact(w http.ResponseWriter, r *http.Request) {
	var body struct {
		BaseRequest *fakeBase
		Count       int
		List        []struct{ UserName string }
	}
	if !f.decode(w, r, &body) {
		return
	}
	f.mu.Lock()
	why := f.authed(r, body.BaseRequest, nil, false)
	if body.BaseRequest == nil {
		why = "no BaseRequest"
	}
	var list []map[string]any
	for _, it := range body.List {
		key, ok := f.keyOf(it.UserName)
		if !ok {
			why = "unknown user " + it.UserName
			break
		}
		list = append(list, f.userJSON(f.user(key)))
	}
	f.mu.Unlock()
	if why != "" {
		f.refuse(w, r, "%s", why)
		return
	}
	writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 0}, "Count": len(list), "ContactList": list})
}

func (f *fakeWX) syncCheck(w http.ResponseWriter, r *http.Request, q url.Values) {
	f.mu.Lock()
	why := ""
	if f.session == 0 || q.Get("skey") != f.skey || q.Get("sid") != f.sid || q.Get("uin") != strconv.FormatInt(fakeUin, 10) || !strings.HasPrefix(q.Get("deviceid"), "e") {
		why = fmt.Sprintf("sync check query %v", q)
	}
	var key int64
	if _, err := fmt.Sscanf(q.Get("synckey"), "1_%d", &key); err != nil || key < 1 || key > f.syncKey {
		why = fmt.Sprintf("sync key %q", q.Get("synckey"))
	}
	f.mu.Unlock()
	if why != "" && !f.isLoggedOut() {
		f.refuse(w, r, "%s", why)
		return
	}
	// A long poll, kept short for the tests.
	deadline := time.After(20 * time.Millisecond)
	for {
		f.mu.Lock()
		out, pending := f.loggedOut, len(f.inbox) > 0
		f.mu.Unlock()
		switch {
		case out:
			fmt.Fprint(w, `window.synccheck={retcode:"1101",selector:"0"}`)
			return
		case pending:
			fmt.Fprint(w, `window.synccheck={retcode:"0",selector:"2"}`)
			return
		}
		select {
		case <-f.wake:
		case <-deadline:
			fmt.Fprint(w, `window.synccheck={retcode:"0",selector:"0"}`)
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (f *fakeWX) isLoggedOut() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loggedOut
}

func (f *fakeWX) sync(w http.ResponseWriter, r *http.Request, q url.Values) {
	var body struct {
		BaseRequest *fakeBase
		SyncKey     *struct {
			Count int
			List  []struct{ Key, Val int64 }
		}
	}
	if !f.decode(w, r, &body) {
		return
	}
	f.mu.Lock()
	why := f.authed(r, body.BaseRequest, q, true)
	if body.BaseRequest == nil || body.SyncKey == nil || body.SyncKey.Count != 1 || len(body.SyncKey.List) != 1 {
		why = "BaseRequest or SyncKey missing"
	} else if why == "" && (q.Get("sid") != f.sid || q.Get("skey") != f.skey) {
		why = fmt.Sprintf("sync query %v", q)
	}
	var msgs []map[string]any
	if why == "" {
		msgs, f.inbox = f.inbox, nil
		f.syncKey++
	}
	resp := map[string]any{"BaseResponse": map[string]any{"Ret": 0}, "AddMsgCount": len(msgs), "AddMsgList": msgs, "SyncKey": f.syncKeyJSON()}
	f.mu.Unlock()
	if why != "" {
		f.refuse(w, r, "%s", why)
		return
	}
	writeJSON(w, resp)
}

func (f *fakeWX) sendMsg(w http.ResponseWriter, r *http.Request, q url.Values) {
	var body struct {
		BaseRequest *fakeBase
		Msg         *struct {
			Type                              int
			Content, FromUserName, ToUserName string
			LocalID, ClientMsgId              string
		}
		Scene int
	}
	if !f.decode(w, r, &body) {
		return
	}
	f.mu.Lock()
	why := f.authed(r, body.BaseRequest, q, true)
	if body.BaseRequest == nil || body.Msg == nil {
		why = "BaseRequest or Msg missing"
	}
	var to string
	if why == "" {
		var ok bool
		to, ok = f.keyOf(body.Msg.ToUserName)
		switch {
		case !ok:
			why = fmt.Sprintf("ToUserName %q is no contact of this login", body.Msg.ToUserName)
		case body.Msg.FromUserName != f.userName("self") || body.Msg.Type != 1 || body.Msg.ClientMsgId == "" || q.Get("lang") != "zh_CN":
			why = fmt.Sprintf("message %+v", *body.Msg)
		default:
			f.sent = append(f.sent, fakeSent{To: to, Text: body.Msg.Content})
		}
	}
	f.mu.Unlock()
	if why != "" {
		f.refuse(w, r, "%s", why)
		return
	}
	writeJSON(w, map[string]any{"BaseResponse": map[string]any{"Ret": 0}, "MsgID": "9" + body.Msg.ClientMsgId, "LocalID": body.Msg.LocalID})
}

func (f *fakeWX) getMsgImg(w http.ResponseWriter, r *http.Request, q url.Values) {
	f.mu.Lock()
	why := f.authed(r, nil, q, false)
	data, ok := f.media[q.Get("MsgID")]
	if why == "" && (q.Get("skey") != f.skey || !ok) {
		why = fmt.Sprintf("get image query %v", q)
	}
	f.mu.Unlock()
	if why != "" {
		f.refuse(w, r, "%s", why)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(data)
}
