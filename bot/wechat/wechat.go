// Package wechat is the WeChat channel: it logs the shop's personal WeChat account in
// through github.com/eatmoreapple/openwechat (desktop/UOS mode), turns buyers' messages
// into bot.Messages keyed on a stable buyer id, and sends the engine's replies and the
// merchant's alerts back through a rate limiter. See README.md for the limits.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/notify"
)

// ErrUnknownContact is returned by Send for an id no contact of this login resolves to.
var ErrUnknownContact = errors.New("no wechat contact with that id")

// ErrOffline is returned by the alert sink while the account is not logged in, so the
// engine retries the alert later and its other sinks are not held up.
var ErrOffline = errors.New("wechat account is offline")

// Options configures a Channel. Zero durations and counts take the defaults given.
type Options struct {
	// Shop is the shop id messages are filed under; "" = the engine's first shop.
	Shop string
	// DataDir holds the login file, the buyer identity mapping (wechat-ids.json) and
	// received media (media/). Required.
	DataDir string
	// LoginFile stores the session for hot login, so a restart within the session's life
	// needs no new scan. "" = DataDir/wechat-login.json. It holds session cookies: keep
	// it private.
	LoginFile string
	// Merchants are the merchants' remark names in the shop's WeChat; alerts go to them.
	Merchants []string
	// AlertGroup is a group chat's name that alerts also go to; "" = none.
	AlertGroup string
	// Groups are group chats' names where the bot answers messages that @-mention it.
	// Messages in any other group are ignored.
	Groups []string
	// AutoAcceptFriends accepts friend requests at once; otherwise the merchants are told.
	AutoAcceptFriends bool
	// FriendGreeting is sent to a newly accepted friend; "" = none.
	FriendGreeting string
	// MinInterval is the least time between two outgoing messages. Default 1s.
	MinInterval time.Duration
	// JitterMin and JitterMax bound the random time added to MinInterval. Defaults 0.5s
	// and 1.5s, so messages are 1.5–2.5 s apart: WeChat restricts accounts that send
	// like a machine.
	JitterMin, JitterMax time.Duration
	// PerMinute caps messages sent in any minute. Default 20.
	PerMinute int
	// SendAttempts is how often one message is tried on a live session before Send gives
	// up and leaves it to the engine's outbox. Default 5.
	SendAttempts int
	// LoginRetryMin and LoginRetryMax bound the backoff between login attempts.
	// Defaults 5s and 5m.
	LoginRetryMin, LoginRetryMax time.Duration
	// StableAfter is how long a session must last to count as good: one that dies
	// sooner (WeChat ending every login at once with ret 1102, say) is a failed login, so
	// the backoff keeps growing, and "微信已恢复" is sent only once a session has lasted
	// this long. Default 2m.
	StableAfter time.Duration
	// Sinks are alert sinks that do not depend on WeChat; they hear when the account is
	// logged out or its sync loop dies, and when it is back.
	Sinks []notify.Sink
	// QR receives the login QR code drawn in text. Default os.Stdout.
	QR io.Writer
	// Transport carries every request to WeChat; nil = http.DefaultTransport. Tests
	// route it to a fake server.
	Transport http.RoundTripper
	Now       func() time.Time
	Log       *slog.Logger
}

