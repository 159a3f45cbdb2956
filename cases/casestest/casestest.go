// Package casestest opens a case store for tests on the engine the run asks for, so the
// store tests of every package are one contract suite for both engines: SQLite in the
// test's temp dir by default, PostgreSQL (a schema per database path on the server at
// AFTERSALE_TEST_PG) when AFTERSALE_TEST_STORE=postgres.
package casestest

import (
	"testing"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/internal/pgtest"
)

// Location is where a test's store at path lives on this run's engine: path itself on
// SQLite, the URL of path's own schema on PostgreSQL.
func Location(tb testing.TB, path string) string {
	tb.Helper()
	if pgtest.Contract() {
		return pgtest.Schema(tb, path)
	}
	return path
}

// Open opens the test store at path (see Location) with o.
func Open(tb testing.TB, path string, o cases.Options) (*cases.Store, error) {
	tb.Helper()
	return cases.Open(Location(tb, path), o)
}

// PG reports whether this run's stores are on PostgreSQL: a test of something only
// SQLite has (its file, its lock, its size cap) skips then.
func PG() bool { return pgtest.Contract() }
