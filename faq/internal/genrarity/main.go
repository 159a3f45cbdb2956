// Command genrarity counts the characters of the embedded buyer corpus and writes the
// table package faq embeds (go generate ./faq).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/aftersale/aftersale/faq"
)

func main() {
	out := flag.String("o", "rarity.txt", "table to write")
	flag.Parse()
	df, docs, err := faq.CharCounts()
	if err != nil {
		fmt.Fprintln(os.Stderr, "genrarity:", err)
		os.Exit(1)
	}
	var b bytes.Buffer
	if err := faq.WriteCounts(&b, df, docs); err != nil {
		fmt.Fprintln(os.Stderr, "genrarity:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genrarity:", err)
		os.Exit(1)
	}
	fmt.Printf("genrarity: wrote %s (%d characters, %d messages)\n", *out, len(df), docs)
}
