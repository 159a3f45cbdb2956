// Package board is the merchant's web case board: a server-rendered list of cases with
// live countdowns, a page per case with its transcript, events and evidence, and forms
// for the same actions as the chat commands. Every action is sent to the engine as the
// shop's merchant typing the command, so the board never changes a case on its own.
package board

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/vocab"
)

// Commander is the slice of bot.Engine the board needs: carry out a merchant command
// given as typed values (bot.Engine.Act).
type Commander interface {
	Act(ctx context.Context, shop, merchant, id string, cmd bot.Command) (bot.Outcome, error)
}

// Options configures a Board. Store, Engine, Merchant and Token are required.
type Options struct {
	Store  *cases.Store
	Engine Commander
	// Merchant names the configured merchant account a shop's board actions are sent
	// as; "" means the shop is unknown and its cases take no actions.
	Merchant func(shop string) string
	// Token is the login secret: at least 16 characters and not guessable (not only
	// digits, not a repeated pattern, not common words); New says how to generate one.
	// Sessions are derived from it, so changing it logs every browser out.
	Token string
	// MediaDir is the only directory evidence files are served from.
	MediaDir string
	// Shops lists shop ids for the filter, in config order; optional.
	Shops []string
	// ShopNames maps a shop id to the name the merchant knows it by (config shops.name);
	// pages show the name, and the id where there is none.
	ShopNames map[string]string
	// Refresh is how often the case list reloads itself to show new cases: by a script
	// that waits while the merchant is typing or choosing a filter, else (no JavaScript)
	// by a meta refresh. Default 30 s; negative turns it off.
	Refresh time.Duration
	// SessionTTL is how long a login lasts. Default 30 days: the board runs on the
	// merchant's own machine and a phone that must log in daily gets left logged out.
	SessionTTL time.Duration
	// Listen is the address the board's server listens on ("127.0.0.1:8787"); optional.
	// A host name in it is accepted in the Host header (IP literals and localhost always
	// are), so a DNS-rebinding page cannot reach the board under its own name.
	Listen string
	// PublicURL is the origin the merchant opens the board at when a reverse proxy
	// serves it ("https://board.example.com"); optional. Its host is accepted in the Host
	// header, its origin in the Origin header, and an https one makes cookies Secure
	// (they are Secure anyway on a request that arrived over TLS).
	PublicURL string
	// TrustedProxyHeader names the header the reverse proxy in front of the board puts
	// the client's address in ("X-Forwarded-For", "X-Real-IP" or "Forwarded"); the login
	// throttle then counts wrong tokens per client rather than per proxy. Set it only
	// when the board cannot be reached except through that proxy, since anyone reaching
	// it directly could send the header. "" (the default): the TCP peer address.
	TrustedProxyHeader string
	Now                func() time.Time
	Log                *slog.Logger
}

// Board serves the case board.
type Board struct {
	store       *cases.Store
	engine      Commander
	merchant    func(string) string
	token       string
	throttle    *loginThrottle
	revoked     *revocations
	key         []byte // HMAC key for sessions, CSRF tokens and flashes, derived from the token
	mediaDir    string
	shops       []string
	shopNames   map[string]string
	refresh     time.Duration
	ttl         time.Duration
	now         func() time.Time
	log         *slog.Logger
	pages       *template.Template
	proxyHeader string
	hosts       map[string]bool // host names (lower case, no port) the Host header may name besides IPs and localhost
	origin      string          // PublicURL's origin, "" if none
	httpsOrigin bool            // PublicURL is https: cookies are always Secure
	inflight    chan struct{}   // one slot per request without a valid session being served
	inflightIn  chan struct{}   // the same for requests with one, so a flood cannot crowd out the merchant
}

// CheckToken refuses a login token that could be guessed (short, only digits, repeated,
// or made of common words and keyboard runs), saying why and how to make one. check-config
// calls it too, so a token the board would refuse is found before a start.
func CheckToken(token string) error {
	if why := weakToken(token); why != "" {
		return fmt.Errorf("the token %s; generate one with `openssl rand -base64 24`", why)
	}
	return nil
}

