package adapters

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/patrickmn/go-cache"
)

// DefaultPushWindow is how far the time a push carries may be from the receiving clock.
const DefaultPushWindow = 5 * time.Minute

// Bounds on pushed fields: a push with a longer id or text is refused as a whole.
const (
	MaxIDBytes   = 64
	MaxTextBytes = 1024
)

// CheckID checks a pushed identifier: at most MaxIDBytes, valid UTF-8, no control or
// space characters.
func CheckID(field, v string) error {
	if len(v) > MaxIDBytes {
		return fmt.Errorf("%s: %d bytes, at most %d", field, len(v), MaxIDBytes)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s: not UTF-8", field)
	}
	for _, r := range v {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return fmt.Errorf("%s: control or space character", field)
		}
	}
	return nil
}

// CheckText checks pushed free text (a reason, a status name): at most MaxTextBytes and
// valid UTF-8.
func CheckText(field, v string) error {
	if len(v) > MaxTextBytes {
		return fmt.Errorf("%s: %d bytes, at most %d", field, len(v), MaxTextBytes)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s: not UTF-8", field)
	}
	return nil
}

// Years a platform time may fall in. A time outside them is a unit mix-up: seconds read
// as milliseconds land in 1970, milliseconds read as seconds tens of thousands of years
// ahead.
const (
	minPlausibleYear = 2020
	maxPlausibleYear = 2100
)

// PlausibleTime reports whether t could be a time a platform really sent.
func PlausibleTime(t time.Time) bool {
	y := t.Year()
	return !t.IsZero() && y >= minPlausibleYear && y <= maxPlausibleYear
}

// How far a pushed deadline may lie from the time of its event.
const (
	DeadlineBefore = 24 * time.Hour
	DeadlineAfter  = 60 * 24 * time.Hour
)

// SaneDeadline returns the pushed deadline d when it is one a push may set for an event
// that happened at at: a plausible time, no earlier than a day before at, no later than
// 60 days after it. Otherwise it returns the zero time: the event keeps no deadline and
// the engine reads the platform's own back.
func SaneDeadline(d, at time.Time) time.Time {
	if !PlausibleTime(d) || at.IsZero() || d.Before(at.Add(-DeadlineBefore)) || d.After(at.Add(DeadlineAfter)) {
		return time.Time{}
	}
	return d
}

// EventTime is the time to put on Event.At: the platform's own time t when it is
// plausible and not later than now plus DefaultPushWindow (a clock a little ahead is
// tolerated, a date in the future is not, since a later At makes the engine ignore the
// updates that follow), otherwise now.
func EventTime(t, now time.Time) time.Time {
	if !PlausibleTime(t) || t.After(now.Add(DefaultPushWindow)) {
		return now
	}
	return t
}

// PushGuard is the replay protection every push handler shares: a window around the
// handler's clock that the time a push carries must fall in, and a memory of the
// messages applied within it (github.com/patrickmn/go-cache). Entries live twice the
// window, because a message stamped up to one window ahead is accepted and may be
// replayed until it is a window old. A guard is safe for concurrent use; share one
// between handlers (WithPushGuard) to keep its memory across a handler rebuild.
type PushGuard struct {
	window time.Duration
	seen   *cache.Cache
}

// NewPushGuard returns a guard for window; window <= 0 means DefaultPushWindow.
func NewPushGuard(window time.Duration) *PushGuard {
	if window <= 0 {
		window = DefaultPushWindow
	}
	return &PushGuard{window: window, seen: cache.New(2*window, window)}
}

// Window is the allowed distance between a push's time and the handler's clock.
func (g *PushGuard) Window() time.Duration { return g.window }

// Fresh reports whether t, the time a push carries, is within the window of now.
func (g *PushGuard) Fresh(t, now time.Time) bool {
	if !PlausibleTime(t) {
		return false
	}
	d := now.Sub(t)
	return d <= g.window && d >= -g.window
}

// Claim marks a message, named by one or more keys, as being applied. It returns false
// when any key is already claimed: the message is a replay (or a copy delivered while
// the first is still being applied) and must be acknowledged without applying it. A
// claim whose apply fails must be given back with Release so a redelivery is applied.
func (g *PushGuard) Claim(keys ...string) bool {
	for i, k := range keys {
		if err := g.seen.Add(k, struct{}{}, cache.DefaultExpiration); err != nil {
			g.Release(keys[:i]...)
			return false
		}
	}
	return true
}

// Release forgets claims, for a message that could not be applied.
func (g *PushGuard) Release(keys ...string) {
	for _, k := range keys {
		g.seen.Delete(k)
	}
}

// Len is how many claims the guard holds, expired ones not yet swept included.
func (g *PushGuard) Len() int { return g.seen.ItemCount() }

// ContentKey is a dedupe key for a message without an id of its own, or for catching a
// copy whose id was altered: a hash of its parts.
func ContentKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// PushOption tunes a push handler's replay protection.
type PushOption func(*pushConfig)

type pushConfig struct {
	window time.Duration
	guard  *PushGuard
}

// WithPushWindow sets the time window of a push handler (default DefaultPushWindow).
// Platforms that redeliver a failed push later with its original time (快手 retries at
// 5, 10, 20, 30 and 60 minutes) lose those redeliveries to a short window; widen it
// rather than disable it.
func WithPushWindow(d time.Duration) PushOption {
	return func(c *pushConfig) { c.window = d }
}

// WithPushGuard makes a handler use g (and g's window) for its replay protection.
func WithPushGuard(g *PushGuard) PushOption {
	return func(c *pushConfig) { c.guard = g }
}

// PushGuardFor returns the guard the options ask for: the one given with WithPushGuard,
// else a new one with the window of WithPushWindow, else with defaultWindow.
func PushGuardFor(defaultWindow time.Duration, opts ...PushOption) *PushGuard {
	c := pushConfig{window: defaultWindow}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.guard != nil {
		return c.guard
	}
	return NewPushGuard(c.window)
}

// WritePushAnswer writes a push endpoint's JSON answer with status: never cached, never
// sniffed as another type.
func WritePushAnswer(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
