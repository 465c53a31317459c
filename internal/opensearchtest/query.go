package opensearchtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/recheckgen/recheckgen/analysis"
)

// matcher decides whether a document matches.
type matcher func(ix *index, d *doc) bool

// values are a field's values in d, as the index reads them: a keyword
// value longer than the field's ignore_above is not indexed.
func values(ix *index, d *doc, field string) []any {
	vals := d.values[ix.sourcePath(field)]
	if ft := ix.field(field); ft != nil && ft.IgnoreAbove > 0 {
		var kept []any
		for i, v := range vals {
			if s, ok := v.(string); ok && utf16Len(s) > ft.IgnoreAbove {
				if kept == nil {
					kept = append([]any{}, vals[:i]...)
				}
				continue
			}
			if kept != nil {
				kept = append(kept, v)
			}
		}
		if kept != nil {
			return kept
		}
	}
	return vals
}

// utf16Len is the length of s in Java characters, as ignore_above counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func number(x any) (float64, bool) {
	switch x := x.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func keyString(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(x)
}

// tokens are the analyzed values of a text field of d, each value's words
// as the standard analyzer makes them (package analysis; the only analyzer
// the replay server knows, see putTemplate).
func tokens(ix *index, d *doc, field string) [][]string {
	p := ix.sourcePath(field)
	if t, ok := d.tokens[p]; ok {
		return t
	}
	var out [][]string
	for _, v := range d.values[p] {
		out = append(out, analysis.Tokens(keyString(v)))
	}
	if d.tokens == nil {
		d.tokens = map[string][][]string{}
	}
	d.tokens[p] = out
	return out
}

// analyzeQuery is the words of a query's text, remembered: the same text
// meets every document.
func (ix *index) analyzeQuery(text string) []string {
	if t, ok := ix.queryTokens[text]; ok {
		return t
	}
	t := analysis.Tokens(text)
	if ix.queryTokens == nil {
		ix.queryTokens = map[string][]string{}
	}
	ix.queryTokens[text] = t
	return t
}

// query is a parsed query object. none, when set, says the query is no
// query at all on an index: a query string whose every value analyzed to
// nothing, which the query builder makes nothing of (a bool query leaves
// such a clause out; alone, it matches no document).
type query struct {
	match matcher
	none  func(ix *index) bool
}

func (q query) isNone(ix *index) bool { return q.none != nil && q.none(ix) }

// parseQuery reads a query object as the request's query or a filter
// aggregation's: one that is no query matches nothing.
func parseQuery(ix []*index, raw json.RawMessage) (matcher, *searchError) {
	q, err := parseClause(ix, raw)
	if err != nil {
		return nil, err
	}
	if q.none == nil {
		return q.match, nil
	}
	return func(ix *index, d *doc) bool { return !q.isNone(ix) && q.match(ix, d) }, nil
}

func parseClause(ix []*index, raw json.RawMessage) (query, *searchError) {
	var q map[string]json.RawMessage
	if err := json.Unmarshal(raw, &q); err != nil || len(q) != 1 {
		return query{}, badRequest("parsing_exception", "[_na] query malformed, must start with start_object")
	}
	for typ, body := range q {
		var m matcher
		var err *searchError
		switch typ {
		case "match_all":
			m = func(*index, *doc) bool { return true }
		case "bool":
			m, err = parseBool(ix, body)
		case "query_string":
			return parseQueryString(ix, body)
		case "range":
			m, err = parseRange(body)
		case "term", "terms":
			m, err = parseTerms(ix, typ, body)
		case "exists":
			var e struct {
				Field string `json:"field"`
			}
			if err := strictDecode(body, &e); err != nil {
				return query{}, badRequest("parsing_exception", "[exists] %v", err)
			}
			m = func(ix *index, d *doc) bool { return len(values(ix, d, e.Field)) > 0 }
		default:
			return query{}, badRequest("parsing_exception", "unknown query [%s]", typ)
		}
		return query{match: m}, err
	}
	return query{}, nil
}

