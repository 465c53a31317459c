package lucene

// Limits bound what one query may ask of a backend, so that a query from a
// contributor's pull request cannot hold the scheduled build: every
// wildcard or regular expression on the message is tested against each
// token of each line, and each clause adds to the SQL expression (SQLite
// refuses a tree over 1,000 deep) or to the search server's work.
type Limits struct {
	MaxLength    int // bytes of query text
	MaxClauses   int // terms, phrases, wildcards, regexps, ranges, exists
	MaxPattern   int // bytes of one wildcard or regular expression
	MaxWildcards int // `*` and `?` in one wildcard pattern
}

// DefaultLimits leave real queries ample room: the largest of elastic-
// recheck's (TestRealQueriesWithinLimits) has 6 clauses in 359 bytes.
var DefaultLimits = Limits{MaxLength: 16 << 10, MaxClauses: 100, MaxPattern: 100, MaxWildcards: 8}

// check reports the first limit n exceeds, at the clause that exceeds it.
func (l Limits) check(n Node) *Error {
	var err *Error
	clauses := 0
	Walk(n, func(n Node) bool {
		if err != nil {
			return false
		}
		switch n := n.(type) {
		case *And, *Or, *Not:
			return true
		case *Wildcard:
			if len(n.Pattern) > l.MaxPattern {
				err = errorf(n.Span.Start, "wildcard pattern of %d bytes: at most %d may be tested against every word of every line", len(n.Pattern), l.MaxPattern)
			} else if k := wildcards(n.Pattern); k > l.MaxWildcards {
				err = errorf(n.Span.Start, "wildcard pattern with %d `*` or `?`: at most %d", k, l.MaxWildcards)
			}
		case *Regexp:
			if len(n.Pattern) > l.MaxPattern {
				err = errorf(n.Span.Start, "regular expression of %d bytes: at most %d may be tested against every word of every line", len(n.Pattern), l.MaxPattern)
			}
		}
		if clauses++; err == nil && clauses > l.MaxClauses {
			err = errorf(n.Pos().Start, "more than %d clauses: split the query, or match a more specific phrase", l.MaxClauses)
		}
		return false
	})
	return err
}

// wildcards counts the unescaped `*` and `?` of a pattern.
func wildcards(p string) int {
	n := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '*', '?':
			n++
		}
	}
	return n
}

// checkLength refuses a query text over the limit before it is read.
func (l Limits) checkLength(src string) *Error {
	if len(src) > l.MaxLength {
		return errorf(l.MaxLength, "query of %d bytes: at most %d", len(src), l.MaxLength)
	}
	return nil
}
