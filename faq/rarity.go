package faq

import (
	"cmp"
	_ "embed"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aftersale/aftersale/intents"
)

// rarity.txt holds, for each character, how many messages of the embedded buyer corpus
// (package intents) contain it: the measure of how little a character says ("亲", "吗",
// "这个"). It is counted at `go generate` time, as the intent model is, so a start does
// not fold 33k corpus lines (93 ms); TestEmbeddedRarityIsCurrent checks it.
//
//go:generate go run ./internal/genrarity -o rarity.txt -pairs pairs.txt
//go:embed rarity.txt
var rarityTable string

// pairs.txt holds, for each pair of adjacent characters in at least minPairCount
// messages of the same corpus written canonically (canonical.go), how many messages hold
// it: how common a two-character word is in buyer chat (老公, 明天, 等着 are; 果汁, 手续
// are not). It depends on canonical.go's tables as well as on the corpus, so after a
// change to either run `go generate ./faq`; TestEmbeddedPairsAreCurrent checks it.
//
//go:embed pairs.txt
var pairTable string

// minPairCount is the fewest messages a pair is in for pairs.txt to list it; a pair in
// fewer weighs as one in none (the difference is log 2 at most), which keeps the table
// to a third of the pairs.
const minPairCount = 2

// CharCounts counts, over the buyer corpus, the messages that hold each folded character,
// and the messages in all.
func CharCounts() (df map[rune]int, docs int, err error) {
	ex, err := intents.Corpus()
	if err != nil {
		return nil, 0, err
	}
	df = map[rune]int{}
	for _, e := range ex {
		seen := map[rune]bool{}
		for _, r := range intents.Fold(e.Text) {
			if !seen[r] {
				seen[r] = true
				df[r]++
			}
		}
	}
	return df, len(ex), nil
}

// PairCounts counts, over the buyer corpus written canonically, the messages that hold
// each pair of adjacent characters, and the messages in all.
func PairCounts() (df map[string]int, docs int, err error) {
	ex, err := intents.Corpus()
	if err != nil {
		return nil, 0, err
	}
	df = map[string]int{}
	for _, e := range ex {
		r := []rune(canonical(e.Text))
		seen := map[string]bool{}
		for i := 0; i+2 <= len(r); i++ {
			p := string(r[i : i+2])
			if !seen[p] {
				seen[p] = true
				df[p]++
			}
		}
	}
	return df, len(ex), nil
}

// WritePairs writes pair counts as pairs.txt holds them: "docs N", then one
// "pair<TAB>count" line per pair in at least minPairCount messages, in byte order.
func WritePairs(w io.Writer, df map[string]int, docs int) error {
	kept := make(map[string]int, len(df))
	for p, c := range df {
		if c >= minPairCount {
			kept[p] = c
		}
	}
	return writeTable(w, kept, docs, func(p string) string { return p })
}

// readPairs parses pairs.txt.
func readPairs(table string) (df map[string]int, docs int, err error) {
	return readTable("pairs.txt", table, func(k string) (string, error) {
		if len([]rune(k)) != 2 {
			return "", fmt.Errorf("%q is not two characters", k)
		}
		return k, nil
	})
}

// WriteCounts writes counts as rarity.txt holds them: "docs N", then one "char<TAB>count"
// line per character, in code-point order.
func WriteCounts(w io.Writer, df map[rune]int, docs int) error {
	return writeTable(w, df, docs, strconv.QuoteRune)
}

// writeTable writes a table as rarity.txt and pairs.txt hold one: "docs<TAB>N", then one
// "key<TAB>count" line per key, keys in their natural order.
func writeTable[K cmp.Ordered](w io.Writer, df map[K]int, docs int, format func(K) string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "docs\t%d\n", docs)
	for _, k := range slices.Sorted(maps.Keys(df)) {
		fmt.Fprintf(&b, "%s\t%d\n", format(k), df[k])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// readTable parses a table writeTable wrote, named name in errors, each key read by key.
func readTable[K comparable](name, table string, key func(string) (K, error)) (df map[K]int, docs int, err error) {
	df = map[K]int{}
	for n, line := range strings.Split(strings.TrimSuffix(table, "\n"), "\n") {
		k, v, ok := strings.Cut(line, "\t")
		count, cerr := strconv.Atoi(v)
		if !ok || cerr != nil {
			return nil, 0, fmt.Errorf("%s:%d: want key<TAB>count", name, n+1)
		}
		if n == 0 {
			if k != "docs" {
				return nil, 0, fmt.Errorf("%s:1: want docs<TAB>N", name)
			}
			docs = count
			continue
		}
		kk, err := key(k)
		if err != nil {
			return nil, 0, fmt.Errorf("%s:%d: %w", name, n+1, err)
		}
		df[kk] = count
	}
	return df, docs, nil
}

// readCounts parses rarity.txt.
func readCounts(table string) (df map[rune]int, docs int, err error) {
	return readTable("rarity.txt", table, func(k string) (rune, error) {
		r, err := strconv.Unquote(k)
		if err != nil || len([]rune(r)) != 1 {
			return 0, fmt.Errorf("bad character %s", k)
		}
		return []rune(r)[0], nil
	})
}

// pairBackground weighs a pair of characters by its rarity in buyer chat:
// log((docs+1)/(count+1)), the count 0 for a pair pairs.txt does not list.
var pairBackground = sync.OnceValue(func() func(string) float64 {
	df, docs, err := readPairs(pairTable)
	if err != nil || docs == 0 {
		return func(string) float64 { return math.Inf(1) } // cannot happen: embedded and tested; +Inf leaves a character's own weight
	}
	n := float64(docs)
	return func(p string) float64 { return math.Log((n + 1) / float64(df[p]+1)) }
})

// background weighs a character by its rarity in buyer chat: log((docs+1)/(count+1)).
var background = sync.OnceValue(func() func(rune) float64 {
	df, docs, err := readCounts(rarityTable)
	if err != nil || docs == 0 {
		return func(rune) float64 { return 1 } // cannot happen: the table is embedded and tested
	}
	n := float64(docs)
	return func(r rune) float64 { return math.Log((n + 1) / float64(df[r]+1)) }
})
