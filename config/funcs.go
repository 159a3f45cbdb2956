package config

import (
	"fmt"
	"strings"
	"text/template"
	"time"
)

// chinaTime is fixed at UTC+8: China has kept no daylight saving since 1991, and a fixed
// zone needs no zoneinfo on the machine.
func chinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }

// TemplateFuncs are the functions reply and alert templates may call. Validate parses
// templates with them and the engine registers the same set, so a template that passes
// check-config also runs.
//
//	deadline: a time.Time in China time, "11月28日 18:00"; "待定" for the zero time
//	left:     a time.Duration, "5小时20分", "45分钟", "不到1分钟"; negative as "已超时2小时"
func TemplateFuncs() template.FuncMap {
	loc := chinaTime()
	return template.FuncMap{
		"deadline": func(t time.Time) string { return FormatDeadline(t, loc) },
		"left":     FormatLeft,
	}
}

// FormatDeadline formats t for a phone screen in loc: "11月28日 18:00".
func FormatDeadline(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "待定"
	}
	t = t.In(loc)
	return fmt.Sprintf("%d月%d日 %02d:%02d", int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

// FormatLeft formats the time left to a deadline, rounded to the minute: "1天2小时",
// "5小时20分", "45分钟". A negative duration means the deadline has passed.
func FormatLeft(d time.Duration) string {
	prefix := ""
	if d < 0 {
		prefix, d = "已超时", -d
	}
	d = d.Round(time.Minute)
	if d < time.Minute {
		if prefix != "" {
			return "刚刚超时"
		}
		return "不到1分钟"
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	hours := d / time.Hour
	d -= hours * time.Hour
	mins := d / time.Minute
	var b strings.Builder
	b.WriteString(prefix)
	if days > 0 {
		fmt.Fprintf(&b, "%d天", days)
	}
	if hours > 0 {
		fmt.Fprintf(&b, "%d小时", hours)
	}
	if mins > 0 {
		if days == 0 && hours == 0 {
			fmt.Fprintf(&b, "%d分钟", mins)
		} else {
			fmt.Fprintf(&b, "%d分", mins)
		}
	}
	return b.String()
}
