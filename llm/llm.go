// Package llm asks an OpenAI-compatible chat model (POST {base_url}/chat/completions, the
// API of OpenAI, DeepSeek, Qwen/DashScope's compatible mode, Moonshot and local servers
// such as vLLM or Ollama) two narrow questions: which intent label a message the
// classifier is unsure of has, and how to answer a buyer's question strictly from the
// shop's FAQ entries and order facts given to it. Output is strict JSON, parsed and
// checked: a label outside the set, an answer that cites no given entry, anything
// malformed, slow (3 s by default) or refused is an error, and the caller hands the
// message to a person instead. The request carries the buyer's message and the facts the
// caller passes, nothing else of the buyer.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-resty/resty/v2"

	"github.com/aftersale/aftersale/adapters"
)

// DefaultTimeout bounds one call: a buyer waits on it.
const DefaultTimeout = 3 * time.Second

// maxAnswer caps an answer's length in runes; a phone screen, not an essay.
const maxAnswer = 300

// ErrUnusable is a reply from the model that cannot be used: not JSON, a label outside
// the set, an answer citing no given entry, an empty or overlong answer.
var ErrUnusable = errors.New("llm: unusable model output")

// Options configures a Client. BaseURL and Model are required.
type Options struct {
	BaseURL string // e.g. "https://api.deepseek.com/v1"; "/chat/completions" is appended
	Model   string
	APIKey  string        // sent as "Authorization: Bearer …"; "" for servers without one
	Timeout time.Duration // per call; 0 = DefaultTimeout
	// HTTPClient is copied for the calls; nil = a new one.
	HTTPClient *http.Client
}

// Client calls the model. It is safe for concurrent use.
type Client struct {
	http  *resty.Client
	model string
}

