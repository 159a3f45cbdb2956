package wecomapp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aftersale/aftersale/notify"
)

// TestSendVerdicts pins the *notify.SendError each failure of gettoken or message/send
// becomes: its HTTP status and whether the alert is worth sending again.
func TestSendVerdicts(t *testing.T) {
	const token = "TOKEN-never-in-errors"
	type answer struct {
		status int
		body   string
	}
	ok := answer{200, `{"errcode":0,"errmsg":"ok","access_token":"` + token + `","expires_in":7200}`}
	tests := []struct {
		name       string
		get, send  answer
		down       bool // the server is gone: a transport error
		wantStatus int
		wantRetry  bool
	}{
		{name: "wrong secret", get: answer{200, `{"errcode":40001,"errmsg":"invalid credential"}`}},
		{name: "gettoken busy", get: answer{200, `{"errcode":-1,"errmsg":"busy"}`}, wantRetry: true},
		{name: "gettoken bad gateway", get: answer{502, "bad gateway"}, wantStatus: 502, wantRetry: true},
		{name: "gettoken without a token", get: answer{200, `{"errcode":0,"errmsg":"ok"}`}, wantRetry: true},
		{name: "send bad gateway", get: ok, send: answer{502, "bad gateway"}, wantStatus: 502, wantRetry: true},
		{name: "send rate limited by a proxy", get: ok, send: answer{429, "slow down"}, wantStatus: 429, wantRetry: true},
		{name: "send forbidden", get: ok, send: answer{403, "forbidden"}, wantStatus: 403},
		{name: "send answer without errcode", get: ok, send: answer{200, `{}`}, wantRetry: true},
		{name: "send answer not JSON", get: ok, send: answer{200, `<html>portal</html>`}, wantRetry: true},
		{name: "send refused", get: ok, send: answer{200, `{"errcode":81013,"errmsg":"user invalid"}`}, wantStatus: 200},
		{name: "send busy", get: ok, send: answer{200, `{"errcode":45033,"errmsg":"concurrency"}`}, wantStatus: 200, wantRetry: true},
		{name: "server gone", down: true, wantRetry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a := tt.send
				switch {
				case r.Method == http.MethodGet && r.URL.Path == "/cgi-bin/gettoken":
					if r.URL.Query().Get("corpsecret") != secret {
						t.Errorf("gettoken with a wrong secret")
					}
					a = tt.get
				case r.Method == http.MethodPost && r.URL.Path == "/cgi-bin/message/send":
					if r.URL.Query().Get("access_token") != token {
						t.Errorf("message/send with token %q", r.URL.Query().Get("access_token"))
					}
				default:
					t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
				}
				w.WriteHeader(a.status)
				w.Write([]byte(a.body))
			}))
			defer srv.Close()
			s := newSink(t, srv.URL)
			if tt.down {
				srv.Close()
			}
			err := s.Send(context.Background(), notify.Alert{ID: 7, Text: "A1 即将超时"})
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *notify.SendError", err)
			}
			if se.Status != tt.wantStatus || se.Retry != tt.wantRetry || se.Sink != "wecomapp" {
				t.Fatalf("err = %v: status %d retry %v, want status %d retry %v", err, se.Status, se.Retry, tt.wantStatus, tt.wantRetry)
			}
			if msg := err.Error(); strings.Contains(msg, secret) || strings.Contains(msg, token) {
				t.Fatalf("error shows a credential: %v", err)
			}
		})
	}
}
