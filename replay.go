package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/adapters/manual"
	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/notify"
)

// dialogue is one line of a replay file: a buyer's turns in order and, optionally, the
// case intents that should exist at the end (one per distinct request).
type dialogue struct {
	ID     string   `json:"id"`
	Turns  []string `json:"turns"`
	Expect []string `json:"expect"`
}

// readDialogues reads a replay file; a malformed line is an error naming its number.
func readDialogues(r io.Reader) ([]dialogue, error) {
	var out []dialogue
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var d dialogue
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if d.Turns == nil {
			return nil, fmt.Errorf("line %d: no \"turns\"", line)
		}
		for _, e := range d.Expect {
			if l, ok := intents.ParseLabel(e); !ok || !l.OpensCase() {
				return nil, fmt.Errorf("line %d: expect %q is not a case intent (refund, return, exchange, complaint, repair)", line, e)
			}
		}
		if d.ID == "" {
			d.ID = fmt.Sprintf("line%d", line)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("after line %d: %w", line, err)
	}
	return out, nil
}

// syntheticOrders finds every order id it is asked about: a replayed buyer cannot answer
// "which order?", and a real case needs no real order to be recognised.
type syntheticOrders struct{}

func (syntheticOrders) Name() string { return "manual" }
func (syntheticOrders) Order(_ context.Context, id string) (adapters.Order, error) {
	return adapters.Order{ID: id, Platform: "manual", Status: adapters.OrderShipped, PaidFen: 100,
		Items:   []adapters.Item{{Title: "商品", Qty: 1, PriceFen: 100}},
		Courier: "中通快递", TrackingNo: "ZT" + id[max(0, len(id)-10):], Logistics: "运输中"}, nil
}
func (syntheticOrders) OpenCase(_ context.Context, c adapters.CaseRequest) (adapters.CaseRef, error) {
	return adapters.CaseRef{Platform: "manual", ID: "local-" + c.CaseID}, nil
}
func (syntheticOrders) CaseStatus(context.Context, adapters.CaseRef) (adapters.CaseStatus, error) {
	return adapters.CaseStatus{Status: adapters.StatusWaitingMerchant, Raw: "local"}, nil
}
func (syntheticOrders) Resolve(context.Context, adapters.CaseRef, adapters.Decision) error {
	return nil
}

// replayTally is what a replay counts, per conversation and in sum.
type replayTally struct {
	Opened, Waiting, Alerts, Replies  int
	Correct, Missed, False, Duplicate int
	WaitingForOrder                   int // expected requests recognised but waiting for an order number
	Expected                          int
}

func (t *replayTally) add(o replayTally) {
	t.Opened += o.Opened
	t.Waiting += o.Waiting
	t.Alerts += o.Alerts
	t.Replies += o.Replies
	t.Correct += o.Correct
	t.Missed += o.Missed
	t.False += o.False
	t.Duplicate += o.Duplicate
	t.WaitingForOrder += o.WaitingForOrder
	t.Expected += o.Expected
}

// score matches the cases opened (and the request still waiting) against what should
// exist: each expected intent takes one opened case of that intent (correct), else the
// waiting request if it is that intent (counted apart), else it is missed; opened cases
// left over are duplicates when their intent was expected, else false.
func score(expect []string, opened []string, waiting string) replayTally {
	t := replayTally{Opened: len(opened), Expected: len(expect)}
	if waiting != "" {
		t.Waiting = 1
	}
	left := slices.Clone(opened)
	for _, e := range expect {
		if i := slices.Index(left, e); i >= 0 {
			t.Correct++
			left = slices.Delete(left, i, i+1)
			continue
		}
		if waiting == e {
			t.WaitingForOrder++
			waiting = ""
			continue
		}
		t.Missed++
	}
	for _, o := range left {
		if slices.Contains(expect, o) {
			t.Duplicate++
		} else {
			t.False++
		}
	}
	return t
}

// replayGap is the fake time between a buyer's turns.
const replayGap = 20 * time.Second

