// Package webhook is the adapter for a shop's own order system: signed JSON over HTTP in
// both directions, as described in PROTOCOL.md next to this file.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

// Name is the platform's config name.
const Name = "webhook"

// Headers carrying the request signature, outbound and inbound alike.
const (
	HeaderTimestamp = "X-Aftersale-Timestamp"
	HeaderSignature = "X-Aftersale-Signature"
)

// Options configures a Client. BaseURL and Secret are required.
type Options struct {
	// BaseURL is the shop's endpoint prefix, e.g. https://shop.example.com/aftersale.
	BaseURL   string
	Secret    string        // shared HMAC secret
	Timeout   time.Duration // per attempt, default 10s
	Retries   int           // default 2; negative means none
	RetryWait time.Duration // first backoff, default 300ms
	Now       func() time.Time
	// HTTPClient is copied, never modified.
	HTTPClient *http.Client
}

// Client calls the shop's system. It implements adapters.Platform.
type Client struct {
	o    Options
	rest *resty.Client
	red  *adapters.Redactor // the shared secret, in every encoding
}

var _ adapters.Platform = (*Client)(nil)

// New checks o, fills defaults and returns a client.
func New(o Options) (*Client, error) {
	if o.BaseURL == "" || o.Secret == "" {
		return nil, errors.New("webhook options: BaseURL and Secret are required")
	}
	if !strings.HasPrefix(o.BaseURL, "http://") && !strings.HasPrefix(o.BaseURL, "https://") {
		return nil, fmt.Errorf("webhook options: BaseURL %q: want http:// or https://", o.BaseURL)
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.Now == nil {
		o.Now = time.Now
	}
	rest := adapters.NewREST(adapters.RESTOptions{Timeout: o.Timeout, Retries: o.Retries, RetryWait: o.RetryWait, HTTPClient: o.HTTPClient})
	return &Client{o: o, rest: rest, red: adapters.NewRedactor(o.Secret)}, nil
}

// Name returns "webhook".
func (c *Client) Name() string { return Name }

// Sign is the signature of one request: lowercase hex HMAC-SHA256 keyed by the secret over
// timestamp + "." + body. The timestamp is inside the MAC so a captured request cannot be
// replayed later with a fresh timestamp.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// call posts in as JSON to path and decodes a 2xx answer into out. 404 means the shop
// does not know the order or case; 409 that the after-sale cannot be registered yet. Its
// errors carry the secret in no encoding.
func (c *Client) call(ctx context.Context, path string, in, out any) error {
	return c.red.Error(c.do(ctx, path, in, out))
}

func (c *Client) do(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("webhook %s: encode: %w", path, err)
	}
	ts := strconv.FormatInt(c.o.Now().Unix(), 10)
	resp, err := c.rest.R().
		SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetHeader(HeaderTimestamp, ts).
		SetHeader(HeaderSignature, Sign(c.o.Secret, ts, body)).
		SetBody(body).
		Post(c.o.BaseURL + path)
	if err == nil {
		switch resp.StatusCode() {
		case http.StatusNotFound:
			return fmt.Errorf("webhook %s: %w", path, adapters.ErrNotFound)
		case http.StatusConflict:
			return fmt.Errorf("webhook %s: %w", path, adapters.ErrNotApplied)
		}
	}
	if err := adapters.CheckHTTP(Name, path, resp, err); err != nil {
		var ae *adapters.APIError
		if errors.As(err, &ae) && resp != nil && ae.Err == nil {
			ae.Msg = c.errorText(resp.Body(), ae.Msg)
		}
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return &adapters.APIError{Platform: Name, Op: path, Code: "bad_response", Msg: "answer is not the expected JSON", Retryable: true}
	}
	return nil
}

// errorText picks the shop's {"error": "..."} message if it sent one, without the secret.
func (c *Client) errorText(body []byte, fallback string) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error == "" {
		return fallback
	}
	return c.shopText(e.Error)
}

// maxShopText bounds how much of the shop's own words an error carries.
const maxShopText = 200

