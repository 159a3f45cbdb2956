package robot

import (
	"errors"
	"testing"

	"github.com/aftersale/aftersale/notify"
)

func TestVerdict(t *testing.T) {
	limited := func(code int, _ string) bool { return code == 42 }
	tests := []struct {
		name      string
		status    int
		body      string
		ans       Answer
		wantOK    bool
		wantRetry bool
	}{
		{name: "ok", status: 200, body: `{"code":0}`, ans: Answer{Found: true}, wantOK: true},
		{name: "rate limit code on 200", status: 200, ans: Answer{Found: true, Code: 42}, wantRetry: true},
		{name: "rate limit code on 400 wins over the status", status: 400, ans: Answer{Found: true, Code: 42}, wantRetry: true},
		{name: "other code on 400 is permanent", status: 400, ans: Answer{Found: true, Code: 7}},
		{name: "other code on 200 is permanent", status: 200, ans: Answer{Found: true, Code: 7}},
		{name: "other code on 503 retries", status: 503, ans: Answer{Found: true, Code: 7}, wantRetry: true},
		{name: "other code on 429 retries", status: 429, ans: Answer{Found: true, Code: 7}, wantRetry: true},
		{name: "no envelope 400 is permanent", status: 400, body: "bad"},
		{name: "no envelope 502 retries", status: 502, body: "gateway", wantRetry: true},
		{name: "no envelope 200 retries", status: 200, body: "<html>", wantRetry: true},
		{name: "code 0 on 500 retries", status: 500, ans: Answer{Found: true}, wantRetry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verdict("bot", tt.status, []byte(tt.body), tt.ans, limited)
			if tt.wantOK {
				if err != nil {
					t.Fatalf("Verdict=%v, want nil", err)
				}
				return
			}
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("Verdict=%v (%T), want *notify.SendError", err, err)
			}
			if se.Retry != tt.wantRetry || se.Status != tt.status || se.Sink != "bot" {
				t.Fatalf("Retry=%v Status=%d Sink=%q, want %v %d bot (%v)", se.Retry, se.Status, se.Sink, tt.wantRetry, tt.status, err)
			}
		})
	}
}

func TestWithKeyword(t *testing.T) {
	tests := []struct{ text, keyword, want string }{
		{"新售后 A12", "", "新售后 A12"},
		{"新售后 A12", "售后", "新售后 A12"},
		{"新售后 A12", "提醒", "【提醒】新售后 A12"},
		{"【紧急】A12 已超时", "紧急", "【紧急】A12 已超时"},
	}
	for _, tt := range tests {
		if got := WithKeyword(tt.text, tt.keyword); got != tt.want {
			t.Errorf("WithKeyword(%q, %q)=%q, want %q", tt.text, tt.keyword, got, tt.want)
		}
	}
}
