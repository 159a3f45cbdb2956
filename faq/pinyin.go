package faq

import "strings"

// pinyin writes the FAQ topics' words typed in toneless pinyin (a phone's keyboard left on
// Latin letters: "baoyou不", "fapiao能开不", "liwu baozhuang有吗") in characters, so they
// match as the characters do. Folding has lowered the letters and dropped the spaces
// before it runs. Only whole topic words of two or more syllables are listed: a single
// syllable ("bao", "fa") stands for too many characters, and the longer spelling comes
// first where one holds another ("yunfeixian" before "yunfei").
var pinyin = strings.NewReplacer(
	"yunfeixian", "运费险", "youhuiquan", "优惠券", "baowenbei", "保温杯", "xinyongka", "信用卡",
	"zhifubao", "支付宝", "sijiantao", "四件套", "wuliyou", "无理由", "weibolu", "微波炉",
	"baoyou", "包邮", "youfei", "邮费", "yunfei", "运费", "fahuo", "发货", "kuaidi", "快递",
	"shunfeng", "顺丰", "zhongtong", "中通", "yuantong", "圆通", "yunda", "韵达", "wuliu", "物流",
	"chima", "尺码", "caizhi", "材质", "chunmian", "纯棉", "taoci", "陶瓷", "youhui", "优惠",
	"fapiao", "发票", "kaipiao", "开票", "taitou", "抬头", "shuihao", "税号", "tuihuo", "退货",
	"huanhuo", "换货", "baoxiu", "保修", "zhibao", "质保", "kefu", "客服", "rengong", "人工",
	"shangban", "上班", "xiaban", "下班", "youhuo", "有货", "xianhuo", "现货", "kucun", "库存",
	"buhuo", "补货", "quehuo", "缺货", "zhengpin", "正品", "jiahuo", "假货", "liwu", "礼物",
	"baozhuang", "包装", "lihe", "礼盒", "heka", "贺卡", "dizhi", "地址", "hebing", "合并",
	"huabei", "花呗", "fenqi", "分期", "weixin", "微信", "pifa", "批发", "tuangou", "团购",
	"beizi", "杯子", "chazi", "茶渍", "chagou", "茶垢", "baowen", "保温", "yushou", "预售",
	"dingjin", "定金", "weikuan", "尾款", "huiyuan", "会员", "jifen", "积分", "duojiu", "多久",
	"shenme", "什么", "zenme", "怎么", "keyi", "可以", "nengbuneng", "能不能",
)
