package adapters

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// RESTOptions is the HTTP behaviour every platform client shares.
type RESTOptions struct {
	// Timeout bounds one attempt, not the whole call with its retries. Default 10s.
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated: default 2, negative none.
	Retries int
	// RetryWait is the first backoff; it doubles per attempt with jitter, up to 8×.
	// Default 300ms.
	RetryWait time.Duration
	// HTTPClient is copied, never modified; nil means a fresh client.
	HTTPClient *http.Client
}

// NewREST builds the resty client platform adapters use. It retries only what is worth
// repeating at once: 5xx, 429 and transport timeouts. 4xx answers and business errors
// come back on the first attempt because repeating them changes nothing. resty's own
// logger is silenced: its messages carry request URLs, and some platforms put the
// access token in the query string.
func NewREST(o RESTOptions) *resty.Client {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	switch {
	case o.Retries == 0:
		o.Retries = 2
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.RetryWait <= 0 {
		o.RetryWait = 300 * time.Millisecond
	}
	hc := &http.Client{}
	if o.HTTPClient != nil {
		c := *o.HTTPClient
		hc = &c
	}
	c := resty.NewWithClient(hc)
	c.SetLogger(quietLogger{})
	c.SetTimeout(o.Timeout)
	c.SetRetryCount(o.Retries)
	c.SetRetryWaitTime(o.RetryWait)
	c.SetRetryMaxWaitTime(8 * o.RetryWait)
	c.AddRetryCondition(RetryTransient)
	return c
}

// RetryTransient is the retry condition of NewREST: transport timeouts, 5xx and 429.
func RetryTransient(r *resty.Response, err error) bool {
	if err != nil {
		return isTimeout(err)
	}
	if r == nil {
		return false
	}
	s := r.StatusCode()
	return s >= 500 || s == http.StatusTooManyRequests
}

// CheckHTTP turns a transport failure or a non-2xx answer into an *APIError; it returns
// nil for a 2xx answer. Transport errors lose their URL: the URL may hold the access
// token or the signature, which must never reach an error string.
func CheckHTTP(platform, op string, r *resty.Response, err error) error {
	if err != nil {
		e := &APIError{Platform: platform, Op: op, Code: "transport", Retryable: true, Err: stripURL(err)}
		switch {
		case errors.Is(err, context.Canceled):
			e.Code = "canceled"
		case isTimeout(err):
			e.Code = "timeout"
		}
		return e
	}
	s := r.StatusCode()
	if s >= 200 && s < 300 {
		return nil
	}
	return &APIError{
		Platform:  platform,
		Op:        op,
		Code:      fmt.Sprintf("http_%d", s),
		Msg:       http.StatusText(s),
		Retryable: s >= 500 || s == http.StatusTooManyRequests,
		Reauth:    s == http.StatusUnauthorized,
	}
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// stripURL drops the *url.Error layer (which prints the full request URL) and keeps
// what went wrong underneath.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// Option is one required client option: its field name and the value given.
type Option struct{ Name, Value string }

// RequireOptions fails when any of opts is empty, naming them all at once
// ("douyin options: missing AppSecret, AccessToken"), so a misconfigured shop is
// fixed in one go; what names the adapter.
func RequireOptions(what string, opts ...Option) error {
	var missing []string
	for _, o := range opts {
		if o.Value == "" {
			missing = append(missing, o.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s options: missing %s", what, strings.Join(missing, ", "))
	}
	return nil
}

// SignMethod is method, or allowed[0] when method is "": a platform's sign methods, the
// first its default. Any other method is an error naming the ones allowed.
func SignMethod(what, method string, allowed ...string) (string, error) {
	if method == "" {
		return allowed[0], nil
	}
	if slices.Contains(allowed, method) {
		return method, nil
	}
	return "", fmt.Errorf("%s options: sign method %q: want one of %s", what, method, strings.Join(allowed, ", "))
}

// BaseURL is url without a trailing slash, or def when url is "".
func BaseURL(url, def string) string {
	if url == "" {
		url = def
	}
	return strings.TrimRight(url, "/")
}
