package lucene

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds parenthesis nesting so hostile input cannot exhaust the
// stack.
const maxDepth = 100

// Parse reads a query string. The error, when not nil, is an *Error.
func Parse(src string, opts Options) (Node, []Warning, error) {
	lim := DefaultLimits
	if opts.Limits != nil {
		lim = *opts.Limits
	}
	if err := lim.checkLength(src); err != nil {
		return nil, nil, err
	}
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, nil, errorf(i, "the query is not valid UTF-8")
		}
		i += size
	}
	p := newParser(src, opts, opts.DefaultOperator)
	n, err := p.parse()
	if err != nil {
		return nil, nil, err
	}
	if err := lim.check(n); err != nil {
		return nil, nil, err
	}
	if p.ix != nil {
		p.sideBySide(n, opts)
		p.impossible(n)
	}
	sort.SliceStable(p.warns, func(i, j int) bool { return p.warns[i].Span.Start < p.warns[j].Span.Start })
	return n, p.warns, nil
}

// newParser reads src with the default operator op; words of one unquoted
// value are joined by the options' operator whatever op is.
func newParser(src string, opts Options, op Operator) *parser {
	return &parser{src: src, lx: lexer{src: src}, op: op, termOp: opts.DefaultOperator, ix: opts.Index}
}

func (p *parser) parse() (Node, *Error) {
	first := p.peek()
	if first.kind == tEOF {
		return nil, errorf(0, "empty query")
	}
	cl, err := p.clauses(-1, "")
	if err != nil {
		return nil, err
	}
	n := p.normalize(cl, Span{first.start, p.prevEnd})
	if n == nil {
		return nil, errorf(first.start, "nothing is left of the query: none of its values holds a letter or digit, so Elasticsearch's analyzer finds no word to search for and the query matches nothing")
	}
	return n, nil
}

type parser struct {
	src     string
	lx      lexer
	buf     []token // lookahead
	prevEnd int     // end of the last token taken
	op      Operator
	termOp  Operator // joins the words of one unquoted value
	ix      Index    // nil: values are read as written
	warns   []Warning
	depth   int
	group   string // the field of the field group being read
	// sides are the places where clauses stand side by side with no
	// operator, one list per group.
	sides [][][2]Span
	// quietDrop: the value just read was dropped and already reported.
	quietDrop bool
}

func (p *parser) peekN(i int) token {
	for len(p.buf) <= i {
		p.buf = append(p.buf, p.lx.next())
	}
	return p.buf[i]
}

func (p *parser) peek() token { return p.peekN(0) }

func (p *parser) next() token {
	t := p.peek()
	p.buf = p.buf[1:]
	p.prevEnd = t.end
	return t
}

func (p *parser) warn(s Span, format string, args ...any) {
	p.warns = append(p.warns, Warning{Span: s, Msg: fmt.Sprintf(format, args...)})
}

// Clause flags, as Lucene's BooleanClause.Occur.
type occur int

const (
	should occur = iota
	must
	mustNot
)

type conj int

const (
	conjNone conj = iota
	conjAnd
	conjOr
)

type modifier int

const (
	modNone modifier = iota
	modReq
	modNot
)

type clause struct {
	occur occur
	node  Node // nil: dropped, as it holds no word
	span  Span // modifier included
	// word is a lowercase and/or/not written alone, searched as a word.
	word bool
	// byDefault: the clause is optional because of the default operator
	// OR, not an OR written beside it.
	byDefault bool
	// touching: written right after the value before it, with no space.
	touching bool
	// quiet: dropped without a warning of its own (a group whose
	// clauses were each reported).
	quiet bool
}

