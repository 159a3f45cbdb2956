package config

import (
	"os"
	"testing"
)

// FuzzParse: a config file is outside input; any bytes give a config or an *Error (Errors for several), never
// a panic, and an accepted config validates again.
func FuzzParse(f *testing.F) {
	if def, err := os.ReadFile("../config.toml"); err == nil {
		f.Add(def)
	}
	for _, s := range []string{"[store]\npath = \"a.db\"\n", "[[shops]]\nid = \"x\"\n[shops.douyin]\napp_key = 1\n", "[sla.refund]\nrespond_within = \"1d12h\"\n", "a = [\n", "\xef\xbb\xbf[store]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.toml", data)
		if err != nil {
			switch e := err.(type) {
			case *Error:
			case Errors:
				if len(e) < 2 {
					t.Fatalf("Parse error %v: Errors of %d, want a lone problem as *Error", err, len(e))
				}
			default:
				t.Fatalf("Parse error %T %v, want *Error or Errors", err, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted config fails Validate: %v", err)
		}
	})
}
