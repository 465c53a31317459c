package lucene

import "testing"

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
