package lucene

import (
	"fmt"
	"strings"
)

// Operator joins clauses written side by side with no AND or OR between
// them (Elasticsearch's default_operator).
type Operator int

const (
	OR Operator = iota // Elasticsearch's default, and recheckgen's
	AND
)

func (o Operator) String() string {
	if o == AND {
		return "AND"
	}
	return "OR"
}

// ParseOperator reads "and" or "or" in any case.
func ParseOperator(s string) (Operator, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "AND":
		return AND, nil
	case "OR":
		return OR, nil
	}
	return OR, fmt.Errorf("operator %q is not AND or OR", s)
}

// Options say how a query is read.
type Options struct {
	DefaultOperator Operator
	// Limits bound the query's cost; DefaultLimits when nil.
	Limits *Limits
	// Index, when set, reads each value as the searched index holds its
	// field, as Elasticsearch's query builder does: text on an analyzed
	// field is split into words (a value with none is dropped from its
	// clause, several unquoted words are joined by the default operator),
	// and wildcard, regular-expression, fuzzy and range terms are lower
	// cased (lowercase_expanded_terms). Its warnings say where this
	// changes what a query seems to mean. Nil: values are read as written.
	Index Index
}

// Index is how the searched index holds its fields; package analysis has
// elastic-recheck's.
type Index interface {
	// Analyzed reports a field whose text the index splits into words;
	// other fields hold exact values.
	Analyzed(field string) bool
	// MultiValued reports a field a document may hold several values of.
	MultiValued(field string) bool
	// Tokens is the words the index makes of text on an analyzed field.
	Tokens(text string) []string
	// InWord reports a character that can stand inside a word.
	InWord(r rune) bool
}

// Normalizer is an Index that says, per field, whether wildcard,
// regular-expression, fuzzy and range terms are lower-cased. Elasticsearch
// 1.x lower-cased them on every field (lowercase_expanded_terms), and an
// Index without this method is read so. Elasticsearch 5 and later and
// OpenSearch normalize them through each field's analyzer instead: the
// standard analyzer lower-cases them, a keyword field keeps them as written.
type Normalizer interface {
	Index
	LowerExpanded(field string) bool
}

// Error is a syntax error at a byte offset of the query string.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

func errorf(off int, format string, args ...any) *Error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Warning is something legal that probably does not say what was meant.
type Warning struct {
	Span Span
	Msg  string
}
