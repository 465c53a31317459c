package lucene

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// RegexpError is a problem in a regular expression's Lucene syntax, at a
// byte offset of its pattern.
type RegexpError struct {
	Offset int
	Msg    string
	// Unsupported marks valid Lucene syntax with no RE2 equivalent
	// (intersection `&`, complement `~`, numeric intervals `<1-5>`): a
	// server runs it, the embedded store cannot.
	Unsupported bool
}

func (e *RegexpError) Error() string { return e.Msg }

// RE2 translates a pattern in Lucene's regular-expression syntax (RegExp,
// every optional operator on, as Elasticsearch's query_string has it) into
// Go's RE2 syntax, anchored to the whole term: `.` any character, `?*+`
// and `{n,m}` repeats, `|`, `(…)`, classes `[a-z]` and `[^…]`, `"…"` a
// literal string, `@` any string, `#` nothing, and `\` escaping any one
// character. Everything else is literal: `\d` is the letter d and `^`,
// `$` are characters, as in Lucene.
func RE2(pattern string) (string, error) {
	if pattern == "" {
		return "^$", nil
	}
	r := &reParser{src: pattern}
	out, err := r.union()
	if err != nil {
		return "", err
	}
	if r.pos < len(r.src) {
		return "", r.errorf(r.pos, "unexpected `%c` in the regular expression", r.peekRune())
	}
	re := "^(?:" + out + ")$"
	if _, err := regexp.Compile(re); err != nil {
		return "", &RegexpError{Msg: fmt.Sprintf("regular expression too large for the embedded store: %v", err), Unsupported: true}
	}
	return re, nil
}

type reParser struct {
	src string
	pos int
}

