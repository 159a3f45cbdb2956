// Package console is the terminal channel: one person plays the buyer and, with a
// /m prefix, the merchant, and sees the merchant's alerts in the same terminal.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/notify"
)

// Channel reads lines from In and writes replies and alerts to Out.
type Channel struct {
	Shop     string
	Buyer    string // the buyer id typed lines come from
	Merchant string // the merchant id /m lines come from; must be a configured merchant
	Now      func() time.Time
	// MediaDir is where /图片 and /语音 copy the file sent, as the WeChat channel saves a
	// buyer's picture (under <MediaDir>/<shop>/<date>/), so the board can show it; ""
	// sends the file where it is.
	MediaDir string

	in  io.Reader
	mu  sync.Mutex // alerts arrive from the watcher's goroutine
	out io.Writer
}

// New returns a terminal channel.
func New(in io.Reader, out io.Writer, shop, buyer, merchant string) *Channel {
	return &Channel{Shop: shop, Buyer: buyer, Merchant: merchant, Now: time.Now, in: in, out: out}
}

const usage = `—— aftersale 终端演示 / terminal demo ——
直接输入 = 以买家身份发消息 (type as the buyer)
/m 指令  = 以商家身份发指令，如 /m 列表、/m A1 同意 (as the merchant)
/图片 文件路径 = 以买家身份发一张图片，如 /图片 ./破损.jpg (send a picture as the buyer; also /img PATH)
/语音 文件路径 = 以买家身份发一条语音 (send a voice note; also /voice PATH)
/buyer 名字 = 换一个买家身份 (switch buyer)
/help 帮助   /quit 退出`

// Send prints a reply: to the merchant in the merchant's view, else as the bot's answer.
func (c *Channel) Send(_ context.Context, to, text string) error {
	if to == c.Merchant {
		return c.printf("【商家视图 → %s】%s\n", to, indent(text))
	}
	return c.printf("客服 → %s：%s\n", to, indent(text))
}

// Sink returns the terminal as a merchant alert sink.
func (c *Channel) Sink() notify.Sink {
	return notify.SinkFunc{SinkName: "console", Fn: func(_ context.Context, a notify.Alert) error {
		mark := "🔔"
		if a.Level == notify.LevelUrgent {
			mark = "🚨"
		}
		return c.printf("%s【商家视图·提醒】%s\n", mark, indent(a.Text))
	}}
}

func (c *Channel) printf(format string, args ...any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := fmt.Fprintf(c.out, format, args...)
	return err
}

func indent(s string) string { return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") }

// Run reads lines until In ends, ctx ends or /quit.
func (c *Channel) Run(ctx context.Context, h bot.Handler) error {
	c.printf("%s\n", usage)
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.in)
		sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case line := <-lines:
			if quit := c.line(ctx, h, line); quit {
				return nil
			}
		}
	}
}

// line handles one typed line; it reports whether to quit.
func (c *Channel) line(ctx context.Context, h bot.Handler, line string) bool {
	from, name := c.Buyer, c.Buyer
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		return false // Enter on an empty line: WeChat sends no empty message either
	case trimmed == "/quit" || trimmed == "/exit":
		return true
	case trimmed == "/help":
		c.printf("%s\n", usage)
		return false
	case strings.HasPrefix(trimmed, "/buyer "):
		c.Buyer = strings.TrimSpace(strings.TrimPrefix(trimmed, "/buyer "))
		c.printf("（现在的买家身份：%s）\n", c.Buyer)
		return false
	case trimmed == "/m" || strings.HasPrefix(trimmed, "/m "):
		from, name, line = c.Merchant, c.Merchant, strings.TrimPrefix(trimmed, "/m")
	}
	// No message id: a terminal never redelivers, and ids made from the clock would
	// repeat across runs under a fixed test clock.
	m := bot.Message{Shop: c.Shop, From: from, Name: name, Kind: bot.KindText, Text: line, At: c.Now()}
	if kind, path, ok := mediaCommand(trimmed); ok {
		if path == "" {
			c.printf("（用法：/图片 文件路径，如 /图片 ./破损.jpg）\n")
			return false
		}
		saved, err := c.saveMedia(path)
		if err != nil {
			c.printf("（发不出这个文件 / cannot send: %v）\n", err)
			return false
		}
		// As WeChat delivers one: a media message with its saved file, the text a
		// placeholder the way the phone shows it.
		m.Kind, m.Media, m.Text = kind, saved, placeholder(kind)
	}
	if err := h.Handle(ctx, m); err != nil {
		c.printf("（出错了 / error: %v）\n", err)
	}
	return false
}

// placeholder is how a chat shows a media message in text.
func placeholder(k bot.Kind) string {
	if k == bot.KindVoice {
		return "[语音]"
	}
	return "[图片]"
}

// mediaCommand reads "/图片 PATH" ("/img", "/image") and "/语音 PATH" ("/voice"): the
// kind of message and the file; ok is false for any other line.
func mediaCommand(line string) (kind bot.Kind, path string, ok bool) {
	head, rest, _ := strings.Cut(line, " ")
	switch head {
	case "/图片", "/img", "/image", "/pic":
		kind = bot.KindImage
	case "/语音", "/voice":
		kind = bot.KindVoice
	default:
		return "", "", false
	}
	return kind, strings.Trim(strings.TrimSpace(rest), `"'`), true
}

// maxMediaBytes bounds a file the demo copies, as the WeChat channel bounds a download.
const maxMediaBytes = 20 << 20

// saveMedia copies the file at path to MediaDir/<shop>/<date>/ and returns the copy's
// path; with no MediaDir it returns path itself once it is known to be a readable file.
func (c *Channel) saveMedia(path string) (string, error) {
	src, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer src.Close()
	st, err := src.Stat()
	switch {
	case err != nil:
		return "", err
	case st.IsDir():
		return "", fmt.Errorf("%s 是目录 / is a directory", path)
	case st.Size() > maxMediaBytes:
		return "", fmt.Errorf("%s 超过 %d MB / too large", path, maxMediaBytes>>20)
	}
	if c.MediaDir == "" {
		return path, nil
	}
	now := c.Now()
	dir := filepath.Join(c.MediaDir, c.Shop, now.Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	dst, err := os.CreateTemp(dir, "console-*"+strings.ToLower(filepath.Ext(path)))
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(dst, io.LimitReader(src, maxMediaBytes)); err != nil {
		dst.Close()
		os.Remove(dst.Name())
		return "", err
	}
	return dst.Name(), dst.Close()
}
