// Package longtest is the one switch for the slow tests: processes started and killed
// (kill -9 loops, the built binary's memory), real-browser runs, real-clock lateness,
// statistical model checks and many-address floods. `go test ./...` skips them, so the
// everyday run stays fast on a small machine; CI runs them all (.ci/run sets CI=true),
// and so does AFTERSALE_LONG=1 anywhere. -short skips them even then.
//
// One switch rather than -short alone because the README's command is plain
// `go test ./...`: the fast run must be the default, the full run the deliberate one.
// The million-case runs stay behind their own AFTERSALE_SCALE=1 (minutes each).
package longtest

import (
	"os"
	"testing"
)

// Env is the variable that turns the long tests on outside CI.
const Env = "AFTERSALE_LONG"

// Enabled reports whether the long tests run: $AFTERSALE_LONG=1, or $CI set to anything
// but "", "0" or "false" (what CI services and .ci/run set), and not -short.
func Enabled() bool {
	if testing.Short() {
		return false
	}
	if os.Getenv(Env) == "1" {
		return true
	}
	ci := os.Getenv("CI")
	return ci != "" && ci != "0" && ci != "false"
}

// Skip skips t unless the long tests run, saying what it is and how to run it.
func Skip(t testing.TB, what string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("long test (%s): runs in CI, or with %s=1", what, Env)
	}
}
