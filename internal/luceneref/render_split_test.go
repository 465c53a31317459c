package luceneref

import (
	"slices"
	"testing"
)

func TestBalancedAndSplitTop(t *testing.T) {
	for _, c := range []struct {
		in    string
		ok    bool
		split []string
	}{
		{`a,b`, true, []string{"a", "b"}},
		{`f(a,b),c`, true, []string{"f(a,b)", "c"}},
		{`"x,(y",z`, true, []string{`"x,(y"`, "z"}},
		{`"a\",b",c`, true, []string{`"a\",b"`, "c"}},
		{`a(`, false, []string{"a("}},
		{`a),(b`, false, []string{"a),(b"}}, // a comma below depth 0 separates nothing
		{``, true, []string{""}},
	} {
		if got := balanced(c.in); got != c.ok {
			t.Errorf("balanced(%q) = %v, want %v", c.in, got, c.ok)
		}
		if got := splitTop(c.in); !slices.Equal(got, c.split) {
			t.Errorf("splitTop(%q) = %q, want %q", c.in, got, c.split)
		}
	}
}
