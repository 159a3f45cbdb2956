// Command aftersale runs a small shop's after-sale desk (售后) in chat.
//
//	aftersale chat          terminal demo on the embedded defaults
//	aftersale classify TEXT what the bot reads in a message
//	aftersale eval FILE     measure the classifier on labelled messages
//	aftersale cases         list cases in the store
//	aftersale check-config  validate a config file
//	aftersale config        print the default config
package main

import (
	"context"
	_ "embed"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // deadlines are shown in China time even on machines without zoneinfo
)

//go:embed config.toml
var defaultConfig []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	os.Exit(m.Run(ctx, os.Args[1:]))
}
