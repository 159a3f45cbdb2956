package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// run runs the program as a user would, with its own input, output and config.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Now:    func() time.Time { return time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC) },
		Getenv: func(k string) string { return env[k] }}
	code = m.Run(context.Background(), args)
	return out.String(), errb.String(), code
}

// writeConfig writes a config over the defaults whose store lives in a temp dir.
func writeConfig(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "my.toml")
	if err := os.WriteFile(path, []byte("[store]\npath = \"cases.db\"\n"+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestChatEndToEndSurvivesRestart(t *testing.T) {
	cfg := writeConfig(t, "")
	out, errs, code := run(t, nil, "我买的杯子碎了要退款\n4705288465508532862\n", "chat", "-config", cfg)
	if code != 0 {
		t.Fatalf("chat exit %d: %s", code, errs)
	}
	for _, want := range []string{"订单号", "A1", "商家视图", "新售后 A1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("chat output lacks %q:\n%s", want, out)
		}
	}
	// A second run on the same store: the case is still there and the merchant can act.
	out, errs, code = run(t, nil, "/m 列表\n/m A1 同意\n", "chat", "-config", cfg)
	if code != 0 {
		t.Fatalf("second chat exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "A1 退款") || !strings.Contains(out, "已同意") {
		t.Fatalf("after restart:\n%s", out)
	}
	out, _, code = run(t, nil, "", "cases", "-all", "-config", cfg)
	if code != 0 || !strings.Contains(out, "已同意") {
		t.Fatalf("cases -all (%d):\n%s", code, out)
	}
}

// The demo FAQ on a shop with its own orders answers buyers with the demo shop's facts
// (trial 21): check-config says so and how to start the shop's own from faq -sample, whose
// output is a valid FAQ file.
func TestSampleFAQOnARealShopIsPointedOut(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(book, []byte("order_id,title,status\n4705288465508532862,纯棉四件套,delivered\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	shop := "[[shops]]\nid = \"mine\"\nname = \"阿强家纺\"\nplatform = \"manual\"\nmerchants = [\"店主\"]\norder_book = \"" + book + "\"\n"
	out, errs, code := run(t, nil, "", "check-config", "-config", writeConfig(t, shop+"faq = \"sample\"\n"))
	if code != 0 || !strings.Contains(out, "阿强家纺") || !strings.Contains(out, "faq -sample") {
		t.Fatalf("check-config = %d %q %q, want OK with a note on the sample FAQ", code, out, errs)
	}
	if out, _, _ := run(t, nil, "", "check-config", "-config", writeConfig(t, shop+"faq = \"\"\n")); strings.Contains(out, "注意") {
		t.Fatalf("a note without the sample FAQ: %q", out)
	}
	if out, _, _ := run(t, nil, "", "check-config"); strings.Contains(out, "注意") {
		t.Fatalf("a note on the demo defaults: %q", out)
	}
	sample, _, code := run(t, nil, "", "faq", "-sample")
	if code != 0 {
		t.Fatalf("faq -sample exit %d", code)
	}
	own := filepath.Join(dir, "faq.toml")
	if err := os.WriteFile(own, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := run(t, nil, "", "check-config", "-config", writeConfig(t, shop+"faq = \""+own+"\"\n")); code != 0 || strings.Contains(out, "注意") {
		t.Fatalf("check-config on the exported sample = %d %q %q", code, out, errs)
	}
}

func TestConfigErrorsExit2(t *testing.T) {
	for _, tc := range []struct {
		name, toml, want string
	}{
		{"unknown key", "colour = \"red\"\n", "colour"},
		{"bad duration", "[sla.refund]\nrespond_within = \"3x\"\n", "sla.refund.respond_within"},
		{"bad template", "[replies]\ngreeting = \"{{.Shop\"\n", "replies.greeting"},
		{"wrong template field", "[replies]\ngreeting = \"{{.Nope}}\"\n", "replies.greeting"},
		{"missing order book", "[[shops]]\nid = \"demo\"\nname = \"x\"\nplatform = \"manual\"\nmerchants = [\"店主\"]\norder_book = \"nope.csv\"\n", "nope.csv"},
		// The board refuses a guessable token at start: check-config says so first (trial 21).
		{"weak board token", "[web]\nenabled = true\ntoken = \"abcdefghijklmnopqrstuvwx123456\"\n", "common words"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeConfig(t, tc.toml)
			_, errs, code := run(t, nil, "", "check-config", "-config", cfg)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Fatalf("check-config = %d, %q; want 2 naming %q", code, errs, tc.want)
			}
			if _, _, code := run(t, nil, "", "chat", "-config", cfg); code != 2 {
				t.Fatalf("chat started on a bad config (exit %d)", code)
			}
		})
	}
}

func TestCheckConfigDefault(t *testing.T) {
	out, errs, code := run(t, nil, "", "check-config")
	if code != 0 || !strings.Contains(out, "config OK") {
		t.Fatalf("check-config on defaults = %d %q %q", code, out, errs)
	}
}

func TestClassifyAndEvalCommands(t *testing.T) {
	out, _, code := run(t, nil, "", "classify", "我买的杯子碎了要退款")
	if code != 0 || !strings.Contains(out, "refund") || !strings.Contains(out, "damaged") {
		t.Fatalf("classify = %d\n%s", code, out)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte(`{"text":"我要退款","label":"refund"}`+"\n"+`{"text":"谢谢","label":"greeting"}`+"\n"), 0o600)
	out, errs, code := run(t, nil, "", "eval", good)
	if code != 0 || !strings.Contains(strings.ToLower(out), "macro") {
		t.Fatalf("eval = %d %q %q", code, out, errs)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"text":"我要退款","label":"refund"}`+"\n"+`{"text": oops`+"\n"), 0o600)
	_, errs, code = run(t, nil, "", "eval", bad)
	if code != 2 || !strings.Contains(errs, "2") {
		t.Fatalf("eval on a malformed line = %d %q; want exit 2 naming line 2", code, errs)
	}
}

func TestUnknownCommand(t *testing.T) {
	if _, _, code := run(t, nil, "", "frobnicate"); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}

// check-config builds what a start would build but opens no store: it neither creates
// the database nor needs its directory to exist.
func TestCheckConfigOpensNoStore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "my.toml")
	db := filepath.Join(dir, "no-such-dir", "cases.db")
	if err := os.WriteFile(path, []byte("[store]\npath = \""+db+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, nil, "", "check-config", "-config", path)
	if code != 0 || !strings.Contains(out, "config OK") {
		t.Fatalf("check-config exit %d: %s %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
		t.Fatalf("check-config touched the store's directory: %v", err)
	}
}

// replay plays conversations through the real engine and scores them against expect;
// a bad line is exit 2 naming its number.
func TestReplay(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	os.WriteFile(path, []byte(`{"id":"a","turns":["杯子碎了","退款吧","4705288465508532862","谢谢"],"expect":["refund"]}
{"id":"b","turns":["有优惠券吗","包邮吗"],"expect":[]}
{"id":"c","turns":["我要退货"],"expect":["return"]}
`), 0o600)
	out, errs, code := run(t, nil, "", "replay", path)
	if code != 0 {
		t.Fatalf("replay exit %d: %s", code, errs)
	}
	for _, want := range []string{"refund 4705288465508532862", "correct 1, missed 0, false 0, duplicate 0, waiting for an order number 1", "3 段对话"} {
		if !strings.Contains(out, want) {
			t.Fatalf("replay output lacks %q:\n%s", want, out)
		}
	}
	os.WriteFile(path, []byte("{\"id\":\"a\",\"turns\":[\"x\"]}\n{\"id\": oops}\n"), 0o600)
	if _, errs, code := run(t, nil, "", "replay", path); code != 2 || !strings.Contains(errs, "line 2") {
		t.Fatalf("bad replay file: exit %d, %q; want 2 naming line 2", code, errs)
	}
	os.WriteFile(path, []byte(`{"id":"a","turns":["x"],"expect":["logistics"]}`+"\n"), 0o600)
	if _, errs, code := run(t, nil, "", "replay", path); code != 2 || !strings.Contains(errs, "not a case intent") {
		t.Fatalf("expect of a non-case label: exit %d, %q", code, errs)
	}
}

// eval -pred writes one predicted label a line, in the file's order.
func TestEvalPred(t *testing.T) {
	dir := t.TempDir()
	in, pred := filepath.Join(dir, "e.jsonl"), filepath.Join(dir, "pred.txt")
	os.WriteFile(in, []byte(`{"text":"我要退货 4705288465508532862","label":"return"}
{"text":"谢谢亲","label":"greeting"}
`), 0o600)
	out, errs, code := run(t, nil, "", "eval", "-pred", pred, in)
	if code != 0 || !strings.Contains(out, "开单 case opening: precision") {
		t.Fatalf("eval exit %d: %s %s", code, out, errs)
	}
	b, err := os.ReadFile(pred)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(strings.TrimSpace(string(b)), "\n"); len(got) != 2 || got[0] != "return" || got[1] != "greeting" {
		t.Fatalf("pred file %q, want return, greeting", got)
	}
}

// One process per store: a second start on the same store exits 2 naming the holder,
// while the first keeps serving.
func TestSecondStartOnOneStoreExits2(t *testing.T) {
	cfg := writeConfig(t, "")
	stdin, feed := io.Pipe()
	defer feed.Close()
	var out, errb syncBuffer
	first := &Main{Stdin: stdin, Stdout: &out, Stderr: &errb, Now: time.Now, Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() { done <- first.Run(context.Background(), []string{"chat", "-config", cfg}) }()
	for i := 0; !strings.Contains(out.String(), "/quit"); i++ {
		if i > 500 {
			t.Fatalf("first chat did not start: %s %s", out.String(), errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, errs, code := run(t, nil, "", "chat", "-config", cfg)
	if code != 2 || !strings.Contains(errs, "in use") || !strings.Contains(errs, "pid") {
		t.Fatalf("second chat on the same store: exit %d, %q; want 2 naming the holder", code, errs)
	}
	feed.Close()
	if c := <-done; c != 0 {
		t.Fatalf("first chat exit %d: %s", c, errb.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the program's writer and the test's reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
