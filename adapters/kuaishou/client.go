// Package kuaishou is the 快手小店 open-platform adapter: signed calls to
// openapi.kwaixiaodian.com for orders and refunds (售后单), and the encrypted push intake.
//
// API facts come from /work/shared/PLATFORMS.md and the official demo's SignUtils; the
// error codes for an expired token and the action parameters are not published in a
// form we could check and are marked unverified where used.
package kuaishou

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

// Name is the platform's config name.
const Name = "kuaishou"

// DefaultBaseURL is the 快手 open-platform gateway.
const DefaultBaseURL = "https://openapi.kwaixiaodian.com"

// Sign methods the gateway accepts; HMAC_SHA256 is the one the platform recommends.
const (
	SignHMACSHA256 = "HMAC_SHA256"
	SignMD5        = "MD5"
)

// Options configures a Client. AppKey, SignSecret and AccessToken are required.
type Options struct {
	BaseURL     string // default DefaultBaseURL
	AppKey      string
	SignSecret  string // the app's signSecret (not the appSecret used for OAuth)
	AccessToken string
	SignMethod  string        // SignHMACSHA256 (default) or SignMD5
	Timeout     time.Duration // per attempt, default 10s
	Retries     int           // default 2; negative means none
	RetryWait   time.Duration // first backoff, default 300ms
	Now         func() time.Time
	HTTPClient  *http.Client
	// ReauthCodes are result codes meaning the access token expired or was revoked. The
	// platform's table is not public in a checkable form (unverified); messages naming
	// the access token as expired or invalid are recognised regardless.
	ReauthCodes []int
	// RefuseReasonCode is sent as sellerDisagreeReason when refusing (unverified list).
	RefuseReasonCode int
}

// Client calls the 快手 open platform for one shop. It implements adapters.Platform.
type Client struct {
	o    Options
	rest *resty.Client
	red  *adapters.Redactor // the sign secret and the access token, in every encoding
}

var _ adapters.Platform = (*Client)(nil)

// New checks o, fills defaults and returns a client.
func New(o Options) (*Client, error) {
	if err := adapters.RequireOptions("kuaishou", adapters.Option{Name: "AppKey", Value: o.AppKey}, adapters.Option{Name: "SignSecret", Value: o.SignSecret}, adapters.Option{Name: "AccessToken", Value: o.AccessToken}); err != nil {
		return nil, err
	}
	method, err := adapters.SignMethod("kuaishou", o.SignMethod, SignHMACSHA256, SignMD5)
	if err != nil {
		return nil, err
	}
	o.SignMethod = method
	o.BaseURL = adapters.BaseURL(o.BaseURL, DefaultBaseURL)
	if o.Now == nil {
		o.Now = time.Now
	}
	rest := adapters.NewREST(adapters.RESTOptions{Timeout: o.Timeout, Retries: o.Retries, RetryWait: o.RetryWait, HTTPClient: o.HTTPClient})
	return &Client{o: o, rest: rest, red: adapters.NewRedactor(o.SignSecret, o.AccessToken)}, nil
}

// Name returns "kuaishou".
func (c *Client) Name() string { return Name }

// Sign signs the request fields (access_token, appkey, method, param, signMethod,
// timestamp, version): sorted by key, joined k=v with "&", then "&signSecret=" + secret
// appended. HMAC_SHA256 is keyed by the secret and Base64-encoded; MD5 is lowercase hex.
func Sign(fields map[string]string, signSecret, signMethod string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + fields[k])
	}
	b.WriteString("&signSecret=" + signSecret)
	if signMethod == SignMD5 {
		sum := md5.Sum([]byte(b.String()))
		return hex.EncodeToString(sum[:])
	}
	m := hmac.New(sha256.New, []byte(signSecret))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

type envelope struct {
	Result   int             `json:"result"`
	ErrorMsg string          `json:"error_msg"`
	Code     string          `json:"code"`
	SubCode  string          `json:"sub_code"`
	SubMsg   string          `json:"sub_msg"`
	Data     json.RawMessage `json:"data"`
}

// call signs and posts one API method, e.g. "open.order.detail": the signed fields go in
// the query string, param in the form body. Its errors carry no credential in any
// encoding, in the text or in the APIError's Code and Msg.
func (c *Client) call(ctx context.Context, method string, param any, out any) error {
	return c.red.Error(c.do(ctx, method, param, out))
}

