package taobao

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"testing"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

// TOP echoing the session key and the app secret URL-encoded and base64 in its message,
// sub-code (which becomes the APIError's Code) and sub-message: no encoding of either
// reaches the error, its text or its APIError fields.
func TestNoEncodedSecretInErrors(t *testing.T) {
	tok := adapterstest.EchoToken
	errResp := func(code int, msg, sub, subMsg string) string {
		b, _ := json.Marshal(map[string]any{"error_response": map[string]any{"code": code, "msg": msg, "sub_code": sub, "sub_msg": subMsg, "request_id": "r1"}})
		return string(b)
	}
	order := func(c *Client) error { _, err := c.Order(context.Background(), knownOrder); return err }
	refund := `{"refund_get_response":{"refund":{"refund_id":` + liveRefund + `,"refund_fee":"1.00","refund_version":2,"refund_phase":"onsale"}}}`
	tests := []struct {
		name    string
		replies []reply
		run     func(*Client) error
		reauth  bool
		is      error
	}{
		{"invalid session echoed in every field", []reply{{status: 200, body: errResp(27, "Invalid session "+url.QueryEscape(tok),
			"invalid-sessionkey:"+base64.StdEncoding.EncodeToString([]byte(tok)), adapterstest.Echo(tok, testSecret))}}, order, true, nil},
		{"sub-code holds the URL-encoded token", []reply{{status: 200, body: errResp(15, "Remote service error",
			"isv.invalid-parameter:"+url.QueryEscape(tok), url.PathEscape(tok))}}, order, false, nil},
		{"not exist echoing base64", []reply{{status: 200, body: errResp(15, "Remote service error",
			"isv.trade-not-exist", "不存在 "+base64.URLEncoding.EncodeToString([]byte(tok))+" "+base64.RawStdEncoding.EncodeToString([]byte(testSecret)))}},
			order, false, adapters.ErrNotFound},
		{"agree failure", []reply{{status: 200, body: refund},
			{status: 200, body: `{"rp_refunds_agree_response":{"succ":false,"msg":"` + base64.StdEncoding.EncodeToString([]byte(tok)) + " " + url.QueryEscape(tok) + `"}}`}},
			func(c *Client) error {
				return c.Resolve(context.Background(), adapters.CaseRef{ID: liveRefund}, adapters.Decision{Approve: true})
			}, false, nil},
		{"tmc consume", []reply{{status: 200, body: errResp(7, "App Call Limited", "accesscontrol.limited-by-app-access-count:"+url.QueryEscape(testSecret), adapterstest.Echo(testSecret))}},
			func(c *Client) error { _, _, err := c.Consume(context.Background()); return err }, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.token = tok
			f.push(tt.replies...)
			err := tt.run(f.client(t, nil))
			adapterstest.NoSecret(t, err, tok, testSecret)
			var ae *adapters.APIError
			if !errors.As(err, &ae) || ae.Reauth != tt.reauth {
				t.Fatalf("err=%v, want an APIError with Reauth %v", err, tt.reauth)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err=%v, want %v kept through redaction", err, tt.is)
			}
			if f.count() != len(tt.replies) {
				t.Fatalf("requests=%d, want %d", f.count(), len(tt.replies))
			}
		})
	}
}
