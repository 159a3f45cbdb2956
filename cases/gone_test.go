package cases

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoreGone: a database file deleted, moved away or replaced under a running store is
// noticed: Check says how, FaultOf calls it FaultGone, and writes are refused rather than
// acknowledged into a file no restart will see.
func TestStoreGone(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name     string
		do       func(t *testing.T, path string)
		how      string
		notExist bool
	}{
		{"deleted", func(t *testing.T, path string) {
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
					t.Fatal(err)
				}
			}
		}, GoneDeleted, true},
		{"moved away", func(t *testing.T, path string) {
			if err := os.Rename(path, path+".bak"); err != nil {
				t.Fatal(err)
			}
		}, GoneDeleted, true},
		{"replaced by a rename", func(t *testing.T, path string) {
			other := filepath.Join(filepath.Dir(path), "other.db")
			db, err := sql.Open("sqlite", other)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`CREATE TABLE t (x)`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}, GoneReplaced, false},
		{"replaced by an empty file", func(t *testing.T, path string) {
			tmp := path + ".tmp"
			if err := os.WriteFile(tmp, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}, GoneReplaced, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cases.db")
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 1) }); err != nil {
				t.Fatal(err)
			}
			if err := s.Check(); err != nil {
				t.Fatalf("Check of a healthy store: %v", err)
			}
			tt.do(t, path)

			err = s.Check()
			var ge *StoreGoneError
			if !errors.Is(err, ErrStoreGone) || !errors.As(err, &ge) {
				t.Fatalf("Check after the file was %s: %v, want a *StoreGoneError", tt.name, err)
			}
			if ge.How != tt.how || ge.Path != path || errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("Check = %+v (not exist: %v), want how %q at %s", ge, errors.Is(err, fs.ErrNotExist), tt.how, path)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.how) {
				t.Errorf("error %q does not say which file and what happened", err)
			}
			if f := FaultOf(err); f != FaultGone {
				t.Errorf("FaultOf(%v) = %q, want %q", err, f, FaultGone)
			}
			// Writes are refused, not acknowledged into the lost file.
			err = s.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 2) })
			if !errors.Is(err, ErrStoreGone) || FaultOf(err) != FaultGone {
				t.Fatalf("write to a %s store: %v, want ErrStoreGone", tt.how, err)
			}
			if got, err := s.FindCases(ctx, CaseFilter{Shop: "demo"}); err != nil || len(got) != 1 {
				t.Errorf("the refused write left %d cases (%v), want 1", len(got), err)
			}
		})
	}
}

func TestCheckClosed(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "cases.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Check(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Check after Close: %v, want ErrClosed", err)
	}
}
