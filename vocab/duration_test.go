package vocab_test

import (
	"testing"
	"time"

	"github.com/aftersale/aftersale/vocab"
)

// One syntax for chat commands and config (issue 16, item 11).
func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration // 0 with bad
		bad  bool
	}{
		{in: "2h", want: 2 * time.Hour},
		{in: "2H", want: 2 * time.Hour},
		{in: "30m", want: 30 * time.Minute},
		{in: "30min", want: 30 * time.Minute},
		{in: "1d", want: 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "1500ms", want: 1500 * time.Millisecond},
		{in: "2小时", want: 2 * time.Hour},
		{in: "2个小时", want: 2 * time.Hour},
		{in: "2 个钟头", want: 2 * time.Hour},
		{in: "30分钟", want: 30 * time.Minute},
		{in: "30分", want: 30 * time.Minute},
		{in: "1天", want: 24 * time.Hour},
		{in: "1小时 30分钟", want: 90 * time.Minute},
		{in: "45秒", want: 45 * time.Second},
		{in: "0s", want: 0},
		{in: "", bad: true},
		{in: "soon", bad: true},
		{in: "24", bad: true},
		{in: "-1h", bad: true},
		{in: "1.5d", bad: true},
		{in: "2dd", bad: true},
		{in: "两小时", bad: true},
		{in: "106752d", bad: true},
	} {
		got, err := vocab.ParseDuration(tc.in)
		if tc.bad {
			if err == nil || err.Error() != `invalid duration "`+tc.in+`"` {
				t.Errorf("ParseDuration(%q) = %v, %v; want invalid duration", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