// clauses parses clauses up to the end of the query (open < 0) or up to,
// not including, the `)` that closes the `(` at open. field is the field
// of an enclosing field group, "" for none.
func (p *parser) clauses(open int, field string) ([]clause, *Error) {
	var cl []clause
	outer := p.group
	p.group = field
	defer func() { p.group = outer }()
	var sides [][2]Span
	defer func() {
		if len(sides) > 0 {
			p.sides = append(p.sides, sides)
		}
	}()
	parsed := 0
	var prev Span
	for {
		t := p.peek()
		switch t.kind {
		case tErr:
			return nil, t.err
		case tEOF:
			if open >= 0 {
				return nil, errorf(open, "`(` is never closed: add a `)`")
			}
			p.wordWarnings(cl)
			return cl, nil
		case tRParen:
			if open < 0 {
				return nil, errorf(t.start, "unexpected `)`: no `(` is open")
			}
			if parsed == 0 {
				return nil, errorf(open, "empty parentheses `()`")
			}
			p.wordWarnings(cl)
			return cl, nil
		}
		cj, mod, c, err := p.clause(field, parsed == 0)
		if err != nil {
			return nil, err
		}
		if parsed > 0 && cj == conjNone {
			sides = append(sides, [2]Span{prev, c.span})
		}
		parsed++
		prev = c.span
		cl = p.add(cl, cj, mod, c)
	}
}

// clause parses [conjunction] [modifier] clause.
func (p *parser) clause(field string, first bool) (conj, modifier, clause, *Error) {
	var c clause
	cj, mod := conjNone, modNone
	if t := p.peek(); t.kind == tAnd || t.kind == tOr {
		if first {
			return cj, mod, c, errorf(t.start, "`%s` needs a clause on its left", t.raw)
		}
		cj = conjAnd
		if t.kind == tOr {
			cj = conjOr
		}
		p.next()
		switch n := p.peek(); n.kind {
		case tErr:
			return cj, mod, c, n.err
		case tEOF, tRParen:
			return cj, mod, c, errorf(t.start, "`%s` needs a clause on its right", t.raw)
		case tAnd, tOr:
			return cj, mod, c, errorf(n.start, "`%s` cannot follow `%s`", n.raw, t.raw)
		}
	}
	t := p.peek()
	switch t.kind {
	case tPlus:
		mod = modReq
	case tMinus, tNot:
		mod = modNot
	case tBareOp:
		if n := p.peekN(1); n.kind == tEOF || n.kind == tRParen {
			return cj, mod, c, errorf(t.start, "`%s` needs a clause after it", t.raw)
		}
		// Lucene would search the character as a word, which the
		// analyzer then drops: almost never what was meant.
		return cj, mod, c, errorf(t.start, "`%s` followed by a space is neither an operator nor a word: write `%sword` with no space, or `\\%s` for the character", t.raw, t.raw, t.raw)
	}
	if mod != modNone {
		p.next()
		switch n := p.peek(); n.kind {
		case tErr:
			return cj, mod, c, n.err
		case tEOF, tRParen:
			return cj, mod, c, errorf(t.start, "`%s` needs a clause after it", t.raw)
		case tAnd, tOr:
			return cj, mod, c, errorf(n.start, "`%s` needs a clause after it, not `%s`", t.raw, n.raw)
		case tPlus, tMinus, tNot, tBareOp:
			return cj, mod, c, errorf(n.start, "only one of `+`, `-`, `!` or NOT may stand before a clause")
		}
	}
	n, word, err := p.primary(field)
	if err != nil {
		return cj, mod, c, err
	}
	c.node, c.span = n, Span{t.start, p.prevEnd}
	c.touching = !t.space && t.start > 0 && p.src[t.start-1] != '('
	if n == nil {
		c.quiet = p.quietDrop
		p.quietDrop = false
	}
	if tm, ok := n.(*Term); ok && word && mod == modNone {
		switch strings.ToLower(tm.Text) {
		case "and", "or", "not":
			c.word = tm.Text != strings.ToUpper(tm.Text)
		}
	}
	return cj, mod, c, nil
}

