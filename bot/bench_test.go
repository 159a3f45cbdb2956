package bot_test

import (
	"fmt"
	"testing"

	"github.com/aftersale/aftersale/bot"
)

// BenchmarkEngineMessage measures one buyer message through the whole engine:
// classify, session, case write (SQLite, WAL, fsync at commit), reply render and delivery.
func BenchmarkEngineMessage(b *testing.B) {
	h := newHarnessTB(b)
	msgs := []string{"退款 " + cupOrder, "怎么还没处理", "你好", "快递到哪了", "谢谢"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m := bot.Message{Shop: shopID, From: fmt.Sprintf("buyer-%d", i%1000), Text: msgs[i%len(msgs)]}
		replies, err := h.engine.Handle(h.ctx, m)
		if err != nil {
			b.Fatal(err)
		}
		if err := h.engine.Deliver(h.ctx, replies); err != nil {
			b.Fatal(err)
		}
	}
}
