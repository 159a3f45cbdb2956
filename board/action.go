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

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