// add appends a clause exactly as Lucene's QueryParser.addClause does.
func (p *parser) add(cl []clause, cj conj, mod modifier, c clause) []clause {
	if len(cl) > 0 {
		prev := &cl[len(cl)-1]
		if cj == conjAnd && prev.occur != mustNot {
			prev.occur = must
		}
		if p.op == AND && cj == conjOr && prev.occur != mustNot {
			prev.occur = should
		}
		if cj == conjOr {
			prev.byDefault = false
		}
	}
	if c.node == nil {
		// Lucene sets the clause before it first, then drops a value
		// its analyzer finds no word in.
		p.dropped(c)
		return cl
	}
	c.byDefault = cj != conjOr
	prohibited := mod == modNot
	var required bool
	if p.op == OR {
		required = mod == modReq || (cj == conjAnd && !prohibited)
	} else {
		required = !prohibited && cj != conjOr
	}
	switch {
	case prohibited:
		c.occur = mustNot
	case required:
		c.occur = must
	default:
		c.occur = should
	}
	return append(cl, c)
}

// wordWarnings flags a lowercase and/or/not between two clauses.
func (p *parser) wordWarnings(cl []clause) {
	for i := 1; i < len(cl)-1; i++ {
		if cl[i].word {
			w := cl[i].node.(*Term).Text
			p.warn(cl[i].span, "lowercase `%s` is searched as a word; write %s for the operator", w, strings.ToUpper(w))
		}
	}
}

// normalize folds a group's clause flags into And, Or and Not, keeping
// clause order. Optional clauses beside required ones are dropped with a
// warning: they change scores, not matches.
func (p *parser) normalize(cl []clause, span Span) Node {
	if len(cl) == 0 {
		return nil
	}
	hasMust := false
	for _, c := range cl {
		hasMust = hasMust || c.occur == must
	}
	var parts, ors []Node
	orAt := -1
	var orSpan Span
	missing := 0 // optional clauses reported as a missing operator
	for i, c := range cl {
		switch c.occur {
		case must:
			parts = append(parts, c.node)
		case mustNot:
			parts = append(parts, &Not{Child: c.node, Span: c.span})
		case should:
			if hasMust {
				if c.byDefault {
					if missing++; missing == 1 {
						p.missingOperator(cl, i)
					}
					continue
				}
				p.warn(c.span, "`%s` is optional here and does not affect which lines match: Elasticsearch reads `a OR b AND c` as `b AND c`; add parentheses to say what you mean", clip(p.src[c.span.Start:c.span.End]))
				continue
			}
			if orAt < 0 {
				orAt, orSpan.Start = len(parts), c.span.Start
				parts = append(parts, nil) // the Or stands where its first clause did
			}
			ors = append(ors, c.node)
			orSpan.End = c.span.End
		}
	}
	if orAt >= 0 {
		if len(parts) == 1 {
			orSpan = span
		}
		parts[orAt] = flatten(&Or{Children: ors, Span: orSpan})
	}
	return flatten(&And{Children: parts, Span: span})
}

// missingOperator reports cl[i], optional through the default operator OR
// beside required clauses: an operator was left out, and the clause does
// not change which lines match. Other clauses of the group left optional
// the same way are counted in the one warning.
func (p *parser) missingOperator(cl []clause, i int) {
	c := cl[i]
	a, b := c, c
	if i+1 < len(cl) {
		b = cl[i+1]
	} else if i > 0 {
		a = cl[i-1]
	}
	more := ""
	n := 0
	for _, o := range cl[i+1:] {
		if o.occur == should && o.byDefault {
			n++
		}
	}
	if n > 0 {
		more = fmt.Sprintf(" (and so are %d more value(s) of this group written with no operator)", n)
	}
	p.warn(c.span, "no operator between `%s` and `%s`: with the default operator OR, `%s` is optional beside required clauses (joined by AND, or marked `+`) and does not affect which lines match%s; write AND (or OR) between them", clip(p.src[a.span.Start:a.span.End]), clip(p.src[b.span.Start:b.span.End]), clip(p.src[c.span.Start:c.span.End]), more)
}

