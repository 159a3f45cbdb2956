package robot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aftersale/aftersale/notify"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name  string
		alert notify.Alert
		want  string
	}{
		{"info as is", notify.Alert{Level: notify.LevelInfo, Text: "新售后 A1"}, "新售后 A1"},
		{"warn as is", notify.Alert{Level: notify.LevelWarn, Text: "A1 快到期"}, "A1 快到期"},
		{"urgent marked", notify.Alert{Level: notify.LevelUrgent, Text: "A1 超时"}, "【紧急】A1 超时"},
		{"urgent already marked", notify.Alert{Level: notify.LevelUrgent, Text: "【紧急】A1 超时"}, "【紧急】A1 超时"},
		{"urgent mark elsewhere is not a prefix", notify.Alert{Level: notify.LevelUrgent, Text: "A1 【紧急】"}, "【紧急】A1 【紧急】"},
		{"level above urgent", notify.Alert{Level: notify.LevelUrgent + 1, Text: "x"}, "【紧急】x"},
		{"repeat marked", notify.Alert{Repeat: true, Text: "A1"}, "【重发】A1"},
		{"repeat already said", notify.Alert{Repeat: true, Text: "A1（重发）"}, "A1（重发）"},
		{"urgent repeat", notify.Alert{Level: notify.LevelUrgent, Repeat: true, Text: "A1"}, "【紧急】【重发】A1"},
		{"urgent-marked repeat", notify.Alert{Level: notify.LevelUrgent, Repeat: true, Text: "【紧急】A1"}, "【重发】【紧急】A1"},
		{"empty text", notify.Alert{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Render(tt.alert); got != tt.want {
				t.Fatalf("Render(%+v)=%q, want %q", tt.alert, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	// "售后服务" is four 3-byte runes: 售 0-2, 后 3-5, 服 6-8, 务 9-11.
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"empty", "", 10, ""},
		{"shorter", "abc", 10, "abc"},
		{"exact", "abcdef", 6, "abcdef"},
		{"ascii cut", "abcdefghij", 6, "abc…"},
		{"ascii cut to the mark alone", "abcdefghij", 3, "…"},
		{"ascii one over", "abcdefg", 6, "abc…"},
		{"chinese exact", "售后服务", 12, "售后服务"},
		{"chinese cut on boundary", "售后服务", 9, "售后…"},
		{"chinese cut inside a rune", "售后服务", 10, "售后…"},
		{"chinese cut inside a rune again", "售后服务", 11, "售后…"},
		{"chinese cut back one rune", "售后服务", 8, "售…"},
		{"chinese cut to nothing", "售后服务", 5, "…"},
		{"mixed", "A1退款", 7, "A1…"},
		{"emoji cut to nothing", "🚨🚨", 6, "…"},
		{"emoji fits one", "🚨🚨", 7, "🚨…"},
		{"emoji cut inside a rune", "🚨🚨x", 8, "🚨…"},
		{"invalid UTF-8 does not run off the start", "\x80\x80\x80\x80\x80", 4, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.s, tt.n)
			if got != tt.want {
				t.Fatalf("Truncate(%q, %d)=%q, want %q", tt.s, tt.n, got, tt.want)
			}
			if len(got) > tt.n {
				t.Fatalf("len(Truncate(%q, %d))=%d, want <= %d", tt.s, tt.n, len(got), tt.n)
			}
			if !utf8.ValidString(got) {
				t.Fatalf("Truncate(%q, %d)=%q is not valid UTF-8", tt.s, tt.n, got)
			}
		})
	}
}

// TestTruncateBelowMarkLength covers a bug: with n smaller than the 3-byte "…", Truncate
// slices s[:n-3] with a negative index and panics.
func TestTruncateBelowMarkLength(t *testing.T) {
	for n := 0; n < 3; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("Truncate(%q, %d) panicked: %v", "abcdef", n, r)
				}
			}()
			if got := Truncate("abcdef", n); len(got) > n {
				t.Fatalf("len(Truncate(%q, %d))=%d, want <= %d", "abcdef", n, len(got), n)
			}
		})
	}
}

