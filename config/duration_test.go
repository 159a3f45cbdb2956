package config

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		str  string
		bad  bool
	}{
		{in: "90s", want: 90 * time.Second, str: "1m30s"},
		{in: "15m", want: 15 * time.Minute, str: "15m"},
		{in: "24h", want: 24 * time.Hour, str: "1d"},
		{in: "2d", want: 48 * time.Hour, str: "2d"},
		{in: "1d12h", want: 36 * time.Hour, str: "1d12h"},
		{in: "7d30m", want: 7*24*time.Hour + 30*time.Minute, str: "7d30m"},
		{in: "1h30m", want: 90 * time.Minute, str: "1h30m"},
		{in: " 6h ", want: 6 * time.Hour, str: "6h"},
		{in: "0s", want: 0, str: "0s"},
		{in: "1500ms", want: 1500 * time.Millisecond, str: "1.5s"},
		// Issue 16, item 11: what the chat commands accept ("A12 稍后 2小时").
		{in: "24小时", want: 24 * time.Hour, str: "1d"},
		{in: "30分钟", want: 30 * time.Minute, str: "30m"},
		{in: "2 个小时", want: 2 * time.Hour, str: "2h"},
		{in: "1天12小时", want: 36 * time.Hour, str: "1d12h"},
		{in: "1小时30分", want: 90 * time.Minute, str: "1h30m"},
		{in: "7天", want: 7 * 24 * time.Hour, str: "7d"},
		{in: "90min", want: 90 * time.Minute, str: "1h30m"},
		{in: "1.5h", want: 90 * time.Minute, str: "1h30m"},
		{in: "3x", bad: true},
		{in: "24小", bad: true},
		{in: "小时", bad: true},
		{in: "1.5天", bad: true},
		{in: "1..5h", bad: true},
		{in: "", bad: true},
		{in: "d", bad: true},
		{in: "1.5d", bad: true},
		{in: "-1h", bad: true},
		{in: "+1h", bad: true},
		{in: "1d-1h", bad: true},
		{in: "2dd", bad: true},
		{in: "24", bad: true},
		{in: "999999999d", bad: true},
		{in: "106752d", bad: true},
		{in: "106751d24h", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := ParseDuration(tt.in)
			if tt.bad {
				if err == nil || err.Error() != `invalid duration "`+tt.in+`"` {
					t.Fatalf("ParseDuration(%q)=%v,%v; want invalid duration", tt.in, d, err)
				}
				return
			}
			if err != nil || time.Duration(d) != tt.want {
				t.Fatalf("ParseDuration(%q)=%v,%v; want %v", tt.in, time.Duration(d), err, tt.want)
			}
			if d.String() != tt.str {
				t.Errorf("String()=%q, want %q", d.String(), tt.str)
			}
			back, err := ParseDuration(d.String())
			if err != nil || back != d {
				t.Errorf("round trip %q → %v,%v", d.String(), back, err)
			}
		})
	}
}

func TestTemplateFuncs(t *testing.T) {
	f := TemplateFuncs()
	deadline := f["deadline"].(func(time.Time) string)
	left := f["left"].(func(time.Duration) string)
	dl := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), "11月28日 18:00"},
		{time.Date(2026, 12, 31, 16, 5, 0, 0, time.UTC), "1月1日 00:05"},
		{time.Date(2026, 3, 2, 9, 7, 0, 0, time.FixedZone("CST", 8*3600)), "3月2日 09:07"},
		{time.Time{}, "待定"},
	}
	for _, tt := range dl {
		if got := deadline(tt.in); got != tt.want {
			t.Errorf("deadline(%v)=%q, want %q", tt.in, got, tt.want)
		}
	}
	lt := []struct {
		in   time.Duration
		want string
	}{
		{5*time.Hour + 20*time.Minute, "5小时20分"},
		{45 * time.Minute, "45分钟"},
		{15*time.Minute - time.Second, "15分钟"},
		{20 * time.Second, "不到1分钟"},
		{0, "不到1分钟"},
		{6 * time.Hour, "6小时"},
		{26*time.Hour + 5*time.Minute, "1天2小时5分"},
		{48 * time.Hour, "2天"},
		{-2 * time.Hour, "已超时2小时"},
		{-90 * time.Minute, "已超时1小时30分"},
		{-10 * time.Second, "刚刚超时"},
	}
	for _, tt := range lt {
		if got := left(tt.in); got != tt.want {
			t.Errorf("left(%v)=%q, want %q", tt.in, got, tt.want)
		}
	}
}
