package worker

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
)

// A database file deleted under the bot is noticed by the next check; the merchant hears
// it once, not at every check.
func TestStoreGoneToldOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cases.db")
	store, err := cases.Open(path, cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var got []string
	router := notify.NewRouter([]notify.Route{{Sink: notify.SinkFunc{SinkName: "mem", Fn: func(_ context.Context, a notify.Alert) error {
		got = append(got, a.Text)
		return nil
	}}}}, store, nil)
	w := &Worker{store: store, router: router, log: slog.New(slog.DiscardHandler), now: time.Now}
	if told, closed := w.checkStore(t.Context(), false); told || closed {
		t.Fatalf("healthy store: told %v closed %v", told, closed)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	told, _ := w.checkStore(t.Context(), false)
	told, _ = w.checkStore(t.Context(), told)
	if !told || len(got) != 1 || !strings.Contains(got[0], "数据库文件被删除") {
		t.Fatalf("after deleting the file: told %v, alerts %q; want one alert", told, got)
	}
}
