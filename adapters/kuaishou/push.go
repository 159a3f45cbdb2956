package kuaishou

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aftersale/aftersale/adapters"
)

// Push event names this adapter acts on.
const (
	EventAddRefund    = "kwaishop_aftersales_addRefund"
	EventUpdateRefund = "kwaishop_aftersales_updateRefund"
)

// ErrBadPush means a push body could not be decrypted or decoded.
var ErrBadPush = errors.New("kuaishou push: cannot decrypt")

const maxPushBody = 1 << 20

// zeroIV is the platform's fixed IV: 16 zero bytes.
func zeroIV() []byte { return make([]byte, aes.BlockSize) }

func pushCipher(messageKey string) (cipher.Block, error) {
	key, err := base64.StdEncoding.DecodeString(messageKey)
	if err != nil {
		return nil, fmt.Errorf("decode message key: %w", err)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("message key: %w", err)
	}
	return b, nil
}

// decrypt opens a push body with block. It always decrypts the whole body once it is
// base64 of whole blocks, and checks the padding without branching on its bytes; ok is
// false when the padding is wrong, pt is then the whole unpadded-or-not plaintext so the
// caller can go on with the same work as for a good one.
func decrypt(block cipher.Block, body []byte) (pt []byte, ok bool) {
	ct, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(body)))
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, false
	}
	pt = make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, zeroIV()).CryptBlocks(pt, ct)
	last := pt[len(pt)-aes.BlockSize:]
	pad := int(last[aes.BlockSize-1])
	inRange := subtle.ConstantTimeLessOrEq(pad, aes.BlockSize)
	good := subtle.ConstantTimeLessOrEq(1, pad) & inRange
	span := subtle.ConstantTimeSelect(inRange, pad, aes.BlockSize) // keeps the index math in range
	for i := 0; i < aes.BlockSize; i++ {
		// Bytes within the padding must equal pad; the others are not looked at.
		inPad := subtle.ConstantTimeLessOrEq(aes.BlockSize-span, i)
		same := subtle.ConstantTimeByteEq(last[i], byte(pad))
		good &= subtle.ConstantTimeSelect(inPad, same, 1)
	}
	if good != 1 {
		return pt, false
	}
	return pt[:len(pt)-pad], true
}

// DecryptPush opens a push body: Base64 of AES-CBC/PKCS5 ciphertext keyed by the
// base64-decoded message key, IV 16 zero bytes. Without a MAC a body can be altered
// undetected: what it says is a hint, never trusted without reading the platform back.
func DecryptPush(messageKey string, body []byte) ([]byte, error) {
	block, err := pushCipher(messageKey)
	if err != nil {
		return nil, err
	}
	pt, ok := decrypt(block, body)
	if !ok {
		return nil, ErrBadPush
	}
	return pt, nil
}

