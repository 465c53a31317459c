// Package queryimport reads the query formats beside elastic-recheck's —
// TripleO's unified queries.yml (tripleo-ci-health-queries: id, pattern or
// regex, tags, url) and sova's patterns (ansible-role-collect-logs) — and
// turns each entry into a recheckgen query where its pattern can be said
// in Lucene, or says why it cannot.
package queryimport

import (
	"fmt"
	"regexp/syntax"
	"strings"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
)

// Match is the Lucene form of a pattern, with what it does not keep of
// the pattern's own meaning.
type Match struct {
	Query string   // a Lucene condition on message
	Notes []string // where it reads the pattern differently
}

// wordNote says what every translation changes: a substring search
// becomes a search for words.
const wordNote = "matched as whole words, ignoring case and punctuation between them"

// Literal is the Lucene form of an exact substring: a phrase of its words.
func Literal(s string) (Match, error) {
	if len(analysis.Tokens(s)) == 0 {
		return Match{}, fmt.Errorf("%q holds no word to search for (Lucene searches words)", s)
	}
	return Match{Query: "message:" + quote(s), Notes: []string{wordNote}}, nil
}

// Literals is the Lucene form of several substrings that must all be found.
func Literals(ss []string) (Match, error) {
	var parts []string
	for _, s := range ss {
		m, err := Literal(s)
		if err != nil {
			return Match{}, err
		}
		parts = append(parts, m.Query)
	}
	if len(parts) == 0 {
		return Match{}, fmt.Errorf("no pattern")
	}
	return Match{Query: strings.Join(parts, " AND "), Notes: []string{wordNote}}, nil
}

// Regex is the Lucene form of a (Python or Go) regular expression searched
// for in a line: alternatives become OR, literal runs phrases, and what
// stands between them (`.*`, `\S+`, a class) a gap between phrases that
// must all be on the line, in any order. What has no such form (a
// pattern with no literal word, lookaround, backreferences, a class
// inside a word) is an error saying why.
func Regex(re string) (Match, error) {
	t, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return Match{}, fmt.Errorf("not a regular expression Go reads (lookaround and backreferences have no Lucene form): %v", err)
	}
	t = t.Simplify()
	notes := map[string]bool{wordNote: true}
	q, err := regexQuery(t, notes)
	if err != nil {
		return Match{}, err
	}
	var ns []string
	for _, n := range []string{wordNote, gapNote, cutNote, anchorNote} {
		if notes[n] {
			ns = append(ns, n)
		}
	}
	return Match{Query: q, Notes: ns}, nil
}

const (
	gapNote    = "its parts must be on one line, in any order (the pattern wanted them in order, with text between)"
	anchorNote = "anchors (^, $) dropped: the words may be anywhere on the line"
)

func regexQuery(t *syntax.Regexp, notes map[string]bool) (string, error) {
	if t.Op == syntax.OpAlternate {
		var alts []string
		for _, s := range t.Sub {
			q, err := regexQuery(s, notes)
			if err != nil {
				return "", err
			}
			alts = append(alts, "("+q+")")
		}
		return strings.Join(alts, " OR "), nil
	}
	if t.Op == syntax.OpCapture && len(t.Sub) == 1 && t.Sub[0].Op == syntax.OpAlternate {
		return regexQuery(t.Sub[0], notes)
	}
	// Literal runs, and whether text that may hold letters or digits
	// touches each end: a word there may run on into it.
	type run struct {
		text       string
		cutL, cutR bool
	}
	var runs []run
	var cur strings.Builder
	wordyGap := false // the last gap could hold word characters
	gap := func(wordy bool) {
		if cur.Len() > 0 {
			runs = append(runs, run{text: cur.String(), cutL: wordyGap, cutR: wordy})
			cur.Reset()
		}
		wordyGap = wordy
	}
	var walk func(t *syntax.Regexp) error
	walk = func(t *syntax.Regexp) error {
		switch t.Op {
		case syntax.OpConcat:
			for _, s := range t.Sub {
				if err := walk(s); err != nil {
					return err
				}
			}
		case syntax.OpCapture:
			return walk(t.Sub[0])
		case syntax.OpLiteral:
			cur.WriteString(string(t.Rune))
		case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
			notes[anchorNote] = true
			gap(false)
		case syntax.OpWordBoundary, syntax.OpEmptyMatch:
			gap(false)
		case syntax.OpAlternate:
			return fmt.Errorf("alternatives inside a longer pattern (%s) have no Lucene phrase form: write each whole alternative", t)
		default: // repeats, any character, classes: text the phrase cannot say
			gap(wordy(t))
			notes[gapNote] = true
		}
		return nil
	}
	if err := walk(t); err != nil {
		return "", err
	}
	gap(false)
	var phrases []string
	for _, r := range runs {
		text := r.text
		// A word the pattern cuts (`(\w+)Error`) is not a word of the
		// line: leave it out.
		if r.cutL && isWordByte(text, 0) {
			text = strings.TrimLeftFunc(text, isWordRune)
			notes[cutNote] = true
		}
		if r.cutR && isWordByte(text, len(text)-1) {
			text = strings.TrimRightFunc(text, isWordRune)
			notes[cutNote] = true
		}
		if len(analysis.Tokens(text)) == 0 {
			continue // punctuation alone: nothing Lucene can search for
		}
		phrases = append(phrases, "message:"+quote(strings.TrimSpace(text)))
	}
	if len(phrases) == 0 {
		return "", fmt.Errorf("no literal word in it to search for (Lucene searches words)")
	}
	if len(phrases) > 1 {
		notes[gapNote] = true
	}
	return strings.Join(phrases, " AND "), nil
}

const cutNote = "words the pattern cuts (a literal touching `\\w+` or `.*`) left out"

// wordy reports whether t can match a letter or digit.
func wordy(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(t.Rune); i += 2 {
			lo, hi := t.Rune[i], t.Rune[i+1]
			if lo <= 'z' && hi >= 'a' || lo <= 'Z' && hi >= 'A' || lo <= '9' && hi >= '0' || hi > 0x7f {
				return true
			}
		}
		return false
	case syntax.OpLiteral:
		for _, r := range t.Rune {
			if isWordRune(r) {
				return true
			}
		}
		return false
	}
	for _, s := range t.Sub {
		if wordy(s) {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return analysis.InWord(r) && r != '.' && r != ':' && r != ',' && r != ';' && r != '\''
}

func isWordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	return isWordRune(rune(s[i])) || s[i] >= 0x80
}

func quote(s string) string {
	return lucene.String(&lucene.Phrase{Text: s})
}
