package lucene

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Operator joins clauses written side by side with no AND or OR.
type Operator int

const (
	OR Operator = iota // Elasticsearch's default
	AND
)

func (o Operator) String() string {
	if o == AND {
		return "AND"
	}
	return "OR"
}

// ParseOperator reads "AND" or "OR" in any case.
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
}

// Error is a syntax error at a byte offset of the query.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// Warning is something legal but probably not meant.
type Warning struct {
	Span Span
	Msg  string
}

// maxDepth bounds parenthesis nesting so hostile input cannot exhaust the
// stack.
const maxDepth = 100

// Parse reads a query string. The error, when not nil, is an *Error.
func Parse(src string, opts Options) (Node, []Warning, error) {
	for i, r := range src {
		if r == utf8.RuneError && !strings.HasPrefix(src[i:], "\uFFFD") {
			return nil, nil, &Error{i, "the query is not valid UTF-8"}
		}
	}
	p := &parser{src: src, op: opts.DefaultOperator}
	p.skipSpace()
	if p.eof() {
		return nil, nil, &Error{0, "empty query"}
	}
	n, err := p.group(0, -1, "")
	if err != nil {
		return nil, nil, err
	}
	return n, p.warns, nil
}

type parser struct {
	src   string
	pos   int
	op    Operator
	warns []Warning
}

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
	node  Node
	start int // where the clause was written, modifier included
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) skipSpace() {
	for !p.eof() {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += size
	}
}

func (p *parser) errf(off int, format string, args ...any) error {
	return &Error{off, fmt.Sprintf(format, args...)}
}

// keyword reports whether an operator word starts at the position: AND,
// OR, NOT (whole words, upper case) or && || !.
func (p *parser) keyword() (string, int) {
	rest := p.src[p.pos:]
	for _, sym := range []string{"&&", "||"} {
		if strings.HasPrefix(rest, sym) {
			return sym, 2
		}
	}
	for _, w := range []string{"AND", "OR", "NOT"} {
		if strings.HasPrefix(rest, w) && (len(rest) == len(w) || endsWord(rest[len(w)])) {
			return w, len(w)
		}
	}
	return "", 0
}

// group parses clauses until the end of input, or the `)` matching the
// `(` at open (-1 at top level). field is the field of an enclosing field
// group, "" for none.
func (p *parser) group(depth, open int, field string) (Node, error) {
	if depth > maxDepth {
		return nil, p.errf(open, "parentheses nested more than %d deep", maxDepth)
	}
	var clauses []clause
	start := p.pos
	for {
		p.skipSpace()
		if p.eof() {
			if open >= 0 {
				return nil, p.errf(open, "`(` is never closed: add a `)`")
			}
			break
		}
		if p.peek() == ')' {
			if open < 0 {
				return nil, p.errf(p.pos, "unexpected `)`: no `(` is open")
			}
			if len(clauses) == 0 {
				return nil, p.errf(open, "empty parentheses `()`")
			}
			p.pos++
			break
		}
		c, err := p.clause(depth, field, len(clauses) == 0)
		if err != nil {
			return nil, err
		}
		p.add(&clauses, c)
	}
	return p.normalize(clauses, Span{start, p.pos}), nil
}

// parsedClause is a clause before the default operator is applied.
type parsedClause struct {
	conj  conj
	mod   modifier
	node  Node
	start int
}

func (p *parser) clause(depth int, field string, first bool) (parsedClause, error) {
	c := parsedClause{start: p.pos}
	if kw, n := p.keyword(); kw == "AND" || kw == "&&" || kw == "OR" || kw == "||" {
		if first {
			return c, p.errf(p.pos, "`%s` needs a clause on its left", kw)
		}
		c.conj = conjAnd
		if kw == "OR" || kw == "||" {
			c.conj = conjOr
		}
		p.pos += n
		p.skipSpace()
		if p.eof() || p.peek() == ')' {
			return c, p.errf(c.start, "`%s` needs a clause on its right", kw)
		}
		if kw2, _ := p.keyword(); kw2 != "" && kw2 != "NOT" && kw2 != "!" {
			return c, p.errf(p.pos, "`%s` cannot follow `%s`", kw2, kw)
		}
	}
	modStart := p.pos
	switch kw, n := p.keyword(); {
	case kw == "NOT":
		c.mod = modNot
		p.pos += n
	case p.peek() == '!':
		c.mod = modNot
		p.pos++
	case p.peek() == '+':
		c.mod = modReq
		p.pos++
	case p.peek() == '-':
		c.mod = modNot
		p.pos++
	}
	if c.mod != modNone {
		p.skipSpace()
		if p.eof() || p.peek() == ')' {
			return c, p.errf(modStart, "`%s` needs a clause after it", p.src[modStart:min(modStart+3, len(p.src))])
		}
		if kw, _ := p.keyword(); kw != "" || p.peek() == '+' || p.peek() == '-' {
			return c, p.errf(p.pos, "only one of `+`, `-`, `!` or NOT can stand before a clause")
		}
	}
	node, err := p.primary(depth, field)
	if err != nil {
		return c, err
	}
	c.node = node
	if !first {
		p.lowercaseOperator(node)
	}
	c.start = modStart
	return c, nil
}

