package bot_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

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
		// Channels give every message an id (the dedupe check is part of a turn's cost).
		m := bot.Message{ID: fmt.Sprintf("msg-%d", i), Shop: shopID, From: fmt.Sprintf("buyer-%d", i%1000), Text: msgs[i%len(msgs)]}
		if err := h.engine.Handle(h.ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEngineConcurrentBuyers is the same mix from 1,000 buyers writing at once;
// group commit lets many messages share one fsync.
func BenchmarkEngineConcurrentBuyers(b *testing.B) {
	h := newHarnessTB(b)
	msgs := []string{"退款 " + cupOrder, "怎么还没处理", "你好", "快递到哪了", "谢谢"}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(500) // 2 cores × 500 = 1,000 buyers
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		buyer := fmt.Sprintf("buyer-%d", next.Add(1))
		for i := 0; pb.Next(); i++ {
			m := bot.Message{ID: fmt.Sprintf("%s-%d", buyer, i), Shop: shopID, From: buyer, Text: msgs[i%len(msgs)]}
			if err := h.engine.Handle(h.ctx, m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