func (o *Options) defaults() error {
	if o.DataDir == "" {
		return errors.New("new wechat channel: data dir is required")
	}
	if o.LoginFile == "" {
		o.LoginFile = filepath.Join(o.DataDir, "wechat-login.json")
	}
	if o.MinInterval <= 0 {
		o.MinInterval = time.Second
	}
	if o.JitterMin <= 0 && o.JitterMax <= 0 {
		o.JitterMin, o.JitterMax = 500*time.Millisecond, 1500*time.Millisecond
	}
	if o.JitterMax < o.JitterMin {
		return fmt.Errorf("new wechat channel: jitter max %s is below jitter min %s", o.JitterMax, o.JitterMin)
	}
	if o.PerMinute <= 0 {
		o.PerMinute = 20
	}
	if o.SendAttempts <= 0 {
		o.SendAttempts = 5
	}
	if o.LoginRetryMin <= 0 {
		o.LoginRetryMin = 5 * time.Second
	}
	if o.LoginRetryMax < o.LoginRetryMin {
		o.LoginRetryMax = max(5*time.Minute, o.LoginRetryMin)
	}
	if o.StableAfter <= 0 {
		o.StableAfter = 2 * time.Minute
	}
	if o.QR == nil {
		o.QR = os.Stdout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// route says where messages to one stable id go in the current login.
type route struct {
	userName string // a friend's UserName; empty for a group route
	group    string // the group's name, for someone last heard in a group
	at       string // their name in that group, to @-mention them
}

// Channel is a logged-in WeChat account serving one shop.
type Channel struct {
	opt   Options
	conn  connector
	ids   *identities
	limit *limiter
	q     *queues
	sleep func(ctx context.Context, d time.Duration) error
	log   *slog.Logger

	mu     sync.Mutex
	acct   account          // nil while offline
	ready  chan struct{}    // closed once acct is set
	routes map[string]route // stable id → where to send
	groups map[string]string
	h      bot.Handler
	runCtx context.Context
}

// New builds a channel on openwechat. Nothing connects until Run.
func New(o Options) (*Channel, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	conn := &wxConnector{loginFile: o.LoginFile, transport: o.Transport, qr: o.QR, log: o.Log, now: o.Now}
	return newChannel(o, conn)
}

func newChannel(o Options, conn connector) (*Channel, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	ids, err := openIdentities(filepath.Join(o.DataDir, "wechat-ids.json"))
	if err != nil {
		return nil, err
	}
	spread := o.JitterMax - o.JitterMin
	c := &Channel{
		opt: o, conn: conn, ids: ids, q: newQueues(), sleep: sleepCtx, log: o.Log,
		ready: make(chan struct{}), routes: map[string]route{}, groups: map[string]string{},
	}
	c.limit = &limiter{interval: o.MinInterval, perMinute: o.PerMinute, now: o.Now,
		sleep: func(ctx context.Context, d time.Duration) error { return c.sleep(ctx, d) },
		jitter: func() time.Duration {
			if spread <= 0 {
				return o.JitterMin
			}
			return o.JitterMin + rand.N(spread+1)
		}}
	return c, nil
}

// Run logs in and serves messages until ctx ends. A lost session is reported to the
// sinks and logged in again with backoff; Run does not return for it.
//
// The sinks hear of one outage once: "微信掉线" when the first session is lost, and
// "微信已恢复" only when a new session has lasted StableAfter. A session that dies
// sooner counts as a failed login: no new alert, and the backoff keeps doubling up to
// LoginRetryMax. (Before, a storm of logins each ended at once with ret 1102 sent a
// 掉线 and a 恢复 alert per login, about 17 a minute to every sink, 5 s apart.)
func (c *Channel) Run(ctx context.Context, h bot.Handler) error {
	c.mu.Lock()
	c.h, c.runCtx = h, ctx
	c.mu.Unlock()
	defer c.q.wait()
	var (
		fails   int    // failed logins and short sessions in a row
		lost    string // why the account went offline, while the sinks have been told so
		relogin int    // sessions since the sinks were told
	)
	for ctx.Err() == nil {
		// UserNames are per login: forget the old ones before the new login's first message.
		c.ids.reset()
		acct, err := c.conn.connect(ctx, c.onMessage)
		var list []contact
		if err == nil {
			if list, err = acct.contacts(ctx); err != nil {
				acct.close()
				err = fmt.Errorf("load contacts: %w", err)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			fails++
			d := c.backoff(fails)
			c.log.Warn("wechat login", "err", err, "retry_in", d)
			c.sleep(ctx, d)
			continue
		}
		c.online(acct, list)
		c.log.Info("wechat online", "shop", c.opt.Shop, "contacts", len(list))
		if lost != "" {
			relogin++
		}
		reason, stable := c.serve(ctx, acct, func() {
			// Stable: the outage, if any, is over.
			fails = 0
			if lost != "" {
				text := "【微信已恢复】客服微信已重新登录，恢复自动接待。"
				if relogin > 1 {
					text = fmt.Sprintf("【微信已恢复】客服微信已重新登录并稳定运行，恢复自动接待（期间自动重连 %d 次）。", relogin)
				}
				c.alert(ctx, notify.LevelInfo, text)
				lost, relogin = "", 0
			}
		})
		c.offline()
		acct.close()
		if ctx.Err() != nil {
			break
		}
		why := "未知原因"
		if reason != nil {
			why = reason.Error()
		}
		if stable {
			fails = 1
		} else {
			fails++
		}
		d := c.backoff(fails)
		c.log.Error("wechat session ended; logging in again", "shop", c.opt.Shop, "reason", why, "stable", stable, "retry_in", d)
		if lost == "" {
			lost = why
			c.alert(ctx, notify.LevelUrgent, fmt.Sprintf(
				"【微信掉线】客服微信已断开（%s），正在自动重新登录，期间买家消息暂不回复；如需扫码，请看运行 aftersale 的终端。\nWeChat logged out (%s); logging in again.", why, why))
		}
		c.sleep(ctx, d)
	}
	return nil
}

// serve waits for a session to end and says why. Once it has lasted StableAfter,
// onStable runs (on Run's goroutine, before serve returns) and stable is true.
func (c *Channel) serve(ctx context.Context, acct account, onStable func()) (reason error, stable bool) {
	ended := make(chan error, 1)
	go func() { ended <- acct.wait() }()
	t := time.NewTimer(c.opt.StableAfter)
	defer t.Stop()
	select {
	case reason = <-ended:
		return reason, false
	case <-t.C:
	case <-ctx.Done():
		return <-ended, false
	}
	onStable()
	return <-ended, true
}

// backoff doubles from LoginRetryMin up to LoginRetryMax.
func (c *Channel) backoff(fails int) time.Duration {
	d := c.opt.LoginRetryMin
	for i := 1; i < fails && d < c.opt.LoginRetryMax; i++ {
		d *= 2
	}
	return min(d, c.opt.LoginRetryMax)
}

// alert tells the sinks that do not depend on WeChat; a sink that fails is logged.
func (c *Channel) alert(ctx context.Context, level notify.Level, text string) {
	for _, s := range c.opt.Sinks {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := s.Send(sctx, notify.Alert{Shop: c.opt.Shop, Level: level, Text: text})
		cancel()
		if err != nil {
			c.log.Error("send wechat status alert", "sink", s.Name(), "err", err)
		}
	}
}

// online makes a logged-in account the one messages go out on.
func (c *Channel) online(acct account, list []contact) {
	routes := map[string]route{}
	groups := map[string]string{}
	for _, ct := range list {
		if ct.Group {
			if ct.NickName != "" {
				groups[ct.NickName] = ct.UserName
			}
			continue
		}
		id, err := c.ids.resolve(ct)
		if err != nil {
			c.log.Error("record wechat identity", "err", err)
		}
		if id != "" {
			routes[id] = route{userName: ct.UserName}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, r := range c.routes {
		// Routes learnt from this login's first messages, and group routes, stay.
		if _, ok := routes[id]; !ok {
			routes[id] = r
		}
	}
	c.routes, c.groups, c.acct = routes, groups, acct
	close(c.ready)
}

// offline drops the ended session; friend routes die with its UserNames, group routes
// are kept by group name.
func (c *Channel) offline() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acct = nil
	c.ready = make(chan struct{})
	for id, r := range c.routes {
		if r.userName != "" {
			delete(c.routes, id)
		}
	}
	c.groups = map[string]string{}
}

func (c *Channel) setRoute(id string, r route) {
	c.mu.Lock()
	c.routes[id] = r
	c.mu.Unlock()
}

// target waits for a live session and finds where to send; wait=false fails at once
// when offline.
func (c *Channel) target(ctx context.Context, wait bool, find func() (route, bool)) (account, string, string, error) {
	for {
		c.mu.Lock()
		acct, ready := c.acct, c.ready
		var (
			r  route
			ok bool
		)
		if acct != nil {
			r, ok = find()
		}
		userName := r.userName
		if ok && r.group != "" {
			userName, ok = c.groups[r.group]
		}
		c.mu.Unlock()
		switch {
		case acct != nil && !ok:
			return nil, "", "", ErrUnknownContact
		case acct != nil:
			return acct, userName, r.at, nil
		case !wait:
			return nil, "", "", ErrOffline
		}
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, "", "", ctx.Err()
		}
	}
}

// Send sends text to a buyer or merchant by stable id. It waits for a logged-in session
// and the rate limiter, and retries a failed send; it returns an error only when ctx
// ends, the id is unknown, or every attempt failed — the engine's outbox keeps the reply
// for a later Resend.
func (c *Channel) Send(ctx context.Context, to, text string) error {
	find := func() (route, bool) { r, ok := c.routes[to]; return r, ok }
	if err := c.send(ctx, true, find, text); err != nil {
		return fmt.Errorf("send wechat message to %s: %w", to, err)
	}
	return nil
}

func (c *Channel) send(ctx context.Context, wait bool, find func() (route, bool), text string) error {
	for attempt := 1; ; attempt++ {
		acct, userName, at, err := c.target(ctx, wait, find)
		if err != nil {
			return err
		}
		if err := c.limit.wait(ctx); err != nil {
			return err
		}
		body := text
		if at != "" {
			// U+2005 after the name is how WeChat clients end an @-mention.
			body = "@" + at + "\u2005" + text
		}
		err = acct.sendText(ctx, userName, body)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || attempt >= c.opt.SendAttempts {
			return err
		}
		c.log.Warn("send wechat message; retrying", "attempt", attempt, "err", err)
		if err := c.sleep(ctx, c.opt.MinInterval*time.Duration(1<<min(attempt, 6))); err != nil {
			return err
		}
	}
}

// Sink returns a notify.Sink that sends an alert's text to every merchant and to the
// alert group. While the account is offline it fails at once, retryably.
func (c *Channel) Sink() notify.Sink {
	return notify.SinkFunc{SinkName: "wechat", Fn: c.sendAlert}
}

func (c *Channel) sendAlert(ctx context.Context, a notify.Alert) error {
	var errs []error
	retry := false
	for _, m := range c.opt.Merchants {
		find := func() (route, bool) { r, ok := c.routes[m]; return r, ok }
		if err := c.send(ctx, false, find, a.Text); err != nil {
			errs = append(errs, fmt.Errorf("merchant %s: %w", m, err))
			retry = retry || !errors.Is(err, ErrUnknownContact)
		}
	}
	if g := c.opt.AlertGroup; g != "" {
		find := func() (route, bool) { return route{group: g}, true }
		if err := c.send(ctx, false, find, a.Text); err != nil {
			errs = append(errs, fmt.Errorf("group %s: %w", g, err))
			retry = retry || !errors.Is(err, ErrUnknownContact)
		}
	}
	if len(errs) > 0 {
		return &notify.SendError{Sink: "wechat", Retry: retry, Err: errors.Join(errs...)}
	}
	return nil
}

// onMessage takes one message from the sync loop. It must not block: the work is
// queued behind the sender's earlier messages.
func (c *Channel) onMessage(in incoming) {
	c.mu.Lock()
	ctx, h := c.runCtx, c.h
	c.mu.Unlock()
	switch in.kind {
	case kindFriendAdd:
		c.friendRequest(ctx, in)
		return
	case kindIgnored:
		return
	}
	r := route{userName: in.from.UserName}
	if in.group != nil {
		if !in.atMe || !c.serves(in.group.NickName) {
			return
		}
		in.text = stripMentions(in.text)
		at := in.from.DisplayName
		if at == "" {
			at = in.from.NickName
		}
		r = route{group: in.group.NickName, at: at}
	}
	id, err := c.ids.resolve(in.from)
	if err != nil {
		c.log.Error("record wechat identity", "err", err)
	}
	if id == "" {
		return
	}
	c.setRoute(id, r)
	m := bot.Message{ID: in.id, Shop: c.opt.Shop, From: id, Name: in.from.name(), Kind: in.kind.botKind(), Text: in.text, At: in.at}
	c.q.add(id, func() { c.handle(ctx, h, m, in) })
}

func (c *Channel) serves(group string) bool {
	for _, g := range c.opt.Groups {
		if g == group {
			return true
		}
	}
	return false
}

var mention = regexp.MustCompile(`@[^\s@\x{2005}]+[\s\x{2005}]?`)

// stripMentions drops "@name" from a group message so the bot reads only the request.
func stripMentions(s string) string { return strings.TrimSpace(mention.ReplaceAllString(s, " ")) }

// handle runs one buyer message through the engine and sends what it says.
func (c *Channel) handle(ctx context.Context, h bot.Handler, m bot.Message, in incoming) {
	if in.fetch != nil {
		path, err := c.saveMedia(in)
		if err != nil {
			// The message still counts: the buyer is answered and the merchant sees a
			// picture was sent, even if it could not be kept.
			c.log.Error("save wechat media", "msg_id", in.id, "from", m.From, "err", err)
		} else {
			m.Media = path
		}
	}
	if err := h.Handle(ctx, m); err != nil {
		c.log.Error("handle wechat message", "msg_id", in.id, "from", m.From, "err", err)
	}
}

var unsafeName = regexp.MustCompile(`[^0-9A-Za-z_.-]`)

// maxMediaBytes caps one saved picture, voice note, video or file: evidence does not
// need more, and a buyer must not fill the server's disk.
const maxMediaBytes = 20 << 20

// errMediaTooLarge is a download past maxMediaBytes.
var errMediaTooLarge = fmt.Errorf("media larger than %d MB", maxMediaBytes>>20)

// cappedWriter refuses to write past its budget.
type cappedWriter struct {
	w    io.Writer
	left int64
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		return 0, errMediaTooLarge
	}
	n, err := c.w.Write(p)
	c.left -= int64(n)
	return n, err
}

// saveMedia stores a received file under DataDir/media/<shop>/<date>/.
func (c *Channel) saveMedia(in incoming) (string, error) {
	at := in.at
	if at.IsZero() {
		at = c.opt.Now()
	}
	shop := c.opt.Shop
	if shop == "" {
		shop = "default"
	}
	dir := filepath.Join(c.opt.DataDir, "media", unsafeName.ReplaceAllString(shop, "_"), at.Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create media dir: %w", err)
	}
	name := unsafeName.ReplaceAllString(in.id, "_")
	if name == "" {
		name = fmt.Sprintf("m%d", c.opt.Now().UnixNano())
	}
	path := filepath.Join(dir, name+in.ext)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", fmt.Errorf("create media file: %w", err)
	}
	if err := in.fetch(&cappedWriter{w: f, left: maxMediaBytes}); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("download media: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write media file: %w", err)
	}
	return path, nil
}

