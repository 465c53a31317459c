package lucene

import (
	"regexp"
	"strings"
	"testing"
)

// Lucene's regular-expression syntax is not RE2's: each case is a pattern
// as Lucene reads it and strings it must and must not match whole.
func TestRE2(t *testing.T) {
	for _, c := range []struct {
		pattern    string
		match, not []string
	}{
		{`abc`, []string{"abc"}, []string{"abcd", "xabc"}},
		{`a.c`, []string{"abc", "a.c", "a\nc"}, []string{"ac"}},
		{`java\.io\..*`, []string{"java.io.x", "java.io."}, []string{"javaxio.x"}},
		{`\d+`, []string{"d", "ddd"}, []string{"1", "12"}}, // \d is the letter d
		{`a\*b`, []string{"a*b"}, []string{"ab"}},
		{`^a$`, []string{"^a$"}, []string{"a"}}, // ^ and $ are characters
		{`[a-c]+x`, []string{"abcx", "ax"}, []string{"dx", "x"}},
		{`[^a-c]`, []string{"d", "-"}, []string{"a", "dd"}},
		{`[]a]`, []string{"]", "a"}, []string{"b"}},
		{`[\]\-]`, []string{"]", "-"}, []string{"\\"}},
		{`(ab|cd)e`, []string{"abe", "cde"}, []string{"abcde"}},
		{`ab|`, nil, nil}, // an error: nothing after |
		{`a{2,3}`, []string{"aa", "aaa"}, []string{"a", "aaaa"}},
		{`a{2,}`, []string{"aa", "aaaaa"}, []string{"a"}},
		{`a{2}`, []string{"aa"}, []string{"aaa"}},
		{`"a.b*"c`, []string{"a.b*c"}, []string{"aab*c", "a.bc"}},
		{`a@`, []string{"a", "abc"}, []string{"b"}},
		{`a#`, nil, []string{"a", ""}},
		{`()a`, []string{"a"}, []string{""}},
		{`)`, []string{")"}, nil},
		{`|a`, []string{"|a"}, []string{"a"}},
		{`é+`, []string{"éé"}, []string{"e"}},
		{``, []string{""}, []string{"a"}},
	} {
		re, err := RE2(c.pattern)
		if c.match == nil && c.not == nil {
			if err == nil {
				t.Errorf("RE2(%q) = %q, want an error", c.pattern, re)
			}
			continue
		}
		if err != nil {
			t.Errorf("RE2(%q): %v", c.pattern, err)
			continue
		}
		rx := regexp.MustCompile(re)
		for _, s := range c.match {
			if !rx.MatchString(s) {
				t.Errorf("/%s/ (%s) does not match %q", c.pattern, re, s)
			}
		}
		for _, s := range c.not {
			if rx.MatchString(s) {
				t.Errorf("/%s/ (%s) matches %q", c.pattern, re, s)
			}
		}
	}
}

func TestRE2Errors(t *testing.T) {
	for _, c := range []struct {
		pattern     string
		msg         string
		unsupported bool
	}{
		{`a&b`, "intersection", true},
		{`~a`, "complement", true},
		{`<1-5>`, "numeric interval", true},
		{`<foo>`, "names no automaton", false},
		{`[ab`, "not closed", false},
		{`(ab`, "never closed", false},
		{`a{`, "needs a number", false},
		{`a{2`, "not closed with `}`", false},
		{`"ab`, "not closed", false},
		{`ab\`, "escapes nothing", false},
		{`[b-a]`, "runs backwards", false},
		{`a{2000}`, "too large", true},
	} {
		_, err := RE2(c.pattern)
		e, ok := err.(*RegexpError)
		if !ok || !strings.Contains(e.Msg, c.msg) || e.Unsupported != c.unsupported {
			t.Errorf("RE2(%q) = %v, want an error containing %q (unsupported %v)", c.pattern, err, c.msg, c.unsupported)
		}
	}
}
