package board_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
)

// The board lists buyers waiting for an answer above the cases, longest wait first, and
// a question is answered from its page (no 同意/拒绝 on it).
func TestQuestionsWaitOnTop(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "你们家保温杯能刻字吗 想送人")
	e.clock.Add(4 * time.Minute)
	e.say("另一位买家", "请问你们实体店在哪里")
	e.say("第三位买家", "退款 "+cupOrder)
	c := e.client()
	c.login()
	page := c.get("/").Body
	questions := between(page, `id="questions"`, "</table>")
	first, second := strings.Index(questions, "Q1"), strings.Index(questions, "Q2")
	if first < 0 || second < 0 || first > second || !strings.Contains(questions, "刻字") || !strings.Contains(questions, "4分钟") {
		t.Fatalf("待回复 list %q, want Q1 (waited 4 分钟, its words) before Q2", questions)
	}
	if strings.Contains(questions, "A1") || !strings.Contains(between(page, `id="cases"`, "</table>"), "A1") {
		t.Fatal("the refund case is not in the cases table, or is among the questions")
	}
	casePage := c.get("/case/demo/Q1").Body
	if strings.Contains(casePage, `id="approve"`) || !strings.Contains(casePage, `id="answer"`) {
		t.Fatal("a question's page offers 同意 or lacks the reply form")
	}
	form := url.Values{"csrf": {csrfInput.FindStringSubmatch(casePage)[1]}, "nonce": {nonceInput.FindStringSubmatch(casePage)[1]}, "verb": {"回复"}, "arg": {"可以刻字，下单备注内容就行"}}
	c.post("/case/demo/Q1/action", form)
	told := e.sentTo(buyer)
	if told[len(told)-1] != "可以刻字，下单备注内容就行" {
		t.Fatalf("buyer got %q, want the merchant's answer", told[len(told)-1])
	}
	if q := e.mustCase("Q1"); q.State != cases.StateResolved {
		t.Fatalf("Q1 is %s after the answer, want resolved", q.State)
	}
	if strings.Contains(between(c.get("/").Body, `id="questions"`, "</table>"), "Q1") {
		t.Fatal("an answered question is still 待回复")
	}
}

// The box under an inbox reply saves the answer as an FAQ entry, as "+问答" does in chat:
// the next buyer who asks the same is answered at once.
func TestInboxReplySavedAsFAQ(t *testing.T) {
	e := newEnv(t)
	e.say(buyer, "你们家保温杯能刻字吗")
	c := e.client()
	c.login()
	page := c.get("/case/demo/Q1").Body
	if !strings.Contains(page, `name="faq"`) {
		t.Fatal("the reply form lacks the save-as-FAQ box")
	}
	form := url.Values{"csrf": {csrfInput.FindStringSubmatch(page)[1]}, "nonce": {nonceInput.FindStringSubmatch(page)[1]},
		"verb": {"回复"}, "arg": {"可以刻字，下单时备注内容"}, "faq": {"1"}}
	c.post("/case/demo/Q1/action", form)
	if cmds := e.spy.commands(); len(cmds) != 1 || !strings.HasSuffix(cmds[0], "+问答") {
		t.Fatalf("engine got %q, want the reply with +问答", cmds)
	}
	told := e.sentTo(buyer)
	if told[len(told)-1] != "可以刻字，下单时备注内容" {
		t.Fatalf("buyer got %q, want the answer without the mark", told[len(told)-1])
	}
	e.say("另一位买家", "你们家保温杯能刻字吗")
	if got := e.sentTo("另一位买家"); len(got) == 0 || !strings.Contains(got[len(got)-1], "可以刻字") {
		t.Fatalf("the next buyer got %q, want the saved answer", got)
	}
}
