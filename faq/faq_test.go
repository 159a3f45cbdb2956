package faq

import (
	"os"
	"strings"
	"testing"
)

func sample(t *testing.T) *Book {
	t.Helper()
	b, err := Parse("sample_faq.toml", SampleFile(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The sample FAQ answers the common questions in other words, and stays silent on what
// it does not cover.
func TestSampleAnswers(t *testing.T) {
	b := sample(t)
	for _, tc := range []struct{ text, id string }{
		{"包邮吗", "free_shipping"},
		{"亲 这个包不包邮呀", "free_shipping"},
		{"什么时候发货", "ship_time"},
		{"今天下单啥时候能发出", "ship_time"},
		{"可以开发票不", "invoice"},
		{"你们家这款杯子能进洗碗机吗", ""}, // the sample has no dishwasher entry: the merchant's inbox
		{"有券吗", "coupon"},
		{"baoyou吗", "free_shipping"}, // pinyin typed on a Latin keyboard
		{"能开 fapiao 吗", "invoice"},
		{"在吗", ""},
		{"我的快递到哪了", ""},
		{"杯子碎了要退款", ""},
		{"你们有耳机卖吗", ""},
		{"单位的", ""}, // one word shared with an entry (wholesale's 单位团购) is not a question
		{"检测一下", ""},
		{"你们公司", ""},
		{"包邮", "free_shipping"},
		{"新疆也包吗", "free_shipping"}, // 包 for 包邮, as buyers ask after the first answer (trial 16)
		{"那个保温杯是304的吗 会不会有异味", ""}, // thermos speaks of keeping warm, not of steel or smell (trial 16)
	} {
		_, id, ok := b.Answer(tc.text, "小店")
		if tc.id == "" && ok {
			t.Errorf("%q answered by %s, want nothing", tc.text, id)
		}
		if tc.id != "" && id != tc.id {
			hits := b.Match(tc.text)
			t.Errorf("%q → %q (ok %v), want %s; top %s %.2f, %s %.2f", tc.text, id, ok, tc.id, hits[0].ID, hits[0].Score, hits[1].ID, hits[1].Score)
		}
	}
}

// A price asked of one item is no bulk question: 四件套's 件 and 套 are no quantity
// (trial 17 answered "这个四件套多少钱啊" with the wholesale terms); nor a coupon question
// ("这个多少钱" got "满 99 减 10 … 不议价"): the merchant says the price.
func TestPriceIsNotWholesale(t *testing.T) {
	b := sample(t)
	for _, q := range []string{"这个四件套多少钱啊", "四件套多少钱", "杯子多少钱一个", "这个多少钱", "黑色那款卖多少", "这个什么价"} {
		if _, id, ok := b.Answer(q, "小店"); ok {
			t.Errorf("%q answered by %s, want the merchant's inbox", q, id)
		}
	}
	if _, id, _ := b.Answer("公司要买五十个杯子 有批发价吗", "小店"); id != "wholesale" {
		t.Errorf("a bulk order got %q, want wholesale", id)
	}
}

// A broken FAQ file is refused naming the file, line and problem.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\"]\nanswer = \"\"\n", "f.toml:1: entry a has an empty answer"},
		{"[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\"]\nanswer = \"x\"\n[[entry]]\nid = \"a\"\nquestions = [\"运费\"]\nanswer = \"y\"\n", "f.toml:5: entry id a appears twice"},
		{"[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\"]\nanswer = \"x\"\n[[entry]]\nid = \"b\"\nquestions = [\"包邮吗？\"]\nanswer = \"y\"\n", "is also in entry a"},
		{"[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\"]\nanswer = \"{{.Price}}\"\n", "unknown field"},
		{"[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\"]\nanswer = \"x\"\ntypo = 1\n", "unknown key"},
		{"[[entry]]\nid = \"a\"\nanswer = \"x\"\n", "no questions"},
		{"", "no [[entry]]"},
		{"[[entry]\n", "f.toml:"},
	} {
		_, err := Parse("f.toml", []byte(tc.file), 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want %q", tc.file, err, tc.want)
		}
	}
}

// Keywords keep an entry about one product from answering about another.
func TestKeywords(t *testing.T) {
	b, err := Parse("f.toml", []byte("[[entry]]\nid = \"mug\"\nquestions = [\"杯子能进微波炉吗\"]\nanswer = \"可以\"\nkeywords = [\"杯\"]\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := b.Answer("碗能进微波炉吗", "店"); ok {
		t.Fatal("an entry with keywords answered a message without them")
	}
	if a, _, ok := b.Answer("这个杯子可以进微波炉吗", "店"); !ok || a != "可以" {
		t.Fatalf("answer %q %v", a, ok)
	}
}

// The test sets are answered at the default threshold as measured, so a change that loses
// precision or recall on any fails: sets 1–8 (testdata/faq_evalN + faq_uncoveredN, written
// by others than the sample's author, each in its own voices) together with precision
// ≥ 0.95 and recall ≥ 0.80 (issue 15), the threshold having been chosen on them; set 9,
// written after that choice and measured once, as it was (precision 0.849: issue 15's 0.95
// is not reached on questions no choice has seen). Sets 1, 6, 7 and 9 alone are below 0.95
// (DefaultThreshold).
func TestHeldOutFigures(t *testing.T) {
	b := sample(t) // one book: its answer model trains once
	read := func(sets ...string) []Example {
		var ex []Example
		for _, n := range sets {
			for _, p := range []string{"testdata/faq_eval" + n + ".jsonl", "testdata/faq_uncovered" + n + ".jsonl"} {
				f, err := os.Open(p)
				if err != nil {
					t.Fatal(err)
				}
				e, err := ReadExamples(f)
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				ex = append(ex, e...)
			}
		}
		return ex
	}
	for _, tc := range []struct {
		name                 string
		sets                 []string
		minCovered, minUncov int
		minPrecision         float64
		minRecall            float64
	}{
		{"sets 1–8", []string{"", "2", "3", "4", "5", "6", "7", "8"}, 2000, 2000, 0.95, 0.80},
		{"set 1", []string{""}, 300, 300, 0.915, 0.895},
		{"set 2", []string{"2"}, 150, 150, 0.97, 0.925},
		{"set 3", []string{"3"}, 200, 200, 0.965, 0.935},
		{"set 4", []string{"4"}, 250, 200, 0.97, 0.795},
		{"set 5", []string{"5"}, 200, 200, 0.95, 0.695},
		{"set 6", []string{"6"}, 200, 200, 0.94, 0.665},
		{"set 7", []string{"7"}, 200, 200, 0.94, 0.75},
		{"set 8", []string{"8"}, 200, 200, 0.955, 0.71},
		{"set 9", []string{"9"}, 300, 300, 0.84, 0.86},
	} {
		ex := read(tc.sets...)
		r := b.Evaluate(ex, b.Threshold())[0]
		t.Logf("%s: %d covered, %d uncovered: precision %.3f recall %.3f", tc.name, r.Covered, len(ex)-r.Covered, r.Precision, r.Recall)
		if r.Covered < tc.minCovered || len(ex)-r.Covered < tc.minUncov {
			t.Fatalf("%s: %d covered and %d uncovered questions, want at least %d and %d", tc.name, r.Covered, len(ex)-r.Covered, tc.minCovered, tc.minUncov)
		}
		if r.Precision < tc.minPrecision || r.Recall < tc.minRecall {
			t.Errorf("%s: precision %.3f recall %.3f, want ≥ %.3f and ≥ %.3f", tc.name, r.Precision, r.Recall, tc.minPrecision, tc.minRecall)
		}
	}
}

func BenchmarkAnswer(b *testing.B) {
	book, err := Parse("sample_faq.toml", SampleFile(), 0)
	if err != nil {
		b.Fatal(err)
	}
	// the last two are below the threshold: the answer model decides them
	qs := []string{"亲 这个包不包邮呀", "你们家保温杯能刻字吗", "什么时候发货", "杯子碎了要退款",
		"我是宝妈 孩子老踢被子 四件套掉不掉色", "保温杯能装豆浆吗 早上带去上班"}
	book.Answer(qs[4], "店") // trains the answer model, once
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		book.Answer(qs[i%len(qs)], "店")
	}
}

// A letter weighs the lesser of its own rarity and half its commonest pair's: the letters
// of a word buyers write often weigh less than alone; other letters keep their rarity.
func TestLetterWeights(t *testing.T) {
	b := &Book{
		rarity: func(rune) float64 { return 4 },
		common: func(p string) float64 {
			if p == "老公" {
				return 2
			}
			return 10
		},
	}
	got := map[rune]float64{}
	for _, l := range b.letters(canonical("我老公买")) {
		got[l.r] = l.w
	}
	want := map[rune]float64{'我': 4, '老': 1, '公': 1, '买': 4}
	for r, w := range want {
		if got[r] != w {
			t.Errorf("%c weighs %.2f, want %.2f (all: %v)", r, got[r], w, got)
		}
	}
	if l := b.letters("单"); len(l) != 1 || l[0].w != 4 {
		t.Errorf("a one-letter message: %+v, want its letter at its own rarity", l)
	}
}

// The embedded pair table is the corpus's, written canonically: after a corpus change or
// a change to canonical.go's tables, run `go generate ./faq`.
func TestEmbeddedPairsAreCurrent(t *testing.T) {
	df, docs, err := PairCounts()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WritePairs(&b, df, docs); err != nil {
		t.Fatal(err)
	}
	if b.String() != pairTable {
		t.Fatal("faq/pairs.txt is stale: run go generate ./faq")
	}
	got, n, err := readPairs(pairTable)
	if err != nil || n != docs {
		t.Fatalf("readPairs: %d messages, %v; want %d", n, err, docs)
	}
	for p, c := range df {
		if want := c * btoi(c >= minPairCount); got[p] != want {
			t.Fatalf("%q: read %d, want %d (counted %d)", p, got[p], want, c)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The embedded character table is the corpus's: after a corpus change, run
// `go generate ./faq` (after `go generate ./intents`).
func TestEmbeddedRarityIsCurrent(t *testing.T) {
	df, docs, err := CharCounts()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteCounts(&b, df, docs); err != nil {
		t.Fatal(err)
	}
	if b.String() != rarityTable {
		t.Fatal("faq/rarity.txt is stale: run go generate ./faq")
	}
	got, n, err := readCounts(rarityTable)
	if err != nil || n != docs || len(got) != len(df) {
		t.Fatalf("readCounts: %d characters, %d messages, %v; want %d, %d", len(got), n, err, len(df), docs)
	}
	for r, c := range df {
		if got[r] != c {
			t.Fatalf("%q: read %d, counted %d", r, got[r], c)
		}
	}
}

// Exclude words keep an entry from answering a question it looks like but does not
// answer; a file whose entry excludes a word of its own question is refused.
func TestExclude(t *testing.T) {
	file := "[[entry]]\nid = \"mug\"\nquestions = [\"杯子能进微波炉吗\"]\nanswer = \"可以\"\nexclude = [\"洗碗机\", \"付不了\"]\n"
	b, err := Parse("f.toml", []byte(file), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		ok   bool
	}{
		{"杯子能进微波炉吗", true},
		{"这个杯子能不能进微波炉和洗碗机", false},
		{"杯子能進洗碗機嗎", false}, // traditional characters fold before the comparison
		{"杯子进微波炉付不了款", false},
	} {
		if _, _, ok := b.Answer(tc.text, "店"); ok != tc.ok {
			t.Errorf("Answer(%q) ok = %v, want %v", tc.text, ok, tc.ok)
		}
	}
	_, err = Parse("f.toml", []byte("[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\", \"退货包邮吗\"]\nanswer = \"x\"\nexclude = [\"退\"]\n"), 0)
	if err == nil || !strings.Contains(err.Error(), `f.toml:1: entry a: its question "退货包邮吗" holds its exclude word "退"`) {
		t.Fatalf("Parse = %v, want the exclude word in a question refused", err)
	}
}

// Buyers' variants of one word match the FAQ's word: homophone typos of phone input,
// colloquial synonyms, a closing 不 for 吗, chat fillers.
func TestCanonical(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"包油吗", "包邮吗"},
		{"能发顺风不", "能发顺丰吗"},
		{"亲 这个能开发漂吗", "可以开发票吗"},
		{"啥时候发货呀", "什么时候发货"},
		{"码子准不准", "尺码准不准"},
		{"免邮么", "包邮吗"},
		{"几天能到", "多久能到"},
		{"baoyou不", "包邮吗"}, // pinyin on a Latin keyboard
		{"yunfeixian有吗", "运费险有吗"},
		{"花呗能分三期吗", "花呗能分期吗"}, // a count of instalments is instalments
		{"床单会串色吗", "床单会掉色吗"},
		{"预订的什么时候发", "预售的什么时候发"},
		{"发到成都要几天", "发到南京要几天"}, // a place named in passing is any place
		{"寄内蒙古包邮不", "寄黑龙江包邮吗"},
		{"肿么选尺码", "怎么选尺码"},
		{"支付宝能付吗", "支付宝能付吗"}, // 宝 dropped as a pet name, not inside 支付宝
	} {
		if x, y := canonical(tc.a), canonical(tc.b); x != y {
			t.Errorf("canonical(%q) = %q, canonical(%q) = %q; want equal", tc.a, x, tc.b, y)
		}
	}
	if got := canonical("支付宝"); got != "支付宝" {
		t.Errorf("canonical(支付宝) = %q", got)
	}
}

// A message holding a whole phrasing among chat of its own ("…，能开发票吗") is as near to
// it as the share of the phrasing it holds, not only as its cosine, which every word of
// chat the FAQ knows lowers.
func TestContainedPhrasing(t *testing.T) {
	b, err := Parse("f.toml", []byte("[[entry]]\nid = \"invoice\"\nquestions = [\"能开发票吗\"]\nanswer = \"可以开电子发票\"\n"+
		"[[entry]]\nid = \"wholesale\"\nquestions = [\"公司采购一批杯子怎么算\"]\nanswer = \"二十件起批发价\"\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	h := b.Match("公司用的杯子，能开发票吗")[0]
	if h.ID != "invoice" || h.Similarity < 0.8 {
		t.Errorf("a message holding the phrasing: %s similarity %.2f, want invoice ≥ 0.8 (its cosine alone: 0.75)", h.ID, h.Similarity)
	}
}

// A lead-in a buyer opens a question with mid-chat ("顺便问下", "对了", "好的") asks nothing
// and must not cost the question its answer, nor does a topic's tail ("…的事情呢");
// "还有货吗" keeps its 还有.
func TestLeadInsAskNothing(t *testing.T) {
	b := sample(t)
	for _, tc := range []struct{ text, want string }{
		{"顺便问下 包邮吗", "free_shipping"},
		{"对了 你们保修多久啊", "warranty"},
		{"还有货吗", "stock"},
		// a topic followed up on, its tail asking nothing more (trial 24: an inbox item)
		{"好的，发票的事情呢？", "invoice"},
	} {
		_, id, ok := b.Answer(tc.text, "小店")
		if !ok || id != tc.want {
			t.Errorf("Answer(%q) = %q, %v; want %q", tc.text, id, ok, tc.want)
		}
	}
}

// The merchant's saved answer (Add) wins over a file entry it nearly ties with: it is
// newer, and the merchant was told the bot answers so. A file entry far ahead still
// answers.
func TestAddedAnswerIsPreferred(t *testing.T) {
	b, err := Parse("sample", SampleFile(), DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	const q = "已经发货了 地址还能改吗"
	if _, id, _ := b.Answer(q, "店"); id != "change_address" {
		t.Fatalf("before: %q answered by %s, want change_address", q, id)
	}
	if err := b.Add("inbox_q7", "地址填错了 已经发货了还能改吗", "已发货的就改不了了，可以拒收后重拍。"); err != nil {
		t.Fatal(err)
	}
	if _, id, ok := b.Answer(q, "店"); !ok || id != "inbox_q7" {
		t.Errorf("after: %q answered by %q (ok %v), want the saved answer", q, id, ok)
	}
	for q, want := range map[string]string{"地址能改吗": "change_address", "包邮吗": "free_shipping"} {
		if _, id, _ := b.Answer(q, "店"); id != want {
			t.Errorf("%q answered by %s, want %s", q, id, want)
		}
	}
}

// An answer saved for a place ("新疆能发吗") is not given for another place; a question
// saved with its topic ("发票抬头开错了 能重开吗") answers the same asked again (trial).
func TestAddedAnswerKeepsItsPlaceAndTopic(t *testing.T) {
	b, err := Parse("sample", SampleFile(), DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Add("inbox_1", "新疆能发吗", "新疆可以发，满59补15元运费，一般5-7天到"); err != nil {
		t.Fatal(err)
	}
	if _, id, ok := b.Answer("新疆能发吗", "店"); !ok || id != "inbox_1" {
		t.Errorf("the saved question itself got %q, %v", id, ok)
	}
	if _, id, ok := b.Answer("西藏能发吗", "店"); ok && id == "inbox_1" {
		t.Error("西藏 got the answer saved for 新疆")
	}
	if err := b.Add("inbox_2", "发票抬头开错了 能重开吗", "可以重开的，把公司抬头和税号发我就行"); err != nil {
		t.Fatal(err)
	}
	if _, id, ok := b.Answer("发票开错了能重开不", "店"); !ok || id != "inbox_2" {
		t.Errorf("the same question asked again got %q, %v", id, ok)
	}
}

// An answer saved for a question about goods ("马克杯能刻字吗" → "可以刻字…") answers that
// question about them asked again, and not about other goods (trial 22: "那台灯能刻字吗").
func TestAddedAnswerKeepsItsGoods(t *testing.T) {
	b, err := Parse("sample", SampleFile(), DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Add("inbox_q8", "马克杯能刻字吗", "可以刻字，下单备注要刻的内容，加5元，限10个字"); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]bool{"马克杯能刻字吗": true, "马克杯可以刻字不": true, "那台灯能刻字吗": false, "保温杯能刻字不": false} {
		_, id, ok := b.Answer(q, "店")
		if got := ok && id == "inbox_q8"; got != want {
			t.Errorf("%q answered by the saved entry = %v (%q), want %v", q, got, id, want)
		}
	}
}

// A question for any goods asked with the goods named ("手工皂礼盒有优惠券吗") is answered
// as the question alone would be: the name is a word the entry never speaks of (trial).
func TestGoodsNamedWithAGeneralQuestion(t *testing.T) {
	b, err := Parse("sample", SampleFile(), DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if _, id, ok := b.Answer("手工皂礼盒有优惠券吗", "店"); !ok || id != "coupon" {
		t.Errorf("got %q, %v; want coupon", id, ok)
	}
	// An entry about one product still keeps to it.
	if _, id, ok := b.Answer("饭盒能进微波炉吗", "店"); ok && id == "material" {
		t.Error("the mug's material answer for a lunch box")
	}
}
