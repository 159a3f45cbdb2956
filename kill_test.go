package main

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the aftersale binary, so a test can start
// the real program as a process and kill -9 it.
func TestMain(m *testing.M) {
	if os.Getenv("AFTERSALE_BE_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// proc is the program running as a child process with a terminal-like pipe.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   strings.Builder
	grew  chan struct{}
}

// start runs the test binary as the program (see TestMain).
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "AFTERSALE_BE_MAIN=1")
	return launch(t, cmd)
}

// launch starts cmd with a pipe for its input and collects all it writes. Handing exec a
// plain writer (not a pipe we read ourselves) makes Wait return only after every byte the
// child wrote was copied, so a line printed just before kill -9 is never lost.
func launch(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{cmd: cmd, grew: make(chan struct{}, 1)}
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = procWriter{p}
	cmd.Stderr = procWriter{p}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

// procWriter collects a child's output and signals that it grew.
type procWriter struct{ p *proc }

func (w procWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	w.p.out.Write(b)
	w.p.mu.Unlock()
	select {
	case w.p.grew <- struct{}{}:
	default:
	}
	return len(b), nil
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the output contains want, or fails after a generous bound.
func (p *proc) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !strings.Contains(p.output(), want) {
		select {
		case <-p.grew:
		case <-deadline:
			t.Fatalf("no %q in output:\n%s", want, p.output())
		}
	}
}

func (p *proc) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

func TestKill9BetweenMessagesLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	cfg := writeConfig(t, "")
	p := start(t, "chat", "-config", cfg)
	p.send(t, "我买的杯子碎了要退款")
	p.waitFor(t, "订单号")
	p.send(t, "4705288465508532862")
	p.waitFor(t, "新售后 A1")
	p.send(t, "我把照片发你了")
	p.send(t, "/m A1")
	p.waitFor(t, "待商家处理")
	p.cmd.Process.Kill() // kill -9, between two messages
	p.cmd.Wait()

	p = start(t, "chat", "-config", cfg)
	p.send(t, "/m A1")
	p.waitFor(t, "买家：我把照片发你了") // the last line of the case details
	out := p.output()
	for _, want := range []string{"我买的杯子碎了要退款", "4705288465508532862", "我把照片发你了"} {
		if !strings.Contains(out, want) {
			t.Fatalf("transcript lost %q after kill -9:\n%s", want, out)
		}
	}
	if strings.Contains(out, "新售后 A1") {
		t.Fatalf("new-case alert sent again after restart:\n%s", out)
	}
	p.send(t, "/quit")
	p.cmd.Wait()

	// The pending alerts survived too: list them through the store.
	out, _, code := run(t, nil, "", "cases", "-config", cfg)
	if code != 0 || !strings.Contains(out, "待商家处理") {
		t.Fatalf("cases after restart (%d):\n%s", code, out)
	}
}
