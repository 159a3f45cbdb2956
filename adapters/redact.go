package adapters

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// Redacted is what a credential is replaced with in error text.
const Redacted = "***"

// Shortest encodings worth replacing: a whole encoding shorter than minForm, or a
// base64 fragment shorter than minFragment, would also hit innocent text.
const (
	minForm     = 4
	minFragment = 8
)

// Redactor removes credentials from the text of errors an adapter returns: platforms echo
// the access token or the signing secret back in their messages and error codes, raw or
// encoded the way the request carried it. Every adapter builds one from its credentials
// and passes each error it returns through Error.
//
// Each secret is matched raw, URL-encoded (url.QueryEscape, url.PathEscape, twice
// query-escaped, and with lower-case percent escapes) and base64-encoded (standard and
// URL alphabets, padded or not). Base64 is also matched inside a longer encoded text
// (e.g. base64 of "access_token=…"): the characters that depend only on the secret's
// bytes are the same at each of the three alignments, and those are replaced.
type Redactor struct {
	forms []string // longest first
}

// NewRedactor returns a Redactor for secrets; empty ones are ignored.
func NewRedactor(secrets ...string) *Redactor {
	set := map[string]bool{}
	add := func(s string, min int) {
		if len(s) >= min {
			set[s] = true
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, f := range []string{s, url.QueryEscape(s), url.PathEscape(s), url.QueryEscape(url.QueryEscape(s))} {
			add(f, minForm)
			add(lowerEscapes(f), minForm)
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			add(enc.EncodeToString([]byte(s)), minForm)
		}
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			for shift := 0; shift < 3; shift++ {
				add(base64Fragment(enc, s, shift), minFragment)
			}
		}
	}
	r := &Redactor{}
	for f := range set {
		r.forms = append(r.forms, f)
	}
	sort.Slice(r.forms, func(i, j int) bool {
		if len(r.forms[i]) != len(r.forms[j]) {
			return len(r.forms[i]) > len(r.forms[j])
		}
		return r.forms[i] < r.forms[j]
	})
	return r
}

// lowerEscapes rewrites %2F-style escapes with lower-case hex, as some encoders write them.
func lowerEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if b[j] >= 'A' && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
		}
	}
	return string(b)
}

// base64Fragment is the part of the base64 of a text holding s at offset shift (mod 3)
// that depends on the bytes of s alone: the 4-character groups of whole 3-byte blocks of s.
func base64Fragment(enc *base64.Encoding, s string, shift int) string {
	buf := append(make([]byte, shift), s...)
	out := enc.EncodeToString(buf)
	first := 0
	if shift > 0 {
		first = 1 // the first block mixes filler and secret
	}
	last := len(buf) / 3 // blocks [first, last) hold secret bytes only
	if last <= first {
		return ""
	}
	return out[4*first : 4*last]
}

// Redact replaces every encoding of every secret in text with Redacted.
func (r *Redactor) Redact(text string) string {
	if r == nil {
		return text
	}
	for _, f := range r.forms {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, Redacted)
		}
	}
	return text
}

// Shows reports whether text shows any encoding of a secret.
func (r *Redactor) Shows(text string) bool {
	if r == nil {
		return false
	}
	for _, f := range r.forms {
		if strings.Contains(text, f) {
			return true
		}
	}
	return false
}

// Error returns err without secrets. Every *APIError in its chain has Platform, Op, Code
// and Msg redacted in place (callers read those fields, not only the text) and its Err
// cleaned the same way; if the text still shows a secret (wrapping messages are fixed
// when the wrap is made), err is wrapped so that Error() is redacted while errors.Is and
// errors.As still see the whole chain.
func (r *Redactor) Error(err error) error {
	if r == nil || err == nil || len(r.forms) == 0 {
		return err
	}
	r.clean(err, 0)
	msg := err.Error()
	if !r.Shows(msg) {
		return err
	}
	return &redactedError{msg: r.Redact(msg), err: err}
}

// APIError redacts e's text fields in place and returns it, for errors built outside a
// call that goes through Error.
func (r *Redactor) APIError(e *APIError) *APIError {
	if e != nil {
		r.clean(e, 0)
	}
	return e
}

func (r *Redactor) clean(err error, depth int) {
	if err == nil || depth > 64 {
		return
	}
	if ae, ok := err.(*APIError); ok {
		ae.Platform, ae.Op, ae.Code, ae.Msg = r.Redact(ae.Platform), r.Redact(ae.Op), r.Redact(ae.Code), r.Redact(ae.Msg)
		ae.Err = r.Error(ae.Err)
		return
	}
	if re, ok := err.(*redactedError); ok {
		r.clean(re.err, depth+1)
		re.msg = r.Redact(re.msg)
		return
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		r.clean(u.Unwrap(), depth+1)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			r.clean(e, depth+1)
		}
	}
}

// redactedError is an error whose text had a secret removed; it unwraps to the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