func strictDecode(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// clauses reads a bool clause: one query or a list.
func clauses(ix []*index, raw json.RawMessage) ([]query, *searchError) {
	if raw == nil {
		return nil, nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []query
	for _, q := range list {
		m, err := parseClause(ix, q)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func parseBool(ix []*index, body json.RawMessage) (matcher, *searchError) {
	var b map[string]json.RawMessage
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, badRequest("parsing_exception", "[bool] malformed query")
	}
	var must, not, should []query
	// filter first: it is cheap (ranges, terms) and narrows what the
	// query string has to read
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] == "filter" && keys[j] != "filter" })
	for _, k := range keys {
		v := b[k]
		cs, err := clauses(ix, v)
		if err != nil {
			return nil, err
		}
		switch k {
		case "must", "filter":
			must = append(must, cs...)
		case "must_not":
			not = append(not, cs...)
		case "should":
			should = append(should, cs...)
		default:
			return nil, badRequest("parsing_exception", "[bool] query does not support [%s]", k)
		}
	}
	return func(ix *index, d *doc) bool {
		required := false
		for _, q := range must {
			if q.isNone(ix) {
				continue // left out of the boolean query
			}
			if !q.match(ix, d) {
				return false
			}
			required = true
		}
		for _, q := range not {
			if !q.isNone(ix) && q.match(ix, d) {
				return false
			}
		}
		if required {
			return true // should clauses only score
		}
		optional := false
		for _, q := range should {
			if q.isNone(ix) {
				continue
			}
			if q.match(ix, d) {
				return true
			}
			optional = true
		}
		return !optional // no clause left: every document
	}, nil
}

func parseTerms(idx []*index, typ string, body json.RawMessage) (matcher, *searchError) {
	var b map[string]json.RawMessage
	if err := json.Unmarshal(body, &b); err != nil || len(b) != 1 {
		return nil, badRequest("parsing_exception", "[%s] query malformed", typ)
	}
	var field string
	var want []any
	for f, v := range b {
		field = f
		var x any
		json.Unmarshal(v, &x)
		switch x := x.(type) {
		case []any:
			want = x
		case map[string]any:
			want = []any{x["value"]}
		default:
			want = []any{x}
		}
	}
	if typ == "term" && len(want) != 1 {
		return nil, badRequest("parsing_exception", "[term] query does not support array of values")
	}
	// A shard whose mapping makes the field a number parses each value
	// as Java's Double.parseDouble does, and refuses the query when one
	// is no number.
	for _, w := range want {
		var bad []*index
		for _, ix := range idx {
			if ft := ix.field(field); ft != nil && isNumber(ft.Type) && !javaNumber(w) {
				bad = append(bad, ix)
			}
		}
		if len(bad) > 0 {
			msg := fmt.Sprintf("For input string: \"%s\"", keyString(w))
			if s, ok := w.(string); ok && strings.TrimSpace(s) == "" {
				msg = "empty String"
			}
			return nil, queryShardError(bad, "failed to create query: "+msg, obj{"type": "number_format_exception", "reason": msg})
		}
	}
	return func(ix *index, d *doc) bool {
		ft := ix.field(field)
		if ft != nil && ft.Type == "text" {
			// term queries are not analyzed: they meet the words
			for _, toks := range tokens(ix, d, field) {
				for _, tok := range toks {
					for _, w := range want {
						if tok == keyString(w) {
							return true
						}
					}
				}
			}
			return false
		}
		for _, v := range values(ix, d, field) {
			for _, w := range want {
				if equal(ft, v, w) {
					return true
				}
			}
		}
		return false
	}, nil
}

// javaNumber says whether a term's value reads as a number the way
// OpenSearch's number fields read it (Double.parseDouble of its text).
func javaNumber(w any) bool {
	_, ok := javaFloat(w)
	return ok
}

