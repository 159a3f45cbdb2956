package notify_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aftersale/aftersale/notify"
)

// memKey is one alert on one sink.
type memKey struct {
	id   int64
	sink string
}

// memLog is an in-memory notify.DeliveryLog. The err* fields make one method fail.
type memLog struct {
	mu      sync.Mutex
	rows    map[memKey]notify.Delivery
	causes  map[memKey][]error
	errRead error
	errSent error
	errFail error
	calls   int
}

func newMemLog() *memLog {
	return &memLog{rows: map[memKey]notify.Delivery{}, causes: map[memKey][]error{}}
}

func (l *memLog) Deliveries(_ context.Context, alertID int64) (map[string]notify.Delivery, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.errRead != nil {
		return nil, l.errRead
	}
	out := map[string]notify.Delivery{}
	for k, d := range l.rows {
		if k.id == alertID {
			out[k.sink] = d
		}
	}
	return out, nil
}

func (l *memLog) DeliverySent(_ context.Context, alertID int64, sink, text string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.errSent != nil {
		return l.errSent
	}
	k := memKey{alertID, sink}
	d := l.rows[k]
	d.Sink, d.Sent, d.Text = sink, true, text
	l.rows[k] = d
	return nil
}

func (l *memLog) DeliveryFailed(_ context.Context, alertID int64, sink string, cause error) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.errFail != nil {
		return 0, l.errFail
	}
	k := memKey{alertID, sink}
	d := l.rows[k]
	d.Sink = sink
	d.Attempts++
	l.rows[k] = d
	l.causes[k] = append(l.causes[k], cause)
	return d.Attempts, nil
}

func (l *memLog) get(id int64, sink string) notify.Delivery {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rows[memKey{id, sink}]
}

func (l *memLog) set(id int64, d notify.Delivery) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rows[memKey{id, d.Sink}] = d
}

// fakeSink answers each Send with fail(call), call counting from 1; nil fail succeeds.
type fakeSink struct {
	name string
	fail func(call int) error

	mu  sync.Mutex
	got []notify.Alert
	// ctxErrs and deadlines are the context's state at each Send.
	ctxErrs   []error
	deadlines []bool
}

func (s *fakeSink) Name() string { return s.name }

func (s *fakeSink) Send(ctx context.Context, a notify.Alert) error {
	s.mu.Lock()
	s.got = append(s.got, a)
	s.ctxErrs = append(s.ctxErrs, ctx.Err())
	_, ok := ctx.Deadline()
	s.deadlines = append(s.deadlines, ok)
	n := len(s.got)
	s.mu.Unlock()
	if s.fail == nil {
		return nil
	}
	return s.fail(n)
}

func (s *fakeSink) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

func retryErr(name string) error {
	return &notify.SendError{Sink: name, Status: 503, Retry: true, Err: errors.New("busy")}
}

func permErr(name string) error {
	return &notify.SendError{Sink: name, Status: 400, Retry: false, Err: errors.New("bad request")}
}

// always fails every call with err.
func always(err error) func(int) error { return func(int) error { return err } }

// firstN fails the first n calls with err, then succeeds.
func firstN(n int, err error) func(int) error {
	return func(call int) error {
		if call <= n {
			return err
		}
		return nil
	}
}

// sinkSpec describes one route of a table case.
type sinkSpec struct {
	name string
	from notify.Level
	fail func(int) error
}

func build(specs []sinkSpec) ([]notify.Route, map[string]*fakeSink) {
	var routes []notify.Route
	sinks := map[string]*fakeSink{}
	for _, s := range specs {
		fs := &fakeSink{name: s.name, fail: s.fail}
		sinks[s.name] = fs
		routes = append(routes, notify.Route{Sink: fs, From: s.from})
	}
	return routes, sinks
}

// called lists, in route order, the sinks that were sent to at least once.
func called(specs []sinkSpec, sinks map[string]*fakeSink) []string {
	var out []string
	for _, s := range specs {
		if sinks[s.name].calls() > 0 {
			out = append(out, s.name)
		}
	}
	return out
}

