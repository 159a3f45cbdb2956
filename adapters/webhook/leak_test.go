package webhook

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/adapterstest"
)

// A shop system that echoes the shared secret URL-encoded and base64 in its error text
// or in a status it sends back: no encoding reaches the error, its text or its APIError.
func TestNoEncodedSecretInErrors(t *testing.T) {
	secret := adapterstest.EchoToken
	errBody := func(msg string) string {
		b, _ := json.Marshal(map[string]string{"error": msg})
		return string(b)
	}
	order := func(c *Client) error { _, err := c.Order(context.Background(), knownOrder); return err }
	tests := []struct {
		name   string
		reply  scripted
		run    func(*Client) error
		reauth bool
	}{
		{"4xx echoing every form", scripted{status: 422, body: errBody(adapterstest.Echo(secret))}, order, false},
		{"401 echoing it URL-encoded", scripted{status: 401, body: errBody("secret=" + url.QueryEscape(secret) + " rejected")}, order, true},
		{"path-escaped past the cut", scripted{status: 400, body: errBody(strings.Repeat("x", 180) + url.PathEscape(secret))}, order, false},
		{"base64 as an order status", scripted{status: 200, body: `{"id":"A1001","status":"` + base64.StdEncoding.EncodeToString([]byte(secret)) + `","paid_fen":1}`}, order, false},
		{"base64url as a case status", scripted{status: 200, body: `{"status":"` + base64.RawURLEncoding.EncodeToString([]byte(secret)) + `"}`},
			func(c *Client) error {
				_, err := c.CaseStatus(context.Background(), adapters.CaseRef{ID: knownCase})
				return err
			}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newShop(t)
			s.secret = secret
			s.push(tt.reply)
			err := tt.run(s.client(t, nil))
			adapterstest.NoSecret(t, err, secret)
			var ae *adapters.APIError
			if !errors.As(err, &ae) || ae.Reauth != tt.reauth {
				t.Fatalf("err=%v, want an APIError with Reauth %v", err, tt.reauth)
			}
			if s.count() != 1 {
				t.Fatalf("requests=%d, want 1", s.count())
			}
		})
	}
}
