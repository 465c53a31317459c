package store

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
)

// keywordCols maps elastic-recheck's exact-match fields to columns of
// lines l, builds b and files f.
var keywordCols = map[string]string{
	"build_uuid":       "b.uuid",
	"build_short_uuid": "substr(b.uuid, 1, 7)",
	"build_name":       "b.job",
	"build_status":     "b.result",
	"build_queue":      "b.pipeline",
	"build_branch":     "b.branch",
	"build_change":     "b.change",
	"build_patchset":   "b.patchset",
	"build_ref":        "b.ref",
	"project":          "b.project",
	"node_provider":    "b.provider",
	"node_region":      "b.region",
	"build_node":       "b.node",
	"log_url":          "b.log_url",
	"voting":           "b.voting",
	"filename":         "f.name",
	"loglevel":         "l.level",
	"module":           "l.module",
	"syslog_program":   "l.program",
}

// numericCols compare as numbers in ranges.
var numericCols = map[string]bool{"build_change": true, "build_patchset": true, "voting": true}

// Fields lists every field the store can search.
func Fields() []string {
	out := []string{"message", "tags", "@timestamp"}
	for f := range keywordCols {
		out = append(out, f)
	}
	return out
}

// Runnable says why the store cannot run a parsed query, and where in it
// ("" when it can), for checks that run before any store is opened.
func Runnable(expr lucene.Node) (offset int, why string) {
	_, err := translate(expr)
	if err == nil {
		return 0, ""
	}
	var ue *UnsupportedError
	if errors.As(err, &ue) {
		return ue.Span.Start, "the embedded store cannot run " + ue.Construct
	}
	return 0, err.Error()
}

// UnsupportedError names a query construct the store cannot run.
type UnsupportedError struct {
	Construct string
	Span      lucene.Span
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("the embedded store cannot run %s (at offset %d)", e.Construct, e.Span.Start)
}

// where is a SQL boolean expression and its arguments.
type where struct {
	sql       string
	args      []any
	needsFile bool // refers to f, so the query joins files
}

// translate turns a parsed query into a SQL condition over lines l,
// builds b and files f, with Elasticsearch's meaning: message (and the
// default field) matches tokens through the FTS index, case-insensitively;
// other fields match exactly.
func translate(n lucene.Node) (where, error) {
	var w where
	err := w.node(n)
	return w, err
}

func (w *where) add(sql string, args ...any) {
	w.sql += sql
	w.args = append(w.args, args...)
}

func (w *where) node(n lucene.Node) error {
	switch n := n.(type) {
	case *lucene.And:
		return w.list(n.Children, " AND ")
	case *lucene.Or:
		return w.list(n.Children, " OR ")
	case *lucene.Not:
		w.add("NOT (")
		if err := w.node(n.Child); err != nil {
			return err
		}
		w.add(")")
		return nil
	case *lucene.MatchAll:
		w.add("1")
		return nil
	case *lucene.Exists:
		return w.exists(n)
	}
	field := leafField(n)
	switch {
	case field == "" || field == "message":
		return w.text(n)
	case field == "tags":
		return w.tags(n)
	case field == "@timestamp":
		return w.timestamp(n)
	}
	col, ok := keywordCols[field]
	if !ok {
		return &UnsupportedError{fmt.Sprintf("field `%s` (the store holds %s)", field, strings.Join(sortedFields(), ", ")), n.Pos()}
	}
	if strings.HasPrefix(col, "f.") {
		w.needsFile = true
	}
	return w.keyword(n, col, numericCols[field])
}

func (w *where) list(children []lucene.Node, op string) error {
	w.add("(")
	for i, c := range children {
		if i > 0 {
			w.add(op)
		}
		if err := w.node(c); err != nil {
			return err
		}
	}
	w.add(")")
	return nil
}

func leafField(n lucene.Node) string {
	switch n := n.(type) {
	case *lucene.Term:
		return n.Field
	case *lucene.Phrase:
		return n.Field
	case *lucene.Wildcard:
		return n.Field
	case *lucene.Regexp:
		return n.Field
	case *lucene.Range:
		return n.Field
	}
	return ""
}

