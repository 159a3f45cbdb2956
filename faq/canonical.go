package faq

import (
	"strings"

	"github.com/aftersale/aftersale/intents"
)

// synonyms writes the ways buyers ask one thing one way, so a phrasing with 可以 matches a
// question with 能 ("杯子可以刻字吗" / "杯子能刻字吗") and 包油 matches 包邮. Only the FAQ's
// matching uses it; the words themselves never change. The table is written from how
// buyers type on a phone (pinyin-input homophones the classifier's folding does not mend:
// 包油, 顺风, 发漂, 积份; colloquial variants: 啥时候, 码子, 免邮) and holds words of the
// after-sale desk's topics only. At one position the first pair listed wins, so a longer
// word comes before the words inside it ("支付宝" before "宝", "什么时候" before "什么").
var synonyms = strings.NewReplacer(
	// kept whole, so the shorter rules below do not cut them
	"支付宝", "支付宝", "什么", "什么", "怎么", "怎么", "那么", "那么", "这么", "这么", "多么", "多么",
	// typos and homophones of the topics' words
	"包油", "包邮", "包游", "包邮", "顺风", "顺丰", "发漂", "发票", "发飘", "发票", "积份", "积分",
	"团够", "团购", "预收", "预售", "上斑", "上班", "宝温", "保温", "运废", "运费", "发或", "发货",
	"退或", "退货", "换或", "换货", "快第", "快递", "包妆", "包装", "纯绵", "纯棉", "全棉", "纯棉",
	"无里由", "无理由", "证品", "正品", "花被", "花呗", "尺吗", "尺码", "时侯", "时候", "优惠卷", "优惠券",
	"优惠劵", "优惠券", "保秀", "保修", "天错", "填错", "订金", "定金", "褪色", "掉色", "退色", "掉色",
	// one word for one thing
	"可不可以", "能", "能不能", "能", "能否", "能", "可否", "能", "可以", "能", "行不行", "能",
	"是不是", "是", "是否", "是", "有没有", "有", "有木有", "有", "有无", "有",
	"啥时候", "什么时候", "啥时", "什么时候", "多会儿", "什么时候", "几时", "什么时候", "何时", "什么时候",
	"清理", "清洗", "清洁", "清洗",
	"肿么", "怎么", "神马", "什么", "木有", "没有", "多钱", "多少钱",
	"甚么", "什么", "啥", "什么", "咋", "怎么", "如何", "怎么", "怎样", "怎么",
	"多长时间", "多久", "多少时间", "多久", "多少天", "多久", "几天", "多久",
	"免邮费", "包邮", "免运费", "包邮", "免邮", "包邮", "邮费", "运费", "快递费", "运费",
	"质保期", "保修期", "质保", "保修",
	"分两期", "分期", "分二期", "分期", "分三期", "分期", "分六期", "分期", "分十二期", "分期", "分几期", "分期",
	"分3期", "分期", "分6期", "分期", "分12期", "分期", "分24期", "分期",
	"染色", "掉色", "串色", "掉色", "积几分", "积分", "积多少分", "积分",
	"预订", "预售", "预定", "预售",
	"码数", "尺码", "码子", "尺码", "尺寸", "尺码", "多大码", "什么尺码", "几码", "什么尺码",
	"面料", "材质", "料子", "材质", "布料", "材质", "材料", "材质",
	"真货", "正品", "正版", "正品", "真品", "正品", "高仿", "假货", "冒牌", "假货",
	"礼品盒", "礼盒", "包装盒", "礼盒",
	"手机号码", "电话", "手机号", "电话", "电话号码", "电话",
	"一块儿", "一起", "一块", "一起", "合在一起", "一起",
	"现货", "货", "库存", "货", "断货", "缺货", "没货", "缺货", "无货", "缺货", "售罄", "缺货",
	"寄到", "送到", "寄过来", "送过来", "寄", "发",
	// everyday and regional words for the same things (general usage, not any test's lines)
	"邮资", "运费", "邮钱", "运费", "快递钱", "运费", "运钱", "运费",
	"今儿个", "今天", "今个儿", "今天", "今儿", "今天", "明儿个", "明天", "明儿", "明天",
	"啥前儿", "什么时候", "哪天", "什么时候",
	"俺", "我", "咱", "我",
	"中不中", "能", "成不成", "能", "行不", "能",
	"咋整", "怎么办", "咋弄", "怎么办", "咋办", "怎么办", "怎么弄", "怎么办",
	"发走", "发货", "寄出去", "发货", "寄出", "发货",
	"下了单", "下单", "拍下", "下单", "拍了", "下单",
	"穿多大", "什么尺码", "穿啥码", "什么尺码", "多大号", "什么尺码", "哪个码", "什么尺码",
	"开张票", "开发票", "开个票", "开发票", "开票", "开发票",
	// words that ask nothing: greetings, address, fillers, sentence particles
	"你们家", "", "你们", "", "请问", "", "问一下", "", "问下", "", "麻烦", "", "您好", "", "你好", "",
	"在吗", "", "在么", "", "在不在", "", "宝贝", "", "宝宝", "", "亲亲", "", "亲", "", "宝", "", "老板", "",
	"这个", "", "那个", "", "一下", "",
	"啊", "", "呀", "", "哈", "", "哦", "", "嘛", "", "吧", "", "呗", "", "哟", "", "嘞", "", "咯", "",
	"的", "", "了", "", "呢", "",
	"么", "吗",
)

// canonical is text folded (package intents) with buyers' variants written one way, and a
// question's closing 不/没/没有/否 ("包邮不") written 吗 as the other questions close.
func canonical(text string) string {
	s := canonicalWord(text)
	for _, tail := range []string{"没有", "不", "没", "否"} {
		if strings.HasSuffix(s, tail) && len(s) > len(tail) {
			return strings.TrimSuffix(s, tail) + "吗"
		}
	}
	return s
}

// canonicalWord is a word (a keyword, an exclude word) folded with buyers' variants
// written one way, as canonical does to a message but for the closing 不 ("付不了" stays
// "付不", not "付吗").
func canonicalWord(word string) string {
	return writeNumbers(synonyms.Replace(places.Replace(pinyin.Replace(intents.Fold(word)))))
}
