package board_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/board"
	"github.com/aftersale/aftersale/cases"
)

func TestNewRejectsWeakToken(t *testing.T) {
	e := newEnv(t)
	for _, tok := range []string{"", "short", "1234567"} {
		_, err := board.New(board.Options{Store: e.store, Engine: e.spy, Token: tok, Merchant: func(string) string { return merchant }})
		if err == nil {
			t.Errorf("New(token %q) = nil error, want one", tok)
		}
	}
}

func TestAuthRequired(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	anon := e.client()
	for _, tc := range []struct {
		method, path string
		status       int
		location     string
	}{
		{"GET", "/", http.StatusSeeOther, "/login?next=%2F"},
		{"GET", "/?state=all", http.StatusSeeOther, "/login?next=%2F%3Fstate%3Dall"},
		{"GET", "/case/demo/A1", http.StatusSeeOther, "/login?next=%2Fcase%2Fdemo%2FA1"},
		{"GET", "/media?path=x.jpg", http.StatusSeeOther, "/login?next=%2Fmedia%3Fpath%3Dx.jpg"},
		{"POST", "/case/demo/A1/action", http.StatusUnauthorized, ""},
		{"POST", "/logout", http.StatusUnauthorized, ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			var r resp
			if tc.method == "GET" {
				r = anon.get(tc.path)
			} else {
				r = anon.post(tc.path, url.Values{"verb": {"同意"}})
			}
			if r.Status != tc.status || r.Location != tc.location {
				t.Fatalf("%s %s = %d → %q, want %d → %q", tc.method, tc.path, r.Status, r.Location, tc.status, tc.location)
			}
		})
	}
	if got := e.mustCase("A1").State; got != cases.StateWaitingMerchant {
		t.Fatalf("State=%v after anonymous posts, want %v", got, cases.StateWaitingMerchant)
	}
	if cmds := e.spy.commands(); len(cmds) != 0 {
		t.Fatalf("engine got %q from anonymous requests", cmds)
	}
	if r := anon.get("/login"); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="token"`) {
		t.Fatalf("login page = %d %q", r.Status, r.Body)
	}
}

func TestLogin(t *testing.T) {
	for _, tc := range []struct {
		name, token string
		ok          bool
	}{
		{"right", token, true},
		{"wrong", "wrong-token-here", false},
		{"empty", "", false},
		{"prefix", token[:len(token)-1], false},
		{"longer", token + "x", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.client()
			r := c.post("/login", url.Values{"token": {tc.token}, "next": {"/?state=all"}})
			if !tc.ok {
				if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "口令不对") {
					t.Fatalf("login with %q = %d, want 401 with a message", tc.token, r.Status)
				}
				if r := c.get("/"); r.Status != http.StatusSeeOther {
					t.Fatalf("GET / after a failed login = %d, want 303 to login", r.Status)
				}
				return
			}
			if r.Status != http.StatusSeeOther || r.Location != "/?state=all" {
				t.Fatalf("login = %d → %q, want 303 → /?state=all", r.Status, r.Location)
			}
			u, _ := url.Parse(e.srv.URL)
			cookies := c.http.Jar.Cookies(u)
			if len(cookies) != 1 || strings.Contains(cookies[0].Value, token) {
				t.Fatalf("cookies = %+v, want one session cookie without the token", cookies)
			}
			if r := c.get("/"); r.Status != http.StatusOK {
				t.Fatalf("GET / after login = %d, want 200", r.Status)
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	e := newEnv(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := noFollow.PostForm(e.srv.URL+"/login", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	var sc *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == "aftersale_board" {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Path != "/" {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Strict, Path=/", sc)
	}
	get := func(value string) int {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
		req.AddCookie(&http.Cookie{Name: "aftersale_board", Value: value})
		res, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	parts := strings.Split(sc.Value, ".")
	for _, tc := range []struct {
		name, value string
		want        int
	}{
		{"valid", sc.Value, http.StatusOK},
		{"token itself", token, http.StatusSeeOther},
		{"tampered mac", parts[0] + "." + parts[1] + "." + strings.Repeat("0", len(parts[2])), http.StatusSeeOther},
		{"extended expiry", parts[0] + ".99999999999." + parts[2], http.StatusSeeOther},
		{"other id", "AAAAAAAAAAAAAAAAAAAAAAAAAA." + parts[1] + "." + parts[2], http.StatusSeeOther},
		{"garbage", "x", http.StatusSeeOther},
	} {
		if got := get(tc.value); got != tc.want {
			t.Errorf("%s cookie: GET / = %d, want %d", tc.name, got, tc.want)
		}
	}
	e.clock.Add(31 * 24 * time.Hour)
	if got := get(sc.Value); got != http.StatusSeeOther {
		t.Errorf("expired cookie: GET / = %d, want 303", got)
	}
}

func TestLoginRedirectStaysLocal(t *testing.T) {
	e := newEnv(t)
	for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`, "case/demo/A1", ""} {
		c := e.client()
		r := c.post("/login", url.Values{"token": {token}, "next": {next}})
		if r.Status != http.StatusSeeOther || r.Location != "/" {
			t.Errorf("login next=%q → %q, want /", next, r.Location)
		}
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	c := e.client()
	c.login()
	good := c.csrf("/case/demo/A1")
	other := e.client()
	other.login()
	otherToken := other.csrf("/")
	if otherToken == good {
		t.Fatal("two sessions share a CSRF token")
	}
	for _, tc := range []struct {
		name string
		form url.Values
	}{
		{"missing", url.Values{"verb": {"同意"}}},
		{"empty", url.Values{"verb": {"同意"}, "csrf": {""}}},
		{"wrong", url.Values{"verb": {"同意"}, "csrf": {strings.Repeat("a", len(good))}}},
		{"another session's", url.Values{"verb": {"同意"}, "csrf": {otherToken}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := c.post("/case/demo/A1/action", tc.form); r.Status != http.StatusForbidden {
				t.Fatalf("action with %s csrf = %d, want 403", tc.name, r.Status)
			}
		})
	}
	t.Run("in query string", func(t *testing.T) {
		if r := c.post("/case/demo/A1/action?csrf="+url.QueryEscape(good), url.Values{"verb": {"同意"}}); r.Status != http.StatusForbidden {
			t.Fatalf("csrf in the URL = %d, want 403", r.Status)
		}
	})
	t.Run("cross-site origin", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/case/demo/A1/action",
			strings.NewReader(url.Values{"verb": {"同意"}, "csrf": {good}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://evil.example")
		if r := c.do(req); r.Status != http.StatusForbidden {
			t.Fatalf("cross-site post = %d, want 403", r.Status)
		}
	})
	if got := e.mustCase("A1").State; got != cases.StateWaitingMerchant {
		t.Fatalf("State=%v after refused posts, want %v", got, cases.StateWaitingMerchant)
	}
	if cmds := e.spy.commands(); len(cmds) != 0 {
		t.Fatalf("engine got %q from refused posts", cmds)
	}
	if r := c.post("/logout", url.Values{}); r.Status != http.StatusForbidden {
		t.Fatalf("logout without csrf = %d, want 403", r.Status)
	}
	if r := c.post("/logout", url.Values{"csrf": {good}}); r.Status != http.StatusSeeOther {
		t.Fatalf("logout = %d, want 303", r.Status)
	}
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("GET / after logout = %d, want 303 to login", r.Status)
	}
}