// text matches the message through the full-text index of its words
// (words.go), and through the word functions (funcs.go) for wildcards,
// fuzzy terms and regular expressions, which FTS5 has no operator for:
// those test each word of the lines that can match, as Elasticsearch
// tests each indexed term. A wildcard or regular expression that starts
// with literal text first narrows the lines to those with a word starting
// with it.
func (w *where) text(n lucene.Node) error {
	switch n := n.(type) {
	case *lucene.Term:
		if n.Fuzzy != -1 {
			w.add("token_fuzzy(l.message, ?, ?)", strings.ToLower(n.Text), fuzziness(n))
			return nil
		}
		// queryfile has split a value of several words with the default
		// operator; one parsed without the index needs all of them.
		var parts []string
		for _, word := range analysis.Tokens(n.Text) {
			parts = append(parts, ftsString(word))
		}
		return w.fts(strings.Join(parts, " AND "))
	case *lucene.Phrase:
		q := phraseQuery(analysis.Tokens(n.Text), n.Slop)
		un := html.UnescapeString(n.Text)
		if un == n.Text {
			return w.fts(q)
		}
		// A phrase written against console.html as Elasticsearch indexed
		// it, HTML-escaped (`&lt;bound method`): the store holds that
		// file's text unescaped, so there it looks for the text unescaped.
		w.needsFile = true
		w.add("(")
		if err := w.fts(q); err != nil {
			return err
		}
		w.add(" OR (f.name GLOB '*.html' AND ")
		if err := w.fts(phraseQuery(analysis.Tokens(un), n.Slop)); err != nil {
			return err
		}
		w.add("))")
		return nil
	case *lucene.Wildcard:
		return w.wildcard(n)
	case *lucene.Regexp:
		re, err := lucene.RE2(n.Pattern)
		if err != nil {
			return &UnsupportedError{"regular expression /" + n.Pattern + "/: " + err.Error(), n.Span}
		}
		prefix, _ := regexp.MustCompile(re).LiteralPrefix()
		return w.wordTest("token_regexp", prefix, re)
	case *lucene.Range:
		return &UnsupportedError{"a range on the text field `message`", n.Span}
	}
	return &UnsupportedError{fmt.Sprintf("%T on `message`", n), n.Pos()}
}

// wildcard matches a wildcard pattern against the words of the message.
func (w *where) wildcard(n *lucene.Wildcard) error {
	pattern := strings.ToLower(n.Pattern)
	lit, rest := literalPrefix(pattern)
	if rest == "*" && lit != "" {
		if !inWord(lit) {
			w.add("0") // a word never holds it
			return nil
		}
		return w.fts(ftsString(lit) + "*")
	}
	return w.wordTest("token_glob", lit, lucene.WildcardRE2(pattern))
}

// wordTest adds fn(l.message, re), on the lines holding a word that starts
// with prefix when there is one.
func (w *where) wordTest(fn, prefix, re string) error {
	switch {
	case prefix == "":
		w.add(fn+"(l.message, ?)", re)
	case !inWord(prefix):
		w.add("0") // no word starts with it
	default:
		if err := w.fts(ftsString(prefix) + "*"); err != nil {
			return err
		}
		w.add(" AND "+fn+"(l.message, ?)", re)
	}
	return nil
}

func inWord(s string) bool {
	for _, r := range s {
		if !analysis.InWord(r) {
			return false
		}
	}
	return true
}

func (w *where) fts(q string) error {
	if q == "" {
		w.add("0") // no words: the parser drops such a value, as Elasticsearch does
		return nil
	}
	w.add("l.id IN (SELECT rowid FROM fts.lines_fts WHERE lines_fts MATCH ?)", q)
	return nil
}

// ftsString is an FTS5 string naming word as the index holds it.
func ftsString(word string) string { return `"` + ftsWord(word) + `"` }

// phraseQuery is the FTS5 query for words in a row; with slop, a NEAR
// group (unordered, unlike Lucene's, which charges for moves).
func phraseQuery(words []string, slop int) string {
	if len(words) == 0 {
		return ""
	}
	enc := make([]string, len(words))
	for i, word := range words {
		enc[i] = ftsWord(word)
	}
	if slop <= 0 || len(words) == 1 {
		return `"` + strings.Join(enc, " ") + `"`
	}
	return `NEAR("` + strings.Join(enc, `" "`) + `", ` + strconv.Itoa(slop) + ")"
}

