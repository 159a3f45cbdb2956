package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/internal/pgtest"
)

func TestVersionCommand(t *testing.T) {
	out, _, code := run(t, nil, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "aftersale ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestStoreCopyUsage(t *testing.T) {
	for _, args := range [][]string{{"store"}, {"store", "copy", "-from", "x.db"}, {"store", "copy", "-from", "x.db", "-to", "y.db"}} {
		if _, errOut, code := run(t, nil, "", args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want usage (2)", args, code, errOut)
		}
	}
}

// store copy moves a SQLite file into PostgreSQL, prints both counts per table, and a
// second run is a no-op that still verifies.
func TestStoreCopyCommand(t *testing.T) {
	url := pgtest.Schema(t, "storecopy")
	db := filepath.Join(t.TempDir(), "cases.db")
	s, err := cases.Open(db, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := cases.Policy{RespondWithin: time.Hour}
	for _, b := range []string{"b1", "b2", "b3"} {
		if err := s.Update(context.Background(), func(tx *cases.Tx) error {
			return tx.OpenCase(&cases.Case{Shop: "demo", Buyer: b, Intent: "refund", OrderID: "1"}, p)
		}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	for run1 := range 2 {
		out, errOut, code := run(t, nil, "", "store", "copy", "-from", db, "-to", url)
		if code != exitOK {
			t.Fatalf("run %d: exit %d: %s", run1, code, errOut)
		}
		if !strings.Contains(out, "cases") || !strings.Contains(out, "counts verified") {
			t.Fatalf("run %d output:\n%s", run1, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "cases" && (f[1] != "3" || f[2] != "3") {
				t.Fatalf("run %d: cases line %q, want 3 and 3", run1, line)
			}
		}
	}
}

// check-config with a PostgreSQL URL from the environment names the store without its
// password.
func TestCheckConfigStoreURLHidesPassword(t *testing.T) {
	cfg := writeConfig(t, "url = \"${AFTERSALE_TEST_DBURL}\"\n")
	t.Setenv("AFTERSALE_TEST_DBURL", "postgres://desk:s3cretpw@db.internal:5432/aftersale?sslmode=require")
	out, errOut, code := run(t, nil, "", "check-config", "-config", cfg)
	if code != exitOK || !strings.Contains(out, "postgres://desk@db.internal:5432/aftersale") {
		t.Fatalf("check-config: %d %q %q", code, out, errOut)
	}
	if strings.Contains(out+errOut, "s3cretpw") {
		t.Fatalf("password in output: %q %q", out, errOut)
	}
}
