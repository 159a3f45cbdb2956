package taobao

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aftersale/aftersale/adapters"
)

// TMC refund topics this adapter turns into events; other taobao_refund_* topics are
// reported as updates, anything else is consumed and confirmed without an event.
const (
	TopicRefundCreated       = "taobao_refund_RefundCreated"
	TopicRefundTimeoutRemind = "taobao_refund_RefundTimeoutRemind"
	TopicRefundSuccess       = "taobao_refund_RefundSuccess"
	TopicRefundClosed        = "taobao_refund_RefundClosed"
)

// tmcBatch is how many messages one Consume asks for (the API's maximum is 200).
const tmcBatch = "100"

func topicKind(topic string) (adapters.EventKind, bool) {
	switch topic {
	case TopicRefundCreated:
		return adapters.EventCreated, true
	case TopicRefundTimeoutRemind:
		return adapters.EventDeadline, true
	case TopicRefundClosed:
		return adapters.EventClosed, true
	}
	if strings.HasPrefix(topic, "taobao_refund_") {
		return adapters.EventUpdated, true
	}
	return "", false
}

type tmcMessage struct {
	ID      flexID `json:"id"`
	Topic   string `json:"topic"`
	Content string `json:"content"` // the topic's JSON, as a string
	PubTime string `json:"pub_time"`
}

// tmcContent is the part of a refund message's content read here. timeout is carried by
// RefundTimeoutRemind (unverified field name; read when present).
type tmcContent struct {
	RefundID flexID `json:"refund_id"`
	Tid      flexID `json:"tid"`
	Modified string `json:"modified"`
	Timeout  string `json:"timeout"`
}

// Consume pulls a batch of TMC messages with taobao.tmc.messages.consume and returns the
// after-sale events in them and the ids of every message pulled. Pass the ids to Confirm
// once the events are safely stored: unconfirmed messages are delivered again, so a
// crash between the two repeats events rather than losing them.
func (c *Client) Consume(ctx context.Context) ([]adapters.Event, []string, error) {
	events, ids, err := c.consume(ctx)
	return events, ids, c.red.Error(err)
}

func (c *Client) consume(ctx context.Context) ([]adapters.Event, []string, error) {
	var r struct {
		Messages struct {
			TmcMessage []tmcMessage `json:"tmc_message"`
		} `json:"messages"`
	}
	params := map[string]string{"group_name": c.o.TMCGroup, "quantity": tmcBatch}
	if err := c.call(ctx, "taobao.tmc.messages.consume", params, false, &r); err != nil {
		return nil, nil, fmt.Errorf("taobao tmc consume: %w", err)
	}
	var events []adapters.Event
	var ids []string
	for _, m := range r.Messages.TmcMessage {
		// An id that is empty or holds the list separator cannot be confirmed, and sent
		// along it would spoil the confirm of the whole batch.
		if id := string(m.ID); id != "" && !strings.Contains(id, ",") {
			ids = append(ids, id)
		}
		kind, ok := topicKind(m.Topic)
		if !ok {
			continue
		}
		var ct tmcContent
		if err := json.Unmarshal([]byte(m.Content), &ct); err != nil || ct.RefundID == "" ||
			adapters.CheckID("refund_id", string(ct.RefundID)) != nil || adapters.CheckID("tid", string(ct.Tid)) != nil {
			// A malformed message cannot become valid on redelivery; it is confirmed with
			// the rest and skipped.
			continue
		}
		now := c.o.Now()
		at := parseTime(ct.Modified)
		if at.IsZero() {
			at = parseTime(m.PubTime)
		}
		e := adapters.Event{
			Platform: Name, Kind: kind, AfterSaleID: string(ct.RefundID), OrderID: string(ct.Tid),
			At: adapters.EventTime(at, now),
		}
		// A deadline outside the sane window around the event is dropped: the engine
		// reads the refund back for the real one.
		e.Deadline = adapters.SaneDeadline(parseTime(ct.Timeout), e.At)
		events = append(events, e)
	}
	return events, ids, nil
}

// Confirm acknowledges consumed messages with taobao.tmc.messages.confirm.
func (c *Client) Confirm(ctx context.Context, ids []string) error {
	return c.red.Error(c.confirm(ctx, ids))
}

func (c *Client) confirm(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var r struct {
		IsSuccess bool `json:"is_success"`
	}
	params := map[string]string{"group_name": c.o.TMCGroup, "s_message_ids": strings.Join(ids, ",")}
	if err := c.call(ctx, "taobao.tmc.messages.confirm", params, false, &r); err != nil {
		return fmt.Errorf("taobao tmc confirm %d messages: %w", len(ids), err)
	}
	if !r.IsSuccess {
		return fmt.Errorf("taobao tmc confirm %d messages: %w", len(ids), &adapters.APIError{Platform: Name, Op: "taobao.tmc.messages.confirm", Code: "not_confirmed", Retryable: true})
	}
	return nil
}