// New returns a client, or an error naming a missing option.
func New(o Options) (*Client, error) {
	if o.BaseURL == "" || o.Model == "" {
		return nil, errors.New("llm: base_url and model are required")
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	// The platforms' client (a copy of HTTPClient, resty's logger silenced), without
	// retries: a buyer waits on this call, and any failure has a fallback.
	c := adapters.NewREST(adapters.RESTOptions{Timeout: o.Timeout, Retries: -1, HTTPClient: o.HTTPClient})
	c.SetBaseURL(strings.TrimRight(o.BaseURL, "/")).SetHeader("Content-Type", "application/json")
	if o.APIKey != "" {
		c.SetAuthToken(o.APIKey)
	}
	return &Client{http: c, model: o.Model}, nil
}

// Entry is one FAQ entry offered to the model.
type Entry struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Message is one chat message of the request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is the body sent to /chat/completions.
type Request struct {
	Model          string         `json:"model"`
	Messages       []Message      `json:"messages"`
	ResponseFormat responseFormat `json:"response_format"`
	Temperature    float64        `json:"temperature"`
}

type responseFormat struct {
	Type string `json:"type"` // "json_object"
}

type response struct {
	Choices []struct {
		Message Message `json:"message"`
	} `json:"choices"`
}

const answerPrompt = `你是网店客服助手。只能根据下面给出的店铺常见问题(entries)和订单信息(facts)回答买家的问题，不得编造任何信息。
如果其中某一条能直接回答买家的问题，输出 {"answer": "给买家的回答（中文，简短）", "entry": "所依据条目的 id"}。
如果都不能回答，输出 {"answer": "", "entry": ""}。只输出 JSON。`

// Answer asks the model to answer question from entries and facts (one line each, e.g.
// "订单 4705…：已发货，中通 7890"). It returns the answer and the id of the entry it
// rests on; ok is false when the model says none of them answers. Errors: transport,
// HTTP status (429, 5xx …), timeout, or ErrUnusable.
func (c *Client) Answer(ctx context.Context, question string, entries []Entry, facts []string) (answer, entry string, ok bool, err error) {
	if len(entries) == 0 {
		return "", "", false, nil
	}
	input, _ := json.Marshal(struct {
		Entries  []Entry  `json:"entries"`
		Facts    []string `json:"facts,omitempty"`
		Question string   `json:"question"`
	}{entries, facts, question})
	content, err := c.ask(ctx, answerPrompt, string(input))
	if err != nil {
		return "", "", false, err
	}
	return parseAnswer(content, entries)
}

// parseAnswer reads the model's answer: JSON {"answer", "entry"}, the entry one of
// entries, or both empty for "none of them answers it".
func parseAnswer(content string, entries []Entry) (answer, entry string, ok bool, err error) {
	var out struct {
		Answer *string `json:"answer"`
		Entry  *string `json:"entry"`
	}
	if err := decode(content, &out); err != nil {
		return "", "", false, err
	}
	if out.Answer == nil || out.Entry == nil {
		return "", "", false, fmt.Errorf("%w: answer or entry missing", ErrUnusable)
	}
	a, id := strings.TrimSpace(*out.Answer), strings.TrimSpace(*out.Entry)
	switch {
	case a == "" && id == "":
		return "", "", false, nil
	case id == "" || !slices.ContainsFunc(entries, func(e Entry) bool { return e.ID == id }):
		return "", "", false, fmt.Errorf("%w: the answer cites no given entry (%q)", ErrUnusable, id)
	case a == "":
		return "", "", false, fmt.Errorf("%w: empty answer citing %s", ErrUnusable, id)
	case !utf8.ValidString(a) || utf8.RuneCountInString(a) > maxAnswer:
		return "", "", false, fmt.Errorf("%w: answer of %d characters", ErrUnusable, utf8.RuneCountInString(a))
	}
	return a, id, true, nil
}

const labelPrompt = `你是网店售后消息分类器。判断买家这句话想要什么，从 labels 中选一个最合适的，输出 {"label": "所选标签"}。只输出 JSON。`

// Classify asks the model which of labels text has. The answer is always one of labels;
// anything else is ErrUnusable.
func (c *Client) Classify(ctx context.Context, text string, labels []string) (string, error) {
	input, _ := json.Marshal(struct {
		Labels  []string `json:"labels"`
		Message string   `json:"message"`
	}{labels, text})
	content, err := c.ask(ctx, labelPrompt, string(input))
	if err != nil {
		return "", err
	}
	return parseLabel(content, labels)
}

// parseLabel reads the model's label: JSON {"label"}, one of labels.
func parseLabel(content string, labels []string) (string, error) {
	var out struct {
		Label string `json:"label"`
	}
	if err := decode(content, &out); err != nil {
		return "", err
	}
	if !slices.Contains(labels, out.Label) {
		return "", fmt.Errorf("%w: label %q not in the set", ErrUnusable, out.Label)
	}
	return out.Label, nil
}

// ask sends one system and one user message and returns the reply's content.
func (c *Client) ask(ctx context.Context, system, user string) (string, error) {
	req := Request{Model: c.model, Messages: []Message{{Role: "system", Content: system}, {Role: "user", Content: user}},
		ResponseFormat: responseFormat{Type: "json_object"}}
	var body response
	res, err := c.http.R().SetContext(ctx).SetBody(req).SetResult(&body).Post("/chat/completions")
	if err != nil {
		return "", fmt.Errorf("llm: %w", err)
	}
	if res.StatusCode() != http.StatusOK {
		return "", fmt.Errorf("llm: HTTP %d", res.StatusCode())
	}
	if len(body.Choices) == 0 {
		return "", fmt.Errorf("%w: no choices", ErrUnusable)
	}
	return body.Choices[0].Message.Content, nil
}

// decode reads content as one strict JSON object into out; some models wrap it in a
// Markdown fence even when asked not to.
func decode(content string, out any) error {
	content = strings.TrimSpace(content)
	content = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(content, "```json"), "```"), "```"))
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%w: %v", ErrUnusable, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: more than one JSON value", ErrUnusable)
	}
	return nil
}
