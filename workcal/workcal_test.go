package workcal

import (
	"math/rand/v2"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*60*60)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func mustNew(tb testing.TB, o Options) *Calendar {
	tb.Helper()
	c, err := New(o)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return c
}

func TestIsWorkday(t *testing.T) {
	c := mustNew(t, Options{Overrides: map[string]bool{
		"2027-06-09": true,  // pretend 端午 was moved: a working day after all
		"2028-03-08": false, // a shop's own day off, outside the shipped data
	}})
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2025-10-01", false, "国庆 holiday"},
		{"2025-10-08", false, "国庆中秋 last day"},
		{"2025-09-28", true, "Sunday make-up working day (调休)"},
		{"2025-10-11", true, "Saturday make-up working day (调休)"},
		{"2026-02-17", false, "春节 holiday (a Tuesday)"},
		{"2026-02-14", true, "Saturday make-up for 春节"},
		{"2026-03-07", false, "ordinary Saturday"},
		{"2026-03-08", false, "ordinary Sunday"},
		{"2026-03-11", true, "ordinary Wednesday"},
		{"2027-02-08", false, "2027 春节 holiday from lunar-go data"},
		{"2027-02-14", true, "2027 Sunday make-up from lunar-go data"},
		{"2027-06-09", true, "override turns a holiday into a working day"},
		{"2028-03-08", false, "override turns a Wednesday off"},
		{"2028-03-09", true, "Thursday beyond the data: weekday rule"},
		{"2030-10-05", false, "Saturday beyond the data"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			// 07:00 in China is 23:00 the day before in UTC: the day must be read in China.
			local := at(tt.day + " 07:00")
			if got := c.IsWorkday(local); got != tt.want {
				t.Fatalf("IsWorkday(%s)=%v, want %v (%s)", tt.day, got, tt.want, tt.why)
			}
			if got := c.IsWorkday(local.UTC()); got != tt.want {
				t.Fatalf("IsWorkday(%s as UTC %s)=%v, want %v: the day is read in China", tt.day, local.UTC(), got, tt.want)
			}
		})
	}
}

func TestDataYears(t *testing.T) {
	c := mustNew(t, Options{})
	first, last := c.DataYears()
	if first > 2002 || last < 2027 {
		t.Fatalf("DataYears=%d..%d, want to cover 2025..2027", first, last)
	}
}

