package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aftersale/aftersale/app"
	"github.com/aftersale/aftersale/bot/console"
	"github.com/aftersale/aftersale/bot/wechat"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/notify"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2 // bad arguments, bad config, bad input file
	configEnv = "AFTERSALE_CONFIG"
	// logEnv sets the log level (debug, info, warn, error) over each command's default.
	logEnv     = "AFTERSALE_LOG"
	usageTitle = "aftersale — 小店售后机器人 / after-sale desk bot"
)

// Main is the program as a value, so tests can run it with their own input, output
// and clock.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Now            func() time.Time
	Getenv         func(string) string
}

// NewMain returns a Main on the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: time.Now, Getenv: os.Getenv}
}

func (m *Main) usage() {
	fmt.Fprintf(m.Stderr, `%s

用法 / usage:
  aftersale chat [-config FILE]          终端演示：你当买家，/m 前缀当商家，/图片 文件 发图片
                                         (terminal demo; /help inside lists its commands)
  aftersale run [-config FILE] [-channel wechat|wecomkf|terminal]
                                         正式运行：登录店铺微信服务买家 (serve buyers on WeChat;
                                         -channel wecomkf 用微信客服/企业微信官方接口;
                                         -channel terminal 用终端代替微信)
  aftersale classify [-config FILE] TEXT…
                                         看机器人如何理解一句话，用配置里的例句和阈值
                                         (label, confidence, slots; the config's examples)
  aftersale eval [-pred OUT] FILE.jsonl  评测意图识别 (accuracy, macro-F1, case P/R, confusion matrix)
  aftersale faq "包邮吗" | -eval FILE | -sample
                                         常见问题怎么回答 / 评测 / 打印示例 (how the shop FAQ answers;
                                         -eval: precision/recall; -sample: the demo FAQ to edit)
  aftersale replay [-orders CSV] FILE.jsonl
                                         整段对话回放：开了哪些售后单、对不对 (replay whole conversations)
  aftersale cases [-config FILE] [-all] [-json]
                                         列出售后单：表格，或 -json 每行一个 JSON 对象
                                         (list cases: a table, or one JSON object a line)
  aftersale check-config [-config FILE]  检查配置文件 (validate config, exit 2 on error)
  aftersale config                       打印默认配置 (print the default config.toml)
  aftersale store copy -from FILE.db -to postgres://…
                                         把 SQLite 数据搬到 PostgreSQL (copy the store; idempotent, verifies counts)
  aftersale version                      版本 (version)

配置 / config: -config FILE, or $%s; otherwise the embedded defaults.
日志级别 / log level: $%s = debug | info | warn | error.
`, usageTitle, configEnv, logEnv)
}

// Run runs one command and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		m.usage()
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "chat":
		return m.chat(ctx, rest)
	case "run":
		return m.runWeChat(ctx, rest)
	case "classify":
		return m.classify(rest)
	case "eval":
		return m.eval(rest)
	case "replay":
		return m.replay(ctx, rest)
	case "faq":
		return m.faqCmd(rest)
	case "cases":
		return m.cases(ctx, rest)
	case "check-config":
		return m.checkConfig(rest)
	case "store":
		return m.storeCmd(ctx, rest)
	case "version", "-version", "--version":
		return m.versionCmd()
	case "config":
		m.Stdout.Write(defaultConfig)
		return exitOK
	case "help", "-h", "--help":
		m.usage()
		return exitOK
	}
	fmt.Fprintf(m.Stderr, "未知命令 / unknown command %q\n\n", cmd)
	m.usage()
	return exitUsage
}

// logger logs text to stderr from $AFTERSALE_LOG's level, else from def.
func (m *Main) logger(def slog.Level) *slog.Logger {
	level := def
	if v := m.Getenv(logEnv); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			fmt.Fprintf(m.Stderr, "%s=%q: %v; using %v\n", logEnv, v, err, def)
			level = def
		}
	}
	return slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: level}))
}

// loadConfig reads the config named by -config or $AFTERSALE_CONFIG, over the embedded
// defaults; with neither it is the embedded defaults alone.
func (m *Main) loadConfig(fs *flag.FlagSet, args []string, extra func(fs *flag.FlagSet)) (*config.Config, int) {
	path := fs.String("config", m.Getenv(configEnv), "config file (TOML)")
	if extra != nil {
		extra(fs)
	}
	fs.SetOutput(m.Stderr)
	if err := fs.Parse(args); err != nil {
		return nil, exitUsage
	}
	var cfg *config.Config
	var err error
	if *path == "" {
		cfg, err = config.Parse("config.toml (embedded)", defaultConfig)
	} else {
		cfg, err = config.Load(*path, defaultConfig)
	}
	if err != nil {
		m.configError(err)
		return nil, exitUsage
	}
	return cfg, exitOK
}

