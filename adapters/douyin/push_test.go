package douyin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aftersale/aftersale/adapters"
)

const pushVector = `[{"tag":"200","msg_id":"7000000000000000000","data":"{\"aftersale_id\":7000000000000000001,\"p_id\":4781320682406083640}"}]`

const pushVectorSign = "0c90fc7c7b8d5dc96148aff0f4a9eff2"

func TestVerifyPush(t *testing.T) {
	tests := []struct {
		name, body, sign string
		want             bool
	}{
		{"vector", pushVector, pushVectorSign, true},
		{"vector upper-case", pushVector, strings.ToUpper(pushVectorSign), true},
		{"body changed", strings.Replace(pushVector, "200", "207", 1), pushVectorSign, false},
		{"empty sign", pushVector, "", false},
		{"wrong sign", pushVector, "0c90fc7c7b8d5dc96148aff0f4a9eff3", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerifyPush(testAppKey, testSecret, []byte(tt.body), tt.sign); got != tt.want {
				t.Fatalf("VerifyPush=%v, want %v", got, tt.want)
			}
		})
	}
}

func TestParsePush(t *testing.T) {
	now := time.Unix(1700000500, 0)
	tests := []struct {
		name string
		body string
		want []adapters.Event
		err  bool
	}{
		{"vector: created, ids exact", pushVector, []adapters.Event{{Platform: Name, Kind: adapters.EventCreated, AfterSaleID: "7000000000000000001", OrderID: "4781320682406083640", At: now}}, false},
		{"closed with update time", `[{"tag":"207","msg_id":"1","data":"{\"aftersale_id\":\"7000000000000000002\",\"p_id\":\"4781320682406083640\",\"update_time\":1700000100}"}]`,
			[]adapters.Event{{Platform: Name, Kind: adapters.EventClosed, AfterSaleID: "7000000000000000002", OrderID: "4781320682406083640", At: time.Unix(1700000100, 0)}}, false},
		{"deadline change", `[{"tag":"209","msg_id":"2","data":"{\"aftersale_id\":7000000000000000003,\"p_id\":1,\"status_deadline\":1700090000}"}]`,
			[]adapters.Event{{Platform: Name, Kind: adapters.EventDeadline, AfterSaleID: "7000000000000000003", OrderID: "1", Deadline: time.Unix(1700090000, 0), At: now}}, false},
		{"success is an update; order tags ignored", `[{"tag":"100","msg_id":"3","data":"{}"},{"tag":"206","msg_id":"4","data":"{\"aftersale_id\":5,\"p_id\":6}"}]`,
			[]adapters.Event{{Platform: Name, Kind: adapters.EventUpdated, AfterSaleID: "5", OrderID: "6", At: now}}, false},
		{"not an array", `{"tag":"200"}`, nil, true},
		{"data not JSON", `[{"tag":"200","msg_id":"5","data":"nope"}]`, nil, true},
		{"no aftersale id", `[{"tag":"200","msg_id":"6","data":"{\"p_id\":1}"}]`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePush([]byte(tt.body), now)
			if (err != nil) != tt.err {
				t.Fatalf("err=%v, want error %v", err, tt.err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("events=%+v, want %+v", got, tt.want)
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.Platform != w.Platform || g.Kind != w.Kind || g.AfterSaleID != w.AfterSaleID || g.OrderID != w.OrderID || !g.Deadline.Equal(w.Deadline) || !g.At.Equal(w.At) {
					t.Fatalf("event[%d]=%+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestPushHandler(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		sign       string
		handlerErr error
		wantStatus int
		wantBody   string
		wantCalls  int
	}{
		{"ok", http.MethodPost, pushVectorSign, nil, 200, `{"code":0,"msg":"success"}`, 1},
		{"bad sign", http.MethodPost, "00", nil, 400, `{"code":40000,"msg":"rejected"}`, 0},
		{"handler fails: platform must redeliver", http.MethodPost, pushVectorSign, errors.New("db down"), 500, `{"code":500,"msg":"retry later"}`, 1},
		{"GET", http.MethodGet, pushVectorSign, nil, 405, `{"code":405,"msg":"method not allowed"}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []adapters.Event
			h := NewPushHandler(testAppKey, testSecret, func() time.Time { return testNow }, func(_ context.Context, e adapters.Event) error {
				got = append(got, e)
				return tt.handlerErr
			})
			req := httptest.NewRequest(tt.method, "/push/douyin", strings.NewReader(pushVector))
			req.Header.Set("event-sign", tt.sign)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body, _ := io.ReadAll(rec.Body)
			if rec.Code != tt.wantStatus || string(body) != tt.wantBody {
				t.Fatalf("answer %d %s, want %d %s", rec.Code, body, tt.wantStatus, tt.wantBody)
			}
			if len(got) != tt.wantCalls {
				t.Fatalf("handler called %d times, want %d", len(got), tt.wantCalls)
			}
			if tt.wantCalls > 0 && (got[0].AfterSaleID != "7000000000000000001" || got[0].Kind != adapters.EventCreated) {
				t.Fatalf("event=%+v", got[0])
			}
		})
	}
}