func TestNewRejectsBadOverride(t *testing.T) {
	for _, key := range []string{"2027/02/06", "2027-2-6", "tomorrow", "2027-02-30"} {
		if _, err := New(Options{Overrides: map[string]bool{key: true}}); err == nil {
			t.Errorf("New accepted override %q", key)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	c := mustNew(t, Options{})
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-11 10:00", 0, "2026-03-11 10:00"},
		{"2026-03-11 10:00", 1, "2026-03-12 10:00"},
		{"2026-03-13 10:00", 1, "2026-03-16 10:00"}, // Friday → Monday
		{"2026-03-14 10:00", 1, "2026-03-16 10:00"}, // from a Saturday
		{"2025-09-30 10:00", 1, "2025-10-09 10:00"}, // across the 国庆 week
		{"2025-09-30 10:00", 3, "2025-10-11 10:00"}, // lands on the 调休 Saturday
		{"2025-09-26 23:30", 1, "2025-09-28 23:30"}, // Friday → 调休 Sunday
		{"2025-10-09 10:00", -1, "2025-09-30 10:00"},
		{"2025-09-28 08:00", -1, "2025-09-26 08:00"},
		{"2026-02-13 18:00", 1, "2026-02-14 18:00"}, // 调休 Saturday before 春节
		{"2026-02-14 18:00", 1, "2026-02-24 18:00"}, // over the 春节 break
		{"2026-02-10 09:00", 7, "2026-02-26 09:00"}, // 快手-style 7 working days: 11,12,13,14(调休),24,25,26
	}
	for _, tt := range tests {
		got := c.AddWorkdays(at(tt.from), tt.n)
		if !got.Equal(at(tt.want)) {
			t.Errorf("AddWorkdays(%s, %d)=%s, want %s", tt.from, tt.n, got.Format("2006-01-02 15:04 Mon"), tt.want)
		}
	}
	// The result keeps the caller's location.
	if got := c.AddWorkdays(at("2026-03-11 10:00").UTC(), 1); got.Location() != time.UTC {
		t.Errorf("Location=%v, want UTC", got.Location())
	}
}

var office = Hours{Start: 9 * time.Hour, End: 18 * time.Hour, WorkdaysOnly: true}

func TestAddBusiness(t *testing.T) {
	c := mustNew(t, Options{})
	tests := []struct {
		name string
		from string
		d    time.Duration
		h    Hours
		want string
	}{
		{"inside hours", "2026-03-11 10:00", 2 * time.Hour, office, "2026-03-11 12:00"},
		{"zero", "2026-03-11 20:00", 0, office, "2026-03-11 20:00"},
		{"before opening", "2026-03-11 07:00", time.Hour, office, "2026-03-11 10:00"},
		{"after closing", "2026-03-11 20:00", time.Hour, office, "2026-03-12 10:00"},
		{"ends at closing", "2026-03-11 09:00", 9 * time.Hour, office, "2026-03-11 18:00"},
		{"over the weekend", "2026-03-13 17:00", 2 * time.Hour, office, "2026-03-16 10:00"},
		{"several days", "2026-03-11 09:00", 27 * time.Hour, office, "2026-03-13 18:00"},
		{"several days and a weekend", "2026-03-12 13:30", 24 * time.Hour, office, "2026-03-17 10:30"},
		{"across the holiday week", "2025-09-30 17:00", 2 * time.Hour, office, "2025-10-09 10:00"},
		{"onto the 调休 Sunday", "2025-09-26 17:00", 2 * time.Hour, office, "2025-09-28 10:00"},
		{"every day hours", "2026-03-14 10:00", time.Hour, Hours{Start: 9 * time.Hour, End: 18 * time.Hour}, "2026-03-14 11:00"},
		{"every day hours overnight", "2026-03-14 17:30", time.Hour, Hours{Start: 9 * time.Hour, End: 18 * time.Hour}, "2026-03-15 09:30"},
		{"around the clock on workdays", "2026-03-13 23:00", 2 * time.Hour, Hours{WorkdaysOnly: true}, "2026-03-16 01:00"},
		{"plain calendar time", "2026-03-13 23:00", 50 * time.Hour, Hours{}, "2026-03-16 01:00"},
		{"invalid hours count as around the clock", "2026-03-14 23:00", 2 * time.Hour, Hours{Start: 18 * time.Hour, End: 9 * time.Hour}, "2026-03-15 01:00"},
		{"late start window", "2026-03-11 23:00", 30 * time.Minute, Hours{Start: 20 * time.Hour, WorkdaysOnly: true}, "2026-03-11 23:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddBusiness(at(tt.from), tt.d, tt.h)
			if !got.Equal(at(tt.want)) {
				t.Fatalf("AddBusiness(%s, %v)=%s, want %s", tt.from, tt.d, got.Format("2006-01-02 15:04 Mon"), tt.want)
			}
			if back := c.BusinessBetween(at(tt.from), got, tt.h); back != tt.d {
				t.Fatalf("BusinessBetween(%s, %s)=%v, want %v", tt.from, tt.want, back, tt.d)
			}
		})
	}
}

