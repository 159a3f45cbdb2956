package config

import (
	"strings"
	"testing"
)

// TestSinkKeyword: a DingTalk or Feishu robot's keyword is read from [[notify]] keyword, and
// refused where no robot checks one or where it could never match.
func TestSinkKeyword(t *testing.T) {
	tests := []struct {
		name, file, wantErr, want string
	}{
		{name: "dingtalk", file: "[[notify]]\ntype = \"dingtalk\"\ntoken = \"t\"\nkeyword = \"售后\"\n", want: "售后"},
		{name: "feishu", file: "[[notify]]\ntype = \"feishu\"\ntoken = \"t\"\nkeyword = \"提醒\"\n", want: "提醒"},
		{name: "wecom has none", file: "[[notify]]\ntype = \"wecom\"\nkey = \"k\"\nkeyword = \"售后\"\n", wantErr: "notify[0].keyword: only dingtalk and feishu"},
		{name: "spaces", file: "[[notify]]\ntype = \"dingtalk\"\ntoken = \"t\"\nkeyword = \"售后 \"\n", wantErr: "notify[0].keyword: has surrounding spaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeConfig(t, tt.file), defaults(t))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load err=%v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(c.Notify) != 1 || c.Notify[0].Keyword != tt.want {
				t.Fatalf("Notify=%+v, want one sink with keyword %q", c.Notify, tt.want)
			}
		})
	}
}
