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
	"net/http"
	"path/filepath"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
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
	// Token is the login secret, at least 8 characters. Sessions are derived from it, so
	// changing it logs every browser out.
	Token string
	// MediaDir is the only directory evidence files are served from.
	MediaDir string
	// Shops lists shop ids for the filter, in config order; optional.
	Shops []string
	// SessionTTL is how long a login lasts. Default 30 days: the board runs on the
	// merchant's own machine and a phone that must log in daily gets left logged out.
	SessionTTL time.Duration
	Now        func() time.Time
	Log        *slog.Logger
}

// Board serves the case board.
type Board struct {
	store    *cases.Store
	engine   Commander
	merchant func(string) string
	token    string
	throttle loginThrottle
	key      []byte // HMAC key for sessions, CSRF tokens and flashes, derived from the token
	mediaDir string
	shops    []string
	ttl      time.Duration
	now      func() time.Time
	log      *slog.Logger
	pages    *template.Template
}

// minTokenLen keeps the token out of reach of guessing on a loopback port.
const minTokenLen = 8

// New checks the options and builds a board.
func New(o Options) (*Board, error) {
	if o.Store == nil || o.Engine == nil || o.Merchant == nil {
		return nil, errors.New("new board: store, engine and merchant are required")
	}
	if len(o.Token) < minTokenLen {
		return nil, fmt.Errorf("new board: token must be at least %d characters", minTokenLen)
	}
	media := ""
	if o.MediaDir != "" {
		abs, err := filepath.Abs(o.MediaDir)
		if err != nil {
			return nil, fmt.Errorf("new board: media dir: %w", err)
		}
		media = abs
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * 24 * time.Hour
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
		mediaDir: media, shops: o.Shops, ttl: o.SessionTTL, now: o.Now, log: o.Log, pages: pages,
	}, nil
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

// maxForm caps a POST body: the longest form is a reply to a buyer.
const maxForm = 64 << 10

// secure sets the headers every response gets and refuses cross-site POSTs before any
// handler runs, on top of the CSRF token.
func (b *Board) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			if o := r.Header.Get("Origin"); o != "" && o != "null" && !sameOrigin(o, r) {
				http.Error(w, "跨站请求被拒绝 / cross-site request refused", http.StatusForbidden)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		}
		next.ServeHTTP(w, r)
	})
}

func sameOrigin(origin string, r *http.Request) bool {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return origin == scheme+"://"+r.Host
}