func TestRouterLevelRouting(t *testing.T) {
	ladder := []sinkSpec{
		{name: "chat", from: notify.LevelInfo},
		{name: "wecom", from: notify.LevelWarn},
		{name: "phone", from: notify.LevelUrgent},
	}
	onlyLoud := []sinkSpec{
		{name: "wecom", from: notify.LevelWarn},
		{name: "phone", from: notify.LevelUrgent},
	}
	tests := []struct {
		name   string
		routes []sinkSpec
		level  notify.Level
		want   []string
	}{
		{"info reaches info routes", ladder, notify.LevelInfo, []string{"chat"}},
		{"warn reaches info and warn", ladder, notify.LevelWarn, []string{"chat", "wecom"}},
		{"urgent reaches all", ladder, notify.LevelUrgent, []string{"chat", "wecom", "phone"}},
		{"info reaching none goes to all", onlyLoud, notify.LevelInfo, []string{"wecom", "phone"}},
		{"warn reaches only warn route", onlyLoud, notify.LevelWarn, []string{"wecom"}},
		{"out of order routes", []sinkSpec{
			{name: "phone", from: notify.LevelUrgent},
			{name: "chat", from: notify.LevelInfo},
		}, notify.LevelWarn, []string{"chat"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, sinks := build(tt.routes)
			log := newMemLog()
			r := notify.NewRouter(routes, log, nil)
			a := notify.Alert{ID: 1, Level: tt.level, Text: "售后单 A1"}
			done, err := r.Deliver(context.Background(), a)
			if !done || err != nil {
				t.Fatalf("Deliver done=%v err=%v, want true <nil>", done, err)
			}
			if got := called(tt.routes, sinks); !slices.Equal(got, tt.want) {
				t.Fatalf("sent to %v, want %v", got, tt.want)
			}
			for _, s := range tt.routes {
				wantSent := slices.Contains(tt.want, s.name)
				if got := log.get(1, s.name).Sent; got != wantSent {
					t.Fatalf("log %s Sent=%v, want %v", s.name, got, wantSent)
				}
				if wantSent {
					if got := sinks[s.name].got[0].ID; got != 1 {
						t.Fatalf("%s got alert %d, want alert 1", s.name, got)
					}
				}
			}
		})
	}
}

func TestRouterSendsEachSinkOnce(t *testing.T) {
	tests := []struct {
		name  string
		specs []sinkSpec
		level notify.Level
		// per Deliver call: whether done
		wantDone []bool
		// sends per sink after all calls
		wantCalls map[string]int
	}{
		{
			name:      "all succeed first time",
			specs:     []sinkSpec{{name: "a"}, {name: "b"}},
			wantDone:  []bool{true, true, true},
			wantCalls: map[string]int{"a": 1, "b": 1},
		},
		{
			name:      "second sink fails once then takes it",
			specs:     []sinkSpec{{name: "a"}, {name: "b", fail: firstN(1, retryErr("b"))}},
			wantDone:  []bool{false, true, true},
			wantCalls: map[string]int{"a": 1, "b": 2},
		},
		{
			name:      "first sink fails twice, plain errors",
			specs:     []sinkSpec{{name: "a", fail: firstN(2, errors.New("reset"))}, {name: "b"}},
			wantDone:  []bool{false, false, true, true},
			wantCalls: map[string]int{"a": 3, "b": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, sinks := build(tt.specs)
			log := newMemLog()
			r := notify.NewRouter(routes, log, nil)
			a := notify.Alert{ID: 42, Level: tt.level, Text: "x"}
			for i, want := range tt.wantDone {
				done, err := r.Deliver(context.Background(), a)
				if done != want {
					t.Fatalf("call %d: done=%v (err %v), want %v", i+1, done, err, want)
				}
				if done && err != nil {
					t.Fatalf("call %d: err=%v, want nil when done", i+1, err)
				}
			}
			for name, want := range tt.wantCalls {
				if got := sinks[name].calls(); got != want {
					t.Fatalf("%s sends=%d, want %d", name, got, want)
				}
				if !log.get(42, name).Sent {
					t.Fatalf("log %s Sent=false, want true", name)
				}
			}
		})
	}
}

func TestRouterSeparateAlertsSeparateRecords(t *testing.T) {
	routes, sinks := build([]sinkSpec{{name: "a"}})
	log := newMemLog()
	r := notify.NewRouter(routes, log, nil)
	for _, id := range []int64{1, 2, 1, 2, 3} {
		if done, err := r.Deliver(context.Background(), notify.Alert{ID: id}); !done || err != nil {
			t.Fatalf("Deliver(%d) done=%v err=%v, want true <nil>", id, done, err)
		}
	}
	var ids []int64
	for _, a := range sinks["a"].got {
		ids = append(ids, a.ID)
	}
	if want := []int64{1, 2, 3}; !slices.Equal(ids, want) {
		t.Fatalf("sink got alerts %v, want %v", ids, want)
	}
}