func (c *Client) do(ctx context.Context, method string, param any, out any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(param); err != nil {
		return fmt.Errorf("kuaishou %s: encode params: %w", method, err)
	}
	pj := strings.TrimRight(buf.String(), "\n")
	fields := map[string]string{
		"access_token": c.o.AccessToken,
		"appkey":       c.o.AppKey,
		"method":       method,
		"param":        pj,
		"signMethod":   c.o.SignMethod,
		"timestamp":    strconv.FormatInt(c.o.Now().UnixMilli(), 10),
		"version":      "1",
	}
	sign := Sign(fields, c.o.SignSecret, c.o.SignMethod)
	delete(fields, "param")
	fields["sign"] = sign
	resp, err := c.rest.R().
		SetContext(ctx).
		SetQueryParams(fields).
		SetFormData(map[string]string{"param": pj}).
		Post(c.o.BaseURL + "/" + strings.ReplaceAll(method, ".", "/"))
	if err := adapters.CheckHTTP(Name, method, resp, err); err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(resp.Body(), &env); err != nil {
		return &adapters.APIError{Platform: Name, Op: method, Code: "bad_response", Msg: "answer is not the JSON envelope", Retryable: true}
	}
	if env.Result != 1 {
		return c.apiError(method, env)
	}
	if out == nil || len(env.Data) == 0 || string(env.Data) == "null" {
		return nil
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return &adapters.APIError{Platform: Name, Op: method, Code: "bad_response", Msg: "data: " + err.Error()}
	}
	return nil
}

func (c *Client) apiError(op string, env envelope) *adapters.APIError {
	msg := env.ErrorMsg
	if env.SubCode != "" || env.SubMsg != "" {
		msg = strings.TrimSpace(msg + " (" + env.SubCode + " " + env.SubMsg + ")")
	}
	e := &adapters.APIError{Platform: Name, Op: op, Code: strconv.Itoa(env.Result), Msg: msg}
	if env.Code != "" {
		e.Code += "/" + env.Code
	}
	for _, code := range c.o.ReauthCodes {
		if env.Result == code {
			e.Reauth = true
		}
	}
	lower := strings.ToLower(msg)
	if strings.Contains(lower, "token") && containsAny(lower, "过期", "失效", "无效", "expire", "invalid") {
		e.Reauth = true
	}
	// Rate limits and busy backends are worth a later retry (message-based; unverified).
	if !e.Reauth && containsAny(lower, "限流", "频繁", "繁忙", "稍后", "rate limit", "too many") {
		e.Retryable = true
	}
	return c.red.APIError(e)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// isNotFound reports a business error saying the object does not exist (message-based,
// as the platform has no documented code for it).
func isNotFound(err error) bool {
	var ae *adapters.APIError
	if !errors.As(err, &ae) || ae.Reauth || ae.Retryable {
		return false
	}
	return strings.Contains(ae.Msg, "不存在") || strings.Contains(strings.ToLower(ae.Msg), "not exist")
}

// parseID turns a decimal id into the int64 the API expects. An id that is not a number
// cannot exist on the platform, so it maps to ErrNotFound without a call.
func parseID(kind, id string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("kuaishou %s %q is not a platform id: %w", kind, id, adapters.ErrNotFound)
	}
	return n, nil
}

func msTime(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// The adapters.Platform methods: each error passes the redactor once more, whatever
// built it, so no credential reaches a log or a stored error in any encoding.

// Order reads open.order.detail.
func (c *Client) Order(ctx context.Context, orderID string) (adapters.Order, error) {
	o, err := c.order(ctx, orderID)
	return o, c.red.Error(err)
}

// OpenCase finds the buyer's refund for the order.
func (c *Client) OpenCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	ref, err := c.openCase(ctx, req)
	return ref, c.red.Error(err)
}

// CaseStatus reads open.seller.order.refund.detail.
func (c *Client) CaseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	st, err := c.caseStatus(ctx, ref)
	return st, c.red.Error(err)
}

// Resolve approves or refuses the refund.
func (c *Client) Resolve(ctx context.Context, ref adapters.CaseRef, dec adapters.Decision) error {
	return c.red.Error(c.resolve(ctx, ref, dec))
}
