package cases_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
)

// CaseFilter.Search finds a case by its id, its order (typed with or without spaces) or
// its buyer's id or name, for the board's search box (issue 16, item 10).
func TestFindCasesSearch(t *testing.T) {
	now := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	s, err := cases.Open(filepath.Join(t.TempDir(), "c.db"), cases.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, c := range []*cases.Case{
		{Shop: "s", Buyer: "wxid_wang", BuyerName: "买家小王", Intent: "refund", OrderID: "4705288465508532862"},
		{Shop: "s", Buyer: "wxid_li", BuyerName: "李 50%_off", Intent: "exchange", OrderID: "4705290012345678901"},
		{Shop: "s", Buyer: "wxid_zhao", BuyerName: "赵", Intent: "return", OrderID: "260922-999000000000001"},
	} {
		if err := s.Update(ctx, func(tx *cases.Tx) error { return tx.OpenCase(c, cases.Policy{RespondWithin: time.Hour}) }); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		search string
		want   []string
	}{
		{"A2", []string{"A2"}},
		{"a3", []string{"A3"}},
		{"4705288465508532862", []string{"A1"}},
		{"4705 2884 6550 8532 862", []string{"A1"}},
		{"47052", []string{"A1", "A2"}},
		{"260922-999", []string{"A3"}},
		{"小王", []string{"A1"}},
		{"wxid_li", []string{"A2"}},
		{"50%_", []string{"A2"}},
		{"%", []string{"A2"}},             // a literal %, which only 李 50%_off has
		{"_", []string{"A1", "A2", "A3"}}, // every buyer id has one: a literal _, not "any character"
		{"Q9", nil},
		{"退款", nil},
		{"  ", []string{"A1", "A2", "A3"}},
	} {
		found, err := s.FindCases(ctx, cases.CaseFilter{Search: tc.search})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range found {
			ids = append(ids, c.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, tc.want) {
			t.Errorf("Search %q found %v, want %v", tc.search, ids, tc.want)
		}
	}
}
