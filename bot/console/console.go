// Package console is the terminal channel: one person plays the buyer and, with a
// /m prefix, the merchant, and sees the merchant's alerts in the same terminal.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
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
	if err := h.Handle(ctx, m); err != nil {
		c.printf("（出错了 / error: %v）\n", err)
	}
	return false
}
