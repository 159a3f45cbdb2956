package board

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/vocab"
)

//go:embed pages.html
var pageFS embed.FS

func parsePages() (*template.Template, error) {
	t, err := template.New("pages").Funcs(template.FuncMap{"clock": clock}).ParseFS(pageFS, "pages.html")
	if err != nil {
		return nil, fmt.Errorf("parse board pages: %w", err)
	}
	return t, nil
}

// page is what every page's layout needs.
type page struct {
	Title  string
	Nonce  string // the CSP nonce of the one inline script
	CSRF   string
	NowMS  int64 // the server's clock, so countdowns follow it rather than the phone's
	Flash  string
	Authed bool
	// Refresh, in seconds, reloads the page to show what changed (the case list only;
	// a case page holds forms being typed into); 0 never.
	Refresh int
}

func (b *Board) page(r *http.Request, title string) page {
	s := sessionOf(r)
	return page{Title: title, Nonce: rand.Text(), CSRF: s.csrf, NowMS: b.now().UnixMilli(), Authed: s.id != ""}
}

// render executes a page into a buffer first, so a template error never sends half a page.
func (b *Board) render(w http.ResponseWriter, r *http.Request, status int, name string, v any) {
	var buf bytes.Buffer
	if err := b.pages.ExecuteTemplate(&buf, name, v); err != nil {
		b.log.Error("board: render page", "page", name, "err", err)
		// Plain text: the error page is rendered here too, and may be what failed.
		http.Error(w, "页面出错了 / internal error", http.StatusInternalServerError)
		return
	}
	nonce := ""
	if p, ok := v.(interface{ nonce() string }); ok {
		nonce = p.nonce()
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "+
		"script-src 'nonce-"+nonce+"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (p page) nonce() string { return p.Nonce }

func clock(t time.Time) string { return vocab.Clock(t) }

func intentName(label string) string { return intents.Label(label).Chinese() }

var allStates = []cases.State{cases.StateOpen, cases.StateWaitingMerchant, cases.StateWaitingBuyer,
	cases.StateResolved, cases.StateRejected, cases.StateCancelled, cases.StateExpired, cases.StateClosed}

// urgentWithin is when a countdown turns red.
const urgentWithin = time.Hour

// countdown is a case's time left as first rendered; the page script keeps it running.
type countdown struct {
	DeadlineMS int64 // 0: no running deadline
	Text       string
	Urgent     bool
}

func newCountdown(c *cases.Case, now time.Time) countdown {
	switch {
	case !c.State.Live():
		return countdown{Text: "—"}
	case c.State == cases.StateWaitingBuyer && c.PausedLeft > 0:
		return countdown{Text: "暂停（" + vocab.Countdown(c.PausedLeft) + "）"}
	case c.Deadline.IsZero():
		return countdown{Text: "—"}
	}
	left := c.Deadline.Sub(now)
	return countdown{DeadlineMS: c.Deadline.UnixMilli(), Text: vocab.Countdown(left), Urgent: left < urgentWithin}
}

type caseRow struct {
	cases.Case
	IntentName   string
	StateName    string
	BuyerLabel   string
	ShopName     string
	ReasonName   string
	PlatformName string
	Link         string
	Left         countdown
	Said         string // the buyer's first words, on the list
	Grieved      bool   // the buyer complained on this request (cases.Grieved)
}

func (b *Board) row(c cases.Case, now time.Time) caseRow {
	return caseRow{Case: c, IntentName: intents.Label(c.Intent).ChineseFor(intents.Reason(c.Reason)), StateName: c.StateLabel(), BuyerLabel: c.Who(),
		ShopName: b.shopName(c.Shop), ReasonName: reasonName(intents.Reason(c.Reason)), PlatformName: platformName(c.Platform),
		Link: "/case/" + url.PathEscape(c.Shop) + "/" + url.PathEscape(c.ID), Left: newCountdown(&c, now)}
}

// shopName is the shop as the merchant knows it: its configured name, else its id.
func (b *Board) shopName(id string) string {
	if n := b.shopNames[id]; n != "" {
		return n
	}
	return id
}

type option struct {
	Value, Name string
	Selected    bool
}

// questionRow is one buyer question waiting in the merchant's inbox (待回复).
type questionRow struct {
	caseRow
	Waited string // "12 分钟"
	Text   string // the buyer's first words
}

type listView struct {
	page
	Questions []questionRow // live inbox questions, longest wait first
	// Again are decided cases the buyer wrote on after the merchant's last word, within
	// cases.DecidedListed: someone still waits though the case left the live list.
	Again []questionRow
	// Agreed are agreed returns, exchanges and repairs still being done (cases.Agreed):
	// the chat's 列表 shows them as 已同意、还在办, and the board's live list hid them
	// (trial 21: a merchant checking the board would forget the replacement owed).
	Agreed  []questionRow
	Rows    []caseRow
	Shop    string
	Search  string // the search box: a case id, an order id, a buyer
	Shops   []option
	Intents []option
	States  []option
	Limited bool
}

// listLimit keeps the page light on a phone; filters narrow it down.
const listLimit = 200

// list shows cases; by default the live ones, nearest deadline first.
func (b *Board) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := cases.CaseFilter{Shop: q.Get("shop"), Intent: q.Get("intent"), Search: strings.TrimSpace(q.Get("q")), Limit: listLimit + 1}
	switch st := q.Get("state"); st {
	case "", "live":
		// A search looks at every case: "A2" or a buyer's name is found decided too
		// (trial: "没有找到「A2」" for a refused case, found only under 全部).
		f.LiveOnly = f.Search == ""
	case "all":
	default:
		if !slices.Contains(allStates, cases.State(st)) {
			b.errorPage(w, r, "没有这个状态 / unknown state", http.StatusBadRequest)
			return
		}
		f.State = cases.State(st)
	}
	found, err := b.store.FindCases(r.Context(), f)
	if err != nil {
		b.fail(w, r, "list cases", err)
		return
	}
	v := listView{page: b.page(r, "售后看板"), Shop: f.Shop, Search: f.Search}
	if b.refresh > 0 {
		v.Refresh = max(1, int(b.refresh/time.Second))
	}
	if len(found) > listLimit {
		found, v.Limited = found[:listLimit], true
	}
	sortByTimeLeft(found)
	now := b.now()
	for _, c := range found {
		if c.Intent == cases.IntentQuestion && c.State.Live() {
			// Buyers waiting on an answer get their own list on top: the platforms rate
			// a shop on reply speed.
			v.Questions = append(v.Questions, questionRow{caseRow: b.row(c, now), Waited: vocab.Left(now.Sub(c.OpenedAt)), Text: b.firstWords(r.Context(), &c)})
			continue
		}
		row := b.row(c, now)
		row.Said, row.Grieved = b.said(r.Context(), &c)
		v.Rows = append(v.Rows, row)
	}
	if f.LiveOnly {
		agreed, err := b.store.Agreed(r.Context(), f.Shop, f.Intent, now)
		if err != nil {
			b.fail(w, r, "list agreed cases", err)
			return
		}
		for _, c := range agreed {
			v.Agreed = append(v.Agreed, questionRow{caseRow: b.row(c, now), Waited: vocab.Clock(c.UpdatedAt), Text: b.firstWords(r.Context(), &c)})
		}
		again, err := b.store.WrittenAgain(r.Context(), f.Shop, f.Intent, now, bot.AnsweredOn)
		if err != nil {
			b.fail(w, r, "list decided cases", err)
			return
		}
		for _, a := range again {
			v.Again = append(v.Again, questionRow{caseRow: b.row(a.Case, now), Waited: vocab.Left(now.Sub(a.Case.UpdatedAt)), Text: vocab.Clip(strings.Join(a.Said, " / "), 40)})
		}
	}
	for _, s := range b.shops {
		v.Shops = append(v.Shops, option{Value: s, Name: b.shopName(s), Selected: s == f.Shop})
	}
	for _, l := range append(intents.Labels(), intents.Question) {
		v.Intents = append(v.Intents, option{Value: string(l), Name: l.Chinese(), Selected: string(l) == f.Intent})
	}
	state := q.Get("state")
	v.States = []option{{Value: "", Name: "进行中", Selected: state == "" || state == "live"}, {Value: "all", Name: "全部", Selected: state == "all"}}
	for _, s := range allStates {
		v.States = append(v.States, option{Value: string(s), Name: s.Label(), Selected: string(s) == state})
	}
	b.render(w, r, http.StatusOK, "list", v)
}

// firstWords is the buyer's first message on a case, clipped for a list row.
func (b *Board) firstWords(ctx context.Context, c *cases.Case) string {
	first, _ := b.said(ctx, c)
	return first
}

// said is the buyer's first message on a case, clipped for a list row, and whether a
// grievance joined the request since (the chat's 列表 says "买家投诉了" as well).
func (b *Board) said(ctx context.Context, c *cases.Case) (first string, grieved bool) {
	events, err := b.store.Events(ctx, c.Shop, c.ID)
	if err != nil {
		return "", false
	}
	if said := cases.BuyerTexts(events); len(said) > 0 {
		first = vocab.Clip(said[0], 40)
	}
	return first, c.Intent != string(intents.Complaint) && cases.Grieved(events)
}

// sortByTimeLeft puts live cases with a running deadline first, soonest first, then live
// ones without one (paused on the buyer), then the closed ones, latest first.
func sortByTimeLeft(cs []cases.Case) {
	rank := func(c *cases.Case) int {
		switch {
		case c.State.Live() && !c.Deadline.IsZero():
			return 0
		case c.State.Live():
			return 1
		}
		return 2
	}
	slices.SortStableFunc(cs, func(a, b cases.Case) int {
		ra, rb := rank(&a), rank(&b)
		if ra != rb {
			return cmp.Compare(ra, rb)
		}
		switch ra {
		case 0:
			return a.Deadline.Compare(b.Deadline)
		case 1:
			return a.OpenedAt.Compare(b.OpenedAt)
		}
		return b.UpdatedAt.Compare(a.UpdatedAt)
	})
}

// line is one entry of the transcript: what the buyer said or what they were told.
type line struct {
	Who   string // 买家, 店铺, 机器人
	Side  string // buyer or shop, for the bubble's side
	Text  string
	Image string // a /media link when the message was a picture
	At    time.Time
}

type eventRow struct {
	cases.Event
	KindName string
}

type alertRow struct {
	cases.Alert
	KindName  string
	StateName string
}

type caseView struct {
	page
	caseRow
	Amount     string
	Transcript []line
	Evidence   []string
	Events     []eventRow
	Alerts     []alertRow
	HandedOff  bool
	IsQuestion bool // an inbox question: answered, not approved or refused
	IsHuman    bool // a call for a person: answered or taken over, nothing to approve
	CanAct     bool // a merchant is configured for the shop
	FormNonce  string
	Waits      []option
	Misreads   []option // what the buyer really wanted, for 误判
}

// casePage shows one case with everything the merchant needs to decide on it.
func (b *Board) casePage(w http.ResponseWriter, r *http.Request) {
	shop, id := r.PathValue("shop"), r.PathValue("id")
	c, err := b.store.Case(r.Context(), shop, id)
	if errors.Is(err, cases.ErrNotFound) {
		b.errorPage(w, r, "没有这个售后单 / case not found", http.StatusNotFound)
		return
	}
	if err != nil {
		b.fail(w, r, "load case", err)
		return
	}
	v, err := b.caseView(r.Context(), r, c)
	if err != nil {
		b.fail(w, r, "load case "+id, err)
		return
	}
	v.Flash = b.takeFlash(w, r)
	b.render(w, r, http.StatusOK, "case", v)
}

func (b *Board) caseView(ctx context.Context, r *http.Request, c *cases.Case) (caseView, error) {
	v := caseView{page: b.page(r, c.ID+" "+intentName(c.Intent)), caseRow: b.row(*c, b.now()),
		IsQuestion: c.Intent == cases.IntentQuestion, IsHuman: c.Intent == string(intents.Human), CanAct: b.merchant(c.Shop) != "", FormNonce: rand.Text()}
	if c.AmountFen > 0 {
		v.Amount = fmt.Sprintf("¥%d.%02d", c.AmountFen/100, c.AmountFen%100)
	}
	events, err := b.store.Events(ctx, c.Shop, c.ID)
	if err != nil {
		return v, err
	}
	for _, e := range events {
		row := eventRow{Event: e, KindName: eventName(e.Kind)}
		row.Text = eventText(e)
		v.Events = append(v.Events, row)
		if l, ok := b.transcriptLine(e); ok {
			v.Transcript = append(v.Transcript, l)
			if l.Image != "" {
				v.Evidence = append(v.Evidence, l.Image)
			}
		}
	}
	alerts, err := b.store.Alerts(ctx, c.Shop, c.ID)
	if err != nil {
		return v, err
	}
	for _, a := range alerts {
		v.Alerts = append(v.Alerts, alertRow{Alert: a, KindName: alertName(a.Kind), StateName: alertStateName(a.State)})
	}
	h, err := b.store.Handoff(ctx, c.Shop, c.Buyer)
	if err != nil {
		return v, err
	}
	v.HandedOff = h == c.ID
	v.Misreads = append(v.Misreads, option{Value: "", Name: "买家其实没有售后请求"})
	for _, l := range intents.Labels() {
		if string(l) != c.Intent && l != intents.Other {
			v.Misreads = append(v.Misreads, option{Value: string(l), Name: "买家其实是想：" + l.Chinese()})
		}
	}
	for _, w := range []struct{ v, n string }{{"30m", "30分钟"}, {"1h", "1小时"}, {"2h", "2小时"}, {"4h", "4小时"}, {"1d", "1天"}} {
		v.Waits = append(v.Waits, option{Value: w.v, Name: w.n, Selected: w.v == "2h"})
	}
	return v, nil
}

func (b *Board) transcriptLine(e cases.Event) (line, bool) {
	l := line{Text: e.Text, At: e.At}
	switch {
	case e.Kind == cases.EventMessage:
		l.Who, l.Side = "买家", "buyer"
		if e.Media != "" {
			// Only a channel sets Media; the caption is what follows the kind mark.
			_, caption, _ := strings.Cut(e.Text, " ")
			l.Image, l.Text = "/media?path="+url.QueryEscape(e.Media), caption
		}
	case e.Kind == cases.EventReply && e.Actor == "merchant":
		l.Who, l.Side = "店铺", "shop"
	case e.Kind == cases.EventReply:
		l.Who, l.Side = "机器人", "shop"
	default:
		return l, false
	}
	return l, true
}

// stateChange shows a state event with the states in Chinese and its note. Events
// recorded before the typed columns existed have only their text.
func stateChange(e cases.Event) string {
	if e.From == "" || e.To == "" {
		return e.Text
	}
	out := e.From.Label() + " → " + e.To.Label()
	if _, note, ok := strings.Cut(e.Text, " "); ok && note != "" {
		out += " " + noteName(note)
	}
	return out
}

// noteName is a state change's note in Chinese where the code wrote a word of its own
// (bot: "released" when the merchant hands the buyer back); free text as recorded.
func noteName(note string) string {
	if note == "released" {
		return "（释放，交回机器人）"
	}
	return note
}

func eventName(kind string) string {
	switch kind {
	case cases.EventOpened:
		return "开单"
	case cases.EventMessage:
		return "买家消息"
	case cases.EventReply:
		return "回复买家"
	case cases.EventState:
		return "状态"
	case cases.EventAlert:
		return "提醒"
	case cases.EventMerchant:
		return "商家指令"
	case cases.EventPlatform:
		return "平台"
	case cases.EventNote:
		return "备注"
	case cases.EventUpdated:
		return "更新"
	}
	return kind
}

func alertName(kind string) string {
	switch kind {
	case cases.AlertNewCase:
		return "新售后"
	case cases.AlertWarn:
		return "临近截止"
	case cases.AlertOverdue:
		return "已超时"
	case cases.AlertComplaint:
		return "投诉"
	case cases.AlertReminder:
		return "稍后提醒"
	case cases.AlertBuyerCancelled:
		return "买家撤销"
	case cases.AlertBuyerReminder:
		return "提醒买家"
	case cases.AlertPlatformAuth:
		return "平台授权失效"
	case cases.AlertPlatformSync:
		return "平台同步失败"
	case cases.AlertFollowUp:
		return "买家追问"
	case cases.AlertGoodsBack:
		return "买家已寄回"
	case cases.AlertBuyerWithdrew:
		return "同意后买家不要了"
	case cases.AlertBuyerReplied:
		return "买家已回复"
	case cases.AlertBuyerSaid:
		return "接管中买家来消息"
	}
	return kind
}

func alertStateName(s cases.AlertState) string {
	switch s {
	case cases.AlertPending:
		return "待发送"
	case cases.AlertSending:
		return "发送中"
	case cases.AlertSent:
		return "已发送"
	case cases.AlertCancelled:
		return "已取消"
	}
	return string(s)
}

// fail logs an internal error and shows the merchant a plain message, never the chain.
func (b *Board) fail(w http.ResponseWriter, r *http.Request, doing string, err error) {
	b.log.Error("board: "+doing, "err", err)
	b.errorPage(w, r, "出错了，请稍后再试 / internal error", http.StatusInternalServerError)
}

// errorView is an error page: what went wrong in the merchant's words, and the way on.
type errorView struct {
	page
	Status  int
	Heading string
	Message string
}

// errorPage answers status with a page in the board's own look (issue 16, item 10: not
// bare text), saying msg and offering the way back: the list when logged in, else the
// login page. It needs no session and runs before any handler too (host, flood and
// cross-site checks); a JSON or image client gets the same small page.
func (b *Board) errorPage(w http.ResponseWriter, r *http.Request, msg string, status int) {
	v := errorView{page: b.page(r, statusName(status)), Status: status, Heading: statusName(status), Message: msg}
	b.render(w, r, status, "error", v)
}

// statusName is an HTTP status as a merchant would say it.
func statusName(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "请求有误"
	case http.StatusUnauthorized:
		return "请先登录"
	case http.StatusForbidden:
		return "不能这样操作"
	case http.StatusNotFound:
		return "找不到"
	case http.StatusRequestEntityTooLarge:
		return "内容太长"
	case http.StatusUnsupportedMediaType:
		return "不是图片"
	case http.StatusMisdirectedRequest:
		return "地址不对"
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return "太忙了"
	}
	return "出错了"
}
