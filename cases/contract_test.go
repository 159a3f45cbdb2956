package cases

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aftersale/aftersale/internal/pgtest"
)

// testLocation is casestest.Location for this package's own tests (which casestest,
// importing cases, cannot serve): path on SQLite, path's own schema on PostgreSQL when
// the run puts the contract suite there.
func testLocation(tb testing.TB, path string) string {
	tb.Helper()
	if pgtest.Contract() {
		return pgtest.Schema(tb, path)
	}
	return path
}

// The two engines' migration lists are one list: pgMigrations[i] is migrations[i] for
// PostgreSQL. A migration added to one and not the other fails here.
func TestMigrationListsAligned(t *testing.T) {
	if len(migrations) != len(pgMigrations) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones: add the missing one to pgMigrations (store_pg.go), index-aligned",
			len(migrations), len(pgMigrations))
	}
}

func TestRebind(t *testing.T) {
	p := &pgState{}
	for _, tc := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`a = ? AND b = ?`, `a = $1 AND b = $2`},
		{`x LIKE ? ESCAPE '\' AND y = '?' AND z = ?`, `x LIKE $1 ESCAPE '\' AND y = '?' AND z = $2`},
		{`VALUES (?,?,?)`, `VALUES ($1,$2,$3)`},
	} {
		if got := p.rebind(tc.in); got != tc.want {
			t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := p.rebind(tc.in); got != tc.want { // from the cache
			t.Errorf("cached rebind(%q) = %q", tc.in, got)
		}
	}
}

func TestNotifyChannel(t *testing.T) {
	conf := func(sp string) *pgx.ConnConfig {
		c, err := pgx.ParseConfig("postgres://u@h/db")
		if err != nil {
			t.Fatal(err)
		}
		if sp != "" {
			c.RuntimeParams["search_path"] = sp
		}
		return c
	}
	if got := notifyChannel(conf("")); got != "aftersale_due" {
		t.Errorf("default channel %q", got)
	}
	a, b := notifyChannel(conf("shop_a")), notifyChannel(conf("shop_b"))
	if a == b || a != "aftersale_due_shop_a" {
		t.Errorf("schemas share a channel or it is named oddly: %q %q", a, b)
	}
	long := notifyChannel(conf(strings.Repeat("x", 80)))
	if len(long) > 63 || long == notifyChannel(conf(strings.Repeat("y", 80))) {
		t.Errorf("long search_path channel %q (%d bytes)", long, len(long))
	}
}
