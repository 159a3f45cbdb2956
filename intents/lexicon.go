package intents

import "sync"

// pattern is a word to look for in a normalised text, pre-decoded so matching compares
// runes, with a signature (a 64-bit set of its runes' low bits) so most words are ruled
// out with one AND before any scan.
type pattern struct {
	r   []rune
	sig uint64
}

func newPattern(s string) pattern {
	p := pattern{r: []rune(s)}
	for _, r := range p.r {
		p.sig |= runeBit(r)
	}
	return p
}

// runeBit is a rune's bit in a text or pattern signature.
func runeBit(r rune) uint64 { return 1 << (uint32(r) * 0x9E3779B1 >> 26) }

func patterns(words ...string) []pattern {
	ps := make([]pattern, len(words))
	for i, w := range words {
		ps[i] = newPattern(w)
	}
	return ps
}

// typoFix is a misspelling and its fix, the same number of runes, so it is fixed in place.
type typoFix struct {
	from pattern
	to   []rune
}

// reasonPattern is a phrase that states a reason.
type reasonPattern struct {
	pattern
	reason Reason
}

// lexiconTables are the fixed word lists the normaliser, the rule layer and the reason
// extractor use. Built once on first use and never changed after, so shared freely.
type lexiconTables struct {
	trad       []rune // traditional→simplified, see buildTrad
	typos      []typoFix
	threats    []pattern
	negators   []pattern
	retractV   []pattern // verbs of withdrawing: 撤销 …
	retractP   []pattern // phrases of withdrawing: 取消退款 …
	cancelsOrd []pattern
	// priceProtect, priceDrop, priceAsk and priceBefore read a 价保 request (rules.go).
	priceProtect, priceDrop, priceAsk, priceBefore []pattern
	// 取消 a few characters before what it withdraws ("取消一下我的退款申请"); an order
	// named first makes it 取消订单 (a refund).
	cancelVerb pattern
	futility   []pattern // "也没用" after a threat word: not a threat
	dropped    []pattern // "算了" a few words after a threat word ("投诉那个算了"): taken back
	reviewBack []pattern // "改成好评" a few words after 差评: the review taken back (rules.go)
	// aboutOthers before a threat word, aboutAfter right after it: the word tells of
	// others' reviews or complaints ("看到有差评", "朋友说差评来着", "差评多吗",
	// "有人投诉过吗"), no threat of the buyer's
	aboutOthers, aboutAfter []pattern
	cancelled               []pattern
	orderWords              []pattern
	refundReq               []pattern
	returnReq               []pattern
	exchangeReq             []pattern
	sendsBack               []pattern
	// A buyer denying they asked for something ("我没申请退款啊"): the verb of asking,
	// negated, and the after-sale word it governs a few characters on.
	denials    []pattern
	grievances []pattern
	// accountDemands ask the shop to answer for what happened ("我就是要个说法"), and
	// remedyRefusals turn a remedy down ("不要你们退钱", "不稀罕你们赔"): together, a
	// complaint whatever money word the message holds (rules.go, refusesRemedy).
	accountDemands, remedyRefusals []pattern
	sizeSwaps                      []pattern
	harms                          []pattern
	bodyHarms                      []pattern // harm told, no grievance by itself
	remedyWords                    []pattern
	postpones                      []pattern
	denialObjs                     []pattern
	// Delivery details a buyer changes with 换 ("电话换一个", "换个地址"): not goods swapped.
	contacts []pattern
	// moneyCame tells the refund arrived ("收到退款了", "钱到账了"); moneyDoubt around it
	// makes it a question or a problem still ("到账了吗", "只退了一半").
	moneyCame, moneyDoubt []pattern
	// goodsCame tells the replacement or reshipped goods arrived ("收到补发的了 谢谢");
	// goodsDoubt is a problem with them ("补发的又是坏的")
	goodsCame, goodsDoubt []pattern
	// reviews names other buyers' reviews; ownGoods the buyer's own purchase ("我收到",
	// "我买的"), which makes a review word the buyer's own problem told.
	reviews, ownGoods []pattern
	reasons           []reasonPattern
}