// EncryptPush is DecryptPush's inverse, for fakes and local testing of the push URL.
func EncryptPush(messageKey string, plaintext []byte) (string, error) {
	block, err := pushCipher(messageKey)
	if err != nil {
		return "", err
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	pt := append(append([]byte(nil), plaintext...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	ct := make([]byte, len(pt))
	cipher.NewCBCEncrypter(block, zeroIV()).CryptBlocks(ct, pt)
	return base64.StdEncoding.EncodeToString(ct), nil
}

type pushEnvelope struct {
	EventID    string `json:"eventId"`
	Event      string `json:"event"`
	Info       string `json:"info"` // the event's own JSON, as a string
	CreateTime int64  `json:"createTime"`
	UpdateTime int64  `json:"updateTime"`
	Test       bool   `json:"test"`
}

// pushInfo is the refund event body. expireTime is not in the published message
// (unverified) but is read when present.
type pushInfo struct {
	OrderID    int64 `json:"orderId"`
	RefundID   int64 `json:"refundId"`
	Status     int   `json:"status"`
	CreateTime int64 `json:"createTime"`
	UpdateTime int64 `json:"updateTime"`
	ExpireTime int64 `json:"expireTime"`
}

// message is a parsed push: its event (nil for a heartbeat or an event this adapter
// ignores), the time the push carries (zero if none) and the keys its replays are
// recognised by.
type message struct {
	event     *adapters.Event
	heartbeat bool
	sent      time.Time
	keys      []string
}

// msTimeRaw reads milliseconds, keeping an implausible value implausible (for the time
// window to refuse) instead of letting it overflow.
func msTimeRaw(ms int64) time.Time {
	switch {
	case ms <= 0:
		return time.Time{}
	case ms > 1e16:
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.UnixMilli(ms)
}

// parseMessage decodes a decrypted push. The plaintext must be UTF-8 JSON; an event must
// be named and its eventId, when present, be a plain id: a body altered in transit almost
// never passes all of these.
func parseMessage(plaintext []byte, now time.Time) (message, error) {
	if !utf8.Valid(plaintext) {
		return message{}, errors.New("decode kuaishou push: not UTF-8")
	}
	var env pushEnvelope
	if err := json.Unmarshal(plaintext, &env); err != nil {
		return message{}, fmt.Errorf("decode kuaishou push: %w", err)
	}
	if env.Test {
		return message{heartbeat: true}, nil
	}
	if err := adapters.CheckID("kuaishou push eventId", env.EventID); err != nil {
		return message{}, err
	}
	if env.Event == "" {
		return message{}, errors.New("decode kuaishou push: no event")
	}
	if err := adapters.CheckText("kuaishou push event", env.Event); err != nil {
		return message{}, err
	}
	m := message{}
	for _, ms := range []int64{env.CreateTime, env.UpdateTime} {
		if ms != 0 {
			m.sent = msTimeRaw(ms)
			break
		}
	}
	var kind adapters.EventKind
	switch env.Event {
	case EventAddRefund:
		kind = adapters.EventCreated
	case EventUpdateRefund:
		kind = adapters.EventUpdated
	default:
		return m, nil
	}
	var info pushInfo
	if err := json.Unmarshal([]byte(env.Info), &info); err != nil {
		return message{}, fmt.Errorf("decode kuaishou push %s info: %w", env.EventID, err)
	}
	if info.RefundID <= 0 {
		return message{}, fmt.Errorf("decode kuaishou push %s: no refundId", env.EventID)
	}
	if info.OrderID < 0 {
		return message{}, fmt.Errorf("decode kuaishou push %s: orderId %d", env.EventID, info.OrderID)
	}
	if m.sent.IsZero() {
		for _, ms := range []int64{info.UpdateTime, info.CreateTime} {
			if ms != 0 {
				m.sent = msTimeRaw(ms)
				break
			}
		}
	}
	if kind == adapters.EventUpdated && info.Status == 70 {
		kind = adapters.EventClosed
	}
	e := &adapters.Event{Platform: Name, Kind: kind, AfterSaleID: strconv.FormatInt(info.RefundID, 10), At: now}
	if info.OrderID != 0 {
		e.OrderID = strconv.FormatInt(info.OrderID, 10)
	}
	// The event's own time: when the refund changed, else when the message was made.
	for _, ms := range []int64{info.UpdateTime, env.UpdateTime, info.CreateTime, env.CreateTime} {
		if ms != 0 {
			e.At = adapters.EventTime(msTimeRaw(ms), now)
			break
		}
	}
	e.Deadline = adapters.SaneDeadline(msTimeRaw(info.ExpireTime), e.At)
	m.event = e
	// A copy whose eventId was altered (the body has no MAC) still carries the same
	// event: it is recognised by its content too.
	m.keys = []string{adapters.ContentKey("kuaishou", env.Event, env.Info)}
	if env.EventID != "" {
		m.keys = append([]string{"kuaishou:event:" + env.EventID}, m.keys...)
	}
	return m, nil
}

// ParsePush decodes a decrypted push. A heartbeat ({"test":true}) gives no event and
// heartbeat true; events other than the two refund events give no event. A pushed
// deadline outside adapters.SaneDeadline's window is dropped.
func ParsePush(plaintext []byte, now time.Time) (ev *adapters.Event, heartbeat bool, err error) {
	m, err := parseMessage(plaintext, now)
	if err != nil {
		return nil, false, err
	}
	return m.event, m.heartbeat, nil
}

// rejectBody is the one answer to every push that fails: a body that is not base64 of
// whole blocks, bad padding, a plaintext that is not the expected JSON, an oversized
// field, a time outside the window. Telling them apart is what made the padding oracle:
// the body has no MAC, so every difference helps a forger.
var rejectBody = []byte(`{"result":0,"error_msg":"rejected"}`)

func reject(w http.ResponseWriter) { adapters.WritePushAnswer(w, http.StatusBadRequest, rejectBody) }

// NewPushHandler returns the HTTP endpoint to register as the app's message URL. It
// answers {"result":1} for a heartbeat or a handled event and one fixed rejection for
// anything that fails to decrypt, parse, pass the field bounds or the time window: a
// message (other than a heartbeat) must carry its time (createTime or updateTime, of the
// message or else of the refund) within adapters.DefaultPushWindow (or WithPushWindow)
// of now(). A message applied within the window (same eventId, or same event and info)
// is acknowledged without being applied again. A failed handler gets a 500 so that the
// platform redelivers (it retries at 5/10/20/30/60 minutes, with a window that short
// only the first retries can pass).
func NewPushHandler(messageKey string, now func() time.Time, handle adapters.EventHandler, opts ...adapters.PushOption) http.Handler {
	guard := adapters.PushGuardFor(adapters.DefaultPushWindow, opts...)
	block, keyErr := pushCipher(messageKey)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			pushReply(w, http.StatusMethodNotAllowed, 0, "method not allowed")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBody+1))
		if err != nil || len(body) > maxPushBody || keyErr != nil {
			reject(w)
			return
		}
		t := now()
		// The plaintext is parsed whether or not the padding was right, so both
		// failures cost about the same.
		pt, padOK := decrypt(block, body)
		m, perr := parseMessage(pt, t)
		if !padOK || perr != nil {
			reject(w)
			return
		}
		if m.heartbeat {
			pushReply(w, http.StatusOK, 1, "")
			return
		}
		if !guard.Fresh(m.sent, t) {
			reject(w)
			return
		}
		if m.event != nil && guard.Claim(m.keys...) {
			if err := handle(r.Context(), *m.event); err != nil {
				guard.Release(m.keys...)
				pushReply(w, http.StatusInternalServerError, 0, "retry later")
				return
			}
		}
		pushReply(w, http.StatusOK, 1, "")
	})
}

func pushReply(w http.ResponseWriter, status, result int, msg string) {
	b, _ := json.Marshal(struct {
		Result   int    `json:"result"`
		ErrorMsg string `json:"error_msg,omitempty"`
	}{result, msg})
	adapters.WritePushAnswer(w, status, b)
}