func (r *reParser) errorf(off int, format string, args ...any) *RegexpError {
	return &RegexpError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (r *reParser) more() bool { return r.pos < len(r.src) }

func (r *reParser) peekRune() rune {
	c, _ := utf8.DecodeRuneInString(r.src[r.pos:])
	return c
}

func (r *reParser) peek(set string) bool { return r.more() && strings.ContainsRune(set, r.peekRune()) }

func (r *reParser) match(c rune) bool {
	if r.more() && r.peekRune() == c {
		r.pos += utf8.RuneLen(c)
		return true
	}
	return false
}

func (r *reParser) next() (rune, *RegexpError) {
	if !r.more() {
		return 0, r.errorf(r.pos, "the regular expression ends too early")
	}
	c, size := utf8.DecodeRuneInString(r.src[r.pos:])
	r.pos += size
	return c, nil
}

func (r *reParser) union() (string, *RegexpError) {
	e, err := r.inter()
	if err != nil {
		return "", err
	}
	if r.match('|') {
		rest, err := r.union()
		if err != nil {
			return "", err
		}
		return e + "|" + rest, nil
	}
	return e, nil
}

func (r *reParser) inter() (string, *RegexpError) {
	start := r.pos
	e, err := r.concat()
	if err != nil {
		return "", err
	}
	if r.peek("&") {
		return "", &RegexpError{Offset: r.pos, Msg: fmt.Sprintf("`&` (intersection) in `%s` has no equivalent in the embedded store", clip(r.src[start:])), Unsupported: true}
	}
	return e, nil
}

func (r *reParser) concat() (string, *RegexpError) {
	var b strings.Builder
	for {
		e, err := r.repeat()
		if err != nil {
			return "", err
		}
		b.WriteString(e)
		if !r.more() || r.peek(")|&") {
			return b.String(), nil
		}
	}
}

func (r *reParser) repeat() (string, *RegexpError) {
	e, err := r.compl()
	if err != nil {
		return "", err
	}
	for r.peek("?*+{") {
		c, _ := r.next()
		e = "(?:" + e + ")"
		if c != '{' {
			e += string(c)
			continue
		}
		at := r.pos
		n, ok := r.digits()
		if !ok {
			return "", r.errorf(at, "a repeat `{` needs a number, such as `{2}` or `{1,3}`")
		}
		spec := n
		if r.match(',') {
			spec += ","
			if m, ok := r.digits(); ok {
				spec += m
			}
		}
		if !r.match('}') {
			return "", r.errorf(r.pos, "a repeat `{%s` is not closed with `}`", spec)
		}
		e += "{" + spec + "}"
	}
	return e, nil
}

func (r *reParser) digits() (string, bool) {
	start := r.pos
	for r.more() && r.src[r.pos] >= '0' && r.src[r.pos] <= '9' {
		r.pos++
	}
	if r.pos == start {
		return "", false
	}
	if _, err := strconv.Atoi(r.src[start:r.pos]); err != nil {
		return "", false
	}
	return r.src[start:r.pos], true
}

func (r *reParser) compl() (string, *RegexpError) {
	if r.peek("~") {
		return "", &RegexpError{Offset: r.pos, Msg: "`~` (complement) in a regular expression has no equivalent in the embedded store", Unsupported: true}
	}
	return r.class()
}

func (r *reParser) class() (string, *RegexpError) {
	open := r.pos
	if !r.match('[') {
		return r.simple()
	}
	var b strings.Builder
	b.WriteByte('[')
	if r.match('^') {
		b.WriteByte('^')
	}
	for {
		c, err := r.charExp()
		if err != nil {
			return "", r.errorf(open, "character class `[` is not closed with `]`")
		}
		b.WriteString(classChar(c))
		if r.match('-') {
			d, err := r.charExp()
			if err != nil {
				return "", r.errorf(open, "character class `[` is not closed with `]`")
			}
			if d < c {
				return "", r.errorf(open, "range `%c-%c` in a character class runs backwards", c, d)
			}
			b.WriteString("-" + classChar(d))
		}
		if !r.more() {
			return "", r.errorf(open, "character class `[` is not closed with `]`")
		}
		if r.match(']') {
			return b.String() + "]", nil
		}
	}
}

func classChar(c rune) string { return fmt.Sprintf(`\x{%x}`, c) }

func (r *reParser) simple() (string, *RegexpError) {
	switch {
	case r.match('.'):
		return "(?s:.)", nil
	case r.match('#'):
		return `[^\x00-\x{10FFFF}]`, nil // the empty language: matches nothing
	case r.match('@'):
		return "(?s:.*)", nil
	case r.peek(`"`):
		open := r.pos
		r.pos++
		end := strings.IndexByte(r.src[r.pos:], '"')
		if end < 0 {
			return "", r.errorf(open, "quoted string `\"` in the regular expression is not closed")
		}
		s := r.src[r.pos : r.pos+end]
		r.pos += end + 1
		return "(?:" + regexp.QuoteMeta(s) + ")", nil
	case r.peek("("):
		open := r.pos
		r.pos++
		if r.match(')') {
			return "(?:)", nil
		}
		e, err := r.union()
		if err != nil {
			return "", err
		}
		if !r.match(')') {
			return "", r.errorf(open, "`(` in the regular expression is never closed")
		}
		return "(?:" + e + ")", nil
	case r.peek("<"):
		open := r.pos
		end := strings.IndexByte(r.src[r.pos:], '>')
		if end < 0 {
			return "", r.errorf(open, "`<` in the regular expression is not closed with `>`: escape it as `\\<`")
		}
		inner := r.src[r.pos+1 : r.pos+end]
		r.pos += end + 1
		if lo, hi, ok := strings.Cut(inner, "-"); ok && lo != "" && hi != "" && allDigits(lo) && allDigits(hi) {
			return "", &RegexpError{Offset: open, Msg: fmt.Sprintf("numeric interval `<%s>` in a regular expression has no equivalent in the embedded store", inner), Unsupported: true}
		}
		return "", r.errorf(open, "`<%s>` names no automaton: escape `<` as `\\<` for the character", clip(inner))
	}
	c, err := r.charExp()
	if err != nil {
		return "", err
	}
	return regexp.QuoteMeta(string(c)), nil
}

func allDigits(s string) bool { return digits(s) }

func (r *reParser) charExp() (rune, *RegexpError) {
	if r.match('\\') && !r.more() {
		return 0, r.errorf(r.pos-1, "a backslash at the end of the regular expression escapes nothing")
	}
	return r.next()
}

// WildcardRE2 is a Lucene wildcard pattern (with \*, \? and \\ escapes) as
// an anchored RE2: `*` any text, `?` any one character.
func WildcardRE2(p string) string {
	var b strings.Builder
	b.WriteString("^(?s:")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		case c == '*':
			b.WriteString(".*")
		case c == '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString(")$")
	return b.String()
}
