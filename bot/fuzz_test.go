package bot_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aftersale/aftersale/bot"
)

// FuzzParseCommand: merchant commands come from chat; the parser must never panic, never
// accept text that is not a command, and read an accepted command the same way twice.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"列表", "列表 超时", "A12 同意", "A1 拒绝 原因", "A3 稍后 2h", "a9 回复 好的", "A1 等买家 寄回", "帮助", "A 同意", "A99999999999 同意", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := bot.ParseCommand(text)
		if err != nil {
			var bad *bot.ErrBadCommand
			if !errors.As(err, &bad) || bad.Hint == "" || !utf8.ValidString(bad.Hint) && utf8.ValidString(text) {
				t.Fatalf("ParseCommand(%q) error %v without a usable hint", text, err)
			}
			return
		}
		head := strings.Fields(text)[0]
		if c.CaseID == "" && c.Verb != "帮助" && c.Verb != "列表" {
			t.Fatalf("ParseCommand(%q) accepted %+v without a case id", text, c)
		}
		if c.CaseID != "" && !strings.EqualFold(head, c.CaseID) {
			t.Fatalf("ParseCommand(%q) read case %s from %q", text, c.CaseID, head)
		}
		again, err := bot.ParseCommand(text)
		if err != nil || again != c {
			t.Fatalf("ParseCommand(%q) not stable: %+v then %+v, %v", text, c, again, err)
		}
	})
}
