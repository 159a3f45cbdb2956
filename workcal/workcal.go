// Package workcal is a Chinese working-day calendar and business-hours arithmetic, for
// SLA deadlines counted in working days (e.g. 快手's 7 working days) or business hours.
//
// Public holidays and their make-up working days (调休) come from lunar-go's HolidayUtil,
// which carries the State Council schedules from 2001 on (through 2027 in v1.4.7).
// Outside those years a day is a working day when it is Monday to Friday. Options.Overrides
// corrects or extends the data from config when a new schedule is published before the
// library is updated.
//
// Every function here is a pure function of its arguments and the Calendar's fixed data.
package workcal

import (
	"fmt"
	"time"

	"github.com/aftersale/aftersale/vocab"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Library data coverage searched at New. HolidayUtil starts at 2001-12-29; the upper bound
// is generous so a newer lunar-go with more years is picked up without a code change.
const (
	dataFirstYear = 2001
	dataLastYear  = 2100
)

// day status in the table; dayDefault means "decide by weekday".
const (
	dayDefault uint8 = iota
	dayWork
	dayOff
)

// Options configures a Calendar.
type Options struct {
	// Location decides which calendar day an instant falls on; default UTC+8 (China).
	Location *time.Location
	// Overrides maps "2006-01-02" to true (a working day) or false (a day off); they win
	// over the holiday data and the weekday rule.
	Overrides map[string]bool
}

// Calendar answers working-day and business-hour questions. It is immutable and safe for
// concurrent use.
type Calendar struct {
	loc *time.Location
	// table[dn-first] is the status of civil day number dn (days since 1970-01-01).
	first int
	table []uint8
	// dataFirst and dataLast are the years the holiday data covers.
	dataFirst, dataLast int
}

// New loads the holiday data and applies o.Overrides.
func New(o Options) (*Calendar, error) {
	c := &Calendar{loc: o.Location}
	if c.loc == nil {
		c.loc = vocab.China // the shops' zone, owned by vocab
	}
	type entry struct {
		dn   int
		work bool
	}
	var entries []entry
	for y := dataFirstYear; y <= dataLastYear; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		if l.Len() == 0 {
			continue
		}
		if c.dataFirst == 0 {
			c.dataFirst = y
		}
		c.dataLast = y
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := time.Parse(time.DateOnly, h.GetDay())
			if err != nil {
				return nil, fmt.Errorf("read holiday data %q: %w", h.GetDay(), err)
			}
			entries = append(entries, entry{dayNumber(d.Date()), h.IsWork()})
		}
	}
	for key, work := range o.Overrides {
		d, err := time.Parse(time.DateOnly, key)
		if err != nil {
			return nil, fmt.Errorf("parse override %q: want YYYY-MM-DD", key)
		}
		entries = append(entries, entry{dayNumber(d.Date()), work})
	}
	if len(entries) == 0 {
		return c, nil
	}
	lo, hi := entries[0].dn, entries[0].dn
	for _, e := range entries {
		lo, hi = min(lo, e.dn), max(hi, e.dn)
	}
	c.first = lo
	c.table = make([]uint8, hi-lo+1)
	// Overrides were appended last, so they are written last and win.
	for _, e := range entries {
		if e.work {
			c.table[e.dn-lo] = dayWork
		} else {
			c.table[e.dn-lo] = dayOff
		}
	}
	return c, nil
}

// DataYears reports the first and last year the shipped holiday data covers (0, 0 when
// none); later years fall back to the weekday rule unless overridden.
func (c *Calendar) DataYears() (first, last int) { return c.dataFirst, c.dataLast }

// Location returns the time zone the calendar reads days in.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsWorkday reports whether the calendar day of t (in the calendar's location) is a
// working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	y, m, d := t.In(c.loc).Date()
	return c.isWorkdayNum(dayNumber(y, m, d))
}

func (c *Calendar) isWorkdayNum(dn int) bool {
	if i := dn - c.first; i >= 0 && i < len(c.table) {
		switch c.table[i] {
		case dayWork:
			return true
		case dayOff:
			return false
		}
	}
	// 1970-01-01 was a Thursday: dn%7 == 2 is Saturday, 3 is Sunday.
	wd := ((dn % 7) + 7) % 7
	return wd != 2 && wd != 3
}

