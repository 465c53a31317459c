// Package analysis is how elastic-recheck's Elasticsearch index held each
// field: `message` analyzed by Elasticsearch's standard analyzer (Unicode
// word boundaries, lower case, no stop words), every other field an exact
// value, `tags` holding several. The query parser reads queries with it and
// the embedded store indexes lines with it, so that both mean what
// Elasticsearch meant.
package analysis

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
)

// MaxTokenLength is the standard tokenizer's max_token_length: Lucene 4.10
// cuts a longer word into pieces of this many UTF-16 code units, each a
// word of its own.
const MaxTokenLength = 255

// Each calls fn with every word of text as the standard analyzer indexes
// it: Unicode (UAX #29) word boundaries, so `java.io.IOException`,
// `10.0.0.1` and `don't` are one word each and `ovs-vsctl` two; only
// segments holding a letter or digit (punctuation, spaces and symbols are
// not words), a run of Thai, Lao, Khmer or Myanmar letters one word; each
// lower-cased one code point at a time, as Lucene's LowerCaseFilter does,
// and cut in pieces of MaxTokenLength. The word is only valid during the
// call; Each stops when fn returns false.
func Each(text string, fn func(word []byte) bool) {
	var buf [128]byte
	if isASCII(text) {
		asciiWords(text, buf[:0], fn)
		return
	}
	it := words.FromString(text)
	out := buf[:0]
	pending := "" // a run of South-East Asian letters so far
	emit := func(seg string) bool {
		for seg != "" {
			piece := cut(seg)
			out = lower(out[:0], piece)
			if !fn(out) {
				return false
			}
			seg = seg[len(piece):]
		}
		return true
	}
	for it.Next() {
		seg := it.Value()
		if seAsian(seg) {
			if pending == "" {
				pending = seg
			} else {
				pending = text[it.Start()-len(pending) : it.End()]
			}
			continue
		}
		if pending != "" {
			if !emit(pending) {
				return
			}
			pending = ""
		}
		if isWord(seg) && !emit(seg) {
			return
		}
	}
	if pending != "" {
		emit(pending)
	}
}

// seAsian reports a segment of letters of the scripts written without
// spaces between words (Unicode line breaking's Complex_Context): Lucene
// 4.10's tokenizer keeps a run of them as one word.
func seAsian(seg string) bool {
	for _, r := range seg {
		if !unicode.In(r, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tai_Le, unicode.New_Tai_Lue, unicode.Tai_Tham, unicode.Tai_Viet) {
			return false
		}
	}
	return seg != ""
}

// cut returns the first piece of seg of at most MaxTokenLength UTF-16 code
// units.
func cut(seg string) string {
	if len(seg) <= MaxTokenLength {
		return seg // fewer bytes than the limit: fewer code units too
	}
	n := 0
	for i, r := range seg {
		if n += utf16.RuneLen(r); n > MaxTokenLength {
			return seg[:i]
		}
	}
	return seg
}

// Tokens returns the words of text, as Each finds them.
func Tokens(text string) []string {
	var out []string
	Each(text, func(w []byte) bool {
		out = append(out, string(w))
		return true
	})
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiWords is UAX #29 word segmentation for text of ASCII alone (most log
// lines), where its rules come down to: letters, digits and `_` run
// together; `:` joins two letters; `.` and `'` join two letters or two
// digits; `,` and `;` join two digits. TestASCIIWords holds it to the
// general segmenter.
func asciiWords(s string, buf []byte, fn func(word []byte) bool) {
	for i := 0; i < len(s); {
		if !wordByte(s[i]) {
			i++
			continue
		}
		start, word := i, false
		for i < len(s) {
			c := s[i]
			if wordByte(c) {
				word = word || c != '_'
				i++
				continue
			}
			if i+1 < len(s) && joins(s[i-1], c, s[i+1]) {
				i += 2
				continue
			}
			break
		}
		if !word {
			continue // only `_`: not a word to the tokenizer
		}
		for p := start; p < i; p += MaxTokenLength {
			buf = buf[:0]
			for _, c := range []byte(s[p:min(p+MaxTokenLength, i)]) {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf = append(buf, c)
			}
			if !fn(buf) {
				return
			}
		}
	}
}

func wordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// joins reports whether mid, between before and after, stays inside a word.
func joins(before, mid, after byte) bool {
	switch mid {
	case ':':
		return isLetter(before) && isLetter(after)
	case '.', '\'':
		return isLetter(before) && isLetter(after) || isDigit(before) && isDigit(after)
	case ',', ';':
		return isDigit(before) && isDigit(after)
	}
	return false
}

// isWord reports a segment the standard tokenizer emits: one holding a
// letter or a number (its other segments are white space, punctuation and
// symbols, which it drops).
func isWord(seg string) bool {
	for _, r := range seg {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r) {
			return true
		}
	}
	return false
}

// lower appends seg lower-cased code point by code point (Java's
// Character.toLowerCase, not the context-sensitive String.toLowerCase).
func lower(dst []byte, seg string) []byte {
	for i := 0; i < len(seg); {
		c := seg[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(seg[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

// InWord reports whether r can stand inside a word: a letter, digit or
// mark, or one of the joiners Unicode word boundaries keep between letters
// or digits (`.`, `:`, `'`, `,`, `;`, `_` and their variants). A wildcard
// or regular expression on `message` whose literal text holds any other
// character, such as `-`, `/` or a space, can never match a word.
func InWord(r rune) bool {
	switch {
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r), unicode.Is(unicode.Nl, r),
		unicode.Is(unicode.Pc, r), unicode.Is(unicode.Cf, r):
		return true
	}
	switch r {
	case '.', ':', '\'', ',', ';', '"', // " joins Hebrew letters
		'\u00b7', '\u0387', '\u05f3', '\u05f4', '\u2018', '\u2019', '\u2024', '\u2027',
		'\ufe10', '\ufe13', '\ufe14', '\ufe50', '\ufe52', '\ufe54', '\ufe55', '\uff07', '\uff0c', '\uff0e', '\uff1a', '\uff1b',
		'\u037e', '\u0589', '\u060c', '\u060d', '\u066c', '\u07f8', '\u2044':
		return true
	}
	return false
}
