package intents

import "testing"

// benchMix is a realistic spread of buyer messages (written for the benchmark, not taken
// from any eval set): mostly short chat, some pre-sale, some long complaints, slot-only
// replies, and the odd pasted order id.
var benchMix = []string{
	"在吗",
	"好的 谢谢亲",
	"这个还有货吗？",
	"我买的鞋子码数小了，想换大一码",
	"快递到哪了 三天了还没动",
	"4705288465508532862",
	"[图片]",
	"东西收到了，质量太差了，我要退货退款，订单号 2617801683312294",
	"你们客服态度太差了 再不处理我就打12315投诉你们",
	"算了 不退了 已经好了",
	"转人工",
	"耳机左边没声音了 还在保修期吗 能修吗",
	"包邮吗 发什么快递",
	"刚拍的能取消订单吗，拍错了",
	"不是要退款 是想换个颜色",
	"tk",
}

func BenchmarkClassify(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = c.Classify(benchMix[i%len(benchMix)])
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
