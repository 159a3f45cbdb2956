package intents

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode"
)

// The eval set beside the repo is for measuring only: no sentence of it may be in the
// training corpus, or the figures it gives would flatter the classifier.
func TestCorpusHoldsNoEvalSentence(t *testing.T) {
	f, err := os.Open("../../shared/eval/dev.jsonl")
	if err != nil {
		t.Skip("no eval set beside the repo")
	}
	defer f.Close()
	norm := func(s string) string {
		return strings.ToLower(strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return -1
		}, s))
	}
	held := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ex struct{ Text string }
		if json.Unmarshal(sc.Bytes(), &ex) == nil && norm(ex.Text) != "" {
			held[norm(ex.Text)] = true
		}
	}
	corpus, err := loadCorpus(corpusFS)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range corpus {
		if held[norm(ex.Text)] {
			t.Errorf("corpus example %q is an eval sentence", ex.Text)
		}
	}
}
