// Package wecomapi is a client of the WeCom server API (企业微信 服务端API) for one corp and
// one secret: it fetches and caches the access token (GET /cgi-bin/gettoken), adds it
// to each call, decodes the errcode envelope, and replaces a token the server refuses.
// The 微信客服 channel (bot/wecomkf) and the 应用消息 alert sink (notify/wecomapp) both
// use it, each with its own secret and so its own token.
//
// It is written on resty rather than on github.com/silenceper/wechat/v2/work: that
// library hard-codes https://qyapi.weixin.qq.com and reaches it through package-level
// variables (util.DefaultHTTPClient, util.SetURIModifier), so a test fake or two corps
// in one process would share mutable globals; its calls take no context and turn
// errcodes into bare strings, and the callers need the codes.
package wecomapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

// DefaultBaseURL is the WeCom server API host.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// OpGetToken is the op of the token fetch, as errors and Options.CheckHTTP name it.
const OpGetToken = "gettoken"

// WeCom errcodes this client acts on (企业微信 "全局错误码",
// https://developer.work.weixin.qq.com/document/path/90313): the access token was
// refused (40014 invalid, 42001 expired) → fetch a new one and try once more; -1 system
// busy, 45009 frequency limit, 45033 concurrency limit → worth retrying later.
var (
	tokenCodes     = map[int]bool{40014: true, 42001: true}
	retryableCodes = map[int]bool{-1: true, 45009: true, 45033: true}
)

// APIError is a WeCom answer with a non-zero errcode.
type APIError struct {
	Op      string // the API path under /cgi-bin/, e.g. kf/send_msg, or OpGetToken
	Code    int    // errcode
	Msg     string // errmsg, at most 200 bytes
	Retries bool   // worth trying again later: -1, 45009, 45033
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wecom %s: errcode %d: %s", e.Op, e.Code, e.Msg)
}

// Options configures a Client.
type Options struct {
	// BaseURL replaces DefaultBaseURL (tests).
	BaseURL string
	// CorpID is the 企业ID; Secret the secret of the app or of 微信客服 whose token this is.
	CorpID string
	Secret string
	// REST builds the HTTP client (adapters.NewREST: its timeout per attempt and its
	// retries of 5xx, 429 and timeouts); REST.HTTPClient is copied, never modified.
	REST adapters.RESTOptions
	// Now is the clock of the token's expiry; default time.Now.
	Now func() time.Time
	// CheckHTTP turns a transport failure or a non-2xx answer of op into an error (nil
	// for a 2xx); default adapters.CheckHTTP("wecom", …). Its errors are returned as is.
	CheckHTTP func(op string, r *resty.Response, err error) error
}

// Client calls the WeCom server API. It caches the access token (gettoken's expires_in
// seconds, 7200 today) until five minutes before it expires, and fetches a new one when
// the server refuses it. Safe for concurrent use.
type Client struct {
	rest   *resty.Client
	base   string
	corpID string
	secret string
	now    func() time.Time
	check  func(op string, r *resty.Response, err error) error

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New returns a Client; it calls nothing yet.
func New(o Options) *Client {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CheckHTTP == nil {
		o.CheckHTTP = func(op string, r *resty.Response, err error) error {
			return adapters.CheckHTTP("wecom", op, r, err)
		}
	}
	return &Client{rest: adapters.NewREST(o.REST), base: strings.TrimRight(o.BaseURL, "/"),
		corpID: o.CorpID, secret: o.Secret, now: o.Now, check: o.CheckHTTP}
}

// REST returns the underlying resty client, e.g. for a test to change its retries.
func (c *Client) REST() *resty.Client { return c.rest }

// envelope is every answer's errcode/errmsg.
type envelope struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// err is nil for errcode 0, else an *APIError.
func (e envelope) err(op string) error {
	if e.ErrCode == 0 {
		return nil
	}
	msg := e.ErrMsg
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return &APIError{Op: op, Code: e.ErrCode, Msg: msg, Retries: retryableCodes[e.ErrCode]}
}

// AccessToken returns the cached token or fetches one (GET /cgi-bin/gettoken?corpid=…&
// corpsecret=…). Errors: Options.CheckHTTP's, an *APIError for a non-zero errcode (a
// wrong corp id or secret: 40013, 40001), or a decode error.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	var ans struct {
		envelope
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	r, err := c.rest.R().SetContext(ctx).
		SetQueryParams(map[string]string{"corpid": c.corpID, "corpsecret": c.secret}).
		Get(c.base + "/cgi-bin/gettoken")
	if err := c.check(OpGetToken, r, err); err != nil {
		return "", err
	}
	if err := json.Unmarshal(r.Body(), &ans); err != nil {
		return "", fmt.Errorf("wecom gettoken: decode answer: %w", err)
	}
	if err := ans.err(OpGetToken); err != nil {
		return "", err
	}
	if ans.AccessToken == "" {
		return "", errors.New("wecom gettoken: answer has no access_token")
	}
	life := time.Duration(ans.ExpiresIn) * time.Second
	c.token, c.expires = ans.AccessToken, c.now().Add(max(life-5*time.Minute, life/2))
	return c.token, nil
}

