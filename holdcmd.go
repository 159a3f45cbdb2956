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

// instanceWait is how long a starting instance waits for its name: a predecessor under
// the same name that died frees it at once (its connection closes), so a longer wait
// means the name is in use.
const instanceWait = 3 * time.Second

// claimInstance takes this instance's name on a PostgreSQL store before anything runs:
// a second instance under the same name would take the first's claimed alerts and jobs
// back as its own at start (sending them again) — refused instead, exit 2. On SQLite it
// returns at once. ok false: stop with the exit code (also when ctx ended meanwhile).
// Call release on exit.
func (m *Main) claimInstance(ctx context.Context, a *app.App) (release func(), code int, ok bool) {
	name := a.Store.Instance()
	if name == "" {
		return func() {}, exitOK, true
	}
	wctx, cancel := context.WithTimeout(ctx, instanceWait)
	defer cancel()
	h, err := a.Store.Hold(wctx, "instance:"+name, holdPoll)
	switch {
	case err == nil:
		return h.Release, exitOK, true
	case ctx.Err() != nil:
		return nil, exitOK, false // stopped while starting
	}
	fmt.Fprintf(m.Stderr, "另一个实例正在用这个名字运行（%q）：同一个数据库上的每个实例要有不同的 [store] instance。\nanother instance runs under this name: give each instance on one database its own [store] instance.\n", name)
	return nil, exitUsage, false
}
