package main

import (
	"context"
	"os"
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
	t.Setenv("AFTERSALE_TEST_DBURL", "postgres://desk:s3cretpw@db.internal:5432/aftersale?sslmode=require&connect_timeout=2")
	out, errOut, code := run(t, nil, "", "check-config", "-config", cfg)
	// The config is right; the server is not there (check-config connects once).
	if code != exitFail || !strings.Contains(out, "postgres://desk@db.internal:5432/aftersale") || !strings.Contains(errOut, "连不上") {
		t.Fatalf("check-config: %d %q %q", code, out, errOut)
	}
	if strings.Contains(out+errOut, "s3cretpw") {
		t.Fatalf("password in output: %q %q", out, errOut)
	}
}

// check-config on a PostgreSQL store connects once and says whether it is reachable and
// migrated, writing nothing; an unreachable server fails it without printing the password.
func TestCheckConfigPingsPostgres(t *testing.T) {
	url := pgtest.Schema(t, "checkping")
	conf := func(u string) string {
		path := filepath.Join(t.TempDir(), "pg.toml")
		if err := os.WriteFile(path, []byte("[store]\nurl = \""+u+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	out, errOut, code := run(t, nil, "", "check-config", "-config", conf(url))
	if code != exitOK || !strings.Contains(out, "第一次运行时自动建表") {
		t.Fatalf("empty database: exit %d %q %q", code, out, errOut)
	}
	t.Setenv("PGPASSWORD", "s3cret")
	out, errOut, code = run(t, nil, "", "check-config", "-config", conf("postgres://u@127.0.0.1:1/db?connect_timeout=2"))
	if code != exitFail || !strings.Contains(errOut, "连不上") || strings.Contains(out+errOut, "s3cret") {
		t.Fatalf("unreachable database: exit %d %q %q; want 1 naming it, no password", code, out, errOut)
	}
}
