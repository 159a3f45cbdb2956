package faq

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any file is either a book that answers without panicking, or an *Error
// naming the file; a merchant's typo never crashes the start.
func FuzzParse(f *testing.F) {
	f.Add(string(SampleFile()))
	for _, s := range []string{"", "[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\"]\nanswer = \"{{.Shop}}包邮\"\n",
		"[[entry]]\nid = \"a\"\nquestions = [\"\"]\nanswer = \"x\"\n", "[[entry]\n", "[[entry]]\nanswer = \"{{template \\\"x\\\"}}\"\nid=\"b\"\nquestions=[\"q\"]\n",
		"[[entry]]\nid = \"a\"\nquestions = [\"包邮吗\"]\nanswer = \"x\"\nkeywords = [\"\"]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, file string) {
		b, err := Parse("f.toml", []byte(file), 0)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "f.toml") {
				t.Fatalf("Parse error %v does not name the file", err)
			}
			return
		}
		for _, q := range []string{"包邮吗", file, "\xff", ""} {
			if a, _, ok := b.Answer(q, "店"); ok && (a == "" || !utf8.ValidString(a) && utf8.ValidString(file)) {
				t.Fatalf("Answer(%q) = %q", q, a)
			}
		}
		if err := b.Add("zz_added", "能刻字吗 想送人", "可以"); err != nil && !strings.Contains(err.Error(), "faq:") {
			t.Fatalf("Add: %v", err)
		}
	})
}
