package wecomkf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

// DefaultBaseURL is the WeCom server API host.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// WeCom errcodes this client acts on (企业微信 "全局错误码"): the access token was
// refused (40014 invalid, 42001 expired) → fetch a new one and try once more; -1 system
// busy, 45009 frequency limit, 45033 concurrency limit → worth retrying later.
var (
	tokenCodes     = map[int]bool{40014: true, 42001: true}
	retryableCodes = map[int]bool{-1: true, 45009: true, 45033: true}
)

// APIError is a WeCom answer with a non-zero errcode.
type APIError struct {
	Op      string // the API path, e.g. kf/send_msg
	Code    int    // errcode
	Msg     string // errmsg, at most 200 bytes
	Retries bool   // worth trying again later
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wecom %s: errcode %d: %s", e.Op, e.Code, e.Msg)
}

// api is a thin client of the WeCom server API for one corp and one secret. It caches
// the access token (gettoken: expires_in seconds, 7200 today) until five minutes before
// it expires, and fetches a new one when the server refuses it.
//
// It is written on resty rather than on github.com/silenceper/wechat/v2/work/kf: that
// library hard-codes https://qyapi.weixin.qq.com and reaches it through package-level
// variables (util.DefaultHTTPClient, util.SetURIModifier), so a test fake or two corps
// in one process would share mutable globals; its calls take no context and turn
// errcodes into bare strings, and the reply window and token expiry need the codes.
type api struct {
	rest   *resty.Client
	base   string
	corpID string
	secret string
	now    func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
}

func newAPI(base, corpID, secret string, hc *http.Client, now func() time.Time) *api {
	if base == "" {
		base = DefaultBaseURL
	}
	return &api{rest: adapters.NewREST(adapters.RESTOptions{HTTPClient: hc}), base: strings.TrimRight(base, "/"),
		corpID: corpID, secret: secret, now: now}
}

// envelope is every answer's errcode/errmsg.
type envelope struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (e envelope) err(op string) error {
	if e.ErrCode == 0 {
		return nil
	}
	msg := e.ErrMsg
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return &APIError{Op: op, Code: e.ErrCode, Msg: msg, Retries: retryableCodes[e.ErrCode]}
}

// accessToken returns the cached token or fetches one (GET /cgi-bin/gettoken).
func (a *api) accessToken(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Before(a.expires) {
		return a.token, nil
	}
	var ans struct {
		envelope
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	r, err := a.rest.R().SetContext(ctx).
		SetQueryParams(map[string]string{"corpid": a.corpID, "corpsecret": a.secret}).
		Get(a.base + "/cgi-bin/gettoken")
	if err := adapters.CheckHTTP("wecom", "gettoken", r, err); err != nil {
		return "", err
	}
	if err := json.Unmarshal(r.Body(), &ans); err != nil {
		return "", fmt.Errorf("wecom gettoken: decode answer: %w", err)
	}
	if err := ans.err("gettoken"); err != nil {
		return "", err
	}
	if ans.AccessToken == "" {
		return "", errors.New("wecom gettoken: answer has no access_token")
	}
	life := time.Duration(ans.ExpiresIn) * time.Second
	a.token, a.expires = ans.AccessToken, a.now().Add(max(life-5*time.Minute, life/2))
	return a.token, nil
}

// forget drops a token the server refused, unless another call already replaced it.
func (a *api) forget(token string) {
	a.mu.Lock()
	if a.token == token {
		a.token = ""
	}
	a.mu.Unlock()
}

// post sends body as JSON to /cgi-bin/<op>?access_token=… and decodes the answer into
// out (which must embed envelope, or be nil). A refused token is replaced and the call
// made once more.
func (a *api) post(ctx context.Context, op string, body, out any) error {
	for attempt := 0; ; attempt++ {
		token, err := a.accessToken(ctx)
		if err != nil {
			return err
		}
		r, err := a.rest.R().SetContext(ctx).SetQueryParam("access_token", token).
			SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body).
			Post(a.base + "/cgi-bin/" + op)
		if err := adapters.CheckHTTP("wecom", op, r, err); err != nil {
			return err
		}
		var env envelope
		if err := json.Unmarshal(r.Body(), &env); err != nil {
			return fmt.Errorf("wecom %s: decode answer: %w", op, err)
		}
		if tokenCodes[env.ErrCode] && attempt == 0 {
			a.forget(token)
			continue
		}
		if err := env.err(op); err != nil {
			return err
		}
		if out != nil {
			if err := json.Unmarshal(r.Body(), out); err != nil {
				return fmt.Errorf("wecom %s: decode answer: %w", op, err)
			}
		}
		return nil
	}
}

