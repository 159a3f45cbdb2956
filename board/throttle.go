package board

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
)

// Wrong tokens are limited per client address: the board listens on loopback, but a
// reverse proxy or a port forward can put it in reach of someone guessing.
const (
	loginTries  = 5
	loginWindow = 10 * time.Minute
	// maxTracked bounds the addresses counted one by one (tens of bytes each, so a few
	// MB at most); each entry expires loginWindow after its first wrong try.
	maxTracked = 50_000
	// overflowTries is the wrong tries all further addresses share while the table is
	// full: an attacker with more addresses than maxTracked gets this many more guesses
	// per window, not a fresh five per address.
	overflowTries = 100
)

// loginThrottle counts wrong logins per client within loginWindow. Every call is O(1):
// the entries live in a TTL cache whose janitor drops expired ones in the background.
type loginThrottle struct {
	mu       sync.Mutex // makes each read-modify-write of a count atomic
	fails    *cache.Cache
	max      int
	overflow loginFails
}

type loginFails struct {
	n     int
	first time.Time
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{fails: cache.New(loginWindow, time.Minute), max: maxTracked}
}

// lookup returns addr's count and its limit; nil when addr has none. Called with l.mu held.
func (l *loginThrottle) lookup(addr string) (*loginFails, int) {
	if v, ok := l.fails.Get(addr); ok {
		return v.(*loginFails), loginTries
	}
	if l.fails.ItemCount() >= l.max {
		return &l.overflow, overflowTries
	}
	return nil, loginTries
}

// blocked reports whether addr used up its tries, and until when.
func (l *loginThrottle) blocked(addr string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, limit := l.lookup(addr)
	if f == nil || f.n == 0 || now.Sub(f.first) >= loginWindow {
		return false, time.Time{}
	}
	return f.n >= limit, f.first.Add(loginWindow)
}

// failed counts a wrong token from addr; a count whose window has passed starts over.
func (l *loginThrottle) failed(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, _ := l.lookup(addr)
	if f == nil {
		l.fails.Set(addr, &loginFails{n: 1, first: now}, loginWindow)
		return
	}
	if f.n == 0 || now.Sub(f.first) >= loginWindow {
		*f = loginFails{first: now}
		if f != &l.overflow {
			l.fails.Set(addr, f, loginWindow) // the window restarts, and so does the entry's life
		}
	}
	f.n++
}

// succeeded forgets addr's wrong tries.
func (l *loginThrottle) succeeded(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails.Delete(addr)
}

// tracked is how many addresses have their own count (tests).
func (l *loginThrottle) tracked() int { return l.fails.ItemCount() }

// clientAddr is who the throttle counts a login against: the address the trusted proxy
// header names when one is configured and present, else the TCP peer. An IPv6 client
// counts as its /64, the block one subscriber gets.
func (b *Board) clientAddr(r *http.Request) string {
	if b.proxyHeader != "" {
		if a, ok := forwardedAddr(r.Header.Values(b.proxyHeader)); ok {
			return addrKey(a)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return addrKey(a)
	}
	return host
}

// forwardedAddr reads the client address a proxy put in its header: the last entry,
// which is the one the proxy in front of the board added (earlier entries are whatever
// the client sent). It reads X-Forwarded-For and X-Real-IP style lists ("a, b") and
// RFC 7239 Forwarded ("for=a;proto=https, for=b").
func forwardedAddr(values []string) (netip.Addr, bool) {
	var last string
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				last = item
			}
		}
	}
	if last == "" {
		return netip.Addr{}, false
	}
	if strings.Contains(last, "=") { // Forwarded: pick the for= parameter
		forValue := ""
		for param := range strings.SplitSeq(last, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
			if strings.EqualFold(k, "for") {
				forValue = strings.Trim(v, `"`)
			}
		}
		last = forValue
	}
	if a, err := netip.ParseAddr(strings.Trim(last, "[]")); err == nil {
		return a, true
	}
	if ap, err := netip.ParseAddrPort(last); err == nil {
		return ap.Addr(), true
	}
	return netip.Addr{}, false
}

func addrKey(a netip.Addr) string {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return a.String()
}
