package douyin

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

// signPush is the platform's event-sign, written out independently of VerifyPush.
func signPush(body string) string {
	sum := md5.Sum([]byte(testAppKey + body + testSecret))
	return hex.EncodeToString(sum[:])
}

// pushBody builds a push of one message whose data is the given fields.
func pushBody(t *testing.T, tag, msgID string, data map[string]any) string {
	t.Helper()
	d, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal([]map[string]string{{"tag": tag, "msg_id": msgID, "data": string(d)}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type answer struct {
	status int
	header http.Header
	body   string
}

func post(h http.Handler, body, sign string) answer {
	req := httptest.NewRequest(http.MethodPost, "/push/douyin", strings.NewReader(body))
	if sign != "" {
		req.Header.Set("event-sign", sign)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Result().Header, rec.Body.String()}
}

func TestParsePushDeadlineWindow(t *testing.T) {
	at := time.Unix(1700000000, 0) // the message's update_time
	tests := []struct {
		name     string
		deadline any
		want     time.Time
	}{
		{"a day ahead", at.Add(24 * time.Hour).Unix(), at.Add(24 * time.Hour)},
		{"as a numeric string", fmt.Sprint(at.Add(48 * time.Hour).Unix()), at.Add(48 * time.Hour)},
		{"an hour behind the event", at.Add(-time.Hour).Unix(), at.Add(-time.Hour)},
		{"two days before the event", at.Add(-48 * time.Hour).Unix(), time.Time{}},
		{"61 days ahead", at.Add(61 * 24 * time.Hour).Unix(), time.Time{}},
		{"years ahead", at.AddDate(5, 0, 0).Unix(), time.Time{}},
		{"milliseconds", at.Add(24 * time.Hour).UnixMilli(), time.Time{}},
		{"zero", 0, time.Time{}},
		{"negative", -5, time.Time{}},
		{"absurd", "99999999999999999999", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := pushBody(t, "209", "m1", map[string]any{"aftersale_id": json.Number(liveCase), "update_time": at.Unix(), "status_deadline": tt.deadline})
			events, err := ParsePush([]byte(body), at.Add(time.Minute))
			if err != nil || len(events) != 1 {
				t.Fatalf("ParsePush=%+v, %v", events, err)
			}
			if got := events[0].Deadline; !got.Equal(tt.want) {
				t.Fatalf("Deadline=%v, want %v", got, tt.want)
			}
		})
	}
}

func TestParsePushEventTime(t *testing.T) {
	now := time.Unix(1700000500, 0)
	tests := []struct {
		name string
		data map[string]any
		want time.Time
	}{
		{"update_time seconds", map[string]any{"update_time": 1700000100}, time.Unix(1700000100, 0)},
		{"update_time as Beijing text", map[string]any{"update_time": "2023-11-15 06:13:20"}, time.Unix(1700000000, 0)},
		{"update_time RFC 3339", map[string]any{"update_time": "2023-11-14T22:13:20Z"}, time.Unix(1700000000, 0)},
		{"modify_time", map[string]any{"modify_time": 1700000200}, time.Unix(1700000200, 0)},
		{"apply_time", map[string]any{"apply_time": 1700000300}, time.Unix(1700000300, 0)},
		{"none: received", map[string]any{}, now},
		{"milliseconds: received", map[string]any{"update_time": int64(1700000100000)}, now},
		{"in the future: received", map[string]any{"update_time": 1700090000}, now},
		{"unreadable text: received", map[string]any{"update_time": "yesterday"}, now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.data["aftersale_id"] = "7"
			events, err := ParsePush([]byte(pushBody(t, "201", "m", tt.data)), now)
			if err != nil || len(events) != 1 {
				t.Fatalf("ParsePush=%+v, %v", events, err)
			}
			if !events[0].At.Equal(tt.want) {
				t.Fatalf("At=%v, want %v", events[0].At, tt.want)
			}
		})
	}
}

func TestParsePushFieldBounds(t *testing.T) {
	long := strings.Repeat("7", adapters.MaxIDBytes+1)
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"64-byte ids", pushBody(t, "200", strings.Repeat("1", 64), map[string]any{"aftersale_id": strings.Repeat("7", 64), "p_id": strings.Repeat("8", 64)}), true},
		{"aftersale_id too long", pushBody(t, "200", "1", map[string]any{"aftersale_id": long}), false},
		{"aftersale_id a huge number", pushBody(t, "200", "1", map[string]any{"aftersale_id": json.Number(long)}), false},
		{"p_id too long", pushBody(t, "200", "1", map[string]any{"aftersale_id": "7", "p_id": long}), false},
		{"msg_id too long", pushBody(t, "200", long, map[string]any{"aftersale_id": "7"}), false},
		{"msg_id too long on an ignored tag", pushBody(t, "100", long, map[string]any{}), false},
		{"tag too long", pushBody(t, long, "1", map[string]any{}), false},
		{"aftersale_id with a newline", pushBody(t, "200", "1", map[string]any{"aftersale_id": "7\n8"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePush([]byte(tt.body), testNow)
			if (err == nil) != tt.ok {
				t.Fatalf("err=%v, want ok %v", err, tt.ok)
			}
		})
	}
}

