// Package feishu sends merchant alerts to a Feishu/Lark (飞书) custom group bot.
//
// The bot is addressed by the token at the end of its webhook URL
// (https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN). When the bot's security setting is
// 签名校验, the body carries timestamp (seconds, as a string) and
// sign = Base64(HMAC-SHA256(key = timestamp + "\n" + secret, msg = empty)), accepted within
// an hour of Feishu's clock. Token and secret are secrets: they never appear in an error.
package feishu

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

// DefaultBaseURL is the Feishu API host; Lark (international) bots use
// https://open.larksuite.com.
const DefaultBaseURL = "https://open.feishu.cn"

// DefaultTimeout bounds one send when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

const hookPath = "/open-apis/bot/v2/hook/"

// maxContentBytes keeps the request under Feishu's 20 KB body limit (code 9499 otherwise,
// which no retry would cure), leaving room for the envelope.
const maxContentBytes = 18000

// retryable reports the Feishu answers worth retrying: rate limits. A custom bot takes
// 100 messages a minute and 5 a second (Feishu 频控策略, open.feishu.cn
// server-docs/api-call-guide/frequency-control), and over that answers either 11232
// "frequency limited" (also under system pressure at the top of the hour), 99991400
// "request trigger frequency limit" (the Open Platform's rate-limit code), or HTTP 400
// {"code":9499,"msg":"too many request"} (reported in ccfos/nightingale#1437). 9499 is
// also Feishu's plain "Bad Request", so the message tells the two apart. Every other code
// is a request Feishu will keep refusing: 9499 bad request, 19021 sign mismatch, 19022 IP,
// 19024 keyword.
func retryable(code int, msg string) bool {
	switch code {
	case 11232, 99991400:
		return true
	case 9499:
		return strings.Contains(strings.ToLower(msg), "too many")
	}
	return false
}

// atTag matches the start of Feishu's mention markup, which the text message type parses
// even in text we mean as plain data.
var atTag = regexp.MustCompile(`(?i)<(/?at)`)

// Options configures a Sink.
type Options struct {
	// Name labels the sink in errors and logs; default "feishu".
	Name string
	// Token is the last path segment of the bot's webhook URL. Required; a secret.
	Token string
	// Secret is the 签名校验 secret; empty when the bot is secured otherwise. A secret.
	Secret string
	// Keyword is one of the bot's 自定义关键词 when it is secured by keywords: every alert
	// then contains it (as a leading 【Keyword】 when the text lacks it), since Feishu
	// refuses a message without one (code 19024 Key Words Not Found). Empty: unchanged text.
	Keyword string
	// MentionAll @-mentions everyone in the group on urgent alerts. Feishu mentions people
	// by user id, not phone number, so there is no MentionMobiles.
	MentionAll bool
	// Timeout bounds one send; default DefaultTimeout.
	Timeout time.Duration
	// Now reads the clock for the signature timestamp; default time.Now.
	Now func() time.Time
	// HTTPClient is used for the request (copied, never modified); default a new client.
	HTTPClient *http.Client
	// BaseURL replaces DefaultBaseURL, for tests and Lark.
	BaseURL string
}

// Sink posts alerts to one Feishu bot.
type Sink struct {
	name       string
	secret     string
	keyword    string
	mentionAll bool
	timeout    time.Duration
	now        func() time.Time
	endpoint   string
	client     *resty.Client
	redact     robot.Redactor
}