// javaFloat reads a term's value as Double.parseDouble does: JSON numbers
// are numbers, booleans are not, a string is when it spells a decimal or
// exponent number (spaces around it and a d or f suffix allowed), or
// Infinity or NaN. Java's hexadecimal form is left out.
func javaFloat(w any) (float64, bool) {
	switch w := w.(type) {
	case float64:
		return w, true
	case string:
		s := strings.TrimSpace(w)
		switch word := strings.TrimLeft(s, "+-"); {
		case word == "Infinity" && strings.HasPrefix(s, "-"):
			return math.Inf(-1), true
		case word == "Infinity":
			return math.Inf(1), true
		case word == "NaN":
			return math.NaN(), true
		case s == "" || strings.ContainsAny(s, "_xXpPiInN"):
			return 0, false // Go's other words (inf, nan) and hex
		}
		if n := len(s); n > 1 && strings.ContainsRune("dDfF", rune(s[n-1])) {
			s = s[:n-1]
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil || errors.Is(err, strconv.ErrRange)
	}
	return 0, false
}

// equal says whether value v of a field of type ft is the query's w: as
// numbers on number fields; on a date field, within the time w names
// (2026-11-20 is the whole day).
func equal(ft *fieldType, v, w any) bool {
	if ft != nil {
		switch ft.Type {
		case "long", "integer", "short", "byte", "double", "float":
			a, ok1 := number(v)
			b, ok2 := javaFloat(w)
			return ok1 && ok2 && a == b
		case "date":
			return inRange(ft, v, w, nil, w, nil)
		case "boolean":
			return keyString(v) == keyString(w)
		}
	}
	return keyString(v) == keyString(w)
}

func parseRange(body json.RawMessage) (matcher, *searchError) {
	var b map[string]map[string]any
	if err := json.Unmarshal(body, &b); err != nil || len(b) != 1 {
		return nil, badRequest("parsing_exception", "[range] query malformed")
	}
	for field, r := range b {
		for k, v := range r {
			switch k {
			case "gte", "gt", "lte", "lt", "format":
			default:
				return nil, badRequest("parsing_exception", "[range] query does not support [%s]", k)
			}
			if s, ok := v.(string); ok && k != "format" && analysis.DateMath(s) {
				return nil, badRequest("illegal_argument_exception", "the replay server does not evaluate date math: [%s]", s)
			}
		}
		return func(ix *index, d *doc) bool {
			ft := ix.field(field)
			if ft != nil && ft.Type == "text" {
				for _, toks := range tokens(ix, d, field) {
					for _, tok := range toks {
						if inRange(ft, tok, r["gte"], r["gt"], r["lte"], r["lt"]) {
							return true
						}
					}
				}
				return false
			}
			for _, v := range values(ix, d, field) {
				if inRange(ft, v, r["gte"], r["gt"], r["lte"], r["lt"]) {
					return true
				}
			}
			return false
		}, nil
	}
	return nil, nil
}

// inRange says whether value v of a field of type ft lies within the
// bounds that are not nil: numbers on number fields, dates on date fields
// (a bound rounded as dateBound says), byte order on keywords and words.
func inRange(ft *fieldType, v, gte, gt, lte, lt any) bool {
	typ := "keyword"
	if ft != nil {
		typ = ft.Type
	}
	test := func(w any, up bool, ok func(int) bool) bool {
		if w == nil {
			return true
		}
		var a, b float64
		var ok1, ok2 bool
		switch typ {
		case "date":
			a, ok1 = dateValue(v)
			b, ok2 = dateBound(w, up)
		case "long", "integer", "short", "byte", "double", "float":
			a, ok1 = number(v)
			b, ok2 = number(w)
		default:
			return ok(strings.Compare(keyString(v), keyString(w)))
		}
		if !ok1 || !ok2 {
			return false
		}
		switch {
		case a < b:
			return ok(-1)
		case a > b:
			return ok(1)
		}
		return ok(0)
	}
	return test(gte, false, func(c int) bool { return c >= 0 }) && test(gt, true, func(c int) bool { return c > 0 }) &&
		test(lte, true, func(c int) bool { return c <= 0 }) && test(lt, false, func(c int) bool { return c < 0 })
}
