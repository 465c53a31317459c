package store

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
	"modernc.org/sqlite"
)

// SQL functions for what FTS5 cannot express: Lucene's fuzzy, wildcard
// and regular-expression terms. On the message they test each word, as
// Elasticsearch tests each indexed term; on keyword fields, the whole
// value. index_words is what the full-text index is fed (words.go).
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("index_words", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		return indexWords(text(args[0])), nil
	})
	sqlite.MustRegisterDeterministicScalarFunction("token_fuzzy", 3, tokenFunc(func(tok, arg string, n int64) bool {
		return fuzzyMatch(tok, arg, int(n))
	}))
	sqlite.MustRegisterDeterministicScalarFunction("token_glob", 2, tokenFunc(func(tok, pattern string, _ int64) bool {
		re, err := compile(pattern)
		return err == nil && re.MatchString(tok)
	}))
	sqlite.MustRegisterDeterministicScalarFunction("token_regexp", 2, tokenFunc(func(tok, pattern string, _ int64) bool {
		re, err := compile(pattern)
		return err == nil && re.MatchString(tok)
	}))
	sqlite.MustRegisterDeterministicScalarFunction("value_fuzzy", 3, valueFunc(func(v, arg string, n int64) (bool, error) {
		return fuzzyMatch(v, arg, int(n)), nil
	}))
	sqlite.MustRegisterDeterministicScalarFunction("value_regexp", 2, valueFunc(func(v, pattern string, _ int64) (bool, error) {
		re, err := compile(pattern)
		if err != nil {
			return false, err
		}
		return re.MatchString(v), nil
	}))
}

type matcher func(value, arg string, n int64) bool

func tokenFunc(m matcher) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		msg, arg, n := text(args[0]), text(args[1]), int64Arg(args)
		found := false
		analysis.Each(msg, func(w []byte) bool {
			found = w != nil && m(string(w), arg, n)
			return !found
		})
		if found {
			return int64(1), nil
		}
		return int64(0), nil
	}
}

func valueFunc(m func(value, arg string, n int64) (bool, error)) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		ok, err := m(text(args[0]), text(args[1]), int64Arg(args))
		if ok {
			return int64(1), err
		}
		return int64(0), err
	}
}

func text(v driver.Value) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func int64Arg(args []driver.Value) int64 {
	if len(args) > 2 {
		if n, ok := args[2].(int64); ok {
			return n
		}
	}
	return 0
}

var regexps sync.Map // RE2 pattern → *regexp.Regexp or error

// compile caches the anchored RE2 patterns translate makes of Lucene's
// wildcard and regular-expression terms.
func compile(pattern string) (*regexp.Regexp, error) {
	if v, ok := regexps.Load(pattern); ok {
		if re, ok := v.(*regexp.Regexp); ok {
			return re, nil
		}
		return nil, v.(error)
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		err = fmt.Errorf("regular expression %s: %v", pattern, err)
		regexps.Store(pattern, err)
		return nil, err
	}
	regexps.Store(pattern, re)
	return re, nil
}

// fuzzyMatch reports whether Lucene 4.10's fuzzy query for term with at
// most n edits matches the indexed value v: within n edits, and, unless
// equal, with fewer edits than the shorter of the two has characters
// (FuzzyTermsEnum keeps a term only when 1 - edits/min(len) is above 0), so
// `a~2` finds only `a`, and `ab~1` finds `abc` and `ba` but not `a`.
func fuzzyMatch(v, term string, n int) bool {
	if v == term {
		return true
	}
	d := lucene.EditDistance(v, term, n)
	return d <= n && d < min(utf8.RuneCountInString(v), utf8.RuneCountInString(term))
}

func sortedFields() []string {
	f := Fields()
	sort.Strings(f)
	return f
}