// syncAnswer is kf/sync_msg's answer.
type syncAnswer struct {
	envelope
	NextCursor string    `json:"next_cursor"`
	HasMore    int       `json:"has_more"`
	MsgList    []message `json:"msg_list"`
}

// message is one entry of sync_msg's msg_list; only the fields this channel reads.
type message struct {
	MsgID          string `json:"msgid"`
	OpenKfID       string `json:"open_kfid"`
	ExternalUserID string `json:"external_userid"`
	SendTime       int64  `json:"send_time"`
	// Origin: 3 the WeChat customer, 4 a system event, 5 a servicer in the WeCom app.
	Origin  int    `json:"origin"`
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
		MenuID  string `json:"menu_id"` // the clicked msgmenu item's id
	} `json:"text"`
	Image struct {
		MediaID string `json:"media_id"`
	} `json:"image"`
	Voice struct {
		MediaID string `json:"media_id"`
	} `json:"voice"`
	Video struct {
		MediaID string `json:"media_id"`
	} `json:"video"`
	File struct {
		MediaID string `json:"media_id"`
	} `json:"file"`
	Location struct {
		Name    string  `json:"name"`
		Address string  `json:"address"`
		Lat     float64 `json:"latitude"`
		Lng     float64 `json:"longitude"`
	} `json:"location"`
	Link struct {
		Title string `json:"title"`
		Desc  string `json:"desc"`
		URL   string `json:"url"`
	} `json:"link"`
	MiniProgram struct {
		Title string `json:"title"`
	} `json:"miniprogram"`
	Event struct {
		EventType      string `json:"event_type"`
		OpenKfID       string `json:"open_kfid"`
		ExternalUserID string `json:"external_userid"`
		WelcomeCode    string `json:"welcome_code"`
		FailMsgID      string `json:"fail_msgid"`
		FailType       int    `json:"fail_type"`
		ServicerUserID string `json:"servicer_userid"`
		Status         int    `json:"status"`
		ChangeType     int    `json:"change_type"`
		NewServicer    string `json:"new_servicer_userid"`
	} `json:"event"`
}

// syncMsg pulls one page of an account's messages after cursor (POST kf/sync_msg). token
// is the callback's (valid about 10 minutes); "" is allowed, under a stricter rate limit.
func (a *api) syncMsg(ctx context.Context, openKfID, cursor, token string, limit int) (syncAnswer, error) {
	var ans syncAnswer
	body := map[string]any{"cursor": cursor, "token": token, "limit": limit, "open_kfid": openKfID}
	err := a.post(ctx, "kf/sync_msg", body, &ans)
	return ans, err
}

// menuItem is one clickable choice of a msgmenu.
type menuItem struct {
	ID      string // read back as text.menu_id when clicked
	Content string
}

// outMessage is a kf/send_msg or send_msg_on_event body: text or msgmenu.
func outMessage(text string, head string, items []menuItem, tail string) map[string]any {
	if len(items) == 0 {
		return map[string]any{"msgtype": "text", "text": map[string]string{"content": text}}
	}
	list := make([]map[string]any, 0, len(items))
	for _, it := range items {
		list = append(list, map[string]any{"type": "click", "click": map[string]string{"id": it.ID, "content": it.Content}})
	}
	return map[string]any{"msgtype": "msgmenu", "msgmenu": map[string]any{"head_content": head, "list": list, "tail_content": tail}}
}

// sendMsg sends msg (from outMessage) to a buyer (POST kf/send_msg); it returns the
// message's msgid.
func (a *api) sendMsg(ctx context.Context, openKfID, externalUserID string, msg map[string]any) (string, error) {
	msg["touser"], msg["open_kfid"] = externalUserID, openKfID
	var ans struct {
		envelope
		MsgID string `json:"msgid"`
	}
	err := a.post(ctx, "kf/send_msg", msg, &ans)
	return ans.MsgID, err
}

