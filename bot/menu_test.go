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
