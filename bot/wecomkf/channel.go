// Package wecomkf is the 微信客服 channel (WeChat Customer Service, run through
// 企业微信/WeCom): buyers write to the shop's 客服账号 from their normal WeChat, WeCom
// calls the shop's callback URL, and the channel pulls the messages (kf/sync_msg) from a
// cursor kept in the store, feeds buyers' messages to the engine and sends its replies
// with kf/send_msg. One process serves several shops, one open_kfid each. See README.md
// for the setup in the WeCom admin console.
package wecomkf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/patrickmn/go-cache"
	"golang.org/x/time/rate"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/notify"
)

// CursorStore keeps each account's sync_msg cursor across restarts; *cases.Store
// satisfies it. SetCursor must be durable when it returns.
type CursorStore interface {
	Cursor(ctx context.Context, name string) (string, error)
	SetCursor(ctx context.Context, name, value string) error
}

// MerchantSender sends text to WeCom members by userid (应用消息); the engine's replies
// to merchants and this channel's own notices go through it. notify/wecomapp satisfies it.
type MerchantSender interface {
	SendText(ctx context.Context, userIDs []string, text string) error
}

// Options configures a Channel. Zero durations and counts take the defaults given.
type Options struct {
	// CorpID is the 企业ID; Secret is the 微信客服 secret (a secret: never logged).
	CorpID, Secret string
	// Token and EncodingAESKey are the callback's 接收消息 settings (43 characters).
	Token, EncodingAESKey string
	// Accounts maps a shop id to its 客服账号 open_kfid. At least one.
	Accounts map[string]string
	// Cursors keeps the sync_msg cursor of each account. Required.
	Cursors CursorStore
	// Relay carries a callback's pull token to whichever instance pulls the account
	// (several instances on one PostgreSQL store: any may take the callback, one pulls).
	// nil: the callback wakes this process's puller directly. *cases.Store satisfies it.
	Relay Relay
	// Merchant sends to merchants (their WeCom userids are the shop's merchant ids);
	// nil: the engine's replies to merchants are only logged (the board shows them).
	Merchant MerchantSender
	// Sinks hear what the merchant must know about this channel: a reply that cannot
	// reach a buyer (the reply window), a failed send reported by WeCom.
	Sinks []notify.Sink
	// Welcome renders the greeting sent on enter_session with its welcome_code, per
	// shop; nil: no greeting.
	Welcome func(shop string) string
	// Servicers maps a shop id to the WeCom userid of the 接待人员 a buyer who asks for a
	// person is passed to (kf/service_state/trans); "" passes to the waiting pool.
	Servicers map[string]string
	// MediaDir is where buyers' pictures, voice, video and files are saved; "" = not saved.
	MediaDir string
	// ReplyWindow and ReplyLimit are the platform's rule for kf/send_msg: after a
	// buyer's message, at most ReplyLimit messages within ReplyWindow (微信客服 "发送消息":
	// 48 hours, 5 messages). Defaults 48h and 5.
	ReplyWindow time.Duration
	ReplyLimit  int
	// MinInterval is the least time between two sends of the process. Default 100ms.
	MinInterval time.Duration
	// SendAttempts is how often one message is tried before Send leaves it to the
	// engine's outbox. Default 3.
	SendAttempts int
	// SyncLimit is sync_msg's page size (at most 1000). Default 1000.
	SyncLimit int
	// FirstBacklog is how old a message may be and still be answered on an account's
	// very first pull (no cursor stored yet), when sync_msg returns up to 3 days of
	// history the shop has likely answered by hand already. Default 10 minutes.
	FirstBacklog time.Duration
	// SyncAttempts is how often a failed sync_msg is tried before the pull waits for
	// the next callback. Default 3, one second apart and doubling.
	SyncAttempts int
	// BaseURL replaces DefaultBaseURL (tests); HTTPClient is copied, never modified.
	BaseURL    string
	HTTPClient *http.Client
	Now        func() time.Time
	Log        *slog.Logger
}

