package bot

import (
	"slices"
	"testing"

	"github.com/aftersale/aftersale/intents"
)

// TestMenusNumberAlike: whatever the classifier's candidates, every menu lists its
// options in one order, so a number means the same in each menu of a burst ("杯子" /
// "碎了" each bring one) and in the remedy menu.
func TestMenusNumberAlike(t *testing.T) {
	rank := map[string]int{}
	for i, o := range remedyOptions() {
		rank[o] = i
	}
	rank[string(intents.Logistics)] = len(rank)
	for _, cands := range [][3]intents.Label{
		{intents.Complaint, intents.Refund, intents.Exchange},
		{intents.Logistics, intents.Return, intents.Other},
		{intents.Repair, intents.Complaint, intents.Refund},
		{intents.Exchange, intents.Greeting, intents.Cancel},
	} {
		got := menuOptions(cands)
		if len(got) != 4 {
			t.Fatalf("menuOptions(%v) = %v, want four options", cands, got)
		}
		for i := 1; i < len(got); i++ {
			if rank[got[i-1]] > rank[got[i]] {
				t.Fatalf("menuOptions(%v) = %v: not in the one menu order", cands, got)
			}
		}
		if !slices.Contains(got, string(cands[0])) && cands[0].OpensCase() {
			t.Fatalf("menuOptions(%v) = %v lost the first candidate", cands, got)
		}
	}
}

// checkWords runs a word test over texts and the answers it should give.
func checkWords(t *testing.T, name string, fn func(string) bool, want map[string]bool) {
	t.Helper()
	for text, w := range want {
		if got := fn(text); got != w {
			t.Errorf("%s(%q) = %v, want %v", name, text, got, w)
		}
	}
}

func TestUrgesDelivery(t *testing.T) {
	checkWords(t, "urgesDelivery", urgesDelivery, map[string]bool{
		"再不到我就退款了": true, "明天还不发货我就申请退款": true, "要是这周还收不到快递就直接退货": true, "再不发就退了啊": true,
		"退款":           false,
		"算了 再不想等了 退款吧": false, // no condition: a request
		"如果不发货能退款吗":    false, // a policy question
		"再不处理我就投诉":     false, // service, not delivery; no refund
		"东西到了就是坏的 退款":  false, // no condition marker
		"还没发货的话就帮我退款吧": false, // asks for it now (no threat)
	})
}

func TestPings(t *testing.T) {
	checkWords(t, "pings", pings, map[string]bool{
		"人呢?": true, "人呢": true, "??": true, "？": true, "在不在": true, "有人吗？": true, "在吗": true,
		"客服人呢 我的退款呢": false, "人呢 都两天了还不发货": false, "好的": false,
	})
}

func TestGivesAddress(t *testing.T) {
	checkWords(t, "givesAddress", givesAddress, map[string]bool{
		"改成公司地址 上海市浦东新区张江路88号 王先生 13912345678": true, "北京市朝阳区建国路8号院3号楼2单元501": true,
		"江苏省苏州市吴中区木渎镇金山路": true,
		"你们在哪个市发货":        false, "路上走了几天了还没到": false, "号码发你了": false,
	})
}

// A menu choice in the words buyers wrap it in is the choice (found by a new-user trial:
// "第二个吧", "选2" got the menu's "回复上面的数字就行" again); a number among other words
// is not one.
func TestMenuChoiceInWords(t *testing.T) {
	menu := []string{"refund", "return", "exchange", "complaint"}
	for text, want := range map[string]int{
		"2": 2, "２": 2, "第二个吧": 2, "第二个": 2, "选2": 2, "2吧": 2, "就第一个": 1, "我选3": 3, "四": 4, "0": 0, "零": 0, "第1个。": 1,
	} {
		if n, ok := menuChoice(text, menu); !ok || n != want {
			t.Errorf("menuChoice(%q) = %d, %v; want %d", text, n, ok, want)
		}
	}
	for _, text := range []string{"5", "第五个", "买了2个", "2个都坏了", "第二次了", "", "个"} {
		if n, ok := menuChoice(text, menu); ok {
			t.Errorf("menuChoice(%q) = %d, want no choice", text, n)
		}
	}
}

func TestShortOrder(t *testing.T) {
	for text, want := range map[string]string{"订单号 123456": "123456", "单号是8848": "8848", "快递单号123456": "", "订单号4705288465508532862": "", "买了3单": ""} {
		if got := shortOrder(text); got != want {
			t.Errorf("shortOrder(%q) = %q, want %q", text, got, want)
		}
	}
}