func TestRouterRetryableFailureNotDone(t *testing.T) {
	tests := []struct {
		name    string
		failure error
	}{
		{"send error with retry", retryErr("a")},
		{"error with no verdict", errors.New("connection refused")},
		{"timeout", context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			specs := []sinkSpec{{name: "a", fail: always(tt.failure)}, {name: "spare", from: notify.LevelUrgent}}
			routes, sinks := build(specs)
			log := newMemLog()
			r := notify.NewRouter(routes, log, nil)
			done, err := r.Deliver(context.Background(), notify.Alert{ID: 5, Level: notify.LevelInfo})
			if done {
				t.Fatalf("done=%v, want false", done)
			}
			if !errors.Is(err, tt.failure) {
				t.Fatalf("err=%v, want it to wrap %v", err, tt.failure)
			}
			if got := log.get(5, "a"); got.Sent || got.Attempts != 1 {
				t.Fatalf("log a=%+v, want Sent false Attempts 1", got)
			}
			if got := sinks["spare"].calls(); got != 0 {
				t.Fatalf("spare sends=%d after one retryable failure, want 0", got)
			}
		})
	}
}

func TestRouterFailover(t *testing.T) {
	// "a" and "b" are targets of an info alert; "c" and "d" are not. "a" keeps failing:
	// after FailoverAfter failures the alert goes to "c" (the next route not already
	// targeted), never to "b" a second time nor to "d".
	specs := []sinkSpec{
		{name: "a", from: notify.LevelInfo, fail: always(retryErr("a"))},
		{name: "b", from: notify.LevelInfo},
		{name: "c", from: notify.LevelUrgent},
		{name: "d", from: notify.LevelUrgent},
	}
	routes, sinks := build(specs)
	log := newMemLog()
	r := notify.NewRouter(routes, log, nil)
	a := notify.Alert{ID: 9, Level: notify.LevelInfo}
	for call := 1; call <= notify.GiveUpAfter+2; call++ {
		done, err := r.Deliver(context.Background(), a)
		wantA := min(call, notify.GiveUpAfter)
		wantC := 0
		if call >= notify.FailoverAfter {
			wantC = 1
		}
		// Done once every target took it or gave up with "c" taking it instead.
		wantDone := call >= notify.GiveUpAfter
		if done != wantDone {
			t.Fatalf("call %d: done=%v (err %v), want %v", call, done, err, wantDone)
		}
		if !done && err == nil {
			t.Fatalf("call %d: err=nil, want the failure when not done", call)
		}
		checks := []struct {
			sink string
			want int
		}{{"a", wantA}, {"b", 1}, {"c", wantC}, {"d", 0}}
		for _, c := range checks {
			if got := sinks[c.sink].calls(); got != c.want {
				t.Fatalf("call %d: %s sends=%d, want %d", call, c.sink, got, c.want)
			}
		}
		if got := log.get(9, "a").Attempts; got != wantA {
			t.Fatalf("call %d: log a Attempts=%d, want %d", call, got, wantA)
		}
	}
}

func TestRouterFailoverChain(t *testing.T) {
	// "a" and "b" fail retryably: a route joins only once the one before it has failed
	// FailoverAfter times, so "b" joins on call 3 and "c" on call 5.
	specs := []sinkSpec{
		{name: "a", from: notify.LevelInfo, fail: always(retryErr("a"))},
		{name: "b", from: notify.LevelUrgent, fail: always(retryErr("b"))},
		{name: "c", from: notify.LevelUrgent},
	}
	routes, sinks := build(specs)
	log := newMemLog()
	r := notify.NewRouter(routes, log, nil)
	a := notify.Alert{ID: 3, Level: notify.LevelInfo}
	tests := []struct {
		call                int
		wantA, wantB, wantC int
	}{
		{call: 1, wantA: 1},
		{call: 2, wantA: 2},
		{call: 3, wantA: 3, wantB: 1},
		{call: 4, wantA: 4, wantB: 2},
		{call: 5, wantA: 5, wantB: 3, wantC: 1},
		{call: 6, wantA: 6, wantB: 4, wantC: 1},
	}
	for _, tt := range tests {
		done, err := r.Deliver(context.Background(), a)
		if done {
			t.Fatalf("call %d: done=%v err=%v, want false (a and b still retrying)", tt.call, done, err)
		}
		for _, c := range []struct {
			sink string
			want int
		}{{"a", tt.wantA}, {"b", tt.wantB}, {"c", tt.wantC}} {
			if got := sinks[c.sink].calls(); got != c.want {
				t.Fatalf("call %d: %s sends=%d, want %d", tt.call, c.sink, got, c.want)
			}
		}
	}
}