// flatten collapses a one-child And or Or to the child and lifts And
// children of And, and Or children of Or.
func flatten(n Node) Node {
	kids := junction(n)
	if kids == nil {
		return n
	}
	if len(*kids) == 1 {
		return (*kids)[0]
	}
	var out []Node
	for _, c := range *kids {
		if ck := junction(c); ck != nil && reflect.TypeOf(c) == reflect.TypeOf(n) {
			out = append(out, *ck...)
		} else {
			out = append(out, c)
		}
	}
	*kids = out
	return n
}

// junction returns the children of an And or an Or, nil for other nodes.
func junction(n Node) *[]Node {
	switch n := n.(type) {
	case *And:
		return &n.Children
	case *Or:
		return &n.Children
	}
	return nil
}

// primary parses a group, `field:value`, `field:(group)` or a value. word
// reports a bare unescaped word with nothing attached.
func (p *parser) primary(field string) (n Node, word bool, err *Error) {
	t := p.peek()
	switch t.kind {
	case tErr:
		return nil, false, t.err
	case tLParen:
		n, err := p.paren(field, t.start)
		return n, false, err
	case tTerm:
		if p.peekN(1).kind == tColon {
			n, err := p.fielded(field)
			return n, false, err
		}
		p.next()
		n, err := p.leaf(field, t, t.start)
		return n, t.raw == t.text && p.prevEnd == t.end, err
	case tPhrase, tRegexp, tRange:
		p.next()
		n, err := p.leaf(field, t, t.start)
		return n, false, err
	case tColon:
		return nil, false, errorf(t.start, "unexpected `:` with no field name before it; escape a colon inside a word as `\\:`")
	case tCaret, tTilde:
		return nil, false, errorf(t.start, "%s needs a word before it", describe(t))
	}
	return nil, false, errorf(t.start, "unexpected %s", describe(t))
}

// fielded parses `name:value` and `name:(group)`.
func (p *parser) fielded(outer string) (Node, *Error) {
	ft := p.next()
	p.next() // :
	if ft.wild && ft.raw != "*" {
		return nil, errorf(ft.start, "field name `%s` holds a wildcard: escape it, as in `%s`", clip(ft.raw), escapeWildcards(ft.raw))
	}
	if outer != "" {
		return nil, errorf(ft.start, "field `%s:` inside the field group `%s:(…)`: a field group cannot name another field", clip(ft.raw), clip(outer))
	}
	name := ft.text
	v := p.peek()
	switch v.kind {
	case tErr:
		return nil, v.err
	case tEOF, tRParen:
		return nil, errorf(ft.start, "expected a value after `%s:`", clip(ft.raw))
	case tLParen:
		return p.paren(name, ft.start)
	case tTerm, tPhrase, tRegexp, tRange:
		p.next()
		return p.leaf(name, v, ft.start)
	case tAnd, tOr, tNot:
		return nil, errorf(ft.start, "expected a value after `%s:`, found `%s`", clip(ft.raw), v.raw)
	}
	return nil, errorf(v.start, "unexpected %s after `%s:`: escape it or quote the value", describe(v), clip(ft.raw))
}

func escapeWildcards(s string) string {
	return strings.NewReplacer("*", `\*`, "?", `\?`).Replace(s)
}

// paren parses `(...)` with the field of a field group; start is where
// the clause began, field name included.
func (p *parser) paren(field string, start int) (Node, *Error) {
	open := p.next()
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, errorf(open.start, "parentheses nested more than %d deep", maxDepth)
	}
	cl, err := p.clauses(open.start, field)
	if err != nil {
		return nil, err
	}
	p.next() // )
	n := p.normalize(cl, Span{start, p.prevEnd})
	if n == nil {
		p.quietDrop = true // each of its clauses was reported
	}
	// Lucene accepts a boost on a group; it changes scores only.
	tilde, caret, err := p.suffixes()
	if err != nil {
		return nil, err
	}
	if tilde != nil {
		return nil, errorf(tilde.start, "`~` cannot follow a group `(…)`")
	}
	if _, err := boost(caret); err != nil {
		return nil, err
	}
	return n, p.afterValue()
}

