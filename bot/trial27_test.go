package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/bot"
)

// Trial 27: a request the merchant agreed to and then closed ("A1 关闭 新鞋已寄出") was
// the buyer's own order; a stranger who types its number afterwards is refused, as while
// the case was open — they got its tracking and opened a return on it.
func TestOrderStaysWithItsBuyerAfterAnAgreedCaseCloses(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "杯子碎了 想换一个 "+cupOrder), "A1")
	h.say(merchant, "A1 同意 直接给您补发")
	h.say(merchant, "A1 关闭 新杯子已寄出")
	h.firedTexts()
	got := h.say("陌生人", cupOrder+" 物流到哪了")
	mustContain(t, got, "已由其他账号登记")
	mustLack(t, got, "a stranger saw the order's tracking", "已签收", "中通")
	mustContain(t, h.say("陌生人", "这单我要退货退款"), "订单号")
	if n := caseCount(t, h); n != 1 {
		t.Fatalf("%d cases, want only the buyer's A1", n)
	}
}

// Trial 27: "扫地机器人充不进电了 是不是坏了" is about the goods, not who answers — it got
// the bot's self-introduction and nothing else; "叫个人来" asks for a person.
func TestGoodsNamedRobotAreNoQuestionOfWhoAnswers(t *testing.T) {
	h := newHarness(t)
	got := h.say(buyer, "扫地机器人充不进电了 是不是坏了")
	mustLack(t, got, "the goods were taken for a question about the bot", "智能客服")
	got = h.say("小王", "这机器不转了 咋回事")
	mustLack(t, got, "the goods were taken for a question about the bot", "智能客服")
	got = h.say("老张", "你们是不是机器人 叫个人来")
	if !strings.Contains(joined(got), "店主") && !strings.Contains(joined(got), "人工") {
		t.Fatalf("a person asked for got %q", got)
	}
	mustLack(t, got, "a person asked for got the self-introduction", "我是")
}

// Trial 27: a missing part stated alone offers 补发 first, named so: the menu put 退款
// first, and a buyer who answered 1 got a refund nobody meant.
func TestMissingPartMenuOffersResendFirst(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "你好我只收到一盒 "+cupOrder), "1. 补发")
	mustContain(t, h.say(buyer, "1"), "补发", "A1")
	if c := h.mustCase("A1"); c.Intent != "exchange" {
		t.Fatalf("A1 is %s, want exchange (补发)", c.Intent)
	}
}

// Trial 27: swelling after a face cream ("现在肿起来了 眼睛都肿了") is harm: health first
// to the buyer and an urgent complaint to the merchant, not one more inbox line.
func TestSwellingIsHarm(t *testing.T) {
	h := newHarness(t)
	got := h.say(buyer, "面霜用了 现在肿起来了 眼睛都肿了")
	mustContain(t, got, "就医")
	mustContain(t, h.firedTexts(), "身体受到伤害")
}

// Trial 27: a phone left with a question waiting for the merchant, or with nothing open,
// reaches the merchant with the buyer's words; "电话记下了" had kept it nowhere.
func TestPhoneLeftReachesTheMerchant(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "我孙女给我买的按摩仪 这个怎么调档位啊"), "Q1")
	h.firedTexts()
	got := h.say(buyer, "你们打电话给我吧 我电话是13600001234")
	mustContain(t, got, "Q1")
	mustContain(t, h.transcript("Q1"), "13600001234", "按摩仪")

	h2 := newHarness(t)
	got = h2.say(buyer, "我电话13600001234 打给我")
	mustContain(t, got, "转告店主")
	mustContain(t, h2.firedTexts(), "13600001234")
}

// Trial 27: with a repair waiting for the buyer's video, "视频怎么发给您？这里好像只能发图片"
// reaches the merchant (it was kept quietly, the case still shown waiting on the buyer),
// and invoice details for a question elsewhere are not kept on the repair.
func TestWaitingCaseHearsTheBuyerCannotSendIt(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "杯子有裂纹 想换一个 "+cupOrder), "A1")
	h.say(merchant, "A1 等买家 请拍一段漏水的视频发过来")
	h.firedTexts()
	h.say(buyer, "好的，视频怎么发给您？这里好像只能发图片")
	mustContain(t, h.firedTexts(), "买家已回复 A1", "只能发图片")
	h.say(merchant, "A1 等买家 那拍几张照片也行")
	h.firedTexts()
	h.say(buyer, "抬头：某某市第三中学 税号：12345678901234567X")
	mustLack(t, h.transcript("A1"), "invoice details were kept on the exchange", "税号")
	mustContain(t, h.firedTexts(), "税号")
}

