package lucene

import (
	"strings"
	"unicode/utf8"
)

// The lexer follows the token rules of Lucene's classic QueryParser
// (QueryParser.jj): the longest match wins, so `ANDROID` and `&&x` are
// terms while `AND` and `&&` standing alone are operators. Whitespace only
// separates tokens; the parser never sees it except as token.space.

type tokKind int

const (
	tEOF    tokKind = iota
	tErr            // a lexical error; the lexer returns it from then on
	tAnd            // AND &&
	tOr             // OR ||
	tNot            // NOT !
	tPlus           // +
	tMinus          // -
	tBareOp         // + - ! followed by white space (Lucene's BAREOPER)
	tLParen         // (
	tRParen         // )
	tColon          // :
	tCaret          // ^ and the run of characters after it
	tTilde          // ~ and the run of characters after it
	tTerm           // a word, possibly with wildcards
	tPhrase         // "..."
	tRegexp         // /.../
	tRange          // [a TO b], {a TO b} and mixed brackets
)

type token struct {
	kind       tokKind
	start, end int
	space      bool   // white space, or the start of the query, comes before it
	raw        string // as written
	// text is unescaped: a term's or phrase's text, a regexp's pattern,
	// the argument after `^` or `~`.
	text     string
	pattern  string // tTerm: text keeping only \\ \* \? escapes
	wild     bool   // tTerm: holds an unescaped * or ?
	from, to Bound  // tRange
	err      *Error // tErr
}

type lexer struct {
	src string
	pos int
	err *Error // sticky: after an error every token is that error
}

// isSpace is Lucene's white space; other Unicode spaces are word
// characters, as in Elasticsearch.
func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000'
}

// isTermRune reports whether r may continue a term. `+`, `-` and `/` may
// continue one but not start it: the lexer sends them elsewhere first.
// Lucene ends a term at `/`; recheckgen keeps paths like a/b whole.
func isTermRune(r rune) bool {
	if isSpace(r) {
		return false
	}
	switch r {
	case '!', '(', ')', ':', '^', '[', ']', '"', '{', '}', '~', '*', '?', '\\':
		return false
	}
	return true
}

func (l *lexer) next() token {
	if l.err != nil {
		return token{kind: tErr, start: l.err.Offset, end: l.err.Offset, err: l.err}
	}
	space := l.pos == 0
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !isSpace(r) {
			break
		}
		l.pos += size
		space = true
	}
	start := l.pos
	t := l.scan()
	if t.err != nil {
		l.err = t.err
		return token{kind: tErr, start: t.err.Offset, end: t.err.Offset, err: t.err}
	}
	t.start, t.end, t.space = start, l.pos, space
	t.raw = l.src[start:l.pos]
	return t
}

func (l *lexer) fail(off int, format string, args ...any) token {
	return token{kind: tErr, err: errorf(off, format, args...)}
}

func (l *lexer) scan() token {
	if l.pos >= len(l.src) {
		return token{kind: tEOF}
	}
	c := l.src[l.pos]
	switch c {
	case '(':
		l.pos++
		return token{kind: tLParen}
	case ')':
		l.pos++
		return token{kind: tRParen}
	case ':':
		l.pos++
		return token{kind: tColon}
	case '"':
		text, err := l.quoted("phrase is not closed: add a `\"`")
		if err != nil {
			return token{kind: tErr, err: err}
		}
		return token{kind: tPhrase, text: text}
	case '/':
		return l.regexp()
	case '[', '{':
		return l.rangeTok()
	case ']', '}':
		return l.fail(l.pos, "unexpected `%c` outside a range", c)
	case '^', '~':
		l.pos++
		s := l.pos
		for l.pos < len(l.src) {
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !isTermRune(r) {
				break
			}
			l.pos += size
		}
		kind := tCaret
		if c == '~' {
			kind = tTilde
		}
		return token{kind: kind, text: l.src[s:l.pos]}
	case '+', '-', '!':
		l.pos++
		if l.pos < len(l.src) {
			if r, _ := utf8.DecodeRuneInString(l.src[l.pos:]); isSpace(r) {
				return token{kind: tBareOp}
			}
		}
		switch c {
		case '+':
			return token{kind: tPlus}
		case '-':
			return token{kind: tMinus}
		}
		return token{kind: tNot}
	}
	return l.term()
}

// escape reads the backslash escape at l.pos and returns the escaped
// character and the escape's length.
func (l *lexer) escape() (rune, int, *Error) {
	if l.pos+1 >= len(l.src) {
		return 0, 0, errorf(l.pos, "a backslash at the end escapes nothing: write `\\\\` for a backslash")
	}
	r, size := utf8.DecodeRuneInString(l.src[l.pos+1:])
	if r == 'u' {
		// Lucene reads \uXXXX as a character, but not in wildcard terms;
		// refusing it keeps recheckgen from reading it differently.
		return 0, 0, errorf(l.pos, "Unicode escapes such as `\\u0041` are not supported: write the character itself, or `\\\\u` for a backslash and `u`")
	}
	return r, 1 + size, nil
}

func (l *lexer) term() token {
	start := l.pos
	var text, pat strings.Builder
	wild := false
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if r == '\\' {
			e, n, err := l.escape()
			if err != nil {
				return token{kind: tErr, err: err}
			}
			text.WriteRune(e)
			if e == '*' || e == '?' || e == '\\' {
				pat.WriteByte('\\')
			}
			pat.WriteRune(e)
			l.pos += n
			continue
		}
		if r == '*' || r == '?' {
			wild = true
		} else if !isTermRune(r) {
			break
		}
		text.WriteString(l.src[l.pos : l.pos+size])
		pat.WriteString(l.src[l.pos : l.pos+size])
		l.pos += size
	}
	if l.pos == start { // unreachable: scan sends only term starts here
		r, _ := utf8.DecodeRuneInString(l.src[start:])
		return l.fail(start, "unexpected `%c`", r)
	}
	switch l.src[start:l.pos] {
	case "AND", "&&":
		return token{kind: tAnd}
	case "OR", "||":
		return token{kind: tOr}
	case "NOT":
		return token{kind: tNot}
	}
	return token{kind: tTerm, text: text.String(), pattern: pat.String(), wild: wild}
}

