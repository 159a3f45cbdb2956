// Package taobao is the 淘宝/天猫 TOP adapter: signed calls to the router/rest gateway for
// trades and refunds, and a pull-based helper over the TMC message queue.
//
// API facts come from /work/shared/PLATFORMS.md (gateway, signing, refund fields) and the
// TOP error-code table; what is marked unverified is a best reading of public pages.
package taobao

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aftersale/aftersale/vocab"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

// Name is the platform's config name.
const Name = "taobao"

// DefaultBaseURL is the TOP gateway.
const DefaultBaseURL = "https://eco.taobao.com/router/rest"

// Sign methods TOP accepts.
const (
	SignMD5        = "md5"
	SignHMAC       = "hmac" // HMAC-MD5
	SignHMACSHA256 = "hmac-sha256"
)

// timeLayout is TOP's time format; times are Beijing time (GMT+8).
const timeLayout = "2006-01-02 15:04:05"

// Options configures a Client. AppKey, AppSecret and AccessToken are required.
type Options struct {
	BaseURL     string // default DefaultBaseURL
	AppKey      string
	AppSecret   string
	AccessToken string        // the shop's session key, sent as "session"
	SignMethod  string        // SignHMACSHA256 (default), SignHMAC or SignMD5
	Timeout     time.Duration // per attempt, default 10s
	Retries     int           // default 2; negative means none
	RetryWait   time.Duration // first backoff, default 300ms
	Now         func() time.Time
	HTTPClient  *http.Client
	// TMCGroup is the TMC user group to consume from; default "default".
	TMCGroup string
	// RefuseReasonID is sent as refuse_reason_id with taobao.refund.refuse when non-zero
	// (the reason list is per refund; unverified).
	RefuseReasonID int64
}

// Client calls TOP for one shop. It implements adapters.Platform.
type Client struct {
	o    Options
	rest *resty.Client
	red  *adapters.Redactor // the app secret and the session key, in every encoding
}

var _ adapters.Platform = (*Client)(nil)

// New checks o, fills defaults and returns a client.
func New(o Options) (*Client, error) {
	if err := adapters.RequireOptions("taobao", adapters.Option{Name: "AppKey", Value: o.AppKey}, adapters.Option{Name: "AppSecret", Value: o.AppSecret}, adapters.Option{Name: "AccessToken", Value: o.AccessToken}); err != nil {
		return nil, err
	}
	method, err := adapters.SignMethod("taobao", o.SignMethod, SignHMACSHA256, SignMD5, SignHMAC)
	if err != nil {
		return nil, err
	}
	o.SignMethod = method
	o.BaseURL = adapters.BaseURL(o.BaseURL, DefaultBaseURL)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TMCGroup == "" {
		o.TMCGroup = "default"
	}
	rest := adapters.NewREST(adapters.RESTOptions{Timeout: o.Timeout, Retries: o.Retries, RetryWait: o.RetryWait, HTTPClient: o.HTTPClient})
	return &Client{o: o, rest: rest, red: adapters.NewRedactor(o.AppSecret, o.AccessToken)}, nil
}

// Name returns "taobao".
func (c *Client) Name() string { return Name }

// Sign computes TOP's signature over every parameter but sign: sorted by key and
// concatenated key1value1key2value2…; md5 wraps that in the secret on both sides, hmac
// and hmac-sha256 key it with the secret. Uppercase hex.
func Sign(params map[string]string, secret, signMethod string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(params[k])
	}
	var sum []byte
	switch signMethod {
	case SignHMAC:
		m := hmac.New(md5.New, []byte(secret))
		m.Write([]byte(b.String()))
		sum = m.Sum(nil)
	case SignHMACSHA256:
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(b.String()))
		sum = m.Sum(nil)
	default:
		s := md5.Sum([]byte(secret + b.String() + secret))
		sum = s[:]
	}
	return strings.ToUpper(hex.EncodeToString(sum))
}

type errorResponse struct {
	Code    int    `json:"code"`
	Msg     string `json:"msg"`
	SubCode string `json:"sub_code"`
	SubMsg  string `json:"sub_msg"`
}

// call signs and posts one API method as a form. withSession is false for app-level
// APIs (TMC) that take no shop session. The "<method>_response" object is decoded into out.
// Its errors carry no credential in any encoding, in the text or in the APIError's Code
// and Msg.
func (c *Client) call(ctx context.Context, method string, params map[string]string, withSession bool, out any) error {
	return c.red.Error(c.do(ctx, method, params, withSession, out))
}