func (p *parser) lowercaseOperator(n Node) {
	t, ok := n.(*Term)
	if !ok || t.Field != "" {
		return
	}
	switch t.Text {
	case "and", "or", "not", "And", "Or", "Not":
		p.warns = append(p.warns, Warning{t.Span, fmt.Sprintf("lowercase `%s` is searched as a word; write %s for the operator", t.Text, strings.ToUpper(t.Text))})
	}
}

// add applies a clause to the list exactly as Lucene's classic
// QueryParser.addClause does.
func (p *parser) add(list *[]clause, c parsedClause) {
	cl := *list
	if len(cl) > 0 && c.conj == conjAnd && cl[len(cl)-1].occur != mustNot {
		cl[len(cl)-1].occur = must
	}
	if len(cl) > 0 && p.op == AND && c.conj == conjOr && cl[len(cl)-1].occur != mustNot {
		cl[len(cl)-1].occur = should
	}
	prohibited := c.mod == modNot
	var required bool
	if p.op == OR {
		required = c.mod == modReq || (c.conj == conjAnd && !prohibited)
	} else {
		required = !prohibited && c.conj != conjOr
	}
	o := should
	switch {
	case prohibited:
		o = mustNot
	case required:
		o = must
	}
	*list = append(cl, clause{occur: o, node: c.node, start: c.start})
}

// normalize folds clause flags into And/Or/Not, keeping clause order.
// Optional clauses beside required ones are dropped with a warning: they
// change scores, not matches.
func (p *parser) normalize(cl []clause, span Span) Node {
	hasMust, shoulds := false, 0
	for _, c := range cl {
		switch c.occur {
		case must:
			hasMust = true
		case should:
			shoulds++
		}
	}
	var parts []Node
	orPlaced := false
	var ors []Node
	for _, c := range cl {
		switch c.occur {
		case must:
			parts = append(parts, c.node)
		case mustNot:
			parts = append(parts, &Not{Child: c.node, Span: Span{c.start, c.node.Pos().End}})
		case should:
			if hasMust {
				p.warns = append(p.warns, Warning{Span{c.start, c.node.Pos().End}, fmt.Sprintf(
					"`%s` is optional here and does not change which lines match: Elasticsearch reads `a OR b AND c` as `b AND c`; add parentheses to say what you mean",
					strings.TrimSpace(p.src[c.start:c.node.Pos().End]))})
				continue
			}
			ors = append(ors, c.node)
			if !orPlaced {
				parts = append(parts, nil) // the Or goes where its first clause stood
				orPlaced = true
			}
		}
	}
	for i, n := range parts {
		if n == nil {
			parts[i] = flatten(&Or{Children: ors, Span: span})
		}
	}
	return flatten(&And{Children: parts, Span: span})
}

// flatten collapses one-child groups and lifts And into And, Or into Or.
func flatten(n Node) Node {
	switch n := n.(type) {
	case *And:
		if len(n.Children) == 1 {
			return n.Children[0]
		}
		var out []Node
		for _, c := range n.Children {
			if a, ok := c.(*And); ok {
				out = append(out, a.Children...)
			} else {
				out = append(out, c)
			}
		}
		n.Children = out
	case *Or:
		if len(n.Children) == 1 {
			return n.Children[0]
		}
		var out []Node
		for _, c := range n.Children {
			if o, ok := c.(*Or); ok {
				out = append(out, o.Children...)
			} else {
				out = append(out, c)
			}
		}
		n.Children = out
	}
	return n
}