// Trial 27: "俺压根没收着啊" beside a tracking that says delivered is a parcel not
// received, for the merchant to check with the courier — not the 已签收 shown again.
func TestDeliveredButNotReceivedInDialect(t *testing.T) {
	h := newHarness(t)
	h.say(buyer, "老铁 俺那快递咋显示签收了 俺压根没收着啊")
	got := h.say(buyer, cupOrder)
	mustContain(t, got, "核实")
	mustContain(t, h.firedTexts(), "没收着")
}

// Trial 27: a question asked instead of choosing a remedy carries the problem told to the
// menu: the item held only "我就想问问这正常吗", and the merchant had to ask which goods.
func TestQuestionToTheMenuCarriesTheProblem(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "姐妹 你家面霜用了脸上起红疹了😭"), "回复数字")
	got := h.say(buyer, "我不要退款 我就想问问这正常吗 是不是要建立耐受")
	mustContain(t, got, "Q1")
	mustContain(t, h.transcript("Q1"), "面霜", "这正常吗")
	mustContain(t, h.firedTexts(), "面霜")
}

// Trial 27: "凭什么 我要投诉你们" after the refusal's reason was asked is a threat: the
// merchant hears it at once, marked 【升级】, and the buyer is told so — it got the reason
// again and no alert (the follow-up a moment before muted it).
func TestThreatAfterARefusalIsAlerted(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "杯子碎了 我要退款 "+cupOrder), "A1")
	h.say(merchant, "A1 拒绝 需要先寄回检测")
	h.takeAlerts()
	mustContain(t, h.say(buyer, "为啥拒绝啊"), "需要先寄回检测")
	mustContain(t, h.firedTexts(), "追问 A1")
	got := h.say(buyer, "凭什么 我要投诉你们")
	mustContain(t, got, "加急")
	mustLack(t, got, "the refusal's reason said again to a threat", "拒绝的原因")
	mustContain(t, h.firedTexts(), "【升级】", "投诉 A1", "我要投诉你们")
}

// Trial 27: an order number alone that the order book does not have is said not found at
// once, not "收到订单号～ 请问要办理什么" and "没有查到" only after the buyer chose; sent
// again, the buyer is sure of it and is asked what for.
func TestUnknownOrderNumberAloneIsNotFoundAtOnce(t *testing.T) {
	h := newHarness(t)
	const unknown = "4705288465508532863"
	got := h.say(buyer, unknown)
	mustContain(t, got, "没有查到")
	mustLack(t, got, "a number the book does not have was taken", "收到订单号")
	h.advance(2 * time.Minute) // (the same text at once is taken for a duplicate delivery)
	mustContain(t, h.say(buyer, unknown), "回复数字")
}

// Trial 27: "你们机器人能不能有点用" is done with the bot: a person is called, not the
// self-introduction telling the buyer to type 转人工.
func TestFedUpWithTheBotGetsAPerson(t *testing.T) {
	h := newHarness(t)
	got := h.say(buyer, "你们机器人能不能有点用")
	mustContain(t, got, "真人")
	mustLack(t, got, "the self-introduction to a fed-up buyer", "智能客服")
	mustContain(t, h.firedTexts(), "转人工")
}

// Trial 27: a photo sent after the problem was told and the remedies asked is kept for
// the request the choice makes, and the buyer is not asked to type the problem again.
func TestPhotoToTheRemediesIsKept(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "杯子到了 把手断了一根"), "回复数字")
	got := h.send(bot.Message{Shop: shopID, From: buyer, Name: buyer, Kind: bot.KindImage, Media: "media/b.jpg"})
	mustLack(t, got, "the problem asked again after it was told", "遇到了什么问题")
	mustContain(t, got, "回复上面的数字")
	h.say(buyer, "3")
	mustContain(t, h.say(buyer, cupOrder), "A1")
	mustContain(t, h.transcript("A1"), "把手断了")
	if tr := joined(h.transcript("A1")); !strings.Contains(tr, "图片") && !strings.Contains(tr, "media/b.jpg") {
		t.Fatalf("the photo is not on A1: %q", tr)
	}
}

