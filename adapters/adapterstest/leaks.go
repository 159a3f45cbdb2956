package adapterstest

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aftersale/aftersale/adapters"
)

// EchoToken is an access token with characters every encoding changes (/, +, =, &, a
// space, ~, ?, >), for tests where a fake platform echoes the token back encoded.
const EchoToken = "tok/3c+0e=9a&11 ~echo?access>>"

// SecretForms are the encodings of secret a platform may echo back: raw, URL-encoded
// as a query value and as a path segment, and base64 in the standard and URL alphabets,
// padded and raw.
func SecretForms(secret string) map[string]string {
	return map[string]string{
		"raw":          secret,
		"query":        url.QueryEscape(secret),
		"path":         url.PathEscape(secret),
		"base64":       base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64url":    base64.URLEncoding.EncodeToString([]byte(secret)),
		"base64raw":    base64.RawStdEncoding.EncodeToString([]byte(secret)),
		"base64rawurl": base64.RawURLEncoding.EncodeToString([]byte(secret)),
	}
}

// Echo is text holding every form of every secret, for a fake's error body or code.
func Echo(secrets ...string) string {
	var b strings.Builder
	for _, s := range secrets {
		for _, name := range []string{"raw", "query", "path", "base64", "base64url", "base64raw", "base64rawurl"} {
			b.WriteString(name + "=" + SecretForms(s)[name] + " ")
		}
	}
	return strings.TrimSpace(b.String())
}

// headBytes is the shortest head of an encoded secret NoSecret looks for: a message cut
// short must not keep the start of one either.
const headBytes = 12

// NoSecret fails t when err's text, or a field of an *adapters.APIError in its chain,
// shows any form of any secret, or the first headBytes or more of one.
func NoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	texts := map[string]string{"Error()": err.Error()}
	var ae *adapters.APIError
	if errors.As(err, &ae) {
		texts["APIError.Code"], texts["APIError.Msg"], texts["APIError.Op"] = ae.Code, ae.Msg, ae.Op
	}
	for where, text := range texts {
		for _, s := range secrets {
			for name, form := range SecretForms(s) {
				head := form
				if len(head) > headBytes {
					head = head[:headBytes]
				}
				if form != "" && strings.Contains(text, head) {
					t.Fatalf("%s %q shows the %s form %q of a secret", where, text, name, form)
				}
			}
		}
	}
}
