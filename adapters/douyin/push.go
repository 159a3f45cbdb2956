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
	"strings"
	"time"

	"github.com/aftersale/aftersale/adapters"
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
// 209 is not in PLATFORMS.md: the names below are the candidates seen in public SDKs
// (unverified); a push without one still triggers a CaseStatus re-read upstream.
type pushData struct {
	AftersaleID    flexID `json:"aftersale_id"`
	PID            flexID `json:"p_id"`
	UpdateTime     int64  `json:"update_time"`
	ApplyTime      int64  `json:"apply_time"`
	StatusDeadline int64  `json:"status_deadline"`
	ExpirationTime int64  `json:"expiration_time"`
}

// ParsePush turns a verified push body into events; now stamps events that carry no
// time of their own.
func ParsePush(body []byte, now time.Time) ([]adapters.Event, error) {
	var msgs []pushMessage
	if err := json.Unmarshal(body, &msgs); err != nil {
		return nil, fmt.Errorf("decode douyin push: %w", err)
	}
	var events []adapters.Event
	for _, m := range msgs {
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
		e := adapters.Event{Platform: Name, Kind: kind, AfterSaleID: string(d.AftersaleID), OrderID: string(d.PID), At: now}
		switch {
		case d.UpdateTime > 0:
			e.At = time.Unix(d.UpdateTime, 0)
		case d.ApplyTime > 0:
			e.At = time.Unix(d.ApplyTime, 0)
		}
		if d.StatusDeadline > 0 {
			e.Deadline = time.Unix(d.StatusDeadline, 0)
		} else if d.ExpirationTime > 0 {
			e.Deadline = time.Unix(d.ExpirationTime, 0)
		}
		events = append(events, e)
	}
	return events, nil
}

// NewPushHandler returns the HTTP endpoint to register as the app's push URL. It answers
// {"code":0,"msg":"success"} once every event is handled; a bad signature or a failed
// handler gets a non-zero code and a non-2xx status so the platform delivers again.
func NewPushHandler(appKey, appSecret string, now func() time.Time, handle adapters.EventHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			pushReply(w, http.StatusMethodNotAllowed, 405, "method not allowed")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBody+1))
		if err != nil || len(body) > maxPushBody {
			pushReply(w, http.StatusBadRequest, 400, "unreadable body")
			return
		}
		if !VerifyPush(appKey, appSecret, body, r.Header.Get("event-sign")) {
			pushReply(w, http.StatusUnauthorized, 401, "bad sign")
			return
		}
		events, err := ParsePush(body, now())
		if err != nil {
			pushReply(w, http.StatusBadRequest, 400, "bad body")
			return
		}
		for _, e := range events {
			if err := handle(r.Context(), e); err != nil {
				pushReply(w, http.StatusInternalServerError, 500, "retry later")
				return
			}
		}
		pushReply(w, http.StatusOK, 0, "success")
	})
}

func pushReply(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
	}{code, msg})
	_, _ = w.Write(b)
}
