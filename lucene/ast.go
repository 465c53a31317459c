// Package lucene parses the Lucene/Elasticsearch query_string syntax into a
// small boolean AST, prints it back canonically, and reports positioned
// errors. It knows nothing about YAML, SQL or HTTP.
//
// The AST is semantic, not syntactic: Lucene's clause flags (MUST, SHOULD,
// MUST_NOT, set by AND/OR/NOT, +/- and the default operator exactly as the
// classic query parser does) are folded into And, Or and Not nodes that mean
// the same set of matching documents. Optional (SHOULD) clauses beside
// required ones do not change which documents match, so they are dropped
// with a warning: `a OR b AND c` means `b AND c` in Elasticsearch.
package lucene

// Span is a half-open byte range [Start, End) in the query string.
type Span struct{ Start, End int }

// Node is any node of a parsed query.
type Node interface {
	// Pos is where the node was written in the query string.
	Pos() Span
	node()
}

// And matches documents that match every child. It has two or more
// children, none of them an *And.
type And struct {
	Children []Node
	Span     Span
}

// Or matches documents that match at least one child. It has two or more
// children, none of them an *Or.
type Or struct {
	Children []Node
	Span     Span
}

// Not matches documents that do not match Child. A query that is only
// negative (`NOT a`) matches every document but those, as in Elasticsearch.
type Not struct {
	Child Node
	Span  Span
}

// Term is a single word, `field:word`, optionally fuzzy (`word~`, `word~1`).
// Field is "" for the default field. Text is unescaped.
type Term struct {
	Field string
	Text  string
	// Fuzzy is the edit distance after `~`: -1 when absent, and
	// FuzzyAuto for a bare `~` (Elasticsearch's AUTO).
	Fuzzy int
	Boost float64 // 0 when absent
	Span  Span
}

// FuzzyAuto is Term.Fuzzy for a bare `~`.
const FuzzyAuto = -2

// Phrase is a quoted string, `"a b"` or `field:"a b"~slop`. Text is
// unescaped.
type Phrase struct {
	Field string
	Text  string
	Slop  int // 0 when absent
	Boost float64
	Span  Span
}

// Wildcard is a term holding an unescaped `*` or `?`. Pattern keeps
// backslash escapes so that a literal `*` (written `\*`) stays apart from
// the wildcard `*`: only `\\`, `\*` and `\?` escapes remain in it.
type Wildcard struct {
	Field   string
	Pattern string
	Boost   float64
	Span    Span
}

// Regexp is `/pattern/` or `field:/pattern/`, Lucene's regular expression
// syntax (anchored to the whole term). Pattern is as written between the
// slashes, with `\/` turned into `/`.
type Regexp struct {
	Field   string
	Pattern string
	Boost   float64
	Span    Span
}

// Bound is one end of a Range.
type Bound struct {
	Value     string // unescaped; "" when Unbounded
	Inclusive bool
	Unbounded bool // written `*`
}

// Range is `field:[a TO b]`, `field:{a TO b}`, mixed brackets, or the
// one-sided forms `field:>a`, `>=a`, `<a`, `<=a`.
type Range struct {
	Field    string
	From, To Bound
	Span     Span
}

// Exists is `_exists_:field`.
type Exists struct {
	Field string
	Span  Span
}

// MatchAll is `*:*` (and `*` alone on the default field).
type MatchAll struct {
	Span Span
}

func (n *And) Pos() Span      { return n.Span }
func (n *Or) Pos() Span       { return n.Span }
func (n *Not) Pos() Span      { return n.Span }
func (n *Term) Pos() Span     { return n.Span }
func (n *Phrase) Pos() Span   { return n.Span }
func (n *Wildcard) Pos() Span { return n.Span }
func (n *Regexp) Pos() Span   { return n.Span }
func (n *Range) Pos() Span    { return n.Span }
func (n *Exists) Pos() Span   { return n.Span }
func (n *MatchAll) Pos() Span { return n.Span }

func (*And) node()      {}
func (*Or) node()       {}
func (*Not) node()      {}
func (*Term) node()     {}
func (*Phrase) node()   {}
func (*Wildcard) node() {}
func (*Regexp) node()   {}
func (*Range) node()    {}
func (*Exists) node()   {}
func (*MatchAll) node() {}

// Walk calls fn for n and every node below it, parents first. When fn
// returns false the children of that node are skipped.
func Walk(n Node, fn func(Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	switch n := n.(type) {
	case *And:
		for _, c := range n.Children {
			Walk(c, fn)
		}
	case *Or:
		for _, c := range n.Children {
			Walk(c, fn)
		}
	case *Not:
		Walk(n.Child, fn)
	}
}

// FieldUse is one place a field name is written in a query.
type FieldUse struct {
	Name string
	Span Span // of the node that names it
}

// Fields lists every explicit field a query names, in order, including the
// field of `_exists_:field`.
func Fields(n Node) []FieldUse {
	var out []FieldUse
	Walk(n, func(n Node) bool {
		var f string
		switch n := n.(type) {
		case *Term:
			f = n.Field
		case *Phrase:
			f = n.Field
		case *Wildcard:
			f = n.Field
		case *Regexp:
			f = n.Field
		case *Range:
			f = n.Field
		case *Exists:
			f = n.Field
		}
		if f != "" {
			out = append(out, FieldUse{Name: f, Span: n.Pos()})
		}
		return true
	})
	return out
}
