// Package pgtest gives tests a PostgreSQL to run on: the server at AFTERSALE_TEST_PG (a
// connection URL; .ci/run and .ci/pg start a throwaway one), with a schema of its own
// per store so tests run side by side and leave nothing behind.
//
// Without AFTERSALE_TEST_PG a PostgreSQL test skips, except under CI=true, where it
// fails: CI must not pass by skipping what it is there to prove.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver
)

// Environment variables the tests read.
const (
	// EnvURL is the test server's connection URL.
	EnvURL = "AFTERSALE_TEST_PG"
	// EnvStore set to "postgres" runs the store contract suite (every test that opens a
	// store through casestest) on PostgreSQL instead of SQLite.
	EnvStore = "AFTERSALE_TEST_STORE"
)

// Server returns the test server's URL, or skips tb (fails it under CI=true).
func Server(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set: CI must run the PostgreSQL tests (.ci/run starts a server)", EnvURL)
		}
		tb.Skipf("no PostgreSQL: set %s (e.g. from .ci/pg start DIR)", EnvURL)
	}
	return u
}

// Contract reports whether this run puts the store contract suite on PostgreSQL.
func Contract() bool { return os.Getenv(EnvStore) == "postgres" }

// Schema returns a URL for a schema of the test server named after key (a test's
// database path: the same key, the same schema, as reopening a file gives the same
// data), creating it empty on first use; it is dropped when tb ends.
func Schema(tb testing.TB, key string) string {
	tb.Helper()
	base := Server(tb)
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%d", tb.Name(), key, os.Getpid())
	name := fmt.Sprintf("t_%x", h.Sum64())
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+name); err != nil {
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA IF EXISTS ` + name + ` CASCADE`) //nolint:errcheck // best effort
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("bad %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
