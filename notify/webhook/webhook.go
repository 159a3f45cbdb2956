// Package webhook posts merchant alerts as JSON to a URL of the merchant's choosing.
//
// The request is
//
//	POST <URL>
//	Content-Type: application/json
//	Idempotency-Key: <alert id>
//	X-Aftersale-Timestamp: <unix seconds>                       (when a secret is set)
//	X-Aftersale-Signature: hex(HMAC-SHA256(secret, timestamp + "." + body))  (idem)
//
//	{"id":12,"shop":"…","case_id":"A12","intent":"refund","order_id":"…","buyer":"…",
//	 "deadline":"2026-11-28T18:00:00+08:00","level":"urgent","text":"…","repeat":false}
//
// Field names are a contract with receivers and do not change. deadline is RFC 3339 or ""
// when the case has none; level is "info", "warn" or "urgent"; repeat is true for a resend
// after a crash. A receiver verifies the signature over the raw body bytes, rejects stale
// timestamps, and dedupes on Idempotency-Key, since delivery is at-least-once. Any 2xx
// answer is success; the answer's body is ignored.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/notify/internal/robot"
)

// DefaultTimeout bounds one send when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Header names of the request.
const (
	HeaderTimestamp   = "X-Aftersale-Timestamp"
	HeaderSignature   = "X-Aftersale-Signature"
	HeaderIdempotency = "Idempotency-Key"
)

// Options configures a Sink.
type Options struct {
	// Name labels the sink in errors and logs; default "webhook".
	Name string
	// URL receives the alerts. Required. Treated as a secret, since receivers often put a
	// token in its path or query.
	URL string
	// Secret signs each request; empty sends unsigned requests. A secret.
	Secret string
	// Timeout bounds one send; default DefaultTimeout.
	Timeout time.Duration
	// Now reads the clock for the timestamp header; default time.Now.
	Now func() time.Time
	// HTTPClient is used for the request (copied, never modified); default a new client.
	HTTPClient *http.Client
}

// Sink posts alerts to one URL.
type Sink struct {
	name    string
	url     string
	secret  string
	timeout time.Duration
	now     func() time.Time
	client  *resty.Client
	redact  robot.Redactor
}

// New validates o and returns a Sink.
func New(o Options) (*Sink, error) {
	if o.Name == "" {
		o.Name = "webhook"
	}
	if o.URL == "" {
		return nil, errors.New("webhook: url is empty")
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The URL may hold a token: say what is wrong without repeating it.
		return nil, errors.New("webhook: url is not an absolute http(s) URL")
	}
	if o.Timeout < 0 {
		return nil, fmt.Errorf("webhook: timeout %v is negative", o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// Longest first, so the whole URL goes before its parts.
	secrets := robot.Redactor{o.URL, o.Secret, u.RawQuery}
	if u.Path != "/" {
		secrets = append(secrets, u.Path)
	}
	if pw, ok := u.User.Password(); ok {
		secrets = append(secrets, pw)
	}
	return &Sink{
		name:    o.Name,
		url:     o.URL,
		secret:  o.Secret,
		timeout: o.Timeout,
		now:     o.Now,
		client:  robot.NewClient(o.HTTPClient),
		redact:  secrets,
	}, nil
}

// Name returns the sink's label.
func (s *Sink) Name() string { return s.name }

// Payload is the JSON body of a webhook request; see the package doc for the contract.
type Payload struct {
	ID       int64  `json:"id"`
	Shop     string `json:"shop"`
	CaseID   string `json:"case_id"`
	Intent   string `json:"intent"`
	OrderID  string `json:"order_id"`
	Buyer    string `json:"buyer"`
	Deadline string `json:"deadline"`
	Level    string `json:"level"`
	Text     string `json:"text"`
	Repeat   bool   `json:"repeat"`
}

// NewPayload converts an alert to its wire form.
func NewPayload(a notify.Alert) Payload {
	p := Payload{
		ID: a.ID, Shop: a.Shop, CaseID: a.CaseID, Intent: a.Intent, OrderID: a.OrderID,
		Buyer: a.Buyer, Level: LevelName(a.Level), Text: a.Text, Repeat: a.Repeat,
	}
	if !a.Deadline.IsZero() {
		p.Deadline = a.Deadline.Format(time.RFC3339)
	}
	return p
}

// LevelName is the wire name of a level; unknown levels above urgent count as urgent.
func LevelName(l notify.Level) string {
	switch {
	case l <= notify.LevelInfo:
		return "info"
	case l == notify.LevelWarn:
		return "warn"
	default:
		return "urgent"
	}
}

// Sign returns the hex signature a receiver should find in X-Aftersale-Signature.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Send posts the alert. The text goes as data: the receiver decides how to show it.
func (s *Sink) Send(ctx context.Context, a notify.Alert) error {
	body, err := json.Marshal(NewPayload(a))
	if err != nil {
		return &notify.SendError{Sink: s.name, Err: fmt.Errorf("encode alert %d: %w", a.ID, err)}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req := s.client.R().
		SetContext(ctx).
		SetHeader("Content-Type", "application/json; charset=utf-8").
		SetHeader(HeaderIdempotency, strconv.FormatInt(a.ID, 10)).
		SetBody(body)
	if s.secret != "" {
		ts := strconv.FormatInt(s.now().Unix(), 10)
		req.SetHeader(HeaderTimestamp, ts).SetHeader(HeaderSignature, Sign(s.secret, ts, body))
	}
	resp, err := req.Post(s.url)
	if err != nil {
		// No answer: the alert may or may not have arrived; at-least-once says retry.
		return &notify.SendError{Sink: s.name, Retry: true, Err: s.redact.Err(fmt.Errorf("post alert %d: %w", a.ID, err))}
	}
	if err := notify.CheckStatus(s.name, resp.StatusCode(), resp.Body()); err != nil {
		return s.redact.SendError(err)
	}
	return nil
}