// configError prints a config problem, or every one of several on its own line in the
// file's order, so a file with three mistakes is fixed in one round.
func (m *Main) configError(err error) {
	var all config.Errors
	if errors.As(err, &all) {
		fmt.Fprintf(m.Stderr, "配置错误 / config errors: 共 %d 处 (%d problems)\n", len(all), len(all))
		for _, e := range all {
			fmt.Fprintf(m.Stderr, "  %v\n", e)
		}
		return
	}
	fmt.Fprintf(m.Stderr, "配置错误 / config error: %v\n", err)
}

func (m *Main) checkConfig(args []string) int {
	cfg, code := m.loadConfig(flag.NewFlagSet("check-config", flag.ContinueOnError), args, nil)
	if cfg == nil {
		return code
	}
	// Build everything a start would build, without starting and without a store.
	err := app.Check(cfg, m.Now)
	if err == nil {
		err = checkWeComKF(cfg)
	}
	if err != nil {
		m.configError(err)
		return exitUsage
	}
	fmt.Fprintf(m.Stdout, "配置正确 / config OK: %d 个店铺 (shops), store %s\n", len(cfg.Shops), cfg.Store.Describe())
	for _, a := range cfg.Advice() {
		fmt.Fprintf(m.Stdout, "注意 / note: %s\n", a)
	}
	if cfg.Store.URL != "" {
		return m.pingStore(cfg.Store.URL)
	}
	return exitOK
}

// pingStore connects once to the PostgreSQL store, writing nothing, so an operator learns
// of a wrong host, password or firewall before the first start rather than at it.
func (m *Main) pingStore(url string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	state, err := cases.PingPG(ctx, url)
	if err != nil {
		fmt.Fprintf(m.Stderr, "数据库连不上 / store unreachable: %v\n", err)
		return exitFail
	}
	switch state {
	case cases.SchemaNone:
		fmt.Fprintln(m.Stdout, "数据库可连接，还没有表：第一次运行时自动建表 / store reachable, empty: tables are created at the first start")
	case cases.SchemaBehind:
		fmt.Fprintln(m.Stdout, "数据库可连接，表结构较旧：下次运行时自动升级 / store reachable: migrated at the next start")
	case cases.SchemaAhead:
		fmt.Fprintln(m.Stderr, "数据库的表结构比这个程序新：请升级 aftersale / the store was migrated by a newer aftersale: upgrade this one")
		return exitFail
	default:
		fmt.Fprintln(m.Stdout, "数据库可连接 / store reachable")
	}
	return exitOK
}

// chat runs the terminal demo: buyer and merchant in one terminal.
func (m *Main) chat(ctx context.Context, args []string) int {
	cfg, code := m.loadConfig(flag.NewFlagSet("chat", flag.ContinueOnError), args, nil)
	if cfg == nil {
		return code
	}
	return m.serveTerminal(ctx, cfg)
}

