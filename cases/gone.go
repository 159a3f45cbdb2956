package cases

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// A store whose file is deleted or replaced while open keeps working on the old inode:
// SQLite writes on, every commit "succeeds", and all of it is lost when the process stops.
// Open records which file the path names; Check, and every commit, compare.

// ErrStoreGone is the error (wrapped in a *StoreGoneError) of Check, and of every write,
// once the store's path no longer names the file the store opened.
var ErrStoreGone = errors.New("store file is gone")

// FaultGone is FaultOf an ErrStoreGone: the database file was deleted or replaced under
// the running process. Nothing written from then on would survive a restart.
const FaultGone Fault = "gone"

// Ways a store's file can go.
const (
	GoneDeleted  = "deleted"  // the path names nothing (deleted or moved away)
	GoneReplaced = "replaced" // the path names another file (renamed or copied over it)
)

// StoreGoneError says what happened to the store's file. errors.Is(err, ErrStoreGone)
// holds for it, and errors.Is(err, fs.ErrNotExist) for a deleted one.
type StoreGoneError struct {
	Path string
	How  string // GoneDeleted or GoneReplaced
	Err  error  // the stat error of a deleted file; nil otherwise
}

func (e *StoreGoneError) Error() string {
	how := e.How
	if how == GoneReplaced {
		how = "replaced by another file"
	}
	return fmt.Sprintf("store file %s was %s while open: nothing written now would survive a restart", e.Path, how)
}

func (e *StoreGoneError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrStoreGone}
	}
	return []error{ErrStoreGone, e.Err}
}

// Check reports whether the store's file is still where it was opened: a *StoreGoneError
// (errors.Is ErrStoreGone) when the path names nothing or another file; a *LockedError
// (errors.Is ErrLocked) when the lock file was removed and another process has since
// locked the store; ErrClosed after Close; another error when the path cannot be looked
// at. A removed lock file is silently taken again. Check costs a stat or two: call it
// from a ticker. Commits check the database file themselves and fail with the same
// error, so nothing is acknowledged that a restart would lose.
func (s *Store) Check() error {
	select {
	case <-s.closed:
		return ErrClosed
	default:
	}
	if s.pg != nil {
		// No file to lose: the server keeps the data; check it still answers.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return s.db.PingContext(ctx)
	}
	if err := s.checkFile(); err != nil {
		return err
	}
	if s.lock != nil {
		return s.lock.check()
	}
	return nil
}

// checkFile compares the file the path names with the one opened.
func (s *Store) checkFile() error {
	if s.file == nil {
		return nil // an in-memory store
	}
	fi, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &StoreGoneError{Path: s.path, How: GoneDeleted, Err: err}
	}
	if err != nil {
		return fmt.Errorf("check store %s: %w", s.path, err)
	}
	if !os.SameFile(fi, s.file) {
		return &StoreGoneError{Path: s.path, How: GoneReplaced}
	}
	return nil
}

// Files the store makes are the owner's alone (0600): cases hold buyers' names, phones,
// orders and words. The mode is set on each file, not left to the umask, and the umask is
// not touched: it is process-wide, and changing it would race every other goroutine that
// creates a file (media downloads, logs).
//
// The database file is created 0600 before SQLite opens it; SQLite creates the -wal and
// -shm files with its database file's mode (and fchmods them to exactly that, whatever the
// umask), so they follow. A store made by an older version, 0644 under the usual umask, is
// tightened at the next writable Open, -wal and -shm included.
const fileMode fs.FileMode = 0o600

// createPrivate creates the database file, empty and 0600, if it does not exist yet.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	err = f.Chmod(fileMode) // exactly 0600, whatever the umask
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// tighten takes group and other access away from an existing file; a missing file is
// fine. It goes by path (chmod), never opening the file: closing any descriptor of the
// database would drop SQLite's POSIX locks on it.
func tighten(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return os.Chmod(path, fi.Mode().Perm()&0o700)
}

// tightenAll tightens the database and its -wal and -shm files, as far as this process
// may (only the owner can chmod): a store it cannot tighten still opens.
func tightenAll(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		tighten(path + suffix) //nolint:errcheck // best effort, see above
	}
}