// suffixes reads the `~` and `^` after a value, in either order.
func (p *parser) suffixes() (tilde, caret *token, err *Error) {
	for {
		t := p.peek()
		switch t.kind {
		case tTilde:
			if tilde != nil {
				return nil, nil, errorf(t.start, "`~` given twice")
			}
			tilde = &t
		case tCaret:
			if caret != nil {
				return nil, nil, errorf(t.start, "boost `^` given twice")
			}
			caret = &t
		default:
			return tilde, caret, nil
		}
		p.next()
	}
}

// afterValue rejects what may not directly follow a value. Lucene would
// start a new clause at `a"b"` or `(a)b`; that is almost always a typo.
func (p *parser) afterValue() *Error {
	t := p.peek()
	switch t.kind {
	case tColon:
		return errorf(t.start, "unexpected `:` after a value: escape a colon inside a word as `\\:` or quote the value")
	case tTerm, tPhrase, tRegexp, tRange, tLParen, tPlus, tMinus, tNot:
		if !t.space && (t.kind != tNot || t.raw == "!") && !p.noWords(t) {
			return errorf(t.start, "unexpected %s right after a value: add a space or an operator", describe(t))
		}
	}
	return nil
}

// leaf builds the node for value token t on field; start is where the
// clause began, field name included.
func (p *parser) leaf(field string, t token, start int) (Node, *Error) {
	tilde, caret, err := p.suffixes()
	if err != nil {
		return nil, err
	}
	bst, err := boost(caret)
	if err != nil {
		return nil, err
	}
	span := Span{start, p.prevEnd}
	noFuzzy := func(what string) *Error {
		if tilde != nil {
			return errorf(tilde.start, "`~` cannot follow %s: only words can be fuzzy and phrases have proximity", what)
		}
		return nil
	}
	var n Node
	switch {
	case field == "_exists_":
		if t.kind != tTerm && t.kind != tPhrase || t.wild || t.text == "" {
			return nil, errorf(start, "`_exists_:` needs a field name, not %s", describe(t))
		}
		if err := noFuzzy("`_exists_:field`"); err != nil {
			return nil, err
		}
		n = &Exists{Field: t.text, Span: span}
	case t.kind == tTerm && t.wild:
		if err := noFuzzy("a wildcard term"); err != nil {
			return nil, err
		}
		if t.pattern == "*" && (field == "" || field == "*") {
			n = &MatchAll{Span: span}
		} else {
			w := &Wildcard{Field: field, Pattern: p.lowerExpanded(field, "wildcard terms", t.pattern, span), Boost: bst, Span: span}
			p.wildcardWords(w)
			n = w
		}
	case t.kind == tTerm:
		tm := &Term{Field: field, Text: t.text, Fuzzy: -1, Boost: bst, Span: span}
		if tilde != nil {
			if tm.Fuzzy, err = p.fuzzy(*tilde); err != nil {
				return nil, err
			}
			tm.Text = p.lowerExpanded(field, "fuzzy terms", tm.Text, span)
		} else if c := t.text[0]; c == '>' || c == '<' {
			// Elasticsearch reads a leading > >= < <= as a one-sided range.
			if n, err = compare(field, t, span); err != nil {
				return nil, err
			}
			p.lowerRange(n.(*Range))
			break
		}
		n = p.analyzeTerm(tm)
	case t.kind == tPhrase:
		ph := &Phrase{Field: field, Text: t.text, Boost: bst, Span: span}
		if tilde != nil {
			v, err := strconv.Atoi(tilde.text)
			if err != nil || !digits(tilde.text) {
				return nil, errorf(tilde.start, "proximity `~%s` after a phrase needs a whole number, such as `\"a b\"~3`", clip(tilde.text))
			}
			ph.Slop = v
		}
		n = p.analyzePhrase(ph)
	case t.kind == tRegexp:
		if err := noFuzzy("a regular expression"); err != nil {
			return nil, err
		}
		re := &Regexp{Field: field, Pattern: p.lowerExpanded(field, "regular expressions", t.text, span), Boost: bst, Span: span}
		if _, err := RE2(re.Pattern); err != nil {
			if e := err.(*RegexpError); !e.Unsupported {
				return nil, errorf(t.start+1+min(e.Offset, len(t.raw)-2), "regular expression: %s", e.Msg)
			}
		}
		n = re
	case t.kind == tRange:
		if err := noFuzzy("a range"); err != nil {
			return nil, err
		}
		r := &Range{Field: field, From: t.from, To: t.to, Span: span}
		p.lowerRange(r)
		n = r
	}
	return n, p.afterValue()
}