// Trial 28: "A1 误判 撤销" on a case opened in error does not teach that a fault told
// ("台灯不亮") or a remedy asked takes something back: the next buyer who says so is
// not told they have no case.
func TestMisreadAsCancelLearnsNoFault(t *testing.T) {
	h := newHarness(t)
	h.say(buyer, "我有两个单子 4705288465508532862 杯子碎了 还有3856123456789012台灯不亮")
	h.say(buyer, "杯子换货 台灯退款")
	h.mustCase("A1")
	h.say(merchant, "A1 误判 撤销")
	got := h.say("小李", "台灯不亮")
	mustLack(t, got, "a fault was learned as a withdrawal", "没有进行中的售后单")
	got = h.say("小张", "杯子换货 台灯退款")
	mustLack(t, got, "a remedy was learned as a withdrawal", "没有进行中的售后单")
}

// Trial 28: "取消吧" right after the buyer withdrew their refund says the withdrawal
// again: no new refund (取消订单) is opened on it.
func TestCancelSaidAgainOpensNothing(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "四件套不要了 退款吧 4705290012345678901"), "A1")
	mustContain(t, h.say(buyer, "哦哦 快递员说明天到 那不退了"), "撤销")
	h.takeAlerts()
	mustContain(t, h.say(buyer, "取消吧"), "已为您撤销")
	if n := caseCount(t, h); n != 1 {
		t.Fatalf("%d cases after 取消吧, want only the withdrawn A1", n)
	}
}

// Trial 28: the merchant who writes the return address when agreeing ("A1 同意 寄回 浙江
// 省义乌市…") is the one the buyer is given, then and when asking again — not the shop's
// configured address beside it.
func TestMerchantsReturnAddressWins(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "台灯颜色不喜欢 想退货 3856123456789012"), "A1")
	got := joined(h.say(merchant, "A1 同意 寄回 浙江省义乌市稠城街道100号 小满 13900000000 不要到付"))
	mustContain(t, []string{got}, "已同意")
	told := joined(h.sentTo(buyer))
	mustContain(t, []string{told}, "义乌市稠城街道100号")
	mustLack(t, []string{told}, "a second address beside the merchant's", "文一西路")
	got = joined(h.say(buyer, "寄回地址再发我一下"))
	mustContain(t, []string{got}, "义乌市稠城街道100号")
	mustLack(t, []string{got}, "the configured address against the merchant's", "文一西路")
}

// Trial 28: a new fault told on a case agreed a moment ago reaches the merchant, though a
// follow-up on it was alerted just before (it was kept quietly).
func TestNewFaultOnADecidedCaseIsAlerted(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "杯子碎了一个 退一个的钱 "+cupOrder), "A1")
	h.say(merchant, "A1 同意 退您一个杯子的钱")
	h.takeAlerts()
	h.say(buyer, "你好 我那个退款到账了没有 怎么还没看到")
	h.firedTexts()
	h.say(buyer, "还有那个杯垫也裂了一道缝")
	mustContain(t, h.firedTexts(), "杯垫也裂了")
}

// Trials 27, 28: more words to a question while the shop is closed hear when it opens,
// not "稍等" at midnight.
func TestMoreToAQuestionAtNightSaysWhenTheShopOpens(t *testing.T) {
	h := newHarness(t)
	h.clock.Add(14 * time.Hour) // 00:00 in Beijing
	mustContain(t, h.say(buyer, "保温杯能装中药吗"), "Q1", "店主现在休息")
	h.advance(5 * time.Minute) // (at once, a fragment joins the question quietly)
	got := h.say(buyer, "是熬好的中药 放凉了再装")
	mustContain(t, got, "Q1", "店主现在休息")
	mustLack(t, got, "稍等 at midnight", "稍等")
}

// Trial 28: a number mistyped for a complaint opened before its order is said not found,
// not put on the case; "打错了 <the right one>" then gives the case its order.
func TestMistypedOrderForAnOrderlessCase(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "什么破店 台灯用一次就坏了 我要投诉"), "A1")
	mustContain(t, h.say(buyer, "385612345678901"), "没有查到")
	if c := h.mustCase("A1"); c.OrderID != "" {
		t.Fatalf("A1 took the number mistyped: %q", c.OrderID)
	}
	h.say(buyer, "打错了 3856123456789012")
	if c := h.mustCase("A1"); c.OrderID != "3856123456789012" {
		t.Fatalf("A1 order %q after the correction, want 3856123456789012", c.OrderID)
	}
}

