// Package dingtalk sends merchant alerts to a DingTalk (钉钉) custom group robot.
//
// The robot is addressed by the access_token in its webhook URL and, when the robot's
// security setting is 加签, every request carries timestamp and sign query parameters:
// sign = Base64(HMAC-SHA256(key = secret, msg = timestamp + "\n" + secret)), timestamp in
// milliseconds, accepted within an hour of DingTalk's clock. Token and secret are secrets:
// they never appear in an error.
package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/internal/robot"
)

// DefaultBaseURL is the DingTalk API host.
const DefaultBaseURL = "https://oapi.dingtalk.com"

// DefaultTimeout bounds one send when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

const sendPath = "/robot/send"

// maxContentBytes keeps a text message well under the robot's request size limit; a
// refused oversize message would never succeed on retry, so the text is shortened instead.
const maxContentBytes = 18000

// DingTalk errcodes worth retrying: -1 system busy; 130101 and 410100 "send too fast"
// (自定义机器人 消息发送频率限制: 20 messages a minute, then throttled for 10 minutes;
// answered as {"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}),
// whatever the HTTP status (robot.Verdict), and retried on the worker's backoff. 90030
// "webhook over limit" is a spent monthly quota and is not retried: hours of retries
// would only burn the outbox's attempts.
var retryableCodes = map[int]bool{-1: true, 130101: true, 410100: true}

func retryable(code int, _ string) bool { return retryableCodes[code] }

var mobileRE = regexp.MustCompile(`^\+?[0-9]{5,20}$`)

// Options configures a Sink.
type Options struct {
	// Name labels the sink in errors and logs; default "dingtalk".
	Name string
	// Token is the robot's access_token. Required; a secret.
	Token string
	// Secret is the 加签 secret (starts with "SEC"); empty when the robot is secured by
	// keywords or IP list instead. A secret.
	Secret string
	// Keyword is one of the robot's 自定义关键词 when it is secured by keywords: every alert
	// then contains it (as a leading 【Keyword】 when the text lacks it), since DingTalk
	// refuses a message without one (errcode 310000 关键词不匹配). Empty: unchanged text.
	Keyword string
	// MentionMobiles are phone numbers @-mentioned on urgent alerts; "@all" mentions everyone.
	MentionMobiles []string
	// Timeout bounds one send; default DefaultTimeout.
	Timeout time.Duration
	// Now reads the clock for the signature timestamp; default time.Now.
	Now func() time.Time
	// HTTPClient is used for the request (copied, never modified); default a new client.
	HTTPClient *http.Client
	// BaseURL replaces DefaultBaseURL, for tests.
	BaseURL string
}

// Sink posts alerts to one DingTalk robot.
type Sink struct {
	name     string
	token    string
	secret   string
	keyword  string
	mobiles  []string
	atAll    bool
	timeout  time.Duration
	now      func() time.Time
	endpoint string
	client   *resty.Client
	redact   robot.Redactor
}

// New validates o and returns a Sink.
func New(o Options) (*Sink, error) {
	if o.Name == "" {
		o.Name = "dingtalk"
	}
	if strings.TrimSpace(o.Token) == "" {
		return nil, errors.New("dingtalk: token is empty")
	}
	if strings.ContainsAny(o.Token, " \t\r\n&?#/") {
		return nil, errors.New("dingtalk: token contains characters an access token never has")
	}
	if o.Secret != "" && strings.TrimSpace(o.Secret) != o.Secret {
		return nil, errors.New("dingtalk: secret has surrounding spaces")
	}
	if o.Keyword != strings.TrimSpace(o.Keyword) {
		return nil, errors.New("dingtalk: keyword has surrounding spaces")
	}
	s := &Sink{name: o.Name, token: o.Token, secret: o.Secret, keyword: o.Keyword, now: o.Now}
	for i, m := range o.MentionMobiles {
		switch {
		case m == "@all":
			s.atAll = true
		case mobileRE.MatchString(m):
			s.mobiles = append(s.mobiles, m)
		default:
			return nil, fmt.Errorf("dingtalk: mention_mobiles[%d] is not a phone number", i)
		}
	}
	if o.Timeout < 0 {
		return nil, fmt.Errorf("dingtalk: timeout %v is negative", o.Timeout)
	}
	s.timeout = o.Timeout
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dingtalk: base url %q is not an http(s) URL", o.BaseURL)
	}
	s.endpoint = strings.TrimRight(o.BaseURL, "/") + sendPath
	s.client = robot.NewClient(o.HTTPClient)
	s.redact = robot.Redactor{o.Token, o.Secret}
	return s, nil
}

// Name returns the sink's label.
func (s *Sink) Name() string { return s.name }

type message struct {
	MsgType string   `json:"msgtype"`
	Text    textBody `json:"text"`
	At      *at      `json:"at,omitempty"`
}

type textBody struct {
	Content string `json:"content"`
}

type at struct {
	AtMobiles []string `json:"atMobiles,omitempty"`
	IsAtAll   bool     `json:"isAtAll"`
}

type answer struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Sign returns the 加签 signature for a millisecond timestamp, before URL encoding.
func Sign(secret string, timestampMS int64) string {
	ts := strconv.FormatInt(timestampMS, 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// withKeyword cuts text to n bytes with the keyword in them: the cut comes first, so a
// keyword the text had only past the cut is put back in front.
func (s *Sink) withKeyword(text string, n int) string {
	mark := robot.KeywordMark(s.keyword)
	text = robot.Truncate(text, n)
	if s.keyword == "" || strings.Contains(text, s.keyword) {
		return text
	}
	return robot.WithKeyword(robot.Truncate(text, n-len(mark)), s.keyword)
}

// Send posts the alert as a text message; urgent alerts @-mention the configured phones.
func (s *Sink) Send(ctx context.Context, a notify.Alert) error {
	if strings.TrimSpace(a.Text) == "" {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("alert %d has no text", a.ID)}
	}
	content := robot.Render(a)
	msg := message{MsgType: "text"}
	if a.Level >= notify.LevelUrgent && (len(s.mobiles) > 0 || s.atAll) {
		msg.At = &at{AtMobiles: s.mobiles, IsAtAll: s.atAll}
		// DingTalk shows a mention only where "@phone" appears in the text itself.
		var tail strings.Builder
		for _, m := range s.mobiles {
			tail.WriteString(" @" + m)
		}
		content = s.withKeyword(content, maxContentBytes-tail.Len()) + tail.String()
	} else {
		content = s.withKeyword(content, maxContentBytes)
	}
	msg.Text.Content = content
	body, err := json.Marshal(msg)
	if err != nil {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("encode message: %w", err)}
	}

	params := map[string]string{"access_token": s.token}
	if s.secret != "" {
		ts := s.now().UnixMilli()
		params["timestamp"] = strconv.FormatInt(ts, 10)
		params["sign"] = Sign(s.secret, ts) // resty URL-encodes it, as DingTalk requires
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	resp, err := s.client.R().
		SetContext(ctx).
		SetQueryParams(params).
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
