package board

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
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
}

type sessionKey struct{}

// newSessionValue is "id.expiry.mac"; the board keeps no session table, so a restart
// keeps everyone logged in and only a token change logs them out.
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
	return session{id: id, csrf: b.sign("csrf", id)}, true
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
			http.Error(w, "请先登录 / login required", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				http.Error(w, "表单有误 / bad form", http.StatusBadRequest)
				return
			}
			if !hmac.Equal([]byte(r.PostForm.Get(csrfField)), []byte(s.csrf)) {
				b.log.Warn("board: post without a valid csrf token refused", "path", r.URL.Path)
				http.Error(w, "页面已过期，请刷新后重试 / invalid CSRF token", http.StatusForbidden)
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

func (b *Board) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "表单有误 / bad form", http.StatusBadRequest)
		return
	}
	next := localPath(r.PostForm.Get("next"))
	addr, now := clientAddr(r), b.now()
	if blocked, until := b.throttle.blocked(addr, now); blocked {
		b.log.Warn("board: login refused after too many wrong tokens", "remote", addr)
		msg := fmt.Sprintf("口令错误次数太多，请 %d 分钟后再试。", int((until.Sub(now)+time.Minute-1)/time.Minute))
		b.render(w, r, http.StatusTooManyRequests, "login", loginView{page: b.page(r, "登录"), Next: next, Error: msg})
		return
	}
	if !b.tokenOK(r.PostForm.Get("token")) {
		b.throttle.failed(addr, now)
		b.log.Warn("board: login with a wrong token", "remote", r.RemoteAddr)
		b.render(w, r, http.StatusUnauthorized, "login", loginView{page: b.page(r, "登录"), Next: next, Error: "口令不对，请再试一次。"})
		return
	}
	b.throttle.succeeded(addr)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: b.newSessionValue(), Path: "/", MaxAge: int(b.ttl / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (b *Board) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// localPath keeps a post-login redirect on this site: a path, never //host or a URL.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// setFlash leaves a one-time message for the next page, signed and bound to the session
// so another site cannot plant text on the board.
func (b *Board) setFlash(w http.ResponseWriter, s session, text string) {
	v := base64.RawURLEncoding.EncodeToString([]byte(text))
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: v + "." + b.sign("flash", s.id, v), Path: "/", MaxAge: 120,
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// takeFlash reads and clears the flash message.
func (b *Board) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
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