func TestNewClient(t *testing.T) {
	t.Run("nil makes a client", func(t *testing.T) {
		c := NewClient(nil)
		if c == nil || c.GetClient() == nil {
			t.Fatalf("NewClient(nil)=%v, want a client", c)
		}
	})
	t.Run("copy keeps the caller's client intact", func(t *testing.T) {
		hc := &http.Client{Timeout: 7 * time.Second}
		c := NewClient(hc)
		got := c.GetClient()
		if got == hc {
			t.Fatalf("GetClient()=%p, want a copy of %p", got, hc)
		}
		if got.Timeout != 7*time.Second {
			t.Fatalf("copy Timeout=%v, want %v", got.Timeout, 7*time.Second)
		}
		c.SetTimeout(time.Second)
		if hc.Timeout != 7*time.Second {
			t.Fatalf("caller Timeout=%v after SetTimeout on the copy, want %v", hc.Timeout, 7*time.Second)
		}
		if hc.Transport != nil {
			t.Fatalf("caller Transport=%v, want nil (untouched)", hc.Transport)
		}
	})
}

func TestRedactorErr(t *testing.T) {
	tests := []struct {
		name    string
		secrets Redactor
		msg     string
		want    string
	}{
		{"no secrets", nil, "post https://x/send?key=k1: timeout", "post https://x/send?key=k1: timeout"},
		{"absent secret", Redactor{"zzz"}, "status 500", "status 500"},
		{"plain", Redactor{"k1"}, "post https://x/send?key=k1: timeout", "post https://x/send?key=REDACTED: timeout"},
		{"every occurrence", Redactor{"tok"}, "tok tok", "REDACTED REDACTED"},
		{"empty secret ignored", Redactor{"", "k1"}, "key=k1", "key=REDACTED"},
		{"only empty secret", Redactor{""}, "abc", "abc"},
		{"two secrets", Redactor{"T0K", "S1G"}, "/robot?access_token=T0K&sign=S1G", "/robot?access_token=REDACTED&sign=REDACTED"},
		// QueryEscape("a b+c/d=")="a+b%2Bc%2Fd%3D"
		{"query escaped", Redactor{"a b+c/d="}, "sign=a+b%2Bc%2Fd%3D&ts=1", "sign=REDACTED&ts=1"},
		// PathEscape("a b/c")="a%20b%2Fc"
		{"path escaped", Redactor{"a b/c"}, "post https://x/hook/a%20b%2Fc: eof", "post https://x/hook/REDACTED: eof"},
		{"raw and escaped", Redactor{"p/q"}, "p/q and p%2Fq", "REDACTED and REDACTED"},
		{"url first then its query", Redactor{"https://h/x?k=s", "k=s"}, "Post \"https://h/x?k=s\" and k=s", "Post \"REDACTED\" and REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := errors.New(tt.msg)
			got := tt.secrets.Err(orig)
			if got == nil {
				t.Fatalf("Err(%q)=nil, want an error", tt.msg)
			}
			if got.Error() != tt.want {
				t.Fatalf("Err(%q)=%q, want %q", tt.msg, got.Error(), tt.want)
			}
			if unchanged := tt.want == tt.msg; unchanged != (got == orig) {
				t.Fatalf("Err(%q) returned the original=%v, want %v", tt.msg, got == orig, unchanged)
			}
			if tt.want != tt.msg && errors.Is(got, orig) {
				t.Fatalf("errors.Is(redacted, original)=true, want false (the chain must not reach the secret)")
			}
		})
	}
}

func TestRedactorErrNil(t *testing.T) {
	if got := (Redactor{"k"}).Err(nil); got != nil {
		t.Fatalf("Err(nil)=%v, want nil", got)
	}
	if got := (Redactor{"k"}).SendError(nil); got != nil {
		t.Fatalf("SendError(nil)=%v, want nil", got)
	}
}

