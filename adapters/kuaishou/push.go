package kuaishou

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

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

// DecryptPush opens a push body: Base64 of AES-CBC/PKCS5 ciphertext keyed by the
// base64-decoded message key, IV 16 zero bytes.
func DecryptPush(messageKey string, body []byte) ([]byte, error) {
	block, err := pushCipher(messageKey)
	if err != nil {
		return nil, err
	}
	ct, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(body)))
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, ErrBadPush
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, zeroIV()).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, ErrBadPush
	}
	for _, p := range pt[len(pt)-pad:] {
		if int(p) != pad {
			return nil, ErrBadPush
		}
	}
	return pt[:len(pt)-pad], nil
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

// ParsePush decodes a decrypted push. A heartbeat ({"test":true}) gives no event and
// heartbeat true; events other than the two refund events give no event.
func ParsePush(plaintext []byte, now time.Time) (ev *adapters.Event, heartbeat bool, err error) {
	var env pushEnvelope
	if err := json.Unmarshal(plaintext, &env); err != nil {
		return nil, false, fmt.Errorf("decode kuaishou push: %w", err)
	}
	if env.Test {
		return nil, true, nil
	}
	var kind adapters.EventKind
	switch env.Event {
	case EventAddRefund:
		kind = adapters.EventCreated
	case EventUpdateRefund:
		kind = adapters.EventUpdated
	default:
		return nil, false, nil
	}
	var info pushInfo
	if err := json.Unmarshal([]byte(env.Info), &info); err != nil {
		return nil, false, fmt.Errorf("decode kuaishou push %s info: %w", env.EventID, err)
	}
	if info.RefundID == 0 {
		return nil, false, fmt.Errorf("decode kuaishou push %s: no refundId", env.EventID)
	}
	if kind == adapters.EventUpdated && info.Status == 70 {
		kind = adapters.EventClosed
	}
	e := &adapters.Event{
		Platform: Name, Kind: kind, AfterSaleID: strconv.FormatInt(info.RefundID, 10),
		Deadline: msTime(info.ExpireTime), At: now,
	}
	if info.OrderID != 0 {
		e.OrderID = strconv.FormatInt(info.OrderID, 10)
	}
	for _, ms := range []int64{info.UpdateTime, env.UpdateTime, info.CreateTime, env.CreateTime} {
		if ms > 0 {
			e.At = time.UnixMilli(ms)
			break
		}
	}
	return e, false, nil
}

// NewPushHandler returns the HTTP endpoint to register as the app's message URL. It
// answers {"result":1} for a heartbeat or a handled event; anything else gets a failure
// answer so the platform redelivers (it retries at 5/10/20/30/60 minutes).
func NewPushHandler(messageKey string, now func() time.Time, handle adapters.EventHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			pushReply(w, http.StatusMethodNotAllowed, 0, "method not allowed")
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBody+1))
		if err != nil || len(body) > maxPushBody {
			pushReply(w, http.StatusBadRequest, 0, "unreadable body")
			return
		}
		pt, err := DecryptPush(messageKey, body)
		if err != nil {
			pushReply(w, http.StatusBadRequest, 0, "cannot decrypt")
			return
		}
		ev, _, err := ParsePush(pt, now())
		if err != nil {
			pushReply(w, http.StatusBadRequest, 0, "bad message")
			return
		}
		if ev != nil {
			if err := handle(r.Context(), *ev); err != nil {
				pushReply(w, http.StatusInternalServerError, 0, "retry later")
				return
			}
		}
		pushReply(w, http.StatusOK, 1, "")
	})
}

func pushReply(w http.ResponseWriter, status, result int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(struct {
		Result   int    `json:"result"`
		ErrorMsg string `json:"error_msg,omitempty"`
	}{result, msg})
	_, _ = w.Write(b)
}
