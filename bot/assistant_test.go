package bot_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/llm"
)

// fakeLLM is an OpenAI-compatible endpoint: it answers the classifier prompt with label
// and the FAQ prompt by citing the first entry it was given, or fails with status.
type fakeLLM struct {
	mu     sync.Mutex
	label  string
	status int
	asked  []string // the user messages received
}

func (f *fakeLLM) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var req llm.Request
		if r.URL.Path != "/v1/chat/completions" || json.Unmarshal(raw, &req) != nil || len(req.Messages) != 2 || req.Model != "test-model" {
			t.Errorf("bad request to the model: %s %s", r.URL.Path, raw)
			http.Error(w, "bad", 400)
			return
		}
		f.mu.Lock()
		f.asked = append(f.asked, req.Messages[1].Content)
		status, label := f.status, f.label
		f.mu.Unlock()
		if status != 0 {
			http.Error(w, "down", status)
			return
		}
		var content string
		if strings.Contains(req.Messages[0].Content, "分类器") {
			content = `{"label": "` + label + `"}`
		} else {
			var in struct{ Entries []llm.Entry }
			json.Unmarshal([]byte(req.Messages[1].Content), &in)
			content = `{"answer": "按店铺说明：` + in.Entries[0].Answer + `", "entry": "` + in.Entries[0].ID + `"}`
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": content}}}})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

func withLLM(t *testing.T, f *fakeLLM) *harness {
	h := newHarness(t)
	h.cfg.LLM = config.LLM{BaseURL: f.start(t), Model: "test-model"}
	h.start()
	return h
}

// A question the FAQ scores too low on is answered by the model from the nearest entries,
// citing one; when the model fails, the question goes to the merchant's inbox.
func TestAssistantAnswersFromTheFAQ(t *testing.T) {
	f := &fakeLLM{}
	h := withLLM(t, f)
	q := "我们这边比较偏 满多少钱可以免掉邮费呢"
	books, err := app.FAQs(h.cfg, faqModels)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := books[shopID].Answer(q, "示例小店"); ok {
		t.Fatalf("%q is answered by the FAQ alone; the test needs one it is unsure of", q)
	}
	got := h.say(buyer, q)
	if len(got) != 1 || !strings.HasPrefix(got[0], "按店铺说明：") {
		t.Fatalf("replies %q, want the model's answer", got)
	}
	if n := len(h.liveCases()); n != 0 {
		t.Fatalf("%d inbox items after the model answered", n)
	}
	if len(f.asked) != 1 || !strings.Contains(f.asked[0], q) || strings.Contains(f.asked[0], buyer) {
		t.Fatalf("model asked %q: want the question and no buyer id", f.asked)
	}
	f.status = http.StatusTooManyRequests
	mustContain(t, h.say(buyer, "你们实体店在哪里 周末可以去看看吗"), "Q1")
	if len(f.asked) != 2 {
		t.Fatalf("model asked %d times, want the second question tried on it too", len(f.asked))
	}
}

// A message the classifier is unsure of is read by the model, and the buyer still
// confirms before a case opens; without the model it would get the menu.
func TestAssistantReadsUnclearMessages(t *testing.T) {
	f := &fakeLLM{label: "repair"}
	h := newHarness(t)
	h.cfg.Intents.MenuBelow = 0.999 // every message unclear
	h.cfg.LLM = config.LLM{BaseURL: f.start(t), Model: "test-model"}
	h.start()
	got := h.say(buyer, "热水壶不加热了 要寄回去吗")
	if len(got) != 1 || strings.Contains(got[0], "1.") || !strings.Contains(got[0], "维修") {
		t.Fatalf("replies %q, want a confirmation of 维修 (no menu)", got)
	}
	if n := caseCount(t, h); n != 0 {
		t.Fatal("a case opened before the buyer confirmed the model's reading")
	}
	f.label = "bogus"
	got = h.say("另一个买家", "热水壶不加热了 要寄回去吗")
	if len(got) != 1 || !strings.Contains(got[0], "1.") {
		t.Fatalf("replies %q after an unusable label, want the menu", got)
	}
}