// New validates o and returns a Sink.
func New(o Options) (*Sink, error) {
	if o.Name == "" {
		o.Name = "feishu"
	}
	if strings.TrimSpace(o.Token) == "" {
		return nil, errors.New("feishu: token is empty")
	}
	if strings.ContainsAny(o.Token, " \t\r\n&?#/%") {
		return nil, errors.New("feishu: token contains characters a hook token never has")
	}
	if o.Secret != "" && strings.TrimSpace(o.Secret) != o.Secret {
		return nil, errors.New("feishu: secret has surrounding spaces")
	}
	if o.Keyword != strings.TrimSpace(o.Keyword) {
		return nil, errors.New("feishu: keyword has surrounding spaces")
	}
	if o.Timeout < 0 {
		return nil, fmt.Errorf("feishu: timeout %v is negative", o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("feishu: base url %q is not an http(s) URL", o.BaseURL)
	}
	return &Sink{
		name:       o.Name,
		secret:     o.Secret,
		keyword:    o.Keyword,
		mentionAll: o.MentionAll,
		timeout:    o.Timeout,
		now:        o.Now,
		endpoint:   strings.TrimRight(o.BaseURL, "/") + hookPath + o.Token,
		client:     robot.NewClient(o.HTTPClient),
		redact:     robot.Redactor{o.Token, o.Secret},
	}, nil
}

// Name returns the sink's label.
func (s *Sink) Name() string { return s.name }

type message struct {
	Timestamp string  `json:"timestamp,omitempty"`
	Sign      string  `json:"sign,omitempty"`
	MsgType   string  `json:"msg_type"`
	Content   content `json:"content"`
}

type content struct {
	Text string `json:"text"`
}

// answer covers both envelopes: code/msg, and the older StatusCode/StatusMessage that
// some bot endpoints still send alone.
type answer struct {
	Code          *int   `json:"code"`
	Msg           string `json:"msg"`
	StatusCode    *int   `json:"StatusCode"`
	StatusMessage string `json:"StatusMessage"`
}

// Sign returns the 签名校验 signature for a timestamp in seconds.
func Sign(secret string, timestamp int64) string {
	key := strconv.FormatInt(timestamp, 10) + "\n" + secret
	mac := hmac.New(sha256.New, []byte(key))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send posts the alert as a text message.
func (s *Sink) Send(ctx context.Context, a notify.Alert) error {
	if strings.TrimSpace(a.Text) == "" {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("alert %d has no text", a.ID)}
	}
	// Alert text quotes buyers; a buyer typing <at user_id="all"> must not ping the group.
	text := atTag.ReplaceAllString(robot.Render(a), "＜$1")
	if a.Level >= notify.LevelUrgent && s.mentionAll {
		text = `<at user_id="all">所有人</at> ` + text
	}
	mark := robot.KeywordMark(s.keyword)
	text = robot.Truncate(text, maxContentBytes)
	if !strings.Contains(text, s.keyword) {
		// Cut first, then add: a keyword the text had only past the cut is put back.
		text = robot.WithKeyword(robot.Truncate(text, maxContentBytes-len(mark)), s.keyword)
	}
	msg := message{MsgType: "text", Content: content{Text: text}}
	if s.secret != "" {
		ts := s.now().Unix()
		msg.Timestamp = strconv.FormatInt(ts, 10)
		msg.Sign = Sign(s.secret, ts)
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("encode message: %w", err)}
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	resp, err := s.client.R().
		SetContext(ctx).
		SetHeader("Content-Type", "application/json; charset=utf-8").
		SetBody(body).
		Post(s.endpoint)
	if err != nil {
		// No answer: the message may or may not have arrived; at-least-once says retry.
		return &notify.SendError{Sink: s.name, Retry: true, Err: s.redact.Err(fmt.Errorf("post message: %w", err))}
	}
	var ans answer
	var got robot.Answer
	if json.Unmarshal(resp.Body(), &ans) == nil {
		switch {
		case ans.Code != nil:
			got = robot.Answer{Found: true, Code: *ans.Code, Msg: ans.Msg}
		case ans.StatusCode != nil:
			got = robot.Answer{Found: true, Code: *ans.StatusCode, Msg: ans.StatusMessage}
		}
	}
	if err := robot.Verdict(s.name, resp.StatusCode(), resp.Body(), got, retryable); err != nil {
		return s.redact.SendError(err)
	}
	return nil
}
