package taobao

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
	"github.com/aftersale/aftersale/vocab"
)

// tmcMessages is a consume answer of one RefundTimeoutRemind with the given content.
func tmcMessages(t *testing.T, content map[string]any) string {
	t.Helper()
	c, _ := json.Marshal(content)
	b, err := json.Marshal([]map[string]any{{"id": json.Number("8000000000000000001"), "topic": TopicRefundTimeoutRemind, "pub_time": "2023-11-15 06:00:00", "content": string(c)}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A TMC deadline outside the sane window around its event is dropped; the refund is read
// back for the real one.
func TestTMCDeadlineWindow(t *testing.T) {
	bj := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, vocab.China)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name    string
		timeout string
		want    time.Time
	}{
		{"two days after", "2023-11-17 06:00:00", bj("2023-11-17 06:00:00")},
		{"an hour before", "2023-11-15 05:00:00", bj("2023-11-15 05:00:00")},
		{"two days before", "2023-11-13 06:00:00", time.Time{}},
		{"61 days after", "2024-01-15 06:00:01", time.Time{}},
		{"years ahead", "2033-11-17 06:00:00", time.Time{}},
		{"year 1970", "1970-01-20 16:13:20", time.Time{}},
		{"unreadable", "17000000000", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.tmc = tmcMessages(t, map[string]any{"refund_id": liveRefund, "tid": knownOrder, "modified": "2023-11-15 06:00:00", "timeout": tt.timeout})
			events, _, err := f.client(t, nil).Consume(context.Background())
			if err != nil || len(events) != 1 {
				t.Fatalf("Consume=%+v, %v", events, err)
			}
			if e := events[0]; e.Kind != adapters.EventDeadline || !e.Deadline.Equal(tt.want) || !e.At.Equal(bj("2023-11-15 06:00:00")) {
				t.Fatalf("event %+v, want deadline %v", e, tt.want)
			}
		})
	}
}

func TestTMCFieldBounds(t *testing.T) {
	long := strings.Repeat("9", adapters.MaxIDBytes+1)
	tests := []struct {
		name    string
		content map[string]any
		events  int
	}{
		{"ids in bounds", map[string]any{"refund_id": liveRefund, "tid": knownOrder}, 1},
		{"refund_id too long", map[string]any{"refund_id": long, "tid": knownOrder}, 0},
		{"tid too long", map[string]any{"refund_id": liveRefund, "tid": long}, 0},
		{"modified in the future: consumed now", map[string]any{"refund_id": liveRefund, "modified": "2023-11-16 06:00:00"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.tmc = tmcMessages(t, tt.content)
			events, ids, err := f.client(t, nil).Consume(context.Background())
			if err != nil || len(events) != tt.events || len(ids) != 1 {
				t.Fatalf("Consume=%+v ids %v, %v; want %d events and the message confirmed", events, ids, err, tt.events)
			}
			for _, e := range events {
				if e.At.After(testNow) {
					t.Fatalf("At=%v after the consume time %v", e.At, testNow)
				}
			}
		})
	}
}
