package wechat

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// drain returns the login waits slept so far.
func (r *unitRig) drain() []time.Duration {
	var out []time.Duration
	for {
		select {
		case d := <-r.slept:
			out = append(out, d)
		default:
			return out
		}
	}
}

// TestLoginStorm replays issue 16's login storm: WeChat ends every login at once with
// ret 1102 and relogin needs no scan. The sinks must hear one 掉线 when the trouble starts
// and one 恢复 only once a session has lasted StableAfter, and the wait between logins
// must keep doubling up to LoginRetryMax instead of staying at 5 s. Virtual time
// (testing/synctest) runs the 2-minute stability timer at once.
func TestLoginStorm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const storm = 8
		good := newFakeAccount()
		results := []any{good}
		for range storm {
			a := newFakeAccount()
			a.ended <- errors.New("ret 1102") // dies as soon as it is up
			results = append(results, a)
		}
		last := newFakeAccount()
		results = append(results, last)
		r := newUnitRig(t, Options{}, results...)

		// The first login lasts: no alert at all (nothing was lost).
		time.Sleep(3 * time.Minute)
		synctest.Wait()
		if got := r.status.texts(); len(got) != 0 {
			t.Fatalf("alerts after a good first login: %q, want none", got)
		}

		// Then the storm: storm logins each killed at once, and one that holds.
		good.ended <- errors.New("ret 1102")
		synctest.Wait()
		got := r.status.texts()
		if len(got) != 1 || !strings.Contains(got[0], "微信掉线") || !strings.Contains(got[0], "ret 1102") {
			t.Fatalf("alerts during the storm: %q, want one 微信掉线 with the reason", got)
		}
		want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second,
			80 * time.Second, 160 * time.Second, 5 * time.Minute, 5 * time.Minute, 5 * time.Minute}
		if waits := r.drain(); !equalDurations(waits, want) {
			t.Fatalf("login waits %v, want %v (doubling to the 5m cap)", waits, want)
		}

		// The last session holds: 恢复 comes once, after StableAfter, not at login.
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := r.status.texts(); len(got) != 1 {
			t.Fatalf("alerts a minute into the last session: %q, want still only 掉线", got)
		}
		time.Sleep(time.Minute + time.Second)
		synctest.Wait()
		got = r.status.texts()
		if len(got) != 2 || !strings.Contains(got[1], "微信已恢复") || !strings.Contains(got[1], "重连 9 次") {
			t.Fatalf("alerts after the last session held 2m: %q, want 掉线 then one 恢复 counting 9 reconnects", got)
		}

		// A new loss after a stable session is a new outage: a new 掉线, and the backoff
		// starts again from LoginRetryMin.
		last.ended <- errors.New("ret 1101")
		synctest.Wait()
		got = r.status.texts()
		if len(got) != 3 || !strings.Contains(got[2], "微信掉线") || !strings.Contains(got[2], "ret 1101") {
			t.Fatalf("alerts after a later loss: %q, want a second 掉线", got)
		}
		if waits := r.drain(); !equalDurations(waits, []time.Duration{5 * time.Second}) {
			t.Fatalf("login waits after a stable session %v, want [5s]", waits)
		}
	})
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