// lexicon returns the shared word tables.
var lexicon = sync.OnceValue(func() *lexiconTables {
	lx := &lexiconTables{trad: buildTrad()}
	// Misspellings phone typists make with pinyin input (same sound, wrong character) that
	// would otherwise hide the one word that decides the label.
	for _, p := range [][2]string{
		{"退宽", "退款"}, {"推款", "退款"}, {"腿款", "退款"}, {"退欵", "退款"}, {"退歀", "退款"}, {"退kuan", "退款"},
		{"推货", "退货"}, {"腿货", "退货"}, {"退或", "退货"}, {"换或", "换货"}, {"还货", "换货"},
		{"快第", "快递"}, {"快滴", "快递"}, {"物留", "物流"}, {"屋流", "物流"},
		{"客福", "客服"}, {"人公", "人工"}, {"投素", "投诉"}, {"维休", "维修"}, {"差平", "差评"},
		{"肿么", "怎么"}, {"神马", "什么"}, {"甚么", "什么"}, {"木有", "没有"}, {"米有", "没有"}, {"酱紫", "这样"},
		// 从新 for 重新 (the same pinyin first), and 了 typed as its pinyin after the word
		// that says what happened (trial 22: "能从新发个不", "台灯开关坏le" were questions)
		{"从新", "重新"}, {"坏le", "坏了"}, {"破le", "破了"}, {"碎le", "碎了"}, {"断le", "断了"}, {"裂le", "裂了"}, {"烂le", "烂了"},
		{"漏le", "漏了"}, {"到le", "到了"}, {"错le", "错了"}, {"少le", "少了"},
	} {
		to := []rune(p[1])
		from := newPattern(p[0])
		if len(to) > len(from.r) {
			panic("intents: typo fix longer than the typo: " + p[0])
		}
		lx.typos = append(lx.typos, typoFix{from, to})
	}
	// Words in which 修 mends nothing — a change, skincare, a cut of clothes, grooming,
	// photo retouching, make-up — written in words of their own sense, so 修 is left to
	// mean a repair (and 退 and 换, below, a refund and an exchange): "能帮我修改吗", "修护霜适合敏感肌吗", "修眉刀好用吗" were read as
	// repairs at 0.8–0.99 and would have opened one. 修复 is both ("屏幕能修复吗"), so
	// only before a skincare product's name.
	for _, p := range [][2]string{
		{"修改", "改"}, {"修护", "护肤"}, {"修身", "显瘦"}, {"修眉", "眉"}, {"修图", "p图"}, {"修容", "容"}, {"修长", "细长"},
		{"修复精华", "护肤精华"}, {"修复霜", "护肤霜"}, {"修复面膜", "护肤面膜"}, {"修复乳", "护肤乳"}, {"修复液", "护肤液"},
		{"修复喷雾", "护肤喷雾"}, {"修复贴", "护肤贴"},
		// and 退 that takes no money back: a fever going down ("宝宝发烧了 退热贴怎么用" was
		// a refund at 0.67)
		{"退烧", "降温"}, {"退热", "降温"},
		// a rate is a statistic about the shop ("你们家退款率高吗"), asked before buying
		{"退款率", "好评率"}, {"退货率", "好评率"}, {"退换率", "好评率"}, {"返修率", "好评率"},
		// and 换 that swaps nothing bought: spare parts, add-on deals, redeeming points
		// ("电动牙刷替换刷头多久换一次", "换购的耳机原价多少", "积分兑换在哪") were exchanges
		{"替换刷头", "备用刷头"}, {"替换芯", "备用芯"}, {"替换装", "备用装"}, {"替换头", "备用头"}, {"替换的", "备用的"},
		{"换购", "加购"}, {"兑换", "领取"}, {"修正液", "涂改液"}, {"修正带", "涂改带"}, {"修复膏", "护理膏"},
		// 要不 that proposes ("要不退了吧": how about a refund) withdraws nothing: it read as
		// 不退了吧 and cancelled the exchange it was meant to replace (trial 25)
		{"要不退了", "干脆退了"}, {"要不换了", "干脆换了"}, {"要不退款", "干脆退款"}, {"要不退货", "干脆退货"}, {"要不换货", "干脆换货"},
	} {
		lx.typos = append(lx.typos, typoFix{newPattern(p[0]), []rune(p[1])})
	}
	// Explicit escalations: to a regulator, the platform, the courts, the public, the rating.
	lx.threats = patterns("投诉", "消协", "消费者协会", "举报", "曝光", "起诉", "差评", "工商", "律师",
		"法院", "市场监管", "监管局", "黑猫", "报警", "告你", "平台介入", "找平台", "维权",
		// asking the platform to arbitrate (淘宝/天猫 "申请小二介入", 抖店 and 拼多多 "官方介入")
		"小二介入", "客服介入", "官方介入", "申请介入", "要求介入")
	lx.negators = patterns("懒得", "不会", "不想", "不打算", "不至于", "不给", "不去", "没有", "没想", "不用", "不是",
		"不再", "并不", "用不着", "没必要", "不需要", "别担心", "放心")
	lx.retractV = patterns("撤销", "撤回", "撤了", "撤掉", "撤下")
	lx.retractP = patterns("取消申请", "取消退款", "取消退货", "取消换货", "取消售后", "取消投诉", "取消维修",
		"退款申请取消", "退货申请取消", "售后申请取消", "申请取消了",
		// telling the shop not to go on with it ("纸尿裤我还要的 别给我退了")
		"别给我退", "别帮我退", "不要给我退", "不用给我退", "别给退", "别退款", "别退货", "别给我换", "别换了",
		// the buyer dropping it in so many words, whatever follows ("那就不退了 你们今天记得给我发啊")
		"就不退了", "那不退了", "我不退了", "不退了吧", "就不换了", "那不换了", "我不换了", "不换了吧")
	lx.futility = patterns("也没用", "没用", "有什么用", "有啥用", "也白搭", "也没啥用",
		// dropping it, said after the word: "差评就不给了", "投诉就算了"
		"就不给了", "不给了", "就算了", "就不投诉了", "就不打了", "不打了", "就不用了")
	lx.dropped = patterns("算了", "不用了", "撤了", "不投了", "不要了")
	// A bad review already taken back ("差评我已经改成好评了 返现呢"): no threat left, and
	// nothing of the shop's to withdraw either.
	lx.reviewBack = patterns("改成好评", "改好评", "改为好评", "删了", "删掉了", "删除了", "已删")
	lx.aboutOthers = patterns("看到", "看见", "看了", "有", "说", "好多", "很多", "那么多", "这么多", "都是", "全是", "有人", "别人",
		"评论", "评价", "几个", "不少", "多人", "些人", "个人", "的人")
	lx.aboutAfter = patterns("多吗", "多不", "多么", "多啊", "多呀", "多的", "率", "说", "里", "是真", "都说", "来着", "的人", "过吗", "过没", "过么",
		"有点多", "挺多", "好多", "太多", "比较多", "不少", "很多")
	lx.cancelVerb = newPattern("取消")
	lx.cancelled = patterns("申请", "退款", "退货", "换货", "售后", "投诉", "维修")
	lx.orderWords = patterns("订单", "单子", "这单", "那单", "下单")
	lx.priceProtect = patterns("价保", "保价", "差价")
	lx.priceDrop = patterns("降价", "降了", "便宜了", "变便宜", "少了", "跌了")
	lx.priceAsk = patterns("我要", "申请", "给我", "帮我", "退差价", "补差价", "返差价", "退我")
	// Before buying, or about the policy: "买了以后降价能保价吗 想现在下单", "价保几天".
	lx.priceBefore = patterns("以后", "如果", "万一", "怕", "会不会", "还没买", "先问问", "想买", "下单前", "几天", "多久",
		"支持", "有没有", "有价保", "怎么申请", "在哪", "顺丰", "快递", "丢",
		// the buyer paying the difference for more ("补差价能升级成礼盒吗", "定制尺寸要补差价吗")
		"升级", "定制", "换大", "换个大", "大号", "加钱", "换成", "改成", "规格")
	lx.cancelsOrd = patterns("取消订单", "订单取消", "取消这单", "这单取消", "取消这个订单", "取消下单",
		"取消一下订单", "单子取消", "取消单子")
	// Giving up on the goods and asking for the money, not withdrawing a request
	// (DESIGN.md: "不要了 退了吧", "算了 直接退" are refund requests); "别退了" is negated.
	lx.refundReq = patterns("退了吧", "就退吧", "那退吧", "直接退", "退掉吧", "给我退了", "帮我退了", "退钱吧", "退款吧", "给退了吧",
		"要退款", "申请退款", "给我退款", "退款退款", "退款!",
		// "…退了算了": done with the goods, not with the request
		"退了算了", "退掉算了", "退款算了")
	// A return or an exchange asked for in so many words: the remedy named wins over a
	// grievance told before it (DESIGN.md, complaint: "a grievance that asks for a remedy
	// takes the remedy's label").
	lx.returnReq = patterns("要退货", "申请退货", "退货退货", "退货!")
	lx.exchangeReq = patterns("要换货", "申请换货", "换货换货", "换货!")
	// The goods going back: a refund request that says so is a return (DESIGN.md, return:
	// "mentions goods going back").
	// Another size asked for (with a size reason, an exchange: rules.go).
	lx.sizeSwaps = patterns("换成", "换个", "换一个", "换大", "换小", "换一码", "换码", "换一下")
	lx.sendsBack = patterns("寄回", "寄还", "退回去", "寄过去给你", "发回去", "快递回去", "退货")
	lx.denials = patterns("没申请", "没有申请", "没说要", "没说过要", "没有说要", "没要求", "没有要求", "没提交",
		"没有提交", "没点", "没有点", "没让你", "没叫你", "没想要", "没想退", "没想换", "没取消", "没有取消", "不是我申请",
		"不是我要", "不是我点", "不是我取消", "不是要", "不是想", "不是说要", "并不是要")
	// Remedies named without 退/换/修/赔 (namesRemedy).
	lx.remedyWords = patterns("补发", "重发", "补寄", "重新发", "寄个新的", "发个新的", "返厂", "售后", "仅退款")
	// A grievance against the shop or its service, not only a faulty item (Result.Grievance).
	lx.accountDemands = patterns("要个说法", "给个说法", "讨个说法", "要一个说法", "给一个说法", "讨一个说法", "给我个说法", "给我一个说法",
		"要个解释", "给个解释", "给我个解释", "给我一个解释", "要个交代", "给个交代", "给我个交代", "给我一个交代", "讨个公道", "要个公道")
	lx.remedyRefusals = patterns("不要你们退", "不要退", "不用退", "不要你们赔", "不要赔", "不用赔", "不稀罕", "不是要退", "不是为了退",
		"不是为了钱", "不是钱的问题", "不在乎钱", "不缺这点钱", "不是在乎钱", "不要钱")
	lx.grievances = patterns("破店", "垃圾", "什么玩意", "不理人", "没人理", "没人管", "态度", "骗子", "骗人", "欺骗", "坑人",
		"坑爹", "差劲", "恶心", "无语", "服了", "气死", "黑店", "太差了", "忽悠", "敷衍", "耍我", "搞什么", "什么服务", "投诉",
		"管不管", "到底管", "扯淡", "答非所问", "牛头不对马嘴", "不靠谱", "太坑", "给个说法", "讨个说法", "要个说法",
		// Passed around, left unanswered, let down: a grievance against the shop's service
		// as much as the words above (each marks a complaint in 85–100 % of the corpus
		// lines holding it).
		"不负责", "踢皮球", "推来推去", "推脱", "太过分", "过分了", "离谱", "失望", "寒心", "糊弄", "一直拖",
		"已读不回", "什么态度", "再也不买", "拉黑", "闹心", "窝火", "受够了",
		"又是这样", "什么鬼", "不处理", "不解决", "套路", "呵呵", "黑心", "奸商", "被坑", "坑我", "骗我")
	// Harm to the buyer's health or safety from the goods: the merchant hears it at once as
	// a grievance, whatever remedy follows (a hospital visit is no refund-or-exchange
	// menu). Not 过敏 alone: a mask that irritates is the everyday refund, and "会不会中毒"
	// is a question before buying.
	lx.harms = patterns("拉肚子", "腹泻", "上吐下泻", "食物中毒", "住院", "医院", "急诊", "看医生", "受伤", "烫伤",
		"划伤", "割伤", "触电", "漏电", "着火", "起火", "冒烟", "爆炸", "又痒又疼", "红肿", "烂脸", "毁容",
		// Swelling and breathing: a reaction past the everyday irritation (trial 27: "现在肿
		// 起来了 眼睛都肿了" after a face cream was one more inbox line).
		"肿起来", "眼睛肿", "眼睛都肿", "眼皮肿", "嘴唇肿", "嘴都肿", "喉咙肿", "脸都肿", "呼吸困难", "喘不上气", "呕吐", "头晕", "晕倒", "休克")
	// The skin or body reacting to the goods ("脸上起了好多小红疹"): harm told, though no
	// grievance by itself.
	lx.bodyHarms = patterns("过敏", "红疹", "起疹", "疹子", "起红点", "刺痛", "发炎", "脸肿", "脸红", "灼伤", "烧伤", "长痘", "爆痘", "闷痘",
		"皮肤痒", "皮肤都痒", "皮肤发痒", "浑身痒", "身上痒", "流血", "划破", "割破", "扎破", "扎伤")
	// Not now: the request waits on something else the buyer asks first ("先别急着退 你们先
	// 回答是不是正品"), so the message asks that, and opens nothing. ("先不退了 我再用用看"
	// drops the request: a withdrawal, not this.)
	lx.postpones = patterns("先别急着", "先不急着", "先别着急", "不急着退", "不急着换", "先别申请", "先不申请",
		"等会再退", "等会再申请", "先问清楚")
	lx.reviews = patterns("看评论", "看评价", "评论里", "评价里", "评论区", "评论说", "评价说", "评论好多", "评论很多", "买家秀", "问大家")
	lx.ownGoods = patterns("我收到", "我买的", "我的", "我家", "我这", "收到的", "到手")
	lx.moneyCame = patterns("收到退款", "退款收到", "退款到账", "退款已到账", "钱到账", "钱已到账", "钱收到", "收到钱", "已到账", "到账了", "钱退回来了", "钱退回了", "款收到", "收到款", "退款到了", "钱到了")
	lx.goodsCame = patterns("收到补发", "补发的收到", "补发收到", "补发的到了", "补寄的收到", "收到补寄", "补的收到", "收到换的", "换的收到", "换的货收到", "换货收到", "换的到了", "新的收到", "新的到了", "收到新的")
	lx.goodsDoubt = patterns("坏", "破", "又", "漏", "错", "不能", "不行", "问题", "碎", "裂", "不对", "不一样", "不是")
	lx.moneyDoubt = patterns("吗", "么", "嘛", "?", "没", "还", "怎么", "多久", "几天", "什么时候", "啥时候", "但", "可是", "不过", "少", "差", "不对", "只", "一半", "部分", "才", "呢")
	lx.contacts = patterns("电话", "手机号", "号码", "地址", "收件人", "收货人", "联系方式", "联系人")
	lx.denialObjs = patterns("退", "换", "取消", "售后", "投诉", "维修", "订单", "申请")
	// Checked in order; the first phrase found decides, so the more specific reasons come
	// first: "货不对板" is not_as_described before 不对 reads as a wrong item, "摔坏了" is
	// damage before 坏了 reads as quality.
	for _, g := range []struct {
		r     Reason
		words []string
	}{
		{ReasonNotAsDescribed, []string{"货不对板", "描述不符", "与描述", "和描述", "跟描述", "和图片不", "跟图片不",
			"与图片不", "图片不一样", "跟图片差", "和图片差", "与图片差", "图片差好多", "跟图片上差", "和图片上差", "跟图不一样", "和图不一样", "实物与", "实物和", "色差", "假货", "不是正品", "虚假宣传", "详情页", "跟宣传", "和宣传"}},
		{ReasonWrongItem, []string{"发错", "寄错", "错发", "发成", "不是我买的", "不是我要的", "不是我拍的", "颜色不对",
			"型号不对", "款式不对", "规格不对", "发的不对"}},
		{ReasonMissingPart, []string{"少发", "漏发", "少了", "缺了", "缺少", "少一", "少个", "配件没", "没有配件",
			"赠品没", "没有赠品", "缺件", "只收到一", "只收到了一", "就收到一", "只到了一", "少收", "没收全", "没发全", "不齐",
			"只收到", "里面没有", "里面只有", "没给我发"}},
		{ReasonDamaged, []string{"碎了", "破了", "破损", "压坏", "摔坏", "压扁", "烂了", "漏了", "变形", "裂了",
			"划痕", "摔碎", "磕坏", "撒了", "坏果", "裂缝", "裂痕", "裂开", "缺口", "磕了", "磕破", "凹了", "瘪了",
			"断裂", "裂纹", "磕碰", "摔裂", "碎掉", "破洞", "破了个洞"}},
		{ReasonSize, []string{"尺码", "码数", "尺寸", "太大", "太小", "偏大", "偏小", "穿不下", "不合身", "换个码",
			"大一码", "小一码", "大了", "小了", "紧了"}},
		{ReasonQuality, []string{"质量", "坏了", "不能用", "用不了", "开线", "起球", "掉色", "褪色", "故障", "开胶",
			"失灵", "瑕疵", "没反应", "充不进电", "不亮", "断了", "有问题", "毛病",
			"漏气", "漏水", "没声音", "没有声音", "开不了机", "开不开机", "充不了电", "不制冷", "不出水",
			"煮不熟", "不好使", "不管用", "坏掉", "不能正常", "不转了", "不动了", "不响了", "不出风",
			"有股味", "有味道", "异味", "味道很大", "味很大", "很臭", "发霉", "长毛了", "变质", "过期",
			"过敏了", "起疹子", "红疙瘩", "烂脸", "拉肚子", "歪的", "歪了", "是歪", "松动", "脱线", "掉漆",
			"频闪", "闪烁", "一闪一闪", "线头", "掉毛"}},
		{ReasonLate, []string{"还没发货", "不发货", "迟迟", "太慢", "超时", "一直没到", "还没到", "没收到", "这么慢", "好慢"}},
		{ReasonPriceDrop, []string{"价保", "保价", "差价", "降价了"}},
		{ReasonNoReason, []string{"无理由", "不想要", "不喜欢", "拍错", "买错", "不要了", "拍多", "买多", "不需要了"}},
	} {
		for _, w := range g.words {
			lx.reasons = append(lx.reasons, reasonPattern{newPattern(w), g.r})
		}
	}
	return lx
})

// sign computes t's signature from its runes.
func (t *normText) sign() {
	t.sig = 0
	for _, r := range t.r[:t.n] {
		t.sig |= runeBit(r)
	}
}

// at reports whether p occurs in t at rune i.
func (t *normText) at(i int, p *pattern) bool {
	if i+len(p.r) > t.n {
		return false
	}
	for k, r := range p.r {
		if t.r[i+k] != r {
			return false
		}
	}
	return true
}

// find returns the first index at or after from where p occurs, or -1.
func (t *normText) find(p *pattern, from int) int {
	if t.sig&p.sig != p.sig {
		return -1
	}
	for i := from; i+len(p.r) <= t.n; i++ {
		if t.r[i] == p.r[0] && t.at(i, p) {
			return i
		}
	}
	return -1
}
