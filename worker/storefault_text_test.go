package worker

import (
	"errors"
	"strings"
	"testing"

	"github.com/aftersale/aftersale/cases"
)

// A SQLite file gone asks for the file back and a restart; a PostgreSQL server that
// does not answer is not called a deleted file.
func TestStoreFaultText(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&cases.StoreGoneError{Path: "/x/cases.db", How: cases.GoneDeleted}, "数据库文件被删除或替换了"},
		{&cases.LockedError{Path: "/x/cases.db", Lock: "/x/cases.db.lock", PID: 7}, "数据库文件被删除或替换了"},
		{errors.New("failed to connect to `user=desk database=aftersale`: dial tcp 10.0.0.5:5432: connect: connection refused"), "连不上数据库"},
	} {
		got := storeFaultText(tc.err)
		if !strings.Contains(got, tc.want) || !strings.Contains(got, tc.err.Error()) {
			t.Errorf("storeFaultText(%v) = %q, want it to say %q", tc.err, got, tc.want)
		}
	}
}