// Every push that fails — whatever failed — gets the same status, headers and body.
func TestPushHandlerUniformFailure(t *testing.T) {
	fresh := map[string]any{"aftersale_id": liveCase, "p_id": knownOrder, "update_time": testNow.Unix()}
	good := pushBody(t, "207", "m-good", fresh)
	tests := []struct {
		name       string
		body, sign string
	}{
		{"wrong signature", good, signPush(good + " ")},
		{"no signature", good, ""},
		{"signature of another body", good, signPush(pushVector)},
		{"signed, not JSON", "[{", signPush("[{")},
		{"signed, not an array", `{"tag":"207"}`, signPush(`{"tag":"207"}`)},
		{"signed, data not JSON", `[{"tag":"207","msg_id":"1","data":"nope"}]`, signPush(`[{"tag":"207","msg_id":"1","data":"nope"}]`)},
		{"signed, no aftersale_id", `[{"tag":"207","msg_id":"1","data":"{}"}]`, signPush(`[{"tag":"207","msg_id":"1","data":"{}"}]`)},
		{"signed, stale by 6 minutes", pushBody(t, "207", "m2", map[string]any{"aftersale_id": liveCase, "update_time": testNow.Add(-6 * time.Minute).Unix()}), ""},
		{"signed, 6 minutes ahead", pushBody(t, "207", "m3", map[string]any{"aftersale_id": liveCase, "update_time": testNow.Add(6 * time.Minute).Unix()}), ""},
		{"signed, time in milliseconds", pushBody(t, "207", "m4", map[string]any{"aftersale_id": liveCase, "update_time": testNow.UnixMilli()}), ""},
		{"signed, one stale message of two", `[` + strings.Trim(good, "[]") + `,` + strings.Trim(pushBody(t, "201", "m5", map[string]any{"aftersale_id": "1", "update_time": 1600000000}), "[]") + `]`, ""},
		{"signed, oversized id", pushBody(t, "207", "m6", map[string]any{"aftersale_id": strings.Repeat("9", 65), "update_time": testNow.Unix()}), ""},
		{"signed, too large", "[" + strings.Repeat(" ", maxPushBody) + "]", ""},
		{"empty", "", ""},
	}
	calls := 0
	h := NewPushHandler(testAppKey, testSecret, func() time.Time { return testNow }, func(context.Context, adapters.Event) error {
		calls++
		return nil
	})
	var first *answer
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sign := tt.sign
			if sign == "" && strings.HasPrefix(tt.name, "signed") {
				sign = signPush(tt.body)
			}
			got := post(h, tt.body, sign)
			if got.status < 400 {
				t.Fatalf("answer %d %s, want a failure", got.status, got.body)
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
		t.Fatalf("handler called %d times for rejected pushes", calls)
	}
	// The good push itself is accepted: the failures above are not the handler refusing all.
	if got := post(h, good, signPush(good)); got.status != http.StatusOK || calls != 1 {
		t.Fatalf("good push answered %d %s, calls %d", got.status, got.body, calls)
	}
}

