package longtest

import "testing"

func TestEnabled(t *testing.T) {
	for _, tc := range []struct {
		long, ci string
		want     bool
	}{
		{"", "", false},
		{"1", "", true},
		{"0", "", false},
		{"", "true", true},
		{"", "1", true},
		{"", "false", false},
		{"", "0", false},
		{"yes", "", false},
	} {
		t.Setenv(Env, tc.long)
		t.Setenv("CI", tc.ci)
		if got := Enabled(); got != tc.want && !testing.Short() {
			t.Errorf("%s=%q CI=%q: Enabled()=%v, want %v", Env, tc.long, tc.ci, got, tc.want)
		}
	}
}
