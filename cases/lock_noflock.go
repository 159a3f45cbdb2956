//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cases

import (
	"errors"
	"os"
)

// errWouldBlock is never returned here.
var errWouldBlock = errors.New("lock held")

// flockExclusive does nothing where flock is not available: the project runs on Linux,
// and elsewhere the store is not protected against a second process.
func flockExclusive(*os.File) error { return nil }
