package intents

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// evalDir holds the held-out sets beside the repo (../shared/eval): for measuring only.
const evalDir = "../../shared/eval"

// holdoutKey folds a sentence to what "the same sentence" means here: letters and digits
// only, lower case, traditional and full-width folded as the classifier folds them.
func holdoutKey(s string) []rune { return []rune(Fold(s)) }

// deletions are s with one rune left out: two strings within one edit (a rune added,
// dropped or changed) share s itself or one of its deletions.
func deletions(s []rune) []string {
	out := make([]string, 0, len(s))
	for i := range s {
		out = append(out, string(s[:i])+string(s[i+1:]))
	}
	return out
}

// minNearLen is the shortest sentence compared within one edit: "好的呀" and "好的啊" are
// the same few characters every shop hears, not a copied sentence.
const minNearLen = 6

// heldOut reads every sentence of the eval files: labelled lines' text and dialogues' turns.
func heldOut(t *testing.T) (exact map[string]string, near map[string]string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(evalDir, "*.jsonl"))
	if len(files) == 0 {
		t.Skip("no eval sets beside the repo")
	}
	exact, near = map[string]string{}, map[string]string{}
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
		for sc.Scan() {
			var rec struct {
				Text  string   `json:"text"`
				Turns []string `json:"turns"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) != nil {
				continue
			}
			for _, s := range append(rec.Turns, rec.Text) {
				k := holdoutKey(s)
				if len(k) == 0 {
					continue
				}
				exact[string(k)] = s
				if len(k) >= minNearLen {
					near[string(k)] = s
					for _, d := range deletions(k) {
						near[d] = s
					}
				}
			}
		}
		f.Close()
	}
	return exact, near
}

// The eval sets beside the repo are for measuring only: no sentence of theirs may be in
// the training corpus, the same or within one character of it, or the figures they give
// would flatter the classifier.
func TestCorpusHoldsNoEvalSentence(t *testing.T) {
	exact, near := heldOut(t)
	corpus, err := loadCorpus(corpusFS)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range corpus {
		k := holdoutKey(ex.Text)
		if s, ok := exact[string(k)]; ok {
			t.Errorf("corpus example %q is the eval sentence %q", ex.Text, s)
			continue
		}
		if len(k) < minNearLen {
			continue
		}
		for _, d := range append(deletions(k), string(k)) {
			if s, ok := near[d]; ok {
				t.Errorf("corpus example %q nearly equals the eval sentence %q", ex.Text, s)
				break
			}
		}
	}
}

// The near-match itself: one rune added, dropped or changed is near; two are not.
func TestHoldoutNear(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		near bool
	}{
		{"杯子碎了我要退款", "杯子碎了我要退款", true},
		{"杯子碎了我要退款", "杯子碎了，我要退款！", true},
		{"杯子碎了我要退款", "杯子碎了我想退款", true},
		{"杯子碎了我要退款", "杯子碎了我要退款啊", true},
		{"杯子碎了我要退款", "杯子裂了我想退款", false},
		{"杯子碎了我要退款", "碗碎了我要退钱", false},
	} {
		a, b := holdoutKey(tc.a), holdoutKey(tc.b)
		set := map[string]bool{string(a): true}
		for _, d := range deletions(a) {
			set[d] = true
		}
		got := false
		for _, d := range append(deletions(b), string(b)) {
			got = got || set[d]
		}
		if got != tc.near || strings.EqualFold(tc.a, tc.b) && !got {
			t.Errorf("near(%q, %q)=%v, want %v", tc.a, tc.b, got, tc.near)
		}
	}
}
