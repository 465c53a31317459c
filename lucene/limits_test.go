package lucene

import (
	"fmt"
	"strings"
	"testing"
)

func TestLimits(t *testing.T) {
	many := func(n int, op string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("message:w%d", i)
		}
		return strings.Join(parts, op)
	}
	for _, tc := range []struct {
		query string
		err   string // "" when allowed
	}{
		{many(100, " OR "), ""},
		{many(101, " OR "), "offset 1490: more than 100 clauses"}, // at the 101st
		{many(200, " AND "), "more than 100 clauses"},
		{"message:" + strings.Repeat("*a", 8), ""},
		{"message:" + strings.Repeat("*a", 9), "offset 0: wildcard pattern with 9 `*` or `?`: at most 8"},
		{"message:" + strings.Repeat("*a", 2000), "wildcard pattern of 4000 bytes"},
		{`message:` + strings.Repeat(`\*`, 8) + "*x", ""}, // escaped stars are letters
		{"build_name:/" + strings.Repeat("a", 101) + "/", "regular expression of 101 bytes"},
		{`message:"` + strings.Repeat("word ", 4000) + `"`, "offset 16384: query of 20010 bytes: at most 16384"},
	} {
		_, _, err := Parse(tc.query, Options{})
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%.40s...: %v", tc.query, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%.40s...: got %v, want %q", tc.query, err, tc.err)
		}
	}
	if _, _, err := Parse(many(500, " OR "), Options{Limits: &Limits{MaxLength: 1 << 20, MaxClauses: 1000, MaxPattern: 10, MaxWildcards: 1}}); err != nil {
		t.Errorf("explicit limits: %v", err)
	}
}

// TestRealQueriesWithinLimits: the limits leave every real query of
// elastic-recheck room; the largest is logged.
func TestRealQueriesWithinLimits(t *testing.T) {
	most, longest := 0, 0
	for file, q := range realQueries(t) {
		n, _, err := Parse(q, Options{})
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		clauses := 0
		Walk(n, func(n Node) bool {
			switch n.(type) {
			case *And, *Or, *Not:
				return true
			}
			clauses++
			return false
		})
		most, longest = max(most, clauses), max(longest, len(q))
	}
	if most*3 > DefaultLimits.MaxClauses || longest*3 > DefaultLimits.MaxLength {
		t.Errorf("the real queries come near the limits: %d clauses, %d bytes", most, longest)
	}
	t.Logf("largest real query: %d clauses; longest: %d bytes", most, longest)
}
