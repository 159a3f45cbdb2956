package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/faq"
)

// faqCmd shows how the shop's FAQ answers a question, measures it on labelled files
// (-eval: JSON lines {"text": "...", "faq": "entry id or empty"}), or prints the sample
// FAQ for a shop to make its own from (-sample).
func (m *Main) faqCmd(args []string) int {
	var eval *string
	var sample *bool
	cfg, code := m.loadConfig(flag.NewFlagSet("faq", flag.ContinueOnError), args, func(fs *flag.FlagSet) {
		eval = fs.String("eval", "", "comma-separated JSONL files to measure precision/recall on (评测)")
		sample = fs.Bool("sample", false, "print the built-in sample FAQ, to start the shop's own from (打印内置示例常见问题)")
	})
	if cfg == nil {
		return code
	}
	if *sample {
		m.Stdout.Write(faq.SampleFile())
		return exitOK
	}
	books, err := app.FAQs(cfg, nil)
	if err != nil {
		fmt.Fprintf(m.Stderr, "配置错误 / config error: %v\n", err)
		return exitUsage
	}
	shop := cfg.Shops[0]
	book := books[shop.ID]
	if book == nil {
		fmt.Fprintf(m.Stderr, "店铺 %s 没有配置常见问题 (shops[0].faq) / no FAQ for shop %s\n", shop.ID, shop.ID)
		return exitUsage
	}
	if *eval != "" {
		return m.faqEval(book, strings.Split(*eval, ","))
	}
	rest := flagArgs(args)
	if len(rest) == 0 {
		fmt.Fprintln(m.Stderr, `用法 / usage: aftersale faq "包邮吗"   或 / or   aftersale faq -eval FILE.jsonl[,FILE2.jsonl]`)
		return exitUsage
	}
	text := strings.Join(rest, " ")
	hits := book.Match(text)
	for i, h := range hits[:min(3, len(hits))] {
		fmt.Fprintf(m.Stdout, "%d. %-16s %.3f (相似 similarity %.2f, 覆盖 coverage %.2f)  %s\n", i+1, h.ID, h.Score, h.Similarity, h.Coverage, strings.Join(h.Entry.Questions[:min(2, len(h.Entry.Questions))], " / "))
	}
	if answer, id, ok := book.Answer(text, shop.Name); ok {
		by := ""
		if hits[0].Score < book.Threshold() {
			by = "，低于阈值，由答案模型判定 below it: decided by the answer model"
		}
		fmt.Fprintf(m.Stdout, "回答 answer (%s, 阈值 threshold %.2f%s):\n%s\n", id, book.Threshold(), by, answer)
	} else if hits[0].Unasked != "" {
		fmt.Fprintf(m.Stdout, "不回答 no answer: 还问了 %s 没讲到的「%s」，整条交给店主 / a second question the entry does not speak of: the merchant answers both\n", hits[0].ID, hits[0].Unasked)
	} else {
		fmt.Fprintf(m.Stdout, "不回答 no answer: 最高分低于阈值 %.2f 且答案模型不确定，或没有足够相近的问法 / best score below the threshold and the answer model unsure, or no phrasing near enough\n", book.Threshold())
	}
	return exitOK
}

// faqEval prints precision and recall of the FAQ at a range of thresholds, marking the
// one in use (faq.Report says what each figure means).
func (m *Main) faqEval(book *faq.Book, files []string) int {
	var ex []faq.Example
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintf(m.Stderr, "faq -eval: %v\n", err)
			return exitUsage
		}
		e, err := faq.ReadExamples(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(m.Stderr, "faq -eval %s: %v\n", p, err)
			return exitUsage
		}
		ex = append(ex, e...)
	}
	grid := []float64{book.Threshold()}
	for i := 0; i <= 30; i++ {
		grid = append(grid, 0.10+0.02*float64(i))
	}
	reports := book.Evaluate(ex, grid...)
	cur := reports[0]
	fmt.Fprintf(m.Stdout, "样本 examples: %d（FAQ 覆盖 covered %d，不覆盖 uncovered %d）\n", len(ex), cur.Covered, len(ex)-cur.Covered)
	fmt.Fprintf(m.Stdout, "当前阈值 threshold %.2f: precision %.3f  recall %.3f  (answered %d, wrong %d)\n\n", cur.Threshold, cur.Precision, cur.Recall, cur.Answered, cur.Answered-cur.Right)
	fmt.Fprintln(m.Stdout, "阈值 threshold  precision  recall  answered  wrong")
	for _, r := range reports[1:] {
		mark := ""
		if math.Abs(r.Threshold-book.Threshold()) < 0.005 {
			mark = "  ← 当前 current"
		}
		fmt.Fprintf(m.Stdout, "%.2f           %.3f      %.3f   %-8d  %d%s\n", r.Threshold, r.Precision, r.Recall, r.Answered, r.Answered-r.Right, mark)
	}
	return exitOK
}