func TestRouterPermanentFailureHandsOnAtOnce(t *testing.T) {
	tests := []struct {
		name      string
		specs     []sinkSpec
		wantDone  bool
		wantCalls map[string]int
	}{
		{
			name: "to the next route",
			specs: []sinkSpec{
				{name: "a", fail: always(permErr("a"))},
				{name: "b", from: notify.LevelUrgent},
			},
			wantDone:  true,
			wantCalls: map[string]int{"a": 1, "b": 1},
		},
		{
			name: "skipping a route already targeted",
			specs: []sinkSpec{
				{name: "a", fail: always(permErr("a"))},
				{name: "b"},
				{name: "c", from: notify.LevelUrgent},
			},
			wantDone:  true,
			wantCalls: map[string]int{"a": 1, "b": 1, "c": 1},
		},
		{
			name: "down a chain of permanent failures",
			specs: []sinkSpec{
				{name: "a", fail: always(permErr("a"))},
				{name: "b", from: notify.LevelUrgent, fail: always(permErr("b"))},
				{name: "c", from: notify.LevelUrgent},
			},
			wantDone:  true,
			wantCalls: map[string]int{"a": 1, "b": 1, "c": 1},
		},
		{
			name: "only to routes after it",
			specs: []sinkSpec{
				{name: "before", from: notify.LevelUrgent},
				{name: "a", fail: always(permErr("a"))},
			},
			wantDone:  false,
			wantCalls: map[string]int{"before": 0, "a": 1},
		},
		{
			name:      "no route to hand on to",
			specs:     []sinkSpec{{name: "a", fail: always(permErr("a"))}},
			wantDone:  false,
			wantCalls: map[string]int{"a": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, sinks := build(tt.specs)
			log := newMemLog()
			r := notify.NewRouter(routes, log, nil)
			done, err := r.Deliver(context.Background(), notify.Alert{ID: 11, Level: notify.LevelInfo})
			if done != tt.wantDone {
				t.Fatalf("done=%v (err %v), want %v", done, err, tt.wantDone)
			}
			if !done && notify.Retryable(err) {
				t.Fatalf("Retryable(err)=true for %v, want false", err)
			}
			for name, want := range tt.wantCalls {
				if got := sinks[name].calls(); got != want {
					t.Fatalf("%s sends=%d, want %d", name, got, want)
				}
			}
		})
	}
}

// TestRouterHandOnJudgesEachSinkByItsOwnError covers a bug: Deliver decides whether to
// hand on with Retryable(errors.Join(errs...)), the errors of every sink tried so far,
// and errors.As finds the first one, not the failing sink's own.
func TestRouterHandOnJudgesEachSinkByItsOwnError(t *testing.T) {
	tests := []struct {
		name      string
		specs     []sinkSpec
		wantCalls map[string]int
	}{
		{
			// b fails permanently and must hand on to c at once, though a (tried first)
			// failed retryably.
			name: "permanent after retryable",
			specs: []sinkSpec{
				{name: "a", fail: always(retryErr("a"))},
				{name: "b", fail: always(permErr("b"))},
				{name: "c", from: notify.LevelUrgent},
			},
			wantCalls: map[string]int{"a": 1, "b": 1, "c": 1},
		},
		{
			// a fails permanently and hands on to b; b's first, retryable failure must not
			// hand on to c yet.
			name: "retryable after permanent",
			specs: []sinkSpec{
				{name: "a", fail: always(permErr("a"))},
				{name: "b", from: notify.LevelUrgent, fail: always(retryErr("b"))},
				{name: "c", from: notify.LevelUrgent},
			},
			wantCalls: map[string]int{"a": 1, "b": 1, "c": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, sinks := build(tt.specs)
			r := notify.NewRouter(routes, newMemLog(), nil)
			r.Deliver(context.Background(), notify.Alert{ID: 1, Level: notify.LevelInfo})
			for _, s := range tt.specs {
				if got, want := sinks[s.name].calls(), tt.wantCalls[s.name]; got != want {
					t.Fatalf("%s sends=%d, want %d", s.name, got, want)
				}
			}
		})
	}
}

