package cases

import (
	"database/sql"
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Fault is why the store cannot take writes, as far as the merchant needs to know to
// fix it.
type Fault string

// Faults of the store.
const (
	FaultNone     Fault = ""
	FaultDiskFull Fault = "disk_full" // the disk or the store's size cap is full
	FaultReadOnly Fault = "read_only" // the file or its file system refuses writes
	FaultIO       Fault = "io"        // the disk answered with an I/O error
	FaultCorrupt  Fault = "corrupt"   // the database file is damaged
	FaultClosed   Fault = "closed"    // the store was closed under a running process
	FaultOther    Fault = "other"
)

// FaultOf classifies an error that came out of the store.
func FaultOf(err error) Fault {
	if err == nil {
		return FaultNone
	}
	if errors.Is(err, ErrStoreGone) {
		return FaultGone
	}
	if f := pgFault(err); f != FaultNone {
		return f
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return FaultDiskFull
		case sqlite3.SQLITE_READONLY:
			return FaultReadOnly
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
			return FaultIO
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return FaultCorrupt
		}
	}
	if errors.Is(err, ErrClosed) || errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return FaultClosed
	}
	return FaultOther
}
