package faq

import (
	_ "embed"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/aftersale/aftersale/intents"
)

// model is a multinomial logistic regression over the entries of a book and one more
// class, none (the last): does an entry answer a message at all, and which. It is
// trained from the book's own entries when first needed (Book.modelSure), so an edited
// FAQ gets its own model: each entry's phrasings, alone and told among buyer chat, are
// its class's examples; buyer chat the FAQ does not answer (the intents corpus) and the
// near-topic questions of nearmiss.txt are none's. Features are the character grams of
// the text written canonically (canonical.go), and only grams of the entries'
// phrasings: a message's words no phrasing uses (the context a buyer tells around a
// question: "我是早上拍的那个四件套") neither speak for an entry nor against it, so a
// question told at length is judged by what it asks; how much of the message is such
// words is one feature more, with a weight per class.
type model struct {
	classes int              // entries + 1
	feature map[string]int32 // gram → its row in w
	w       []float32        // row per feature, a weight per class
	unknown []float32        // per class: weight of the share of the message's grams that are no feature
	bias    []float32
}

// modelGrams are the features of text: its canonical letters, character pairs and
// triples, each once.
func modelGrams(text string) []string {
	r := []rune(canonical(text))
	seen := map[string]bool{}
	var out []string
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= len(r); i++ {
			if n == 1 && !unicode.IsLetter(r[i]) {
				continue
			}
			g := string(r[i : i+n])
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// Training settings. The epochs, rate and L2 are the ones that settle the weights on
// the sample within a few hundred milliseconds (6 epochs answer as 12 do on the held-out
// sets); the shares and copies were compared on the held-out sets (testdata/faq_eval*:
// precision ≥ 0.95 on each, then recall).
const (
	modelEpochs = 6
	modelRate   = 0.2
	modelL2     = 1e-4
	// negativeShare is how many background messages are drawn per phrasing (4: the whole
	// corpus makes a timid model that answers less and trains four times longer).
	negativeShare = 4
	// contextCopies is how many times each phrasing is also told among background chat;
	// without them the model takes any long message for chat (set 4 recall 0.28 for 0.64
	// at probability 0.5).
	contextCopies = 2
	// nearRepeat is how many times each near-miss question is shown: they are few and
	// the ones that teach where an entry's topic ends.
	nearRepeat = 3
	// members is how many models, each on its own draw of the background, vote: one
	// draw's luck moves a doubtful message's probability less (with one model, set 1's
	// precision at a looser decision varied 0.944–0.953 over seeds; 0.950–0.952 with
	// three).
	members   = 3
	modelSeed = 15
)

// backgroundChat is buyer chat the FAQ is not meant to answer: the intents corpus (35k
// buyer messages, after-sale and other chat), each text with its grams. Computed once
// (0.4 s): it depends on no book. The corpus also holds common pre-sale questions a
// shop's FAQ answers (包邮吗): chatNotAnswered leaves those out of a book's training.
var backgroundChat = sync.OnceValue(func() []chat {
	ex, err := intents.Corpus()
	if err != nil {
		return nil // cannot happen: the corpus is embedded and tested in package intents
	}
	out := make([]chat, len(ex))
	for i, e := range ex {
		out[i] = chat{e.Text, modelGrams(e.Text), e.Label == intents.Other}
	}
	return out
})

// chat is one background message and its grams; other is set for the corpus's other chat
// (pre-sale questions among it), where alone a question of the book may be.
type chat struct {
	text  string
	grams []string
	other bool
}

// backgroundAnswered is the score (Hit.Score) at which the lexical score alone takes a
// background message of other chat for one of the book's questions, and the message is
// not drawn as none. Drawn as none, "还有库存吗" and "积分能抵现吗" taught the model that
// the entries' own questions are chat (p 0.02 for "库存还多吗"). 0.25 was chosen on sets
// 1–4 among 0.2–0.4 (recall at the threshold 0.728 for 0.723 at 0.4 and 0.709 without, the
// precision unchanged); sets 5–8 gained 0.58 → 0.61. Scoring only the corpus's other chat
// (a third of it) with one plain score takes 0.9 s for the sample, for 0.003 of recall.
const backgroundAnswered = 0.25

// chatNotAnswered are the grams of the background messages answers does not take for a
// question of the book, in the corpus's order. The messages are scored on a few
// goroutines: about 35k lexical matches, 1–3 s on one core.
func chatNotAnswered(answers func(text string) bool) [][]string {
	bg := backgroundChat()
	keep := make([]bool, len(bg))
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(bg); i += workers {
				// (An after-sale request is no question of the book's, whatever words it
				// shares: only other chat is scored, a third of the corpus.)
				keep[i] = !bg[i].other || !answers(bg[i].text)
			}
		})
	}
	wg.Wait()
	var out [][]string
	for i, c := range bg {
		if keep[i] {
			out = append(out, c.grams)
		}
	}
	return out
}

//go:embed nearmiss.txt
var nearMissText string

// nearMissGrams are the grams of nearmiss.txt's questions: near-topic questions a shop
// FAQ's answers do not speak of (运费险怎么赔, 保温杯盖子能单买吗), written for it.
var nearMissGrams = sync.OnceValue(func() [][]string {
	var out [][]string
	for _, l := range strings.Split(nearMissText, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, modelGrams(l))
		}
	}
	return out
})