// primary parses a group, `field:value`, or a value.
func (p *parser) primary(depth int, field string) (Node, error) {
	start := p.pos
	switch c := p.peek(); {
	case c == '(':
		p.pos++
		n, err := p.group(depth+1, start, field)
		if err != nil {
			return nil, err
		}
		if err := p.groupBoost(); err != nil {
			return nil, err
		}
		return n, nil
	case c == ':' || c == '^' || c == '~' || c == ']' || c == '}' || c == ')':
		return nil, p.errf(p.pos, "unexpected `%c`", c)
	}
	// A field name is a term followed by `:`.
	if name, end, ok := p.fieldName(); ok {
		if field != "" {
			return nil, p.errf(start, "field `%s:` inside the field group `%s:(...)`: a field group cannot name another field", name, field)
		}
		p.pos = end + 1
		p.skipSpace()
		if p.eof() || p.peek() == ')' {
			return nil, p.errf(start, "expected a value after `%s:`", name)
		}
		if kw, _ := p.keyword(); kw != "" {
			return nil, p.errf(start, "expected a value after `%s:`, found `%s`", name, kw)
		}
		if p.peek() == '(' {
			open := p.pos
			p.pos++
			n, err := p.group(depth+1, open, name)
			if err != nil {
				return nil, err
			}
			return n, p.groupBoost()
		}
		return p.value(name, start)
	}
	return p.value(field, start)
}

func (p *parser) groupBoost() error {
	if p.peek() != '^' {
		return nil
	}
	_, err := p.boost()
	return err
}

// fieldName looks ahead for `name:` at the position.
func (p *parser) fieldName() (string, int, bool) {
	var b strings.Builder
	i := p.pos
	for i < len(p.src) {
		c := p.src[i]
		switch {
		case c == '\\' && i+1 < len(p.src):
			_, size := utf8.DecodeRuneInString(p.src[i+1:])
			b.WriteString(p.src[i+1 : i+1+size])
			i += 1 + size
			continue
		case c == ':':
			if i == p.pos {
				return "", 0, false
			}
			return b.String(), i, true
		case !isTermChar(c) && c != '*' && c != '?':
			return "", 0, false
		}
		b.WriteByte(c)
		i++
	}
	return "", 0, false
}

// value parses what may follow `field:` (or stand alone on the default
// field); start is where the clause, field included, began.
func (p *parser) value(field string, start int) (Node, error) {
	switch c := p.peek(); c {
	case '"':
		return p.phrase(field, start)
	case '[', '{':
		return p.rangeValue(field, start)
	case '>', '<':
		return p.compare(field, start)
	case '/':
		return p.regexp(field, start)
	}
	if field == "_exists_" {
		return p.exists(start)
	}
	return p.term(field, start)
}

func (p *parser) phrase(field string, start int) (Node, error) {
	text, err := p.quoted()
	if err != nil {
		return nil, err
	}
	n := &Phrase{Field: field, Text: text}
	if p.peek() == '~' {
		p.pos++
		v, ok := p.number()
		if !ok || strings.Contains(v, ".") {
			return nil, p.errf(p.pos, "proximity `~` after a phrase needs a whole number, such as `\"a b\"~3`")
		}
		n.Slop, _ = strconv.Atoi(v)
	}
	if p.peek() == '^' {
		if n.Boost, err = p.boost(); err != nil {
			return nil, err
		}
	}
	n.Span = Span{start, p.pos}
	return n, p.afterValue()
}

// quoted reads a "..." string at the position and unescapes it.
func (p *parser) quoted() (string, error) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return "", p.errf(open, "phrase is not closed: add a `\"`")
			}
			_, size := utf8.DecodeRuneInString(p.src[p.pos+1:])
			b.WriteString(p.src[p.pos+1 : p.pos+1+size])
			p.pos += 1 + size
			continue
		}
		b.WriteByte(c)
		p.pos++
	}
	return "", p.errf(open, "phrase is not closed: add a `\"`")
}

func (p *parser) number() (string, bool) {
	s := p.pos
	for !p.eof() && (isDigit(p.peek()) || p.peek() == '.') {
		p.pos++
	}
	v := p.src[s:p.pos]
	_, err := strconv.ParseFloat(v, 64)
	return v, v != "" && err == nil
}

