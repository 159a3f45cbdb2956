package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/aftersale/aftersale/vocab"
)

// Duration is a time.Duration written in TOML as a string: "90s", "15m", "24h", and, because
// platform rules count in days, "2d" or "1d12h" (a day is always 24 hours here; working-day
// rules are the scheduler's business, not the config's); also in the words the merchant's
// chat commands take: "24小时", "30分钟", "1天".
type Duration time.Duration

// ParseDuration reads the config's duration syntax, which is the chat commands' too:
// vocab.ParseDuration is its one owner. Negative values are refused: no setting here
// means "before now".
func ParseDuration(s string) (Duration, error) {
	d, err := vocab.ParseDuration(s)
	return Duration(d), err
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
