package opensearchtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
)

// This file reads query_string as OpenSearch 2 (and Elasticsearch 7)
// reads it. The grammar is Lucene's classic query parser, which package
// lucene implements (held to real Lucene by store's differential test);
// what the parser makes of each value comes from the searched index's
// mapping, as each shard's query builder has it:
//
//   - on a text field, a value is analyzed by the field's analyzer (the
//     standard analyzer, package analysis): a value with no word is no
//     clause (after its AND or OR has set the clause before), an unquoted
//     value of several words is those words joined by default_operator,
//     a quoted one a phrase (with its slop, as Lucene's sloppy phrases
//     count it);
//   - wildcard, prefix, regular-expression, fuzzy and range terms are
//     normalized by the field's analyzer: lower-cased on a text field,
//     kept as written on a keyword field (Elasticsearch 1.x lower-cased
//     them on every field, lowercase_expanded_terms; OpenSearch does not);
//     each is matched against single words of a text field, against the
//     whole value of a keyword field;
//   - `field:*` is an exists query; fuzzy terms allow AUTO or the given
//     edits, transpositions counting one;
//   - a word on a number field, a date that does not parse, and a
//     wildcard, regular expression or fuzzy term on a field that is not
//     text or keyword are refused, with the real error's shape.
//
// Not emulated: fuzzy_max_expansions (every word within the distance
// matches, where a large index keeps the 50 closest), `~0.8`-style
// similarities (read as AUTO, where OpenSearch reads them as 0 edits), and
// Lucene regular expressions with no RE2 form (refused).

// reading is how one index's fields are read, for package lucene.
type reading struct {
	ix  *index
	def string // default_field
}

func (r reading) name(f string) string {
	if f == "" {
		return r.def
	}
	return f
}

func (r reading) Analyzed(f string) bool {
	ft := r.ix.field(r.name(f))
	return ft != nil && ft.Type == "text"
}

func (reading) MultiValued(string) bool       { return true } // any field may hold a list
func (reading) Tokens(text string) []string   { return analysis.Tokens(text) }
func (reading) InWord(c rune) bool            { return analysis.InWord(c) }
func (r reading) LowerExpanded(f string) bool { return r.Analyzed(f) }

// stringQuery is a query string read for each searched index.
type stringQuery struct {
	def   string
	nodes map[*index]lucene.Node // nil: every value analyzed to nothing
	res   map[lucene.Node]*regexp.Regexp
}

func parseQueryString(idx []*index, body json.RawMessage) (query, *searchError) {
	var q struct {
		Query           string `json:"query"`
		DefaultField    string `json:"default_field"`
		DefaultOperator string `json:"default_operator"`
	}
	if err := strictDecode(body, &q); err != nil {
		return query{}, badRequest("parsing_exception", "[query_string] %v", err)
	}
	op := lucene.OR
	if strings.EqualFold(q.DefaultOperator, "AND") {
		op = lucene.AND
	}
	if _, _, err := lucene.Parse(q.Query, lucene.Options{DefaultOperator: op}); err != nil {
		return query{}, &searchError{400, obj{"error": obj{
			"root_cause": []any{obj{"type": "query_shard_exception", "reason": "Failed to parse query [" + q.Query + "]"}},
			"type":       "search_phase_execution_exception", "reason": "all shards failed",
			"caused_by": obj{"type": "query_shard_exception", "reason": "Failed to parse query [" + q.Query + "]",
				"caused_by": obj{"type": "parse_exception", "reason": err.Error()}},
		}, "status": 400}}
	}
	sq := &stringQuery{def: q.DefaultField, nodes: map[*index]lucene.Node{}, res: map[lucene.Node]*regexp.Regexp{}}
	if sq.def == "" {
		sq.def = "*"
	}
	for _, ix := range idx {
		// The grammar was checked above: the only error left is a query
		// whose every value analyzed to nothing, no query at all.
		n, _, err := lucene.Parse(q.Query, lucene.Options{DefaultOperator: op, Index: reading{ix, sq.def}})
		if err != nil {
			sq.nodes[ix] = nil
			continue
		}
		if serr := sq.prepare(ix, n); serr != nil {
			return query{}, serr
		}
		sq.nodes[ix] = n
	}
	return query{
		match: func(ix *index, d *doc) bool { return sq.eval(ix, d, sq.nodes[ix]) },
		none:  func(ix *index) bool { return sq.nodes[ix] == nil },
	}, nil
}

