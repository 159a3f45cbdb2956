// Command genrarity counts the characters, and the pairs of adjacent characters, of the
// embedded buyer corpus and writes the tables package faq embeds (go generate ./faq).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/aftersale/aftersale/faq"
)

func main() {
	out := flag.String("o", "rarity.txt", "character table to write")
	pairsOut := flag.String("pairs", "pairs.txt", "pair table to write")
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
	pdf, docs, err := faq.PairCounts()
	if err != nil {
		fmt.Fprintln(os.Stderr, "genrarity:", err)
		os.Exit(1)
	}
	b.Reset()
	if err := faq.WritePairs(&b, pdf, docs); err != nil {
		fmt.Fprintln(os.Stderr, "genrarity:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*pairsOut, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genrarity:", err)
		os.Exit(1)
	}
	fmt.Printf("genrarity: wrote %s (%d distinct pairs, those in at least 2 of %d messages)\n", *pairsOut, len(pdf), docs)
}
