package intents

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// goodsNouns are common names of goods in Chinese shop chat, longest first so the most
// specific name a message holds is the one taken ("保温杯" before "杯"). A name alone
// decides nothing; it is how an entry about one product ("马克杯是高温陶瓷，可以进微波炉")
// keeps from answering a question about another ("饭盒能进微波炉吗"), whatever words
// the two share (faq), and which of a buyer's cases a message is about (bot). Not names that are also other words: 包 (包邮), 书 (说明书), 灯 of 灯光.
var goodsNouns = func() []string {
	var ws []string
	for _, g := range goodsKinds {
		ws = append(ws, g.names...)
	}
	slices.SortStableFunc(ws, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	return ws
}()

// goodsKinds group the names by kind, with the words an entry uses for the whole kind
// ("衣服按正常尺码拍就好" is for a 卫衣 too; "电器类商品保修一年" for a 风扇).
var goodsKinds = []struct {
	whole, names []string
}{
	{[]string{"日用品", "餐具", "厨具", "杯碗"}, []string{"杯子", "杯", "马克杯", "保温杯", "水杯", "玻璃杯", "咖啡杯", "茶杯", "吸管杯", "陶瓷杯", "碗", "盘子", "碟子",
		"饭盒", "便当盒", "保鲜盒", "筷子", "勺子", "叉子", "锅", "炒锅", "煎锅", "奶锅", "汤锅", "砧板", "菜板", "菜刀", "水壶", "烧水壶",
		"茶壶", "杯垫", "餐垫", "猫碗", "狗碗", "奶瓶", "保温壶", "焖烧杯"}},
	{[]string{"四件套", "床品", "床上用品"}, []string{"四件套", "床单", "被套", "被罩", "枕套", "床笠", "枕头", "枕芯", "被子", "被芯", "凉席", "毯子", "毛毯",
		"床垫", "蚊帐"}},
	{[]string{"家居"}, []string{"窗帘", "沙发套", "沙发", "地毯", "地垫", "抱枕", "毛巾", "浴巾", "眼罩", "拖鞋", "桌布", "收纳盒", "衣架", "花瓶", "相框"}},
	{[]string{"衣服", "服装", "衣物"}, []string{"衣服", "t恤", "衬衫", "卫衣", "毛衣", "羊毛衫", "外套", "羽绒服", "大衣", "裤子", "牛仔裤", "裙子", "连衣裙",
		"内衣", "内裤", "睡衣"}},
	{[]string{"鞋服", "配饰"}, []string{"袜子", "短袜", "鞋", "鞋子", "运动鞋", "靴子", "帽子", "围巾", "手套", "发圈", "发夹", "丝巾", "领带", "腰带"}},
	{[]string{"电器", "家电", "数码", "电子"}, []string{"台灯", "护眼灯", "充电器", "数据线", "耳机", "手机壳", "手机", "电脑", "键盘", "鼠标", "音箱", "风扇",
		"电风扇", "吹风机", "电饭煲", "加湿器", "插座", "电池", "手表", "充电宝", "电热毯", "暖手宝", "剃须刀", "电动牙刷", "电热水壶"}},
	{[]string{"护肤品", "化妆品", "洗护"}, []string{"面霜", "口红", "眼影", "粉底", "面膜", "精华", "洗面奶", "香水", "乳液", "防晒霜", "护手霜", "洗发水",
		"沐浴露", "香皂", "手工皂", "肥皂", "牙膏", "牙刷"}},
	{[]string{"食品", "吃的"}, []string{"零食", "饼干", "茶叶", "咖啡", "水果", "芒果", "苹果", "蜂蜜", "坚果", "猫粮", "狗粮"}},
	{nil, []string{"玩具", "积木", "书包", "背包", "钱包", "雨伞", "行李箱", "文具", "笔记本", "猫砂"}},
}

// bareNames are names that say only what a thing is ("杯子"), with the character every
// more specific name of it holds ("保温杯"): an entry about any of those speaks of it.
var bareNames = map[string]string{"杯子": "杯", "杯": "杯", "鞋子": "鞋", "鞋": "鞋", "锅": "锅", "碗": "碗", "盘子": "盘", "壶": "壶"}

// GoodsIn are the names of goods text holds ("保温杯", "t恤"), each the longest name at its
// place, lower-cased; nil when it names none. A name alone decides nothing: it is how a
// shop answer about one product, or a case about one order, is told from another
// ("裤子我明天寄回" with the trousers' return and the toothbrush's repair open).
func GoodsIn(text string) []string {
	text = strings.ToLower(text)
	var out []string
	for _, w := range goodsNouns {
		if !strings.Contains(text, w) {
			continue
		}
		if slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, w) }) {
			continue // the 杯 of 保温杯, taken already
		}
		out = append(out, w)
	}
	return out
}

// SpeaksOf reports whether text about goods (lower-cased: an FAQ entry, an order's title,
// a buyer's words on a case) speaks of goods named w (from GoodsIn): by that name, by a
// more specific one of a bare name ("杯子" in "保温杯"), or by its kind's word ("衣服"
// for 裤子).
func SpeaksOf(about, w string) bool {
	if strings.Contains(about, w) {
		return true
	}
	if head, ok := bareNames[w]; ok && strings.Contains(about, head) {
		return true
	}
	for _, g := range goodsKinds {
		if slices.Contains(g.names, w) && slices.ContainsFunc(g.whole, func(k string) bool { return strings.Contains(about, k) }) {
			return true
		}
	}
	return false
}

// SpeaksOfAny reports whether text about goods speaks of any of names (SpeaksOf).
func SpeaksOfAny(about string, names []string) bool {
	return slices.ContainsFunc(names, func(w string) bool { return SpeaksOf(about, w) })
}