// Forget drops a token the server refused, unless another call already replaced it.
func (c *Client) Forget(token string) {
	c.mu.Lock()
	if c.token == token {
		c.token = ""
	}
	c.mu.Unlock()
}

// withToken runs call with the access token. When call reports an errcode that refuses
// the token (40014, 42001) the token is forgotten and call runs once more with a new
// one; a second refusal is returned as its *APIError.
func (c *Client) withToken(ctx context.Context, op string, call func(token string) (*envelope, error)) error {
	for attempt := 0; ; attempt++ {
		token, err := c.AccessToken(ctx)
		if err != nil {
			return err
		}
		env, err := call(token)
		if err != nil || env == nil {
			return err
		}
		if tokenCodes[env.ErrCode] && attempt == 0 {
			c.Forget(token)
			continue
		}
		return env.err(op)
	}
}

// Post sends body as JSON to /cgi-bin/<op>?access_token=… and, when the errcode is 0,
// decodes the answer into out (nil: ignored; *json.RawMessage: the raw answer). A
// refused token is replaced and the call made once more. Errors: Options.CheckHTTP's,
// an *APIError for a non-zero errcode, or a decode error.
func (c *Client) Post(ctx context.Context, op string, body, out any) error {
	var answer []byte
	err := c.withToken(ctx, op, func(token string) (*envelope, error) {
		r, err := c.rest.R().SetContext(ctx).SetQueryParam("access_token", token).
			SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body).
			Post(c.base + "/cgi-bin/" + op)
		if err := c.check(op, r, err); err != nil {
			return nil, err
		}
		var env envelope
		if err := json.Unmarshal(r.Body(), &env); err != nil {
			return nil, fmt.Errorf("wecom %s: decode answer: %w", op, err)
		}
		answer = r.Body()
		return &env, nil
	})
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("wecom %s: decode answer: %w", op, err)
	}
	return nil
}

// Download GETs /cgi-bin/<op>?access_token=…&<query> (media/get) and copies the file
// into w, at most maxBytes bytes; it returns the answer's headers (Content-Type,
// Content-Disposition). WeCom answers an error as JSON (or text/plain) instead of the
// file: a refused token is replaced and the call made once more, other errcodes are an
// *APIError. Errors also: Options.CheckHTTP's, a file larger than maxBytes, a read error.
func (c *Client) Download(ctx context.Context, op string, query map[string]string, w io.Writer, maxBytes int64) (http.Header, error) {
	var header http.Header
	err := c.withToken(ctx, op, func(token string) (*envelope, error) {
		r, err := c.rest.R().SetContext(ctx).SetDoNotParseResponse(true).
			SetQueryParams(query).SetQueryParam("access_token", token).
			Get(c.base + "/cgi-bin/" + op)
		if err != nil {
			return nil, c.check(op, r, err)
		}
		body := r.RawBody()
		defer body.Close()
		if err := c.check(op, r, nil); err != nil {
			return nil, err
		}
		ct := r.Header().Get("Content-Type")
		if strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "text/plain") {
			var env envelope
			if err := json.NewDecoder(io.LimitReader(body, 64<<10)).Decode(&env); err != nil {
				return nil, fmt.Errorf("wecom %s: decode answer: %w", op, err)
			}
			if env.ErrCode == 0 {
				return nil, fmt.Errorf("wecom %s: JSON answer without a file", op)
			}
			return &env, nil
		}
		n, err := io.Copy(w, io.LimitReader(body, maxBytes+1))
		if err != nil {
			return nil, fmt.Errorf("wecom %s: read file: %w", op, err)
		}
		if n > maxBytes {
			return nil, fmt.Errorf("wecom %s: file larger than %d bytes", op, maxBytes)
		}
		header = r.Header()
		return nil, nil
	})
	return header, err
}