// Trial 28: "我要求退一赔三" is registered as a refund with the compensation said to be
// the merchant's to decide — "已为您登记退款" alone read as the 赔三 granted.
func TestCompensationAskedIsTheMerchantsToDecide(t *testing.T) {
	h := newHarness(t)
	got := h.say(buyer, "保温杯根本不保温 我要求退款 退一赔三 4705291198765432100")
	mustContain(t, got, "赔偿要求", "店主核实")
}

// Trial 28: "算了算了别退了 还是给我发吧 今天能发不" withdraws the refund and answers the
// question about the parcel from the order — the question went with the withdrawal.
func TestWithdrawalWithAShippingQuestion(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "保温杯不想要了 退款吧 4705291198765432100"), "A1")
	h.takeAlerts()
	got := h.say(buyer, "算了算了别退了 还是给我发吧 今天能发不")
	mustContain(t, got, "已为您撤销", "暂未发出")
}

// Trial 28: the 已寄回 alert for a repair says the next step is mending and sending back,
// not "退款或寄出新的".
func TestGoodsBackForARepairSaysMendIt(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "台灯开关坏了 能修吗 3856123456789012"), "A1")
	h.say(merchant, "A1 同意 寄回来我们修")
	h.takeAlerts()
	h.say(buyer, "寄出去了 顺丰SF1234567890123")
	fired := h.firedTexts()
	mustContain(t, fired, "已寄回 A1", "修好后寄回")
	mustLack(t, fired, "a repair's next step told as a refund", "退款或寄出新的")
}

// Trial 29: "算了不换了 直接退钱吧" while the exchange waits for the buyer's photo changes
// the request, as on any live case — it was kept as words on the exchange, which stayed one.
func TestRequestChangedWhileTheCaseWaitsForTheBuyer(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "眼罩颜色发错了 想换一个 215678901234567890"), "A1")
	h.say(merchant, "A1 等买家 请拍个照片")
	h.takeAlerts()
	mustContain(t, h.say(buyer, "算了不换了 直接退钱吧 眼罩我不要了"), "已改为退款")
	if c := h.mustCase("A1"); c.Intent != "refund" || c.State == "waiting_buyer" {
		t.Fatalf("A1 is %s %s, want a refund back with the merchant", c.Intent, c.State)
	}
	mustContain(t, h.firedTexts(), "改为退款")
}

// Trial 29: chasing an open request ("怎么还没人理我", "我那个单子呢") is about it: the
// grievance joins it and the merchant hears it at once, the bare ask is answered from it —
// each opened an inbox item beside the case.
func TestChasingAnOpenRequestStaysOnIt(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "眼罩颜色发错了 想换一个 215678901234567890"), "A1")
	h.takeAlerts()
	mustContain(t, h.say(buyer, "怎么还没人理我"), "A1")
	mustContain(t, h.firedTexts(), "投诉 A1", "怎么还没人理我")
	h.advance(10 * time.Minute)
	mustContain(t, h.say(buyer, "我那个单子呢"), "A1", "等店主处理")
	if n := caseCount(t, h); n != 1 {
		t.Fatalf("%d cases, want only A1", n)
	}
}

// Trial 29: "啥意思 我不会" to "回复 1 撤销 / 2 不撤销" is asked again in plain words, the
// question standing — it became an inbox item and the withdrawn refund stayed open.
func TestPuzzledByTheCancelConfirmationIsAskedPlainly(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "保温杯不想要了 退款 4705291198765432100"), "A1")
	got := joined(h.say(buyer, "哎不对 我孙子说还是要 别退了"))
	if !strings.Contains(got, "回复 1 撤销") {
		t.Fatalf("no confirmation asked: %q", got)
	}
	mustContain(t, h.say(buyer, "啥意思 我不会"), "还要不要办", "A1")
	mustContain(t, h.say(buyer, "1"), "已为您撤销")
}

// Trial 29: "A1 误判 物流" on a refund asked in so many words ("不要了 退款") does not teach
// it as a delivery question: the next buyer's "不要了 退款" is a refund.
func TestMisreadAsLogisticsLearnsNoExplicitRefund(t *testing.T) {
	h := newHarness(t)
	h.say(buyer, "台灯物流咋三天没动了 3856123456789012")
	mustContain(t, h.say(buyer, "不要了 退款"), "A1")
	h.say(merchant, "A1 误判 物流")
	got := h.say("测试丁", "不要了 退款")
	mustLack(t, got, "an explicit refund was learned as a delivery question", "查物流")
}

