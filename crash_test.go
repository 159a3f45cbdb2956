package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/internal/longtest"
)

// waitCount waits until want occurs at least n times in the output.
func (p *proc) waitCount(t *testing.T, want string, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for strings.Count(p.output(), want) < n {
		select {
		case <-p.grew:
		case <-deadline:
			t.Fatalf("fewer than %d %q in output:\n%s", n, want, p.output())
		}
	}
}

const crashOrder = "4705288465508532862" // the delivered mug in the sample order book

// crashScript is what each buyer types, in turn: requests that open, update, cancel and
// reopen cases, each line complete on its own because sessions do not survive a crash.
var crashScript = []string{
	"订单" + crashOrder + " 杯子碎了，我要退款",
	"我要退货，订单号" + crashOrder,
	"你们再不处理我就投诉到12315，订单" + crashOrder,
	crashOrder + " 还是要退款，钱退给我",
	"不退了，撤销申请",
	"我要退货退款 " + crashOrder + " 七天无理由",
	"在吗",
}

var (
	alertLine = regexp.MustCompile(`【商家视图·提醒】(.*)`)
	replyLine = regexp.MustCompile(`^客服 → ([^：]+)：(.*)$`)
	caseRef   = regexp.MustCompile(`(?:单号 |售后单 )(A\d+)`)
)

