package lucene

import (
	"testing"

	"github.com/recheckgen/recheckgen/analysis"
)

// FuzzParse: no input panics; an error is an *Error inside the query;
// whatever parses has spans inside the query and prints to a string that
// parses back to the same tree, and prints again the same, under both
// default operators; and read as elastic-recheck's index holds its
// fields, the same holds and the printed query reads back the same.
func FuzzParse(f *testing.F) {
	for _, tt := range validCases {
		f.Add(tt.in)
	}
	for _, tt := range errorCases {
		f.Add(tt.in)
	}
	for _, q := range realQueries(f) {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, op := range []Operator{AND, OR} {
			n, warns, err := Parse(src, Options{DefaultOperator: op})
			if err != nil {
				e, ok := err.(*Error)
				if !ok {
					t.Fatalf("error of type %T: %v", err, err)
				}
				if n != nil || e.Offset < 0 || e.Offset > len(src) || e.Msg == "" {
					t.Fatalf("Parse(%q) = %v, %+v", src, n, e)
				}
				continue
			}
			checkSpans(t, src, n, warns)
			checkRoundTrip(t, src, n, op)
		}
		for _, op := range []Operator{AND, OR} {
			opts := Options{DefaultOperator: op, Index: analysis.Elastic}
			n, warns, err := Parse(src, opts)
			if err != nil {
				if e, ok := err.(*Error); !ok || n != nil || e.Offset < 0 || e.Offset > len(src) {
					t.Fatalf("Parse(%q) with the index = %v, %v", src, n, err)
				}
				continue
			}
			checkSpans(t, src, n, warns)
			checkRoundTrip(t, src, n, op)
			back, _, err := Parse(String(n), opts)
			if err != nil || !Equal(n, back) {
				t.Fatalf("Parse(%q) with the index prints %q, which reads back as %v, %v", src, String(n), back, err)
			}
		}
	})
}

func checkSpans(t testing.TB, src string, n Node, warns []Warning) {
	t.Helper()
	ok := func(s Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(src) }
	Walk(n, func(c Node) bool {
		if !ok(c.Pos()) {
			t.Fatalf("Parse(%q): %T has span %v", src, c, c.Pos())
		}
		return true
	})
	for _, w := range warns {
		if !ok(w.Span) || w.Msg == "" {
			t.Fatalf("Parse(%q): warning %+v", src, w)
		}
	}
}
