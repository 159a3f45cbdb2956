package bot_test

import (
	"database/sql"
	"fmt"
	"github.com/aftersale/aftersale/cases/casestest"
	"strings"
	"testing"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
)

// ballast takes disk space in the store's file beside the store, as other files take
// space on a disk; dropping it frees the space again.
type ballast struct {
	t  *testing.T
	db *sql.DB
}

func newBallast(t *testing.T, path string, kb int) *ballast {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE ballast (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	for range kb {
		if _, err := db.Exec(`INSERT INTO ballast VALUES (zeroblob(1024))`); err != nil {
			t.Fatal(err)
		}
	}
	return &ballast{t: t, db: db}
}

// fill takes what space is left under the store's cap of maxBytes: rows of shrinking
// size until not even a small one fits. A message that hit the full disk may have left
// room a smaller one still fits into; a full disk has none.
func (b *ballast) fill(maxBytes int64) {
	b.t.Helper()
	conn, err := b.db.Conn(b.t.Context())
	if err != nil {
		b.t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(b.t.Context(), fmt.Sprintf("PRAGMA max_page_count = %d", maxBytes/4096)); err != nil {
		b.t.Fatal(err)
	}
	for _, size := range []int{1024, 256, 64, 16} {
		for i := 0; i < 10000; i++ {
			if _, err := conn.ExecContext(b.t.Context(), `INSERT INTO ballast VALUES (zeroblob(?))`, size); err != nil {
				break
			}
		}
	}
}

func (b *ballast) free() {
	b.t.Helper()
	if _, err := b.db.Exec(`DELETE FROM ballast`); err != nil {
		b.t.Fatal(err)
	}
}

func faultAlerts(as []notify.Alert, mark string) []string {
	var out []string
	for _, a := range as {
		if strings.Contains(a.Text, mark) {
			out = append(out, a.Text)
		}
	}
	return out
}

// TestDiskFullHoldsMessagesAndCatchesUp fills the disk under a running desk: buyers
// keep getting an answer (the busy one), the merchant is told once why, nothing that was
// acknowledged is lost, and when space is freed the held messages are handled in order
// and answered, and the merchant hears the desk works again.
func TestDiskFullHoldsMessagesAndCatchesUp(t *testing.T) {
	if casestest.PG() {
		t.Skip("a full disk and a size cap are SQLite's file (max_page_count); PostgreSQL's disk is the server's")
	}
	h := newHarness(t)
	// Many buyers on one sample order: order ownership is another test's subject.
	h.cfg.Orders.VerifyOwner = false
	// The "disk": 384 KB for the store file, most of it taken by another file.
	h.storeOpts = cases.Options{MaxBytes: 384 << 10}
	h.store.Close()
	h.start()
	disk := newBallast(t, h.path, 150)
	busy := h.cfg.Replies["busy"]

	// Buyers open cases until the disk is full.
	var acked []string
	var full int
	for i := 0; full == 0; i++ {
		if i == 2000 {
			t.Fatal("2,000 cases fit: the disk never filled")
		}
		from := fmt.Sprintf("买家%d", i)
		replies, err := h.handle(textFrom(from, "订单"+cupOrder+" 杯子碎了，我要退款"))
		if err != nil {
			if f := cases.FaultOf(err); f != cases.FaultDiskFull {
				t.Fatalf("message %d: %v (fault %q), want a full disk", i, err, f)
			}
			if len(replies) != 1 || replies[0].Text != busy {
				t.Fatalf("on a full disk the buyer got %+v, want the busy reply", replies)
			}
			full = i
			disk.fill(384 << 10)
			break
		}
		for _, r := range replies {
			if strings.Contains(r.Text, "已为您登记退款") {
				acked = append(acked, from)
			}
		}
	}
	// More buyers while full: each is answered, each message held; one alert in all.
	waiting := []string{fmt.Sprintf("买家%d", full)}
	for i := 1; i <= 3; i++ {
		from := fmt.Sprintf("迟到买家%d", i)
		replies, err := h.handle(textFrom(from, "订单"+cupOrder+" 我要退货"))
		if err == nil || len(replies) != 1 || replies[0].Text != busy {
			t.Fatalf("full disk, %s: %+v, %v", from, replies, err)
		}
		waiting = append(waiting, from)
	}
	// The merchant's command is refused plainly, not held. (A long note: a short write
	// may still fit in the slack of a page the store already has.)
	replies, err := h.handle(textFrom(merchant, "A1 备注 "+strings.Repeat("买家说杯子碎了，等拍照。", 150)))
	if err == nil || len(replies) != 1 || !strings.Contains(replies[0].Text, "没有执行") || !strings.Contains(replies[0].Text, "磁盘已满") {
		t.Fatalf("merchant command on a full disk: %+v, %v", replies, err)
	}
	if got := h.engine.HeldMessages(); got != len(waiting) {
		t.Fatalf("held %d messages, want %d", got, len(waiting))
	}
	alerts := faultAlerts(h.takeAlerts(), "【系统故障】")
	if len(alerts) != 1 || !strings.Contains(alerts[0], "磁盘已满") || !strings.Contains(alerts[0], "示例小店") {
		t.Fatalf("merchant alerts while the disk is full: %q, want one naming the full disk", alerts)
	}
	// Still full: a retry keeps everything and says nothing new.
	if n, err := h.engine.RetryHeld(h.ctx); n != 0 || err == nil {
		t.Fatalf("RetryHeld on a full disk = %d, %v", n, err)
	}
	if h.engine.HeldMessages() != len(waiting) || len(faultAlerts(h.takeAlerts(), "【系统")) != 0 {
		t.Fatal("a failed retry lost a held message or alerted again")
	}

	// Acknowledged cases are intact.
	live := map[string]cases.Case{}
	for _, c := range h.liveCases() {
		live[c.Buyer] = c
	}
	for _, b := range acked {
		c, ok := live[b]
		if !ok {
			t.Fatalf("acknowledged case of %s is gone", b)
		}
		if tr := h.transcript(c.ID); len(tr) == 0 || !strings.Contains(tr[0], "杯子碎了") {
			t.Fatalf("case %s transcript %q", c.ID, tr)
		}
	}

	// Space freed: the held messages are handled, oldest first, and answered.
	disk.free()
	h.mu.Lock()
	start := len(h.sent)
	h.mu.Unlock()
	n, err := h.engine.RetryHeld(h.ctx)
	if err != nil || n != len(waiting) {
		t.Fatalf("RetryHeld after space came back = %d, %v; want %d", n, err, len(waiting))
	}
	h.mu.Lock()
	got := h.sent[start:]
	h.mu.Unlock()
	var order []string
	for _, s := range got {
		if strings.Contains(s.Text, "已为您登记") {
			order = append(order, s.To)
		}
	}
	if strings.Join(order, ",") != strings.Join(waiting, ",") {
		t.Fatalf("held messages answered %q, want %q in order", order, waiting)
	}
	for _, c := range h.liveCases() {
		live[c.Buyer] = c
	}
	for _, b := range waiting {
		if _, ok := live[b]; !ok {
			t.Errorf("no case for %s after catching up", b)
		}
	}
	back := faultAlerts(h.takeAlerts(), "【系统恢复】")
	if len(back) != 1 || !strings.Contains(back[0], fmt.Sprint(len(waiting))) {
		t.Fatalf("recovery alerts %q, want one counting %d messages", back, len(waiting))
	}
	if h.engine.HeldMessages() != 0 {
		t.Fatal("messages still held after catching up")
	}
	t.Logf("%d cases fit before the disk was full; %d messages held and answered after", len(acked), len(waiting))
}

// TestReadOnlyStore: a process whose store file has become read-only answers every
// buyer with the busy reply, tells the merchant why once, and loses nothing that was
// committed before; reopened writable, the desk goes on where it stood.
func TestReadOnlyStore(t *testing.T) {
	if casestest.PG() {
		t.Skip("a full disk and a size cap are SQLite's file (max_page_count); PostgreSQL's disk is the server's")
	}
	h := newHarness(t)
	h.cfg.Orders.VerifyOwner = false // several buyers on the one sample order
	h.start()
	mustContain(t, h.say(buyer, "订单"+cupOrder+" 杯子碎了，我要退款"), "已为您登记退款")
	before := h.liveCases()
	h.takeAlerts()
	h.store.Close()
	h.storeOpts = cases.Options{ReadOnly: true}
	h.start()
	busy := h.cfg.Replies["busy"]
	for _, from := range []string{buyer, "买家小李", "买家小张"} {
		replies, err := h.handle(textFrom(from, "订单"+cupOrder+" 我要退货"))
		if f := cases.FaultOf(err); f != cases.FaultReadOnly {
			t.Fatalf("%s on a read-only store: %v (fault %q)", from, err, f)
		}
		if len(replies) != 1 || replies[0].Text != busy {
			t.Fatalf("%s got %+v, want the busy reply", from, replies)
		}
	}
	alerts := faultAlerts(h.takeAlerts(), "【系统故障】")
	if len(alerts) != 1 || !strings.Contains(alerts[0], "只读") || !strings.Contains(alerts[0], "1 条消息暂存") {
		t.Fatalf("merchant alerts: %q, want one saying the store is read-only, sent at the first held message", alerts)
	}
	if got := h.engine.HeldMessages(); got != 3 {
		t.Fatalf("held %d messages, want 3", got)
	}
	h.store.Close()
	h.storeOpts = cases.Options{}
	h.start()
	after := h.liveCases()
	if len(after) != 1 || after[0].ID != before[0].ID || after[0].State != before[0].State {
		t.Fatalf("cases after the read-only spell %+v, before %+v", after, before)
	}
	mustContain(t, h.say("买家小李", "订单"+cupOrder+" 我要退货"), "已为您登记退货")
}