// lowerRange lower-cases the bounds of a range, but on `@timestamp`, a
// date, as Elasticsearch does.
func (p *parser) lowerRange(r *Range) {
	if r.Field == "@timestamp" || !p.lowers(r.Field) {
		return
	}
	from, to := strings.ToLower(r.From.Value), strings.ToLower(r.To.Value)
	if (from != r.From.Value || to != r.To.Value) && !p.ix.Analyzed(r.Field) {
		p.lowerWarning(r.Field, "range bounds", r.Span, String(&Range{Field: r.Field, From: Bound{Value: from, Inclusive: r.From.Inclusive, Unbounded: r.From.Unbounded}, To: Bound{Value: to, Inclusive: r.To.Inclusive, Unbounded: r.To.Unbounded}}))
	}
	r.From.Value, r.To.Value = from, to
}

// compare reads the one-sided ranges >a, >=a, <a and <=a.
func compare(field string, t token, span Span) (Node, *Error) {
	op := t.text[:1]
	if len(t.text) > 1 && t.text[1] == '=' {
		op = t.text[:2]
	}
	v := t.text[len(op):]
	if v == "" {
		return nil, errorf(t.start, "`%s` needs a value right after it, such as `%s10`", op, op)
	}
	b := Bound{Value: v, Inclusive: len(op) == 2}
	n := &Range{Field: field, Span: span}
	if op[0] == '>' {
		n.From, n.To = b, Bound{Unbounded: true}
	} else {
		n.From, n.To = Bound{Unbounded: true}, b
	}
	return n, nil
}

// fuzzy reads the edit distance after `~`.
func (p *parser) fuzzy(t token) (int, *Error) {
	s := t.text
	if s == "" {
		return FuzzyAuto, nil
	}
	if digits(s) {
		if d, err := strconv.Atoi(s); err == nil && d <= 2 {
			return d, nil
		}
		return 0, errorf(t.start, "fuzzy edit distance %s is too large: Elasticsearch allows 0, 1 or 2", clip(s))
	}
	if i := strings.IndexByte(s, '.'); i > 0 && digits(s[:i]) && digits(s[i+1:]) {
		f, _ := strconv.ParseFloat(s, 64)
		switch {
		case f < 1:
			p.warn(Span{t.start, t.end}, "`~%s` is old Lucene's similarity; Elasticsearch reads it as AUTO: write `~1` or `~2`, or `~` for AUTO", s)
			return FuzzyAuto, nil
		case f == math.Trunc(f) && f <= 2:
			return int(f), nil
		}
		return 0, errorf(t.start, "fuzzy edit distance `~%s` must be 0, 1 or 2", clip(s))
	}
	return 0, errorf(t.start, "fuzzy `~%s` needs an edit distance of 0, 1 or 2, such as `word~1`", clip(s))
}

// boost reads the number after `^`, 0 when there is no `^`.
func boost(t *token) (float64, *Error) {
	if t == nil {
		return 0, nil
	}
	s := t.text
	i := strings.IndexByte(s, '.')
	ok := digits(s)
	if i > 0 {
		ok = digits(s[:i]) && digits(s[i+1:])
	}
	f, err := strconv.ParseFloat(s, 64)
	if !ok || err != nil || f <= 0 || math.IsInf(f, 0) {
		return 0, errorf(t.start, "boost `^%s` needs a positive number, such as `^2`", clip(s))
	}
	return f, nil
}

// digits reports a non-empty run of ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
