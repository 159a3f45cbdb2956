package wechat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/eatmoreapple/openwechat"
	"github.com/mdp/qrterminal/v3"

	"github.com/aftersale/aftersale/bot"
)

// connector logs an account in; on receives every message of the session, from the
// session's own sync goroutine.
type connector interface {
	connect(ctx context.Context, on func(incoming)) (account, error)
}

// account is one logged-in session: the few openwechat calls the channel makes.
type account interface {
	// contacts lists friends and groups.
	contacts(ctx context.Context) ([]contact, error)
	sendText(ctx context.Context, userName, text string) error
	// wait blocks until the session ends and says why.
	wait() error
	close()
}

type inKind int

const (
	kindIgnored inKind = iota
	kindText
	kindImage
	kindVoice
	kindVideo
	kindFile
	kindFriendAdd
)

func (k inKind) botKind() bot.Kind {
	switch k {
	case kindImage:
		return bot.KindImage
	case kindVoice:
		return bot.KindVoice
	case kindVideo:
		return bot.KindVideo
	case kindFile:
		return bot.KindFile
	}
	return bot.KindText
}

// incoming is one received message, taken out of openwechat's types.
type incoming struct {
	id    string
	kind  inKind
	from  contact  // the person who wrote
	group *contact // the group it was written in, if any
	atMe  bool
	text  string
	at    time.Time
	ext   string                  // file name extension for saved media
	fetch func(w io.Writer) error // downloads the media; nil for text
	// accept accepts a friend request and returns the new friend.
	accept func() (contact, error)
}

// wxConnector logs in with openwechat in desktop mode: hot login from the login file,
// then push login (the phone confirms, no scan), then a QR code scan.
type wxConnector struct {
	loginFile string
	transport http.RoundTripper
	qr        io.Writer
	log       *slog.Logger
	now       func() time.Time
}

type loginMode string

const (
	loginHot  loginMode = "hot"
	loginPush loginMode = "push"
	loginScan loginMode = "scan"
)

func (w *wxConnector) connect(ctx context.Context, on func(incoming)) (account, error) {
	var errs []error
	if _, err := os.Stat(w.loginFile); err == nil {
		for _, mode := range []loginMode{loginHot, loginPush} {
			a, err := w.login(ctx, mode, on)
			if err == nil {
				return a, nil
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			w.log.Info("wechat login without scan did not work", "mode", mode, "err", err)
			errs = append(errs, fmt.Errorf("%s login: %w", mode, err))
		}
	}
	a, err := w.login(ctx, loginScan, on)
	if err != nil {
		return nil, errors.Join(append(errs, fmt.Errorf("scan login: %w", err))...)
	}
	return a, nil
}

// login runs one login on a fresh openwechat Bot: a failed attempt leaves state (cookies,
// sync keys) in its Bot that must not leak into the next.
func (w *wxConnector) login(ctx context.Context, mode loginMode, on func(incoming)) (account, error) {
	sctx, cancel := context.WithCancel(ctx)
	b := openwechat.NewBot(sctx)
	openwechat.Desktop.Prepare(b)
	if w.transport != nil {
		b.Caller.Client.HTTPClient().Transport = w.transport
	}
	a := &wxAccount{bot: b, cancel: cancel, store: &loginStore{path: w.loginFile}, calls: make(chan func(), 8), log: w.log}
	b.UUIDCallback = w.drawQR
	b.ScanCallBack = func(openwechat.CheckLoginResponse) { w.log.Info("wechat QR code scanned; confirm on the phone") }
	b.SyncCheckCallback = func(openwechat.SyncCheckResponse) { a.inSync() }
	b.MessageErrorHandler = a.syncError
	b.MessageHandler = func(m *openwechat.Message) {
		if in, ok := convert(m); ok {
			on(in)
		}
	}
	var err error
	switch mode {
	case loginHot:
		err = b.HotLogin(a.store)
	case loginPush:
		err = b.PushLogin(a.store)
	default:
		err = b.Login()
	}
	if err != nil {
		cancel()
		return nil, err
	}
	w.log.Info("wechat logged in", "mode", mode)
	return a, nil
}

// drawQR shows the login QR in the terminal, with the picture's URL for a browser.
func (w *wxConnector) drawQR(uuid string) {
	fmt.Fprintln(w.qr, "请用店铺微信扫码登录 / scan with the shop's WeChat to log in:")
	qrterminal.GenerateHalfBlock("https://login.weixin.qq.com/l/"+uuid, qrterminal.L, w.qr)
	fmt.Fprintln(w.qr, "二维码图片 / QR image:", openwechat.GetQrcodeUrl(uuid))
	w.log.Info("wechat login QR code shown", "url", openwechat.GetQrcodeUrl(uuid))
}

// loginStore is openwechat's hot-login storage on a file. Each dump replaces the file
// atomically, so a crash mid-write never leaves a login the next start cannot read.
type loginStore struct {
	path string
	mu   sync.Mutex
	r    *bytes.Reader
}

func (s *loginStore) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.r == nil {
		raw, err := os.ReadFile(s.path)
		if err != nil {
			return 0, fmt.Errorf("read wechat login file: %w", err)
		}
		s.r = bytes.NewReader(raw)
	}
	return s.r.Read(p)
}

