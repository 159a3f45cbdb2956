package main

import (
	"strings"
	"testing"
)

// kfConfig is a complete [wecomkf] for the default shop "demo", callback on push.listen.
const kfConfig = `
[push]
listen = "127.0.0.1:0"

[wecomkf]
corp_id = "ww0123456789abcdef"
secret = "${TEST_KF_SECRET}"
token = "QDG6eK"
encoding_aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
[wecomkf.accounts]
demo = "wkAbCdEf0123456789"
`

func TestCheckConfigWeComKF(t *testing.T) {
	t.Setenv("TEST_KF_SECRET", "s3cret-value-never-shown")
	for _, tc := range []struct {
		name, toml, want string // want "" = valid
	}{
		{"complete", kfConfig, ""},
		{"app sink", kfConfig + "\n[[notify]]\ntype = \"wecomapp\"\ncorp_id = \"ww0123456789abcdef\"\nagent_id = 1000002\nsecret = \"x\"\nto_users = [\"ZhangSan\"]\n", ""},
		{"app sink without agent", kfConfig + "\n[[notify]]\ntype = \"wecomapp\"\ncorp_id = \"ww1\"\nsecret = \"x\"\nto_users = [\"ZhangSan\"]\n", "notify[0].agent_id"},
		{"app sink without users", kfConfig + "\n[[notify]]\ntype = \"wecomapp\"\ncorp_id = \"ww1\"\nagent_id = 1\nsecret = \"x\"\n", "notify[0].to_users"},
		{"no secret", strings.Replace(kfConfig, `secret = "${TEST_KF_SECRET}"`, `secret = ""`, 1), "wecomkf.secret"},
		{"short aes key", strings.Replace(kfConfig, "B2C\"", "\"", 1), "wecomkf.encoding_aes_key"},
		{"aes key not base64", strings.Replace(kfConfig, "jWmYm7qr", "jWm!m7qr", 1), "wecomkf.encoding_aes_key"},
		{"unknown shop", strings.Replace(kfConfig, "demo = ", "nope = ", 1), "wecomkf.accounts.nope"},
		{"bad open_kfid", strings.Replace(kfConfig, `"wkAbCdEf0123456789"`, `"wk 1"`, 1), "wecomkf.accounts.demo"},
		{"no accounts", strings.Replace(kfConfig, "demo = \"wkAbCdEf0123456789\"\n", "", 1), "wecomkf.accounts"},
		{"no listen", strings.Replace(kfConfig, `listen = "127.0.0.1:0"`, `listen = ""`, 1), "wecomkf.listen"},
		{"remote listen", strings.Replace(kfConfig, "[wecomkf]\n", "[wecomkf]\nlisten = \"0.0.0.0:8789\"\n", 1), "wecomkf.listen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := run(t, nil, "", "check-config", "-config", writeConfig(t, tc.toml))
			if tc.want == "" {
				if code != 0 || !strings.Contains(out, "config OK") {
					t.Fatalf("check-config = %d %q %q, want OK", code, out, errs)
				}
				return
			}
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Fatalf("check-config = %d, %q; want 2 naming %q", code, errs, tc.want)
			}
			if strings.Contains(errs, "s3cret-value-never-shown") {
				t.Fatalf("error shows the secret: %q", errs)
			}
		})
	}
}

func TestRunWeComKFNeedsConfig(t *testing.T) {
	_, errs, code := run(t, nil, "", "run", "-channel", "wecomkf", "-config", writeConfig(t, ""))
	if code != 2 || !strings.Contains(errs, "[wecomkf]") {
		t.Fatalf("run -channel wecomkf without [wecomkf] = %d %q, want 2 naming [wecomkf]", code, errs)
	}
}