// shardFailure is a query the shards of ix refused, as the real answer
// has it: a query_shard_exception caused by the parser's exception.
func shardFailure(ix *index, reason, causeType, causeReason string) *searchError {
	var cause obj
	if causeType != "query_shard_exception" {
		cause = obj{"type": causeType, "reason": causeReason}
	}
	return queryShardError([]*index{ix}, reason, cause)
}

func isNumber(typ string) bool {
	switch typ {
	case "long", "integer", "short", "byte", "double", "float":
		return true
	}
	return false
}

// prepare refuses what the query builder refuses on ix and compiles the
// wildcards and regular expressions once.
func (sq *stringQuery) prepare(ix *index, n lucene.Node) *searchError {
	var bad *searchError
	lucene.Walk(n, func(n lucene.Node) bool {
		if bad != nil {
			return false
		}
		var f, text, kind string
		switch n := n.(type) {
		case *lucene.Term:
			f, text = n.Field, n.Text
			if n.Fuzzy != -1 {
				kind = "fuzzy"
			}
		case *lucene.Phrase:
			f, text = n.Field, n.Text
		case *lucene.Wildcard:
			f, kind = n.Field, "wildcard"
			if n.Pattern == "*" {
				return true // an exists query
			}
			if strings.HasSuffix(n.Pattern, "*") && !strings.ContainsAny(strings.TrimSuffix(n.Pattern, "*"), "*?") {
				kind = "prefix"
			}
			sq.res[n] = regexp.MustCompile(lucene.WildcardRE2(n.Pattern))
		case *lucene.Regexp:
			f, kind = n.Field, "regexp"
			re, err := lucene.RE2(n.Pattern)
			if err != nil {
				bad = badRequest("illegal_argument_exception", "the replay server cannot run the regular expression [%s]: %v", n.Pattern, err)
				return false
			}
			sq.res[n] = regexp.MustCompile(re)
		case *lucene.Range:
			f = n.Field
			for _, b := range []lucene.Bound{n.From, n.To} {
				if ft := ix.field(sq.field(f)); ft != nil && ft.Type == "date" && !b.Unbounded {
					if analysis.DateMath(b.Value) {
						bad = badRequest("illegal_argument_exception", "the replay server does not evaluate date math: [%s]", b.Value)
						return false
					}
					if _, ok := dateBound(b.Value, false); !ok {
						bad = dateFailure(ix, sq.field(f), b.Value)
						return false
					}
				}
			}
			return true
		default:
			return true
		}
		f = sq.field(f)
		ft := ix.field(f)
		if ft == nil {
			return true // unmapped: matches nothing
		}
		switch {
		case kind != "" && ft.Type != "text" && ft.Type != "keyword":
			reason := fmt.Sprintf("Can only use %s queries on keyword and text fields - not on [%s] which is of type [%s]", kind, f, ft.Type)
			bad = shardFailure(ix, "failed to create query: "+reason, "query_shard_exception", reason)
		case isNumber(ft.Type):
			// query_string is not lenient by default
			if _, ok := number(text); !ok {
				bad = shardFailure(ix, fmt.Sprintf("failed to create query: For input string: \"%s\"", text),
					"number_format_exception", "For input string: \""+text+"\"")
			}
		case ft.Type == "date":
			if _, ok := dateBound(text, false); !ok || analysis.DateMath(text) {
				bad = dateFailure(ix, f, text)
			}
		}
		return true
	})
	return bad
}

func dateFailure(ix *index, field, text string) *searchError {
	reason := fmt.Sprintf("failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]", text)
	if analysis.DateMath(text) {
		return badRequest("illegal_argument_exception", "the replay server does not evaluate date math: [%s]", text)
	}
	return shardFailure(ix, "failed to create query: "+reason, "parse_exception", reason)
}

func (sq *stringQuery) field(f string) string {
	if f == "" {
		return sq.def
	}
	return f
}

