package douyin

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

// A gateway that echoes the access token and the app secret URL-encoded and base64 in
// its message, sub-code and sub-message, or in a per-item failure: no encoding of either
// reaches the error, its text or its APIError fields.
func TestNoEncodedSecretInErrors(t *testing.T) {
	tok := adapterstest.EchoToken
	env := func(code int, msg, sub, subMsg string) string {
		b, _ := json.Marshal(map[string]any{"code": code, "msg": msg, "sub_code": sub, "sub_msg": subMsg})
		return string(b)
	}
	detail := `{"code":10000,"data":{"process_info":{"after_sale_info":{"after_sale_id":"` + liveCase + `","update_time":` + "1700001234" + `}}}}`
	item := func(msg string) string {
		b, _ := json.Marshal(map[string]any{"code": 10000, "data": map[string]any{"items": []any{map[string]any{"aftersale_id": liveCase, "status_code": 7, "status_msg": msg}}}})
		return string(b)
	}
	status := func(c *Client) error {
		_, err := c.CaseStatus(context.Background(), adapters.CaseRef{ID: liveCase})
		return err
	}
	tests := []struct {
		name    string
		replies []reply
		run     func(*Client) error
		is      error
	}{
		{"business error, every form", []reply{{status: 200, body: env(40004, "bad token "+url.QueryEscape(tok),
			"isv."+base64.StdEncoding.EncodeToString([]byte(tok)), adapterstest.Echo(tok, testSecret))}}, status, nil},
		{"expired token echoed URL-encoded", []reply{{status: 200, body: env(40004, "access_token="+url.QueryEscape(tok)+" expired",
			"isv.access-token-expired", url.PathEscape(tok))}}, status, nil},
		{"not found echoing base64", []reply{{status: 200, body: env(50002, "售后单不存在 "+base64.URLEncoding.EncodeToString([]byte(tok)),
			"isv.business-failed", base64.RawStdEncoding.EncodeToString([]byte(testSecret)))}}, status, adapters.ErrNotFound},
		{"operate item failure", []reply{{status: 200, body: detail}, {status: 200, body: item(adapterstest.Echo(tok, testSecret))}},
			func(c *Client) error {
				return c.Resolve(context.Background(), adapters.CaseRef{ID: liveCase}, adapters.Decision{Approve: true})
			}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.token = tok
			f.push(tt.replies...)
			err := tt.run(f.client(t, nil))
			adapterstest.NoSecret(t, err, tok, testSecret)
			var ae *adapters.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err=%v, want an APIError in the chain", err)
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
