// Command genmodel trains the intent classifier on the embedded corpus and writes the
// model file intents embeds (go generate ./intents).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/aftersale/aftersale/intents"
)

func main() {
	out := flag.String("o", "model.bin", "model file to write")
	flag.Parse()
	var b bytes.Buffer
	if err := intents.MarshalModel(&b); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	fmt.Printf("genmodel: wrote %s (%d bytes)\n", *out, b.Len())
}