func (o *Options) defaults() error {
	if o.CorpID == "" || o.Secret == "" {
		return errors.New("new wecomkf channel: corp id and secret are required")
	}
	if len(o.Accounts) == 0 {
		return errors.New("new wecomkf channel: no shop has an open_kfid")
	}
	if o.Cursors == nil {
		return errors.New("new wecomkf channel: a cursor store is required")
	}
	if o.ReplyWindow <= 0 {
		o.ReplyWindow = 48 * time.Hour
	}
	if o.ReplyLimit <= 0 {
		o.ReplyLimit = 5
	}
	if o.MinInterval <= 0 {
		o.MinInterval = 100 * time.Millisecond
	}
	if o.SendAttempts <= 0 {
		o.SendAttempts = 3
	}
	if o.SyncLimit <= 0 || o.SyncLimit > 1000 {
		o.SyncLimit = 1000
	}
	if o.FirstBacklog <= 0 {
		o.FirstBacklog = 10 * time.Minute
	}
	if o.SyncAttempts <= 0 {
		o.SyncAttempts = 3
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Channel serves the shops' 客服账号.
type Channel struct {
	opt    Options
	api    *api
	crypt  *crypter
	shopOf map[string]string      // open_kfid → shop id
	wake   map[string]chan string // open_kfid → the latest callback token
	win    *windows
	events *cache.Cache // event msgids already acted on
	codes  *cache.Cache // buyer id → msg_code from a session change, for the next reply
	limit  *rate.Limiter
	sleep  func(ctx context.Context, d time.Duration) error
	log    *slog.Logger
}

// New checks o and builds a channel; nothing is called until Run.
func New(o Options) (*Channel, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	cr, err := newCrypter(o.Token, o.EncodingAESKey, o.CorpID)
	if err != nil {
		return nil, err
	}
	c := &Channel{opt: o, api: newAPI(o.BaseURL, o.CorpID, o.Secret, o.HTTPClient, o.Now), crypt: cr,
		shopOf: map[string]string{}, wake: map[string]chan string{},
		win:    &windows{within: o.ReplyWindow, limit: o.ReplyLimit, c: cache.New(o.ReplyWindow, time.Hour)},
		events: cache.New(time.Hour, 10*time.Minute), codes: cache.New(48*time.Hour, time.Hour), limit: rate.NewLimiter(rate.Every(o.MinInterval), 1),
		sleep: sleepCtx, log: o.Log}
	for shop, kfid := range o.Accounts {
		if kfid == "" {
			return nil, fmt.Errorf("new wecomkf channel: shop %s has an empty open_kfid", shop)
		}
		if other, dup := c.shopOf[kfid]; dup {
			return nil, fmt.Errorf("new wecomkf channel: shops %s and %s share open_kfid %s", other, shop, kfid)
		}
		c.shopOf[kfid] = shop
		c.wake[kfid] = make(chan string, 1)
		if o.Relay != nil {
			o.Relay.Subscribe(relayTopic(kfid), func(token string) { c.poke(kfid, token) })
		}
	}
	return c, nil
}

// Relay passes a message to every instance's subscribers of a topic (Store.Publish and
// Subscribe); subscribers must not block.
type Relay interface {
	Publish(ctx context.Context, topic, payload string) error
	Subscribe(topic string, fn func(payload string))
}

// relayTopic is the Relay topic of an account's callbacks.
func relayTopic(kfid string) string { return "wecomkf:" + kfid }

// wakeAccount tells the account's puller a callback came: through the relay to the
// instance that pulls it, or, without one or when it fails, to this process's puller.
func (c *Channel) wakeAccount(ctx context.Context, kfid, token string) {
	if c.opt.Relay != nil {
		err := c.opt.Relay.Publish(ctx, relayTopic(kfid), token)
		if err == nil {
			return
		}
		c.log.Warn("relay a wecomkf callback; waking this instance's puller", "open_kfid", kfid, "err", err)
	}
	c.poke(kfid, token)
}

// BuyerID is the stable id of a WeChat customer of one 客服账号: the external_userid
// (stable for the corp across restarts) and the open_kfid it wrote to, which Send needs
// to answer and which keeps one buyer of two shops two buyers.
func BuyerID(openKfID, externalUserID string) string { return externalUserID + "@" + openKfID }

// parseBuyer splits a BuyerID of one of this channel's accounts.
func (c *Channel) parseBuyer(id string) (openKfID, externalUserID string, ok bool) {
	i := strings.LastIndexByte(id, '@')
	if i <= 0 {
		return "", "", false
	}
	if _, known := c.shopOf[id[i+1:]]; !known {
		return "", "", false
	}
	return id[i+1:], id[:i], true
}

// Run pulls each account's messages until ctx ends: once at the start (what arrived
// while the process was down), then whenever a callback says there is more.
func (c *Channel) Run(ctx context.Context, h bot.Handler) error {
	var wg sync.WaitGroup
	for kfid, wake := range c.wake {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.pull(ctx, h, kfid, "")
			for {
				select {
				case <-ctx.Done():
					return
				case token := <-wake:
					c.pull(ctx, h, kfid, token)
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// poke asks the account's puller to pull with the callback's token; it never blocks,
// and a newer token replaces one not yet used.
func (c *Channel) poke(kfid, token string) {
	ch := c.wake[kfid]
	for {
		select {
		case ch <- token:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

// cursorName is the store's name for an account's sync_msg cursor.
func cursorName(kfid string) string { return "kf:" + kfid }

// pull reads the account's messages from the stored cursor until has_more is 0. The
// cursor is stored after each page is handled: a crash within a page pulls the page
// again on restart, and the engine drops the messages it already handled (their msgid),
// so nothing is lost and nothing answered twice. On the account's first pull ever only
// messages from the last FirstBacklog are answered.
func (c *Channel) pull(ctx context.Context, h bot.Handler, kfid, token string) {
	cursor, err := c.opt.Cursors.Cursor(ctx, cursorName(kfid))
	if err != nil {
		c.log.Error("read wecomkf cursor", "open_kfid", kfid, "err", err)
		return
	}
	var since time.Time
	if cursor == "" {
		since = c.opt.Now().Add(-c.opt.FirstBacklog)
	}
	for ctx.Err() == nil {
		ans, err := c.syncMsg(ctx, kfid, cursor, token)
		if err != nil {
			c.log.Error("wecomkf sync_msg; waiting for the next callback", "open_kfid", kfid, "err", err)
			return
		}
		c.handlePage(ctx, h, kfid, ans.MsgList, since)
		if ans.NextCursor != "" && ans.NextCursor != cursor {
			cursor = ans.NextCursor
			if err := c.opt.Cursors.SetCursor(ctx, cursorName(kfid), cursor); err != nil {
				// Paging goes on from memory; a restart pulls again and the engine dedupes.
				c.log.Error("store wecomkf cursor", "open_kfid", kfid, "err", err)
			}
		}
		if ans.HasMore == 0 {
			return
		}
	}
}

// syncMsg calls sync_msg, trying a failure again SyncAttempts times with backoff.
func (c *Channel) syncMsg(ctx context.Context, kfid, cursor, token string) (syncAnswer, error) {
	for attempt := 1; ; attempt++ {
		ans, err := c.api.syncMsg(ctx, kfid, cursor, token, c.opt.SyncLimit)
		if err == nil || ctx.Err() != nil || attempt >= c.opt.SyncAttempts {
			return ans, err
		}
		c.log.Warn("wecomkf sync_msg; retrying", "open_kfid", kfid, "attempt", attempt, "err", err)
		if err := c.sleep(ctx, time.Second<<(attempt-1)); err != nil {
			return ans, err
		}
	}
}

// handlePage handles one page: events in order, each buyer's messages in order, buyers
// concurrently; it returns when all are done. Messages sent before since are skipped.
func (c *Channel) handlePage(ctx context.Context, h bot.Handler, kfid string, list []message, since time.Time) {
	byBuyer := map[string][]message{}
	var order []string
	skipped := 0
	for _, m := range list {
		if !since.IsZero() && m.SendTime > 0 && time.Unix(m.SendTime, 0).Before(since) {
			skipped++
			continue
		}
		switch {
		case m.MsgType == "event":
			c.event(ctx, kfid, m)
		case m.Origin == 3 && m.ExternalUserID != "":
			if m.OpenKfID != "" && m.OpenKfID != kfid {
				continue
			}
			if _, ok := byBuyer[m.ExternalUserID]; !ok {
				order = append(order, m.ExternalUserID)
			}
			byBuyer[m.ExternalUserID] = append(byBuyer[m.ExternalUserID], m)
		default:
			// origin 5: a servicer's own message from the WeCom app, already with the buyer.
		}
	}
	if skipped > 0 {
		c.log.Info("wecomkf first pull: older messages left unanswered", "open_kfid", kfid, "skipped", skipped)
	}
	var wg sync.WaitGroup
	for _, ext := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, m := range byBuyer[ext] {
				c.buyerMessage(ctx, h, kfid, m)
			}
		}()
	}
	wg.Wait()
}

// buyerMessage turns one customer message into a bot.Message and handles it.
func (c *Channel) buyerMessage(ctx context.Context, h bot.Handler, kfid string, in message) {
	shop := c.shopOf[kfid]
	id := BuyerID(kfid, in.ExternalUserID)
	at := time.Unix(in.SendTime, 0)
	if in.SendTime == 0 {
		at = c.opt.Now()
	}
	// The buyer wrote: the platform lets the shop answer again.
	c.win.open(id, at)
	m := bot.Message{ID: "kf:" + in.MsgID, Shop: shop, From: id, Name: "微信客户 " + tail(in.ExternalUserID, 6), Kind: bot.KindText, At: at}
	media := ""
	switch in.MsgType {
	case "text":
		m.Text = in.Text.Content
		if n := in.Text.MenuID; menuNumber.MatchString(n) {
			// A click on a msgmenu item: its id is the number the engine offered.
			m.Text = n
		}
	case "image":
		m.Kind, media = bot.KindImage, in.Image.MediaID
	case "voice":
		m.Kind, media = bot.KindVoice, in.Voice.MediaID
	case "video":
		m.Kind, media = bot.KindVideo, in.Video.MediaID
	case "file":
		m.Kind, media = bot.KindFile, in.File.MediaID
	case "location":
		m.Text = strings.TrimSpace(fmt.Sprintf("[位置] %s %s", in.Location.Name, in.Location.Address))
	case "link":
		m.Text = strings.TrimSpace(fmt.Sprintf("[链接] %s %s", in.Link.Title, in.Link.URL))
	case "miniprogram":
		m.Text = strings.TrimSpace("[小程序] " + in.MiniProgram.Title)
	default:
		m.Text = "[" + in.MsgType + "]"
	}
	if media != "" {
		path, err := c.saveMedia(ctx, shop, in.MsgID, media, at)
		if err != nil {
			// The message still counts: the buyer is answered and the merchant sees a
			// file was sent, even if it could not be kept.
			c.log.Error("save wecomkf media", "msg_id", in.MsgID, "from", id, "err", err)
		}
		m.Media = path
	}
	if err := h.Handle(ctx, m); err != nil {
		c.log.Error("handle wecomkf message", "msg_id", in.MsgID, "from", id, "err", err)
	}
}

var menuNumber = regexp.MustCompile(`^[0-9]$`)

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// maxMediaBytes caps one saved file: evidence needs no more, and a buyer must not fill
// the server's disk.
const maxMediaBytes = 20 << 20

var unsafeName = regexp.MustCompile(`[^0-9A-Za-z_.-]`)

// saveMedia downloads a received file to MediaDir/<shop>/<date>/<msgid><ext>.
func (c *Channel) saveMedia(ctx context.Context, shop, msgID, mediaID string, at time.Time) (string, error) {
	if c.opt.MediaDir == "" {
		return "", nil
	}
	dir := filepath.Join(c.opt.MediaDir, unsafeName.ReplaceAllString(shop, "_"), at.Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create media dir: %w", err)
	}
	name := unsafeName.ReplaceAllString(msgID, "_")
	if name == "" {
		name = fmt.Sprintf("m%d", c.opt.Now().UnixNano())
	}
	f, err := os.CreateTemp(dir, name+"-*.part")
	if err != nil {
		return "", fmt.Errorf("create media file: %w", err)
	}
	ext, err := c.api.media(ctx, mediaID, f, maxMediaBytes)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write media file: %w", cerr)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	path := filepath.Join(dir, name+ext)
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("name media file: %w", err)
	}
	return path, nil
}

// failTypes are msg_send_fail's fail_type values (微信客服 "接收消息和事件").
var failTypes = map[int]string{
	0: "未知原因", 1: "客服账号已删除", 2: "应用已关闭", 4: "会话已过期（买家超过48小时未发消息）", 5: "会话已关闭",
	6: "超过5条回复的限制", 7: "未绑定视频号", 8: "主体未验证", 9: "未绑定视频号且主体未验证", 10: "买家拒收",
}

// event acts on a system event of the account: the welcome on enter_session (once per
// event), the merchant told of a failed send, servicer changes logged.
func (c *Channel) event(ctx context.Context, kfid string, m message) {
	if m.MsgID != "" {
		if c.events.Add(m.MsgID, true, cache.DefaultExpiration) != nil {
			return // acted on already (the page was pulled again)
		}
	}
	shop := c.shopOf[kfid]
	ev := m.Event
	switch ev.EventType {
	case "enter_session":
		c.log.Info("wecomkf buyer entered the session", "shop", shop, "buyer", BuyerID(kfid, ev.ExternalUserID))
		if ev.WelcomeCode == "" || c.opt.Welcome == nil {
			return
		}
		text := c.opt.Welcome(shop)
		if strings.TrimSpace(text) == "" {
			return
		}
		if err := c.api.sendOnEvent(ctx, ev.WelcomeCode, render(text)); err != nil {
			c.log.Warn("wecomkf welcome", "shop", shop, "err", err)
		}
	case "msg_send_fail":
		why := failTypes[ev.FailType]
		if why == "" {
			why = fmt.Sprintf("原因 %d", ev.FailType)
		}
		buyer := BuyerID(kfid, ev.ExternalUserID)
		c.log.Warn("wecomkf message not delivered", "shop", shop, "buyer", buyer, "fail_msgid", ev.FailMsgID, "fail_type", ev.FailType)
		c.tell(ctx, shop, buyer, fmt.Sprintf("【消息未送达】微信客服发给买家 %s 的一条消息没有送达：%s。需要时请等买家再次发消息后回复，或在企业微信里联系买家。", buyer, why))
	case "servicer_status_change":
		c.log.Info("wecomkf servicer status", "shop", shop, "servicer", ev.ServicerUserID, "status", ev.Status)
	case "session_status_change":
		c.log.Info("wecomkf session status", "shop", shop, "buyer", BuyerID(kfid, ev.ExternalUserID), "change", ev.ChangeType, "servicer", ev.NewServicer)
	default:
		c.log.Debug("wecomkf event ignored", "shop", shop, "event", ev.EventType)
	}
}

// tell alerts the merchant through the sinks; a sink that fails is logged.
func (c *Channel) tell(ctx context.Context, shop, buyer, text string) {
	for _, s := range c.opt.Sinks {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := s.Send(sctx, notify.Alert{Shop: shop, Buyer: buyer, Level: notify.LevelWarn, Text: text})
		cancel()
		if err != nil {
			c.log.Error("send wecomkf notice", "sink", s.Name(), "err", err)
		}
	}
}

// render is the send_msg body for a reply: a msgmenu when it carries the engine's
// numbered menu (each choice a click item whose id is its number), else text.
func render(text string) map[string]any {
	head, choices, tail, ok := bot.SplitMenu(text)
	if !ok {
		return outMessage(text, "", nil, "")
	}
	items := make([]menuItem, 0, len(choices))
	for _, ch := range choices {
		items = append(items, menuItem{ID: ch.Number, Content: ch.Label})
	}
	return outMessage("", head, items, tail)
}

// Send sends text to a buyer (a BuyerID) with kf/send_msg, or to a merchant (a WeCom
// userid) as an application message. A reply the platform will not take — outside the
// reply window, or refused with an errcode no retry cures — is not dropped silently:
// the merchant is told what the buyer did not get, and Send returns nil so the outbox
// does not try it forever. Transient failures are retried SendAttempts times; then the
// error leaves the reply in the engine's outbox for Resend.
func (c *Channel) Send(ctx context.Context, to, text string) error {
	kfid, ext, ok := c.parseBuyer(to)
	if !ok {
		if c.opt.Merchant == nil {
			// The merchant works from the board then, which shows what the command said;
			// an error would keep the reply in the outbox forever.
			c.log.Info("wecomkf reply to a merchant not sent: no wecomapp sink", "to", to)
			return nil
		}
		return c.opt.Merchant.SendText(ctx, []string{to}, text)
	}
	shop := c.shopOf[kfid]
	if v, ok := c.codes.Get(to); ok {
		// The session just changed (转人工, 释放): WeCom takes one message in the new
		// state through the change's code, not through send_msg.
		c.codes.Delete(to)
		err := c.api.sendOnEvent(ctx, v.(string), outMessage(text, "", nil, ""))
		if err == nil {
			return nil
		}
		c.log.Warn("wecomkf reply by session code; trying send_msg", "buyer", to, "err", err)
	}
	if why, ok := c.win.take(to, c.opt.Now()); !ok {
		c.log.Warn("wecomkf reply outside the reply window", "shop", shop, "buyer", to, "why", why)
		c.tell(ctx, shop, to, undelivered(to, why, text))
		return nil
	}
	for attempt := 1; ; attempt++ {
		if err := c.limit.Wait(ctx); err != nil {
			c.win.giveBack(to)
			return err
		}
		_, err := c.api.sendMsg(ctx, kfid, ext, render(text))
		if err == nil {
			return nil
		}
		var ae *APIError
		if errors.As(err, &ae) && !ae.Retries {
			c.win.giveBack(to)
			c.log.Warn("wecomkf send refused", "shop", shop, "buyer", to, "err", err)
			c.tell(ctx, shop, to, undelivered(to, fmt.Sprintf("微信客服拒绝了这条消息（错误码 %d）", ae.Code), text))
			return nil
		}
		if ctx.Err() != nil || attempt >= c.opt.SendAttempts {
			c.win.giveBack(to)
			return fmt.Errorf("send wecomkf message to %s: %w", to, err)
		}
		c.log.Warn("send wecomkf message; retrying", "attempt", attempt, "err", err)
		if err := c.sleep(ctx, c.opt.MinInterval*time.Duration(1<<min(attempt, 6))); err != nil {
			c.win.giveBack(to)
			return err
		}
	}
}

// HandOff passes a buyer's session to the shop's 接待人员 in the WeCom app
// (kf/service_state/trans to state 3), or to the waiting pool (state 2) when the shop
// names none. An id that is not this channel's buyer is left alone.
func (c *Channel) HandOff(ctx context.Context, shop, buyer string) error {
	state, servicer := statePool, c.opt.Servicers[shop]
	if servicer != "" {
		state = stateServicer
	}
	return c.trans(ctx, buyer, state, servicer)
}

// TakeBack ends the buyer's session with the servicer (state 4): the buyer's next
// message opens a session the bot answers again.
func (c *Channel) TakeBack(ctx context.Context, shop, buyer string) error {
	return c.trans(ctx, buyer, stateEnded, "")
}

func (c *Channel) trans(ctx context.Context, buyer string, state int, servicer string) error {
	kfid, ext, ok := c.parseBuyer(buyer)
	if !ok {
		return nil
	}
	code, err := c.api.trans(ctx, kfid, ext, state, servicer)
	if err != nil {
		return err
	}
	if code != "" {
		c.codes.SetDefault(buyer, code)
	} else {
		c.codes.Delete(buyer)
	}
	c.log.Info("wecomkf session moved", "buyer", buyer, "state", state, "servicer", servicer)
	return nil
}

// undelivered is the merchant's notice of a reply that could not reach the buyer.
func undelivered(buyer, why, text string) string {
	return fmt.Sprintf("【回复未送达】买家 %s 没有收到这条回复：%s。微信客服只能在买家来信后 48 小时内回复有限条数，请等买家再次发消息，或在企业微信里联系买家。\n未送达的内容：%s", buyer, why, text)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
