package intents

import (
	"os"
	"testing"
)

// TestDevMeasure prints the eval figures on a file named by INTENTS_EVAL; it measures only.
func TestDevMeasure(t *testing.T) {
	p := os.Getenv("INTENTS_EVAL")
	if p == "" {
		t.Skip("INTENTS_EVAL not set")
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := ReadExamples(f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	Evaluate(c, ex).Print(os.Stdout)
}