// replay plays whole conversations through the real engine with a fake clock and prints
// what each did: cases opened, requests waiting for an order number, alerts, replies, and
// against expect: correct, missed, false and duplicate cases.
func (m *Main) replay(ctx context.Context, args []string) int {
	var orders *string
	var verbose *bool
	cfg, code := m.loadConfig(flag.NewFlagSet("replay", flag.ContinueOnError), args, func(fs *flag.FlagSet) {
		orders = fs.String("orders", "", "order book CSV (default: every plausible order id is found)")
		verbose = fs.Bool("v", false, "print every turn and reply (逐句打印)")
	})
	if cfg == nil {
		return code
	}
	rest := flagArgs(args)
	if len(rest) != 1 {
		fmt.Fprintln(m.Stderr, "用法 / usage: aftersale replay [-orders FILE.csv] [-v] FILE.jsonl")
		return exitUsage
	}
	f, err := os.Open(rest[0])
	if err != nil {
		fmt.Fprintf(m.Stderr, "replay: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	dialogues, err := readDialogues(f)
	if err != nil {
		fmt.Fprintf(m.Stderr, "replay %s: %v\n", rest[0], err)
		return exitUsage
	}
	var platform adapters.Platform = syntheticOrders{}
	if *orders != "" {
		if platform, err = manual.New(manual.Options{Path: *orders}); err != nil {
			fmt.Fprintf(m.Stderr, "replay -orders: %v\n", err)
			return exitUsage
		}
	}
	dir, err := os.MkdirTemp("", "aftersale-replay")
	if err != nil {
		fmt.Fprintf(m.Stderr, "replay: %v\n", err)
		return exitFail
	}
	defer os.RemoveAll(dir)
	cfg.Store.Path, cfg.Store.URL = filepath.Join(dir, "replay.db"), "" // a replay never touches the real store
	clock := &replayClock{t: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)}
	rec := &replayRecorder{}
	plats := map[string]adapters.Platform{}
	for _, s := range cfg.Shops {
		plats[s.ID] = platform
	}
	a, err := app.New(app.Options{Config: cfg, Channel: rec, Routes: []notify.Route{{Sink: replaySink{rec}}},
		Platforms: plats, Now: clock.Now})
	if err != nil {
		return m.buildFailed(err)
	}
	defer a.Close()
	shop := cfg.Shops[0].ID
	var sum replayTally
	fmt.Fprintf(m.Stdout, "%-28s %-28s %-10s %6s %7s  %s\n", "对话 id", "开单 opened (intent 订单)", "等订单号", "提醒", "回复", "对照 expect")
	for i, d := range dialogues {
		buyer := fmt.Sprintf("replay-%d", i+1)
		rec.reset()
		for j, turn := range d.Turns {
			clock.Add(replayGap)
			err := a.Engine.Handle(ctx, bot.Message{ID: fmt.Sprintf("%s-%d", buyer, j), Shop: shop, From: buyer, Name: buyer, Kind: bot.KindText, Text: turn, At: clock.Now()})
			if err != nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintf(m.Stderr, "%s turn %d: %v\n", d.ID, j+1, err)
			}
			a.Drain(ctx)
			if *verbose {
				fmt.Fprintf(m.Stdout, "  买家：%s\n", turn)
				for _, r := range rec.take(buyer) {
					fmt.Fprintf(m.Stdout, "    客服：%s\n", strings.ReplaceAll(r, "\n", " / "))
				}
			}
		}
		found, err := a.Store.FindCases(ctx, cases.CaseFilter{Shop: shop, Buyer: buyer})
		if err != nil {
			fmt.Fprintf(m.Stderr, "replay: %v\n", err)
			return exitFail
		}
		var opened, shown []string
		for _, c := range found {
			if l := intents.Label(c.Intent); l.OpensCase() && c.State != cases.StateClosed {
				opened = append(opened, c.Intent)
				shown = append(shown, c.Intent+" "+orEmpty(c.OrderID))
			}
		}
		waiting := ""
		if l := a.Engine.Waiting(shop, buyer); l.OpensCase() {
			waiting = string(l)
		}
		t := score(d.Expect, opened, waiting)
		t.Alerts, t.Replies = rec.alerts, rec.replies
		sum.add(t)
		verdict := "—"
		if d.Expect != nil {
			verdict = fmt.Sprintf("✓%d 漏%d 错%d 重%d 待%d  expect %v", t.Correct, t.Missed, t.False, t.Duplicate, t.WaitingForOrder, d.Expect)
		}
		fmt.Fprintf(m.Stdout, "%-28s %-28s %-10s %6d %7d  %s\n", clipID(d.ID), strings.Join(shown, ","), orEmpty(waiting), t.Alerts, t.Replies, verdict)
	}
	fmt.Fprintf(m.Stdout, "\n合计 total: %d 段对话, 开单 opened %d, 等订单号 waiting %d, 提醒 alerts %d, 回复 replies %d\n",
		len(dialogues), sum.Opened, sum.Waiting, sum.Alerts, sum.Replies)
	fmt.Fprintf(m.Stdout, "对照 expect (%d): correct %d, missed %d, false %d, duplicate %d, waiting for an order number %d\n",
		sum.Expected, sum.Correct, sum.Missed, sum.False, sum.Duplicate, sum.WaitingForOrder)
	if sum.Opened > 0 {
		fmt.Fprintf(m.Stdout, "case precision %.3f (correct / opened), recall %.3f (correct / expected), with waiting %.3f\n",
			float64(sum.Correct)/float64(sum.Opened), ratioOf(sum.Correct, sum.Expected), ratioOf(sum.Correct+sum.WaitingForOrder, sum.Expected))
	}
	return exitOK
}

func ratioOf(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func orEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clipID(s string) string {
	if r := []rune(s); len(r) > 28 {
		return string(r[:27]) + "…"
	}
	return s
}

// flagArgs returns what follows the flags loadConfig parsed; loadConfig's FlagSet is
// its own, so the positional arguments are found again here.
func flagArgs(args []string) []string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return args[i+1:]
		case !strings.HasPrefix(a, "-") || a == "-":
			return args[i:]
		case strings.Contains(a, "="), a == "-v", a == "--v":
		default:
			i++ // the flag's value
		}
	}
	return nil
}

// replayClock is the replay's fake time.
type replayClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *replayClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *replayClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// replayRecorder is the replay's channel and alert sink: it counts and keeps what was said.
type replayRecorder struct {
	mu      sync.Mutex
	said    map[string][]string
	replies int
	alerts  int
}

func (r *replayRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.said, r.replies, r.alerts = map[string][]string{}, 0, 0
}

func (r *replayRecorder) Send(_ context.Context, to, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.said[to] = append(r.said[to], text)
	r.replies++
	return nil
}

func (r *replayRecorder) take(to string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.said[to]
	delete(r.said, to)
	return out
}

// replaySink counts alerts for the recorder.
type replaySink struct{ r *replayRecorder }

func (s replaySink) Name() string { return "replay" }
func (s replaySink) Send(context.Context, notify.Alert) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.alerts++
	return nil
}