func TestGetNeverActs(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	c := e.client()
	c.login()
	tok := c.csrf("/")
	if r := c.get("/case/demo/A1/action?verb=%E5%90%8C%E6%84%8F&csrf=" + url.QueryEscape(tok)); r.Status != http.StatusMethodNotAllowed {
		t.Fatalf("GET action = %d, want 405", r.Status)
	}
	if got := e.mustCase("A1").State; got != cases.StateWaitingMerchant || len(e.spy.commands()) != 0 {
		t.Fatalf("State=%v, commands %q after a GET", got, e.spy.commands())
	}
}

func TestActions(t *testing.T) {
	for _, tc := range []struct {
		verb, arg string
		before    []string // merchant chat commands first
		wantCmd   string
		flash     string
		check     func(t *testing.T, e *env, c *cases.Case)
	}{
		{verb: "同意", wantCmd: "A1 同意", flash: "A1 已同意", check: func(t *testing.T, e *env, c *cases.Case) {
			if c.State != cases.StateResolved {
				t.Errorf("State=%v, want resolved", c.State)
			}
			mustHave(t, e.sentTo(buyer), "店主已同意")
		}},
		{verb: "拒绝", arg: "已超过七天", wantCmd: "A1 拒绝 已超过七天", flash: "A1 已拒绝", check: func(t *testing.T, e *env, c *cases.Case) {
			if c.State != cases.StateRejected {
				t.Errorf("State=%v, want rejected", c.State)
			}
			mustHave(t, e.sentTo(buyer), "已超过七天")
		}},
		{verb: "稍后", arg: "2h", wantCmd: "A1 稍后 2h", flash: "再提醒您", check: func(t *testing.T, e *env, c *cases.Case) {
			alerts, err := e.store.Alerts(e.ctx, shopID, "A1")
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, a := range alerts {
				found = found || (a.Kind == cases.AlertReminder && a.State == cases.AlertPending && a.DueAt.Equal(e.clock.Now().Add(2*time.Hour)))
			}
			if !found {
				t.Errorf("alerts = %+v, want a pending reminder in 2h", alerts)
			}
		}},
		{verb: "备注", arg: "老客户 优先处理", wantCmd: "A1 备注 老客户 优先处理", flash: "已备注", check: func(t *testing.T, e *env, c *cases.Case) {
			if c.Note != "老客户 优先处理" {
				t.Errorf("Note=%q", c.Note)
			}
		}},
		{verb: "接管", wantCmd: "A1 接管", flash: "已接管", check: func(t *testing.T, e *env, c *cases.Case) {
			if h, _ := e.store.Handoff(e.ctx, shopID, buyer); h != "A1" {
				t.Errorf("handoff = %q, want A1", h)
			}
		}},
		{verb: "释放", before: []string{"A1 接管"}, wantCmd: "A1 释放", flash: "交回机器人", check: func(t *testing.T, e *env, c *cases.Case) {
			if h, _ := e.store.Handoff(e.ctx, shopID, buyer); h != "" {
				t.Errorf("handoff = %q, want none", h)
			}
		}},
		{verb: "回复", arg: "亲，已安排补发", wantCmd: "A1 回复 亲，已安排补发", flash: "已回复", check: func(t *testing.T, e *env, c *cases.Case) {
			mustHave(t, e.sentTo(buyer), "亲，已安排补发")
		}},
		{verb: "等买家", arg: "请先寄回商品", wantCmd: "A1 等买家 请先寄回商品", flash: "已转为等买家", check: func(t *testing.T, e *env, c *cases.Case) {
			if c.State != cases.StateWaitingBuyer {
				t.Errorf("State=%v, want waiting_buyer", c.State)
			}
		}},
		{verb: "拒绝", wantCmd: "A1 拒绝", flash: "请写明拒绝原因", check: func(t *testing.T, e *env, c *cases.Case) {
			if c.State != cases.StateWaitingMerchant {
				t.Errorf("State=%v after a refusal without reason, want unchanged", c.State)
			}
		}},
	} {
		t.Run(tc.verb+" "+tc.arg, func(t *testing.T) {
			e := newEnv(t)
			e.say(buyer, "退款 "+cupOrder)
			for _, cmd := range tc.before {
				e.say(merchant, cmd)
			}
			c := e.client()
			c.login()
			page := c.get("/case/demo/A1").Body
			tok := csrfInput.FindStringSubmatch(page)[1]
			nonce := nonceInput.FindStringSubmatch(page)[1]
			// confirm=1: the confirmation page's own form (TestConfirmBeforeDecision).
			r := c.post("/case/demo/A1/action", url.Values{"csrf": {tok}, "nonce": {nonce}, "verb": {tc.verb}, "arg": {tc.arg}, "confirm": {"1"}})
			if r.Status != http.StatusSeeOther || r.Location != "/case/demo/A1" {
				t.Fatalf("action = %d → %q, want 303 → /case/demo/A1", r.Status, r.Location)
			}
			cmds := e.spy.commands()
			if len(cmds) != 1 || cmds[0] != merchant+": "+tc.wantCmd {
				t.Fatalf("engine got %q, want [%s: %s]", cmds, merchant, tc.wantCmd)
			}
			tc.check(t, e, e.mustCase("A1"))
			after := c.get("/case/demo/A1").Body
			if !strings.Contains(after, `id="flash"`) || !strings.Contains(after, tc.flash) {
				t.Fatalf("case page after %s has no flash %q", tc.verb, tc.flash)
			}
			if again := c.get("/case/demo/A1").Body; strings.Contains(again, `id="flash"`) {
				t.Fatal("flash shown twice")
			}
		})
	}
}

