package wecomkf

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeQY is an httptest fake of the qyapi endpoints the channel and the WeCom app sink
// use. It is strict: a request with a missing, unknown or expired access_token, a token
// of the wrong secret, a sync_msg cursor it never issued, a callback token it never
// gave, an unknown open_kfid or external_userid, or a malformed body is refused with
// WeCom's errcode and fails the test, unless the test said it expects that refusal.
type fakeQY struct {
	t      *testing.T
	srv    *httptest.Server
	corpID string
	// secrets: the 微信客服 secret and the application's, each with its own tokens.
	kfSecret, appSecret string
	agentID             int

	mu        sync.Mutex
	tokens    map[string]string // access_token → "kf" | "app"
	expired   map[string]bool
	issued    int
	kfids     map[string]bool
	msgs      map[string][]map[string]any // open_kfid → its message stream
	cursors   map[string]int              // issued cursor → position after it
	syncCalls []syncCall
	cbTokens  map[string]bool // callback tokens handed out
	pageSize  int
	sent      []sentMsg
	onEvent   []map[string]any
	codes     map[string]bool // welcome codes handed out
	trans     []map[string]any
	media     map[string][]byte
	appSent   []map[string]any
	refusals  int // requests refused on purpose (expected by the test)
	gettokens int
}

type syncCall struct {
	kfid, cursor, token string
	next                string // the next_cursor answered
	end, total          int    // position after the page, messages in the stream
}

type sentMsg struct {
	To, KfID, Type string
	Body           map[string]any
}

func newFakeQY(t *testing.T) *fakeQY {
	f := &fakeQY{t: t, corpID: "ww0123456789abcdef", kfSecret: "kf-secret-xyz", appSecret: "app-secret-xyz", agentID: 1000002,
		tokens: map[string]string{}, expired: map[string]bool{}, kfids: map[string]bool{}, msgs: map[string][]map[string]any{},
		cursors: map[string]int{}, cbTokens: map[string]bool{}, pageSize: 2, codes: map[string]bool{}, media: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cgi-bin/gettoken", f.gettoken)
	mux.HandleFunc("POST /cgi-bin/kf/sync_msg", f.auth("kf", f.syncMsg))
	mux.HandleFunc("POST /cgi-bin/kf/send_msg", f.auth("kf", f.sendMsg))
	mux.HandleFunc("POST /cgi-bin/kf/send_msg_on_event", f.auth("kf", f.sendOnEvent))
	mux.HandleFunc("POST /cgi-bin/kf/service_state/trans", f.auth("kf", f.transState))
	mux.HandleFunc("GET /cgi-bin/media/get", f.auth("kf", f.mediaGet))
	mux.HandleFunc("POST /cgi-bin/message/send", f.auth("app", f.appSend))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("fake qyapi: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeQY) answer(w http.ResponseWriter, v map[string]any) {
	if _, ok := v["errcode"]; !ok {
		v["errcode"], v["errmsg"] = 0, "ok"
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// refuse answers an errcode; unexpected ones fail the test.
func (f *fakeQY) refuse(w http.ResponseWriter, code int, msg string, expected bool) {
	if expected {
		f.refusals++
	} else {
		f.t.Errorf("fake qyapi refused a request: errcode %d %s", code, msg)
	}
	f.answer(w, map[string]any{"errcode": code, "errmsg": msg})
}

func (f *fakeQY) gettoken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	kind := ""
	switch q.Get("corpsecret") {
	case f.kfSecret:
		kind = "kf"
	case f.appSecret:
		kind = "app"
	}
	if q.Get("corpid") != f.corpID || kind == "" {
		f.refuse(w, 40001, "invalid credential", false)
		return
	}
	f.issued++
	f.gettokens++
	tok := fmt.Sprintf("%s-token-%d", kind, f.issued)
	f.tokens[tok] = kind
	f.answer(w, map[string]any{"access_token": tok, "expires_in": 7200})
}

// expireTokens makes every token handed out so far expired (errcode 42001).
func (f *fakeQY) expireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok := range f.tokens {
		f.expired[tok] = true
	}
}

// auth checks the access_token (present, issued for the right secret, not expired) and
// decodes a JSON body for POSTs.
func (f *fakeQY) auth(kind string, next func(w http.ResponseWriter, r *http.Request, body map[string]any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		tok := r.URL.Query().Get("access_token")
		switch {
		case tok == "":
			f.refuse(w, 41001, "access_token missing", false)
			return
		case f.expired[tok]:
			f.refuse(w, 42001, "access_token expired", true) // the client must fetch a new one
			return
		case f.tokens[tok] != kind:
			f.refuse(w, 40014, "invalid access_token", false)
			return
		}
		var body map[string]any
		if r.Method == http.MethodPost {
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				f.t.Errorf("%s: content type %q", r.URL.Path, ct)
			}
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				f.refuse(w, 47001, "data format error", false)
				return
			}
		}
		next(w, r, body)
	}
}

// addKf makes an open_kfid known.
func (f *fakeQY) addKf(kfid string) {
	f.mu.Lock()
	f.kfids[kfid] = true
	f.mu.Unlock()
}

// push adds a message to an account's stream.
func (f *fakeQY) push(kfid string, m map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m["open_kfid"] = kfid
	f.msgs[kfid] = append(f.msgs[kfid], m)
}

// callbackToken hands out a sync_msg token, as a callback carries.
func (f *fakeQY) callbackToken() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := fmt.Sprintf("ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR%d", len(f.cbTokens))
	f.cbTokens[tok] = true
	return tok
}

func str(v any) string { s, _ := v.(string); return s }

