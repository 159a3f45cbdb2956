package main

import (
	"os"
	"testing"

	"github.com/aftersale/aftersale/cases/casestest"
)

// useTestStore points the config file cfg (from writeConfig: its only table is [store])
// at this run's test store engine and returns the store's location: the SQLite file
// dbPath, or, when the run puts the contract suite on PostgreSQL, dbPath's own schema.
func useTestStore(t *testing.T, cfg, dbPath string) string {
	t.Helper()
	loc := casestest.Location(t, dbPath)
	if loc != dbPath {
		appendConfig(t, cfg, "url = \""+loc+"\"\n")
	}
	return loc
}

// appendConfig adds lines to the end of a config file.
func appendConfig(t *testing.T, cfg, lines string) {
	t.Helper()
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(lines); err != nil {
		t.Fatal(err)
	}
}