func TestRouterGiveUp(t *testing.T) {
	tests := []struct {
		name       string
		attempts   int // a's failed attempts already in the log
		wantATried bool
		wantB      int
		wantDone   bool
		wantAAfter int
		wantErrNil bool
	}{
		{name: "one short of giving up", attempts: notify.GiveUpAfter - 1, wantATried: true, wantB: 1, wantDone: true, wantAAfter: notify.GiveUpAfter},
		{name: "given up", attempts: notify.GiveUpAfter, wantATried: false, wantB: 1, wantDone: true, wantAAfter: notify.GiveUpAfter, wantErrNil: true},
		{name: "well past giving up", attempts: notify.GiveUpAfter + 5, wantATried: false, wantB: 1, wantDone: true, wantAAfter: notify.GiveUpAfter + 5, wantErrNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			specs := []sinkSpec{
				{name: "a", fail: always(retryErr("a"))},
				{name: "b", from: notify.LevelUrgent},
			}
			routes, sinks := build(specs)
			log := newMemLog()
			log.set(8, notify.Delivery{Sink: "a", Attempts: tt.attempts})
			r := notify.NewRouter(routes, log, nil)
			done, err := r.Deliver(context.Background(), notify.Alert{ID: 8})
			if done != tt.wantDone {
				t.Fatalf("done=%v (err %v), want %v", done, err, tt.wantDone)
			}
			if tt.wantErrNil && err != nil {
				t.Fatalf("err=%v, want nil", err)
			}
			if got := sinks["a"].calls() > 0; got != tt.wantATried {
				t.Fatalf("a tried=%v, want %v", got, tt.wantATried)
			}
			if got := sinks["b"].calls(); got != tt.wantB {
				t.Fatalf("b sends=%d, want %d", got, tt.wantB)
			}
			if got := log.get(8, "a").Attempts; got != tt.wantAAfter {
				t.Fatalf("a Attempts=%d, want %d", got, tt.wantAAfter)
			}
			// And never again.
			before := sinks["a"].calls()
			for range 3 {
				if done, err := r.Deliver(context.Background(), notify.Alert{ID: 8}); !done || err != nil {
					t.Fatalf("later Deliver done=%v err=%v, want true <nil>", done, err)
				}
			}
			if got := sinks["a"].calls(); got != before {
				t.Fatalf("a sends=%d after giving up, want %d", got, before)
			}
			if got := sinks["b"].calls(); got != 1 {
				t.Fatalf("b sends=%d, want 1", got)
			}
		})
	}
}

func TestRouterAllGivenUpNotDone(t *testing.T) {
	routes, sinks := build([]sinkSpec{{name: "a", fail: always(retryErr("a"))}})
	log := newMemLog()
	log.set(4, notify.Delivery{Sink: "a", Attempts: notify.GiveUpAfter})
	r := notify.NewRouter(routes, log, nil)
	done, _ := r.Deliver(context.Background(), notify.Alert{ID: 4})
	if done {
		t.Fatalf("done=%v with no sink taking the alert, want false", done)
	}
	if got := sinks["a"].calls(); got != 0 {
		t.Fatalf("a sends=%d, want 0", got)
	}
}

func TestRouterNoRoutes(t *testing.T) {
	tests := []struct {
		name   string
		routes []notify.Route
	}{
		{"nil", nil},
		{"empty", []notify.Route{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := newMemLog()
			log.errRead = errors.New("must not be read")
			r := notify.NewRouter(tt.routes, log, nil)
			done, err := r.Deliver(context.Background(), notify.Alert{ID: 1, Level: notify.LevelUrgent})
			if !done || err != nil {
				t.Fatalf("Deliver done=%v err=%v, want true <nil>", done, err)
			}
			if log.calls != 0 {
				t.Fatalf("log calls=%d, want 0", log.calls)
			}
			r.Broadcast(context.Background(), notify.Alert{ID: 1}) // must not panic
		})
	}
}