// sendOnEvent answers an event's code (enter_session's welcome_code) with msg (POST
// kf/send_msg_on_event); the code is good for one message within 20 seconds.
func (a *api) sendOnEvent(ctx context.Context, code string, msg map[string]any) error {
	msg["code"] = code
	return a.post(ctx, "kf/send_msg_on_event", msg, nil)
}

// Service states of kf/service_state (微信客服 "会话状态"): 2 waiting in the pool, 3 by a
// human servicer, 4 ended (the buyer's next message starts a session the API answers).
const (
	statePool     = 2
	stateServicer = 3
	stateEnded    = 4
)

// trans moves a buyer's session to state (POST kf/service_state/trans); servicer is
// the userid for stateServicer. The answer's msg_code, when given, lets one message be
// sent in the new state with send_msg_on_event (a queue notice, a closing word).
func (a *api) trans(ctx context.Context, openKfID, externalUserID string, state int, servicer string) (string, error) {
	body := map[string]any{"open_kfid": openKfID, "external_userid": externalUserID, "service_state": state}
	if servicer != "" {
		body["servicer_userid"] = servicer
	}
	var ans struct {
		envelope
		MsgCode string `json:"msg_code"`
	}
	err := a.post(ctx, "kf/service_state/trans", body, &ans)
	return ans.MsgCode, err
}

// media downloads a received file (GET /cgi-bin/media/get) into w, at most max bytes,
// and returns the extension its Content-Disposition or Content-Type gives ("" unknown).
// WeCom answers an error as JSON instead of the file.
func (a *api) media(ctx context.Context, mediaID string, w io.Writer, maxBytes int64) (string, error) {
	for attempt := 0; ; attempt++ {
		token, err := a.accessToken(ctx)
		if err != nil {
			return "", err
		}
		r, err := a.rest.R().SetContext(ctx).SetDoNotParseResponse(true).
			SetQueryParams(map[string]string{"access_token": token, "media_id": mediaID}).
			Get(a.base + "/cgi-bin/media/get")
		if err != nil {
			return "", adapters.CheckHTTP("wecom", "media/get", r, err)
		}
		body := r.RawBody()
		ext, retry, err := func() (string, bool, error) {
			defer body.Close()
			if err := adapters.CheckHTTP("wecom", "media/get", r, nil); err != nil {
				return "", false, err
			}
			ct := r.Header().Get("Content-Type")
			if strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "text/plain") {
				var env envelope
				if err := json.NewDecoder(io.LimitReader(body, 64<<10)).Decode(&env); err != nil {
					return "", false, fmt.Errorf("wecom media/get: decode answer: %w", err)
				}
				if tokenCodes[env.ErrCode] && attempt == 0 {
					a.forget(token)
					return "", true, nil
				}
				if err := env.err("media/get"); err != nil {
					return "", false, err
				}
				return "", false, errors.New("wecom media/get: JSON answer without a file")
			}
			n, err := io.Copy(w, io.LimitReader(body, maxBytes+1))
			if err != nil {
				return "", false, fmt.Errorf("wecom media/get: read file: %w", err)
			}
			if n > maxBytes {
				return "", false, fmt.Errorf("wecom media/get: file larger than %d bytes", maxBytes)
			}
			return extOf(r.Header().Get("Content-Disposition"), ct), false, nil
		}()
		if retry {
			continue
		}
		return ext, err
	}
}

// extOf picks a file extension from a Content-Disposition filename, else the type.
func extOf(disposition, contentType string) string {
	if _, p, err := mime.ParseMediaType(disposition); err == nil {
		if name := p["filename"]; name != "" {
			if i := strings.LastIndexByte(name, '.'); i >= 0 && len(name)-i <= 6 {
				return safeExt(name[i:])
			}
		}
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	switch ct {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "audio/amr":
		return ".amr"
	case "video/mp4":
		return ".mp4"
	}
	return ""
}

// safeExt keeps an extension of letters and digits only.
func safeExt(ext string) string {
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return strings.ToLower(ext)
}
