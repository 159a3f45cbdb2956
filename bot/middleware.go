package bot

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/aftersale/aftersale/cases"
)

// HandlerFunc handles one message and returns the committed replies to send.
type HandlerFunc func(ctx context.Context, m Message) ([]cases.Reply, error)

// Middleware wraps a handler with a cross-cutting check.
type Middleware func(HandlerFunc) HandlerFunc

// chain applies middleware so that the first one listed runs first.
func chain(h HandlerFunc, mw ...Middleware) HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// Recover turns a panic in a handler into an error, so one bad message cannot take the
// desk down for every other buyer.
func Recover() Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) (r []cases.Reply, err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("handle message from %s: panic: %v\n%s", m.From, p, debug.Stack())
				}
			}()
			return next(ctx, m)
		}
	}
}

// MerchantOnly sends messages from configured merchants to merchant and everyone
// else's to next: a buyer who types "A1 同意" is just a buyer saying something.
func MerchantOnly(isMerchant func(shop, id string) bool, merchant HandlerFunc) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(ctx context.Context, m Message) ([]cases.Reply, error) {
			if isMerchant(m.Shop, m.From) {
				return merchant(ctx, m)
			}
			return next(ctx, m)
		}
	}
}
