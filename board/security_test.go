package board_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/board"
	"github.com/aftersale/aftersale/internal/longtest"
)

// Weak tokens are refused with a hint to generate one; strong ones are accepted.
func TestNewRefusesGuessableToken(t *testing.T) {
	e := newEnv(t)
	mk := func(tok string) error {
		_, err := board.New(board.Options{Store: e.store, Engine: e.spy, Token: tok, Merchant: func(string) string { return merchant }})
		return err
	}
	for _, tok := range []string{
		"12345678", "password", "123456789012345678", // short, digits only
		"aaaaaaaaaaaaaaaaaaaa", "abababababababababab", "passwordpassword", // repeated
		"password12345678", "Password123456789!", "qwertyuiopasdfghjkl", "abcdefghijklmnopqrst", "changeme-changeme-1",
		"letmein-letmein-12", "admin-admin-admin-1",
	} {
		err := mk(tok)
		if err == nil {
			t.Errorf("New(token %q) accepted a guessable token", tok)
			continue
		}
		if !strings.Contains(err.Error(), "openssl rand -base64 24") {
			t.Errorf("New(token %q) = %v, want a hint to generate one", tok, err)
		}
	}
	for _, tok := range []string{token, "q7Vd9kP2xL4mZ8rT", "Xw3+9fJq0bT1s/kPZrM2aLc8yVn4eHdG", "抽屉里的蓝色台灯亮到半夜三点钟整"} {
		if err := mk(tok); err != nil {
			t.Errorf("New(token %q) = %v, want it accepted", tok, err)
		}
	}
}

// A stolen cookie stops working once its session logs out.
func TestLogoutRevokesSession(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.login()
	u, _ := url.Parse(e.srv.URL)
	var stolen string
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "aftersale_board" {
			stolen = ck.Value
		}
	}
	if stolen == "" {
		t.Fatal("no session cookie after login")
	}
	other := e.client()
	other.login()
	if r := c.post("/logout", url.Values{"csrf": {c.csrf("/")}}); r.Status != http.StatusSeeOther {
		t.Fatalf("logout = %d, want 303", r.Status)
	}
	thief := e.client()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "aftersale_board", Value: stolen})
	if r := thief.do(req); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("old cookie after logout: GET / = %d → %q, want 303 to /login", r.Status, r.Location)
	}
	if r := other.get("/"); r.Status != http.StatusOK {
		t.Fatalf("another session after one logged out: GET / = %d, want 200", r.Status)
	}
	c.login()
	if r := c.get("/"); r.Status != http.StatusOK {
		t.Fatalf("logging in again after logout: GET / = %d, want 200", r.Status)
	}
}

