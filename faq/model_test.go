package faq

import (
	"slices"
	"strings"
	"testing"
)

// A question told with context scores below the threshold, its context being words no
// entry speaks of; the answer model reads the question in it and the book answers. A
// near-topic question in the same band, whose asking clause holds what the entry never
// speaks of (豆浆, 转给别人), is not answered.
func TestModelDecidesDoubtfulQuestions(t *testing.T) {
	b := sample(t)
	for _, tc := range []struct{ text, id string }{
		{"上个月在你们家买过床单 这次再买四件套 洗的时候要注意啥", "bedding_wash"},
		{"搬了新家 想给孩子换床品 四件套洗的时候注意啥", "bedding_wash"},
		{"保温杯能装豆浆吗 早上带去上班", ""},
		{"会员积分能转给别人吗", ""},
	} {
		h := b.Match(tc.text)[0]
		if h.Score >= b.Threshold() || h.Score < modelFloor {
			t.Fatalf("%q scores %.3f: not in the model's band [%.2f, %.2f), the test asks nothing of it", tc.text, h.Score, modelFloor, b.Threshold())
		}
		_, id, ok := b.Answer(tc.text, "店")
		if id != tc.id || ok != (tc.id != "") {
			t.Errorf("%q → %q %v, want %q (best %s %.3f)", tc.text, id, ok, tc.id, h.ID, h.Score)
		}
	}
}

// The asking clause is what the entry must speak of: a clause of context does not count
// against it, a clause asking about something else does not count for it.
func TestAskCovered(t *testing.T) {
	b := sample(t)
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"我是宝妈 孩子老踢被子 四件套掉不掉色", true},
		{"保温杯能装豆浆吗 早上带去上班", false},
		{"四件套掉色吗", true},
	} {
		h := b.Match(tc.text)[0]
		if got := b.askCovered(h, tc.text); got != tc.want {
			t.Errorf("askCovered(%s, %q) = %v, want %v (coverage %.2f)", h.ID, tc.text, got, tc.want, h.Coverage)
		}
	}
}

// Evaluate decides as Answer does, the model included.
func TestEvaluateAgreesWithAnswer(t *testing.T) {
	b := sample(t)
	ex := []Example{
		{"包邮吗", "free_shipping"},
		{"上个月在你们家买过床单 这次再买四件套 洗的时候要注意啥", "bedding_wash"},
		{"保温杯能装豆浆吗 早上带去上班", ""},
		{"你们有耳机卖吗", ""},
	}
	var answered, right int
	for _, e := range ex {
		if _, id, ok := b.Answer(e.Text, "店"); ok {
			answered++
			if id == e.FAQ {
				right++
			}
		}
	}
	r := b.Evaluate(ex, b.Threshold())[0]
	if r.Answered != answered || r.Right != right || answered != 2 {
		t.Fatalf("Evaluate answered %d (%d right), Answer %d (%d right); want 2 of each", r.Answered, r.Right, answered, right)
	}
}

// The model knows an entry Add gives the book: it is trained anew on the entries with it.
func TestModelFollowsAdd(t *testing.T) {
	b := sample(t)
	before := b.model()
	if err := b.Add("engrave", "保温杯能刻字吗", "可以刻字，下单备注内容。"); err != nil {
		t.Fatal(err)
	}
	after := b.model()
	if len(after[0].bias) != len(before[0].bias)+1 {
		t.Fatalf("model classes %d after Add, want %d", len(after[0].bias), len(before[0].bias)+1)
	}
	p := after.probs("保温杯能刻字吗")
	if best := slices.Index(p, slices.Max(p)); best != b.Len()-1 {
		t.Fatalf("the added question's best class is %d, want the new entry %d (p %v)", best, b.Len()-1, p)
	}
}

// Warm trains the book's model ahead of need: the model a question uses afterwards is
// the one Warm trained (not retrained), and Warm may run beside questions.
func TestWarmTrainsAhead(t *testing.T) {
	b, err := Parse("sample", SampleFile(), 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { b.Warm(); close(done) }()
	b.Answer("包邮吗", "店")
	<-done
	first := b.model()
	b.Warm()
	if len(first) == 0 || first[0] != b.model()[0] {
		t.Fatal("the model was trained again after Warm")
	}
}

// The background messages the book answers by itself are not drawn as none: the model
// would learn that the entries' own questions are chat.
func TestBackgroundLeavesAnsweredOut(t *testing.T) {
	all := chatNotAnswered(func(string) bool { return false })
	var asked int
	for _, c := range backgroundChat() {
		if c.other && strings.Contains(c.text, "包邮") {
			asked++ // (after-sale requests are not scored: no question of the book's)
		}
	}
	if asked == 0 {
		t.Fatal("no background message asks 包邮: the test asks nothing")
	}
	kept := chatNotAnswered(func(text string) bool { return strings.Contains(text, "包邮") })
	if len(all) != len(backgroundChat()) || len(kept) != len(all)-asked {
		t.Fatalf("kept %d of %d (%d without a filter), want all but the %d of other chat asking 包邮", len(kept), len(backgroundChat()), len(all), asked)
	}
	b := sample(t)
	if !b.lexical().answersPlainly("包邮吗") || b.lexical().answersPlainly("杯子碎了要退款") {
		t.Fatal("answersPlainly: want 包邮吗 answered and a refund not")
	}
}

// Books of the same entries sharing Models train one answer model between them; a book
// that Adds a saved answer has its own; the oldest of more than modelsKept is let go.
func TestModelsAreShared(t *testing.T) {
	ms := NewModels()
	parse := func() *Book {
		b, err := Parse("sample_faq.toml", SampleFile(), 0)
		if err != nil {
			t.Fatal(err)
		}
		b.ShareModels(ms)
		return b
	}
	a, b := parse(), parse()
	if &a.model()[0] != &b.model()[0] {
		t.Fatal("two books of the same file trained two models")
	}
	if err := b.Add("inbox_q1", "杯子能刻字吗", "可以刻字，加5元"); err != nil {
		t.Fatal(err)
	}
	if &a.model()[0] == &b.model()[0] {
		t.Fatal("a book with a saved answer shares the file's model")
	}
	if len(ms.keys) != 2 {
		t.Fatalf("%d models kept, want 2", len(ms.keys))
	}
	for i := range modelsKept + 1 {
		ms.of([32]byte{byte(i + 1)}, a.model)
	}
	if len(ms.keys) != modelsKept || len(ms.byID) != modelsKept {
		t.Fatalf("kept %d (%d by id), want %d", len(ms.keys), len(ms.byID), modelsKept)
	}
}