func (c *Client) do(ctx context.Context, method string, params map[string]string, withSession bool, out any) error {
	all := map[string]string{
		"method":      method,
		"app_key":     c.o.AppKey,
		"timestamp":   c.o.Now().In(vocab.China).Format(timeLayout),
		"format":      "json",
		"v":           "2.0",
		"sign_method": c.o.SignMethod,
	}
	if withSession {
		all["session"] = c.o.AccessToken
	}
	for k, v := range params {
		all[k] = v
	}
	all["sign"] = Sign(all, c.o.AppSecret, c.o.SignMethod)
	resp, err := c.rest.R().SetContext(ctx).SetFormData(all).Post(c.o.BaseURL)
	if err := adapters.CheckHTTP(Name, method, resp, err); err != nil {
		return err
	}
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(resp.Body()))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return &adapters.APIError{Platform: Name, Op: method, Code: "bad_response", Msg: "answer is not JSON", Retryable: true}
	}
	if raw, ok := top["error_response"]; ok {
		var e errorResponse
		_ = json.Unmarshal(raw, &e)
		return c.apiError(method, e)
	}
	key := strings.ReplaceAll(strings.TrimPrefix(method, "taobao."), ".", "_") + "_response"
	raw, ok := top[key]
	if !ok {
		return &adapters.APIError{Platform: Name, Op: method, Code: "bad_response", Msg: "no " + key}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &adapters.APIError{Platform: Name, Op: method, Code: "bad_response", Msg: "decode " + key + ": " + err.Error()}
	}
	return nil
}

func (c *Client) apiError(op string, r errorResponse) *adapters.APIError {
	msg := r.Msg
	if r.SubCode != "" || r.SubMsg != "" {
		msg = strings.TrimSpace(msg + " (" + r.SubCode + " " + r.SubMsg + ")")
	}
	e := &adapters.APIError{Platform: Name, Op: op, Code: strconv.Itoa(r.Code), Msg: msg}
	if r.SubCode != "" {
		e.Code += "/" + r.SubCode
	}
	switch r.Code {
	case 26, 27: // Missing Session, Invalid Session: expired or revoked authorisation
		e.Reauth = true
	case 7, 8, 10: // call limits, service unavailable
		e.Retryable = true
	}
	sub := strings.ToLower(r.SubCode)
	if strings.Contains(sub, "session") {
		e.Reauth = true
	}
	// isp.* sub-codes are server-side faults that the docs say to retry later.
	if strings.HasPrefix(sub, "isp.") && !e.Reauth {
		e.Retryable = true
	}
	return c.red.APIError(e)
}

func (c *Client) redact(s string) string { return c.red.Redact(s) }

// isNotFound reports a business error saying the trade or refund does not exist: TOP's
// sub-codes for it end in "not-exist" (isv.trade-not-exist; others unverified).
func isNotFound(err error) bool {
	var ae *adapters.APIError
	if !errors.As(err, &ae) || ae.Reauth || ae.Retryable {
		return false
	}
	lc := strings.ToLower(ae.Code + " " + ae.Msg)
	return strings.Contains(lc, "not-exist") || strings.Contains(lc, "not_exist") || strings.Contains(ae.Msg, "不存在")
}

// flexID accepts an id sent as a JSON string or number; trade ids reach 19 digits,
// beyond float64.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexID(n.String())
	return nil
}

// parseTime reads a TOP time (Beijing time); empty or malformed gives zero.
func parseTime(s string) time.Time {
	t, err := time.ParseInLocation(timeLayout, s, vocab.China)
	if err != nil {
		return time.Time{}
	}
	return t
}

// yuanToFen converts a TOP money string ("129.00", "0.5") to fen without floats. Only
// plain digits are taken: strconv alone would read "-0.50" as 50 fen and "1.+5" as 105,
// and a whole part past what int64 fen can hold would wrap around.
func yuanToFen(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	bad := fmt.Errorf("money %q: want yuan with at most 2 decimals", s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || !allDigits(whole) || !allDigits(frac) {
		return 0, bad
	}
	frac += strings.Repeat("0", 2-len(frac))
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > (math.MaxInt64-99)/100 {
		return 0, bad
	}
	f, _ := strconv.ParseInt(frac, 10, 64) // two digits, checked above
	return y*100 + f, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// The adapters.Platform methods and the TMC calls: each error passes the redactor once
// more, whatever built it, so no credential reaches a log or a stored error in any
// encoding.

// Order reads taobao.trade.fullinfo.get; orderID is the trade id (tid).
func (c *Client) Order(ctx context.Context, orderID string) (adapters.Order, error) {
	o, err := c.order(ctx, orderID)
	return o, c.red.Error(err)
}

// OpenCase finds the buyer's refund for the trade.
func (c *Client) OpenCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	ref, err := c.openCase(ctx, req)
	return ref, c.red.Error(err)
}

// CaseStatus reads taobao.refund.get.
func (c *Client) CaseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	st, err := c.caseStatus(ctx, ref)
	return st, c.red.Error(err)
}

// Resolve agrees or refuses the refund.
func (c *Client) Resolve(ctx context.Context, ref adapters.CaseRef, dec adapters.Decision) error {
	return c.red.Error(c.resolve(ctx, ref, dec))
}
