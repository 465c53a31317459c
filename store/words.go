package store

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/recheckgen/recheckgen/analysis"
)

// The full-text index holds each line's words as Elasticsearch's standard
// analyzer makes them (package analysis), so a phrase, a prefix and a
// wildcard find what they found in elastic-recheck's index: the indexer
// feeds FTS5 the words, lower-cased and separated by spaces, and FTS5's
// `ascii` tokenizer takes each back whole (every non-ASCII character is a
// token character to it, and tokenchars names the ASCII punctuation a word
// can hold). Queries name words the same way (ftsWord).

// ftsTokenChars is the ASCII punctuation a word of the standard analyzer
// can hold: between letters `.`, `:` and `'`, between digits `.`, `,`, `;`
// and `'`, and `_` anywhere. Any other ASCII punctuation inside a word (a
// `"` between Hebrew letters) is written as a private-use character.
const ftsTokenChars = `._:',;`

// indexWords is the text the full-text index is fed for message. It runs
// for every line ingested: its buffer is reused.
func indexWords(message string) string {
	bp := wordBufs.Get().(*[]byte)
	b := (*bp)[:0]
	analysis.Each(message, func(w []byte) bool {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = appendWord(b, w)
		return true
	})
	out := string(b)
	if cap(b) <= 1<<20 {
		*bp = b
		wordBufs.Put(bp)
	}
	return out
}

var wordBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// ftsWord is a word as the index holds it.
func ftsWord(w string) string { return string(appendWord(nil, []byte(w))) }

func appendWord(b, w []byte) []byte {
	for _, c := range w {
		if c >= utf8.RuneSelf || tokenByte[c] {
			b = append(b, c) // bytes of non-ASCII characters are token characters
			continue
		}
		b = utf8.AppendRune(b, 0xe000+rune(c)) // never a separator to the tokenizer
	}
	return b
}

// tokenByte marks the ASCII bytes the tokenizer keeps in a token.
var tokenByte = func() (t [utf8.RuneSelf]bool) {
	for c := byte(0); c < utf8.RuneSelf; c++ {
		t[c] = isASCIIAlnum(c) || strings.IndexByte(ftsTokenChars, c) >= 0
	}
	return t
}()

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
