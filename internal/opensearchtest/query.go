package opensearchtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/recheckgen/recheckgen/lucene"
)

// matcher decides whether a document matches.
type matcher func(ix *index, d *doc) bool

// values are a field's values in d, as the index reads them.
func values(ix *index, d *doc, field string) []any {
	return d.values[ix.sourcePath(field)]
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

// parseDate reads the date formats of strict_date_optional_time: a zone
// is optional (none is UTC).
func parseDate(s string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// dateValue is a date field's value in epoch milliseconds.
func dateValue(x any) (float64, bool) {
	switch x := x.(type) {
	case float64:
		return x, true
	case string:
		if t, ok := parseDate(x); ok {
			return float64(t.UnixMilli()), true
		}
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, true
		}
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

// analyze is the standard analyzer's tokens, lower-cased: runs of letters,
// digits and _, where letters joined by . : or ' and digits joined by . or
// , stay one token (UAX #29's word rules, as far as log text needs).
func analyze(s string) []string {
	rs := []rune(s)
	var out []string
	var cur []rune
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if word(r) {
			cur = append(cur, unicode.ToLower(r))
			continue
		}
		if len(cur) > 0 && i+1 < len(rs) {
			prev, next := rs[i-1], rs[i+1]
			if (r == '.' || r == ':' || r == '\'') && unicode.IsLetter(prev) && unicode.IsLetter(next) ||
				(r == '.' || r == ',') && unicode.IsDigit(prev) && unicode.IsDigit(next) {
				cur = append(cur, r)
				continue
			}
		}
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// tokens are the analyzed values of a text field of d.
func tokens(ix *index, d *doc, field string) [][]string {
	p := ix.sourcePath(field)
	if t, ok := d.tokens[p]; ok {
		return t
	}
	var out [][]string
	for _, v := range d.values[p] {
		out = append(out, ix.analyze(field, keyString(v)))
	}
	if d.tokens == nil {
		d.tokens = map[string][][]string{}
	}
	d.tokens[p] = out
	return out
}

// analyze is the analysis of field's analyzer: standard, or a custom
// pattern tokenizer with lowercase.
func (ix *index) analyze(field, s string) []string {
	if ft := ix.field(field); ft != nil && ix.analyzers[ft.Analyzer] != nil {
		var out []string
		for _, t := range ix.analyzers[ft.Analyzer].Split(s, -1) {
			if t != "" {
				out = append(out, strings.ToLower(t))
			}
		}
		return out
	}
	return analyze(s)
}

// analyzeQuery is analyze for a query's text, remembered: the same text
// meets every document.
func (ix *index) analyzeQuery(field, text string) []string {
	key := field + "\x00" + text
	if t, ok := ix.queryTokens[key]; ok {
		return t
	}
	t := ix.analyze(field, text)
	if ix.queryTokens == nil {
		ix.queryTokens = map[string][]string{}
	}
	ix.queryTokens[key] = t
	return t
}

// parseQuery reads a query object.
func parseQuery(ix []*index, raw json.RawMessage) (matcher, *searchError) {
	var q map[string]json.RawMessage
	if err := json.Unmarshal(raw, &q); err != nil || len(q) != 1 {
		return nil, badRequest("parsing_exception", "[_na] query malformed, must start with start_object")
	}
	for typ, body := range q {
		switch typ {
		case "match_all":
			return func(*index, *doc) bool { return true }, nil
		case "bool":
			return parseBool(ix, body)
		case "query_string":
			return parseQueryString(ix, body)
		case "range":
			return parseRange(body)
		case "term", "terms":
			return parseTerms(typ, body)
		case "exists":
			var e struct {
				Field string `json:"field"`
			}
			if err := strictDecode(body, &e); err != nil {
				return nil, badRequest("parsing_exception", "[exists] %v", err)
			}
			return func(ix *index, d *doc) bool { return len(values(ix, d, e.Field)) > 0 }, nil
		default:
			return nil, badRequest("parsing_exception", "unknown query [%s]", typ)
		}
	}
	return nil, nil
}

func strictDecode(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// clauses reads a bool clause: one query or a list.
func clauses(ix []*index, raw json.RawMessage) ([]matcher, *searchError) {
	if raw == nil {
		return nil, nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []matcher
	for _, q := range list {
		m, err := parseQuery(ix, q)
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
	var must, not, should []matcher
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
		for _, m := range must {
			if !m(ix, d) {
				return false
			}
		}
		for _, m := range not {
			if m(ix, d) {
				return false
			}
		}
		if len(should) > 0 && len(must) == 0 {
			for _, m := range should {
				if m(ix, d) {
					return true
				}
			}
			return false
		}
		return true
	}, nil
}

func parseTerms(typ string, body json.RawMessage) (matcher, *searchError) {
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
	return func(ix *index, d *doc) bool {
		ft := ix.field(field)
		for _, v := range values(ix, d, field) {
			for _, w := range want {
				if ft != nil && ft.Type == "text" {
					// term queries are not analyzed: they meet the tokens
					for _, toks := range tokens(ix, d, field) {
						for _, tok := range toks {
							if tok == keyString(w) {
								return true
							}
						}
					}
					continue
				}
				if equal(ft, v, w) {
					return true
				}
			}
		}
		return false
	}, nil
}

func equal(ft *fieldType, v, w any) bool {
	if ft != nil {
		switch ft.Type {
		case "long", "integer", "short", "byte", "double", "float":
			a, ok1 := number(v)
			b, ok2 := number(w)
			return ok1 && ok2 && a == b
		case "date":
			a, ok1 := dateValue(v)
			b, ok2 := dateValue(w)
			return ok1 && ok2 && a == b
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
		for k := range r {
			switch k {
			case "gte", "gt", "lte", "lt", "format":
			default:
				return nil, badRequest("parsing_exception", "[range] query does not support [%s]", k)
			}
		}
		return func(ix *index, d *doc) bool {
			ft := ix.field(field)
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

// compare orders v against bound w in the field's type: -1, 0, 1.
func compare(ft *fieldType, v, w any) (int, bool) {
	typ := "keyword"
	if ft != nil {
		typ = ft.Type
	}
	var a, b float64
	var ok1, ok2 bool
	switch typ {
	case "date":
		a, ok1 = dateValue(v)
		b, ok2 = dateValue(w)
	case "long", "integer", "short", "byte", "double", "float":
		a, ok1 = number(v)
		b, ok2 = number(w)
	default:
		return strings.Compare(keyString(v), keyString(w)), true
	}
	if !ok1 || !ok2 {
		return 0, false
	}
	switch {
	case a < b:
		return -1, true
	case a > b:
		return 1, true
	}
	return 0, true
}

func inRange(ft *fieldType, v, gte, gt, lte, lt any) bool {
	test := func(w any, ok func(int) bool) bool {
		if w == nil {
			return true
		}
		c, valid := compare(ft, v, w)
		return valid && ok(c)
	}
	return test(gte, func(c int) bool { return c >= 0 }) && test(gt, func(c int) bool { return c > 0 }) &&
		test(lte, func(c int) bool { return c <= 0 }) && test(lt, func(c int) bool { return c < 0 })
}

func parseQueryString(idx []*index, body json.RawMessage) (matcher, *searchError) {
	var q struct {
		Query           string `json:"query"`
		DefaultField    string `json:"default_field"`
		DefaultOperator string `json:"default_operator"`
	}
	if err := strictDecode(body, &q); err != nil {
		return nil, badRequest("parsing_exception", "[query_string] %v", err)
	}
	op := lucene.OR
	if strings.EqualFold(q.DefaultOperator, "AND") {
		op = lucene.AND
	}
	node, _, err := lucene.Parse(q.Query, lucene.Options{DefaultOperator: op})
	if err != nil {
		return nil, &searchError{400, obj{"error": obj{
			"root_cause": []any{obj{"type": "query_shard_exception", "reason": "Failed to parse query [" + q.Query + "]"}},
			"type":       "search_phase_execution_exception", "reason": "all shards failed",
			"caused_by": obj{"type": "query_shard_exception", "reason": "Failed to parse query [" + q.Query + "]",
				"caused_by": obj{"type": "parse_exception", "reason": err.Error()}},
		}, "status": 400}}
	}
	def := q.DefaultField
	if def == "" {
		def = "*"
	}
	// A number field meets a word: the real query builder refuses it
	// (query_string is not lenient by default).
	var bad *searchError
	lucene.Walk(node, func(n lucene.Node) bool {
		var f, text string
		switch n := n.(type) {
		case *lucene.Term:
			f, text = n.Field, n.Text
		case *lucene.Phrase:
			f, text = n.Field, n.Text
		default:
			return true
		}
		for _, ix := range idx {
			ft := ix.field(f)
			if ft == nil || bad != nil {
				continue
			}
			switch ft.Type {
			case "long", "integer", "short", "byte", "double", "float":
				if _, ok := number(text); !ok {
					reason := fmt.Sprintf("failed to create query: For input string: \"%s\"", text)
					bad = &searchError{400, obj{"error": obj{
						"root_cause": []any{obj{"type": "query_shard_exception", "reason": reason, "index": ix.name}},
						"type":       "search_phase_execution_exception", "reason": "all shards failed", "phase": "query", "grouped": true,
						"caused_by": obj{"type": "number_format_exception", "reason": "For input string: \"" + text + "\""},
					}, "status": 400}}
				}
			}
		}
		return true
	})
	if bad != nil {
		return nil, bad
	}
	return func(ix *index, d *doc) bool {
		m, _ := eval(ix, d, node, def, op)
		return m
	}, nil
}

// eval matches a query node; dropped says a clause whose text analyzed to
// nothing, which its boolean query leaves out.
func eval(ix *index, d *doc, n lucene.Node, def string, op lucene.Operator) (match, dropped bool) {
	field := func(f string) string {
		if f == "" {
			return def
		}
		return f
	}
	switch n := n.(type) {
	case *lucene.And:
		any := false
		for _, c := range n.Children {
			m, drop := eval(ix, d, c, def, op)
			if drop {
				continue
			}
			if !m {
				return false, false
			}
			any = true
		}
		return any, !any
	case *lucene.Or:
		all := true
		for _, c := range n.Children {
			m, drop := eval(ix, d, c, def, op)
			if drop {
				continue
			}
			all = false
			if m {
				return true, false
			}
		}
		return false, all
	case *lucene.Not:
		m, drop := eval(ix, d, n.Child, def, op)
		return !m, drop
	case *lucene.MatchAll:
		return true, false
	case *lucene.Exists:
		return len(values(ix, d, n.Field)) > 0, false
	case *lucene.Term:
		return termMatch(ix, d, field(n.Field), n.Text, false, op)
	case *lucene.Phrase:
		return termMatch(ix, d, field(n.Field), n.Text, true, op)
	case *lucene.Wildcard:
		p := n.Pattern
		if ft := ix.field(field(n.Field)); ft != nil && ft.Type == "text" {
			p = strings.ToLower(p) // normalized as the field's analyzer would
		}
		return patternMatch(ix, d, field(n.Field), globRegexp(p)), false
	case *lucene.Regexp:
		re, err := regexp.Compile("^(?:" + n.Pattern + ")$")
		if err != nil {
			return false, false
		}
		return patternMatch(ix, d, field(n.Field), re), false
	case *lucene.Range:
		ft := ix.field(field(n.Field))
		var gte, gt, lte, lt any
		if !n.From.Unbounded {
			if n.From.Inclusive {
				gte = n.From.Value
			} else {
				gt = n.From.Value
			}
		}
		if !n.To.Unbounded {
			if n.To.Inclusive {
				lte = n.To.Value
			} else {
				lt = n.To.Value
			}
		}
		for _, v := range values(ix, d, field(n.Field)) {
			if inRange(ft, v, gte, gt, lte, lt) {
				return true, false
			}
		}
		return false, false
	}
	return false, false
}

func termMatch(ix *index, d *doc, f, text string, phrase bool, op lucene.Operator) (bool, bool) {
	ft := ix.field(f)
	if ft == nil {
		return false, false
	}
	vals := values(ix, d, f)
	if ft.Type != "text" {
		for _, v := range vals {
			if equal(ft, v, text) {
				return true, false
			}
		}
		return false, false
	}
	want := ix.analyzeQuery(f, text)
	if len(want) == 0 {
		return false, true
	}
	for _, toks := range tokens(ix, d, f) {
		if phrase || len(want) == 1 {
			if contains(toks, want) {
				return true, false
			}
			continue
		}
		// A word that analyzes to several tokens: the default operator
		// joins them.
		hits := 0
		for _, w := range want {
			if contains(toks, []string{w}) {
				hits++
			}
		}
		if op == lucene.AND && hits == len(want) || op == lucene.OR && hits > 0 {
			return true, false
		}
	}
	return false, false
}

// contains says whether seq occurs in toks, consecutively.
func contains(toks, seq []string) bool {
outer:
	for i := 0; i+len(seq) <= len(toks); i++ {
		for j := range seq {
			if toks[i+j] != seq[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

func patternMatch(ix *index, d *doc, f string, re *regexp.Regexp) bool {
	ft := ix.field(f)
	if ft == nil {
		return false
	}
	if ft.Type == "text" {
		for _, toks := range tokens(ix, d, f) {
			for _, tok := range toks {
				if re.MatchString(tok) {
					return true
				}
			}
		}
		return false
	}
	for _, v := range values(ix, d, f) {
		if re.MatchString(keyString(v)) {
			return true
		}
	}
	return false
}

// globRegexp turns a wildcard pattern (\* and \? literal) into a regexp.
func globRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(string(p[i])))
			}
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
