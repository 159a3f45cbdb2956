package adapterstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aftersale/aftersale/adapters"
)

// This file holds what every adapter's FuzzAnswers checks of a fuzzed API answer.

// Answer is a seed of a fuzzed answer: Status goes through AnswerStatus.
type Answer struct {
	Status byte
	Body   string
}

// Seed adds the seeds to f in the (status byte, body) form every FuzzAnswers takes.
func Seed(f *testing.F, seeds []Answer) {
	for _, a := range seeds {
		f.Add(a.Status, []byte(a.Body))
	}
}

// AnswerStatus maps a fuzzed byte to the HTTP status the answer is served with; most
// bytes give 200 because the body is where the parsing happens.
func AnswerStatus(b byte) int {
	switch b % 16 {
	case 8:
		return http.StatusBadRequest
	case 9:
		return http.StatusUnauthorized
	case 10:
		return http.StatusNotFound
	case 11:
		return http.StatusConflict
	case 12:
		return http.StatusTooManyRequests
	case 13:
		return http.StatusInternalServerError
	case 14:
		return http.StatusBadGateway
	case 15:
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

// AnswerCheck is what a platform's errors from a fuzzed answer must satisfy.
type AnswerCheck struct {
	Platform string
	// Sentinels are the errors besides *adapters.APIError a caller may branch on.
	Sentinels []error
	// Secrets must never show in an error, whole or cut off at 8 bytes or more.
	Secrets []string
	// StatusRaw requires a case status to carry the platform's own code.
	StatusRaw bool
	// Extra checks an error further, for what only this platform promises.
	Extra func(t *testing.T, op string, err error, status int)
}

// AnswerResults are the results of Calls that succeeded, for checks of one platform.
type AnswerResults struct {
	Order     adapters.Order
	OrderErr  error
	Ref       adapters.CaseRef
	RefErr    error
	Status    adapters.CaseStatus
	StatusErr error
}

// Calls makes every Platform call that decodes an answer, with the same answer served
// to each: a failure must pass Err, a success must be usable (ids present, the platform
// named, a known status). It returns the results for checks of the platform's own.
func (c AnswerCheck) Calls(t *testing.T, ctx context.Context, p adapters.Platform, status int, body []byte, orderID, caseID string) AnswerResults {
	t.Helper()
	var r AnswerResults
	r.Order, r.OrderErr = p.Order(ctx, orderID)
	c.Err(t, "Order", r.OrderErr, status, body)
	if o := r.Order; r.OrderErr == nil && (o.ID == "" || o.Platform != c.Platform || !KnownOrderStatus(o.Status)) {
		t.Fatalf("Order=%+v from %q: want an id, platform %s and a known status", o, body, c.Platform)
	}
	r.Ref, r.RefErr = p.OpenCase(ctx, adapters.CaseRequest{Shop: "s1", CaseID: "A1", OrderID: orderID, Kind: "refund"})
	c.Err(t, "OpenCase", r.RefErr, status, body)
	if r.RefErr == nil && (r.Ref.ID == "" || r.Ref.Platform != c.Platform) {
		t.Fatalf("OpenCase=%+v from %q: want an after-sale id and platform %s", r.Ref, body, c.Platform)
	}
	ref := adapters.CaseRef{Platform: c.Platform, ID: caseID}
	r.Status, r.StatusErr = p.CaseStatus(ctx, ref)
	c.Err(t, "CaseStatus", r.StatusErr, status, body)
	if st := r.Status; r.StatusErr == nil && (!KnownCaseStatus(st.Status) || (c.StatusRaw && st.Raw == "")) {
		t.Fatalf("CaseStatus=%+v from %q: want a known status (and the raw code: %v)", st, body, c.StatusRaw)
	}
	for _, d := range []adapters.Decision{{Approve: true}, {Approve: true, AmountFen: 100}, {Reason: "商品完好，不予退款"}} {
		c.Err(t, fmt.Sprintf("Resolve %+v", d), p.Resolve(ctx, ref, d), status, body)
	}
	return r
}

// Err holds the properties of an error from a fuzzed answer served with status.
func (c AnswerCheck) Err(t *testing.T, op string, err error, status int, body []byte) {
	t.Helper()
	if c.Extra != nil {
		c.Extra(t, op, err, status)
	}
	if err == nil {
		if status != http.StatusOK {
			t.Fatalf("%s: no error for HTTP %d", op, status)
		}
		return
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, c.Platform+" ") {
		t.Fatalf("%s: error %q does not say it came from %s", op, msg, c.Platform)
	}
	var ae *adapters.APIError
	isAPI := errors.As(err, &ae)
	known := isAPI
	for _, s := range c.Sentinels {
		known = known || errors.Is(err, s)
	}
	if !known {
		t.Fatalf("%s: error %q (%T) from %q is neither an *adapters.APIError nor a sentinel", op, msg, err, body)
	}
	if isAPI && (ae.Platform != c.Platform || ae.Op == "" || ae.Code == "") {
		t.Fatalf("%s: APIError %+v lacks platform, op or code", op, ae)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		t.Fatalf("%s: a raw JSON error is reachable in %q", op, msg)
	}
	switch {
	case status >= 500 || status == http.StatusTooManyRequests:
		if !isAPI || !ae.Retryable {
			t.Fatalf("%s: HTTP %d gave %q, want a retryable APIError", op, status, msg)
		}
	case status == http.StatusUnauthorized:
		if !isAPI || !ae.Reauth {
			t.Fatalf("%s: HTTP 401 gave %q, want an APIError asking to re-authorise", op, msg)
		}
	}
	if !utf8.ValidString(msg) {
		t.Fatalf("%s: error %q is not valid UTF-8", op, msg)
	}
	for _, secret := range c.Secrets {
		if leaked(msg, secret, body) {
			t.Fatalf("%s: error %q shows a credential", op, msg)
		}
	}
}

// leaked reports whether msg shows secret, or a cut-off head of it of 8 bytes or more,
// that the answer did not also carry on its own, outside the secret itself.
func leaked(msg, secret string, body []byte) bool {
	rest := strings.ReplaceAll(string(body), secret, "")
	for n := len(secret); n >= 8; n-- {
		if p := secret[:n]; strings.Contains(msg, p) && !strings.Contains(rest, p) {
			return true
		}
	}
	return false
}

// KnownOrderStatus reports whether s is one of the order statuses adapters define.
func KnownOrderStatus(s adapters.OrderStatus) bool {
	switch s {
	case adapters.OrderUnpaid, adapters.OrderPaid, adapters.OrderShipped, adapters.OrderDelivered, adapters.OrderClosed:
		return true
	}
	return false
}

// KnownCaseStatus reports whether s is one of the after-sale statuses adapters define.
func KnownCaseStatus(s adapters.Status) bool {
	switch s {
	case adapters.StatusWaitingMerchant, adapters.StatusWaitingBuyer, adapters.StatusSucceeded, adapters.StatusRejected, adapters.StatusClosed:
		return true
	}
	return false
}
