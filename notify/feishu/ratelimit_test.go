package feishu

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aftersale/aftersale/notify"
)

// limitedBot answers like a Feishu bot over its rate limit for the first `limited`
// messages (HTTP 400 {"code":9499,"msg":"too many request"}, as ccfos/nightingale#1437
// logged it), then takes them. A keyword-secured bot refuses text without the keyword
// (code 19024). It records the texts it took.
type limitedBot struct {
	t       *testing.T
	limited int
	keyword string
	mu      sync.Mutex
	calls   int
	took    []string
}

func (b *limitedBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != hookPath+testToken {
		b.t.Errorf("request %s %s, want POST %s", r.Method, r.URL.Path, hookPath+testToken)
	}
	body, _ := io.ReadAll(r.Body)
	var msg message
	if err := json.Unmarshal(body, &msg); err != nil || msg.MsgType != "text" {
		b.t.Errorf("body %s: %v", body, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if b.calls <= b.limited {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"code":9499,"msg":"too many request","data":{}}`)
		return
	}
	if !strings.Contains(msg.Content.Text, b.keyword) {
		_, _ = io.WriteString(w, `{"code":19024,"msg":"Key Words Not Found"}`)
		return
	}
	b.took = append(b.took, msg.Content.Text)
	_, _ = io.WriteString(w, `{"code":0,"msg":"success","data":{}}`)
}

// memLog is a DeliveryLog in memory.
type memLog struct{ rec map[string]notify.Delivery }

func (l *memLog) Deliveries(context.Context, int64) (map[string]notify.Delivery, error) {
	out := map[string]notify.Delivery{}
	for k, v := range l.rec {
		out[k] = v
	}
	return out, nil
}

func (l *memLog) DeliverySent(_ context.Context, _ int64, sink, text string) error {
	d := l.rec[sink]
	d.Sink, d.Sent, d.Text = sink, true, text
	l.rec[sink] = d
	return nil
}

func (l *memLog) DeliveryFailed(_ context.Context, _ int64, sink string, _ error) (int, error) {
	d := l.rec[sink]
	d.Sink = sink
	d.Attempts++
	l.rec[sink] = d
	return d.Attempts, nil
}

// TestRateLimitedGroupStillGetsAlert replays issue 16's Feishu case through the router: a
// bot that answers "too many request" twice must be tried again (the worker does so with
// its backoff) and take the alert on the third round, instead of the alert being handed
// to the next sink after the first answer and never reaching the Feishu group.
func TestRateLimitedGroupStillGetsAlert(t *testing.T) {
	bot := &limitedBot{t: t, limited: 2}
	srv := httptest.NewServer(bot)
	t.Cleanup(srv.Close)
	s := mustNew(t, Options{Token: testToken, BaseURL: srv.URL})
	var nextCalls int
	next := notify.SinkFunc{SinkName: "next", Fn: func(context.Context, notify.Alert) error { nextCalls++; return nil }}
	log := &memLog{rec: map[string]notify.Delivery{}}
	r := notify.NewRouter([]notify.Route{{Sink: s}, {Sink: next, From: notify.LevelUrgent}}, log, nil)

	a := notify.Alert{ID: 9, Text: "新售后 A12：退款"}
	for round := 1; round <= 2; round++ {
		done, err := r.Deliver(context.Background(), a)
		if done || err == nil || !notify.Retryable(err) {
			t.Fatalf("round %d: done=%v err=%v, want a retryable failure", round, done, err)
		}
	}
	if nextCalls != 0 {
		t.Fatalf("next sink called %d times while feishu was only rate limited, want 0", nextCalls)
	}
	done, err := r.Deliver(context.Background(), a)
	if !done || err != nil {
		t.Fatalf("round 3: done=%v err=%v, want delivered", done, err)
	}
	if len(bot.took) != 1 || bot.took[0] != "新售后 A12：退款" {
		t.Fatalf("feishu group got %q, want the alert once", bot.took)
	}
}

func TestKeywordInEveryAlert(t *testing.T) {
	tests := []struct {
		name, keyword, text, want string
	}{
		{"added when missing", "提醒", "新售后 A12：退款", "【提醒】新售后 A12：退款"},
		{"kept once when present", "售后", "新售后 A12：退款", "新售后 A12：退款"},
		{"none configured", "", "新售后 A12：退款", "新售后 A12：退款"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot := &limitedBot{t: t, keyword: tt.keyword}
			srv := httptest.NewServer(bot)
			t.Cleanup(srv.Close)
			s := mustNew(t, Options{Token: testToken, Keyword: tt.keyword, BaseURL: srv.URL})
			if err := s.Send(context.Background(), notify.Alert{ID: 1, Text: tt.text}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if len(bot.took) != 1 || bot.took[0] != tt.want {
				t.Fatalf("bot took %q, want [%q]", bot.took, tt.want)
			}
		})
	}
}
