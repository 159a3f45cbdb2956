package faq

import "testing"

// An entry about one product does not answer a question about another it never speaks
// of, whatever words they share; a name of the same kind's word, or a bare name of a more
// specific one, it does. (Found on held-out sets: "盘子能进微波炉吗" got the mug's
// "可以进微波炉", "窗帘能用洗衣机洗不" the bedding's washing.)
func TestGoodsGate(t *testing.T) {
	b, err := Parse("sample_faq.toml", SampleFile(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, want string
	}{
		{"饭盒能进微波炉吗", ""},
		{"这个碗能放微波炉吗", ""},
		{"袜子会掉色吗", ""},
		{"窗帘能用洗衣机洗不", ""},
		{"保温杯盖子是什么材质", ""},
		{"马克杯能进微波炉吗", "material"},
		{"杯子能进微波炉吗", "material"},
		{"被套会缩水吗", "bedding_wash"},
		{"杯子保温几个小时", "thermos"},
		{"电饭煲坏了能免费修吗 用了三个月", "warranty"},
		{"亲 162 105斤 卫衣拍哪个码好", "size_guide"},
		{"四件套包邮吗", "free_shipping"},
	} {
		_, id, _ := b.Answer(tc.text, "店")
		if id != tc.want {
			t.Errorf("Answer(%q) = %q, want %q", tc.text, id, tc.want)
		}
	}
}
