// Package bot is the conversation engine: it turns one incoming chat message into the
// case changes and replies it calls for, and answers merchants' chat commands. Channels
// (bot/console, bot/wechat) own the goroutines; the engine is a synchronous call.
package bot

import (
	"context"
	"time"
)

// Kind is what a chat message carries.
type Kind string

// Message kinds.
const (
	KindText  Kind = "text"
	KindImage Kind = "image"
	KindVoice Kind = "voice"
	KindVideo Kind = "video"
	KindFile  Kind = "file"
)

// Message is one incoming chat message. Buyers and merchants are plain stable ids; a
// channel resolves them to its own contacts.
type Message struct {
	// ID is the channel's message id; a message seen before is handled once. May be empty.
	ID   string
	Shop string
	From string // stable sender id
	Name string // display name, for the merchant's alerts
	Kind Kind
	Text string
	// Media is the saved file of a picture, voice, video or file message.
	Media string
	At    time.Time
	// replayed marks a message held during a store fault and handled again.
	replayed bool
}

// Sender delivers a committed reply to its recipient on the channel.
type Sender interface {
	Send(ctx context.Context, to, text string) error
}

// SenderFunc adapts a function to a Sender.
type SenderFunc func(ctx context.Context, to, text string) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, to, text string) error { return f(ctx, to, text) }
