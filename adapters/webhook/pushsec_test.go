package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

type answer struct {
	status int
	header http.Header
	body   string
}

func serve(h http.Handler, r *http.Request) answer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return answer{rec.Code, rec.Result().Header, rec.Body.String()}
}

func TestParseEventDeadlineWindow(t *testing.T) {
	tests := []struct {
		name     string
		at       string // the event's "at"; empty: none
		deadline string
		want     time.Time
		wantAt   time.Time
	}{
		{"a day after the event", "2023-11-14T22:00:00Z", "2023-11-15T22:00:00Z", time.Date(2023, 11, 15, 22, 0, 0, 0, time.UTC), time.Date(2023, 11, 14, 22, 0, 0, 0, time.UTC)},
		{"no at: measured from now", "", "2023-11-16T00:00:00Z", time.Date(2023, 11, 16, 0, 0, 0, 0, time.UTC), testNow},
		{"two days before the event", "2023-11-14T22:00:00Z", "2023-11-12T22:00:00Z", time.Time{}, time.Date(2023, 11, 14, 22, 0, 0, 0, time.UTC)},
		{"61 days after", "2023-11-14T22:00:00Z", "2024-01-14T22:00:01Z", time.Time{}, time.Date(2023, 11, 14, 22, 0, 0, 0, time.UTC)},
		{"years ahead", "", "2029-11-16T00:00:00Z", time.Time{}, testNow},
		{"year 1970 (seconds read as ms)", "", "1970-01-20T16:13:20Z", time.Time{}, testNow},
		{"year 9999", "", "9999-01-01T00:00:00Z", time.Time{}, testNow},
		{"at in the future: now", "2023-11-20T00:00:00Z", "2023-11-16T00:00:00Z", time.Date(2023, 11, 16, 0, 0, 0, 0, time.UTC), testNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"event":"case.deadline","id":"S-1","deadline":"` + tt.deadline + `"`
			if tt.at != "" {
				body += `,"at":"` + tt.at + `"`
			}
			ev, err := ParseEvent([]byte(body+`}`), testNow)
			if err != nil {
				t.Fatal(err)
			}
			if !ev.Deadline.Equal(tt.want) || !ev.At.Equal(tt.wantAt) {
				t.Fatalf("Deadline=%v At=%v, want %v %v", ev.Deadline, ev.At, tt.want, tt.wantAt)
			}
		})
	}
}

func TestParseEventFieldBounds(t *testing.T) {
	long := strings.Repeat("9", adapters.MaxIDBytes+1)
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"64-byte ids", `{"event":"case.created","id":"` + strings.Repeat("9", 64) + `","order_id":"` + strings.Repeat("8", 64) + `"}`, true},
		{"id too long", `{"event":"case.created","id":"` + long + `"}`, false},
		{"order_id too long", `{"event":"case.created","id":"S-1","order_id":"` + long + `"}`, false},
		{"id with a newline", `{"event":"case.created","id":"S-1\n"}`, false},
		{"status over 1 KiB", `{"event":"case.updated","id":"S-1","status":"` + strings.Repeat("x", 1025) + `"}`, false},
		{"event over 1 KiB", `{"event":"` + strings.Repeat("x", 1025) + `","id":"S-1"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEvent([]byte(tt.body), testNow)
			if (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok %v", err, tt.ok)
			}
		})
	}
}