func TestApproveShowsBuyerReplyInTranscript(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	c := e.client()
	c.login()
	page := c.get("/case/demo/A1").Body
	form := url.Values{"csrf": {csrfInput.FindStringSubmatch(page)[1]}, "nonce": {nonceInput.FindStringSubmatch(page)[1]}, "verb": {"同意"}, "confirm": {"1"}}
	c.post("/case/demo/A1/action", form)
	transcript := between(c.get("/case/demo/A1").Body, `id="transcript"`, "</section>")
	if !strings.Contains(transcript, "店主已同意") || !strings.Contains(transcript, "退款 "+cupOrder) {
		t.Fatalf("transcript %q lacks the buyer's message or the approval", transcript)
	}
	// The same form sent again (a double tap) is dropped by the engine's dedupe.
	c.post("/case/demo/A1/action", form)
	if n := strings.Count(strings.Join(e.sentTo(buyer), "\n"), "店主已同意"); n != 1 {
		t.Fatalf("buyer told of the approval %d times, want once", n)
	}
	if flash := c.get("/case/demo/A1").Body; !strings.Contains(flash, "已经提交过") {
		t.Fatal("resubmitted form not reported as such")
	}
}

func TestActionRefused(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	c := e.client()
	c.login()
	tok := c.csrf("/")
	for _, tc := range []struct {
		path, verb string
		want       int
	}{
		{"/case/demo/A1/action", "删除", http.StatusBadRequest},
		{"/case/demo/A1/action", "", http.StatusBadRequest},
		{"/case/demo/A99/action", "同意", http.StatusNotFound},
		{"/case/other/A1/action", "同意", http.StatusNotFound},
	} {
		if r := c.post(tc.path, url.Values{"csrf": {tok}, "verb": {tc.verb}}); r.Status != tc.want {
			t.Errorf("POST %s verb %q = %d, want %d", tc.path, tc.verb, r.Status, tc.want)
		}
	}
	if cmds := e.spy.commands(); len(cmds) != 0 {
		t.Fatalf("engine got %q", cmds)
	}
}