// eval matches one index's reading of the query.
func (sq *stringQuery) eval(ix *index, d *doc, n lucene.Node) bool {
	switch n := n.(type) {
	case *lucene.And:
		for _, c := range n.Children {
			if !sq.eval(ix, d, c) {
				return false
			}
		}
		return true
	case *lucene.Or:
		for _, c := range n.Children {
			if sq.eval(ix, d, c) {
				return true
			}
		}
		return false
	case *lucene.Not:
		return !sq.eval(ix, d, n.Child)
	case *lucene.MatchAll:
		return true
	case *lucene.Exists:
		return len(values(ix, d, n.Field)) > 0
	case *lucene.Term:
		if n.Fuzzy != -1 {
			return fuzzyMatch(ix, d, sq.field(n.Field), n.Text, n.Fuzzy)
		}
		return phraseMatch(ix, d, sq.field(n.Field), n.Text, 0)
	case *lucene.Phrase:
		return phraseMatch(ix, d, sq.field(n.Field), n.Text, n.Slop)
	case *lucene.Wildcard:
		if n.Pattern == "*" {
			return len(values(ix, d, sq.field(n.Field))) > 0
		}
		return patternMatch(ix, d, sq.field(n.Field), sq.res[n])
	case *lucene.Regexp:
		return patternMatch(ix, d, sq.field(n.Field), sq.res[n])
	case *lucene.Range:
		f := sq.field(n.Field)
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
		ft := ix.field(f)
		if ft != nil && ft.Type == "text" {
			for _, toks := range tokens(ix, d, f) {
				for _, tok := range toks {
					if inRange(ft, tok, gte, gt, lte, lt) {
						return true
					}
				}
			}
			return false
		}
		for _, v := range values(ix, d, f) {
			if inRange(ft, v, gte, gt, lte, lt) {
				return true
			}
		}
	}
	return false
}

// phraseMatch matches a term or phrase: on a text field its words, side
// by side or within slop; on any other field the whole value.
func phraseMatch(ix *index, d *doc, f, text string, slop int) bool {
	ft := ix.field(f)
	if ft == nil {
		return false
	}
	if ft.Type != "text" {
		for _, v := range values(ix, d, f) {
			if equal(ft, v, text) {
				return true
			}
		}
		return false
	}
	want := ix.analyzeQuery(text)
	if len(want) == 0 {
		return false
	}
	for _, toks := range tokens(ix, d, f) {
		if slop == 0 || len(want) == 1 {
			if contains(toks, want) {
				return true
			}
		} else if sloppy(toks, want, slop) {
			return true
		}
	}
	return false
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

// sloppy says whether the words of phrase occur in toks within slop, as
// Lucene's sloppy phrase query counts it: word i found at position p_i
// stands at p_i - i, and the spread of those (the largest less the
// smallest) is at most slop; each word takes a position of its own. So
// `"a b"~1` finds `a x b`, and `b a` needs a slop of 2.
func sloppy(toks, phrase []string, slop int) bool {
	// Every spread starts at some word's p_i - i: try each as the least.
	for i := range phrase {
		for p, tok := range toks {
			if tok == phrase[i] && fits(toks, phrase, p-i, slop) {
				return true
			}
		}
	}
	return false
}

// fits says whether every word i of phrase can take a position of its own
// in [base+i, base+i+slop]. Occurrences of one word have windows of one
// length in order, so taking the earliest free position for each is
// enough.
func fits(toks, phrase []string, base, slop int) bool {
	used := map[int]bool{}
	for i, w := range phrase {
		found := false
		for p := max(0, base+i); p <= base+i+slop && p < len(toks); p++ {
			if toks[p] == w && !used[p] {
				used[p], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// fuzzyMatch matches a fuzzy term: a word of a text field (the term
// lower-cased by the parser), or a whole keyword value, within the edit
// distance (AUTO: none up to 2 characters, 1 up to 5, else 2), a
// transposition counting one edit.
func fuzzyMatch(ix *index, d *doc, f, text string, fuzzy int) bool {
	ft := ix.field(f)
	if ft == nil {
		return false
	}
	edits := fuzzy
	if fuzzy == lucene.FuzzyAuto {
		edits = lucene.AutoEdits(text)
	}
	near := func(s string) bool { return lucene.EditDistance(text, s, edits) <= edits }
	if ft.Type == "text" {
		for _, toks := range tokens(ix, d, f) {
			for _, tok := range toks {
				if near(tok) {
					return true
				}
			}
		}
		return false
	}
	for _, v := range values(ix, d, f) {
		if near(keyString(v)) {
			return true
		}
	}
	return false
}

// patternMatch matches a wildcard or regular expression: against each
// word of a text field, against the whole value of a keyword field.
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
