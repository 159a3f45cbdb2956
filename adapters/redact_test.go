package adapters

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// encodings are the forms a platform may echo a credential in.
func encodings(secret string) map[string]string {
	return map[string]string{
		"raw":           secret,
		"query":         url.QueryEscape(secret),
		"path":          url.PathEscape(secret),
		"query twice":   url.QueryEscape(url.QueryEscape(secret)),
		"query lower":   strings.ToLower(url.QueryEscape(secret)),
		"base64 std":    base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 url":    base64.URLEncoding.EncodeToString([]byte(secret)),
		"base64 raw":    base64.RawStdEncoding.EncodeToString([]byte(secret)),
		"base64 rawurl": base64.RawURLEncoding.EncodeToString([]byte(secret)),
	}
}

const (
	tokenWithSpecials = "tok/3c+0e=9a&11 ~douyin?access>>"
	plainSecret       = "abcd1234-ef56-7890-abcd-ef1234567890"
)

func TestRedactEveryEncoding(t *testing.T) {
	r := NewRedactor(tokenWithSpecials, plainSecret, "")
	for _, secret := range []string{tokenWithSpecials, plainSecret} {
		for name, form := range encodings(secret) {
			t.Run(name+" "+secret[:4], func(t *testing.T) {
				got := r.Redact("platform said: " + form + " is wrong")
				if strings.Contains(got, form) || !strings.Contains(got, Redacted) {
					t.Fatalf("Redact=%q still shows %q", got, form)
				}
				if !strings.HasPrefix(got, "platform said: ") || !strings.HasSuffix(got, " is wrong") {
					t.Fatalf("Redact=%q changed the text around the secret", got)
				}
			})
		}
	}
}

// A base64 text that holds the token at any offset (e.g. base64 of a query string)
// must not show the part of it that encodes the token alone: what is left decodes to
// the text around the token and at most the two token bytes that share a group with it.
func TestRedactBase64InsideLongerText(t *testing.T) {
	r := NewRedactor(tokenWithSpecials)
	for _, prefix := range []string{"", "a", "ab", "access_token=", "x&access_token="} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			text := enc.EncodeToString([]byte(prefix + tokenWithSpecials + "&sign=1"))
			got := r.Redact(text)
			if got == text {
				t.Fatalf("prefix %q: base64 %q not redacted", prefix, text)
			}
			for _, part := range strings.Split(got, Redacted) {
				// A redaction may end off a group boundary: decode from each offset.
				for skip := 0; skip < 4 && skip < len(part); skip++ {
					rest := strings.TrimRight(part[skip:], "=")
					if len(rest)%4 == 1 {
						rest = rest[:len(rest)-1] // a lone character encodes no whole byte
					}
					dec, err := enc.WithPadding(base64.NoPadding).DecodeString(rest)
					if err != nil {
						continue
					}
					for i := 0; i+3 <= len(tokenWithSpecials); i++ {
						if piece := tokenWithSpecials[i : i+3]; strings.Contains(string(dec), piece) && !strings.Contains(prefix+"&sign=1", piece) {
							t.Fatalf("prefix %q: left %q decodes to %q, part of the token", prefix, part, dec)
						}
					}
				}
			}
		}
	}
}

func TestRedactLeavesOtherTextAlone(t *testing.T) {
	r := NewRedactor("s", "", "tok") // too short to match safely: ignored as raw text
	for _, in := range []string{"douyin afterSale.List: code 40004: bad sign", "快手 token 过期", ""} {
		if got := r.Redact(in); got != in {
			t.Errorf("Redact(%q)=%q", in, got)
		}
	}
	var nilR *Redactor
	if got := nilR.Redact("x tok y"); got != "x tok y" {
		t.Errorf("nil Redactor changed text: %q", got)
	}
}

func TestRedactorError(t *testing.T) {
	r := NewRedactor(tokenWithSpecials)
	q := url.QueryEscape(tokenWithSpecials)
	b := base64.StdEncoding.EncodeToString([]byte(tokenWithSpecials))
	tests := []struct {
		name string
		err  func() error
	}{
		{"APIError code and msg", func() error {
			return &APIError{Platform: "p", Op: "op", Code: "28/" + q, Msg: "token " + b + " invalid"}
		}},
		{"wrapped APIError", func() error {
			return fmt.Errorf("p order 1: %w", &APIError{Platform: "p", Op: "op", Code: b, Msg: q})
		}},
		{"APIError with transport error", func() error {
			return &APIError{Platform: "p", Op: "op", Code: "transport", Err: errors.New("dial " + q)}
		}},
		{"joined", func() error {
			return errors.Join(ErrNotFound, &APIError{Platform: "p", Op: "op", Code: "x", Msg: tokenWithSpecials})
		}},
		{"plain", func() error { return fmt.Errorf("p: %s: %w", q, context.Canceled) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := tt.err()
			got := r.Error(orig)
			if r.Shows(got.Error()) {
				t.Fatalf("Error()=%q shows the token", got)
			}
			var ae *APIError
			if errors.As(got, &ae) {
				for _, f := range []string{ae.Platform, ae.Op, ae.Code, ae.Msg} {
					if r.Shows(f) {
						t.Fatalf("APIError field %q shows the token", f)
					}
				}
				if ae.Err != nil && r.Shows(ae.Err.Error()) {
					t.Fatalf("APIError.Err %q shows the token", ae.Err)
				}
			}
			// The chain is kept for callers that branch on it.
			for _, target := range []error{ErrNotFound, context.Canceled} {
				if errors.Is(orig, target) != errors.Is(got, target) {
					t.Fatalf("errors.Is(%v) changed", target)
				}
			}
		})
	}
	if r.Error(nil) != nil {
		t.Fatal("Error(nil) != nil")
	}
	clean := errors.New("nothing secret")
	if r.Error(clean) != clean {
		t.Fatal("a clean error was wrapped")
	}
}
