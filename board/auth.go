package board

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/patrickmn/go-cache"
)

const (
	sessionCookie = "aftersale_board"
	flashCookie   = "aftersale_flash"
	csrfField     = "csrf"
)

// deriveKey turns the token into the HMAC key, so the cookie never carries the token and
// a leaked cookie does not reveal it.
func deriveKey(token string) []byte {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("aftersale board v1"))
	return m.Sum(nil)
}

func (b *Board) sign(parts ...string) string {
	m := hmac.New(sha256.New, b.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0}) // a separator no part contains, so parts cannot run together
	}
	return hex.EncodeToString(m.Sum(nil))
}

// session is a verified login: its random id binds the CSRF token and flashes to it.
type session struct {
	id   string
	csrf string
	exp  time.Time
}

type sessionKey struct{}

// newSessionValue is "id.expiry.mac"; the board keeps no session table, so a restart
// keeps everyone logged in and only a token change or a logout logs them out (a logout
// puts the id in b.revoked until the session would have expired).
func (b *Board) newSessionValue() string {
	id := rand.Text()
	exp := strconv.FormatInt(b.now().Add(b.ttl).Unix(), 10)
	return id + "." + exp + "." + b.sign("session", id, exp)
}

func (b *Board) checkSession(v string) (session, bool) {
	id, rest, ok := strings.Cut(v, ".")
	if !ok {
		return session{}, false
	}
	exp, mac, ok := strings.Cut(rest, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(b.sign("session", id, exp))) {
		return session{}, false
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !b.now().Before(time.Unix(sec, 0)) {
		return session{}, false
	}
	expires := time.Unix(sec, 0)
	if b.revoked.has(id, expires.Add(-b.ttl)) {
		return session{}, false
	}
	return session{id: id, csrf: b.sign("csrf", id), exp: expires}, true
}

// authed lets a request through only with a valid session cookie, and a POST only with
// the session's CSRF token. A page request without a session goes to the login page.
func (b *Board) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var s session
		ok := false
		if c, err := r.Cookie(sessionCookie); err == nil {
			s, ok = b.checkSession(c.Value)
		}
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			b.errorPage(w, r, "请先登录 / login required", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			if !b.parseForm(w, r) {
				return
			}
			if !hmac.Equal([]byte(r.PostForm.Get(csrfField)), []byte(s.csrf)) {
				b.log.Warn("board: post without a valid csrf token refused", "path", r.URL.Path)
				b.errorPage(w, r, "页面已过期，请刷新后重试 / invalid CSRF token", http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}

func sessionOf(r *http.Request) session {
	s, _ := r.Context().Value(sessionKey{}).(session)
	return s
}

// tokenOK compares hashes so neither the length nor a prefix of the token leaks through timing.
func (b *Board) tokenOK(given string) bool {
	g, t := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(b.token))
	return subtle.ConstantTimeCompare(g[:], t[:]) == 1
}

type loginView struct {
	page
	Next  string
	Error string
}

func (b *Board) loginPage(w http.ResponseWriter, r *http.Request) {
	b.render(w, r, http.StatusOK, "login", loginView{page: b.page(r, "登录"), Next: localPath(r.URL.Query().Get("next"))})
}

// parseForm parses a POST form, answering 413 for a body over maxForm and 400 otherwise.
func (b *Board) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		b.errorPage(w, r, "表单太大 / form too large", http.StatusRequestEntityTooLarge)
		return false
	}
	b.errorPage(w, r, "表单有误 / bad form", http.StatusBadRequest)
	return false
}

