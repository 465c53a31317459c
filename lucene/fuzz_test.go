package lucene

import "testing"

// FuzzParse: no input panics, and whatever parses prints to a string that
// parses back to the same tree under both default operators.
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
			n, _, err := Parse(src, Options{DefaultOperator: op})
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error of type %T: %v", err, err)
				}
				continue
			}
			checkRoundTrip(t, src, n, op)
		}
	})
}
