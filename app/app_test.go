package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/intents"
)

func defaults(t *testing.T) *config.Config {
	t.Helper()
	raw, err := os.ReadFile("../config.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("config.toml", raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store.Path = filepath.Join(t.TempDir(), "cases.db")
	return cfg
}

// Check builds what a start builds from the shipped config, and opens no store.
func TestCheckOpensNoStore(t *testing.T) {
	cfg := defaults(t)
	if err := Check(cfg, time.Now); err != nil {
		t.Fatalf("Check(defaults) = %v", err)
	}
	if _, err := os.Stat(cfg.Store.Path); !os.IsNotExist(err) {
		t.Fatalf("Check touched the store: %v", err)
	}
	cfg.Replies["case_opened"] = "{{.Nope}}"
	if err := Check(cfg, time.Now); err == nil || !strings.Contains(err.Error(), "case_opened") {
		t.Fatalf("Check with a broken template = %v, want an error naming it", err)
	}
}

type recorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *recorder) Send(_ context.Context, to, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, to+"："+text)
	return nil
}

// New, Start, a buyer's turn, Drain and Close: the program as chat and run assemble it.
func TestAssembleServeClose(t *testing.T) {
	cfg := defaults(t)
	rec := &recorder{}
	a, err := New(Options{Config: cfg, Channel: rec})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := a.Engine.Handle(t.Context(), bot.Message{ID: "m1", From: "买家", Text: "退款 4705288465508532862"}); err != nil {
		t.Fatal(err)
	}
	a.Drain(t.Context())
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.sent) == 0 || !strings.Contains(strings.Join(rec.sent, "\n"), "A1") {
		t.Fatalf("sent %q, want the case reply", rec.sent)
	}
	if _, err := os.Stat(cfg.Store.Path); err != nil {
		t.Fatalf("store file: %v", err)
	}
}

// A shop's own examples are read as the merchant labelled them, in that shop only.
func TestShopModelsLearnPerShop(t *testing.T) {
	m := newShopModels(intents.Default(), intents.Options{}, nil)
	text := "我要投诉你们家的快递小哥太帅了"
	if r := m.ClassifyFor("a", text); r.Label != intents.Complaint {
		t.Fatalf("before learning: %s", r.Label)
	}
	m.Learn("a", []intents.Example{{Text: text, Label: intents.Other}})
	m.Wait()
	if r := m.ClassifyFor("a", text); r.Label != intents.Other || r.Escalation {
		t.Fatalf("shop a after learning: %s (escalation %v), want other", r.Label, r.Escalation)
	}
	if r := m.ClassifyFor("b", text); r.Label != intents.Complaint {
		t.Fatalf("shop b learned shop a's example: %s", r.Label)
	}
}
