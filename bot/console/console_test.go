package console_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/bot/console"
	"github.com/aftersale/aftersale/notify"
)

// syncBuffer is a bytes.Buffer safe for the watcher's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeHandler records messages and answers each on the channel with "收到：<text>";
// a message whose text is in fail gets that error instead.
type fakeHandler struct {
	ch   *console.Channel
	fail map[string]error
	got  []bot.Message
}

func (h *fakeHandler) Handle(ctx context.Context, m bot.Message) error {
	h.got = append(h.got, m)
	if err := h.fail[strings.TrimSpace(m.Text)]; err != nil {
		return err
	}
	return h.ch.Send(ctx, m.From, "收到："+strings.TrimSpace(m.Text))
}

var now = time.Date(2024, 11, 28, 10, 0, 0, 0, time.UTC)

func newChannel(input string) (*console.Channel, *syncBuffer) {
	out := &syncBuffer{}
	c := console.New(strings.NewReader(input), out, "shop1", "buyer1", "boss")
	c.Now = func() time.Time { return now }
	return c, out
}

func run(t *testing.T, c *console.Channel, h bot.Handler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // releases the reader goroutine after /quit
	if err := c.Run(ctx, h); err != nil {
		t.Fatalf("Run err=%v, want nil", err)
	}
}

// msg is the part of a bot.Message the console decides.
type msg struct {
	From, Name, Text string
}

func TestRunMessages(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []msg
		// wantBuyer is c.Buyer after the run.
		wantBuyer string
	}{
		{
			name:      "typed line is the buyer's",
			input:     "我要退货\n",
			want:      []msg{{"buyer1", "buyer1", "我要退货"}},
			wantBuyer: "buyer1",
		},
		{
			name:      "empty lines send nothing",
			input:     "\n   \n我要退货\n\n",
			want:      []msg{{"buyer1", "buyer1", "我要退货"}},
			wantBuyer: "buyer1",
		},
		{
			name:      "last line without newline",
			input:     "你好",
			want:      []msg{{"buyer1", "buyer1", "你好"}},
			wantBuyer: "buyer1",
		},
		{
			name:      "/m is the merchant's",
			input:     "/m 列表\n",
			want:      []msg{{"boss", "boss", "列表"}},
			wantBuyer: "buyer1",
		},
		{
			name:      "/m with a case command",
			input:     "/m A1 拒绝 已过期\n",
			want:      []msg{{"boss", "boss", "A1 拒绝 已过期"}},
			wantBuyer: "buyer1",
		},
		{
			name:      "/m alone",
			input:     "/m\n",
			want:      []msg{{"boss", "boss", ""}},
			wantBuyer: "buyer1",
		},
		{
			name:      "/me is not /m",
			input:     "/me hi\n",
			want:      []msg{{"buyer1", "buyer1", "/me hi"}},
			wantBuyer: "buyer1",
		},
		{
			name:  "/buyer switches later lines",
			input: "第一句\n/buyer 小李\n第二句\n/m 列表\n第三句\n",
			want: []msg{
				{"buyer1", "buyer1", "第一句"},
				{"小李", "小李", "第二句"},
				{"boss", "boss", "列表"},
				{"小李", "小李", "第三句"},
			},
			wantBuyer: "小李",
		},
		{
			name:      "/buyer trims the name",
			input:     "/buyer   小王  \nhi\n",
			want:      []msg{{"小王", "小王", "hi"}},
			wantBuyer: "小王",
		},
		{
			name:      "/quit stops reading",
			input:     "一\n/quit\n二\n",
			want:      []msg{{"buyer1", "buyer1", "一"}},
			wantBuyer: "buyer1",
		},
		{
			name:      "/exit stops reading",
			input:     "  /exit  \n二\n",
			want:      nil,
			wantBuyer: "buyer1",
		},
		{
			name:      "/help is not a message",
			input:     "/help\n",
			want:      nil,
			wantBuyer: "buyer1",
		},
		{
			name:      "empty input",
			input:     "",
			want:      nil,
			wantBuyer: "buyer1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newChannel(tt.input)
			h := &fakeHandler{ch: c}
			run(t, c, h)
			if len(h.got) != len(tt.want) {
				t.Fatalf("messages=%d (%+v), want %d", len(h.got), h.got, len(tt.want))
			}
			for i, m := range h.got {
				// The engine trims the text (bot/engine.go), so surrounding space is not the
				// console's concern.
				got := msg{m.From, m.Name, strings.TrimSpace(m.Text)}
				if got != tt.want[i] {
					t.Fatalf("message %d=%+v, want %+v", i, got, tt.want[i])
				}
				if m.Shop != "shop1" {
					t.Fatalf("message %d Shop=%q, want %q", i, m.Shop, "shop1")
				}
				if m.Kind != bot.KindText {
					t.Fatalf("message %d Kind=%q, want %q", i, m.Kind, bot.KindText)
				}
				if m.ID != "" {
					t.Fatalf("message %d ID=%q, want empty", i, m.ID)
				}
				if !m.At.Equal(now) {
					t.Fatalf("message %d At=%v, want %v", i, m.At, now)
				}
			}
			if c.Buyer != tt.wantBuyer {
				t.Fatalf("Buyer=%q, want %q", c.Buyer, tt.wantBuyer)
			}
		})
	}
}

