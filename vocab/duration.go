package vocab

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// durationUnits are the units a length of time may be written in, longest spelling first
// within a prefix family so "min" is not read as "m" + "in" and "个小时" not as "个" + ….
// Go's own (time.ParseDuration) plus the words a merchant types in chat.
var durationUnits = []struct {
	name string
	unit time.Duration
}{
	{"个钟头", time.Hour}, {"个小时", time.Hour}, {"钟头", time.Hour}, {"小时", time.Hour},
	{"分钟", time.Minute}, {"分", time.Minute}, {"秒钟", time.Second}, {"秒", time.Second}, {"天", 24 * time.Hour},
	{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"µs", time.Microsecond}, {"μs", time.Microsecond},
	{"ms", time.Millisecond}, {"min", time.Minute}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
	{"d", 24 * time.Hour},
}

// ParseDuration reads a length of time as a merchant writes it, in a chat command
// ("A12 稍后 2小时") and in the config file (respond_within = "24小时"): one or more
// number-and-unit terms, spaces allowed between them — "90s", "15m", "1h30m", "2d",
// "1d12h", "1500ms", "1.5h", "24小时", "30分钟", "2 个小时", "1天12小时". Units: ns us ms
// s m min h d and 秒 分 分钟 小时 个小时 钟头 天; a day is always 24 hours (working-day
// rules are the scheduler's business). Days take whole numbers only ("1.5d" is refused:
// write "1d12h"). Empty, signed ("-1h", "+1h"), unit-less ("24") and overflowing values
// are errors: `invalid duration "…"`.
func ParseDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("invalid duration %q", s)
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, bad
	}
	const maxDuration = time.Duration(1<<63 - 1)
	var total time.Duration
	for rest != "" {
		n := strings.IndexFunc(rest, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
		if n < 0 {
			return 0, bad // a number with no unit
		}
		num := rest[:n]
		rest = strings.TrimLeftFunc(rest[n:], unicode.IsSpace)
		unit, name := time.Duration(0), ""
		for _, u := range durationUnits {
			if len(rest) >= len(u.name) && strings.EqualFold(rest[:len(u.name)], u.name) {
				unit, name = u.unit, u.name
				break
			}
		}
		if unit == 0 || num == "" || num == "." {
			return 0, bad
		}
		rest = strings.TrimLeftFunc(rest[len(name):], unicode.IsSpace)
		whole, frac, hasFrac := strings.Cut(num, ".")
		if hasFrac && (unit == 24*time.Hour || strings.Contains(frac, ".")) {
			return 0, bad
		}
		w := int64(0)
		if whole != "" {
			var err error
			if w, err = strconv.ParseInt(whole, 10, 64); err != nil || w > int64(maxDuration/unit) {
				return 0, bad
			}
		}
		d := time.Duration(w) * unit
		if frac != "" {
			f, err := strconv.ParseFloat("0."+frac, 64)
			if err != nil {
				return 0, bad
			}
			d += time.Duration(f * float64(unit))
		}
		if d > maxDuration-total {
			return 0, bad
		}
		total += d
	}
	return total, nil
}
