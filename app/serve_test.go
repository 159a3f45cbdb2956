package app

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// A source that keeps failing (forging pushes by trial) is refused after its budget;
// another source still gets through, and good requests do not count.
func TestFailureGate(t *testing.T) {
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	g := newFailureGate(30, func() time.Time { return now })
	h := g.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("good") == "" {
			http.Error(w, "bad", http.StatusBadRequest)
		}
	}))
	do := func(src, q string) int {
		req := httptest.NewRequest("POST", "/push/demo"+q, nil)
		req.RemoteAddr = src + ":4000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for range 100 {
		if do("10.0.0.9", "?good=1") != http.StatusOK {
			t.Fatal("a good request was refused")
		}
	}
	refused := 0
	for range 1000 {
		if do("10.0.0.1", "") == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused != 1000-30 {
		t.Fatalf("%d of 1000 failing requests refused, want all but the 30 budgeted", refused)
	}
	if got := do("10.0.0.2", ""); got != http.StatusBadRequest {
		t.Fatalf("another source: %d, want its own budget", got)
	}
	now = now.Add(time.Minute) // the budget refills
	if got := do("10.0.0.1", ""); got != http.StatusBadRequest {
		t.Fatalf("after a minute: %d, want the source heard again", got)
	}
}

// Beyond the cap of requests at once, the push server answers 503 at once.
func TestInFlightCap(t *testing.T) {
	release := make(chan struct{})
	var started sync.WaitGroup
	h := inFlight(2, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Done()
		<-release
	}))
	var done sync.WaitGroup
	started.Add(2)
	for range 2 {
		done.Add(1)
		go func() {
			defer done.Done()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/push/demo", nil))
		}()
	}
	started.Wait()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/push/demo", nil))
	close(release)
	done.Wait()
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("third request at once: %d, want 503", rec.Code)
	}
}

// The push server does not wait forever for a slow client.
func TestPushServerTimeouts(t *testing.T) {
	s := newPushServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 {
		t.Fatalf("push server limits %+v, want every timeout and a header cap set", s)
	}
}