func (b *Board) login(w http.ResponseWriter, r *http.Request) {
	if !b.parseForm(w, r) {
		return
	}
	next := localPath(r.PostForm.Get("next"))
	addr, now := b.clientAddr(r), b.now()
	if blocked, until := b.throttle.blocked(addr, now); blocked {
		b.log.Warn("board: login refused after too many wrong tokens", "remote", addr)
		msg := fmt.Sprintf("口令错误次数太多，请 %d 分钟后再试。", int((until.Sub(now)+time.Minute-1)/time.Minute))
		b.render(w, r, http.StatusTooManyRequests, "login", loginView{page: b.page(r, "登录"), Next: next, Error: msg})
		return
	}
	if !b.tokenOK(r.PostForm.Get("token")) {
		b.throttle.failed(addr, now)
		b.log.Warn("board: login with a wrong token", "remote", addr)
		b.render(w, r, http.StatusUnauthorized, "login", loginView{page: b.page(r, "登录"), Next: next, Error: "口令不对，请再试一次。"})
		return
	}
	b.throttle.succeeded(addr)
	b.setCookie(w, r, sessionCookie, b.newSessionValue(), int(b.ttl/time.Second))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout revokes the session on the server as well, so a copy of the cookie taken
// earlier stops working too.
func (b *Board) logout(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	b.revoked.revoke(s.id, s.exp, b.now())
	b.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setCookie sets one of the board's cookies: HttpOnly, SameSite=Strict, and Secure when
// the request came over TLS or the board's public URL is https.
func (b *Board) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: b.httpsOrigin || r.TLS != nil})
}

// maxNext bounds a post-login redirect; the board's own URLs are far shorter.
const maxNext = 2048

// localPath keeps a post-login redirect on this site: a path, never //host or a URL,
// however it is spelled. A browser drops tabs and newlines from a Location and reads \
// as /, so "/\t/evil" and "/\\evil" mean //evil; the path is checked as sent and again
// after each round of percent-decoding (a proxy or a second redirect may decode it).
func localPath(p string) string {
	if len(p) > maxNext {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	s := p
	for range 5 {
		if !plainPath(s) {
			return "/"
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "/"
		}
		if d == s {
			return p
		}
		s = d
	}
	return "/" // still decoding after five rounds: nothing the board links to
}

// plainPath: starts with exactly one slash, no backslash, no control character.
func plainPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' || r == utf8.RuneError }) < 0
}

// setFlash leaves a one-time message for the next page, signed and bound to the session
// so another site cannot plant text on the board.
func (b *Board) setFlash(w http.ResponseWriter, r *http.Request, s session, text string) {
	v := base64.RawURLEncoding.EncodeToString([]byte(text))
	b.setCookie(w, r, flashCookie, v+"."+b.sign("flash", s.id, v), 120)
}

// takeFlash reads and clears the flash message.
func (b *Board) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	b.setCookie(w, r, flashCookie, "", -1)
	v, mac, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(b.sign("flash", sessionOf(r).id, v))) {
		return ""
	}
	text, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return ""
	}
	return string(text)
}

// maxRevoked bounds the revoked sessions kept (a few dozen bytes each). Only a logged-in
// merchant's logout adds one, so it fills only after thousands of logouts within a
// session's lifetime; then every session issued so far is void instead (one more login
// on each device) and the set starts empty.
const maxRevoked = 10_000

// revocations are the sessions logged out before they expire: each id is kept until its
// session would have expired anyway. They live in memory, so a restart forgets them.
type revocations struct {
	mu        sync.Mutex
	ids       *cache.Cache
	max       int
	notBefore time.Time // sessions issued before it are void (set when ids overflowed)
}

func newRevocations() *revocations {
	return &revocations{ids: cache.New(cache.NoExpiration, 10*time.Minute), max: maxRevoked}
}

func (v *revocations) revoke(id string, exp, now time.Time) {
	left := exp.Sub(now)
	if id == "" || left <= 0 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ids.ItemCount() >= v.max {
		v.notBefore = now.Truncate(time.Second)
		v.ids.Flush()
	}
	v.ids.Set(id, struct{}{}, left)
}

// has reports whether the session id, issued at issued, was revoked.
func (v *revocations) has(id string, issued time.Time) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if issued.Before(v.notBefore) {
		return true
	}
	_, ok := v.ids.Get(id)
	return ok
}