func TestRouterLogErrors(t *testing.T) {
	boom := errors.New("store down")
	tests := []struct {
		name  string
		setup func(*memLog)
		fail  func(int) error
		sends int
	}{
		{"reading the record", func(l *memLog) { l.errRead = boom }, nil, 0},
		{"recording a send", func(l *memLog) { l.errSent = boom }, nil, 1},
		{"recording a failure", func(l *memLog) { l.errFail = boom }, always(retryErr("a")), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, sinks := build([]sinkSpec{{name: "a", fail: tt.fail}})
			log := newMemLog()
			tt.setup(log)
			r := notify.NewRouter(routes, log, nil)
			done, err := r.Deliver(context.Background(), notify.Alert{ID: 1})
			if done {
				t.Fatalf("done=%v, want false", done)
			}
			if !errors.Is(err, boom) {
				t.Fatalf("err=%v, want %v", err, boom)
			}
			if got := sinks["a"].calls(); got != tt.sends {
				t.Fatalf("sends=%d, want %d", got, tt.sends)
			}
		})
	}
}

func TestRouterBroadcast(t *testing.T) {
	ladder := []sinkSpec{
		{name: "chat", from: notify.LevelInfo, fail: always(errors.New("chat down"))},
		{name: "wecom", from: notify.LevelWarn},
		{name: "phone", from: notify.LevelUrgent, fail: always(permErr("phone"))},
	}
	loud := []sinkSpec{
		{name: "wecom", from: notify.LevelWarn},
		{name: "phone", from: notify.LevelUrgent},
	}
	tests := []struct {
		name   string
		specs  []sinkSpec
		level  notify.Level
		want   []string
		repeat int
	}{
		{"info", ladder, notify.LevelInfo, []string{"chat"}, 1},
		{"warn", ladder, notify.LevelWarn, []string{"chat", "wecom"}, 1},
		{"urgent, failures do not stop the rest", ladder, notify.LevelUrgent, []string{"chat", "wecom", "phone"}, 1},
		{"reaching none goes to all", loud, notify.LevelInfo, []string{"wecom", "phone"}, 1},
		{"no dedupe without the log", ladder, notify.LevelWarn, []string{"chat", "wecom"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes, sinks := build(tt.specs)
			log := newMemLog()
			log.errRead = errors.New("must not be read")
			r := notify.NewRouter(routes, log, nil)
			for range tt.repeat {
				r.Broadcast(context.Background(), notify.Alert{ID: 2, Level: tt.level, Text: "存储出错"})
			}
			if got := called(tt.specs, sinks); !slices.Equal(got, tt.want) {
				t.Fatalf("broadcast to %v, want %v", got, tt.want)
			}
			for _, name := range tt.want {
				if got := sinks[name].calls(); got != tt.repeat {
					t.Fatalf("%s sends=%d, want %d", name, got, tt.repeat)
				}
			}
			if log.calls != 0 {
				t.Fatalf("log calls=%d, want 0", log.calls)
			}
			if len(log.rows) != 0 {
				t.Fatalf("log rows=%v, want none", log.rows)
			}
		})
	}
}

func TestRouterBroadcastOutlivesCancelledContext(t *testing.T) {
	routes, sinks := build([]sinkSpec{{name: "a"}, {name: "b"}})
	r := notify.NewRouter(routes, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.Broadcast(ctx, notify.Alert{ID: 1})
	for _, name := range []string{"a", "b"} {
		s := sinks[name]
		if s.calls() != 1 {
			t.Fatalf("%s sends=%d, want 1", name, s.calls())
		}
		if err := s.ctxErrs[0]; err != nil {
			t.Fatalf("%s ctx.Err()=%v, want nil (broadcast ignores the caller's cancel)", name, err)
		}
		if !s.deadlines[0] {
			t.Fatalf("%s ctx has no deadline, want a per-sink timeout", name)
		}
	}
}

func TestRouterDeliverPassesAlert(t *testing.T) {
	routes, sinks := build([]sinkSpec{{name: "a"}})
	r := notify.NewRouter(routes, newMemLog(), nil)
	want := notify.Alert{ID: 77, Shop: "s1", CaseID: "A7", Level: notify.LevelWarn, Text: "快到期了", Repeat: true}
	if done, err := r.Deliver(context.Background(), want); !done || err != nil {
		t.Fatalf("Deliver done=%v err=%v, want true <nil>", done, err)
	}
	if got := sinks["a"].got[0]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sink got %+v, want %+v", got, want)
	}
}