// TestKill9Loop kills the chat process at random points of a conversation among several
// buyers, restarts it and carries on, then checks from the store that no case, transcript
// or alert was lost and no alert was sent twice without the repeat mark.
func TestKill9Loop(t *testing.T) {
	longtest.Skip(t, "kill -9 loop: starts and kills the program 20 times")
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AFTERSALE_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("AFTERSALE_CRASH_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (rerun with AFTERSALE_CRASH_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	cfg := writeConfig(t, "")
	loc := useTestStore(t, cfg, filepath.Join(filepath.Dir(cfg), "cases.db"))
	buyers := []string{"买家甲", "买家乙", "买家丙", "买家丁"}
	// The whole conversation, buyer by buyer in a shuffled interleaving.
	type line struct{ buyer, text string }
	var script []line
	next := make([]int, len(buyers))
	for done := 0; done < len(buyers); {
		b := rng.IntN(len(buyers))
		if next[b] == len(crashScript) {
			continue
		}
		script = append(script, line{buyers[b], crashScript[next[b]]})
		if next[b]++; next[b] == len(crashScript) {
			done++
		}
	}

	const kills = 20
	var all strings.Builder
	pos := 0
	began := time.Now()
	for k := 0; k < kills; k++ {
		p := start(t, "chat", "-config", cfg)
		p.waitFor(t, "/quit 退出") // the channel reads input from here on
		// Send a few lines, then kill after a random number of answers plus a short
		// random delay: the kill lands before, inside or after a turn's commit.
		n := 1 + rng.IntN(4)
		sent := 0
		for i := 0; i < n && pos < len(script); i++ {
			l := script[pos]
			p.send(t, "/buyer "+l.buyer)
			p.send(t, l.text)
			pos, sent = pos+1, sent+1
		}
		wait := rng.IntN(sent + 1)
		p.waitCount(t, "（现在的买家身份：", wait)
		if k%4 == 3 {
			// Every fourth run sees a turn through before the kill: on a store slower
			// than the kill window (PostgreSQL, a turn takes more than 3 ms) a seed could
			// kill every turn before its commit, and the loop proved nothing (CI, seed
			// 1796307089867452120: 0 cases).
			p.waitFor(t, "客服 → ")
		}
		delay := time.Duration(rng.IntN(3000)) * time.Microsecond
		time.Sleep(delay)
		p.cmd.Process.Kill()
		p.cmd.Wait()
		t.Logf("run %d: sent %d lines (script %d/%d), killed after %d turns began + %v", k+1, sent, pos, len(script), wait, delay)
		all.WriteString(p.output())
		if pos == len(script) {
			pos = 0 // go round again: repeated requests update live cases, closed ones reopen
		}
	}
	// Drain: graceful runs until everything that fell due went out. Recovery runs
	// beside the channel, so one quick run may stop before it re-sends a recovered alert.
	var due []cases.Alert
	for drain := 0; ; drain++ {
		p := start(t, "chat", "-config", cfg)
		p.send(t, "/m 列表")
		p.waitFor(t, "【商家视图 → 店主】")
		p.send(t, "/quit")
		if err := p.cmd.Wait(); err != nil {
			t.Fatalf("final run: %v\n%s", err, p.output())
		}
		all.WriteString(p.output())
		due = unsentDue(t, loc)
		if len(due) == 0 || drain == 2 {
			if drain > 0 {
				t.Logf("needed %d extra graceful runs before every due alert was out", drain)
			}
			break
		}
	}
	out := all.String()
	for _, a := range due {
		t.Errorf("alert %d (%s of %s, due %v) fell due but is %s", a.ID, a.Kind, a.CaseID, a.DueAt, a.State)
	}

	c := verifyDesk(t, loc, out, kills)
	t.Logf("%d kills in %v: %d cases (%d live, %d told to buyers), %d alerts shown, %d marked repeats",
		kills, time.Since(began).Round(time.Millisecond), c.cases, c.live, c.told, c.alerts, c.repeats)
}

// deskCounts is what verifyDesk found.
type deskCounts struct{ cases, live, told, alerts, repeats int }

// verifyDesk checks, from the store at loc and the output of every run (out), that no
// case, transcript or alert was lost over kills kill -9s, one live case per buyer, order
// and intent, and no alert sent twice without the repeat mark.
func verifyDesk(t *testing.T, loc, out string, kills int) deskCounts {
	t.Helper()
	store, err := cases.Open(loc, cases.Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	all0, err := store.FindCases(ctx, cases.CaseFilter{Shop: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]cases.Case{}
	live := map[string]string{}
	for _, c := range all0 {
		byID[c.ID] = c
		if c.State.Live() {
			key := c.Buyer + "|" + c.OrderID + "|" + c.Intent
			if other, dup := live[key]; dup {
				t.Errorf("two live cases %s and %s for %s", other, c.ID, key)
			}
			live[key] = c.ID
		}
	}

	// Every case a buyer was told about exists, is theirs, and keeps its transcript.
	told := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		m := replyLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		ref := caseRef.FindStringSubmatch(m[2])
		if ref == nil {
			continue
		}
		id := ref[1]
		told[id] = true
		c, ok := byID[id]
		if !ok {
			t.Errorf("buyer %s was told about case %s, which the store lacks", m[1], id)
			continue
		}
		if c.Buyer != m[1] {
			t.Errorf("case %s belongs to %s, but %s was told about it", id, c.Buyer, m[1])
		}
		events, err := store.Events(ctx, "demo", id)
		if err != nil {
			t.Fatal(err)
		}
		var msgs int
		var replied bool
		for _, e := range events {
			switch e.Kind {
			case cases.EventMessage:
				msgs++
			case cases.EventReply:
				replied = replied || strings.HasPrefix(e.Text, m[2])
			}
		}
		if msgs == 0 {
			t.Errorf("case %s has no buyer message in its transcript", id)
		}
		if !replied {
			t.Errorf("case %s transcript lacks the reply the buyer saw: %q", id, m[2])
		}
	}

	// Alerts: each one the store says went out appears exactly once unmarked, or else
	// only as marked repeats, at most one per kill; none is printed more than that.
	printed := map[string]int{}
	repeats := map[string]int{}
	for _, m := range alertLine.FindAllStringSubmatch(out, -1) {
		text := m[1]
		if r, ok := strings.CutPrefix(text, "【重发】"); ok {
			repeats[r]++
		} else {
			printed[text]++
		}
	}
	var sent, totalRepeats int
	for _, c := range all0 {
		events, err := store.Events(ctx, "demo", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Kind != cases.EventAlert || strings.HasPrefix(e.Text, "skipped:") {
				continue
			}
			key := strings.TrimPrefix(e.Text, "【重发】")
			if _, seen := printed[key]; !seen && repeats[key] == 0 {
				t.Errorf("case %s: alert %q recorded as sent but never shown", c.ID, key)
			}
		}
	}
	for key, n := range printed {
		sent++
		if n > 1 {
			t.Errorf("alert sent %d times without the repeat mark: %q", n, key)
		}
	}
	for key, n := range repeats {
		totalRepeats += n
		if printed[key] == 0 {
			sent++
		}
		if n > kills {
			t.Errorf("alert repeated %d times over %d kills: %q", n, kills, key)
		}
	}
	for key, n := range repeats {
		t.Logf("repeated %d× (unmarked %d×): %s", n, printed[key], key)
	}
	if len(all0) == 0 || sent == 0 {
		t.Fatalf("the loop proved nothing: %d cases, %d alerts\n%s", len(all0), sent, out)
	}
	return deskCounts{cases: len(all0), live: len(live), told: len(told), alerts: sent, repeats: totalRepeats}
}

// unsentDue lists alerts due by now that are neither sent nor cancelled.
func unsentDue(t *testing.T, path string) []cases.Alert {
	t.Helper()
	store, err := cases.Open(path, cases.Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	alerts, err := store.Alerts(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	var out []cases.Alert
	now := time.Now()
	for _, a := range alerts {
		if !a.DueAt.After(now) && a.State != cases.AlertSent && a.State != cases.AlertCancelled {
			out = append(out, a)
		}
	}
	return out
}
