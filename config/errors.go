package config

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Error is a config problem, located as well as the raw TOML allows:
//
//	config.toml:12: sla.refund.respond_within: invalid duration "3x"
//
// Key uses the TOML path with array indexes (shops[0].order_book). Line is 0 when the key
// is not written in File (for example a required key that is missing altogether).
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
	Err  error // the underlying cause, if any (template parse error, stat error)
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// source is one TOML document the config was read from, kept to put line numbers on
// validation errors.
type source struct {
	name  string
	lines map[string]int // key path → first line it is written on
}

// locate finds where key (or, failing that, its nearest written parent) is written in
// the sources, latest first: the file a user edits wins over the embedded defaults.
//
// A later source that wrote an array the key lies in (shops, shops[0]) owns the key even
// where it left it out, because arrays replace whole: "shops[0].merchants" missing from
// the user's [[shops]] points at that [[shops]], not at the defaults' merchants line.
func locate(srcs []source, key string) (file string, line int) {
	for i := len(srcs) - 1; i >= 0; i-- {
		for k := key; k != ""; k = parentKey(k) {
			if l, ok := srcs[i].lines[k]; ok && (k == key || strings.HasSuffix(k, "]") || strings.HasPrefix(key[len(k):], "[")) {
				return srcs[i].name, l
			}
		}
	}
	for k := key; k != ""; k = parentKey(k) {
		for i := len(srcs) - 1; i >= 0; i-- {
			if l, ok := srcs[i].lines[k]; ok {
				return srcs[i].name, l
			}
		}
	}
	if len(srcs) > 0 {
		return srcs[len(srcs)-1].name, 0
	}
	return "", 0
}

// parentKey drops the last component: "shops[0].id" → "shops[0]" → "shops".
func parentKey(k string) string {
	if strings.HasSuffix(k, "]") {
		if i := strings.LastIndexByte(k, '['); i > 0 {
			return k[:i]
		}
	}
	if i := strings.LastIndexByte(k, '.'); i > 0 {
		return k[:i]
	}
	return ""
}

// indexLines maps each key path written in a TOML document to its line, by scanning the
// text rather than the parse tree (BurntSushi/toml keeps key positions private).
//
// Limits, accepted because they only cost a line number, never an error: dotted keys
// (a.b = 1) and keys inside inline tables are recorded under the text before "=";
// elements of an inline array are indexed only when each starts its own line with "{"
// (the style config.toml uses); a key that also appears inside a multi-line string
// could be recorded from there if it came first.
func indexLines(data []byte) map[string]int {
	out := map[string]int{}
	arrays := map[string]int{} // [[table]] → count seen so far
	prefix := ""
	inArray, arrayElems := "", 0 // an open multi-line array value and its inline-table count
	multi := ""                  // an open multi-line string's delimiter
	for n, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(strings.TrimPrefix(raw, "\ufeff"))
		lineNo := n + 1
		if multi != "" {
			if strings.Count(line, multi)%2 == 1 {
				multi = ""
			}
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if inArray != "" {
			if line[0] == '{' {
				setOnce(out, fmt.Sprintf("%s[%d]", inArray, arrayElems), lineNo)
				arrayElems++
			}
			if strings.HasPrefix(line, "]") {
				inArray = ""
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "[["):
			name := cleanKey(strings.TrimSuffix(strings.TrimSpace(strings.SplitN(line[2:], "]]", 2)[0]), "]"))
			prefix = fmt.Sprintf("%s[%d]", name, arrays[name])
			arrays[name]++
			setOnce(out, prefix, lineNo)
			setOnce(out, name, lineNo)
			continue
		case line[0] == '[':
			prefix = cleanKey(strings.SplitN(line[1:], "]", 2)[0])
			// [shops.douyin] after [[shops]] belongs to the latest shops element.
			for name, count := range arrays {
				if strings.HasPrefix(prefix, name+".") {
					prefix = fmt.Sprintf("%s[%d]%s", name, count-1, prefix[len(name):])
					break
				}
			}
			for k := prefix; k != ""; k = parentKey(k) {
				setOnce(out, k, lineNo) // [sla.refund] also places "sla"
			}
			continue
		}
		eq := strings.IndexByte(line, '=')
		if eq <= 0 {
			continue
		}
		key := cleanKey(line[:eq])
		full := key
		if prefix != "" {
			full = prefix + "." + key
		}
		setOnce(out, full, lineNo)
		value := strings.TrimSpace(line[eq+1:])
		for _, d := range []string{`"""`, `'''`} {
			if strings.HasPrefix(value, d) && strings.Count(value, d)%2 == 1 {
				multi = d
			}
		}
		if strings.HasPrefix(value, "[") && !strings.Contains(stripComment(value), "]") {
			inArray, arrayElems = full, 0
		} else if strings.HasPrefix(value, "[") && strings.HasPrefix(strings.TrimSpace(value[1:]), "{") {
			setOnce(out, full+"[0]", lineNo)
		}
	}
	return out
}

func setOnce(m map[string]int, k string, line int) {
	if _, ok := m[k]; !ok {
		m[k] = line
	}
}

// cleanKey turns a written key into the path form used in errors: spaces and quotes
// around dotted parts removed.
func cleanKey(s string) string {
	parts := strings.Split(strings.TrimSpace(s), ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}

// stripComment drops a trailing # comment that is not inside a string.
func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return s[:i]
		}
	}
	return s
}

// Errors is every problem one load found, in file order (see sortErrors), so a file with
// three mistakes is fixed in one round, not three (issue 16, item 11). errors.As finds
// each *Error in it.
type Errors []*Error

// Error writes one problem a line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, for errors.As and errors.Is.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// addErr appends what err holds: nothing, one *Error, or an Errors' problems.
func addErr(errs []*Error, err error) []*Error {
	switch e := err.(type) {
	case nil:
	case *Error:
		errs = append(errs, e)
	case Errors:
		errs = append(errs, e...)
	default:
		errs = append(errs, &Error{Msg: err.Error(), Err: err})
	}
	return errs
}

// joinErrors returns nil for no problem, the *Error itself for one, else the problems as
// Errors in file order: the file a user edits first, then the embedded defaults (srcs
// are latest last), each by line, unlocated ones (line 0) at the end of their file.
// A key reported twice keeps its first report: a value refused while decoding is also
// missing when validated, and that is one mistake.
func joinErrors(srcs []source, errs []*Error) error {
	seen := map[string]bool{}
	var out Errors
	for _, e := range errs {
		k := e.File + "\x00" + e.Key
		if e.Key != "" && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	rank := func(file string) int {
		for i := len(srcs) - 1; i >= 0; i-- {
			if srcs[i].name == file {
				return len(srcs) - 1 - i
			}
		}
		return len(srcs)
	}
	line := func(e *Error) int {
		if e.Line == 0 {
			return 1 << 30
		}
		return e.Line
	}
	slices.SortStableFunc(out, func(a, b *Error) int {
		if r := cmp.Compare(rank(a.File), rank(b.File)); r != 0 {
			return r
		}
		return cmp.Compare(line(a), line(b))
	})
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}
