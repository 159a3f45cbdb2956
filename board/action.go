package board

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/aftersale/aftersale/bot"
	"github.com/aftersale/aftersale/cases"
)

// verbs are the chat commands the board offers, and whether each takes text after it.
var verbs = map[string]bool{
	"同意": false, "接管": false, "释放": false,
	"拒绝": true, "稍后": true, "备注": true, "回复": true, "等买家": true,
}

// formNonce is the shape of the nonce each rendered action form carries (crypto/rand.Text).
var formNonce = regexp.MustCompile(`^[A-Z2-7]{26}$`)

// maxFlash keeps the flash cookie well under browsers' 4 KB limit.
const maxFlash = 1000

// action sends one form as the shop's merchant typing the command in chat, delivers
// what the engine replied, and shows the merchant's reply on the case page.
func (b *Board) action(w http.ResponseWriter, r *http.Request) {
	shop, id := r.PathValue("shop"), r.PathValue("id")
	back := "/case/" + url.PathEscape(shop) + "/" + url.PathEscape(id)
	merchant := b.merchant(shop)
	if merchant == "" {
		http.Error(w, "这个店铺没有配置商家账号 / no merchant for this shop", http.StatusNotFound)
		return
	}
	c, err := b.store.Case(r.Context(), shop, id)
	if errors.Is(err, cases.ErrNotFound) {
		http.Error(w, "没有这个售后单 / case not found", http.StatusNotFound)
		return
	}
	if err != nil {
		b.fail(w, "load case", err)
		return
	}
	verb := r.PostForm.Get("verb")
	takesArg, ok := verbs[verb]
	if !ok {
		http.Error(w, "不认识的操作 / unknown action", http.StatusBadRequest)
		return
	}
	text := c.ID + " " + verb
	if arg := strings.TrimSpace(r.PostForm.Get("arg")); takesArg && arg != "" {
		text += " " + arg
	}
	m := bot.Message{Shop: shop, From: merchant, Name: "网页看板", Kind: bot.KindText, Text: text, At: b.now()}
	// The nonce rides as the message id, so the engine's own dedupe drops a form sent
	// twice (a double tap, a resubmitted page) instead of acting twice.
	if n := r.PostForm.Get("nonce"); formNonce.MatchString(n) {
		m.ID = "board:" + n + ":" + verb
	}
	flash := b.run(r.Context(), m, c)
	b.setFlash(w, sessionOf(r), clip(flash, maxFlash))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// run handles and delivers one command and returns what to tell the merchant.
func (b *Board) run(ctx context.Context, m bot.Message, c *cases.Case) string {
	log := b.log.With("shop", m.Shop, "case_id", c.ID)
	replies, err := b.engine.Handle(ctx, m)
	if err != nil {
		log.Error("board: handle merchant command", "err", err)
	}
	if err == nil && len(replies) == 0 {
		return "这个操作已经提交过了。"
	}
	if err == nil {
		if rerr := b.recordBuyerReplies(ctx, c, replies); rerr != nil {
			log.Error("board: record replies to buyer", "err", rerr)
		}
	}
	var own []string
	for _, rp := range replies {
		if rp.To == m.From {
			own = append(own, rp.Text)
		}
	}
	if derr := b.engine.Deliver(ctx, replies); derr != nil {
		log.Error("board: deliver replies", "err", derr)
		own = append(own, "⚠️ 消息暂时没发出去，重启后会补发。")
	}
	if len(own) == 0 && err != nil {
		return "操作没有完成，请稍后再试。"
	}
	return strings.Join(own, "\n")
}

// recordBuyerReplies adds what the buyer was told to the case's transcript. The engine
// logs a merchant's own 回复 but not the templated replies (approved, rejected…), and the
// transcript is the merchant's evidence of what the buyer was promised.
func (b *Board) recordBuyerReplies(ctx context.Context, c *cases.Case, replies []cases.Reply) error {
	var toBuyer []cases.Reply
	for _, rp := range replies {
		if rp.To == c.Buyer && rp.ID != 0 {
			toBuyer = append(toBuyer, rp)
		}
	}
	if len(toBuyer) == 0 {
		return nil
	}
	events, err := b.store.Events(ctx, c.Shop, c.ID)
	if err != nil {
		return err
	}
	return b.store.Update(ctx, func(tx *cases.Tx) error {
		for _, rp := range toBuyer {
			if alreadyLogged(events, rp.Text) {
				continue
			}
			if err := tx.AddEvent(cases.Event{Shop: c.Shop, CaseID: c.ID, Kind: cases.EventReply, Actor: "bot", Text: rp.Text}); err != nil {
				return err
			}
		}
		return nil
	})
}

// alreadyLogged reports whether the engine itself logged this reply after the latest
// merchant command (it does for 回复), so the transcript shows it once.
func alreadyLogged(events []cases.Event, text string) bool {
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Kind == cases.EventMerchant {
			return false
		}
		if e.Kind == cases.EventReply && e.Text == text {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