func TestPushHandlerReplay(t *testing.T) {
	msg := func(id string, upd time.Time) string {
		return pushBody(t, "209", id, map[string]any{"aftersale_id": liveCase, "update_time": upd.Unix(), "status_deadline": testNow.Add(48 * time.Hour).Unix()})
	}
	timeless := pushBody(t, "209", "m-209", map[string]any{"aftersale_id": liveCase, "status_deadline": testNow.Add(48 * time.Hour).Unix()})
	type step struct {
		name      string
		body      string
		fail      bool // the handler fails this time
		wantCode  int
		wantCalls int // handler calls so far
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"replay acknowledged, not applied", []step{
			{"first", msg("m1", testNow), false, 200, 1},
			{"replay", msg("m1", testNow), false, 200, 1},
			{"replay again", msg("m1", testNow), false, 200, 1},
			{"another message", msg("m2", testNow), false, 200, 2},
		}},
		{"failed apply is applied on redelivery", []step{
			{"first fails", msg("m1", testNow), true, 500, 1},
			{"redelivery", msg("m1", testNow), false, 200, 2},
			{"replay", msg("m1", testNow), false, 200, 2},
		}},
		{"timeless 209 deduplicated by msg_id", []step{
			{"first", timeless, false, 200, 1},
			{"replay", timeless, false, 200, 1},
		}},
		{"replay outside the window refused", []step{
			{"old", msg("m9", testNow.Add(-10*time.Minute)), false, 400, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			fail := false
			h := NewPushHandler(testAppKey, testSecret, func() time.Time { return testNow }, func(_ context.Context, e adapters.Event) error {
				calls++
				if e.AfterSaleID != liveCase || e.Kind != adapters.EventDeadline || !e.Deadline.Equal(testNow.Add(48*time.Hour)) {
					t.Errorf("event %+v", e)
				}
				if fail {
					return errors.New("store busy")
				}
				return nil
			})
			for _, s := range tt.steps {
				fail = s.fail
				got := post(h, s.body, signPush(s.body))
				if got.status != s.wantCode || calls != s.wantCalls {
					t.Fatalf("%s: answer %d %s calls %d, want %d calls %d", s.name, got.status, got.body, calls, s.wantCode, s.wantCalls)
				}
			}
		})
	}
}

// A push of several messages where one fails: the platform redelivers the whole push and
// only the message that failed is applied again.
func TestPushHandlerPartialFailure(t *testing.T) {
	body := `[` + strings.Trim(pushBody(t, "200", "a", map[string]any{"aftersale_id": "1", "apply_time": testNow.Unix()}), "[]") + `,` +
		strings.Trim(pushBody(t, "201", "b", map[string]any{"aftersale_id": "2", "agree_time": testNow.Unix()}), "[]") + `]`
	var applied []string
	failOn := "2"
	h := NewPushHandler(testAppKey, testSecret, func() time.Time { return testNow }, func(_ context.Context, e adapters.Event) error {
		if e.AfterSaleID == failOn {
			return errors.New("store busy")
		}
		applied = append(applied, e.AfterSaleID)
		return nil
	})
	if got := post(h, body, signPush(body)); got.status != 500 || !reflect.DeepEqual(applied, []string{"1"}) {
		t.Fatalf("first: %d applied %v", got.status, applied)
	}
	failOn = ""
	if got := post(h, body, signPush(body)); got.status != 200 || !reflect.DeepEqual(applied, []string{"1", "2"}) {
		t.Fatalf("redelivery: %d applied %v, want 1 then 2 only", got.status, applied)
	}
}

func TestPushHandlerSharedGuardAndWindow(t *testing.T) {
	body := pushBody(t, "201", "w1", map[string]any{"aftersale_id": "1", "update_time": testNow.Add(-8 * time.Minute).Unix()})
	calls := 0
	handle := func(context.Context, adapters.Event) error { calls++; return nil }
	now := func() time.Time { return testNow }
	if got := post(NewPushHandler(testAppKey, testSecret, now, handle), body, signPush(body)); got.status != 400 {
		t.Fatalf("default window accepted an 8-minute-old push: %d", got.status)
	}
	g := adapters.NewPushGuard(10 * time.Minute)
	if got := post(NewPushHandler(testAppKey, testSecret, now, handle, adapters.WithPushGuard(g)), body, signPush(body)); got.status != 200 || calls != 1 {
		t.Fatalf("10-minute window: %d calls %d", got.status, calls)
	}
	// A rebuilt handler sharing the guard still knows the message.
	if got := post(NewPushHandler(testAppKey, testSecret, now, handle, adapters.WithPushGuard(g)), body, signPush(body)); got.status != 200 || calls != 1 {
		t.Fatalf("replay to a rebuilt handler: %d calls %d", got.status, calls)
	}
}
