package main

import (
	"fmt"
	"io"

	"github.com/recheckgen/recheckgen/internal/termsafe"
)

// fetchWarnings is how many warnings a summary prints, the rest counted
// (--verbose prints them all).
const fetchWarnings = 5

// printWarnings prints warns, each on one line after indent, the first
// limit of them (all when limit < 0), then how many more, with hint
// saying how to see them.
func printWarnings(w io.Writer, indent string, warns []string, limit int, hint string) {
	for i, wn := range warns {
		if limit >= 0 && i == limit {
			fmt.Fprintf(w, "%s... and %d more warning(s)%s\n", indent, len(warns)-i, hint)
			return
		}
		fmt.Fprintf(w, "%swarning: %s\n", indent, termsafe.Line(wn))
	}
}

// texts is each item's text, as fmt prints it.
func texts[T any](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = fmt.Sprint(it)
	}
	return out
}