func (p *parser) boost() (float64, error) {
	at := p.pos
	p.pos++ // ^
	v, ok := p.number()
	f, _ := strconv.ParseFloat(v, 64)
	if !ok || f <= 0 {
		return 0, p.errf(at, "boost `^` needs a positive number, such as `^2`")
	}
	return f, nil
}

// afterValue rejects what may not directly follow a value.
func (p *parser) afterValue() error {
	switch c := p.peek(); c {
	case ':':
		return p.errf(p.pos, "unexpected `:`: quote or escape (`\\:`) a colon inside a value")
	case '~', '^':
		return p.errf(p.pos, "unexpected `%c`", c)
	case '"', '(', '[', '{':
		return p.errf(p.pos, "unexpected `%c` right after a value: add a space or an operator", c)
	}
	return nil
}

func (p *parser) term(field string, start int) (Node, error) {
	text, pattern, wild, err := p.termText()
	if err != nil {
		return nil, err
	}
	if field == "*" && pattern == "*" || field == "" && pattern == "*" && wild {
		n := &MatchAll{Span: Span{start, p.pos}}
		return n, p.afterValue()
	}
	var n Node
	if wild {
		w := &Wildcard{Field: field, Pattern: pattern}
		if p.peek() == '~' {
			return nil, p.errf(p.pos, "a wildcard term cannot be fuzzy")
		}
		if p.peek() == '^' {
			if w.Boost, err = p.boost(); err != nil {
				return nil, err
			}
		}
		w.Span = Span{start, p.pos}
		n = w
	} else {
		t := &Term{Field: field, Text: text, Fuzzy: -1}
		if p.peek() == '~' {
			if err := p.fuzzy(t); err != nil {
				return nil, err
			}
		}
		if p.peek() == '^' {
			if t.Boost, err = p.boost(); err != nil {
				return nil, err
			}
		}
		t.Span = Span{start, p.pos}
		n = t
	}
	return n, p.afterValue()
}

func (p *parser) fuzzy(t *Term) error {
	at := p.pos
	p.pos++
	if p.eof() || !isDigit(p.peek()) {
		t.Fuzzy = FuzzyAuto
		return nil
	}
	v, ok := p.number()
	if !ok {
		return p.errf(at, "fuzzy `~` needs an edit distance of 0, 1 or 2")
	}
	if strings.Contains(v, ".") {
		t.Fuzzy = FuzzyAuto
		p.warns = append(p.warns, Warning{Span{at, p.pos}, fmt.Sprintf("`~%s` is old Lucene's similarity; Elasticsearch reads it as AUTO: write `~1` or `~2`", v)})
		return nil
	}
	d, _ := strconv.Atoi(v)
	if d > 2 {
		return p.errf(at, "fuzzy edit distance %d is too large: Elasticsearch allows 0, 1 or 2", d)
	}
	t.Fuzzy = d
	return nil
}

// termText reads an unquoted term: its unescaped text, its pattern (with
// only \\ \* \? escapes kept) and whether an unescaped wildcard occurs.
func (p *parser) termText() (text, pattern string, wild bool, err error) {
	start := p.pos
	var t, pat strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		if c == '\\' {
			if p.pos+1 >= len(p.src) {
				return "", "", false, p.errf(p.pos, "a backslash at the end escapes nothing: write `\\\\` for a backslash")
			}
			r, size := utf8.DecodeRuneInString(p.src[p.pos+1:])
			esc := p.src[p.pos+1 : p.pos+1+size]
			t.WriteString(esc)
			if r == '*' || r == '?' || r == '\\' {
				pat.WriteByte('\\')
			}
			pat.WriteString(esc)
			p.pos += 1 + size
			continue
		}
		if c == '*' || c == '?' {
			wild = true
		} else if !isTermChar(c) || (p.pos == start && (c == '+' || c == '-')) {
			break
		} else if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			if unicode.IsSpace(r) {
				break
			}
			t.WriteString(p.src[p.pos : p.pos+size])
			pat.WriteString(p.src[p.pos : p.pos+size])
			p.pos += size
			continue
		}
		t.WriteByte(c)
		pat.WriteByte(c)
		p.pos++
	}
	if p.pos == start {
		if p.eof() {
			return "", "", false, p.errf(p.pos, "unexpected end of query")
		}
		return "", "", false, p.errf(p.pos, "unexpected `%c`", p.src[p.pos])
	}
	return t.String(), pat.String(), wild, nil
}

