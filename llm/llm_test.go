package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/llm"
)

var entries = []llm.Entry{
	{ID: "free_shipping", Question: "包邮吗", Answer: "满 59 元包邮"},
	{ID: "invoice", Question: "能开发票吗", Answer: "可以开电子发票"},
}

// fakeModel is a /chat/completions server that fails the test on a wrong request and
// answers with content (the model's message) and status.
func fakeModel(t *testing.T, status int, content string, delay time.Duration) (*httptest.Server, *[]llm.Request) {
	t.Helper()
	var got []llm.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			t.Errorf("request %s %s, want POST /v1/chat/completions", r.Method, r.URL.Path)
		}
		if auth := r.Header.Get("Authorization"); auth != "Bearer sk-test" {
			t.Errorf("Authorization %q, want the bearer key", auth)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		raw, _ := io.ReadAll(r.Body)
		var req llm.Request
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			t.Errorf("body %s: %v", raw, err)
		}
		if req.Model != "test-model" || len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" ||
			!strings.Contains(string(raw), `"response_format":{"type":"json_object"}`) {
			t.Errorf("request %s: want the model, a system and a user message, JSON output", raw)
		}
		got = append(got, req)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		b, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": content}}}})
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func client(t *testing.T, url string) *llm.Client {
	t.Helper()
	c, err := llm.New(llm.Options{BaseURL: url + "/v1/", Model: "test-model", APIKey: "sk-test", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAnswer(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		content string
		delay   time.Duration
		answer  string
		ok      bool
		err     error // nil, llm.ErrUnusable, or errAny
	}{
		{name: "cited answer", status: 200, content: `{"answer": "满 59 元就包邮哦", "entry": "free_shipping"}`, answer: "满 59 元就包邮哦", ok: true},
		{name: "fenced JSON", status: 200, content: "```json\n{\"answer\": \"可以开\", \"entry\": \"invoice\"}\n```", answer: "可以开", ok: true},
		{name: "none answers", status: 200, content: `{"answer": "", "entry": ""}`},
		{name: "not JSON", status: 200, content: `亲，满59包邮哦`, err: llm.ErrUnusable},
		{name: "uncited answer", status: 200, content: `{"answer": "包邮的", "entry": ""}`, err: llm.ErrUnusable},
		{name: "cites an entry not given", status: 200, content: `{"answer": "包邮的", "entry": "shipping_policy"}`, err: llm.ErrUnusable},
		{name: "extra fields", status: 200, content: `{"answer": "包邮的", "entry": "free_shipping", "label": "other"}`, err: llm.ErrUnusable},
		{name: "missing entry", status: 200, content: `{"answer": "包邮的"}`, err: llm.ErrUnusable},
		{name: "overlong", status: 200, content: `{"answer": "` + strings.Repeat("很长", 200) + `", "entry": "free_shipping"}`, err: llm.ErrUnusable},
		{name: "429", status: 429, content: `{}`, err: errAny},
		{name: "500", status: 500, content: `{}`, err: errAny},
		{name: "slow", status: 200, content: `{"answer": "包邮", "entry": "free_shipping"}`, delay: time.Second, err: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, reqs := fakeModel(t, tt.status, tt.content, tt.delay)
			answer, id, ok, err := client(t, srv.URL).Answer(context.Background(), "包邮吗 我在上海", entries, []string{"订单 123：已发货"})
			switch {
			case tt.err == nil && err != nil:
				t.Fatalf("err %v", err)
			case tt.err == errAny && err == nil, tt.err == llm.ErrUnusable && !errors.Is(err, llm.ErrUnusable):
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if answer != tt.answer || ok != tt.ok || (ok && id == "") {
				t.Fatalf("answer %q id %q ok %v, want %q ok %v", answer, id, ok, tt.answer, tt.ok)
			}
			if len(*reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(*reqs))
			}
			user := (*reqs)[0].Messages[1].Content
			for _, want := range []string{"包邮吗 我在上海", "free_shipping", "满 59 元包邮", "订单 123：已发货"} {
				if !strings.Contains(user, want) {
					t.Fatalf("user message %q lacks %q", user, want)
				}
			}
		})
	}
}

var errAny = errors.New("any error")

func TestClassify(t *testing.T) {
	labels := []string{"refund", "return", "other"}
	for _, tc := range []struct {
		content, want string
		err           bool
	}{
		{`{"label": "refund"}`, "refund", false},
		{`{"label": "complaint"}`, "", true},
		{`{"label": 3}`, "", true},
		{`退款`, "", true},
	} {
		srv, reqs := fakeModel(t, 200, tc.content, 0)
		got, err := client(t, srv.URL).Classify(context.Background(), "钱什么时候退", labels)
		if got != tc.want || (err != nil) != tc.err || tc.err && !errors.Is(err, llm.ErrUnusable) {
			t.Errorf("%s: got %q err %v, want %q (error %v)", tc.content, got, err, tc.want, tc.err)
		}
		if len(*reqs) != 1 || !strings.Contains((*reqs)[0].Messages[1].Content, "钱什么时候退") || !strings.Contains((*reqs)[0].Messages[1].Content, "refund") {
			t.Errorf("%s: request %+v lacks the message or the labels", tc.content, *reqs)
		}
	}
}

func TestNewNeedsBaseURLAndModel(t *testing.T) {
	if _, err := llm.New(llm.Options{Model: "m"}); err == nil {
		t.Error("no base_url accepted")
	}
	if _, err := llm.New(llm.Options{BaseURL: "http://x"}); err == nil {
		t.Error("no model accepted")
	}
}
