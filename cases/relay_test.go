package cases_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aftersale/aftersale/cases"
)

// On SQLite (one process) a publish reaches the topic's subscribers before it returns.
func TestPublishSQLite(t *testing.T) {
	st, err := cases.Open(filepath.Join(t.TempDir(), "c.db"), cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got []string
	st.Subscribe("kf:wk1", func(p string) { got = append(got, p) })
	for _, p := range []string{"t1", "t2"} {
		if err := st.Publish(context.Background(), "kf:wk1", p); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Publish(context.Background(), "kf:wk2", "t3"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "t1" || got[1] != "t2" {
		t.Fatalf("subscriber got %q, want [t1 t2]", got)
	}
}