func (p *parser) exists(start int) (Node, error) {
	text, _, wild, err := p.termText()
	if err != nil || wild {
		return nil, p.errf(start, "`_exists_:` needs a field name")
	}
	n := &Exists{Field: text, Span: Span{start, p.pos}}
	return n, p.afterValue()
}

func (p *parser) regexp(field string, start int) (Node, error) {
	open := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return nil, p.errf(open, "regular expression is not closed: add a `/`")
		}
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) {
			if p.src[p.pos+1] == '/' {
				b.WriteByte('/')
			} else {
				b.WriteString(p.src[p.pos : p.pos+2])
			}
			p.pos += 2
			continue
		}
		p.pos++
		if c == '/' {
			break
		}
		b.WriteByte(c)
	}
	n := &Regexp{Field: field, Pattern: b.String()}
	if p.peek() == '^' {
		var err error
		if n.Boost, err = p.boost(); err != nil {
			return nil, err
		}
	}
	n.Span = Span{start, p.pos}
	return n, p.afterValue()
}

// rangeValue parses [a TO b], {a TO b} and mixed brackets.
func (p *parser) rangeValue(field string, start int) (Node, error) {
	open := p.pos
	incLow := p.peek() == '['
	p.pos++
	p.skipSpace()
	from, err := p.bound(open)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !strings.HasPrefix(p.src[p.pos:], "TO") || (p.pos+2 < len(p.src) && isTermChar(p.src[p.pos+2])) {
		return nil, p.errf(open, "range needs `TO` between its bounds, such as `[1 TO 5]`")
	}
	p.pos += 2
	p.skipSpace()
	to, err := p.bound(open)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	switch p.peek() {
	case ']':
		to.Inclusive = !to.Unbounded
	case '}':
	default:
		return nil, p.errf(open, "range is not closed with `]` or `}`")
	}
	p.pos++
	from.Inclusive = incLow && !from.Unbounded // an open end has no edge to include
	n := &Range{Field: field, From: from, To: to, Span: Span{start, p.pos}}
	return n, p.afterValue()
}

func (p *parser) bound(open int) (Bound, error) {
	if p.eof() {
		return Bound{}, p.errf(open, "range is not closed with `]` or `}`")
	}
	if p.peek() == '"' {
		v, err := p.quoted()
		return Bound{Value: v}, err
	}
	s := p.pos
	var b strings.Builder
	for !p.eof() {
		c := p.src[p.pos]
		if c == '\\' && p.pos+1 < len(p.src) {
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
			continue
		}
		if c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		b.WriteByte(c)
		p.pos++
	}
	raw := p.src[s:p.pos]
	switch {
	case raw == "":
		return Bound{}, p.errf(open, "range needs a value on each side of `TO`")
	case raw == "*":
		return Bound{Unbounded: true}, nil
	case raw == "TO":
		return Bound{}, p.errf(open, "range needs a value on each side of `TO`")
	}
	return Bound{Value: b.String()}, nil
}

// compare parses the one-sided ranges >a, >=a, <a, <=a.
func (p *parser) compare(field string, start int) (Node, error) {
	op := string(p.peek())
	p.pos++
	if p.peek() == '=' {
		op += "="
		p.pos++
	}
	var v string
	var err error
	if p.peek() == '"' {
		v, err = p.quoted()
	} else {
		v, _, _, err = p.termText()
	}
	if err != nil || v == "" {
		return nil, p.errf(start, "`%s` needs a value, such as `%s10`", op, op)
	}
	b := Bound{Value: v, Inclusive: strings.HasSuffix(op, "=")}
	n := &Range{Field: field, Span: Span{start, p.pos}}
	if op[0] == '>' {
		n.From, n.To = b, Bound{Unbounded: true}
	} else {
		n.From, n.To = Bound{Unbounded: true}, b
	}
	return n, p.afterValue()
}

// endsWord: the character after AND, OR or NOT makes it an operator, not
// the start of a longer term (ANDROID, AND\:x, AND*), as Lucene's lexer
// takes the longest match.
func endsWord(c byte) bool {
	return !isTermChar(c) && c != '\\' && c != '*' && c != '?'
}

// isTermChar: anything but white space and Lucene's special characters.
// `-` and `+` continue a term (foo-bar) but cannot start one; `/` may
// continue one (a path), a leniency Lucene does not have.
func isTermChar(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\f', '\v', '!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '*', '?', '\\':
		return false
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