// buildFailed reports an app.New error with the exit code it calls for.
func (m *Main) buildFailed(err error) int {
	if errors.Is(err, cases.ErrLocked) {
		// Two bots on one store would answer buyers twice and fight over alerts.
		fmt.Fprintf(m.Stderr, "数据库已被另一个进程使用 / store in use: %v\n", err)
		return exitUsage
	}
	if errors.Is(err, app.ErrStore) {
		fmt.Fprintf(m.Stderr, "打开数据库失败 / open store: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(m.Stderr, "配置错误 / config error: %v\n", err)
	return exitUsage
}

// serveTerminal runs the desk with the terminal as its channel.
func (m *Main) serveTerminal(ctx context.Context, cfg *config.Config) int {
	shop := cfg.Shops[0]
	merchant := cfg.Console.Merchant
	if !slices.Contains(shop.Merchants, merchant) {
		fmt.Fprintf(m.Stderr, "配置错误 / config error: console.merchant %q is not in shops[0].merchants\n", merchant)
		return exitUsage
	}
	ch := console.New(m.Stdin, m.Stdout, shop.ID, cfg.Console.Buyer, merchant)
	ch.Now = m.Now
	// /图片 copies the buyer's file here, where the board shows pictures from.
	ch.MediaDir = filepath.Join(cfg.WeChat.DataDir, "media")
	log := m.logger(slog.LevelWarn) // the terminal is the chat: only what needs attention
	a, err := app.New(app.Options{Config: cfg, Channel: ch, ChatSinks: []notify.Route{{Sink: ch.Sink()}},
		MediaDir: ch.MediaDir, Now: m.Now, Log: log})
	if err != nil {
		return m.buildFailed(err)
	}
	defer a.Close()
	fmt.Fprintf(m.Stdout, "店铺 %s · 平台 %s · 数据 %s\n", shop.Name, shop.Platform, cfg.Store.Describe())
	for _, a := range cfg.Advice() {
		fmt.Fprintf(m.Stderr, "注意 / note: %s\n", a)
	}
	releaseName, code, ok := m.claimInstance(ctx, a)
	if !ok {
		return code
	}
	defer releaseName()
	ctx, release, err := m.holdChannel(ctx, a, "terminal:"+shop.ID)
	if err != nil {
		return exitOK // ended while standing by
	}
	defer release()
	if err := a.Start(ctx); err != nil {
		fmt.Fprintf(m.Stderr, "配置错误 / config error: %v\n", err)
		return exitUsage
	}
	if cfg.Web.Enabled {
		fmt.Fprintf(m.Stdout, "商家看板 / case board: http://%s/\n", cfg.Web.Listen)
	}
	if err := a.Engine.Resend(ctx); err != nil {
		log.Warn("resend replies from before the restart", "err", err)
	}
	err = ch.Run(ctx, a.Engine)
	// Input ended (or /quit): send what is already due before leaving, so a scripted
	// session sees its alerts.
	a.Drain(ctx)
	if err != nil {
		fmt.Fprintf(m.Stderr, "%v\n", err)
		return exitFail
	}
	return exitOK
}

// classify prints what the classifier, built as the desk builds it from the config
// (-config or $AFTERSALE_CONFIG: its examples and menu_below), reads in the words given.
// -config may come before or after the words; the words never include it.
func (m *Main) classify(args []string) int {
	flags, words := splitFlag(args, "config")
	cfg, code := m.loadConfig(flag.NewFlagSet("classify", flag.ContinueOnError), flags, nil)
	if cfg == nil {
		return code
	}
	if len(words) == 0 {
		fmt.Fprintln(m.Stderr, `用法 / usage: aftersale classify [-config FILE] "我买的杯子碎了要退款"`)
		return exitUsage
	}
	c, err := app.Classifier(cfg)
	if err != nil {
		m.configError(err)
		return exitUsage
	}
	text := strings.Join(words, " ")
	r := c.Classify(text)
	s := r.Slots
	fmt.Fprintf(m.Stdout, "label:      %s\nconfidence: %.3f\ncandidates: %s %s %s\nunclear:    %v\nslot_only:  %v\n",
		r.Label, r.Confidence, r.Candidates[0], r.Candidates[1], r.Candidates[2], r.Unclear, r.SlotOnly)
	fmt.Fprintf(m.Stdout, "order_id:   %s %v\nphone:      %s\namount_fen: %d\ntracking:   %s\nreason:     %s\nimage:      %v\n",
		s.OrderID, nonEmpty(s.Platforms[:]), s.Phone, s.AmountFen, s.Tracking, s.Reason, s.Image)
	return exitOK
}

// splitFlag separates the flag -name (also --name, -name=V, --name=V) and its value from
// the other arguments, wherever it stands, so "classify 我要退款 -config my.toml" reads
// the sentence 我要退款. "--" ends the flags: all after it are words.
func splitFlag(args []string, name string) (flags, words []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return flags, append(words, args[i+1:]...)
		case a == "-"+name || a == "--"+name:
			flags = append(flags, a)
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		case strings.HasPrefix(a, "-"+name+"=") || strings.HasPrefix(a, "--"+name+"="):
			flags = append(flags, a)
		default:
			words = append(words, a)
		}
	}
	return flags, words
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// eval measures the classifier on a labelled file: accuracy, macro-F1, case-opening
// precision and recall, per label; -pred writes each message's predicted label, one a line
// in the file's order. Each message is read on its own, as the first of a conversation.
func (m *Main) eval(args []string) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	pred := fs.String("pred", "", "write predicted labels here, one a line (预测结果)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(m.Stderr, "用法 / usage: aftersale eval [-pred OUT.txt] FILE.jsonl")
		return exitUsage
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(m.Stderr, "eval: %v\n", err)
		return exitUsage
	}
	defer f.Close()
	ex, err := intents.ReadExamples(f)
	if err != nil {
		fmt.Fprintf(m.Stderr, "eval %s: %v\n", path, err)
		return exitUsage
	}
	r := intents.Evaluate(intents.Default(), ex)
	r.Print(m.Stdout)
	if *pred != "" {
		var b strings.Builder
		for _, l := range r.Preds {
			b.WriteString(string(l) + "\n")
		}
		if err := os.WriteFile(*pred, []byte(b.String()), 0o644); err != nil {
			fmt.Fprintf(m.Stderr, "eval -pred: %v\n", err)
			return exitFail
		}
	}
	return exitOK
}