func (f *fakeQY) syncMsg(w http.ResponseWriter, r *http.Request, b map[string]any) {
	kfid, cursor, token := str(b["open_kfid"]), str(b["cursor"]), str(b["token"])
	if !f.kfids[kfid] {
		f.refuse(w, 95004, "open_kfid not exist", false)
		return
	}
	if token != "" && !f.cbTokens[token] {
		f.refuse(w, 95007, "invalid msg token", false)
		return
	}
	if lim, ok := b["limit"].(float64); !ok || lim < 1 || lim > 1000 {
		f.refuse(w, 44004, "invalid limit", false)
		return
	}
	pos := 0
	if cursor != "" {
		p, ok := f.cursors[kfid+"|"+cursor]
		if !ok {
			f.refuse(w, 95000, "invalid cursor", false)
			return
		}
		pos = p
	}
	all := f.msgs[kfid]
	end := min(pos+f.pageSize, len(all))
	next := fmt.Sprintf("cur%d-%s", end, kfid)
	f.cursors[kfid+"|"+next] = end
	f.syncCalls = append(f.syncCalls, syncCall{kfid: kfid, cursor: cursor, token: token, next: next, end: end, total: len(all)})
	f.answer(w, map[string]any{"next_cursor": next, "has_more": boolInt(end < len(all)), "msg_list": all[pos:end]})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// knownBuyer reports an external_userid that wrote to kfid.
func (f *fakeQY) knownBuyer(kfid, ext string) bool {
	for _, m := range f.msgs[kfid] {
		if m["external_userid"] == ext {
			return true
		}
	}
	return false
}

func (f *fakeQY) sendMsg(w http.ResponseWriter, r *http.Request, b map[string]any) {
	kfid, to, typ := str(b["open_kfid"]), str(b["touser"]), str(b["msgtype"])
	switch {
	case !f.kfids[kfid]:
		f.refuse(w, 95004, "open_kfid not exist", false)
		return
	case !f.knownBuyer(kfid, to):
		f.refuse(w, 40003, "invalid external_userid", false)
		return
	case typ == "text" && str(mapOf(b["text"])["content"]) == "":
		f.refuse(w, 44004, "empty content", false)
		return
	case typ == "msgmenu":
		list, _ := mapOf(b["msgmenu"])["list"].([]any)
		if len(list) == 0 || len(list) > 10 {
			f.refuse(w, 95008, "menu items", false)
			return
		}
	case typ != "text":
		f.refuse(w, 95002, "invalid msgtype", false)
		return
	}
	f.sent = append(f.sent, sentMsg{To: to, KfID: kfid, Type: typ, Body: b})
	f.answer(w, map[string]any{"msgid": fmt.Sprintf("out%d", len(f.sent))})
}

func mapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }

func (f *fakeQY) sendOnEvent(w http.ResponseWriter, r *http.Request, b map[string]any) {
	code := str(b["code"])
	if typ := str(b["msgtype"]); typ != "text" && typ != "msgmenu" {
		f.refuse(w, 95002, "invalid msgtype", false)
		return
	}
	if !f.codes[code] {
		f.refuse(w, 95000, "invalid code", false)
		return
	}
	delete(f.codes, code) // one message per code
	f.onEvent = append(f.onEvent, b)
	f.answer(w, map[string]any{"msgid": "ev1"})
}

func (f *fakeQY) transState(w http.ResponseWriter, r *http.Request, b map[string]any) {
	if !f.kfids[str(b["open_kfid"])] || !f.knownBuyer(str(b["open_kfid"]), str(b["external_userid"])) {
		f.refuse(w, 95004, "unknown open_kfid or buyer", false)
		return
	}
	f.trans = append(f.trans, b)
	code := fmt.Sprintf("MSGCODE%d", len(f.trans))
	f.codes[code] = true
	f.answer(w, map[string]any{"msg_code": code})
}

func (f *fakeQY) mediaGet(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	id := r.URL.Query().Get("media_id")
	data, ok := f.media[id]
	if !ok {
		f.refuse(w, 40007, "invalid media_id", strings.HasPrefix(id, "GONE"))
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Disposition", `attachment; filename="photo.jpg"`)
	w.Write(data)
}

func (f *fakeQY) appSend(w http.ResponseWriter, r *http.Request, b map[string]any) {
	if agent, _ := b["agentid"].(float64); int(agent) != f.agentID || str(b["touser"]) == "" || str(b["msgtype"]) != "text" {
		f.refuse(w, 40056, "invalid agentid or touser", false)
		return
	}
	f.appSent = append(f.appSent, b)
	f.answer(w, map[string]any{"invaliduser": ""})
}

// sentTo lists what reached a buyer of kfid, as text (a menu as its items' contents).
func (f *fakeQY) sentTo(kfid, ext string) []sentMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sentMsg
	for _, s := range f.sent {
		if s.To == ext && s.KfID == kfid {
			out = append(out, s)
		}
	}
	return out
}

// text is a sent message's text, or a menu's head and items.
func (s sentMsg) text() string {
	if s.Type == "text" {
		return str(mapOf(s.Body["text"])["content"])
	}
	mm := mapOf(s.Body["msgmenu"])
	parts := []string{str(mm["head_content"])}
	for _, it := range mm["list"].([]any) {
		c := mapOf(mapOf(it)["click"])
		parts = append(parts, str(c["id"])+"="+str(c["content"]))
	}
	return strings.Join(parts, "|")
}

// appTexts lists the application messages' texts sent to a userid.
func (f *fakeQY) appTexts(user string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, b := range f.appSent {
		if strings.Contains("|"+str(b["touser"])+"|", "|"+user+"|") {
			out = append(out, str(mapOf(b["text"])["content"]))
		}
	}
	return out
}

func (f *fakeQY) calls() []syncCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]syncCall(nil), f.syncCalls...)
}