func TestRunOutput(t *testing.T) {
	tests := []struct {
		name  string
		input string
		fail  map[string]error
		// want are the lines printed after the usage, in order.
		want []string
	}{
		{
			name:  "buyer answer",
			input: "你好\n",
			want:  []string{"客服 → buyer1：收到：你好"},
		},
		{
			name:  "merchant answer",
			input: "/m 列表\n",
			want:  []string{"【商家视图 → boss】收到：列表"},
		},
		{
			name:  "buyer switch is acknowledged",
			input: "/buyer 小李\n在吗\n",
			want:  []string{"（现在的买家身份：小李）", "客服 → 小李：收到：在吗"},
		},
		{
			name:  "handler error is printed and reading goes on",
			input: "坏\n好\n",
			fail:  map[string]error{"坏": errors.New("store down")},
			want:  []string{"（出错了 / error: store down）", "客服 → buyer1：收到：好"},
		},
		{
			name:  "nothing after /quit",
			input: "/quit\n你好\n",
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out := newChannel(tt.input)
			run(t, c, &fakeHandler{ch: c, fail: tt.fail})
			text := out.String()
			usage, rest, ok := strings.Cut(text, "/help 帮助   /quit 退出\n")
			if !ok || !strings.HasPrefix(usage, "—— aftersale 终端演示") {
				t.Fatalf("output=%q, want it to start with the usage", text)
			}
			var got []string
			if rest != "" {
				got = strings.Split(strings.TrimSuffix(rest, "\n"), "\n")
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("output lines=%q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunHelpRepeatsUsage(t *testing.T) {
	c, out := newChannel("/help\n/help\n")
	run(t, c, &fakeHandler{ch: c})
	if got := strings.Count(out.String(), "—— aftersale 终端演示"); got != 3 {
		t.Fatalf("usage printed %d times, want 3", got)
	}
}

func TestRunStopsWhenContextEnds(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	c := console.New(pr, &syncBuffer{}, "shop1", "buyer1", "boss")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := &fakeHandler{ch: c}
	if err := c.Run(ctx, h); err != nil {
		t.Fatalf("Run err=%v, want nil", err)
	}
	if len(h.got) != 0 {
		t.Fatalf("messages=%d, want 0", len(h.got))
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestRunReturnsReadError(t *testing.T) {
	boom := errors.New("tty gone")
	c := console.New(errReader{boom}, &syncBuffer{}, "shop1", "buyer1", "boss")
	if err := c.Run(context.Background(), &fakeHandler{ch: c}); !errors.Is(err, boom) {
		t.Fatalf("Run err=%v, want %v", err, boom)
	}
}

func TestSend(t *testing.T) {
	tests := []struct {
		name string
		to   string
		text string
		want string
	}{
		{"to the merchant", "boss", "A1 待处理", "【商家视图 → boss】A1 待处理\n"},
		{"to a buyer", "小李", "好的", "客服 → 小李：好的\n"},
		{"to an empty id", "", "好的", "客服 → ：好的\n"},
		{"multi-line to a buyer is indented", "小李", "第一行\n第二行\n", "客服 → 小李：第一行\n    第二行\n"},
		{"multi-line to the merchant", "boss", "列表：\nA1\nA2", "【商家视图 → boss】列表：\n    A1\n    A2\n"},
		{"trailing newlines dropped", "小李", "好\n\n\n", "客服 → 小李：好\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out := newChannel("")
			if err := c.Send(context.Background(), tt.to, tt.text); err != nil {
				t.Fatalf("Send err=%v, want nil", err)
			}
			if got := out.String(); got != tt.want {
				t.Fatalf("Send printed %q, want %q", got, tt.want)
			}
		})
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestSendWriteError(t *testing.T) {
	boom := errors.New("closed")
	c := console.New(strings.NewReader(""), failWriter{boom}, "shop1", "buyer1", "boss")
	if err := c.Send(context.Background(), "boss", "x"); !errors.Is(err, boom) {
		t.Fatalf("Send err=%v, want %v", err, boom)
	}
	if err := c.Sink().Send(context.Background(), notify.Alert{Text: "x"}); !errors.Is(err, boom) {
		t.Fatalf("Sink().Send err=%v, want %v", err, boom)
	}
}

func TestSink(t *testing.T) {
	tests := []struct {
		name  string
		alert notify.Alert
		want  string
	}{
		{"info", notify.Alert{Level: notify.LevelInfo, Text: "新售后 A1"}, "🔔【商家视图·提醒】新售后 A1\n"},
		{"warn", notify.Alert{Level: notify.LevelWarn, Text: "A1 快到期"}, "🔔【商家视图·提醒】A1 快到期\n"},
		{"urgent", notify.Alert{Level: notify.LevelUrgent, Text: "A1 超时"}, "🚨【商家视图·提醒】A1 超时\n"},
		{"multi-line", notify.Alert{Level: notify.LevelUrgent, Text: "A1 超时\n请处理\n"}, "🚨【商家视图·提醒】A1 超时\n    请处理\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out := newChannel("")
			s := c.Sink()
			if s.Name() != "console" {
				t.Fatalf("Name()=%q, want %q", s.Name(), "console")
			}
			if err := s.Send(context.Background(), tt.alert); err != nil {
				t.Fatalf("Send err=%v, want nil", err)
			}
			if got := out.String(); got != tt.want {
				t.Fatalf("Sink printed %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSinkDuringRun sends alerts from other goroutines while Run prints replies; under
// -race it checks the channel serialises its writes, and every line comes out whole.
func TestSinkDuringRun(t *testing.T) {
	const alerts, lines = 20, 20
	input := strings.Repeat("在吗\n", lines)
	var out bytes.Buffer // unguarded on purpose: the channel must serialise writes
	c := console.New(strings.NewReader(input), &out, "shop1", "buyer1", "boss")
	sink := c.Sink()
	var wg sync.WaitGroup
	for range alerts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink.Send(context.Background(), notify.Alert{Level: notify.LevelUrgent, Text: "A1 超时"})
		}()
	}
	run(t, c, &fakeHandler{ch: c})
	wg.Wait()
	text := out.String()
	if got := strings.Count(text, "🚨【商家视图·提醒】A1 超时\n"); got != alerts {
		t.Fatalf("alert lines=%d, want %d", got, alerts)
	}
	if got := strings.Count(text, "客服 → buyer1：收到：在吗\n"); got != lines {
		t.Fatalf("reply lines=%d, want %d", got, lines)
	}
}

// Issue 16, item 11: the demo's buyer can send a picture (or a voice note): it arrives as
// a media message with a copy of the file under MediaDir, as WeChat's would.
func TestSendPicture(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "破损.JPG")
	if err := os.WriteFile(pic, []byte("\xff\xd8\xff jpeg bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	media := filepath.Join(dir, "media")
	c, out := newChannel("/图片 " + pic + "\n/img \"" + pic + "\"\n/语音 " + pic + "\n/图片 " + filepath.Join(dir, "nope.jpg") + "\n/图片\n/图片 " + dir + "\n")
	c.MediaDir = media
	h := &fakeHandler{ch: c}
	if err := c.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	if len(h.got) != 3 {
		t.Fatalf("handled %d messages, want 3 (two pictures, a voice note; the bad paths none):\n%s", len(h.got), out)
	}
	for i, want := range []bot.Kind{bot.KindImage, bot.KindImage, bot.KindVoice} {
		m := h.got[i]
		if m.Kind != want || m.From != "buyer1" || m.Text == "" {
			t.Errorf("message %d: %+v, want a %s from the buyer with a placeholder text", i, m, want)
		}
		if rel, err := filepath.Rel(filepath.Join(media, "shop1", "2024-11-28"), m.Media); err != nil || strings.Contains(rel, "..") || !strings.HasSuffix(m.Media, ".jpg") {
			t.Errorf("message %d media %q, want a .jpg copy under %s/shop1/2024-11-28", i, m.Media, media)
		}
		if b, err := os.ReadFile(m.Media); err != nil || string(b) != "\xff\xd8\xff jpeg bytes" {
			t.Errorf("message %d media holds %q, %v", i, b, err)
		}
	}
	for _, want := range []string{"nope.jpg", "用法", "目录"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out.String(), "/图片 文件路径") {
		t.Errorf("the usage does not mention /图片:\n%s", out)
	}
}