// AddWorkdays returns the same clock time n working days after t's calendar day (before
// it when n < 0). Counting starts from the next day, so from a day off, one working day
// later is the first working day after it. n == 0 returns t.
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	if n == 0 {
		return t
	}
	lt := t.In(c.loc)
	y, m, d := lt.Date()
	dn := dayNumber(y, m, d)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	k := 0
	for n > 0 {
		k += step
		if c.isWorkdayNum(dn + k) {
			n--
		}
	}
	hh, mm, ss := lt.Clock()
	return time.Date(y, m, d+k, hh, mm, ss, lt.Nanosecond(), c.loc).In(t.Location())
}

// Hours are a daily business window, as offsets from midnight in the calendar's location.
type Hours struct {
	// Start and End bound the window, e.g. 9h and 18h. End 0 means midnight at the end of
	// the day (24h), so the zero Hours is around the clock.
	Start, End time.Duration
	// WorkdaysOnly restricts the window to working days.
	WorkdaysOnly bool
}

// Validate reports Hours that make no sense; AddBusiness and BusinessBetween treat them as
// around the clock rather than never open, so a bad config can never stall a deadline.
func (h Hours) Validate() error {
	end := h.End
	if end == 0 {
		end = 24 * time.Hour
	}
	if h.Start < 0 || end > 24*time.Hour || h.Start >= end {
		return fmt.Errorf("business hours %v–%v: want 0 <= start < end <= 24h", h.Start, h.End)
	}
	return nil
}

func (h Hours) window() (start, end time.Duration) {
	if h.Validate() != nil {
		return 0, 24 * time.Hour
	}
	if h.End == 0 {
		return h.Start, 24 * time.Hour
	}
	return h.Start, h.End
}

// AddBusiness returns the instant at which d of business time has passed since t. When
// the last stretch ends exactly at closing time, that closing time is returned. d <= 0
// returns t.
func (c *Calendar) AddBusiness(t time.Time, d time.Duration, h Hours) time.Time {
	if d <= 0 {
		return t
	}
	ws, we := h.window()
	lt := t.In(c.loc)
	y, m, day := lt.Date()
	dn := dayNumber(y, m, day)
	cur := lt
	for k := 0; ; k++ {
		if !h.WorkdaysOnly || c.isWorkdayNum(dn+k) {
			midnight := time.Date(y, m, day+k, 0, 0, 0, 0, c.loc)
			open, closing := midnight.Add(ws), midnight.Add(we)
			if cur.Before(open) {
				cur = open
			}
			if cur.Before(closing) {
				avail := closing.Sub(cur)
				if d <= avail {
					return cur.Add(d).In(t.Location())
				}
				d -= avail
			}
		}
	}
}

// BusinessBetween returns the business time in [a, b); negative when b is before a.
func (c *Calendar) BusinessBetween(a, b time.Time, h Hours) time.Duration {
	if !b.After(a) {
		if b.Equal(a) {
			return 0
		}
		return -c.BusinessBetween(b, a, h)
	}
	ws, we := h.window()
	la, lb := a.In(c.loc), b.In(c.loc)
	y, m, day := la.Date()
	dnA := dayNumber(y, m, day)
	yb, mb, db := lb.Date()
	dnB := dayNumber(yb, mb, db)
	var total time.Duration
	for k := 0; dnA+k <= dnB; k++ {
		if h.WorkdaysOnly && !c.isWorkdayNum(dnA+k) {
			continue
		}
		midnight := time.Date(y, m, day+k, 0, 0, 0, 0, c.loc)
		open, closing := midnight.Add(ws), midnight.Add(we)
		if open.Before(la) {
			open = la
		}
		if closing.After(lb) {
			closing = lb
		}
		if closing.After(open) {
			total += closing.Sub(open)
		}
	}
	return total
}

// dayNumber is the count of days from 1970-01-01 to the civil date y-m-d, which may be
// out of range (time.Date style: 2025-13-01 is 2026-01-01). Howard Hinnant's
// days_from_civil, after normalising through time.Date so month and day can overflow.
func dayNumber(y int, m time.Month, d int) int {
	if m < 1 || m > 12 || d < 1 || d > 28 {
		y, m, d = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Date()
	}
	mm := int(m)
	if mm <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (mm + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
