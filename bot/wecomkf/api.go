package wecomkf

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/internal/wecomapi"
)

// DefaultBaseURL is the WeCom server API host.
const DefaultBaseURL = wecomapi.DefaultBaseURL

// APIError is a WeCom answer with a non-zero errcode (Op, Code, Msg, Retries).
type APIError = wecomapi.APIError

// api is the 微信客服 calls on the shared WeCom server API client, which caches the
// access token of the 微信客服 secret and replaces it when the server refuses it.
type api struct {
	*wecomapi.Client
}

func newAPI(base, corpID, secret string, hc *http.Client, now func() time.Time) *api {
	return &api{wecomapi.New(wecomapi.Options{BaseURL: base, CorpID: corpID, Secret: secret,
		REST: adapters.RESTOptions{HTTPClient: hc}, Now: now})}
}

// syncAnswer is kf/sync_msg's answer.
type syncAnswer struct {
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
	err := a.Post(ctx, "kf/sync_msg", body, &ans)
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
		MsgID string `json:"msgid"`
	}
	err := a.Post(ctx, "kf/send_msg", msg, &ans)
	return ans.MsgID, err
}

// sendOnEvent answers an event's code (enter_session's welcome_code) with msg (POST
// kf/send_msg_on_event); the code is good for one message within 20 seconds.
func (a *api) sendOnEvent(ctx context.Context, code string, msg map[string]any) error {
	msg["code"] = code
	return a.Post(ctx, "kf/send_msg_on_event", msg, nil)
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
		MsgCode string `json:"msg_code"`
	}
	err := a.Post(ctx, "kf/service_state/trans", body, &ans)
	return ans.MsgCode, err
}

// media downloads a received file (GET /cgi-bin/media/get) into w, at most maxBytes
// bytes, and returns the extension its Content-Disposition or Content-Type gives (""
// unknown).
func (a *api) media(ctx context.Context, mediaID string, w io.Writer, maxBytes int64) (string, error) {
	h, err := a.Download(ctx, "media/get", map[string]string{"media_id": mediaID}, w, maxBytes)
	if err != nil {
		return "", err
	}
	return extOf(h.Get("Content-Disposition"), h.Get("Content-Type")), nil
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
