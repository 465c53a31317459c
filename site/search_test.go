package site

import (
	"strings"
	"testing"
)

// TestCutMore: a text is cut to n characters, and the words past the cut
// are kept once each, a word the cut splits whole, without those the kept
// text holds, numbers or single letters.
func TestCutMore(t *testing.T) {
	for _, tc := range []struct {
		s          string
		n          int
		head, more string
	}{
		{"short text", 20, "short text", ""},
		{"run worlddump.py when stack.sh fails", 8, "run worl…", "worlddump py when stack sh fails"}, // "worlddump" split at 8
		{"nova cells: nova, Cells and 42 x cell0 oslo_messaging", 10, "nova cells…", "and cell0 oslo_messaging"},
		{"café naïve résumé café", 6, "café n…", "naïve résumé"},
		{"ab€", 2, "ab…", ""}, // the cut's mark as long as what it cut
	} {
		head, more := cutMore(tc.s, tc.n)
		if head != tc.head || more != tc.more {
			t.Errorf("cutMore(%q, %d) = %q, %q; want %q, %q", tc.s, tc.n, head, more, tc.head, tc.more)
		}
	}
	long := strings.Repeat("word ", 200) + "superconductor"
	if _, more := cutMore(long, searchTextMax); more != "superconductor" {
		t.Errorf("a long text's new word: %q", more)
	}
}