// New checks the options and builds a board.
func New(o Options) (*Board, error) {
	if o.Store == nil || o.Engine == nil || o.Merchant == nil {
		return nil, errors.New("new board: store, engine and merchant are required")
	}
	if err := CheckToken(o.Token); err != nil {
		return nil, fmt.Errorf("new board: %w", err)
	}
	media := ""
	if o.MediaDir != "" {
		abs, err := filepath.Abs(o.MediaDir)
		if err != nil {
			return nil, fmt.Errorf("new board: media dir: %w", err)
		}
		media = abs
	}
	hosts := map[string]bool{}
	if o.Listen != "" {
		host, _, err := net.SplitHostPort(o.Listen)
		if err != nil {
			return nil, fmt.Errorf("new board: listen address %q: %w", o.Listen, err)
		}
		if host != "" {
			hosts[canonicalHost(host)] = true
		}
	}
	origin, secure := "", false
	if o.PublicURL != "" {
		u, err := url.Parse(o.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("new board: public url %q: want an origin such as https://board.example.com", o.PublicURL)
		}
		hosts[canonicalHost(u.Hostname())] = true
		origin, secure = u.Scheme+"://"+strings.ToLower(u.Host), u.Scheme == "https"
	}
	if o.TrustedProxyHeader != "" && !validHeaderName(o.TrustedProxyHeader) {
		return nil, fmt.Errorf("new board: trusted proxy header %q is not a header name", o.TrustedProxyHeader)
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * 24 * time.Hour
	}
	if o.Refresh == 0 {
		o.Refresh = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Board{
		store: o.Store, engine: o.Engine, merchant: o.Merchant, token: o.Token, key: deriveKey(o.Token),
		throttle: newLoginThrottle(), revoked: newRevocations(),
		mediaDir: media, shops: o.Shops, shopNames: o.ShopNames, refresh: o.Refresh, ttl: o.SessionTTL, now: o.Now, log: o.Log, pages: pages,
		proxyHeader: http.CanonicalHeaderKey(o.TrustedProxyHeader), hosts: hosts, origin: origin, httpsOrigin: secure,
		inflight: make(chan struct{}, maxInFlight), inflightIn: make(chan struct{}, maxInFlight),
	}, nil
}

func validHeaderName(h string) bool {
	for _, c := range h {
		if c > 0x7e || c <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return true
}

// Handler is the board's HTTP handler, for an http.Server on a loopback address.
func (b *Board) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", b.loginPage)
	mux.HandleFunc("POST /login", b.login)
	mux.Handle("POST /logout", b.authed(http.HandlerFunc(b.logout)))
	mux.Handle("GET /{$}", b.authed(http.HandlerFunc(b.list)))
	mux.Handle("GET /case/{shop}/{id}", b.authed(http.HandlerFunc(b.casePage)))
	mux.Handle("POST /case/{shop}/{id}/action", b.authed(http.HandlerFunc(b.action)))
	mux.Handle("GET /media", b.authed(http.HandlerFunc(b.media)))
	return b.secure(mux)
}

// maxForm caps a request body: the longest form is a reply to a buyer.
const maxForm = 64 << 10

// maxInFlight caps the requests served at once, separately for requests with a valid
// session and without: one merchant's browsers need a handful, a flood beyond it is
// answered 503 at once instead of piling up, and requests from someone without the token
// never take the merchant's slots.
const maxInFlight = 64

// secure sets the headers every response gets, refuses a Host the board is not known by
// (DNS rebinding) and cross-site POSTs before any handler runs, on top of the CSRF token,
// and caps the requests in flight and the size of their bodies.
func (b *Board) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if !b.hostOK(r.Host) {
			b.log.Warn("board: request for another host refused", "host", vocab.Clip(r.Host, 100), "remote", r.RemoteAddr)
			b.errorPage(w, r, "主机名不对 / misdirected request: open the board at its own address", http.StatusMisdirectedRequest)
			return
		}
		slots := b.inflight
		if c, err := r.Cookie(sessionCookie); err == nil {
			if _, ok := b.checkSession(c.Value); ok {
				slots = b.inflightIn
			}
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			h.Set("Retry-After", "1")
			b.errorPage(w, r, "请求太多，请稍后再试 / too many requests in flight", http.StatusServiceUnavailable)
			return
		}
		if r.Method == http.MethodPost {
			if o := r.Header.Get("Origin"); o != "" && o != "null" && !b.sameOrigin(o, r) {
				b.errorPage(w, r, "跨站请求被拒绝 / cross-site request refused", http.StatusForbidden)
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		next.ServeHTTP(w, r)
	})
}

func (b *Board) sameOrigin(origin string, r *http.Request) bool {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return origin == scheme+"://"+r.Host || (b.origin != "" && strings.EqualFold(origin, b.origin))
}

// hostOK accepts a Host naming the board by IP address (no DNS name, so nothing to
// rebind), as localhost, or by the host of Listen or PublicURL; the port is not checked.
func (b *Board) hostOK(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = canonicalHost(host)
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return host == "localhost" || b.hosts[host]
}

// canonicalHost lower-cases a host name, drops a trailing dot and IPv6 brackets.
func canonicalHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
}

// Recommended limits for the board's http.Server; NewServer sets them. A page is a few
// KB and a form at most maxForm, so a client that takes longer is stalling.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 30 * time.Second // evidence pictures go out to phones on slow links
	IdleTimeout       = 60 * time.Second
	MaxHeaderBytes    = 16 << 10 // the session and flash cookies are well under 5 KB
)

// NewServer is an http.Server for the board on addr with the limits above, so a slow or
// stalled client cannot hold a connection open for long.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr: addr, Handler: h,
		ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout, WriteTimeout: WriteTimeout,
		IdleTimeout: IdleTimeout, MaxHeaderBytes: MaxHeaderBytes,
	}
}
