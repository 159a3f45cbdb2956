package wecomkf

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
)

// maxCallbackBytes caps a callback body: WeCom's kf_msg_or_event is a few hundred bytes.
const maxCallbackBytes = 64 << 10

// Handler serves the callback URL set in the 微信客服 admin console (开发配置 → 回调配置):
// GET verifies the URL (msg_signature over echostr, answered with echostr decrypted);
// POST takes the encrypted kf_msg_or_event notice, answers at once, and wakes the
// account's puller with the notice's token. A bad signature or body is answered 4xx (the
// push server's failure gate counts those), an unknown open_kfid is ignored.
func (c *Channel) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
		switch r.Method {
		case http.MethodGet:
			plain, err := c.crypt.open(sig, ts, nonce, q.Get("echostr"))
			if err != nil {
				c.refuse(w, err)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write(plain)
		case http.MethodPost:
			kfid, token, err := c.notice(r.Body, sig, ts, nonce)
			if err != nil {
				c.refuse(w, err)
				return
			}
			if _, ok := c.wake[kfid]; ok {
				c.wakeAccount(r.Context(), kfid, token)
			} else if kfid != "" {
				c.log.Warn("wecomkf callback for an open_kfid no shop has", "open_kfid", kfid)
			}
			w.Write([]byte("success"))
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

func (c *Channel) refuse(w http.ResponseWriter, err error) {
	c.log.Warn("wecomkf callback refused", "err", err)
	status := http.StatusBadRequest
	if errors.Is(err, errSignature) {
		status = http.StatusUnauthorized
	}
	http.Error(w, http.StatusText(status), status)
}

// notice checks and decrypts a POSTed callback and returns its open_kfid and token
// ("" for an event other than kf_msg_or_event).
func (c *Channel) notice(body io.Reader, sig, ts, nonce string) (kfid, token string, err error) {
	raw, err := io.ReadAll(io.LimitReader(body, maxCallbackBytes+1))
	if err != nil {
		return "", "", err
	}
	if len(raw) > maxCallbackBytes {
		return "", "", errors.New("wecomkf: callback body too large")
	}
	var outer struct {
		Encrypt string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal(raw, &outer); err != nil || outer.Encrypt == "" {
		return "", "", errors.New("wecomkf: callback body is not WeCom's encrypted XML")
	}
	plain, err := c.crypt.open(sig, ts, nonce, outer.Encrypt)
	if err != nil {
		return "", "", err
	}
	var n struct {
		MsgType  string `xml:"MsgType"`
		Event    string `xml:"Event"`
		Token    string `xml:"Token"`
		OpenKfID string `xml:"OpenKfId"`
	}
	if err := xml.Unmarshal(plain, &n); err != nil {
		return "", "", errors.New("wecomkf: decrypted callback is not XML")
	}
	if n.Event != "kf_msg_or_event" {
		return "", "", nil
	}
	return n.OpenKfID, n.Token, nil
}

// CallbackPath is where the callback is served on the push server (push.listen): the
// callback URL to give the admin console is https://<your host>/wecomkf/callback.
const CallbackPath = "/wecomkf/callback"
