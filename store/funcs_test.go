package store

import "testing"

// TestFuzzyMatch: which words a fuzzy term finds, as real Lucene 4.10
// found them for these words (run through internal/luceneref, the
// differential test's reference): within the edits, and with fewer edits
// than the shorter word has characters.
func TestFuzzyMatch(t *testing.T) {
	words := []string{"a", "b", "ab", "ba", "abc", "abd", "xbc", "abcd", "bcd", "x", "xy", "xyz", "axy", "abcde", "abxde", "axcye", "tmed", "timed", "tamed", "timer", "ti"}
	for _, c := range []struct {
		term string
		n    int
		want []string
	}{
		{"a", 1, []string{"a"}},
		{"a", 2, []string{"a"}},
		{"ab", 1, []string{"ab", "ba", "abc", "abd"}},
		{"ab", 2, []string{"ab", "ba", "abc", "abd"}},
		{"abc", 1, []string{"ab", "abc", "abd", "xbc", "abcd"}},
		{"abc", 2, []string{"ab", "abc", "abd", "xbc", "abcd", "bcd", "axy", "abcde"}},
		{"abcde", 2, []string{"abc", "abd", "abcd", "bcd", "abcde", "abxde", "axcye"}},
		{"tmed", 2, []string{"tmed", "timed", "tamed", "timer"}},
		{"ti", 1, []string{"ti"}},
		{"x", 1, []string{"x"}},
	} {
		var got []string
		for _, w := range words {
			if fuzzyMatch(w, c.term, c.n) {
				got = append(got, w)
			}
		}
		if !sameSet(got, c.want) {
			t.Errorf("%s~%d finds %v, Lucene %v", c.term, c.n, got, c.want)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]bool{}
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}
