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
var places = strings.NewReplacer(
	"内蒙古", "某地", "黑龙江", "某地", "江浙沪", "某地", "乌鲁木齐", "某地", "呼和浩特", "某地",
	"石家庄", "某地", "哈尔滨", "某地",
	"北京", "某地", "天津", "某地", "上海", "某地", "重庆", "某地", "河北", "某地", "山西", "某地",
	"辽宁", "某地", "吉林", "某地", "江苏", "某地", "浙江", "某地", "安徽", "某地", "福建", "某地",
	"江西", "某地", "山东", "某地", "河南", "某地", "湖北", "某地", "湖南", "某地", "广东", "某地",
	"海南", "某地", "四川", "某地", "贵州", "某地", "云南", "某地", "陕西", "某地", "甘肃", "某地",
	"青海", "某地", "广西", "某地", "西藏", "某地", "宁夏", "某地", "新疆", "某地",
	"广州", "某地", "深圳", "某地", "杭州", "某地", "南京", "某地", "苏州", "某地", "成都", "某地",
	"武汉", "某地", "西安", "某地", "长沙", "某地", "郑州", "某地", "济南", "某地", "青岛", "某地",
	"沈阳", "某地", "大连", "某地", "长春", "某地", "太原", "某地", "合肥", "某地", "福州", "某地",
	"厦门", "某地", "南昌", "某地", "南宁", "某地", "昆明", "某地", "贵阳", "某地", "兰州", "某地",
	"西宁", "某地", "银川", "某地", "拉萨", "某地", "海口", "某地", "三亚", "某地", "宁波", "某地",
	"温州", "某地", "无锡", "某地", "东莞", "某地", "佛山", "某地", "珠海", "某地", "浦东", "某地",
)
