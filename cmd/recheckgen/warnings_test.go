package main

import (
	"strings"
	"testing"
)

// TestPrintWarnings: the first limit warnings, each on one line with its
// escapes shown, then how many more and how to see them.
func TestPrintWarnings(t *testing.T) {
	warns := []string{"a", "b\n::error::x", "c"}
	for _, tc := range []struct {
		limit int
		want  string
	}{
		{-1, "  warning: a\n  warning: b␊::error::x\n  warning: c\n"},
		{3, "  warning: a\n  warning: b␊::error::x\n  warning: c\n"},
		{1, "  warning: a\n  ... and 2 more warning(s) (see all)\n"},
		{0, "  ... and 3 more warning(s) (see all)\n"},
	} {
		var b strings.Builder
		printWarnings(&b, "  ", warns, tc.limit, " (see all)")
		if b.String() != tc.want {
			t.Errorf("limit %d:\n%q\nwant\n%q", tc.limit, b.String(), tc.want)
		}
	}
}
