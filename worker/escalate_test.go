package worker_test

import (
	"testing"
	"time"

	"github.com/aftersale/aftersale/cases"
	"github.com/aftersale/aftersale/notify"
	"github.com/aftersale/aftersale/worker"
)

func TestEscalationLevel(t *testing.T) {
	e := worker.Escalation{}
	for _, tc := range []struct {
		kind string
		left time.Duration
		want notify.Level
	}{
		{cases.AlertNewCase, 24 * time.Hour, notify.LevelInfo},
		{cases.AlertComplaint, 2 * time.Hour, notify.LevelUrgent},
		{cases.AlertWarn, 6 * time.Hour, notify.LevelInfo},
		{cases.AlertWarn, time.Hour, notify.LevelWarn},
		{cases.AlertWarn, 61 * time.Minute, notify.LevelInfo},
		{cases.AlertWarn, 15 * time.Minute, notify.LevelUrgent},
		{cases.AlertReminder, 30 * time.Minute, notify.LevelWarn},
		{cases.AlertOverdue, 0, notify.LevelUrgent},
		{cases.AlertBuyerCancelled, -time.Hour, notify.LevelInfo},
	} {
		if got := e.Level(tc.kind, "refund", tc.left); got != tc.want {
			t.Errorf("Level(%s, %v)=%v, want %v", tc.kind, tc.left, got, tc.want)
		}
	}
	// A buyer's question is nudged, not sounded like a complaint, until it is overdue.
	if got := e.Level(cases.AlertReminder, cases.IntentQuestion, time.Minute); got != notify.LevelWarn {
		t.Errorf("question reminder with a minute left: %v, want warn", got)
	}
	if got := e.Level(cases.AlertOverdue, cases.IntentQuestion, 0); got != notify.LevelUrgent {
		t.Errorf("overdue question: %v, want urgent", got)
	}
}