// friendRequest accepts a friend request and greets, or tells the merchants.
func (c *Channel) friendRequest(ctx context.Context, in incoming) {
	if !c.opt.AutoAcceptFriends || in.accept == nil {
		c.log.Info("wechat friend request left to the merchant", "nick", in.from.NickName)
		text := fmt.Sprintf("【好友申请】%s 申请加客服微信为好友，验证消息：“%s”。未开启自动通过，请在手机微信上处理。", in.from.name(), in.text)
		c.q.add("\x00merchants", func() {
			for _, m := range c.opt.Merchants {
				if err := c.Send(ctx, m, text); err != nil {
					c.log.Error("tell merchant of friend request", "merchant", m, "err", err)
				}
			}
		})
		return
	}
	friend, err := in.accept()
	if err != nil {
		c.log.Error("accept wechat friend request", "nick", in.from.NickName, "err", err)
		return
	}
	id, err := c.ids.resolve(friend)
	if err != nil {
		c.log.Error("record wechat identity", "err", err)
	}
	if id == "" {
		return
	}
	c.setRoute(id, route{userName: friend.UserName})
	c.log.Info("wechat friend request accepted", "id", id)
	if greet := c.opt.FriendGreeting; greet != "" {
		c.q.add(id, func() {
			if err := c.Send(ctx, id, greet); err != nil {
				c.log.Error("greet new wechat friend", "id", id, "err", err)
			}
		})
	}
}