// quoted reads a "..." string at l.pos and unescapes it; unclosed is the
// message when it never ends.
func (l *lexer) quoted(unclosed string) (string, *Error) {
	open := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; c {
		case '"':
			l.pos++
			return b.String(), nil
		case '\\':
			if l.pos+1 >= len(l.src) {
				return "", errorf(open, "%s", unclosed)
			}
			r, n, err := l.escape()
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
			l.pos += n
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return "", errorf(open, "%s", unclosed)
}

// regexp reads /.../: `\/` stands for `/`, every other escape stays as
// written for the regular expression engine.
func (l *lexer) regexp() token {
	open := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '/':
			l.pos++
			return token{kind: tRegexp, text: b.String()}
		case c == '\\' && l.pos+1 < len(l.src):
			if l.src[l.pos+1] == '/' {
				b.WriteByte('/')
				l.pos += 2
				continue
			}
			_, size := utf8.DecodeRuneInString(l.src[l.pos+1:])
			b.WriteString(l.src[l.pos : l.pos+1+size])
			l.pos += 1 + size
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return l.fail(open, "regular expression is not closed: add a `/`")
}

// goop is one word inside a range, Lucene's RANGE_GOOP or RANGE_QUOTED.
type goop struct {
	present    bool // false at a closing bracket
	quoted     bool
	raw, value string
	start, end int
}

func (g goop) isTO() bool { return g.present && !g.quoted && g.raw == "TO" }

// rangeGoop reads the next word of the range opened at open.
func (l *lexer) rangeGoop(open int) (goop, *Error) {
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !isSpace(r) {
			break
		}
		l.pos += size
	}
	g := goop{start: l.pos}
	if l.pos >= len(l.src) {
		return g, errorf(open, "range is not closed: add `]` or `}`")
	}
	switch l.src[l.pos] {
	case ']', '}':
		return g, nil
	case '"':
		v, err := l.quoted("quoted range bound is not closed: add a `\"`")
		if err != nil {
			return g, err
		}
		if v == "" {
			return g, errorf(g.start, "range bound `\"\"` is empty")
		}
		g.present, g.quoted, g.value, g.end = true, true, v, l.pos
		g.raw = l.src[g.start:l.pos]
		return g, nil
	}
	var b strings.Builder
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if isSpace(r) || r == ']' || r == '}' {
			break
		}
		if r == '\\' {
			e, n, err := l.escape()
			if err != nil {
				return g, err
			}
			b.WriteRune(e)
			l.pos += n
			continue
		}
		b.WriteRune(r)
		l.pos += size
	}
	g.present, g.value, g.end = true, b.String(), l.pos
	g.raw = l.src[g.start:l.pos]
	return g, nil
}

func (g goop) bound(inclusive bool) Bound {
	if !g.quoted && g.raw == "*" {
		return Bound{Unbounded: true} // an open end has no edge to include
	}
	return Bound{Value: g.value, Inclusive: inclusive}
}

// rangeTok reads a whole range. Errors about its shape point at the
// opening bracket, as an unclosed `(` does.
func (l *lexer) rangeTok() token {
	open := l.pos
	openCh := l.src[open]
	l.pos++
	from, err := l.rangeGoop(open)
	if err != nil {
		return token{kind: tErr, err: err}
	}
	if !from.present {
		return l.fail(open, "range needs a value before `TO`, such as `[1 TO 5]`")
	}
	to, err := l.rangeGoop(open)
	if err != nil {
		return token{kind: tErr, err: err}
	}
	if !to.isTO() {
		if from.isTO() {
			return l.fail(open, "range needs a value before `TO`, such as `[1 TO 5]`")
		}
		return l.fail(open, "range needs `TO` between its bounds, such as `[1 TO 5]`")
	}
	to, err = l.rangeGoop(open)
	if err != nil {
		return token{kind: tErr, err: err}
	}
	if !to.present {
		return l.fail(open, "range needs a value after `TO`, such as `[1 TO 5]`")
	}
	for l.pos < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		if !isSpace(r) {
			break
		}
		l.pos += size
	}
	if l.pos >= len(l.src) || (l.src[l.pos] != ']' && l.src[l.pos] != '}') {
		switch {
		case !to.quoted && strings.HasSuffix(to.raw, ")"):
			return l.fail(to.end-1, "range opened with `%c` must close with `]` or `}`, not `)`", openCh)
		case l.pos >= len(l.src):
			return l.fail(open, "range is not closed: add `]` or `}`")
		}
		return l.fail(l.pos, "range has more than two bounds: expected `]` or `}` here")
	}
	closeCh := l.src[l.pos]
	l.pos++
	return token{kind: tRange, from: from.bound(openCh == '['), to: to.bound(closeCh == ']')}
}

// describe names a token in a message.
func describe(t token) string {
	if t.kind == tEOF {
		return "the end of the query"
	}
	return "`" + clip(t.raw) + "`"
}

// clip shortens text quoted in a message, on one line.
func clip(s string) string {
	s = strings.Join(strings.FieldsFunc(s, isSpace), " ")
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		return string(r[:39]) + "…"
	}
	return s
}