// literalPrefix splits a wildcard pattern at its first unescaped `*` or
// `?`: the literal text before it, unescaped, and the rest.
func literalPrefix(p string) (lit, rest string) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteByte(p[i])
		case c == '*' || c == '?':
			return b.String(), p[i:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

func fuzziness(t *lucene.Term) int {
	if t.Fuzzy != lucene.FuzzyAuto {
		return t.Fuzzy
	}
	return lucene.AutoEdits(t.Text)
}

// keyword matches an exact-value column, as Elasticsearch's keyword fields.
func (w *where) keyword(n lucene.Node, col string, numeric bool) error {
	switch n := n.(type) {
	case *lucene.Term:
		if n.Fuzzy != -1 {
			w.add("value_fuzzy("+col+", ?, ?)", n.Text, fuzziness(n))
			return nil
		}
		w.add(col+" = ?", keywordValue(col, n.Text))
	case *lucene.Phrase:
		w.add(col+" = ?", keywordValue(col, n.Text))
	case *lucene.Wildcard:
		w.add(col+" GLOB ?", globPattern(n.Pattern))
	case *lucene.Regexp:
		re, err := lucene.RE2(n.Pattern)
		if err != nil {
			return &UnsupportedError{"regular expression /" + n.Pattern + "/: " + err.Error(), n.Span}
		}
		w.add("value_regexp("+col+", ?)", re)
	case *lucene.Range:
		return w.rangeCond(n, col, numeric)
	default:
		return &UnsupportedError{fmt.Sprintf("%T on a keyword field", n), n.Pos()}
	}
	return nil
}

// keywordValue maps voting's true/false to the stored 1/0.
func keywordValue(col, v string) any {
	if col == "b.voting" {
		switch strings.ToLower(v) {
		case "true", "1":
			return 1
		case "false", "0":
			return 0
		}
	}
	return v
}

func (w *where) rangeCond(n *lucene.Range, col string, numeric bool) error {
	conds := []string{}
	var args []any
	for _, side := range []struct {
		b      lucene.Bound
		op, eq string
	}{{n.From, ">", ">="}, {n.To, "<", "<="}} {
		if side.b.Unbounded {
			continue
		}
		op := side.op
		if side.b.Inclusive {
			op = side.eq
		}
		c, v := col, any(side.b.Value)
		if numeric {
			num, err := strconv.ParseFloat(side.b.Value, 64)
			if err != nil {
				return &UnsupportedError{fmt.Sprintf("range bound %q on a numeric field", side.b.Value), n.Span}
			}
			c, v = "CAST("+col+" AS REAL)", num
		}
		conds = append(conds, c+" "+op+" ?")
		args = append(args, v)
	}
	if len(conds) == 0 {
		w.add("1")
		return nil
	}
	w.add("("+strings.Join(conds, " AND ")+")", args...)
	return nil
}

func (w *where) timestamp(n lucene.Node) error {
	r, ok := n.(*lucene.Range)
	if !ok {
		return &UnsupportedError{"a `@timestamp` condition other than a range", n.Pos()}
	}
	conv := *r
	// Read as Elasticsearch reads them: an inclusive upper bound and an
	// exclusive lower one round up what they leave out
	// (`[2026-11-19 TO 2026-11-20]` holds all of the 20th).
	for _, e := range []struct {
		b  *lucene.Bound
		up bool
	}{{&conv.From, !conv.From.Inclusive}, {&conv.To, conv.To.Inclusive}} {
		if e.b.Unbounded {
			continue
		}
		ms, ok := analysis.DateBound(e.b.Value, e.up)
		if !ok {
			return &UnsupportedError{fmt.Sprintf("`@timestamp` bound %q (write a date or time such as 2026-11-20T10:00:00Z; date math is not supported)", e.b.Value), n.Pos()}
		}
		e.b.Value = strconv.FormatInt(ms, 10)
	}
	return w.rangeCond(&conv, "l.ts_ms", true)
}

func (w *where) exists(n *lucene.Exists) error {
	switch {
	case n.Field == "message" || n.Field == "@timestamp":
		w.add("1")
	case n.Field == "tags":
		w.add("EXISTS (SELECT 1 FROM file_tags t WHERE t.file_id = l.file_id)")
	default:
		col, ok := keywordCols[n.Field]
		if !ok {
			return &UnsupportedError{fmt.Sprintf("`_exists_` of field `%s`, which the store does not hold", n.Field), n.Span}
		}
		if strings.HasPrefix(col, "f.") {
			w.needsFile = true
		}
		w.add("(" + col + " IS NOT NULL AND " + col + " <> '')")
	}
	return nil
}

// globPattern turns a Lucene wildcard pattern (with \*, \? and \\ escapes)
// into an SQLite GLOB pattern.
func globPattern(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(globLiteral(p[i]))
		case c == '*' || c == '?':
			b.WriteByte(c)
		default:
			b.WriteString(globLiteral(c))
		}
	}
	return b.String()
}

func globLiteral(c byte) string {
	switch c {
	case '*', '?', '[':
		return "[" + string(c) + "]"
	}
	return string(c)
}
