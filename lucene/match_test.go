package lucene

import (
	"regexp"
	"testing"
)

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"abc", "abc", 2, 0},
		{"abc", "acb", 2, 1}, // a transposition is one edit
		{"timed", "tmed", 2, 1},
		{"abc", "xyz", 5, 3},
		{"abc", "xyz", 1, 2}, // stops past the limit
		{"a", "abcd", 2, 3},  // lengths alone exceed the limit
		{"ca", "abc", 5, 3},  // optimal string alignment, not full Damerau (2)
		{"éa", "aé", 1, 1},   // counted in characters, not bytes
	} {
		if got := EditDistance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}

func TestWildcardRE2(t *testing.T) {
	for _, c := range []struct {
		pattern, text string
		want          bool
	}{
		{`conn*`, "connection", true},
		{`c?nn`, "conn", true},
		{`c\*`, "cx", false},
		{`c\*`, "c*", true},
		{`café*`, "cafés", true},  // a character outside ASCII, as written
		{`caf\é*`, "cafés", true}, // and escaped
		{`caf?s`, "cafés", true},  // `?` is one character, not one byte
		{`a.b`, "axb", false},
	} {
		re := regexp.MustCompile(WildcardRE2(c.pattern))
		if got := re.MatchString(c.text); got != c.want {
			t.Errorf("%s on %q: %v, want %v", c.pattern, c.text, got, c.want)
		}
	}
}

func TestAutoEdits(t *testing.T) {
	for text, want := range map[string]int{"": 0, "ab": 0, "abc": 1, "abcde": 1, "abcdef": 2, "éé": 0, "ééé": 1} {
		if got := AutoEdits(text); got != want {
			t.Errorf("AutoEdits(%q) = %d, want %d", text, got, want)
		}
	}
}
