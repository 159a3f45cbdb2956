package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/cases"
)

// holdPoll is how often the holder checks the connection that carries its hold, and how
// long a standby waits before trying again when the database cannot be reached. (The
// takeover itself waits on no poll: the server grants the lock as the holder dies.)
const holdPoll = time.Second

// holdChannel makes this instance the one that serves the channel name (web WeChat
// allows one login; the terminal stands in for it in tests) before the desk starts: on
// a PostgreSQL store it waits, as a standby, until no other instance holds it. The
// returned context ends when the hold is lost (the database connection carrying it
// broke): stop then, rather than serve beside a new holder. On SQLite it returns at
// once, the store's file lock already keeping every other process out. The error is
// ctx's, when it ends while standing by.
func (m *Main) holdChannel(ctx context.Context, a *app.App, name string) (context.Context, func(), error) {
	if !cases.IsURL(a.Config.Store.Location()) {
		return ctx, func() {}, nil
	}
	fmt.Fprintf(m.Stdout, "备用实例：等待接管渠道 %s / standby: waiting for channel %s\n", name, name)
	began := time.Now()
	h, err := a.Store.Hold(ctx, name, holdPoll)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(m.Stdout, "已接管渠道 %s（等待 %v）/ holding channel %s\n", name, time.Since(began).Round(time.Millisecond), name)
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-h.Lost():
			fmt.Fprintf(m.Stderr, "渠道 %s 的占用已丢失，退出 / lost the hold on channel %s, stopping\n", name, name)
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancel(); h.Release() }, nil
}
