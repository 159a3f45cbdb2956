// Command genrarity counts the characters, and the pairs of adjacent characters, of the
// embedded buyer corpus and writes the tables package faq embeds (go generate ./faq).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aftersale/aftersale/faq"
)

func main() {
	out := flag.String("o", "rarity.txt", "character table to write")
	pairsOut := flag.String("pairs", "pairs.txt", "pair table to write")
	flag.Parse()
	df, docs, err := faq.CharCounts()
	check(err)
	writeFile(*out, func(w io.Writer) error { return faq.WriteCounts(w, df, docs) })
	fmt.Printf("genrarity: wrote %s (%d characters, %d messages)\n", *out, len(df), docs)
	pdf, docs, err := faq.PairCounts()
	check(err)
	writeFile(*pairsOut, func(w io.Writer) error { return faq.WritePairs(w, pdf, docs) })
	fmt.Printf("genrarity: wrote %s (%d distinct pairs, those in at least 2 of %d messages)\n", *pairsOut, len(pdf), docs)
}

// writeFile writes what write produces to path (nothing when write fails).
func writeFile(path string, write func(io.Writer) error) {
	var b bytes.Buffer
	check(write(&b))
	check(os.WriteFile(path, b.Bytes(), 0o644))
}

// check ends the command on err.
func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "genrarity:", err)
		os.Exit(1)
	}
}
