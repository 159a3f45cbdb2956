package cases

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// One process per store: a writable Open takes an exclusive lock on a file beside the
// database (path + ".lock") and keeps it until Close. The lock is the kernel's (flock),
// so it goes away with the process however that ends, kill -9 included: there is never a
// stale lock to clean up. The file holds who has the lock, for the error a second process
// gets. Read-only opens take no lock and work beside a running writer.

// ErrLocked is the error (wrapped in a *LockedError) of a writable Open while another
// process, or another Store in this one, has the store open for writing.
var ErrLocked = errors.New("store is in use by another process")

// LockedError says who holds a store's lock. errors.Is(err, ErrLocked) holds for it.
type LockedError struct {
	Path  string    // the database
	Lock  string    // the lock file
	PID   int       // the holder's process id; 0 when it could not be read
	Host  string    // the holder's host name, as it wrote it
	Since time.Time // when the holder took the lock; zero when unknown
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("store %s is in use by another process (lock file %s; holder unknown)", e.Path, e.Lock)
	}
	host := ""
	if e.Host != "" {
		host = " on " + e.Host
	}
	return fmt.Sprintf("store %s is in use by pid %d%s since %s (lock file %s): stop that process first, or open the store read-only",
		e.Path, e.PID, host, e.Since.Format(time.RFC3339), e.Lock)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// lockPath is the lock file of the store at path: beside the file a symlink points to,
// so a store reached through a link and by its own name has one lock.
func lockPath(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return path + ".lock"
}

// holder is what the lock file says.
type holder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host,omitempty"`
	Since time.Time `json:"since"`
}

// storeLock is a held store lock.
type storeLock struct {
	db   string // the database path
	path string // the lock file
	mu   sync.Mutex
	f    *os.File
	info fs.FileInfo // of f, to notice the lock file deleted or replaced
}

// acquireLock takes the store's lock without waiting, or says who has it.
func acquireLock(db string) (*storeLock, error) {
	p := lockPath(db)
	f, info, err := lockFile(db, p)
	if err != nil {
		return nil, err
	}
	return &storeLock{db: db, path: p, f: f, info: info}, nil
}

// lockFile creates (0600) or opens the lock file, locks it and writes the holder.
func lockFile(db, p string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("lock store %s: %w", db, err)
	}
	if err := flockExclusive(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, nil, lockedBy(db, p)
		}
		return nil, nil, fmt.Errorf("lock store %s: %w", db, err)
	}
	// Set the mode rather than only ask for it at create: the umask applies to that, and
	// a file left by an older version may be wider.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("lock store %s: %w", db, err)
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(holder{PID: os.Getpid(), Host: host, Since: time.Now().Round(time.Second)})
	b = append(b, '\n')
	// Write, then cut to length: a reader never sees an empty file from a live holder, at
	// worst the tail of a previous holder's line after a whole JSON value, which it ignores.
	_, err = f.WriteAt(b, 0)
	if err == nil {
		err = f.Truncate(int64(len(b)))
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("lock store %s: write lock file: %w", db, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("lock store %s: %w", db, err)
	}
	return f, info, nil
}

// lockedBy reads who holds the lock. A holder that has just created the file may not have
// written it yet: a few short retries cover that.
func lockedBy(db, p string) error {
	e := &LockedError{Path: db, Lock: p}
	for i := 0; i < 20; i++ {
		if h, ok := readHolder(p); ok {
			e.PID, e.Host, e.Since = h.PID, h.Host, h.Since
			break
		}
		time.Sleep(time.Millisecond)
	}
	return e
}

func readHolder(p string) (holder, bool) {
	f, err := os.Open(p)
	if err != nil {
		return holder{}, false
	}
	defer f.Close()
	var h holder
	if err := json.NewDecoder(io.LimitReader(f, 4096)).Decode(&h); err != nil || h.PID <= 0 {
		return holder{}, false
	}
	return h, true
}

// check makes sure the path still names the locked file. Someone who deletes or replaces
// the lock file (tidying "stale" lock files) would let a second process in; the lock is
// taken again on a new file, or, if another process got there first, check says who.
func (l *storeLock) check() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	fi, err := os.Stat(l.path)
	if err == nil && os.SameFile(fi, l.info) {
		return nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check lock of store %s: %w", l.db, err)
	}
	f, info, err := lockFile(l.db, l.path)
	if err != nil {
		return err
	}
	l.f.Close() // the old inode: nobody else can reach it by name any more
	l.f, l.info = f, info
	return nil
}

// release empties the lock file (so a reader of a stale file is not misled) and lets go.
// The file itself stays: removing it would let one process lock the old inode while
// another creates and locks a new one.
func (l *storeLock) release() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	l.f.Truncate(0) //nolint:errcheck // only a courtesy to readers
	err := l.f.Close()
	l.f = nil
	return err
}