// The post-login redirect never leaves the site, however the path is spelled or encoded.
func TestLoginRedirectDecodedPath(t *testing.T) {
	e := newEnv(t)
	login := func(next string) (int, string) {
		t.Helper()
		// The transport, not the client: the client refuses a Location with a control
		// character before the test could see it, a browser would strip it and follow.
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(url.Values{"token": {token}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Location")
	}
	for _, next := range []string{
		"/\t/evil.example", "/%09/evil.example", "/%0909/evil.example", "\t//evil.example", "/\n/evil.example", "/%0a/evil.example",
		"/\r\n/evil.example", "/%0d%0a/evil.example", "//evil.example", "///evil.example", `/\evil.example`, `/\/evil.example`,
		`\\evil.example`, "/%5Cevil.example", "/%5cevil.example", "/%2F/evil.example", "/%2f%2fevil.example",
		"/%252F%252Fevil.example", "/%25252F/evil.example", "/\x00/evil.example", "/%00/evil.example", "/\x7f/evil.example",
		"https://evil.example/", "https:evil.example", "javascript:alert(1)", " /x", "/" + strings.Repeat("a", 5000), "/%zz",
	} {
		if status, loc := login(next); status != http.StatusSeeOther || loc != "/" {
			t.Errorf("login next=%q → %d %q, want 303 → /", next, status, loc)
		}
	}
	for _, next := range []string{"/case/demo/A1", "/?state=all&shop=demo", "/media?path=%2Ftmp%2Fa.png", "/case/demo/A%201"} {
		if status, loc := login(next); status != http.StatusSeeOther || loc != next {
			t.Errorf("login next=%q → %d %q, want it kept", next, status, loc)
		}
	}
	// The login page carries the same check into its form.
	page := e.client().get("/login?next=/%09/evil.example").Body
	if !strings.Contains(page, `name="next" value="/"`) {
		t.Errorf("login page for next=/%%09/evil.example keeps it in the form:\n%s", page)
	}
}

// A request naming another host (DNS rebinding: evil.example resolving to 127.0.0.1) is
// refused before any handler; the loopback names and addresses are served.
func TestHostHeaderChecked(t *testing.T) {
	e := newEnv(t)
	u, _ := url.Parse(e.srv.URL)
	port := u.Port()
	c := e.client()
	for _, tc := range []struct {
		host string
		want int
	}{
		{"evil.example:" + port, http.StatusMisdirectedRequest},
		{"evil.example", http.StatusMisdirectedRequest},
		{"127.0.0.1.evil.example:" + port, http.StatusMisdirectedRequest},
		{"localhost.evil.example:" + port, http.StatusMisdirectedRequest},
		{"127.0.0.1:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST:" + port, http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/login", nil)
		req.Host = tc.host
		if r := c.do(req); r.Status != tc.want {
			t.Errorf("GET /login with Host %q = %d, want %d", tc.host, r.Status, tc.want)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = "evil.example:" + port
	if r := e.client().do(req); r.Status != http.StatusMisdirectedRequest {
		t.Errorf("POST /login with Host evil.example = %d, want 421", r.Status)
	}
}

// A POST body over the cap is refused as too large, and a huge form is never parsed.
func TestPostBodyCapped(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	big := url.Values{"token": {token}, "pad": {strings.Repeat("x", 100<<10)}}
	if r := c.post("/login", big); r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("login with a 100 KB body = %d, want 413", r.Status)
	}
	if r := c.get("/"); r.Status != http.StatusSeeOther {
		t.Fatalf("GET / after an oversized login = %d, want 303 (not logged in)", r.Status)
	}
}

// boardWith is a second board over the env's store and engine with some options changed,
// and its handler.
func boardWith(t *testing.T, e *env, change func(*board.Options)) (*board.Board, http.Handler) {
	t.Helper()
	o := board.Options{Store: e.store, Engine: e.spy, Token: token, MediaDir: e.media, Shops: []string{shopID}, Now: e.clock.Now,
		Merchant: func(string) string { return merchant }}
	change(&o)
	b, err := board.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return b, b.Handler()
}

// loginFrom posts a login straight to the handler as if from the TCP peer remote with
// the headers given ("k", "v", ...), and returns the status.
func loginFrom(h http.Handler, remote, tok string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8787/login", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

const wrong = "wrong-token-here"

// Behind a reverse proxy every login comes from the proxy's address: with the proxy's
// header trusted, a guesser's wrong tries lock out the guesser, not the merchant.
func TestLoginThrottleTrustedProxyHeader(t *testing.T) {
	e := newEnv(t)
	_, h := boardWith(t, e, func(o *board.Options) { o.TrustedProxyHeader = "X-Forwarded-For" })
	const proxy = "127.0.0.1:40000"
	for i := range 5 {
		// The client may put anything in front; the proxy appends the address it saw.
		if w := loginFrom(h, proxy, wrong, "X-Forwarded-For", fmt.Sprintf("10.0.0.%d, 203.0.113.9", i)); w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong try %d = %d, want 401", i+1, w.Code)
		}
	}
	if w := loginFrom(h, proxy, token, "X-Forwarded-For", "203.0.113.9"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("the guesser's sixth try = %d, want 429", w.Code)
	}
	if w := loginFrom(h, proxy, token, "X-Forwarded-For", "198.51.100.7"); w.Code != http.StatusSeeOther {
		t.Fatalf("the merchant behind the same proxy = %d, want 303 (logged in)", w.Code)
	}
	// IPv6 clients count per /64: another address in the guesser's block is the guesser.
	for range 5 {
		loginFrom(h, proxy, wrong, "X-Forwarded-For", "2001:db8:1:2::1")
	}
	if w := loginFrom(h, proxy, token, "X-Forwarded-For", "2001:db8:1:2::beef"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("same /64 after five wrong tries = %d, want 429", w.Code)
	}
	// RFC 7239 Forwarded works too.
	_, fh := boardWith(t, e, func(o *board.Options) { o.TrustedProxyHeader = "Forwarded" })
	for range 5 {
		loginFrom(fh, proxy, wrong, "Forwarded", "for=203.0.113.9;proto=https")
	}
	if w := loginFrom(fh, proxy, token, "Forwarded", "for=198.51.100.7;proto=https"); w.Code != http.StatusSeeOther {
		t.Fatalf("Forwarded: the merchant = %d, want 303", w.Code)
	}
	if w := loginFrom(fh, proxy, token, "Forwarded", "for=203.0.113.9"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("Forwarded: the guesser = %d, want 429", w.Code)
	}
}

// Without a trusted header, a forged X-Forwarded-For changes nothing: the TCP peer counts.
func TestLoginThrottleIgnoresUntrustedHeader(t *testing.T) {
	e := newEnv(t)
	_, h := boardWith(t, e, func(*board.Options) {})
	for i := range 5 {
		loginFrom(h, "192.0.2.1:1234", wrong, "X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i), "X-Real-IP", fmt.Sprintf("10.1.0.%d", i))
	}
	if w := loginFrom(h, "192.0.2.1:5678", token, "X-Forwarded-For", "10.9.9.9"); w.Code != http.StatusTooManyRequests {
		t.Fatalf("sixth try with a new forged header = %d, want 429", w.Code)
	}
}

// 40,000 guessing addresses: each attempt is counted in O(1), the table holds each once,
// and the merchant at another address still logs in.
func TestLoginThrottleManyAddresses(t *testing.T) {
	longtest.Skip(t, "40,000 login addresses")
	e := newEnv(t)
	b, h := boardWith(t, e, func(*board.Options) {})
	const n = 40_000
	for i := range n {
		if w := loginFrom(h, addr(i), wrong); w.Code != http.StatusUnauthorized {
			t.Fatalf("first wrong try from %s = %d, want 401", addr(i), w.Code)
		}
	}
	if got := board.ThrottleTracked(b); got != n {
		t.Fatalf("throttle tracks %d addresses, want %d", got, n)
	}
	for range 4 {
		loginFrom(h, addr(n-1), wrong)
	}
	if w := loginFrom(h, addr(n-1), token); w.Code != http.StatusTooManyRequests {
		t.Fatalf("fifth wrong try then the token = %d, want 429", w.Code)
	}
	if w := loginFrom(h, "198.51.100.7:1", token); w.Code != http.StatusSeeOther {
		t.Fatalf("the merchant during the flood = %d, want 303", w.Code)
	}
	if w := loginFrom(h, addr(0), token); w.Code != http.StatusSeeOther {
		t.Fatalf("an address with one wrong try = %d, want 303", w.Code)
	}
	if got := board.ThrottleTracked(b); got != n-1 {
		t.Fatalf("after a success the throttle tracks %d, want %d", got, n-1)
	}
}

// More addresses than the table holds: it stays at its cap, and the addresses beyond it
// share one small budget of wrong tries instead of five each.
func TestLoginThrottleBoundedMemory(t *testing.T) {
	longtest.Skip(t, "40,000 login addresses")
	e := newEnv(t)
	b, h := boardWith(t, e, func(*board.Options) {})
	const capacity, n = 1000, 40_000
	board.SetThrottleMax(b, capacity)
	counts := map[int]int{}
	for i := range n {
		counts[loginFrom(h, addr(i), wrong).Code]++
		if got := board.ThrottleTracked(b); got > capacity {
			t.Fatalf("after %d addresses the throttle tracks %d, cap %d", i+1, got, capacity)
		}
	}
	// capacity addresses counted alone, then 100 shared tries, then refusals.
	if counts[http.StatusUnauthorized] != capacity+100 || counts[http.StatusTooManyRequests] != n-capacity-100 {
		t.Fatalf("answers %v, want %d × 401 and %d × 429", counts, capacity+100, n-capacity-100)
	}
	// A tracked address keeps its own count.
	for i := range 4 {
		if w := loginFrom(h, addr(7), wrong); w.Code != http.StatusUnauthorized {
			t.Fatalf("tracked address, wrong try %d = %d, want 401", i+2, w.Code)
		}
	}
	if w := loginFrom(h, addr(7), token); w.Code != http.StatusTooManyRequests {
		t.Fatalf("tracked address after five = %d, want 429", w.Code)
	}
	if w := loginFrom(h, addr(8), token); w.Code != http.StatusSeeOther {
		t.Fatalf("tracked address with one wrong try, right token = %d, want 303", w.Code)
	}
	// The shared budget lifts with its window.
	e.clock.Add(10 * time.Minute)
	if w := loginFrom(h, addr(n-1), token); w.Code != http.StatusSeeOther {
		t.Fatalf("untracked address after the window = %d, want 303", w.Code)
	}
}

func addr(i int) string { return fmt.Sprintf("10.%d.%d.%d:4242", i>>16&255, i>>8&255, i&255) }

// Cookies are Secure when the request came over TLS or the board's public URL is https;
// that origin and host are accepted, others still refused.
func TestSecureCookiesAndPublicURL(t *testing.T) {
	e := newEnv(t)
	sessionCookie := func(res *http.Response) *http.Cookie {
		for _, c := range res.Cookies() {
			if c.Name == "aftersale_board" {
				return c
			}
		}
		t.Fatalf("no session cookie: %d", res.StatusCode)
		return nil
	}
	post := func(srv *httptest.Server, host, origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if host != "" {
			req.Host = host
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := srv.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	// Plain http on loopback, no public URL: not Secure (the browser would drop it).
	if c := sessionCookie(post(e.srv, "", "")); c.Secure {
		t.Error("cookie over plain http without a public URL is Secure")
	}
	// Over TLS.
	_, h := boardWith(t, e, func(*board.Options) {})
	tls := httptest.NewTLSServer(h)
	defer tls.Close()
	if c := sessionCookie(post(tls, "", "")); !c.Secure {
		t.Error("cookie over TLS is not Secure")
	}
	// Behind an https proxy: plain http to the board, the browser on https://board.example.com.
	_, ph := boardWith(t, e, func(o *board.Options) { o.PublicURL = "https://Board.Example.com" })
	proxied := httptest.NewServer(ph)
	defer proxied.Close()
	res := post(proxied, "board.example.com", "https://board.example.com")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login through the public URL = %d, want 303", res.StatusCode)
	}
	if c := sessionCookie(res); !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie behind an https public URL = %+v, want Secure, HttpOnly, SameSite=Strict", c)
	}
	if res := post(proxied, "evil.example", ""); res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("other host with a public URL set = %d, want 421", res.StatusCode)
	}
	if res := post(proxied, "board.example.com", "https://evil.example"); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site origin with a public URL set = %d, want 403", res.StatusCode)
	}
	// A listen address's host name is accepted too.
	_, lh := boardWith(t, e, func(o *board.Options) { o.Listen = "shop-pc.lan:8787" })
	listened := httptest.NewServer(lh)
	defer listened.Close()
	if res := post(listened, "shop-pc.lan:8787", ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login naming the listen host = %d, want 303", res.StatusCode)
	}
	for _, bad := range []board.Options{{PublicURL: "ftp://x"}, {PublicURL: "https://x/board"}, {PublicURL: "board.example.com"},
		{Listen: "no-port"}, {TrustedProxyHeader: "X Forwarded"}} {
		bad.Store, bad.Engine, bad.Token, bad.Merchant = e.store, e.spy, token, func(string) string { return merchant }
		if _, err := board.New(bad); err == nil {
			t.Errorf("New(%+v) accepted", bad)
		}
	}
}

// The server NewServer builds bounds every phase of a request.
func TestNewServerLimits(t *testing.T) {
	srv := board.NewServer("127.0.0.1:8787", http.NotFoundHandler())
	if srv.Addr != "127.0.0.1:8787" || srv.Handler == nil {
		t.Fatalf("NewServer addr %q handler %v", srv.Addr, srv.Handler)
	}
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		if d <= 0 || d > time.Minute {
			t.Errorf("%s = %v, want set and at most a minute", name, d)
		}
	}
	if srv.ReadHeaderTimeout > srv.ReadTimeout {
		t.Errorf("ReadHeaderTimeout %v > ReadTimeout %v", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	if srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Errorf("MaxHeaderBytes = %d, want set and at most 64 KB", srv.MaxHeaderBytes)
	}
}

// Requests stalled in the handler (here: bodies that never finish) hold at most
// MaxInFlight slots; the next request is answered 503 at once, and the slots free up.
func TestInFlightCapped(t *testing.T) {
	e := newEnv(t)
	b, h := boardWith(t, e, func(*board.Options) {})
	login := loginFrom(h, "127.0.0.1:1", token)
	var writers []*io.PipeWriter
	var wg sync.WaitGroup
	for range board.MaxInFlight {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8787/login", pr)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), req) })
	}
	for deadline := time.Now().Add(10 * time.Second); board.InFlight(b) < board.MaxInFlight; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d requests in flight", board.InFlight(b))
		}
		time.Sleep(time.Millisecond)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8787/login", nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("request beyond the cap = %d, want 503 with Retry-After", w.Code)
	}
	// The merchant's logged-in requests have their own slots.
	var session *http.Cookie
	for _, c := range login.Result().Cookies() {
		if c.Name == "aftersale_board" {
			session = c
		}
	}
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8787/", nil)
	req.AddCookie(session)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("logged-in request while anonymous ones fill the cap = %d, want 200", w.Code)
	}
	for _, pw := range writers {
		pw.CloseWithError(io.ErrUnexpectedEOF)
	}
	wg.Wait()
	if n := board.InFlight(b); n != 0 {
		t.Fatalf("%d slots still held", n)
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8787/login", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("after the stalled requests ended = %d, want 200", w.Code)
	}
}
