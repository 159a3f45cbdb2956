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
	"github.com/aftersale/aftersale/vocab"
)

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
		b.errorPage(w, r, "这个店铺没有配置商家账号 / no merchant for this shop", http.StatusNotFound)
		return
	}
	c, err := b.store.Case(r.Context(), shop, id)
	if errors.Is(err, cases.ErrNotFound) {
		b.errorPage(w, r, "没有这个售后单 / case not found", http.StatusNotFound)
		return
	}
	if err != nil {
		b.fail(w, r, "load case", err)
		return
	}
	verb := r.PostForm.Get("verb")
	if v, ok := vocab.LookupVerb(verb); !ok || !v.Board {
		b.errorPage(w, r, "不认识的操作 / unknown action", http.StatusBadRequest)
		return
	}
	// The engine checks the command as it checks a typed one and answers a hint.
	cmd := bot.Command{CaseID: c.ID, Verb: verb, Arg: strings.TrimSpace(r.PostForm.Get("arg"))}
	if r.PostForm.Get("faq") == "1" && verb == vocab.Reply && cmd.Arg != "" && !strings.HasSuffix(cmd.Arg, vocab.SaveFAQ) {
		// The box under an inbox reply: what "Q7 回复 文字 +问答" does in chat, which
		// the board had no way to say (trial 21).
		cmd.Arg += " " + vocab.SaveFAQ
	}
	if needsConfirm(cmd) && r.PostForm.Get("confirm") != "1" {
		// A decision the buyer and the platform hear of, and that cannot be taken back:
		// one more page to confirm it, which works without JavaScript (issue 16, item 10).
		b.confirmPage(w, r, c, cmd, r.PostForm.Get("nonce"))
		return
	}
	// The nonce identifies the form, so the engine's own dedupe drops a form sent twice
	// (a double tap, a resubmitted page) instead of acting twice.
	var formID string
	if n := r.PostForm.Get("nonce"); formNonce.MatchString(n) {
		formID = "board:" + n + ":" + verb
	}
	flash := b.run(r.Context(), shop, merchant, formID, cmd)
	b.setFlash(w, r, sessionOf(r), vocab.Clip(flash, maxFlash))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// run carries out one command and returns what to tell the merchant.
func (b *Board) run(ctx context.Context, shop, merchant, id string, cmd bot.Command) string {
	log := b.log.With("shop", shop, "case_id", cmd.CaseID)
	out, err := b.engine.Act(ctx, shop, merchant, id, cmd)
	if err != nil {
		log.Error("board: merchant command", "err", err)
	}
	if out.Repeat {
		return "这个操作已经提交过了。"
	}
	own := out.Said
	if err != nil && len(own) > 0 {
		own = append(own, "⚠️ 消息暂时没发出去，重启后会补发。")
	}
	if len(own) == 0 && err != nil {
		return "操作没有完成，请稍后再试。"
	}
	return strings.Join(own, "\n")
}

// needsConfirm reports a command the board asks to confirm first: 同意, and 拒绝 with its
// reason (without one the engine's hint asks for it, and nothing happens).
func needsConfirm(cmd bot.Command) bool {
	return cmd.Verb == vocab.Approve || cmd.Verb == vocab.Reject && cmd.Arg != ""
}

// confirmView is the page between a 同意/拒绝 button and the command: what will happen,
// and the same form again with confirm=1.
type confirmView struct {
	page
	caseRow
	Verb, Arg, FormNonce string
	Reject               bool
	Synced               bool // the decision goes to a platform too
}

func (b *Board) confirmPage(w http.ResponseWriter, r *http.Request, c *cases.Case, cmd bot.Command, nonce string) {
	if !formNonce.MatchString(nonce) {
		nonce = ""
	}
	v := confirmView{page: b.page(r, "确认"+cmd.Verb+" "+c.ID), caseRow: b.row(*c, b.now()), Verb: cmd.Verb, Arg: cmd.Arg,
		FormNonce: nonce, Reject: cmd.Verb == vocab.Reject, Synced: c.Platform != "" && c.Platform != "manual"}
	b.render(w, r, http.StatusOK, "confirm", v)
}
