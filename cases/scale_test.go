package cases

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aftersale/aftersale/internal/longtest"
)

// scaleClock is a clock the filler moves forward, so opening times and alert due times
// spread out as they would over months of trade.
type scaleClock struct{ ms atomic.Int64 }

func (c *scaleClock) Now() time.Time      { return time.UnixMilli(c.ms.Load()).UTC() }
func (c *scaleClock) Add(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func newScaleClock() *scaleClock {
	c := &scaleClock{}
	c.ms.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	return c
}
func scalePolicy() Policy {
	return Policy{RespondWithin: 24 * time.Hour, WarnBefore: []time.Duration{6 * time.Hour, time.Hour}}
}
func (c *scaleClock) set(t time.Time) { c.ms.Store(t.UnixMilli()) }
func scaleBuyer(i int) (buyer, order string) {
	return "wx" + strconv.Itoa(i), strconv.Itoa(4705288465508532862 + i)
}

// fill opens n live cases through the public transaction API, batch per Update, each with
// its alerts (new case, two warnings, overdue), one second apart on the clock.
func fill(tb testing.TB, s *Store, c *scaleClock, n, batch int) {
	tb.Helper()
	ctx := context.Background()
	p := scalePolicy()
	for done := 0; done < n; {
		k := min(batch, n-done)
		err := s.Update(ctx, func(tx *Tx) error {
			for i := done; i < done+k; i++ {
				buyer, order := scaleBuyer(i)
				cs := &Case{Shop: "demo", Buyer: buyer, BuyerName: buyer, Intent: "refund", OrderID: order, Platform: "manual"}
				if err := tx.OpenCase(cs, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("fill at %d: %v", done, err)
		}
		done += k
		c.Add(time.Duration(k) * time.Second)
	}
}

// TestStartupAtScale measures a store holding a million open cases: how long from Open
// to an armed alert watcher, the heap that takes, and how long a claim of due alerts
// takes. It writes a large database, so it runs only with AFTERSALE_SCALE=1
// (AFTERSALE_SCALE_N overrides the count).
func TestStartupAtScale(t *testing.T) {
	if os.Getenv("AFTERSALE_SCALE") != "1" {
		t.Skip("set AFTERSALE_SCALE=1 to fill a store with a million cases")
	}
	n := scaleN(t)
	path := filepath.Join(t.TempDir(), "scale.db")
	clock := newScaleClock()
	s, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	fill(t, s, clock, n, 5000)
	filled := time.Since(began)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	var size int64
	if st != nil {
		size = st.Size()
	}
	t.Logf("filled %d cases (%d alerts) in %v, db %.0f MB", n, 4*n, filled.Round(time.Second), float64(size)/1e6)

	// Start-up: what a process does before its watcher sleeps on the first due time.
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	began = time.Now()
	s, err = Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, _, err := s.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	due, ok, err := s.NextAlertDue(ctx)
	startup := time.Since(began)
	if err != nil || !ok {
		t.Fatalf("NextAlertDue = %v, %v, %v", due, ok, err)
	}
	if want := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !due.Equal(want) {
		t.Errorf("first due %v, want %v", due, want)
	}
	runtime.GC()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	// SQLite's page cache lives outside the Go heap (modernc allocates it itself), so the
	// process's resident size is logged too; it still holds whatever the fill left.
	t.Logf("start-up to armed watcher: %v; heap in use %.1f MB (before open %.1f MB); process RSS %.0f MB",
		startup.Round(time.Millisecond), float64(m1.HeapInuse)/1e6, float64(m0.HeapInuse)/1e6, float64(rss())/1e6)

	// Claims: a backlog (everything of the first days is due) goes out 50 at a time.
	lat := claimLatencies(t, s, due.Add(72*time.Hour), 200)
	t.Logf("ClaimAlerts(50) over %d claims: p50 %v, p99 %v, max %v", len(lat), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
}

// scaleN is the number of cases a scale test fills: a million, or AFTERSALE_SCALE_N.
func scaleN(tb testing.TB) int {
	tb.Helper()
	n := 1_000_000
	if v := os.Getenv("AFTERSALE_SCALE_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			tb.Fatalf("AFTERSALE_SCALE_N=%q", v)
		}
	}
	return n
}

// claimLatencies claims batches of 50 at now, rounds times, and returns the sorted
// latencies; every claim must come back full and in due order.
func claimLatencies(tb testing.TB, s *Store, now time.Time, rounds int) []time.Duration {
	tb.Helper()
	ctx := context.Background()
	var lat []time.Duration
	var last time.Time
	for range rounds {
		began := time.Now()
		got, err := s.ClaimAlerts(ctx, now, 50)
		lat = append(lat, time.Since(began))
		if err != nil {
			tb.Fatal(err)
		}
		if len(got) != 50 {
			tb.Fatalf("claimed %d alerts, want a full batch of 50", len(got))
		}
		for _, a := range got {
			if a.DueAt.After(now) || a.DueAt.Before(last) || a.State != AlertSending {
				tb.Fatalf("claimed %+v out of order or not due (now %v, previous due %v)", a, now, last)
			}
			last = a.DueAt
		}
	}
	slices.Sort(lat)
	return lat
}

// TestClaimLatencies checks the measuring helper itself on a small store, so the scale
// run cannot pass on a broken claim.
func TestClaimLatencies(t *testing.T) {
	clock := newScaleClock()
	s, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fill(t, s, clock, 600, 200)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// 600 cases one second apart: each has its new-case alert due at opening.
	lat := claimLatencies(t, s, start.Add(10*time.Minute), 12)
	if len(lat) != 12 {
		t.Fatalf("%d latencies", len(lat))
	}
	left, err := s.ClaimAlerts(context.Background(), start.Add(10*time.Minute), 50)
	if err != nil || len(left) != 0 {
		t.Fatalf("after claiming all 600 new-case alerts, %d more came back (%v)", len(left), err)
	}
}

// BenchmarkClaimAlerts claims batches of 50 from 10,000 due alerts, re-arming them when
// the queue runs dry.
func BenchmarkClaimAlerts(b *testing.B) {
	clock := newScaleClock()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fill(b, s, clock, 2500, 2500) // 4 alerts each
	now := clock.Now().Add(48 * time.Hour)
	ctx := context.Background()
	rearm := func() {
		err := s.Update(ctx, func(tx *Tx) error {
			_, err := tx.exec(`UPDATE alerts SET state = ?`, AlertPending)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := s.ClaimAlerts(ctx, now, 50)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) == 0 {
			b.StopTimer()
			rearm()
			b.StartTimer()
		}
	}
}

// latenessRun is one run of the lateness harness: background cases whose alerts all
// fall due weeks later, then k cases opened on the real clock whose new-case alerts fall
// due spacing apart, the first lead after the run starts.
type latenessRun struct {
	background, k int
	lead, spacing time.Duration
	// bound ends the run if not every one of the k alerts has fired by then.
	bound time.Duration
}

// latenessResult is what a run measured. wake is how late the loop woke (the now it
// passed to fire, minus the due time); late is how late the alert was claimed; last is
// when the last of them was claimed, from the first due time.
type latenessResult struct {
	fill, open, last time.Duration
	size, rss        int64
	wake, late       []time.Duration
}

// latenessShop holds the k measured cases, apart from the background's "demo" shop, so
// a fired alert tells by its shop alone whether it was one that was meant to fire.
const latenessShop = "late"

// runLateness fills a store at path, then fires the k alerts through a real Loop on the
// real clock, claiming as the bot does. It fails the test if any of the k alerts fires
// twice, never, or before its due time, or if any background alert fires at all.
func runLateness(t *testing.T, path string, r latenessRun) latenessResult {
	t.Helper()
	var res latenessResult
	clock := newScaleClock()
	// A month ahead, so the background's first alert (due at its opening) is far beyond
	// the run, and the loop sleeps on it until the k cases come.
	clock.set(time.Now().Add(30 * 24 * time.Hour))
	// After the fill, what the store stamps (sent_at, events) is real time; the due times
	// the harness checks come from the rows themselves.
	var real atomic.Bool
	now := func() time.Time {
		if real.Load() {
			return time.Now()
		}
		return clock.Now()
	}
	s, err := Open(path, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	began := time.Now()
	fill(t, s, clock, r.background, 5000)
	res.fill = time.Since(began)
	if st, err := os.Stat(path); err == nil {
		res.size = st.Size()
	}
	real.Store(true)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var (
		mu       sync.Mutex
		fired    = map[string]int{} // case id → times its new-case alert was claimed
		finished = make(chan struct{})
		// The first due time: the k alerts fall due from lead after the loop starts.
		start = time.Now().Add(r.lead).Truncate(time.Millisecond)
	)
	fire := func(ctx context.Context, now time.Time) {
		for {
			got, err := s.ClaimAlerts(ctx, now, 50)
			claimed := time.Now()
			if err != nil {
				t.Errorf("claim alerts at %v: %v", now, err)
				return
			}
			for _, a := range got {
				if a.DueAt.After(now) || a.DueAt.After(claimed) {
					t.Errorf("alert %d (case %s) due %v claimed early: fire at %v, claimed at %v", a.ID, a.CaseID, a.DueAt, now, claimed)
				}
				if a.Shop != latenessShop || a.Kind != AlertNewCase {
					t.Errorf("alert %d fired: %s %s of %s/%s due %v, not one of the run's", a.ID, a.State, a.Kind, a.Shop, a.CaseID, a.DueAt)
				}
				mu.Lock()
				res.wake = append(res.wake, now.Sub(a.DueAt))
				res.late = append(res.late, claimed.Sub(a.DueAt))
				fired[a.CaseID]++
				res.last = claimed.Sub(start)
				all := len(fired) == r.k
				mu.Unlock()
				// What the bot's sending costs the store: load the case, then record it sent.
				if _, err := s.Case(ctx, a.Shop, a.CaseID); err != nil {
					t.Errorf("load case of alert %d: %v", a.ID, err)
				}
				if err := s.AlertDone(ctx, a, "新售后单"); err != nil {
					t.Errorf("mark alert %d sent: %v", a.ID, err)
				}
				if all {
					select {
					case <-finished:
					default:
						close(finished)
					}
				}
			}
			if len(got) == 0 {
				return
			}
		}
	}
	loop := NewLoop("alerts", s.NextAlertDue, fire, nil)
	loop.Now = time.Now
	ran := make(chan error, 1)
	go func() { ran <- loop.Run(ctx) }()
	// Stopped before the store closes, on a failure too: no fire may outlive the test.
	stop := sync.OnceValue(func() error { cancel(); return <-ran })
	defer stop()

	// Open the k cases as the bot would, a hundred per commit and a Poke after each; each
	// case is opened at its alert's due time, so OpenCase itself schedules the alert.
	due := func(i int) time.Time { return start.Add(time.Duration(i) * r.spacing) }
	p := scalePolicy()
	began = time.Now()
	for done := 0; done < r.k; {
		n := min(100, r.k-done)
		err := s.Update(ctx, func(tx *Tx) error {
			for i := done; i < done+n; i++ {
				// One transaction has one time; setting it per case is how a test opens
				// cases at chosen times without a commit (and an fsync) for each.
				tx.now = due(i)
				buyer, order := scaleBuyer(i)
				cs := &Case{Shop: latenessShop, Buyer: buyer, BuyerName: buyer, Intent: "refund", OrderID: order, Platform: "manual"}
				if err := tx.OpenCase(cs, p); err != nil {
					return fmt.Errorf("open case %d: %w", i, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("open the run's cases at %d: %v", done, err)
		}
		loop.Poke()
		done += n
	}
	res.open = time.Since(began)
	if late := time.Since(start); late > 0 {
		t.Logf("opening the %d cases ended %v after the first was due: lateness includes it", r.k, late)
	}

	select {
	case <-finished:
	case <-time.After(time.Until(start.Add(r.bound))):
		t.Errorf("no more waiting %v after the first due time", r.bound)
	}
	if err := stop(); err != context.Canceled {
		t.Errorf("Run = %v, want context.Canceled", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(fired) != r.k {
		t.Errorf("%d of %d alerts fired", len(fired), r.k)
	}
	for i := range r.k {
		id := "A" + strconv.Itoa(i+1)
		if n := fired[id]; n != 1 {
			t.Errorf("new-case alert of case %s/%s (due %v) fired %d times, want once", latenessShop, id, due(i), n)
		}
	}
	// The store agrees: the k alerts, and no other, left pending, all of them marked sent.
	var sent, other int
	if err := s.db.QueryRow(`SELECT count(*) FROM alerts WHERE state = ?`, AlertSent).Scan(&sent); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM alerts WHERE state IN (?, ?)`, AlertSending, AlertCancelled).Scan(&other); err != nil {
		t.Fatal(err)
	}
	if sent != r.k || other != 0 {
		t.Errorf("store holds %d sent and %d sending or cancelled alerts, want %d and 0", sent, other, r.k)
	}
	res.rss = rss()
	slices.Sort(res.wake)
	slices.Sort(res.late)
	return res
}

// rss is the process's resident size in bytes, from /proc (Linux); 0 where unknown.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// pct is the p-th percentile of sorted durations.
func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

// logLateness reports a run as figures: issue 7 asks for them, not for a timed pass.
func logLateness(t *testing.T, r latenessRun, res latenessResult) {
	t.Helper()
	t.Logf("filled %d background cases (%d alerts) in %v, db %.0f MB; opened %d cases in %v",
		r.background, 4*r.background, res.fill.Round(time.Millisecond), float64(res.size)/1e6, r.k, res.open.Round(time.Millisecond))
	t.Logf("%d alerts due %v apart (the last %v after the first): the last claimed %v after the first due time; process RSS %.0f MB",
		len(res.late), r.spacing, time.Duration(r.k-1)*r.spacing, res.last.Round(time.Millisecond), float64(res.rss)/1e6)
	t.Logf("loop woke after due: p50 %v, p99 %v, max %v", pct(res.wake, 50), pct(res.wake, 99), pct(res.wake, 100))
	t.Logf("claimed after due (lateness): p50 %v, p99 %v, max %v", pct(res.late, 50), pct(res.late, 99), pct(res.late, 100))
}

// TestAlertLateness runs the lateness harness small enough for every go test: each
// alert fires once, never early, and nothing else fires.
func TestAlertLateness(t *testing.T) {
	longtest.Skip(t, "real-clock lateness of 2,000 alerts")
	r := latenessRun{background: 2000, k: 200, lead: 200 * time.Millisecond, spacing: 5 * time.Millisecond, bound: 2 * time.Minute}
	res := runLateness(t, filepath.Join(t.TempDir(), "late.db"), r)
	logLateness(t, r, res)
}

// TestAlertLatenessAtScale measures how late alerts fire, on the real clock, from a
// store holding a million open cases (issue 7: p99 within a second of the due time).
// It writes a large database, so it runs only with AFTERSALE_SCALE=1
// (AFTERSALE_SCALE_N overrides the count).
func TestAlertLatenessAtScale(t *testing.T) {
	if os.Getenv("AFTERSALE_SCALE") != "1" {
		t.Skip("set AFTERSALE_SCALE=1 to fill a store with a million cases")
	}
	r := latenessRun{background: scaleN(t), k: 2000, lead: time.Second, spacing: 5 * time.Millisecond, bound: time.Minute}
	res := runLateness(t, filepath.Join(t.TempDir(), "late.db"), r)
	logLateness(t, r, res)
}
