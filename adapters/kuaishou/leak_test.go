package kuaishou

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

// A gateway that echoes the access token and the sign secret URL-encoded and base64 in
// its error message, code, sub-code and sub-message: no encoding of either reaches the
// error, its text or its APIError fields (Code included).
func TestNoEncodedSecretInErrors(t *testing.T) {
	tok := adapterstest.EchoToken
	env := func(result int, msg, code, sub, subMsg string) string {
		b, _ := json.Marshal(map[string]any{"result": result, "error_msg": msg, "code": code, "sub_code": sub, "sub_msg": subMsg})
		return string(b)
	}
	detail := `{"result":1,"data":{"refundId":` + liveRefund + `,"oid":` + knownOrder + `,"status":10,"handlingWay":10,"refundFee":100}}`
	order := func(c *Client) error { _, err := c.Order(context.Background(), knownOrder); return err }
	tests := []struct {
		name    string
		replies []reply
		run     func(*Client) error
		reauth  bool
		is      error
	}{
		{"code and message echo every form", []reply{{status: 200, body: env(28, adapterstest.Echo(tok), url.QueryEscape(tok),
			base64.StdEncoding.EncodeToString([]byte(tok)), adapterstest.Echo(testSecret))}}, order, false, nil},
		{"expired token echoed in the code", []reply{{status: 200, body: env(28, "access_token "+url.QueryEscape(tok)+" 已过期",
			"token."+base64.URLEncoding.EncodeToString([]byte(tok)), "", "")}}, order, true, nil},
		{"not found echoing path-escaped", []reply{{status: 200, body: env(2001, "订单不存在", url.PathEscape(tok), "", base64.RawURLEncoding.EncodeToString([]byte(testSecret)))}},
			order, false, adapters.ErrNotFound},
		{"approve failure", []reply{{status: 200, body: detail}, {status: 200, body: env(15, adapterstest.Echo(tok, testSecret), url.QueryEscape(testSecret), "", "")}},
			func(c *Client) error {
				return c.Resolve(context.Background(), adapters.CaseRef{ID: liveRefund}, adapters.Decision{Approve: true})
			}, false, nil},
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
