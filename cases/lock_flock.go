//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cases

import (
	"errors"
	"os"
	"syscall"
)

// errWouldBlock is flockExclusive's error when another open file holds the lock.
var errWouldBlock = syscall.EWOULDBLOCK

// flockExclusive takes an exclusive flock on f without waiting. flock locks belong to the
// open file, so a second Open in the same process is refused as well.
func flockExclusive(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
