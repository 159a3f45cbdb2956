package board

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Wrong tokens are limited per client address: the board listens on loopback, but a
// reverse proxy or a port forward can put it in reach of someone guessing.
const (
	loginTries  = 5
	loginWindow = 10 * time.Minute
)

// loginThrottle counts wrong logins per client within loginWindow.
type loginThrottle struct {
	mu    sync.Mutex
	fails map[string]loginFails
}

type loginFails struct {
	n     int
	first time.Time
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// blocked reports whether addr used up its tries, and until when.
func (l *loginThrottle) blocked(addr string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.fails[addr]
	if !ok || now.Sub(f.first) >= loginWindow {
		return false, time.Time{}
	}
	return f.n >= loginTries, f.first.Add(loginWindow)
}

// failed counts a wrong token from addr, forgetting windows that have passed.
func (l *loginThrottle) failed(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string]loginFails{}
	}
	for a, f := range l.fails {
		if now.Sub(f.first) >= loginWindow {
			delete(l.fails, a)
		}
	}
	f := l.fails[addr]
	if f.n == 0 {
		f.first = now
	}
	f.n++
	l.fails[addr] = f
}

// succeeded forgets addr's wrong tries.
func (l *loginThrottle) succeeded(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, addr)
}
