package dingtalk

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aftersale/aftersale/notify"
)

// keywordRobot answers like a DingTalk robot secured by 自定义关键词: a message whose text
// lacks the keyword is refused with errcode 310000, as DingTalk does (the errmsg is the one
// people report, e.g. RayWangQvQ/BiliBiliToolPro#271). It records the texts it took.
func keywordRobot(t *testing.T, keyword string, took *[]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != sendPath || r.URL.Query().Get("access_token") != testToken {
			t.Errorf("request %s %s, want POST %s with the token", r.Method, r.URL.Path, sendPath)
		}
		body, _ := io.ReadAll(r.Body)
		var msg message
		if err := json.Unmarshal(body, &msg); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
		if !strings.Contains(msg.Text.Content, keyword) {
			_, _ = io.WriteString(w, `{"errcode":310000,"errmsg":"description:关键词不匹配;solution:请联系群管理员查看此机器人的关键词，并在发送的信息中包含此关键词;"}`)
			return
		}
		*took = append(*took, msg.Text.Content)
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestKeywordInEveryAlert(t *testing.T) {
	long := strings.Repeat("买家说杯子碎了。", 2000) + "售后" // the keyword only past the cut
	tests := []struct {
		name     string
		keyword  string
		mentions []string
		alert    notify.Alert
		want     string // the text the robot took; "" to check only that it took one
	}{
		{name: "added when missing", keyword: "提醒", alert: notify.Alert{ID: 1, Text: "新售后 A12：退款"}, want: "【提醒】新售后 A12：退款"},
		{name: "kept once when present", keyword: "售后", alert: notify.Alert{ID: 2, Text: "新售后 A12：退款"}, want: "新售后 A12：退款"},
		{name: "urgent with mentions", keyword: "提醒", mentions: []string{"13800001111"},
			alert: notify.Alert{ID: 3, Level: notify.LevelUrgent, Text: "A12 已超时"}, want: "【提醒】【紧急】A12 已超时 @13800001111"},
		{name: "keyword cut off by truncation is put back", keyword: "售后", alert: notify.Alert{ID: 4, Text: long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var took []string
			srv := keywordRobot(t, tt.keyword, &took)
			s := mustNew(t, Options{Token: testToken, Keyword: tt.keyword, MentionMobiles: tt.mentions, BaseURL: srv.URL})
			if err := s.Send(context.Background(), tt.alert); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if len(took) != 1 {
				t.Fatalf("robot took %d messages, want 1", len(took))
			}
			if tt.want != "" && took[0] != tt.want {
				t.Fatalf("text=%q, want %q", took[0], tt.want)
			}
			if len(took[0]) > maxContentBytes || !utf8.ValidString(took[0]) {
				t.Fatalf("text is %d bytes (valid UTF-8: %v), want at most %d", len(took[0]), utf8.ValidString(took[0]), maxContentBytes)
			}
		})
	}
}

// TestKeywordMismatchIsPermanent: without the keyword configured the robot refuses every
// message the same way, so retrying cannot help; the router hands the alert on instead.
func TestKeywordMismatchIsPermanent(t *testing.T) {
	var took []string
	srv := keywordRobot(t, "提醒", &took)
	s := mustNew(t, Options{Token: testToken, BaseURL: srv.URL})
	err := s.Send(context.Background(), notify.Alert{ID: 1, Text: "新售后 A12：退款"})
	if err == nil || notify.Retryable(err) {
		t.Fatalf("err=%v (retryable %v), want a permanent refusal", err, notify.Retryable(err))
	}
	if len(took) != 0 {
		t.Fatalf("robot took %q", took)
	}
}

func TestKeywordWithSpacesRefused(t *testing.T) {
	if _, err := New(Options{Token: testToken, Keyword: " 提醒"}); err == nil {
		t.Fatal("New took a keyword with surrounding spaces, which DingTalk would never match")
	}
}
