package wecomapp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/notify"
)

const (
	corp   = "ww0123456789abcdef"
	secret = "app-secret-never-in-errors"
	agent  = 1000002
)

// fakeWeCom serves gettoken and message/send like WeCom and fails the test on a request
// WeCom would refuse for a reason the test did not set up: wrong credentials, a missing
// or unknown token, a wrong body. sendCodes are errcodes to answer message/send with,
// in order, before it succeeds; an expired token is answered 42001.
type fakeWeCom struct {
	t         *testing.T
	mu        sync.Mutex
	tokens    int
	expired   map[string]bool
	sendCodes []int
	bodies    []map[string]any
	posts     int // message/send requests, answered or refused
}

func newFake(t *testing.T) (*fakeWeCom, *httptest.Server) {
	f := &fakeWeCom{t: t, expired: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeWeCom) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/cgi-bin/gettoken":
		if q.Get("corpid") != corp || q.Get("corpsecret") != secret {
			f.t.Errorf("gettoken with corpid %q and a wrong secret", q.Get("corpid"))
			w.Write([]byte(`{"errcode":40001,"errmsg":"invalid credential"}`))
			return
		}
		f.tokens++
		json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "access_token": "T" + string(rune('0'+f.tokens)), "expires_in": 7200})
	case r.Method == http.MethodPost && r.URL.Path == "/cgi-bin/message/send":
		f.posts++
		tok := q.Get("access_token")
		if tok == "" || tok[0] != 'T' {
			f.t.Errorf("message/send with token %q", tok)
			w.Write([]byte(`{"errcode":41001,"errmsg":"access_token missing"}`))
			return
		}
		if f.expired[tok] {
			w.Write([]byte(`{"errcode":42001,"errmsg":"access_token expired"}`))
			return
		}
		var b map[string]any
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			f.t.Errorf("body: %v", err)
		}
		if b["msgtype"] != "text" || b["agentid"] != float64(agent) {
			f.t.Errorf("body %v: want text for agent %d", b, agent)
		}
		f.bodies = append(f.bodies, b)
		if len(f.sendCodes) > 0 {
			code := f.sendCodes[0]
			f.sendCodes = f.sendCodes[1:]
			json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": "refused"})
			return
		}
		w.Write([]byte(`{"errcode":0,"errmsg":"ok","invaliduser":""}`))
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func newSink(t *testing.T, url string) *Sink {
	t.Helper()
	s, err := New(Options{CorpID: corp, AgentID: agent, Secret: secret, ToUsers: []string{"ZhangSan", "LiSi"}, BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSend(t *testing.T) {
	f, srv := newFake(t)
	s := newSink(t, srv.URL)
	ctx := context.Background()
	if err := s.Send(ctx, notify.Alert{ID: 1, Level: notify.LevelUrgent, Text: "A1 即将超时"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SendText(ctx, []string{"WangWu"}, "👤 已接管"); err != nil {
		t.Fatal(err)
	}
	if f.tokens != 1 {
		t.Errorf("gettoken called %d times, want the token cached", f.tokens)
	}
	want := []struct{ to, content string }{{"ZhangSan|LiSi", "【紧急】A1 即将超时"}, {"WangWu", "👤 已接管"}}
	for i, w := range want {
		b := f.bodies[i]
		if b["touser"] != w.to || b["text"].(map[string]any)["content"] != w.content {
			t.Errorf("message %d = %v, want %q to %s", i, b, w.content, w.to)
		}
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name      string
		codes     []int
		expire    bool
		wantErr   bool
		wantRetry bool
		wantPosts int
	}{
		{"expired token replaced", nil, true, false, false, 2},
		{"busy", []int{-1}, false, true, true, 1},
		{"frequency limit", []int{45009}, false, true, true, 1},
		{"bad user list", []int{81013}, false, true, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFake(t)
			s := newSink(t, srv.URL)
			if tt.expire {
				if _, err := s.api.AccessToken(context.Background()); err != nil {
					t.Fatal(err)
				}
				f.expired["T1"] = true
			}
			f.sendCodes = tt.codes
			posts := f.posts
			err := s.Send(context.Background(), notify.Alert{Text: "x"})
			if (err != nil) != tt.wantErr || (err != nil && notify.Retryable(err) != tt.wantRetry) {
				t.Fatalf("err = %v (retry %v), want error %v retry %v", err, notify.Retryable(err), tt.wantErr, tt.wantRetry)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the secret: %v", err)
			}
			if n := f.posts - posts; n != tt.wantPosts {
				t.Fatalf("message/send calls = %d, want %d", n, tt.wantPosts)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	ok := Options{CorpID: corp, AgentID: agent, Secret: secret, ToUsers: []string{"a"}}
	for name, mut := range map[string]func(o *Options){
		"no corp":    func(o *Options) { o.CorpID = "" },
		"no agent":   func(o *Options) { o.AgentID = 0 },
		"no secret":  func(o *Options) { o.Secret = " " },
		"no users":   func(o *Options) { o.ToUsers = nil },
		"bad user":   func(o *Options) { o.ToUsers = []string{"a|b"} },
		"bad url":    func(o *Options) { o.BaseURL = "ftp://x" },
		"neg timout": func(o *Options) { o.Timeout = -time.Second },
	} {
		o := ok
		mut(&o)
		if _, err := New(o); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error shows the secret", name)
		}
	}
	if _, err := New(ok); err != nil {
		t.Fatal(err)
	}
}
