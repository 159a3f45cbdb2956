package app

import (
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
	"golang.org/x/time/rate"
)

// Limits of the push server: slow or half-sent requests cannot hold it (a probe kept
// 3,000 half-sent bodies open for over 30 s with only a header timeout).
const (
	pushReadHeaderTimeout = 5 * time.Second
	pushReadTimeout       = 15 * time.Second
	pushWriteTimeout      = 30 * time.Second
	pushIdleTimeout       = 60 * time.Second
	pushMaxHeaderBytes    = 16 << 10
	pushMaxInFlight       = 64
)

// newPushServer is the push endpoint's http.Server with read, write and idle timeouts and
// a header size cap.
func newPushServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: pushReadHeaderTimeout, ReadTimeout: pushReadTimeout,
		WriteTimeout: pushWriteTimeout, IdleTimeout: pushIdleTimeout, MaxHeaderBytes: pushMaxHeaderBytes}
}

// inFlight answers 503 beyond max requests at once, so a flood cannot queue up without
// bound behind the store.
func inFlight(max int, next http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	})
}

// failureGate refuses a source address that keeps sending failing pushes (bad
// signatures, bad bodies): after perMinute failures it gets 429 until it slows down, so
// forging a push by trial costs real time. Memory is bounded: sources are forgotten ten
// minutes after their last failure.
type failureGate struct {
	perMinute int
	mu        sync.Mutex
	sources   *cache.Cache // source → *rate.Limiter of failures
	now       func() time.Time
}

func newFailureGate(perMinute int, now func() time.Time) *failureGate {
	return &failureGate{perMinute: perMinute, sources: cache.New(10*time.Minute, time.Minute), now: now}
}

func (g *failureGate) limiter(src string) *rate.Limiter {
	g.mu.Lock()
	defer g.mu.Unlock()
	if v, ok := g.sources.Get(src); ok {
		g.sources.SetDefault(src, v)
		return v.(*rate.Limiter)
	}
	l := rate.NewLimiter(rate.Limit(float64(g.perMinute)/60), g.perMinute)
	g.sources.SetDefault(src, l)
	return l
}

// wrap serves next, counting the source's failures (4xx answers).
func (g *failureGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			src = r.RemoteAddr
		}
		l := g.limiter(src)
		if l.TokensAt(g.now()) < 1 {
			w.Header().Set("Retry-After", "60")
			http.Error(w, "too many failed requests", http.StatusTooManyRequests)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status >= 400 && rec.status < 500 {
			l.AllowN(g.now(), 1)
		}
	})
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
