package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters/webhook"
	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/config"
	alerthook "github.com/aftersale/aftersale/notify/webhook"
)

// A shop's own system pushes a new after-sale: a signed push opens a case the merchant
// sees; a push with a bad signature changes nothing.
func TestWebhookPushOpensCase(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC) }
	// The shop's system, read back before a push is applied: it knows S-77 and checks
	// every request's signature.
	shopSystem := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.VerifyRequest(r, "whsec_test_1234", now(), 5*time.Minute)
		if err != nil || r.URL.Path != "/cases/status" || !strings.Contains(string(body), `"S-77"`) {
			t.Errorf("shop system got %s %s (%v)", r.URL.Path, body, err)
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"waiting_merchant","raw":"待处理","deadline":"2026-11-29T10:00:00+08:00"}`))
	}))
	defer shopSystem.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "my.toml")
	os.WriteFile(path, []byte(`[store]
path = "`+filepath.Join(dir, "cases.db")+`"
[[shops]]
id = "own"
name = "自营店"
platform = "webhook"
merchants = ["店主"]
[shops.webhook]
url = "`+shopSystem.URL+`"
secret = "${TEST_WEBHOOK_SECRET}"
`), 0o600)
	t.Setenv("TEST_WEBHOOK_SECRET", "whsec_test_1234")
	cfg, err := config.Load(path, defaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Config: cfg, Channel: bot.ChannelFunc(func(context.Context, string, string) error { return nil }), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	store := a.Store
	srv := httptest.NewServer(a.PushHandler())
	defer srv.Close()

	body := []byte(`{"event":"case.created","id":"S-77","order_id":"A1001","deadline":"2026-11-29T10:00:00+08:00"}`)
	post := func(secret string) int {
		ts := strconv.FormatInt(now().Unix(), 10)
		req, _ := http.NewRequest("POST", srv.URL+"/push/own", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(webhook.HeaderTimestamp, ts)
		req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, ts, body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("wrong secret"); code != http.StatusUnauthorized {
		t.Fatalf("bad signature answered %d, want 401", code)
	}
	if found, _ := store.FindCases(context.Background(), cases.CaseFilter{}); len(found) != 0 {
		t.Fatalf("a push with a bad signature opened %+v", found)
	}
	if code := post("whsec_test_1234"); code != http.StatusOK {
		t.Fatalf("signed push answered %d, want 200", code)
	}
	found, _ := store.FindCases(context.Background(), cases.CaseFilter{})
	if len(found) != 1 || found[0].PlatformRef != "S-77" || found[0].OrderID != "A1001" {
		t.Fatalf("cases after push %+v", found)
	}
	if want := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC); !found[0].Deadline.Equal(want) {
		t.Fatalf("deadline %v, want the shop's %v", found[0].Deadline, want)
	}
}

// An alert sink configured in [[notify]] gets the new-case alert from a chat session.
func TestNotifySinkFromConfig(t *testing.T) {
	got := make(chan string, 10)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.Header.Get(alerthook.HeaderSignature) == "" || r.Header.Get(alerthook.HeaderIdempotency) == "" {
			t.Errorf("alert webhook got %s without signature or idempotency key", r.Method)
		}
		var p alerthook.Payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			t.Errorf("alert body: %v", err)
		}
		got <- p.CaseID + " " + p.Text
	}))
	defer fake.Close()
	cfg := writeConfig(t, "[[notify]]\ntype = \"webhook\"\nname = \"erp\"\nurl = \""+fake.URL+"\"\nsecret = \"s3cret\"\n")
	_, errs, code := run(t, nil, "退款 4705288465508532862\n", "chat", "-config", cfg)
	if code != 0 {
		t.Fatalf("chat exit %d: %s", code, errs)
	}
	select {
	case s := <-got:
		if !strings.HasPrefix(s, "A1 ") || !strings.Contains(s, "新售后") {
			t.Fatalf("webhook alert %q", s)
		}
	default:
		t.Fatal("the configured webhook sink got no alert")
	}
}

// SLA entries counted in working days or business hours take their deadline from the
// Chinese holiday calendar.
func TestPoliciesCountWorkingTime(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "my.toml")
	os.WriteFile(path, []byte(`[sla.return]
respond_within = "7d"
count = "working_days"
[sla.complaint]
respond_within = "2h"
count = "business_hours"
[business_hours]
start = "09:00"
end = "18:00"
workdays_only = true
[calendar]
overrides = { "2026-10-10" = false }
`), 0o600)
	cfg, err := config.Load(path, defaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := app.Policies(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		intent string
		opened time.Time
		want   time.Time
	}{
		// 国庆 2026: Oct 1–7 off; Oct 10 (Sat) is a 调休 working day in the data, overridden off here.
		{"return", time.Date(2026, 9, 30, 15, 0, 0, 0, cst), time.Date(2026, 10, 16, 15, 0, 0, 0, cst)},
		// Friday 17:30: half an hour on Friday, 1.5h on Monday.
		{"complaint", time.Date(2026, 11, 27, 17, 30, 0, 0, cst), time.Date(2026, 11, 30, 10, 30, 0, 0, cst)},
		// Calendar time for the rest.
		{"refund", time.Date(2026, 11, 27, 17, 30, 0, 0, cst), time.Date(2026, 11, 28, 17, 30, 0, 0, cst)},
	} {
		if got := pol[tc.intent].Deadline(tc.opened); !got.Equal(tc.want) {
			t.Errorf("%s opened %v: deadline %v, want %v", tc.intent, tc.opened, got.In(cst), tc.want)
		}
	}
}