func TestBusinessBetween(t *testing.T) {
	c := mustNew(t, Options{})
	tests := []struct {
		a, b string
		h    Hours
		want time.Duration
	}{
		{"2026-03-11 10:00", "2026-03-11 10:00", office, 0},
		{"2026-03-11 10:00", "2026-03-11 12:30", office, 150 * time.Minute},
		{"2026-03-11 20:00", "2026-03-12 08:00", office, 0},
		{"2026-03-13 17:00", "2026-03-16 10:00", office, 2 * time.Hour},
		{"2026-03-16 10:00", "2026-03-13 17:00", office, -2 * time.Hour},
		{"2025-09-30 00:00", "2025-10-10 00:00", office, 18 * time.Hour}, // Sep 30 and Oct 9 open, Oct 1-8 off
		{"2025-09-27 00:00", "2025-09-29 00:00", office, 9 * time.Hour},  // Sat off, 调休 Sun open
		{"2026-03-14 00:00", "2026-03-16 00:00", Hours{}, 48 * time.Hour},
	}
	for _, tt := range tests {
		if got := c.BusinessBetween(at(tt.a), at(tt.b), tt.h); got != tt.want {
			t.Errorf("BusinessBetween(%s, %s)=%v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// bruteBetween counts open minutes one by one: slow and obviously right.
func bruteBetween(c *Calendar, a, b time.Time, h Hours) time.Duration {
	start, end := h.window()
	var n time.Duration
	for t := a; t.Before(b); t = t.Add(time.Minute) {
		lt := t.In(c.loc)
		sinceMidnight := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute
		if sinceMidnight >= start && sinceMidnight < end && (!h.WorkdaysOnly || c.IsWorkday(t)) {
			n += time.Minute
		}
	}
	return n
}

var propertyHours = []Hours{
	office,
	{Start: 9 * time.Hour, End: 18 * time.Hour},
	{Start: 8*time.Hour + 30*time.Minute, End: 22 * time.Hour, WorkdaysOnly: true},
	{WorkdaysOnly: true},
	{},
}

// TestAddBusinessAgreesWithBetween checks the two functions invert each other on random
// starts around the holiday-dense years, and both against a minute-by-minute count.
func TestAddBusinessAgreesWithBetween(t *testing.T) {
	c := mustNew(t, Options{})
	r := rand.New(rand.NewPCG(2025, 2027))
	base := at("2025-01-01 00:00")
	for i := range 3000 {
		from := base.Add(time.Duration(r.IntN(3*365*24*60)) * time.Minute)
		d := time.Duration(r.IntN(80*60)) * time.Minute
		h := propertyHours[i%len(propertyHours)]
		to := c.AddBusiness(from, d, h)
		if to.Before(from) {
			t.Fatalf("AddBusiness(%s, %v, %+v)=%s is before the start", from, d, h, to)
		}
		if got := c.BusinessBetween(from, to, h); got != d {
			t.Fatalf("BusinessBetween(%s, AddBusiness(.., %v, %+v)=%s)=%v", from, d, h, to, got)
		}
		if i%10 == 0 && to.Sub(from) < 20*24*time.Hour {
			if got := bruteBetween(c, from, to, h); got != d {
				t.Fatalf("brute count from %s to %s (%+v)=%v, want %v", from, to, h, got, d)
			}
		}
	}
}

func FuzzAddBusinessBetween(f *testing.F) {
	f.Add(int64(0), int64(120), uint8(0))
	f.Add(int64(39*24*60*60*1000), int64(27*60), uint8(1))
	f.Add(int64(270*24*60*60*1000), int64(9*60), uint8(2))
	c := mustNew(f, Options{})
	base := at("2025-01-01 00:00")
	f.Fuzz(func(t *testing.T, offsetMS, minutes int64, hi uint8) {
		from := base.Add(time.Duration(offsetMS%(4*365*24*3600*1000)) * time.Millisecond)
		d := time.Duration(minutes%(1000*60)) * time.Minute
		if d < 0 {
			d = -d
		}
		h := propertyHours[int(hi)%len(propertyHours)]
		to := c.AddBusiness(from, d, h)
		if got := c.BusinessBetween(from, to, h); got != d {
			t.Fatalf("BusinessBetween(%s, %s, %+v)=%v, want %v", from, to, h, got, d)
		}
	})
}

func TestDayNumber(t *testing.T) {
	for dn := -800000; dn < 800000; dn += 97 {
		tm := time.Unix(int64(dn)*86400, 0).UTC()
		if got := dayNumber(tm.Date()); got != dn {
			t.Fatalf("dayNumber(%s)=%d, want %d", tm.Format(time.DateOnly), got, dn)
		}
	}
	if got, want := dayNumber(2025, 13, 1), dayNumber(2026, 1, 1); got != want {
		t.Fatalf("dayNumber(2025-13-01)=%d, want %d", got, want)
	}
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := mustNew(b, Options{})
	t0 := at("2025-09-26 10:00")
	b.ReportAllocs()
	for b.Loop() {
		_ = c.AddWorkdays(t0, 7)
	}
}

func BenchmarkAddBusiness(b *testing.B) {
	c := mustNew(b, Options{})
	t0 := at("2025-09-30 17:00")
	b.ReportAllocs()
	for b.Loop() {
		_ = c.AddBusiness(t0, 24*time.Hour, office)
	}
}

func BenchmarkIsWorkday(b *testing.B) {
	c := mustNew(b, Options{})
	t0 := at("2025-10-01 10:00")
	b.ReportAllocs()
	for b.Loop() {
		_ = c.IsWorkday(t0)
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = New(Options{})
	}
}