func TestReplyShownOnce(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	c := e.client()
	c.login()
	tok := c.csrf("/")
	c.post("/case/demo/A1/action", url.Values{"csrf": {tok}, "verb": {"回复"}, "arg": {"亲，马上处理"}})
	transcript := between(c.get("/case/demo/A1").Body, `id="transcript"`, "</section>")
	if n := strings.Count(transcript, "亲，马上处理"); n != 1 {
		t.Fatalf("reply shown %d times in the transcript, want once: %q", n, transcript)
	}
}

func TestListFilters(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)                // A1 refund
	e.say("买家小李", "我要退货 "+bedOrder)             // A2 return
	e.say("买家小张", "台灯开关坏了能修吗 3856123456789012") // A3 repair
	e.say(merchant, "A3 同意")
	c := e.client()
	c.login()
	// The agreed repair leaves the main table but stays in 已同意、还在办 on the live view.
	for _, tc := range []struct {
		query  string
		want   []string
		agreed bool
	}{
		{"", []string{"A1", "A2"}, true},
		{"?state=live", []string{"A1", "A2"}, true},
		{"?state=all", []string{"A1", "A2", "A3"}, false},
		{"?state=resolved", []string{"A3"}, false},
		{"?intent=return", []string{"A2"}, false},
		{"?intent=repair", nil, true},
		{"?intent=repair&state=all", []string{"A3"}, false},
		{"?shop=demo&intent=refund", []string{"A1"}, false},
		{"?shop=other", nil, false},
	} {
		t.Run(tc.query, func(t *testing.T) {
			r := c.get("/" + tc.query)
			if r.Status != http.StatusOK {
				t.Fatalf("GET /%s = %d", tc.query, r.Status)
			}
			table := between(r.Body, `id="cases"`, "</table>")
			for _, id := range []string{"A1", "A2", "A3"} {
				has := strings.Contains(table, `href="/case/demo/`+id+`"`)
				want := contains(tc.want, id)
				if has != want {
					t.Errorf("GET /%s lists %s = %v, want %v", tc.query, id, has, want)
				}
			}
			agreed := strings.Contains(between(r.Body, `id="agreed"`, "</table>"), `href="/case/demo/A3"`)
			if agreed != tc.agreed {
				t.Errorf("GET /%s shows A3 under 已同意、还在办 = %v, want %v", tc.query, agreed, tc.agreed)
			}
		})
	}
	if r := c.get("/?state=bogus"); r.Status != http.StatusBadRequest {
		t.Errorf("unknown state = %d, want 400", r.Status)
	}
	body := c.get("/").Body
	for _, want := range []string{"退款", "退货退款", "待商家处理", `data-deadline="`, "剩1天0小时", "北欧哑光陶瓷马克杯"} {
		if !strings.Contains(body, want) {
			t.Errorf("list lacks %q", want)
		}
	}
	if page := c.get("/case/demo/A1").Body; !strings.Contains(page, "<dt>商品</dt>") {
		t.Errorf("case page lacks the goods")
	}
}

