//go:build linux

package cases

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestHelperLockHolder is not a test: run by holdInChild in a child process, it opens the
// store named in the environment, says "ready" and holds it until its stdin closes.
func TestHelperLockHolder(t *testing.T) {
	path := os.Getenv("AFTERSALE_TEST_LOCK_HOLDER")
	if path == "" {
		return
	}
	s, err := Open(path, Options{})
	if err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(3)
	}
	os.Stdout.WriteString("ready\n")
	io.Copy(io.Discard, os.Stdin) //nolint:errcheck // until the parent lets go
	s.Close()
	os.Exit(0)
}

// holdInChild starts another process holding the store at path, and returns it once it
// holds the lock. Closing stdin lets it close the store and exit.
func holdInChild(t *testing.T, path string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLockHolder$")
	cmd.Env = append(os.Environ(), "AFTERSALE_TEST_LOCK_HOLDER="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if sc.Text() == "ready" {
			go io.Copy(io.Discard, stdout) //nolint:errcheck
			return cmd, stdin
		}
		t.Logf("holder: %s", sc.Text())
	}
	t.Fatalf("the holder process never took the lock: %v", sc.Err())
	return nil, nil
}

// TestSecondOpenFails: while one Store holds a store for writing, a writable Open of the
// same path fails naming the holder's pid, from this process or another one.
func TestSecondOpenFails(t *testing.T) {
	for _, tt := range []struct {
		name string
		hold func(t *testing.T, path string) (pid int, release func())
	}{
		{"same process", func(t *testing.T, path string) (int, func()) {
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return os.Getpid(), func() { s.Close() }
		}},
		{"another process", func(t *testing.T, path string) (int, func()) {
			cmd, stdin := holdInChild(t, path)
			return cmd.Process.Pid, func() { stdin.Close(); cmd.Wait() }
		}},
		{"another process killed -9", func(t *testing.T, path string) (int, func()) {
			cmd, _ := holdInChild(t, path)
			return cmd.Process.Pid, func() { cmd.Process.Kill(); cmd.Wait() }
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cases.db")
			pid, release := tt.hold(t, path)
			s, err := Open(path, Options{})
			if err == nil {
				s.Close()
				release()
				t.Fatal("a second writable Open of a held store succeeded")
			}
			var le *LockedError
			if !errors.Is(err, ErrLocked) || !errors.As(err, &le) {
				release()
				t.Fatalf("second Open: %v, want a *LockedError", err)
			}
			if le.PID != pid || le.Since.IsZero() || !strings.Contains(err.Error(), "pid "+strconv.Itoa(pid)) {
				t.Errorf("second Open: %v (pid %d since %v), want the holder pid %d named", err, le.PID, le.Since, pid)
			}
			// Once the holder lets go, by Close or by dying, the store opens: no stale lock.
			release()
			s, err = Open(path, Options{})
			if err != nil {
				t.Fatalf("Open after the holder let go: %v", err)
			}
			defer s.Close()
			if err := s.Update(context.Background(), func(tx *Tx) error { return openTestCase(tx, 1) }); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSecondOpenThroughSymlink: a store reached by a symlink and by its own name has one
// lock.
func TestSecondOpenThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cases.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if s2, err := Open(link, Options{}); !errors.Is(err, ErrLocked) {
		if err == nil {
			s2.Close()
		}
		t.Fatalf("Open through a symlink beside a writer: %v, want ErrLocked", err)
	}
}

// TestOpenAfterClose: Close lets go of the lock, again and again.
func TestOpenAfterClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cases.db")
	for i := range 3 {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if err := s.Update(context.Background(), func(tx *Tx) error { return openTestCase(tx, i) }); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if h, ok := readHolder(lockPath(path)); ok {
		t.Errorf("a closed store's lock file still names pid %d", h.PID)
	}
}

// TestReadOnlyBesideWriter: a read-only Open takes no lock, sees the writer's commits and
// cannot write.
func TestReadOnlyBesideWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cases.db")
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 1) }); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open beside a writer: %v", err)
	}
	if err := w.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 2) }); err != nil {
		t.Fatalf("the writer after a reader opened: %v", err)
	}
	got, err := ro.FindCases(ctx, CaseFilter{Shop: "demo"})
	if err != nil || len(got) != 2 {
		t.Fatalf("read-only FindCases = %d cases, %v; want the writer's 2", len(got), err)
	}
	if err := ro.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 3) }); FaultOf(err) != FaultReadOnly {
		t.Fatalf("write through the read-only store: %v", err)
	}
	if err := ro.Check(); err != nil {
		t.Fatalf("Check of a read-only store: %v", err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	// The reader's Close let go of nothing the writer needs.
	if err := w.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 4) }); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("writable Open after the reader closed: %v, want ErrLocked", err)
	}
}

// TestFilesPrivate: the database, -wal, -shm and lock files are 0600 after writes, even
// under a umask that would leave them world-readable, and an older store's 0644 files are
// tightened at the next writable Open.
func TestFilesPrivate(t *testing.T) {
	old := syscall.Umask(0) // SQLite's own default would now give 0644
	defer syscall.Umask(old)
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		prepare func(t *testing.T, path string)
	}{
		{"new store", func(*testing.T, string) {}},
		{"store left 0644", func(t *testing.T, path string) {
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Update(ctx, func(tx *Tx) error { return openTestCase(tx, 100) }); err != nil {
				t.Fatal(err)
			}
			s.Close()
			for _, p := range []string{path, path + "-wal", path + "-shm", lockPath(path)} {
				f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				f.Close()
				if err := os.Chmod(p, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cases.db")
			tt.prepare(t, path)
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for i := range 20 {
				if err := s.Update(ctx, func(tx *Tx) error { return openTestCase(tx, i) }); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range []string{path, path + "-wal", path + "-shm", lockPath(path)} {
				fi, err := os.Stat(p)
				if err != nil {
					t.Fatalf("%s: %v", filepath.Base(p), err)
				}
				if got := fi.Mode().Perm(); got != 0o600 {
					t.Errorf("%s is %v, want -rw-------", filepath.Base(p), got)
				}
			}
		})
	}
}

// TestLockFileRemoved: removing the lock file under a running store (tidying "stale"
// locks) does not let a second writer in unnoticed. Check takes the lock again; if another
// Store got in first, Check says who has the store now.
func TestLockFileRemoved(t *testing.T) {
	t.Run("taken again", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cases.db")
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := os.Remove(lockPath(path)); err != nil {
			t.Fatal(err)
		}
		if err := s.Check(); err != nil {
			t.Fatalf("Check after the lock file was removed: %v", err)
		}
		if _, err := Open(path, Options{}); !errors.Is(err, ErrLocked) {
			t.Fatalf("second Open after Check: %v, want ErrLocked", err)
		}
		if fi, err := os.Stat(lockPath(path)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("lock file after Check: %v, %v", fi, err)
		}
	})
	t.Run("another store got in first", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cases.db")
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := os.Remove(lockPath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		s2, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		var le *LockedError
		if err := s.Check(); !errors.As(err, &le) || le.PID != os.Getpid() {
			t.Fatalf("Check with another store holding the new lock: %v, want a *LockedError naming pid %d", err, os.Getpid())
		}
		if err := s2.Check(); err != nil {
			t.Fatalf("the new holder's Check: %v", err)
		}
	})
}
