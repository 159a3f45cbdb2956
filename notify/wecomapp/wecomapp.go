// Package wecomapp sends merchant alerts as WeCom application messages (企业微信 应用消息,
// POST /cgi-bin/message/send) to members by userid: the merchant gets them in the WeCom
// app beside the 微信客服 sessions, one by one rather than in a group.
//
// The application's secret (应用管理 → the app → Secret) fetches its own access token
// (GET /cgi-bin/gettoken, about 7200 s); it is a secret and never appears in an error.
package wecomapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/internal/robot"
)

// DefaultBaseURL is the WeCom API host.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// DefaultTimeout bounds one send when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// maxContentBytes is the application text message's limit (应用消息 text: 2048 bytes).
const maxContentBytes = 2048

// WeCom errcodes: the token refused (40014 invalid, 42001 expired) → a new token and one
// more try; -1 busy, 45009 frequency, 45033 concurrency → worth retrying later.
var (
	tokenCodes     = map[int]bool{40014: true, 42001: true}
	retryableCodes = map[int]bool{-1: true, 45009: true, 45033: true}
)

// Options configures a Sink.
type Options struct {
	// Name labels the sink in errors and logs; default "wecomapp".
	Name string
	// CorpID is the 企业ID; AgentID and Secret are the application's. Required.
	CorpID  string
	AgentID int
	Secret  string
	// ToUsers are the members' userids that alerts go to. Required.
	ToUsers []string
	// Timeout bounds one send; default DefaultTimeout.
	Timeout time.Duration
	// HTTPClient is used for requests (copied, never modified); BaseURL replaces
	// DefaultBaseURL, for tests.
	HTTPClient *http.Client
	BaseURL    string
	Now        func() time.Time
}

// Sink sends alerts as application messages.
type Sink struct {
	name    string
	opt     Options
	base    string
	client  *resty.Client
	redact  robot.Redactor
	mu      sync.Mutex
	token   string
	expires time.Time
}

// New validates o and returns a Sink.
func New(o Options) (*Sink, error) {
	if o.Name == "" {
		o.Name = "wecomapp"
	}
	switch {
	case strings.TrimSpace(o.CorpID) == "":
		return nil, errors.New("wecomapp: corp_id is empty")
	case o.AgentID <= 0:
		return nil, errors.New("wecomapp: agent_id is missing")
	case strings.TrimSpace(o.Secret) == "":
		return nil, errors.New("wecomapp: secret is empty")
	case len(o.ToUsers) == 0:
		return nil, errors.New("wecomapp: to_users is empty")
	case o.Timeout < 0:
		return nil, fmt.Errorf("wecomapp: timeout %v is negative", o.Timeout)
	}
	for i, u := range o.ToUsers {
		if strings.TrimSpace(u) == "" || strings.Contains(u, "|") {
			return nil, fmt.Errorf("wecomapp: to_users[%d] is not a userid", i)
		}
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("wecomapp: base url %q is not an http(s) URL", o.BaseURL)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Sink{name: o.Name, opt: o, base: strings.TrimRight(o.BaseURL, "/"), client: robot.NewClient(o.HTTPClient),
		redact: robot.Redactor{o.Secret}}, nil
}

// Name returns the sink's label.
func (s *Sink) Name() string { return s.name }

// Send sends the alert to ToUsers.
func (s *Sink) Send(ctx context.Context, a notify.Alert) error {
	if strings.TrimSpace(a.Text) == "" {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("alert %d has no text", a.ID)}
	}
	return s.SendText(ctx, s.opt.ToUsers, robot.Render(a))
}

// SendText sends text to the given userids (ToUsers when empty). Errors are
// *notify.SendError with the retry verdict.
func (s *Sink) SendText(ctx context.Context, userIDs []string, text string) error {
	if len(userIDs) == 0 {
		userIDs = s.opt.ToUsers
	}
	ctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	body := map[string]any{"touser": strings.Join(userIDs, "|"), "msgtype": "text", "agentid": s.opt.AgentID,
		"text": map[string]string{"content": robot.Truncate(text, maxContentBytes)}}
	for attempt := 0; ; attempt++ {
		token, err := s.accessToken(ctx)
		if err != nil {
			return err
		}
		resp, err := s.client.R().SetContext(ctx).SetQueryParam("access_token", token).
			SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body).
			Post(s.base + "/cgi-bin/message/send")
		if err != nil {
			return &notify.SendError{Sink: s.name, Retry: true, Err: s.redact.Err(fmt.Errorf("post message: %w", stripURL(err)))}
		}
		if err := notify.CheckStatus(s.name, resp.StatusCode(), resp.Body()); err != nil {
			return s.redact.SendError(err)
		}
		code, msg, err := s.envelope(resp.Body())
		if err != nil {
			return err
		}
		if tokenCodes[code] && attempt == 0 {
			s.forget(token)
			continue
		}
		if code != 0 {
			return &notify.SendError{Sink: s.name, Status: resp.StatusCode(), Retry: retryableCodes[code],
				Err: fmt.Errorf("errcode %d: %.200s", code, msg)}
		}
		return nil
	}
}

func (s *Sink) envelope(b []byte) (int, string, error) {
	var ans struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(b, &ans); err != nil || ans.ErrCode == nil {
		// A 2xx that is not WeCom's envelope comes from something in between.
		return 0, "", &notify.SendError{Sink: s.name, Retry: true, Err: fmt.Errorf("decode answer %.200q", b)}
	}
	return *ans.ErrCode, ans.ErrMsg, nil
}

// accessToken returns the cached token or fetches one, kept until five minutes before
// it expires.
func (s *Sink) accessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.opt.Now().Before(s.expires) {
		return s.token, nil
	}
	resp, err := s.client.R().SetContext(ctx).
		SetQueryParams(map[string]string{"corpid": s.opt.CorpID, "corpsecret": s.opt.Secret}).
		Get(s.base + "/cgi-bin/gettoken")
	if err != nil {
		return "", &notify.SendError{Sink: s.name, Retry: true, Err: s.redact.Err(fmt.Errorf("get token: %w", stripURL(err)))}
	}
	if err := notify.CheckStatus(s.name, resp.StatusCode(), resp.Body()); err != nil {
		return "", s.redact.SendError(err)
	}
	code, msg, err := s.envelope(resp.Body())
	if err != nil {
		return "", err
	}
	if code != 0 {
		// A wrong corp id or secret: no retry cures it.
		return "", &notify.SendError{Sink: s.name, Retry: retryableCodes[code], Err: fmt.Errorf("get token: errcode %d: %.200s", code, msg)}
	}
	var ans struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(resp.Body(), &ans); err != nil || ans.AccessToken == "" {
		return "", &notify.SendError{Sink: s.name, Retry: true, Err: errors.New("get token: answer has no access_token")}
	}
	life := time.Duration(ans.ExpiresIn) * time.Second
	s.token, s.expires = ans.AccessToken, s.opt.Now().Add(max(life-5*time.Minute, life/2))
	return s.token, nil
}

func (s *Sink) forget(token string) {
	s.mu.Lock()
	if s.token == token {
		s.token = ""
	}
	s.mu.Unlock()
}

// stripURL drops the *url.Error layer, whose text is the request URL with the token.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