func TestListSortsAndMarksUrgent(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder) // A1 refund, 24h
	e.clock.Add(time.Hour)
	e.say("买家小李", "我要退货 "+bedOrder) // A2, an hour later
	e.say(merchant, "A2 等买家 请先寄回")  // paused: no running deadline
	e.clock.Add(23*time.Hour + 30*time.Minute)
	c := e.client()
	c.login()
	body := c.get("/").Body
	i1, i2 := strings.Index(body, `href="/case/demo/A1"`), strings.Index(body, `href="/case/demo/A2"`)
	if i1 < 0 || i2 < 0 || i1 > i2 {
		t.Fatalf("A1 (deadline) should come before A2 (paused): %d, %d", i1, i2)
	}
	row := between(body[i1:], "", "</tr>")
	if !strings.Contains(row, `class="left urgent"`) || !strings.Contains(row, "已超时30分0秒") {
		t.Fatalf("overdue row %q not marked urgent", row)
	}
	if !strings.Contains(body, "暂停") {
		t.Fatal("paused case not shown as paused")
	}
}

func TestBuyerTextEscaped(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	e.say(buyer, `<script>alert(1)</script><img src=x onerror=alert(2)>`)
	c := e.client()
	c.login()
	page := c.get("/case/demo/A1").Body
	if strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "<img src=x") {
		t.Fatal("buyer text rendered as HTML")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatal("buyer text missing or not escaped as text")
	}
}

