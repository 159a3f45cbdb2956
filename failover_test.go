package main

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/internal/pgtest"
)

// TestFailoverKill9 runs two instances of `run -channel terminal` on one PostgreSQL: one
// holds the channel (the stand-in for web WeChat's one login) and runs the alert loop,
// the other stands by. Buyers write to the holder; the holder is killed with kill -9 at a
// random point of a turn; the standby must take over within 10 s, and the killed one
// comes back as the next standby. Ten kills, then the same checks as the kill -9 loop:
// every case a buyer was told about exists, once, with its transcript; every due alert
// went out; an alert shown twice is marked 重发.
func TestFailoverKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	url := pgtest.Schema(t, "failover")
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

	// Two instances, one config each: the same database, names of their own, a short
	// lease so a dead holder's in-flight alerts are retaken soon.
	cfgs := map[string]string{}
	for _, name := range []string{"a", "b"} {
		cfg := writeConfig(t, "")
		appendConfig(t, cfg, "url = \""+url+"\"\ninstance = \""+name+"\"\nlease = \"3s\"\n")
		cfgs[name] = cfg
	}
	const takeoverBound = 10 * time.Second
	startAs := func(name string) *proc {
		return start(t, "run", "-channel", "terminal", "-config", cfgs[name])
	}

	buyers := []string{"买家甲", "买家乙", "买家丙", "买家丁"}
	type line struct{ buyer, text string }
	var script []line
	next := make([]int, len(buyers))
	for round := 0; round < 2; { // each buyer's lines in order, buyers interleaved at random
		b := rng.IntN(len(buyers))
		script = append(script, line{buyers[b], crashScript[next[b]]})
		if next[b] = (next[b] + 1) % len(crashScript); next[b] == 0 && b == 0 {
			round++
		}
	}

	holder, holderName := startAs("a"), "a"
	holder.waitFor(t, "/quit 退出")
	standby, standbyName := startAs("b"), "b"
	standby.waitFor(t, "备用实例")

	const kills = 10
	var all strings.Builder
	var takeovers []time.Duration
	pos := 0
	began := time.Now()
	for k := 0; k < kills; k++ {
		n := 1 + rng.IntN(4)
		sent, replies := 0, strings.Count(holder.output(), "客服 → ")
		for i := 0; i < n && pos < len(script); i++ {
			l := script[pos]
			holder.send(t, "/buyer "+l.buyer)
			holder.send(t, l.text)
			pos, sent = pos+1, sent+1
		}
		wait := rng.IntN(sent + 1)
		holder.waitCount(t, "客服 → ", replies+wait) // kill after some turns answered, inside a turn, or before
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		holder.cmd.Process.Kill() // kill -9 of the instance holding the channel and the alert loop
		killed := time.Now()
		holder.cmd.Wait()
		all.WriteString(holder.output())
		standby.waitFor(t, "/quit 退出") // the standby took the channel over and serves
		took := time.Since(killed)
		takeovers = append(takeovers, took)
		if took > takeoverBound {
			t.Errorf("kill %d: standby %s took over after %v, want within %v", k+1, standbyName, took, takeoverBound)
		}
		t.Logf("kill %d: %s killed after %d of %d lines answered; %s took over in %v", k+1, holderName, wait, sent, standbyName, took.Round(time.Millisecond))
		// The killed instance comes back (as systemd would restart it) as the new standby.
		holder, holderName, standby, standbyName = standby, standbyName, startAs(holderName), holderName
		standby.waitFor(t, "备用实例")
		if pos == len(script) {
			pos = 0
		}
	}
	// The rest of the buyers' lines, answered by the last holder without a kill.
	for i := 0; i < 8 && pos < len(script); i++ {
		replies := strings.Count(holder.output(), "客服 → ")
		holder.send(t, "/buyer "+script[pos].buyer)
		holder.send(t, script[pos].text)
		holder.waitCount(t, "客服 → ", replies+1)
		pos++
	}
	// Everything due goes out: wait until the store has no due alert unsent (a dead
	// holder's claims come back when their lease ends), then stop both gracefully.
	deadline := time.Now().Add(30 * time.Second)
	for len(unsentDue(t, url)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	for _, a := range unsentDue(t, url) {
		t.Errorf("alert %d (%s of %s, due %v) fell due but is %s", a.ID, a.Kind, a.CaseID, a.DueAt, a.State)
	}
	holder.send(t, "/quit")
	if err := holder.cmd.Wait(); err != nil {
		t.Fatalf("holder's graceful stop: %v\n%s", err, holder.output())
	}
	all.WriteString(holder.output())
	standby.cmd.Process.Kill()
	standby.cmd.Wait()
	all.WriteString(standby.output())

	c := verifyDesk(t, url, all.String(), kills)
	slices.Sort(takeovers)
	t.Logf("failover: %d kills in %v; takeover median %v, max %v; %d cases (%d live, %d told to buyers), %d alerts shown, %d marked 重发",
		kills, time.Since(began).Round(time.Millisecond), takeovers[len(takeovers)/2].Round(time.Millisecond),
		takeovers[len(takeovers)-1].Round(time.Millisecond), c.cases, c.live, c.told, c.alerts, c.repeats)
}

// A second instance started under a name a running one has is refused before it does
// anything: it would take the first's claimed alerts and jobs back as its own.
func TestDuplicateInstanceRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	url := pgtest.Schema(t, "dupname")
	cfg := writeConfig(t, "")
	appendConfig(t, cfg, "url = \""+url+"\"\ninstance = \"same\"\n")
	first := start(t, "run", "-channel", "terminal", "-config", cfg)
	first.waitFor(t, "/quit 退出")
	second := start(t, "run", "-channel", "terminal", "-config", cfg)
	err := second.cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(second.output(), "[store] instance") {
		t.Fatalf("second instance under the same name: %v, output %q; want exit 2 naming [store] instance", err, second.output())
	}
	first.cmd.Process.Kill()
	first.cmd.Wait()
}
