package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written in TOML as a string: "90s", "15m", "24h", and, because
// platform rules count in days, "2d" or "1d12h" (a day is always 24 hours here; working-day
// rules are the scheduler's business, not the config's).
type Duration time.Duration

// maxDays keeps days*24h inside an int64 of nanoseconds.
const maxDays = int64(time.Duration(1<<63-1) / (24 * time.Hour))

// ParseDuration reads the config's duration syntax: an optional whole number of days
// ("2d") followed by anything time.ParseDuration accepts. Negative values are refused:
// no setting here means "before now".
func ParseDuration(s string) (Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" || strings.HasPrefix(in, "-") || strings.HasPrefix(in, "+") {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	var days int64
	rest := in
	if i := strings.IndexByte(in, 'd'); i >= 0 {
		n, err := strconv.ParseInt(in[:i], 10, 64)
		if err != nil || n > maxDays || i == 0 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		days, rest = n, in[i+1:]
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil || d < 0 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
	}
	total := time.Duration(days) * 24 * time.Hour
	if d > time.Duration(1<<63-1)-total {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	return Duration(total + d), nil
}

// UnmarshalText implements encoding.TextUnmarshaler so TOML strings decode directly.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes the same syntax back, so a printed config loads again.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String writes the shortest form in the config's own syntax: "2d", "1d12h", "1h30m",
// "90s" reads back as "1m30s".
func (d Duration) String() string {
	v := time.Duration(d)
	if v == 0 {
		return "0s"
	}
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
		v = -v
	}
	if v%time.Second != 0 {
		// Sub-second values are not something the config is written in; keep Go's form.
		days := v / (24 * time.Hour)
		if days > 0 {
			fmt.Fprintf(&b, "%dd", days)
			v -= days * 24 * time.Hour
		}
		b.WriteString(v.String())
		return b.String()
	}
	parts := []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for _, p := range parts {
		if n := v / p.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, p.name)
			v -= n * p.unit
		}
	}
	return b.String()
}
