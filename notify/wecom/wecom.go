// Package wecom sends merchant alerts to a WeCom (企业微信) group robot.
//
// The robot is addressed by the key in its webhook URL
// (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY). Anyone holding the key can
// post to the group, so the key is treated as a secret: it never appears in an error.
package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/internal/robot"
)

// DefaultBaseURL is the WeCom API host.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// DefaultTimeout bounds one send when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// sendPath is the robot endpoint below the base URL.
const sendPath = "/cgi-bin/webhook/send"

// maxContentBytes is WeCom's limit for a text message; a longer one is refused with
// errcode 40058, which no retry would cure, so the text is shortened instead.
const maxContentBytes = 2048

// WeCom errcodes worth retrying: -1 system busy, 45009 API frequency limit (群机器人配置说明:
// a robot takes 20 messages a minute), 45033 concurrent call limit, whatever the HTTP
// status (robot.Verdict), and retried on the worker's backoff.
var retryableCodes = map[int]bool{-1: true, 45009: true, 45033: true}

func retryable(code int, _ string) bool { return retryableCodes[code] }

var mobileRE = regexp.MustCompile(`^\+?[0-9]{5,20}$`)

// Options configures a Sink.
type Options struct {
	// Name labels the sink in errors and logs; default "wecom".
	Name string
	// Key is the robot's webhook key (the key= query parameter). Required; a secret.
	Key string
	// MentionMobiles are phone numbers @-mentioned on urgent alerts; "@all" mentions everyone.
	MentionMobiles []string
	// Timeout bounds one send; default DefaultTimeout.
	Timeout time.Duration
	// HTTPClient is used for the request (copied, never modified); default a new client.
	HTTPClient *http.Client
	// BaseURL replaces DefaultBaseURL, for tests.
	BaseURL string
}

// Sink posts alerts to one WeCom group robot.
type Sink struct {
	name     string
	key      string
	redact   robot.Redactor
	mentions []string
	timeout  time.Duration
	endpoint string
	client   *resty.Client
}

// New validates o and returns a Sink.
func New(o Options) (*Sink, error) {
	if o.Name == "" {
		o.Name = "wecom"
	}
	if strings.TrimSpace(o.Key) == "" {
		return nil, errors.New("wecom: key is empty")
	}
	if strings.ContainsAny(o.Key, " \t\r\n&?#/") {
		// The key lands in a query string; refuse rather than echo the bad value.
		return nil, errors.New("wecom: key contains characters a webhook key never has")
	}
	for i, m := range o.MentionMobiles {
		if m != "@all" && !mobileRE.MatchString(m) {
			return nil, fmt.Errorf("wecom: mention_mobiles[%d] is not a phone number", i)
		}
	}
	if o.Timeout < 0 {
		return nil, fmt.Errorf("wecom: timeout %v is negative", o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("wecom: base url %q is not an http(s) URL", o.BaseURL)
	}
	return &Sink{
		name:     o.Name,
		key:      o.Key,
		redact:   robot.Redactor{o.Key},
		mentions: append([]string(nil), o.MentionMobiles...),
		timeout:  o.Timeout,
		endpoint: strings.TrimRight(o.BaseURL, "/") + sendPath,
		client:   robot.NewClient(o.HTTPClient),
	}, nil
}

// Name returns the sink's label.
func (s *Sink) Name() string { return s.name }

type textMessage struct {
	MsgType string   `json:"msgtype"`
	Text    textBody `json:"text"`
}

type textBody struct {
	Content             string   `json:"content"`
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

type answer struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Send posts the alert as a text message. Text messages, not markdown, because only text
// messages carry mentioned_mobile_list, and plain text cannot be misread as markup.
func (s *Sink) Send(ctx context.Context, a notify.Alert) error {
	if strings.TrimSpace(a.Text) == "" {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("alert %d has no text", a.ID)}
	}
	msg := textMessage{MsgType: "text", Text: textBody{Content: robot.Truncate(robot.Render(a), maxContentBytes)}}
	if a.Level >= notify.LevelUrgent {
		msg.Text.MentionedMobileList = s.mentions
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("encode message: %w", err)}
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	resp, err := s.client.R().
		SetContext(ctx).
		SetQueryParam("key", s.key).
		SetHeader("Content-Type", "application/json; charset=utf-8").
		SetBody(body).
		Post(s.endpoint)
	if err != nil {
		// No answer: the message may or may not have arrived; at-least-once says retry.
		return &notify.SendError{Sink: s.name, Retry: true, Err: s.redact.Err(fmt.Errorf("post message: %w", err))}
	}
	var ans answer
	var got robot.Answer
	if json.Unmarshal(resp.Body(), &ans) == nil && ans.ErrCode != nil {
		got = robot.Answer{Found: true, Code: *ans.ErrCode, Msg: ans.ErrMsg}
	}
	if err := robot.Verdict(s.name, resp.StatusCode(), resp.Body(), got, retryable); err != nil {
		return s.redact.SendError(err)
	}
	return nil
}
