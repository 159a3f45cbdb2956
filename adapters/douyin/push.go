package douyin

import (
	"bytes"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/vocab"
)

// maxPushBody caps what the handler reads; real pushes are a few kilobytes.
const maxPushBody = 1 << 20

// VerifyPush checks the event-sign header: hex MD5(appKey + raw body + appSecret),
// compared case-insensitively and in constant time.
func VerifyPush(appKey, appSecret string, body []byte, eventSign string) bool {
	sum := md5.Sum([]byte(appKey + string(body) + appSecret))
	want := hex.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(eventSign))) == 1
}

// pushKind maps the after-sale message tags: 200 created, 201–206 and 208 updates (206
// is success), 207 closed, 209 deadline changed (doudian_refund_ExpirationChange). Other
// tags (orders, products…) are acknowledged and ignored.
func pushKind(tag string) (adapters.EventKind, bool) {
	switch tag {
	case "200":
		return adapters.EventCreated, true
	case "201", "202", "203", "204", "205", "206", "208":
		return adapters.EventUpdated, true
	case "207":
		return adapters.EventClosed, true
	case "209":
		return adapters.EventDeadline, true
	}
	return "", false
}

type pushMessage struct {
	Tag   string `json:"tag"`
	MsgID string `json:"msg_id"`
	Data  string `json:"data"`
}

// pushData is what this adapter reads from a message's data. The deadline field of tag
// 209 is status_deadline (public SDKs; expiration_time is read as a fallback). Which time
// field a message carries depends on its tag (public SDKs, unverified): update_time,
// modify_time (208), agree_time (201), refuse_time (203/205), success_time (206),
// close_time (207), apply_time (200); 209 carries none.
type pushData struct {
	AftersaleID    flexID   `json:"aftersale_id"`
	PID            flexID   `json:"p_id"`
	UpdateTime     flexTime `json:"update_time"`
	ModifyTime     flexTime `json:"modify_time"`
	AgreeTime      flexTime `json:"agree_time"`
	RefuseTime     flexTime `json:"refuse_time"`
	SuccessTime    flexTime `json:"success_time"`
	CloseTime      flexTime `json:"close_time"`
	ApplyTime      flexTime `json:"apply_time"`
	StatusDeadline flexTime `json:"status_deadline"`
	ExpirationTime flexTime `json:"expiration_time"`
}

// sent is the message's own time, the most specific first; zero when it carries none.
func (d pushData) sent() time.Time {
	for _, t := range []flexTime{d.UpdateTime, d.ModifyTime, d.AgreeTime, d.RefuseTime, d.SuccessTime, d.CloseTime, d.ApplyTime} {
		if !t.IsZero() {
			return t.Time
		}
	}
	return time.Time{}
}

// message is one parsed push message: its event (nil for tags this adapter ignores), the
// time it carries (zero if none) and the keys its replays are recognised by.
type message struct {
	event *adapters.Event
	sent  time.Time
	keys  []string
}

// parsePush decodes a verified push body, checking every message's fields.
func parsePush(body []byte, now time.Time) ([]message, error) {
	var msgs []pushMessage
	if err := json.Unmarshal(body, &msgs); err != nil {
		return nil, fmt.Errorf("decode douyin push: %w", err)
	}
	out := make([]message, 0, len(msgs))
	for _, m := range msgs {
		if err := adapters.CheckID("douyin push msg_id", m.MsgID); err != nil {
			return nil, err
		}
		if err := adapters.CheckID("douyin push tag", m.Tag); err != nil {
			return nil, err
		}
		kind, ok := pushKind(m.Tag)
		if !ok {
			continue
		}
		var d pushData
		dec := json.NewDecoder(bytes.NewReader([]byte(m.Data)))
		dec.UseNumber()
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("decode douyin push %s data: %w", m.MsgID, err)
		}
		if d.AftersaleID == "" {
			return nil, fmt.Errorf("decode douyin push %s: no aftersale_id", m.MsgID)
		}
		if err := adapters.CheckID("douyin push aftersale_id", string(d.AftersaleID)); err != nil {
			return nil, err
		}
		if err := adapters.CheckID("douyin push p_id", string(d.PID)); err != nil {
			return nil, err
		}
		sent := d.sent()
		e := &adapters.Event{Platform: Name, Kind: kind, AfterSaleID: string(d.AftersaleID), OrderID: string(d.PID), At: adapters.EventTime(sent, now)}
		deadline := d.StatusDeadline.Time
		if deadline.IsZero() {
			deadline = d.ExpirationTime.Time
		}
		e.Deadline = adapters.SaneDeadline(deadline, e.At)
		key := "douyin:msg:" + m.MsgID
		if m.MsgID == "" {
			key = adapters.ContentKey("douyin", m.Tag, m.Data)
		}
		out = append(out, message{event: e, sent: sent, keys: []string{key}})
	}
	return out, nil
}