// Write takes one whole dump: openwechat's json.Encoder writes each dump in one call.
func (s *loginStore) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := writeFileAtomic(s.path, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// wxAccount is a logged-in openwechat Bot. openwechat keeps its contact cache and sync
// state unguarded and touches them from its sync goroutine, so every call that reads
// them (contacts, the session dump) runs on that goroutine, handed over through calls.
type wxAccount struct {
	bot    *openwechat.Bot
	cancel context.CancelFunc
	store  *loginStore
	calls  chan func()
	log    *slog.Logger

	syncFails int    // consecutive sync errors; only the sync goroutine touches it
	self      string // the account's UserName, read on the sync goroutine by contacts
}

// inSync runs on the sync goroutine after every sync check.
func (a *wxAccount) inSync() {
	a.syncFails = 0
	// After a scan login openwechat does not dump the session itself; doing it here
	// also keeps the sync key current for the next hot login.
	if err := a.bot.DumpTo(a.store); err != nil {
		a.log.Error("save wechat login", "err", err)
	}
	for {
		select {
		case f := <-a.calls:
			f()
		default:
			return
		}
	}
}

// syncError decides whether the sync loop goes on after an error: network trouble is
// waited out a few times, a logout or a dead session ends it.
func (a *wxAccount) syncError(err error) error {
	var ret openwechat.Ret
	if errors.As(err, &ret) {
		a.log.Warn("wechat sync check refused", "ret", int(ret), "err", err)
		return fmt.Errorf("wechat session ended (ret %d): %w", int(ret), err)
	}
	a.syncFails++
	if a.syncFails > 5 {
		return fmt.Errorf("wechat sync failed %d times in a row: %w", a.syncFails, err)
	}
	a.log.Warn("wechat sync; retrying", "attempt", a.syncFails, "err", err)
	sleepCtx(a.bot.Context(), time.Duration(a.syncFails)*2*time.Second)
	return nil
}

// onSync runs f on the sync goroutine and waits for it.
func (a *wxAccount) onSync(ctx context.Context, f func()) error {
	done := make(chan struct{})
	select {
	case a.calls <- func() { f(); close(done) }:
	case <-ctx.Done():
		return ctx.Err()
	case <-a.bot.Context().Done():
		return errors.New("wechat session ended")
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-a.bot.Context().Done():
		return errors.New("wechat session ended")
	}
}

func (a *wxAccount) contacts(ctx context.Context) ([]contact, error) {
	var (
		out []contact
		err error
	)
	if cerr := a.onSync(ctx, func() {
		self, e := a.bot.GetCurrentUser()
		if e != nil {
			err = e
			return
		}
		a.self = self.UserName
		members, e := self.Members(true)
		if e != nil {
			err = e
			return
		}
		for _, u := range members {
			if u.IsFriend() || u.IsGroup() {
				out = append(out, contactOf(u))
			}
		}
	}); cerr != nil {
		return nil, cerr
	}
	return out, err
}

// sendText is called only after contacts, which set a.self; it reads no openwechat state
// that the sync goroutine writes.
func (a *wxAccount) sendText(ctx context.Context, userName, text string) error {
	msg := openwechat.NewTextSendMessage(text, a.self, userName)
	_, err := a.bot.Caller.WebWxSendMsg(ctx, &openwechat.CallerWebWxSendMsgOptions{
		LoginInfo: a.bot.Storage.LoginInfo, BaseRequest: a.bot.Storage.Request, Message: msg,
	})
	return err
}

// wait does not use Bot.Block, which reads the Bot's user unguarded while the sync loop
// clears it on exit; the crash reason is written before the context is cancelled.
func (a *wxAccount) wait() error {
	<-a.bot.Context().Done()
	if err := a.bot.CrashReason(); err != nil {
		return err
	}
	return errors.New("wechat session stopped")
}

// close ends the session's goroutines; it does not log the account out, so the next
// start can hot-login.
func (a *wxAccount) close() { a.cancel() }

func contactOf(u *openwechat.User) contact {
	return contact{UserName: u.UserName, RemarkName: u.RemarkName, NickName: u.NickName, DisplayName: u.DisplayName,
		AttrStatus: u.AttrStatus, Sex: u.Sex, Province: u.Province, City: u.City, Signature: u.Signature, Group: u.IsGroup()}
}

// convert takes what the channel needs out of an openwechat message; it runs on the
// sync goroutine, where looking up the sender is safe.
func convert(m *openwechat.Message) (incoming, bool) {
	if m.IsSendBySelf() || m.IsSystem() || m.IsRecalled() {
		return incoming{}, false
	}
	in := incoming{id: m.MsgId, text: m.Content, at: time.Unix(m.CreateTime, 0)}
	if m.IsFriendAdd() {
		ri := m.RecommendInfo
		in.kind = kindFriendAdd
		in.from = contact{UserName: ri.UserName, NickName: ri.NickName, Sex: ri.Sex, Province: ri.Province, City: ri.City}
		in.text = ri.Content
		in.accept = func() (contact, error) {
			f, err := m.Agree()
			if err != nil {
				return contact{}, err
			}
			return contactOf(f.User), nil
		}
		return in, true
	}
	switch {
	case m.IsText():
		in.kind = kindText
	case m.IsPicture():
		in.kind, in.ext = kindImage, ".jpg"
	case m.IsVoice():
		in.kind, in.ext = kindVoice, ".mp3"
	case m.IsVideo():
		in.kind, in.ext = kindVideo, ".mp4"
	case m.HasAttachment():
		in.kind, in.ext = kindFile, strings.ToLower(filepath.Ext(m.FileName))
	default:
		return incoming{}, false // emoticons, cards, red packets, calls, …
	}
	if in.kind != kindText {
		in.text = ""
		if in.kind == kindFile {
			in.text = m.FileName
		}
		in.fetch = m.SaveFile
	}
	if m.IsSendByGroup() {
		g, err := m.Sender()
		if err != nil {
			return incoming{}, false
		}
		member, err := m.SenderInGroup()
		if err != nil {
			return incoming{}, false
		}
		gc := contactOf(g)
		in.group, in.from, in.atMe = &gc, contactOf(member), m.IsAt()
		// A member who is also a friend is known by the friend's remark name.
		if all, err := m.Owner().Members(); err == nil {
			if f, ok := all.GetByUserName(member.UserName); ok && f.IsFriend() {
				in.from = contactOf(f)
				in.from.DisplayName = member.DisplayName
			}
		}
		return in, true
	}
	if !m.IsSendByFriend() {
		return incoming{}, false
	}
	u, err := m.Sender()
	if err != nil || u.IsMP() {
		return incoming{}, false
	}
	in.from = contactOf(u)
	return in, true
}