func TestEvidenceAndMedia(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	pic := filepath.Join(e.media, "demo", "2026-11-28", "p1.png")
	writeFile(t, pic, png)
	writeFile(t, filepath.Join(e.media, "page.html"), []byte("<html><script>alert(1)</script></html>"))
	outside := filepath.Join(t.TempDir(), "secret.png")
	writeFile(t, outside, png)
	if err := os.Symlink(outside, filepath.Join(e.media, "link.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(e.media, "linkdir")); err != nil {
		t.Fatal(err)
	}
	e.send(botImage(pic))
	c := e.client()
	c.login()
	page := c.get("/case/demo/A1").Body
	link := "/media?path=" + url.QueryEscape(pic)
	if !strings.Contains(page, `<img src="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) && !strings.Contains(page, `src="`+link+`"`) {
		t.Fatalf("case page has no <img> for the evidence %s", link)
	}
	rel, _ := filepath.Rel(mustWd(t), pic)
	for _, tc := range []struct {
		name, path string
		want       int
	}{
		{"evidence", pic, http.StatusOK},
		{"relative to working dir", rel, http.StatusOK},
		{"dot dot", filepath.Join(e.media, "demo") + "/../../" + filepath.Base(filepath.Dir(outside)) + "/secret.png", http.StatusForbidden},
		{"relative dot dot", "../../../../../../../../etc/passwd", http.StatusForbidden},
		{"absolute outside", outside, http.StatusForbidden},
		{"etc passwd", "/etc/passwd", http.StatusForbidden},
		{"media dir itself", e.media, http.StatusForbidden},
		{"symlink out", filepath.Join(e.media, "link.png"), http.StatusForbidden},
		{"symlinked dir out", filepath.Join(e.media, "linkdir", "secret.png"), http.StatusForbidden},
		{"not an image", filepath.Join(e.media, "page.html"), http.StatusUnsupportedMediaType},
		{"missing", filepath.Join(e.media, "nope.png"), http.StatusNotFound},
		{"empty", "", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.get("/media?path=" + url.QueryEscape(tc.path))
			if r.Status != tc.want {
				t.Fatalf("media %q = %d, want %d", tc.path, r.Status, tc.want)
			}
			if tc.want == http.StatusOK && r.Body != string(png) {
				t.Fatal("media body differs from the file")
			}
		})
	}
}

func mustHave(t *testing.T, got []string, want string) {
	t.Helper()
	if !strings.Contains(strings.Join(got, "\n"), want) {
		t.Errorf("messages %q do not contain %q", got, want)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// between returns s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustWd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// TestLoginThrottle: five wrong tokens from one address lock it out for ten minutes,
// even with the right token; the lock lifts when the window has passed.
func TestLoginThrottle(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for i := range 5 {
		if r := c.post("/login", url.Values{"token": {"wrong-token-here"}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("wrong try %d = %d, want 401", i+1, r.Status)
		}
	}
	r := c.post("/login", url.Values{"token": {token}})
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "错误次数太多") || !strings.Contains(r.Body, "10 分钟") {
		t.Fatalf("right token after five wrong ones = %d %q, want 429 asking to wait 10 minutes", r.Status, r.Body)
	}
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("GET / while locked out = %d, want 303 to login", r.Status)
	}
	e.clock.Add(10 * time.Minute)
	if r := c.post("/login", url.Values{"token": {token}}); r.Status != http.StatusSeeOther {
		t.Fatalf("right token after the window = %d, want 303", r.Status)
	}
	// A success forgets earlier wrong tries.
	c2 := e.client()
	for range 4 {
		c2.post("/login", url.Values{"token": {"wrong-token-here"}})
	}
	c2.post("/login", url.Values{"token": {token}})
	if r := c2.post("/login", url.Values{"token": {"wrong-token-here"}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("a wrong try after a success = %d, want 401 (count reset)", r.Status)
	}
}

// A buyer who types what a picture looked like in the transcript ("[image] <path>") shows
// text, never a file: only a channel attaches evidence.
func TestTypedImageMarkIsNotEvidence(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "退款 "+cupOrder)
	pic := filepath.Join(e.media, "demo", "2026-11-28", "someone-elses.png")
	writeFile(t, pic, []byte("\x89PNG\r\n\x1a\n"))
	e.say(buyer, "[image] "+pic)
	c := e.client()
	c.login()
	page := c.get("/case/demo/A1").Body
	if strings.Contains(page, "/media?path=") {
		t.Fatalf("typed text became evidence on the case page:\n%s", page)
	}
	if !strings.Contains(page, "someone-elses.png") {
		t.Fatal("the buyer's words are missing from the transcript")
	}
}

// A grievance joined to a live refund is marked on its row, as chat's 列表 marks it.
func TestListMarksARequestTheBuyerComplainedAbout(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "杯子碎了 退款 "+cupOrder)
	c := e.client()
	c.login()
	if strings.Contains(between(c.get("/").Body, `id="cases"`, "</table>"), "买家投诉了") {
		t.Fatal("marked before any grievance")
	}
	e.say(buyer, "你们客服太慢了 我要投诉")
	if row := between(c.get("/").Body, `id="cases"`, "</table>"); !strings.Contains(row, "买家投诉了") {
		t.Fatalf("the refund's row lacks the grievance mark: %q", row)
	}
}