// ParsePush turns a verified push body into events; now stamps events that carry no
// plausible time of their own. A pushed deadline outside adapters.SaneDeadline's window
// is dropped, and a message with an oversized id fails the whole push.
func ParsePush(body []byte, now time.Time) ([]adapters.Event, error) {
	msgs, err := parsePush(body, now)
	if err != nil {
		return nil, err
	}
	var events []adapters.Event
	for _, m := range msgs {
		events = append(events, *m.event)
	}
	return events, nil
}

// rejectBody is the one answer to every push that fails: unreadable or too large, a
// wrong signature, a body that does not parse, an oversized field, a message outside
// the time window. Telling them apart would help a forger and nobody else.
var rejectBody = []byte(`{"code":40000,"msg":"rejected"}`)

func reject(w http.ResponseWriter) { adapters.WritePushAnswer(w, http.StatusBadRequest, rejectBody) }

// NewPushHandler returns the HTTP endpoint to register as the app's push URL. It answers
// {"code":0,"msg":"success"} once every event is handled and one fixed rejection for any
// push that fails verification, parsing, the field bounds or the time window. A message
// whose own time lies outside the window (adapters.DefaultPushWindow, or WithPushWindow)
// of now() fails the push; tag 209 carries no time and is only deduplicated. A message
// already applied within the window (same msg_id) is acknowledged without being applied
// again. A failed handler gets a 500 so the platform delivers again; the messages of
// that push that were applied are not applied twice.
func NewPushHandler(appKey, appSecret string, now func() time.Time, handle adapters.EventHandler, opts ...adapters.PushOption) http.Handler {
	guard := adapters.PushGuardFor(adapters.DefaultPushWindow, opts...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			pushReply(w, http.StatusMethodNotAllowed, 405, "method not allowed")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBody+1))
		if err != nil || len(body) > maxPushBody {
			reject(w)
			return
		}
		if !VerifyPush(appKey, appSecret, body, r.Header.Get("event-sign")) {
			reject(w)
			return
		}
		t := now()
		msgs, err := parsePush(body, t)
		if err != nil {
			reject(w)
			return
		}
		for _, m := range msgs {
			if !m.sent.IsZero() && !guard.Fresh(m.sent, t) {
				reject(w)
				return
			}
		}
		failed := false
		for _, m := range msgs {
			if !guard.Claim(m.keys...) {
				continue // a replay: acknowledged, not applied again
			}
			if err := handle(r.Context(), *m.event); err != nil {
				guard.Release(m.keys...)
				failed = true
			}
		}
		if failed {
			pushReply(w, http.StatusInternalServerError, 500, "retry later")
			return
		}
		pushReply(w, http.StatusOK, 0, "success")
	})
}

func pushReply(w http.ResponseWriter, status, code int, msg string) {
	b, _ := json.Marshal(struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
	}{code, msg})
	adapters.WritePushAnswer(w, status, b)
}

// flexTime reads a time sent as unix seconds (a JSON number or a numeric string) or as
// "2006-01-02 15:04:05" Beijing time or RFC 3339 (public SDKs disagree on the type).
// An empty, zero or unreadable value gives the zero time; an implausible one (e.g.
// milliseconds read as seconds) is kept implausible, for the callers to refuse.
type flexTime struct{ time.Time }

func (f *flexTime) UnmarshalJSON(b []byte) error {
	f.Time = time.Time{}
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if t, err := time.ParseInLocation("2006-01-02 15:04:05", s, vocab.China); err == nil {
			f.Time = t
			return nil
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			f.Time = t
			return nil
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || v <= 0:
		// Empty, zero or unreadable: no usable time.
	case v > 1e13:
		// No clock reaches this; keep it implausible rather than let it overflow.
		f.Time = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		f.Time = time.Unix(int64(v), 0)
	}
	return nil
}
