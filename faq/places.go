package faq

import "strings"

// places writes the names of mainland provinces and large cities as one word, 某地, so
// that "寄到深圳大概多久" matches "到上海要几天" as the same question asked from another
// place: a buyer names where they live in passing, and the name, rare in buyer chat,
// would otherwise weigh as a topic of its own that the entry does not speak of. An
// answer that names a region (偏远地区: 新疆、西藏、青海) is written the same way, so
// those questions still find it. Places outside the mainland (香港, 澳门, 台湾, other
// countries) are not listed: entries exclude them by name, since the shop's answers
// do not hold there. The longer name comes first where one holds another.
var placeNames = []string{
	"内蒙古", "黑龙江", "江浙沪", "乌鲁木齐", "呼和浩特", "石家庄", "哈尔滨", "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林",
	"江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃",
	"青海", "广西", "西藏", "宁夏", "新疆", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "西安", "长沙", "郑州", "济南",
	"青岛", "沈阳", "大连", "长春", "太原", "合肥", "福州", "厦门", "南昌", "南宁", "昆明", "贵阳", "兰州", "西宁", "银川", "拉萨",
	"海口", "三亚", "宁波", "温州", "无锡", "东莞", "佛山", "珠海", "浦东",
}

// places is the replacer of placeNames.
var places = func() *strings.Replacer {
	var pairs []string
	for _, n := range placeNames {
		pairs = append(pairs, n, "某地")
	}
	return strings.NewReplacer(pairs...)
}()

// placesIn are the place names text holds, as written (traditional folded).
func placesIn(text string) []string {
	var out []string
	for _, n := range placeNames {
		if strings.Contains(text, n) {
			out = append(out, n)
		}
	}
	return out
}
