package llm

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzParse: whatever a model writes, an answer is used only when it cites a given
// entry, and a label only when it is in the set; anything else is ErrUnusable.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"answer": "满59包邮", "entry": "free_shipping"}`, `{"answer": "", "entry": ""}`, `{"label": "refund"}`,
		"```json\n{\"label\": \"other\"}\n```", `{"answer": "x", "entry": "nope"}`, `{"answer": "x"} {"answer": "y"}`, `not json`, `{"label": null}`} {
		f.Add(s)
	}
	entries := []Entry{{ID: "free_shipping", Question: "包邮吗", Answer: "满59包邮"}}
	labels := []string{"refund", "other"}
	f.Fuzz(func(t *testing.T, content string) {
		a, id, ok, err := parseAnswer(content, entries)
		switch {
		case err != nil && !errors.Is(err, ErrUnusable):
			t.Fatalf("parseAnswer error %v is not ErrUnusable", err)
		case ok && (id != "free_shipping" || a == "" || !utf8.ValidString(a)):
			t.Fatalf("parseAnswer(%q) = %q %q: used without a valid citation", content, a, id)
		case !ok && (a != "" || id != ""):
			t.Fatalf("parseAnswer(%q) returned %q %q without ok", content, a, id)
		}
		l, err := parseLabel(content, labels)
		if err == nil && !slices.Contains(labels, l) || err != nil && !errors.Is(err, ErrUnusable) {
			t.Fatalf("parseLabel(%q) = %q, %v", content, l, err)
		}
	})
}
