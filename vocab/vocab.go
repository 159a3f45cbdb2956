// Package vocab owns the desk's words that several parts must say the same way: the
// China time zone and how times are written, how "time left" is written, the merchant
// command verbs, and the reply and alert template names with the fields each may use.
// Every other package reads them here, so they cannot drift apart (STYLE.md point 26).
// Intent labels and their Chinese names are owned by package intents.
package vocab

import (
	"fmt"
	"strings"
	"text/template"
	"time"
)

// China is the shops' time zone, fixed at UTC+8: China has kept no daylight saving since
// 1991, and a fixed zone needs no zoneinfo on the machine.
var China = time.FixedZone("CST", 8*3600)

// Clock formats t for a phone screen in China time: "11-28 18:00"; "—" for the zero time.
func Clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(China).Format("01-02 15:04")
}

// Deadline formats t in China time as templates show it: "11月28日 18:00"; "待定" for
// the zero time.
func Deadline(t time.Time) string {
	if t.IsZero() {
		return "待定"
	}
	t = t.In(China)
	return fmt.Sprintf("%d月%d日 %02d:%02d", int(t.Month()), t.Day(), t.Hour(), t.Minute())
}

// Clip shortens a buyer's words for one line of an alert or a list: at most n runes, and
// "…" when cut.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Left formats the time left to a deadline, rounded to the minute: "1天2小时", "5小时20分",
// "45分钟", "不到1分钟"; a negative duration is late: "已超时2小时", "刚刚超时".
func Left(d time.Duration) string {
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

// Remaining is Left as a merchant's list shows it: "剩5小时20分", or "已超时…" when late.
func Remaining(d time.Duration) string {
	if d < 0 {
		return Left(d)
	}
	return "剩" + Left(d)
}

// Countdown is the board's ticking countdown, to the second and always two units:
// "剩1天0小时", "剩3小时5分", "剩4分9秒", "已超时30分0秒". The board's page script
// writes the same format, so its first tick does not jump.
func Countdown(d time.Duration) string {
	late := d < 0
	if late {
		d = -d
	}
	s := int64(d / time.Second)
	var t string
	switch {
	case s >= 86400:
		t = fmt.Sprintf("%d天%d小时", s/86400, s%86400/3600)
	case s >= 3600:
		t = fmt.Sprintf("%d小时%d分", s/3600, s%3600/60)
	default:
		t = fmt.Sprintf("%d分%d秒", s/60, s%60)
	}
	if late {
		return "已超时" + t
	}
	return "剩" + t
}

// TemplateFuncs are the functions reply and alert templates may call; config validation
// parses templates with them and the engine registers the same set.
//
//	deadline: a time.Time, as Deadline writes it
//	left:     a time.Duration, as Left writes it
func TemplateFuncs() template.FuncMap {
	return template.FuncMap{"deadline": Deadline, "left": Left}
}