// shopText makes text the shop sent fit for an error: without the secret in any
// encoding, and cut on a character boundary. Redacting before cutting keeps a cut from
// leaving the head of the secret behind; cutting on a boundary keeps the log line valid
// UTF-8.
func (c *Client) shopText(s string) string {
	s = c.red.Redact(s)
	if len(s) <= maxShopText {
		return s
	}
	cut := maxShopText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// wireOrder is the order JSON of PROTOCOL.md.
type wireOrder struct {
	ID          string     `json:"id"`
	Buyer       string     `json:"buyer"`
	Items       []wireItem `json:"items"`
	PaidFen     int64      `json:"paid_fen"`
	Status      string     `json:"status"`
	PaidAt      *time.Time `json:"paid_at"`
	Courier     string     `json:"courier"`
	TrackingNo  string     `json:"tracking_no"`
	ShippedAt   *time.Time `json:"shipped_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
	Logistics   string     `json:"logistics"`
}

type wireItem struct {
	Title    string `json:"title"`
	SKU      string `json:"sku"`
	Qty      int    `json:"qty"`
	PriceFen int64  `json:"price_fen"`
}

func orderStatus(s string) (adapters.OrderStatus, bool) {
	switch st := adapters.OrderStatus(s); st {
	case adapters.OrderUnpaid, adapters.OrderPaid, adapters.OrderShipped, adapters.OrderDelivered, adapters.OrderClosed:
		return st, true
	}
	return "", false
}

func caseStatus(s string) (adapters.Status, bool) {
	switch st := adapters.Status(s); st {
	case adapters.StatusWaitingMerchant, adapters.StatusWaitingBuyer, adapters.StatusSucceeded, adapters.StatusRejected, adapters.StatusClosed:
		return st, true
	}
	return "", false
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// order posts {"order_id"} to /orders/lookup.
func (c *Client) order(ctx context.Context, orderID string) (adapters.Order, error) {
	var w wireOrder
	if err := c.call(ctx, "/orders/lookup", map[string]string{"order_id": orderID}, &w); err != nil {
		return adapters.Order{}, fmt.Errorf("webhook order %s: %w", orderID, err)
	}
	st, ok := orderStatus(w.Status)
	if !ok {
		return adapters.Order{}, fmt.Errorf("webhook order %s: %w", orderID, &adapters.APIError{Platform: Name, Op: "/orders/lookup", Code: "bad_response", Msg: fmt.Sprintf("unknown status %q", c.shopText(w.Status))})
	}
	if w.ID == "" {
		w.ID = orderID
	}
	o := adapters.Order{
		ID: w.ID, Platform: Name, Buyer: w.Buyer, PaidFen: w.PaidFen, Status: st, PaidAt: deref(w.PaidAt),
		Courier: w.Courier, TrackingNo: w.TrackingNo, ShippedAt: deref(w.ShippedAt), DeliveredAt: deref(w.DeliveredAt),
		Logistics: w.Logistics,
	}
	for _, it := range w.Items {
		o.Items = append(o.Items, adapters.Item(it))
	}
	return o, nil
}

type wireCaseRequest struct {
	Shop      string   `json:"shop"`
	CaseID    string   `json:"case_id"`
	OrderID   string   `json:"order_id"`
	Kind      string   `json:"kind"`
	Reason    string   `json:"reason"`
	AmountFen int64    `json:"amount_fen"`
	Note      string   `json:"note"`
	Evidence  []string `json:"evidence"`
}

// openCase posts the case to /cases. The shop keys it by shop + case_id, so a retried
// post after a lost answer registers nothing twice.
func (c *Client) openCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	in := wireCaseRequest(req)
	if in.Evidence == nil {
		in.Evidence = []string{}
	}
	var out struct {
		ID       string     `json:"id"`
		Deadline *time.Time `json:"deadline"`
	}
	if err := c.call(ctx, "/cases", in, &out); err != nil {
		return adapters.CaseRef{}, fmt.Errorf("webhook open case %s: %w", req.CaseID, err)
	}
	if out.ID == "" {
		return adapters.CaseRef{}, fmt.Errorf("webhook open case %s: %w", req.CaseID, &adapters.APIError{Platform: Name, Op: "/cases", Code: "bad_response", Msg: "no id", Retryable: true})
	}
	return adapters.CaseRef{Platform: Name, ID: out.ID, Deadline: deref(out.Deadline)}, nil
}

// caseStatus posts {"id"} to /cases/status.
func (c *Client) caseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	var out struct {
		Status    string     `json:"status"`
		Raw       string     `json:"raw"`
		Deadline  *time.Time `json:"deadline"`
		AmountFen int64      `json:"amount_fen"`
		UpdatedAt *time.Time `json:"updated_at"`
	}
	if err := c.call(ctx, "/cases/status", map[string]string{"id": ref.ID}, &out); err != nil {
		return adapters.CaseStatus{}, fmt.Errorf("webhook case status %s: %w", ref.ID, err)
	}
	st, ok := caseStatus(out.Status)
	if !ok {
		return adapters.CaseStatus{}, fmt.Errorf("webhook case status %s: %w", ref.ID, &adapters.APIError{Platform: Name, Op: "/cases/status", Code: "bad_response", Msg: fmt.Sprintf("unknown status %q", c.shopText(out.Status))})
	}
	if out.Raw == "" {
		out.Raw = out.Status
	}
	return adapters.CaseStatus{Status: st, Raw: out.Raw, Deadline: deref(out.Deadline), AmountFen: out.AmountFen, UpdatedAt: deref(out.UpdatedAt)}, nil
}

// resolve posts the decision to /cases/decision.
func (c *Client) resolve(ctx context.Context, ref adapters.CaseRef, d adapters.Decision) error {
	in := struct {
		ID        string `json:"id"`
		Approve   bool   `json:"approve"`
		Reason    string `json:"reason"`
		AmountFen int64  `json:"amount_fen"`
	}{ref.ID, d.Approve, d.Reason, d.AmountFen}
	if err := c.call(ctx, "/cases/decision", in, nil); err != nil {
		return fmt.Errorf("webhook resolve %s: %w", ref.ID, err)
	}
	return nil
}

// The adapters.Platform methods: each error passes the redactor once more, whatever
// built it, so the secret reaches no log or stored error in any encoding.

// Order posts {"order_id"} to /orders/lookup.
func (c *Client) Order(ctx context.Context, orderID string) (adapters.Order, error) {
	o, err := c.order(ctx, orderID)
	return o, c.red.Error(err)
}

// OpenCase posts the case to /cases.
func (c *Client) OpenCase(ctx context.Context, req adapters.CaseRequest) (adapters.CaseRef, error) {
	ref, err := c.openCase(ctx, req)
	return ref, c.red.Error(err)
}

// CaseStatus posts {"id"} to /cases/status.
func (c *Client) CaseStatus(ctx context.Context, ref adapters.CaseRef) (adapters.CaseStatus, error) {
	st, err := c.caseStatus(ctx, ref)
	return st, c.red.Error(err)
}

// Resolve posts the decision to /cases/decision.
func (c *Client) Resolve(ctx context.Context, ref adapters.CaseRef, d adapters.Decision) error {
	return c.red.Error(c.resolve(ctx, ref, d))
}

// Errors VerifyRequest returns.
var (
	ErrUnsigned       = errors.New("webhook: request not signed")
	ErrStaleTimestamp = errors.New("webhook: timestamp outside the allowed skew")
	ErrBadSignature   = errors.New("webhook: bad signature")
	ErrTooLarge       = errors.New("webhook: body too large")
)

// MaxBody caps what VerifyRequest reads.
const MaxBody = 1 << 20

// VerifyRequest reads and authenticates an inbound request signed like outbound ones. It
// returns the body when the timestamp is within maxSkew of now and the signature matches
// (compared in constant time).
func VerifyRequest(r *http.Request, secret string, now time.Time, maxSkew time.Duration) ([]byte, error) {
	tsText, sigText := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature)
	if tsText == "" || sigText == "" {
		return nil, ErrUnsigned
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return nil, ErrUnsigned
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > maxSkew || skew < -maxSkew {
		return nil, ErrStaleTimestamp
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, MaxBody)); err != nil {
		return nil, ErrTooLarge
	}
	got, err := hex.DecodeString(sigText)
	if err != nil {
		return nil, ErrBadSignature
	}
	want, _ := hex.DecodeString(Sign(secret, tsText, buf.Bytes()))
	if !hmac.Equal(got, want) {
		return nil, ErrBadSignature
	}
	return buf.Bytes(), nil
}

type wireEvent struct {
	Event    string     `json:"event"`
	ID       string     `json:"id"`
	OrderID  string     `json:"order_id"`
	Status   string     `json:"status"`
	Deadline *time.Time `json:"deadline"`
	At       *time.Time `json:"at"`
}

// ParseEvent turns an inbound event body into an adapters.Event: case.created, case.updated
// (closed when status is closed), case.deadline and case.closed. Ids are bounded by
// adapters.CheckID and the other strings by adapters.CheckText; a deadline outside
// adapters.SaneDeadline's window around the event is dropped; "at" is the event's own
// time, now when absent, implausible or in the future.
func ParseEvent(body []byte, now time.Time) (adapters.Event, error) {
	var w wireEvent
	if err := json.Unmarshal(body, &w); err != nil {
		return adapters.Event{}, fmt.Errorf("decode webhook event: %w", err)
	}
	if w.ID == "" {
		return adapters.Event{}, errors.New("decode webhook event: no id")
	}
	for _, f := range []struct{ name, v string }{{"id", w.ID}, {"order_id", w.OrderID}} {
		if err := adapters.CheckID("decode webhook event: "+f.name, f.v); err != nil {
			return adapters.Event{}, err
		}
	}
	for _, f := range []struct{ name, v string }{{"event", w.Event}, {"status", w.Status}} {
		if err := adapters.CheckText("decode webhook event: "+f.name, f.v); err != nil {
			return adapters.Event{}, err
		}
	}
	var kind adapters.EventKind
	switch w.Event {
	case "case.created":
		kind = adapters.EventCreated
	case "case.updated":
		kind = adapters.EventUpdated
		if w.Status == string(adapters.StatusClosed) {
			kind = adapters.EventClosed
		}
	case "case.deadline":
		kind = adapters.EventDeadline
	case "case.closed":
		kind = adapters.EventClosed
	default:
		return adapters.Event{}, fmt.Errorf("decode webhook event: unknown event %q", w.Event)
	}
	if w.Status != "" {
		if _, ok := caseStatus(w.Status); !ok {
			return adapters.Event{}, fmt.Errorf("decode webhook event: unknown status %q", w.Status)
		}
	}
	e := adapters.Event{Platform: Name, Kind: kind, AfterSaleID: w.ID, OrderID: w.OrderID, At: adapters.EventTime(deref(w.At), now)}
	e.Deadline = adapters.SaneDeadline(deref(w.Deadline), e.At)
	return e, nil
}

// rejectBody is the one answer to every event that fails: unsigned, a bad signature, a
// timestamp outside the window, a body too large or one that does not parse, an
// oversized field. A failure says nothing about why.
var rejectBody = []byte(`{"error":"rejected"}`)

func reject(w http.ResponseWriter) { adapters.WritePushAnswer(w, http.StatusUnauthorized, rejectBody) }

// NewEventHandler returns the endpoint the shop posts events to. It answers 200
// {"ok":true} once handled and one fixed rejection, 401 {"error":"rejected"}, for any
// request that fails the signature, the ±maxSkew timestamp window (maxSkew <= 0 means
// adapters.DefaultPushWindow; WithPushWindow or WithPushGuard override it), the size
// bounds or parsing; 503 when handle fails so that the shop retries. A signed request
// seen within the window (same timestamp and signature) is acknowledged without being
// applied again; a resend signed afresh is a new delivery.
func NewEventHandler(secret string, now func() time.Time, maxSkew time.Duration, handle adapters.EventHandler, opts ...adapters.PushOption) http.Handler {
	guard := adapters.PushGuardFor(maxSkew, opts...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			reply(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		t := now()
		body, err := VerifyRequest(r, secret, t, guard.Window())
		if err != nil {
			reject(w)
			return
		}
		ev, err := ParseEvent(body, t)
		if err != nil {
			reject(w)
			return
		}
		// The signature names this request: the timestamp is inside the MAC, so a
		// replay must reuse both. Hex case is normalised (VerifyRequest accepts both).
		key := "webhook:sig:" + strings.ToLower(r.Header.Get(HeaderSignature))
		if guard.Claim(key) {
			if err := handle(r.Context(), ev); err != nil {
				guard.Release(key)
				reply(w, http.StatusServiceUnavailable, "retry later")
				return
			}
		}
		adapters.WritePushAnswer(w, http.StatusOK, []byte(`{"ok":true}`))
	})
}

func reply(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	adapters.WritePushAnswer(w, status, b)
}
