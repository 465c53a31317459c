package site

import (
	"strings"
	"testing"
)

// TestMoreWords: the words past the index's cut of a text are kept once
// each, a word the cut splits whole, without those the kept text holds,
// numbers or single letters.
func TestMoreWords(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"short text", 20, ""},
		{"run worlddump.py when stack.sh fails", 8, "worlddump py when stack sh fails"}, // "worlddump" split at 8
		{"nova cells: nova, Cells and 42 x cell0 oslo_messaging", 10, "and cell0 oslo_messaging"},
		{"café naïve résumé café", 6, "naïve résumé"},
	} {
		if got := moreWords(tc.s, tc.n); got != tc.want {
			t.Errorf("moreWords(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
	long := strings.Repeat("word ", 200) + "superconductor"
	if got := moreWords(long, searchTextMax); got != "superconductor" {
		t.Errorf("a long text's new word: %q", got)
	}
}
