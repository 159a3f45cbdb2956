package main

import (
	"bytes"
	"os"
	"testing"
)

// The embedded table is what the dictionary gives: run go generate ./intents after
// upgrading OpenCC.
func TestTradTableIsCurrent(t *testing.T) {
	want, n, err := table()
	if err != nil {
		t.Fatal(err)
	}
	if n < 2000 {
		t.Fatalf("t2s gave %d pairs, want the dictionary's ~2,800", n)
	}
	got, err := os.ReadFile("../../trad.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("intents/trad.txt is stale: run go generate ./intents")
	}
}
