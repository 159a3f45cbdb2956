// Package wecomapp sends merchant alerts as WeCom application messages (企业微信 应用消息,
// POST /cgi-bin/message/send) to members by userid: the merchant gets them in the WeCom
// app beside the 微信客服 sessions, one by one rather than in a group.
//
// The application's secret (应用管理 → the app → Secret) fetches its own access token
// (GET /cgi-bin/gettoken, about 7200 s); it is a secret and never appears in an error.
package wecomapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/internal/wecomapi"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/internal/robot"
)

// DefaultBaseURL is the WeCom API host.
const DefaultBaseURL = wecomapi.DefaultBaseURL

// DefaultTimeout bounds one send when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// maxContentBytes is the application text message's limit (应用消息 text: 2048 bytes).
const maxContentBytes = 2048

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
	name   string
	opt    Options
	api    *wecomapi.Client
	redact robot.Redactor
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
	s := &Sink{name: o.Name, opt: o, redact: robot.Redactor{o.Secret}}
	// No retries inside the client, as before the client was shared: the SendError's
	// verdict tells the caller whether to try again, and Timeout bounds the whole send.
	s.api = wecomapi.New(wecomapi.Options{BaseURL: o.BaseURL, CorpID: o.CorpID, Secret: o.Secret,
		REST: adapters.RESTOptions{Timeout: o.Timeout, Retries: -1, HTTPClient: o.HTTPClient}, Now: o.Now,
		CheckHTTP: s.checkHTTP})
	return s, nil
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
	// WeCom's envelope always has errcode; an answer without one came from something
	// in between, and WeCom may never have seen the message.
	var ans struct {
		ErrCode *int `json:"errcode"`
	}
	err := s.api.Post(ctx, "message/send", body, &ans)
	if err == nil && ans.ErrCode == nil {
		err = errors.New("answer has no errcode")
	}
	return s.sendError(err)
}

// checkHTTP is the WeCom client's verdict on a transport failure (retried) or a non-2xx
// answer (notify.CheckStatus), with the secret and the token kept out of the text.
func (s *Sink) checkHTTP(op string, r *resty.Response, err error) error {
	if err != nil {
		what := "post message"
		if op == wecomapi.OpGetToken {
			what = "get token"
		}
		return &notify.SendError{Sink: s.name, Retry: true, Err: s.redact.Err(fmt.Errorf("%s: %w", what, stripURL(err)))}
	}
	return s.redact.SendError(notify.CheckStatus(s.name, r.StatusCode(), r.Body()))
}

// sendError turns the WeCom client's error into a *notify.SendError: checkHTTP's pass
// through; an errcode is retried when WeCom calls it transient (-1 busy, 45009, 45033;
// a wrong corp id or secret at gettoken is not); an answer that is not WeCom's is.
func (s *Sink) sendError(err error) error {
	var se *notify.SendError
	var ae *wecomapi.APIError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return err
	case errors.As(err, &ae) && ae.Op == wecomapi.OpGetToken:
		return &notify.SendError{Sink: s.name, Retry: ae.Retries, Err: fmt.Errorf("get token: errcode %d: %s", ae.Code, ae.Msg)}
	case errors.As(err, &ae):
		// WeCom answers an errcode with HTTP 200; a non-2xx never gets here (checkHTTP).
		return &notify.SendError{Sink: s.name, Status: http.StatusOK, Retry: ae.Retries, Err: fmt.Errorf("errcode %d: %s", ae.Code, ae.Msg)}
	}
	return &notify.SendError{Sink: s.name, Retry: true, Err: s.redact.Err(err)}
}

// stripURL drops the *url.Error layer, whose text is the request URL with the token.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