// labelled is one training example: its features (rows of w), the share of its grams
// that are no feature, and its class.
type labelled struct {
	rows    []int32
	unknown float32
	class   int
}

// features are the rows of text's grams that are features, and the share that are not.
func (m *model) features(grams []string) ([]int32, float32) {
	var rows []int32
	for _, g := range grams {
		if r, ok := m.feature[g]; ok {
			rows = append(rows, r)
		}
	}
	var u float32
	if len(grams) > 0 {
		u = float32(len(grams)-len(rows)) / float32(len(grams))
	}
	return rows, u
}

// trainModel fits the model for entries on their phrasings (each entry's class), the
// same phrasings told among background chat (a background message before or after:
// how buyers ask with context), and the background alone (none).
func trainModel(entries []Entry, bg [][]string, seed uint64) *model {
	k := len(entries)
	m := &model{classes: k + 1, feature: map[string]int32{}, unknown: make([]float32, k+1), bias: make([]float32, k+1)}
	type phr struct {
		grams []string
		class int
	}
	var ps []phr
	for i, e := range entries {
		for _, q := range e.Questions {
			g := modelGrams(q)
			ps = append(ps, phr{g, i})
			for _, x := range g {
				if _, ok := m.feature[x]; !ok {
					m.feature[x] = int32(len(m.feature))
				}
			}
		}
	}
	m.w = make([]float32, len(m.feature)*m.classes)
	rng := rand.New(rand.NewPCG(seed, seed))
	var pos, neg []labelled
	for _, p := range ps {
		rows, u := m.features(p.grams)
		pos = append(pos, labelled{rows, u, p.class})
		for range contextCopies * min(len(bg), 1) { // none without a background
			ctx := bg[rng.IntN(len(bg))]
			g := slices.Concat(p.grams, ctx)
			if rng.IntN(2) == 0 {
				g = slices.Concat(ctx, p.grams)
			}
			rows, u := m.features(dedup(g))
			pos = append(pos, labelled{rows, u, p.class})
		}
	}
	n := min(len(bg), negativeShare*len(ps))
	for _, j := range rng.Perm(len(bg))[:n] {
		rows, u := m.features(bg[j])
		neg = append(neg, labelled{rows, u, k})
	}
	var near []labelled
	for _, g := range nearMissGrams() {
		rows, u := m.features(g)
		for range nearRepeat {
			near = append(near, labelled{rows, u, k})
		}
	}
	all := slices.Concat(pos, neg, near)
	m.fit(all, modelEpochs, rng)
	return m
}

// dedup is grams without repeats, in order.
func dedup(grams []string) []string {
	seen := make(map[string]bool, len(grams))
	out := grams[:0:0]
	for _, g := range grams {
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// fit runs SGD on the multinomial log loss with L2 over all, epochs times.
func (m *model) fit(all []labelled, epochs int, rng *rand.Rand) {
	k := m.classes
	p := make([]float64, k)
	step := make([]float32, k)
	for e := range epochs {
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		lr := float32(modelRate / (1 + float64(e)/2))
		decay := 1 - lr*modelL2
		for _, s := range all {
			m.probsInto(s.rows, s.unknown, p)
			for c := range p {
				g := float32(p[c])
				if c == s.class {
					g--
				}
				step[c] = lr * g
				m.bias[c] -= step[c]
				m.unknown[c] -= step[c] * s.unknown
			}
			for _, r := range s.rows {
				w := m.w[int(r)*k : int(r)*k+k]
				for c := range w {
					w[c] = w[c]*decay - step[c]
				}
			}
		}
	}
}

// probsInto writes the class probabilities of a message's features into p.
func (m *model) probsInto(rows []int32, unknown float32, p []float64) {
	k := m.classes
	for c := range p {
		p[c] = float64(m.bias[c] + m.unknown[c]*unknown)
	}
	for _, r := range rows {
		for c, v := range m.w[int(r)*k : int(r)*k+k] {
			p[c] += float64(v)
		}
	}
	mx := math.Inf(-1)
	for c := range p {
		mx = max(mx, p[c])
	}
	var sum float64
	for c := range p {
		p[c] = math.Exp(p[c] - mx)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}

// modelOf is the answer model for entries, trained once on first call, on a copy of them;
// answers tells the background messages the book answers by its lexical score alone, which
// are not drawn as none.
func modelOf(entries []Entry, answers func(text string) bool) func() ensemble {
	entries = slices.Clone(entries)
	return sync.OnceValue(func() ensemble {
		bg := chatNotAnswered(answers)
		out := make(ensemble, members)
		var wg sync.WaitGroup
		for i := range out {
			wg.Go(func() { out[i] = trainModel(entries, bg, modelSeed+uint64(i)) })
		}
		wg.Wait()
		return out
	})
}

// ensemble is models trained on different draws of the background, their probabilities
// averaged: one draw's luck moves a doubtful message's probability less.
type ensemble []*model

// probs are the members' mean class probabilities of text: one per entry, then none.
func (e ensemble) probs(text string) []float64 {
	grams := modelGrams(text)
	var out []float64
	p := make([]float64, e[0].classes)
	for _, m := range e {
		rows, u := m.features(grams)
		m.probsInto(rows, u, p)
		if out == nil {
			out = make([]float64, len(p))
		}
		for c, v := range p {
			out[c] += v / float64(len(e))
		}
	}
	return out
}
