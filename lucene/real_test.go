package lucene

import (
	"path/filepath"
	"testing"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/internal/fixtures"
)

// realQueries is every query string of elastic-recheck's real query files
// and unit-test sets (fixtures.RealQueries), by file.
func realQueries(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, q := range fixtures.RealQueries(t) {
		out[q.File] = q.Text
	}
	return out
}

// TestRealQueriesRoundTrip: every real query parses under both default
// operators, prints, and parses back to the same tree.
func TestRealQueriesRoundTrip(t *testing.T) {
	for file, q := range realQueries(t) {
		for _, op := range []Operator{AND, OR} {
			n, warns, err := Parse(q, Options{DefaultOperator: op})
			if err != nil {
				t.Errorf("%s (%s): %v\n%s", filepath.Base(file), op, err, q)
				continue
			}
			// elastic-recheck's authors parenthesise: nothing is dropped.
			if len(warns) > 0 {
				t.Errorf("%s (%s): warnings %+v", filepath.Base(file), op, warns)
			}
			checkSpans(t, q, n, warns)
			checkRoundTrip(t, q, n, op)
			// Read as elastic-recheck's index holds its fields: no value
			// of theirs is dropped, split or lower-cased with a warning.
			if _, warns, err := Parse(q, Options{DefaultOperator: op, Index: analysis.Elastic}); err != nil || len(warns) > 0 {
				t.Errorf("%s (%s) with the index: %v %+v", filepath.Base(file), op, err, warns)
			}
		}
	}
}

func checkRoundTrip(t testing.TB, src string, n Node, op Operator) {
	t.Helper()
	printed := String(n)
	for _, op2 := range []Operator{AND, OR} {
		back, _, err := Parse(printed, Options{DefaultOperator: op2})
		if err != nil {
			t.Fatalf("reparse of %q (printed from %q, %s) under %s: %v", printed, src, op, op2, err)
		}
		if !Equal(n, back) {
			t.Fatalf("round trip changed the tree under %s:\n src     %q\n printed %q\n again   %q", op2, src, printed, String(back))
		}
		if again := String(back); again != printed {
			t.Fatalf("print not idempotent: %q then %q", printed, again)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	var qs []string
	for _, q := range realQueries(b) {
		qs = append(qs, q)
	}
	b.ResetTimer()
	for range b.N {
		for _, q := range qs {
			if _, _, err := Parse(q, Options{DefaultOperator: AND}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
