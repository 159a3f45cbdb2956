package adapters

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewRESTRetriesOnlyTransient(t *testing.T) {
	tests := []struct {
		status   int
		wantHits int
		wantCode string
		retry    bool
		reauth   bool
	}{
		{200, 1, "", false, false},
		{204, 1, "", false, false},
		{500, 3, "http_500", true, false},
		{503, 3, "http_503", true, false},
		{429, 3, "http_429", true, false},
		{400, 1, "http_400", false, false},
		{401, 1, "http_401", false, true},
		{404, 1, "http_404", false, false},
		{409, 1, "http_409", false, false},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			hits := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits++
				w.WriteHeader(tt.status)
			}))
			defer srv.Close()
			c := NewREST(RESTOptions{Timeout: time.Second, Retries: 2, RetryWait: time.Millisecond})
			resp, err := c.R().Post(srv.URL + "/x?access_token=SECRET")
			got := CheckHTTP("p", "op", resp, err)
			if hits != tt.wantHits {
				t.Errorf("hits=%d, want %d", hits, tt.wantHits)
			}
			if tt.wantCode == "" {
				if got != nil {
					t.Fatalf("CheckHTTP=%v, want nil", got)
				}
				return
			}
			var ae *APIError
			if !errors.As(got, &ae) || ae.Code != tt.wantCode || ae.Retryable != tt.retry || ae.Reauth != tt.reauth {
				t.Fatalf("CheckHTTP=%#v, want code %s retryable %v reauth %v", got, tt.wantCode, tt.retry, tt.reauth)
			}
		})
	}
}

func TestCheckHTTPTransportErrorsDropURL(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	c := NewREST(RESTOptions{Timeout: 20 * time.Millisecond, Retries: 1, RetryWait: time.Millisecond})
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		url   string
		code  string
		retry bool
	}{
		{"timeout", context.Background(), srv.URL, "timeout", true},
		{"canceled", canceled, srv.URL, "canceled", true},
		{"refused", context.Background(), "http://127.0.0.1:1", "transport", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.R().SetContext(tt.ctx).Get(tt.url + "/x?access_token=SECRET")
			got := CheckHTTP("p", "op", resp, err)
			var ae *APIError
			if !errors.As(got, &ae) || ae.Code != tt.code || ae.Retryable != tt.retry {
				t.Fatalf("CheckHTTP=%v, want code %s", got, tt.code)
			}
			if strings.Contains(got.Error(), "SECRET") || strings.Contains(got.Error(), "/x?") {
				t.Fatalf("error %q carries the URL", got)
			}
		})
	}
}

func TestNewRESTCopiesHTTPClient(t *testing.T) {
	hc := &http.Client{Timeout: time.Hour}
	NewREST(RESTOptions{Timeout: time.Second, HTTPClient: hc})
	if hc.Timeout != time.Hour {
		t.Fatalf("caller's client modified: Timeout=%v", hc.Timeout)
	}
}

func TestClientOptionChecks(t *testing.T) {
	if err := RequireOptions("douyin", Option{Name: "AppKey", Value: "k"}, Option{Name: "AppSecret"}, Option{Name: "AccessToken"}); err == nil ||
		err.Error() != "douyin options: missing AppSecret, AccessToken" {
		t.Errorf("RequireOptions = %v, want both missing named", err)
	}
	if err := RequireOptions("douyin", Option{Name: "AppKey", Value: "k"}); err != nil {
		t.Errorf("RequireOptions with all given = %v", err)
	}
	for _, tc := range []struct {
		got, want string
		ok        bool
	}{
		{"", "hmac-sha256", true},
		{"md5", "md5", true},
		{"hmac-sha256", "hmac-sha256", true},
		{"sha1", "", false},
		{"MD5", "", false},
	} {
		m, err := SignMethod("taobao", tc.got, "hmac-sha256", "md5")
		if m != tc.want || (err == nil) != tc.ok {
			t.Errorf("SignMethod(%q) = %q, %v; want %q (ok %v)", tc.got, m, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "hmac-sha256, md5") {
			t.Errorf("SignMethod(%q) error %q does not name the methods allowed", tc.got, err)
		}
	}
	for _, tc := range [][3]string{
		{"", "https://a.example/", "https://a.example"},
		{"http://127.0.0.1:8080/", "https://a.example", "http://127.0.0.1:8080"},
		{"http://x/router/rest", "", "http://x/router/rest"},
	} {
		if got := BaseURL(tc[0], tc[1]); got != tc[2] {
			t.Errorf("BaseURL(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}
