package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/config"
	"github.com/aftersale/aftersale/intents"
	"github.com/aftersale/aftersale/vocab"
)

// caseLine is one case as `cases -json` writes it: one object a line, for scripts.
// Intent and State are the stable codes ("refund", "waiting_merchant"); the _zh fields
// are what the table shows. Deadline is RFC 3339, omitted when the case has none.
type caseLine struct {
	ID       string `json:"id"`
	Shop     string `json:"shop"`
	ShopName string `json:"shop_name"`
	Intent   string `json:"intent"`
	IntentZh string `json:"intent_zh"`
	State    string `json:"state"`
	StateZh  string `json:"state_zh"`
	Order    string `json:"order"`
	Buyer    string `json:"buyer"`
	Deadline string `json:"deadline,omitempty"`
	OpenedAt string `json:"opened_at"`
	Overdue  bool   `json:"overdue"`
	MinsLeft *int64 `json:"minutes_left,omitempty"`
}

// cases lists the store's cases: live ones (all with -all), nearest deadline first, as
// an aligned table with a header and Chinese labels, or with -json as one JSON object a
// line.
func (m *Main) cases(ctx context.Context, args []string) int {
	var all, asJSON *bool
	cfg, code := m.loadConfig(flag.NewFlagSet("cases", flag.ContinueOnError), args, func(fs *flag.FlagSet) {
		all = fs.Bool("all", false, "include closed cases (含已结束的)")
		asJSON = fs.Bool("json", false, "one JSON object a line (每行一个 JSON 对象，供脚本使用)")
	})
	if cfg == nil {
		return code
	}
	// Read-only: listing cases beside a running bot must never change them.
	store, err := cases.Open(cfg.Store.Location(), cases.Options{Now: m.Now, ReadOnly: true})
	if err != nil {
		fmt.Fprintf(m.Stderr, "打开数据库失败 / open store: %v\n", err)
		return exitFail
	}
	defer store.Close()
	found, err := store.FindCases(ctx, cases.CaseFilter{LiveOnly: !*all})
	if err != nil {
		fmt.Fprintf(m.Stderr, "%v\n", err)
		return exitFail
	}
	now := m.Now()
	if !*all {
		// Agreed and still being done (goods to come back, a replacement to ship) are
		// work left, as 列表 and the board show them (trial 21: "没有售后单" with a
		// replacement owed).
		agreed, err := store.Agreed(ctx, "", "", now)
		if err != nil {
			fmt.Fprintf(m.Stderr, "%v\n", err)
			return exitFail
		}
		found = append(found, agreed...)
	}
	lines := make([]caseLine, len(found))
	for i := range found {
		lines[i] = describeCase(cfg, &found[i], now)
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetEscapeHTML(false)
		for _, l := range lines {
			if err := enc.Encode(l); err != nil {
				fmt.Fprintf(m.Stderr, "%v\n", err)
				return exitFail
			}
		}
		return exitOK
	}
	if len(lines) == 0 {
		fmt.Fprintln(m.Stdout, "没有售后单 / no cases")
		return exitOK
	}
	rows := [][]string{{"店铺", "单号", "类型", "状态", "买家", "订单号", "截止", "剩余"}}
	left := config.TemplateFuncs()["left"].(func(time.Duration) string)
	for i, l := range lines {
		c := &found[i]
		due, remain := "—", ""
		if !c.Deadline.IsZero() {
			due = c.Deadline.In(vocab.China).Format("01-02 15:04") // the shop's clock, whatever the machine's zone
			if c.State.Live() {
				remain = left(c.Deadline.Sub(now))
			}
		}
		order := l.Order
		if order == "" {
			order = "—"
		}
		rows = append(rows, []string{l.ShopName, l.ID, l.IntentZh, l.StateZh, l.Buyer, order, due, remain})
	}
	writeTable(m.Stdout, rows)
	return exitOK
}

// describeCase is a case in the words of the listing: the shop by its configured name,
// intent and state as codes and in Chinese.
func describeCase(cfg *config.Config, c *cases.Case, now time.Time) caseLine {
	l := caseLine{ID: c.ID, Shop: c.Shop, ShopName: c.Shop, Intent: c.Intent, IntentZh: intents.Label(c.Intent).ChineseFor(intents.Reason(c.Reason)),
		State: string(c.State), StateZh: c.StateLabel(), Order: c.OrderID, Buyer: c.Who(),
		OpenedAt: c.OpenedAt.UTC().Format(time.RFC3339)}
	for _, s := range cfg.Shops {
		if s.ID == c.Shop {
			l.ShopName = s.Name
		}
	}
	if !c.Deadline.IsZero() {
		l.Deadline = c.Deadline.UTC().Format(time.RFC3339)
		if c.State.Live() {
			mins := int64(c.Deadline.Sub(now) / time.Minute)
			l.MinsLeft, l.Overdue = &mins, !now.Before(c.Deadline)
		}
	}
	return l
}

// writeTable writes rows as columns padded to their widest cell, the first row the
// header. Widths are terminal cells, not bytes or runes: a Chinese character or an emoji
// in a buyer's nickname takes two (go-runewidth follows Unicode East Asian Width and
// the locale, which text/tabwriter does not: it counts every rune as one).
func writeTable(w io.Writer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], runewidth.StringWidth(cell))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, cell := range r {
			if i == len(r)-1 {
				b.WriteString(cell)
				break
			}
			b.WriteString(cell)
			b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(cell)+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
