package intents

import "testing"

func TestGoodsIn(t *testing.T) {
	for text, want := range map[string]string{
		"保温杯盖子是什么材质": "保温杯",
		"T恤会缩水吗":     "t恤",
		"包邮吗":        "",
		"杯子和碗":       "杯子,碗",
	} {
		got := ""
		for i, w := range GoodsIn(text) {
			if i > 0 {
				got += ","
			}
			got += w
		}
		if got != want {
			t.Errorf("GoodsIn(%q) = %q, want %q", text, got, want)
		}
	}
}