// Every event that fails — signature, time window, size, parsing — gets the same status,
// headers and body.
func TestEventHandlerUniformFailure(t *testing.T) {
	good := `{"event":"case.closed","id":"S-77","order_id":"A1001"}`
	withHeader := func(r *http.Request, k, v string) *http.Request { r.Header.Set(k, v); return r }
	tests := []struct {
		name string
		req  func() *http.Request
	}{
		{"wrong secret", func() *http.Request { return signed(t, good, testNow, "another secret") }},
		{"unsigned", func() *http.Request { return httptest.NewRequest(http.MethodPost, "/", strings.NewReader(good)) }},
		{"signature not hex", func() *http.Request { return withHeader(signed(t, good, testNow, testSecret), HeaderSignature, "zz") }},
		{"timestamp not a number", func() *http.Request { return withHeader(signed(t, good, testNow, testSecret), HeaderTimestamp, "soon") }},
		{"stale by 6 minutes", func() *http.Request { return signed(t, good, testNow.Add(-6*time.Minute), testSecret) }},
		{"6 minutes ahead", func() *http.Request { return signed(t, good, testNow.Add(6*time.Minute), testSecret) }},
		{"timestamp in milliseconds", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(good))
			ts := strconv.FormatInt(testNow.UnixMilli(), 10)
			r.Header.Set(HeaderTimestamp, ts)
			r.Header.Set(HeaderSignature, Sign(testSecret, ts, []byte(good)))
			return r
		}},
		{"signed, not JSON", func() *http.Request { return signed(t, "{", testNow, testSecret) }},
		{"signed, unknown event", func() *http.Request { return signed(t, `{"event":"order.paid","id":"S-1"}`, testNow, testSecret) }},
		{"signed, unknown status", func() *http.Request {
			return signed(t, `{"event":"case.updated","id":"S-1","status":"weird"}`, testNow, testSecret)
		}},
		{"signed, no id", func() *http.Request { return signed(t, `{"event":"case.closed"}`, testNow, testSecret) }},
		{"signed, oversized id", func() *http.Request {
			return signed(t, `{"event":"case.closed","id":"`+strings.Repeat("9", 65)+`"}`, testNow, testSecret)
		}},
		{"signed, too large", func() *http.Request { return signed(t, strings.Repeat(" ", MaxBody+1), testNow, testSecret) }},
	}
	calls := 0
	h := NewEventHandler(testSecret, func() time.Time { return testNow }, 5*time.Minute, func(context.Context, adapters.Event) error {
		calls++
		return nil
	})
	var first *answer
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serve(h, tt.req())
			if got.status != http.StatusUnauthorized || got.body != `{"error":"rejected"}` {
				t.Fatalf("answer %d %s, want the rejection", got.status, got.body)
			}
			if first == nil {
				first = &got
				return
			}
			if !reflect.DeepEqual(got, *first) {
				t.Fatalf("answer %+v differs from %+v", got, *first)
			}
		})
	}
	if calls != 0 {
		t.Fatalf("handler called %d times for rejected events", calls)
	}
	if got := serve(h, signed(t, good, testNow, testSecret)); got.status != http.StatusOK || calls != 1 {
		t.Fatalf("good event answered %d %s, calls %d", got.status, got.body, calls)
	}
}

func TestEventHandlerReplay(t *testing.T) {
	body := `{"event":"case.closed","id":"S-77","order_id":"A1001"}`
	first := func() *http.Request { return signed(t, body, testNow, testSecret) }
	upper := func() *http.Request {
		r := first()
		r.Header.Set(HeaderSignature, strings.ToUpper(r.Header.Get(HeaderSignature)))
		return r
	}
	resigned := func() *http.Request { return signed(t, body, testNow.Add(-time.Second), testSecret) }
	type step struct {
		name      string
		req       func() *http.Request
		fail      bool
		wantCode  int
		wantCalls int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"replay acknowledged, not applied", []step{
			{"first", first, false, 200, 1},
			{"replay", first, false, 200, 1},
			{"replay with upper-case hex", upper, false, 200, 1},
			{"the shop resends, signed afresh", resigned, false, 200, 2},
		}},
		{"failed apply is applied on redelivery", []step{
			{"first fails", first, true, 503, 1},
			{"same request again", first, false, 200, 2},
			{"replay", first, false, 200, 2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, fail := 0, false
			h := NewEventHandler(testSecret, func() time.Time { return testNow }, 5*time.Minute, func(_ context.Context, e adapters.Event) error {
				calls++
				if e.AfterSaleID != "S-77" || e.Kind != adapters.EventClosed {
					t.Errorf("event %+v", e)
				}
				if fail {
					return errors.New("store busy")
				}
				return nil
			})
			for _, s := range tt.steps {
				fail = s.fail
				got := serve(h, s.req())
				if got.status != s.wantCode || calls != s.wantCalls {
					t.Fatalf("%s: answer %d %s calls %d, want %d calls %d", s.name, got.status, got.body, calls, s.wantCode, s.wantCalls)
				}
			}
		})
	}
}