// runWeChat serves buyers on the shop's WeChat account: the production command.
func (m *Main) runWeChat(ctx context.Context, args []string) int {
	var channel *string
	cfg, code := m.loadConfig(flag.NewFlagSet("run", flag.ContinueOnError), args, func(fs *flag.FlagSet) {
		channel = fs.String("channel", "wechat", "wechat | wecomkf (微信客服) | terminal (终端渠道，用于试运行和测量)")
	})
	if cfg == nil {
		return code
	}
	switch *channel {
	case "wechat":
	case "terminal":
		return m.serveTerminal(ctx, cfg)
	case "wecomkf":
		return m.runWeComKF(ctx, cfg)
	default:
		fmt.Fprintf(m.Stderr, "-channel %q: 只能是 wechat、wecomkf 或 terminal / must be wechat, wecomkf or terminal\n", *channel)
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(m.Stderr, format+"\n", a...)
		return code
	}
	shop := cfg.Shops[0]
	for _, s := range cfg.Shops {
		if s.ID == cfg.WeChat.Shop {
			shop = s
		}
	}
	robots, err := app.Sinks(cfg, m.Now)
	if err != nil {
		return fail(exitUsage, "配置错误 / config error: %v", err)
	}
	var robotSinks []notify.Sink
	for _, r := range robots {
		robotSinks = append(robotSinks, r.Sink)
	}
	log := m.logger(slog.LevelInfo)
	w := cfg.WeChat
	ch, err := wechat.New(wechat.Options{Shop: shop.ID, DataDir: w.DataDir, LoginFile: w.LoginFile,
		Merchants: shop.Merchants, AlertGroup: w.AlertGroup, Groups: w.Groups,
		AutoAcceptFriends: w.AutoAcceptFriends, FriendGreeting: w.FriendGreeting,
		MinInterval: time.Duration(w.SendInterval), JitterMin: time.Duration(w.SendJitterMin),
		JitterMax: time.Duration(w.SendJitterMax), PerMinute: w.SendPerMinute, SendAttempts: w.SendAttempts,
		Sinks: robotSinks, QR: m.Stdout, Now: m.Now, Log: log})
	if err != nil {
		return fail(exitUsage, "配置错误 / config error: wechat: %v", err)
	}
	a, err := app.New(app.Options{Config: cfg, Channel: ch, ChatSinks: []notify.Route{{Sink: ch.Sink()}},
		MediaDir: filepath.Join(w.DataDir, "media"), Now: m.Now, Log: log})
	if err != nil {
		return m.buildFailed(err)
	}
	defer a.Close()
	releaseName, code, ok := m.claimInstance(ctx, a)
	if !ok {
		return code
	}
	defer releaseName()
	ctx, release, err := m.holdChannel(ctx, a, "wechat:"+shop.ID)
	if err != nil {
		return exitOK // ended while standing by
	}
	defer release()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := a.Start(ctx); err != nil {
		return fail(exitUsage, "配置错误 / config error: %v", err)
	}
	// Replies committed before the last stop go out once the account is logged in (Send
	// waits for a live session), before new messages are taken.
	go func() {
		if err := a.Engine.Resend(ctx); err != nil && ctx.Err() == nil {
			log.Warn("resend replies from before the restart", "err", err)
		}
	}()
	fmt.Fprintf(m.Stdout, "店铺 %s · 平台 %s · 数据 %s · 请用店铺微信扫码登录\n", shop.Name, shop.Platform, cfg.Store.Describe())
	err = ch.Run(ctx, a.Engine)
	cancel()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fail(exitFail, "%v", err)
	}
	return exitOK
}
