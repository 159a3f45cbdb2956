// Package douyin is the 抖店 (Douyin shop) open-platform adapter: signed calls to
// openapi-fxg.jinritemai.com for orders and after-sales, and the push (消息推送) intake.
//
// API facts come from /work/shared/PLATFORMS.md (signing, after-sale fields, push). What
// is marked unverified below is a best reading of public SDKs, kept in one place so a
// sandbox run can correct it.
package douyin

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
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

// Name is the platform's config name.
const Name = "douyin"

// DefaultBaseURL is the 抖店 open-platform gateway.
const DefaultBaseURL = "https://openapi-fxg.jinritemai.com"

// Sign methods the gateway accepts.
const (
	SignHMACSHA256 = "hmac-sha256"
	SignMD5        = "md5"
)

// codeOK is the envelope code of a successful call.
const codeOK = 10000

// Options configures a Client. AppKey, AppSecret and AccessToken are required.
type Options struct {
	BaseURL     string // default DefaultBaseURL
	AppKey      string
	AppSecret   string
	AccessToken string        // the shop's authorisation; refreshed outside this package
	SignMethod  string        // SignHMACSHA256 (default) or SignMD5
	Timeout     time.Duration // per attempt, default 10s
	Retries     int           // default 2; negative means none
	RetryWait   time.Duration // first backoff, default 300ms
	Now         func() time.Time
	HTTPClient  *http.Client
	// RejectReasonCode is sent as reject_reason_code when refusing an after-sale. The code
	// list is per category on the platform (unverified); 0 leaves the field out.
	RejectReasonCode int64
}

// Client calls the 抖店 open platform for one shop. It implements adapters.Platform.
type Client struct {
	o    Options
	rest *resty.Client
	red  *adapters.Redactor // the app secret and the access token, in every encoding
}

var _ adapters.Platform = (*Client)(nil)

// New checks o, fills defaults and returns a client.
func New(o Options) (*Client, error) {
	if err := adapters.RequireOptions("douyin", adapters.Option{Name: "AppKey", Value: o.AppKey}, adapters.Option{Name: "AppSecret", Value: o.AppSecret}, adapters.Option{Name: "AccessToken", Value: o.AccessToken}); err != nil {
		return nil, err
	}
	method, err := adapters.SignMethod("douyin", o.SignMethod, SignHMACSHA256, SignMD5)
	if err != nil {
		return nil, err
	}
	o.SignMethod = method
	o.BaseURL = adapters.BaseURL(o.BaseURL, DefaultBaseURL)
	if o.Now == nil {
		o.Now = time.Now
	}
	rest := adapters.NewREST(adapters.RESTOptions{Timeout: o.Timeout, Retries: o.Retries, RetryWait: o.RetryWait, HTTPClient: o.HTTPClient})
	return &Client{o: o, rest: rest, red: adapters.NewRedactor(o.AppSecret, o.AccessToken)}, nil
}

// Name returns "douyin".
func (c *Client) Name() string { return Name }

// ParamJSON encodes v the way the gateway signs it: keys sorted at every level and no
// HTML escaping, so "<" or "&" in a remark do not change the signature. nil gives "{}".
func ParamJSON(v any) (string, error) {
	if v == nil {
		return "{}", nil
	}
	first, err := encodeNoEscape(v)
	if err != nil {
		return "", err
	}
	// A round trip through map[string]any sorts struct fields too; UseNumber keeps
	// 19-digit ids exact.
	dec := json.NewDecoder(bytes.NewReader(first))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return "", err
	}
	out, err := encodeNoEscape(generic)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

func encodeNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Sign computes the request signature: over
// secret + "app_key"+appKey + "method"+method + "param_json"+paramJSON + "timestamp"+ts + "v2" + secret,
// lowercase hex HMAC-SHA256 keyed by the secret, or plain MD5 for SignMD5.
func Sign(appKey, secret, method, paramJSON, timestamp, signMethod string) string {
	s := secret + "app_key" + appKey + "method" + method + "param_json" + paramJSON + "timestamp" + timestamp + "v" + "2" + secret
	if signMethod == SignMD5 {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// envelope is the shape of every gateway answer.
type envelope struct {
	Code    int             `json:"code"`
	Msg     string          `json:"msg"`
	SubCode string          `json:"sub_code"`
	SubMsg  string          `json:"sub_msg"`
	Data    json.RawMessage `json:"data"`
}

// call signs and posts one API call; path is like "/afterSale/List". A success envelope's
// data is decoded into out. Its errors carry no credential in any encoding.
func (c *Client) call(ctx context.Context, path string, param any, out any) error {
	return c.red.Error(c.do(ctx, path, param, out))
}

func (c *Client) do(ctx context.Context, path string, param any, out any) error {
	method := strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", ".")
	pj, err := ParamJSON(param)
	if err != nil {
		return fmt.Errorf("douyin %s: encode params: %w", method, err)
	}
	ts := strconv.FormatInt(c.o.Now().Unix(), 10)
	resp, err := c.rest.R().
		SetContext(ctx).
		SetQueryParams(map[string]string{
			"app_key":      c.o.AppKey,
			"method":       method,
			"timestamp":    ts,
			"v":            "2",
			"sign_method":  c.o.SignMethod,
			"sign":         Sign(c.o.AppKey, c.o.AppSecret, method, pj, ts, c.o.SignMethod),
			"access_token": c.o.AccessToken,
		}).
		SetHeader("Content-Type", "application/json;charset=UTF-8").
		SetBody(pj).
		Post(c.o.BaseURL + path)
	if err := adapters.CheckHTTP(Name, method, resp, err); err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(resp.Body(), &env); err != nil {
		return &adapters.APIError{Platform: Name, Op: method, Code: "bad_response", Msg: "answer is not the JSON envelope", Retryable: true}
	}
	if env.Code != codeOK {
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

// reauthSubCode reports sub-codes meaning the token or the shop's authorisation is gone
// (from the platform's 平台基础错误码 table as carried by public SDKs).
func reauthSubCode(sub string) bool {
	switch sub {
	case "isv.access-token-expired", "isv.access-token-no-existed", "isv.access-token-invalid",
		"isv.access-token-missing", "dop.authorization-no-existed", "dop.authorization-closed":
		return true
	}
	return false
}

// retryableCode reports codes worth a later retry: 20000 service unavailable, 20001
// internal timeout, 60000 rate limited.
func retryableCode(code int) bool {
	return code == 20000 || code == 20001 || code == 60000
}

func (c *Client) apiError(op string, env envelope) *adapters.APIError {
	e := &adapters.APIError{Platform: Name, Op: op, Code: strconv.Itoa(env.Code)}
	msg := env.Msg
	if env.SubCode != "" || env.SubMsg != "" {
		msg = strings.TrimSpace(msg + " (" + env.SubCode + " " + env.SubMsg + ")")
	}
	e.Msg = msg
	e.Reauth = reauthSubCode(env.SubCode)
	e.Retryable = retryableCode(env.Code)
	return c.red.APIError(e)
}

// isNotFound reports whether a business error says the object does not exist. The
// platform has no dedicated code for it (unverified): a 不存在 message under a non-auth
// code is the signal public SDKs use.
func isNotFound(err error) bool {
	var ae *adapters.APIError
	if !errors.As(err, &ae) || ae.Reauth || ae.Retryable {
		return false
	}
	return strings.Contains(ae.Msg, "不存在") || strings.Contains(strings.ToLower(ae.Msg), "not exist")
}

// flexID accepts an id sent either as a JSON string or as a (possibly 19-digit) number.
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

func unixTime(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}

// The adapters.Platform methods: each error passes the redactor once more, whatever
// built it, so no credential reaches a log or a stored error in any encoding.

// Order looks an order up with order/orderDetail.
func (c *Client) Order(ctx context.Context, orderID string) (adapters.Order, error) {
	o, err := c.order(ctx, orderID)
	return o, c.red.Error(err)
}

// OpenCase finds the buyer's after-sale for the order with afterSale/List.
func (c *Client) OpenCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	ref, err := c.openCase(ctx, req)
	return ref, c.red.Error(err)
}

// CaseStatus reads afterSale/Detail.
func (c *Client) CaseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	st, err := c.caseStatus(ctx, ref)
	return st, c.red.Error(err)
}

// Resolve agrees or refuses with afterSale/operate.
func (c *Client) Resolve(ctx context.Context, ref adapters.CaseRef, dec adapters.Decision) error {
	return c.red.Error(c.resolve(ctx, ref, dec))
}