// Replay "two-orders-return-and-repair": with a return on the bedding and a repair on the
// lamp named last, "被套我明天寄回" is about the return — the bedding is what the buyer
// names, though the order's title ("加厚珊瑚绒四件套") shares no word with 被套. It opened
// a second return on the lamp.
func TestGoodsNamedByKindFindTheirCase(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "四件套颜色和图片差太多了 想退货 4705290012345678901"), "A1")
	h.advance(3 * time.Minute)
	mustContain(t, h.say(buyer, "还有个台灯不亮了 帮我修一下 3856123456789012"), "A2")
	h.advance(3 * time.Minute)
	got := h.say(buyer, "被套我明天寄回")
	mustContain(t, got, "A1")
	if n := caseCount(t, h); n != 2 {
		t.Fatalf("%d cases, want A1 and A2 only: %s", n, got)
	}
}

// "杯子换货 台灯退款 <mug's order> <lamp's order>": a remedy for each goods, on the order
// whose title holds it — read whole, the exchange went on both orders.
func TestTwoGoodsTwoRemediesTwoOrders(t *testing.T) {
	h := newHarness(t)
	got := h.say(buyer, "杯子换货 台灯退款 4705288465508532862 3856123456789012")
	mustContain(t, got, "A1", "A2")
	for id, want := range map[string][2]string{"A1": {"exchange", "4705288465508532862"}, "A2": {"refund", "3856123456789012"}} {
		if c := h.mustCase(id); c.Intent != want[0] || c.OrderID != want[1] {
			t.Errorf("%s is %s on %s, want %s on %s", id, c.Intent, c.OrderID, want[0], want[1])
		}
	}
	// One remedy for both goods stays the request's own way of taking several orders.
	h2 := newHarness(t)
	h2.say(buyer, "杯子和台灯都退款 4705288465508532862 3856123456789012")
	if c := h2.mustCase("A2"); c.Intent != "refund" {
		t.Errorf("A2 is %s, want refund", c.Intent)
	}
}

// "我有两单 <mug> <lamp>" gives the orders for what comes next: the menu for both (it got
// the FAQ's "两个订单可以合并发货"), one remedy chosen is for both, and "杯子换货 台灯退款"
// after them puts each remedy on its goods' order (the exchange went on the mug alone).
func TestOrdersGivenFirstThenARemedyEach(t *testing.T) {
	h := newHarness(t)
	got := h.say(buyer, "我有两单 4705288465508532862 3856123456789012")
	mustContain(t, got, "4705288465508532862、3856123456789012", "1. 退款")
	mustLack(t, got, "orders given, nothing asked", "合并")
	mustContain(t, h.say(buyer, "1"), "A1", "A2")

	h2 := newHarness(t)
	h2.say(buyer, "我有两单 4705288465508532862 3856123456789012")
	h2.advance(time.Minute)
	mustContain(t, h2.say(buyer, "杯子换货 台灯退款"), "A1", "A2")
	for id, want := range map[string][2]string{"A1": {"exchange", "4705288465508532862"}, "A2": {"refund", "3856123456789012"}} {
		if c := h2.mustCase(id); c.Intent != want[0] || c.OrderID != want[1] {
			t.Errorf("%s is %s on %s, want %s on %s", id, c.Intent, c.OrderID, want[0], want[1])
		}
	}
}

// The remedies menu is asked once per problem: "台灯不亮了" told again after the menu,
// the order and a tracking asked in between, is the buyer wanting the shop to look into it —
// a person takes it with their words, not the same menu a second time (replayed real chat).
func TestProblemToldAgainIsNotMenuedTwice(t *testing.T) {
	h := newHarness(t)
	mustContain(t, h.say(buyer, "你好 台灯不亮了"), "1. 退款")
	h.advance(time.Minute)
	h.say(buyer, "订单号:3856123456789012")
	h.advance(time.Minute)
	h.say(buyer, "你帮我查一下物流")
	h.advance(3 * time.Minute)
	h.takeAlerts()
	got := h.say(buyer, "台灯不亮了")
	mustLack(t, got, "the same menu a second time", "1. 退款", "回复数字")
	mustContain(t, h.firedTexts(), "台灯不亮了")
}