func TestRedactedErrorUnwrap(t *testing.T) {
	secret := "k1"
	other := errors.New("connection refused")
	tests := []struct {
		name      string
		cause     error
		wantIs    error
		wantNotIs []error
	}{
		{"deadline", context.DeadlineExceeded, context.DeadlineExceeded, []error{context.Canceled}},
		{"canceled", context.Canceled, context.Canceled, []error{context.DeadlineExceeded}},
		{"other cause hidden", other, nil, []error{other, context.Canceled, context.DeadlineExceeded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := &url.Error{Op: "Post", URL: "https://qyapi/send?key=" + secret, Err: tt.cause}
			got := Redactor{secret}.Err(err)
			if strings.Contains(got.Error(), secret) {
				t.Fatalf("Err()=%q, want no %q", got.Error(), secret)
			}
			if tt.wantIs != nil && !errors.Is(got, tt.wantIs) {
				t.Fatalf("errors.Is(%v, %v)=false, want true", got, tt.wantIs)
			}
			if tt.wantIs == nil && errors.Unwrap(got) != nil {
				t.Fatalf("Unwrap()=%v, want nil", errors.Unwrap(got))
			}
			for _, e := range tt.wantNotIs {
				if errors.Is(got, e) {
					t.Fatalf("errors.Is(%v, %v)=true, want false", got, e)
				}
			}
			var ue *url.Error
			if errors.As(got, &ue) {
				t.Fatalf("errors.As(*url.Error) found %q, want the original hidden", ue.URL)
			}
		})
	}
}

func TestRedactorSendError(t *testing.T) {
	secret := "s3cr3t"
	tests := []struct {
		name       string
		err        error
		wantText   string
		wantSend   bool // result is a *notify.SendError
		wantStatus int
		wantRetry  bool
	}{
		{
			name:     "send error keeps its verdict",
			err:      &notify.SendError{Sink: "wecom", Status: 502, Retry: true, Err: errors.New("key=" + secret)},
			wantText: "send alert via wecom: status 502: key=REDACTED", wantSend: true, wantStatus: 502, wantRetry: true,
		},
		{
			name:     "permanent send error",
			err:      &notify.SendError{Sink: "feishu", Retry: false, Err: errors.New("bad " + secret)},
			wantText: "send alert via feishu: bad REDACTED", wantSend: true, wantRetry: false,
		},
		{
			name:     "wrapped send error",
			err:      fmt.Errorf("outer: %w", &notify.SendError{Sink: "dingtalk", Status: 429, Retry: true, Err: errors.New(secret)}),
			wantText: "send alert via dingtalk: status 429: REDACTED", wantSend: true, wantStatus: 429, wantRetry: true,
		},
		{
			name:     "plain error",
			err:      errors.New("dial " + secret),
			wantText: "dial REDACTED",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.err.Error()
			got := Redactor{secret}.SendError(tt.err)
			if got.Error() != tt.wantText {
				t.Fatalf("SendError()=%q, want %q", got.Error(), tt.wantText)
			}
			if tt.err.Error() != before {
				t.Fatalf("original changed to %q, want %q", tt.err.Error(), before)
			}
			var se *notify.SendError
			if isSend := errors.As(got, &se); isSend != tt.wantSend {
				t.Fatalf("result is *notify.SendError=%v, want %v", isSend, tt.wantSend)
			}
			if !tt.wantSend {
				return
			}
			if se.Status != tt.wantStatus || se.Retry != tt.wantRetry {
				t.Fatalf("Status=%d Retry=%v, want %d %v", se.Status, se.Retry, tt.wantStatus, tt.wantRetry)
			}
			if notify.Retryable(got) != tt.wantRetry {
				t.Fatalf("Retryable=%v, want %v", notify.Retryable(got), tt.wantRetry)
			}
		})
	}
}
