// Package termsafe shows control characters instead of letting a terminal
// obey them. Log lines, build records and server messages are written by
// others: an escape sequence in one could retitle or clear the reader's
// terminal, move its cursor over earlier output, or write its clipboard
// (OSC 52). Text for people goes through this package; JSON output, which
// escapes what it must itself, does not.
package termsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns s with every C0 control character but tab and newline,
// DEL, and every C1 control character replaced by a visible form: the
// Unicode control pictures for C0 and DEL (ESC shows as ␛), \u0080-style
// text for C1 and for the bidirectional controls (U+202E would make a
// terminal that reorders text show a line backwards). Invalid UTF-8 bytes
// are shown as \xNN.
func String(s string) string { return show(s, false) }

// Line is String for text that must stay on one line of output — a file
// name, a warning, a server's message: a newline in it shows as ␊ too, so
// it cannot start a line of its own (which a CI log would read as a
// command, such as GitHub's "::error::").
func Line(s string) string { return show(s, true) }

func show(s string, line bool) string {
	if clean(s) && (!line || !strings.Contains(s, "\n")) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t' || (r == '\n' && !line):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0, unicode.Is(unicode.Bidi_Control, r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean says s needs no change: the common case, checked without
// allocating.
func clean(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 && c != '\t' && c != '\n', c == 0x7f, c == 0xc2: // 0xc2 leads C1 (and some others)
			return false
		case c == 0xd8 || c == 0xe2: // they lead the bidirectional controls (and some others)
			if r, _ := utf8.DecodeRuneInString(s[i:]); unicode.Is(unicode.Bidi_Control, r) {
				return false
			}
			ascii = false
		case c >= 0x80:
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s)
}

// Writer passes what is written to it through String. A character split
// across two writes is held back until it is whole.
type Writer struct {
	w    io.Writer
	hold []byte // the start of a multi-byte character
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write shows p's control characters; it reports len(p) written when the
// whole of it reached the underlying writer (or was held back).
func (t *Writer) Write(p []byte) (int, error) {
	data := append(t.hold, p...)
	t.hold = nil
	// Hold back an incomplete character at the end.
	if cut := incompleteTail(data); cut > 0 {
		t.hold = append([]byte(nil), data[len(data)-cut:]...)
		data = data[:len(data)-cut]
	}
	if _, err := io.WriteString(t.w, String(string(data))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// incompleteTail is how many bytes at the end of p start a UTF-8
// character that is not complete yet.
func incompleteTail(p []byte) int {
	for i := 1; i <= 3 && i <= len(p); i++ {
		c := p[len(p)-i]
		if c < 0x80 {
			return 0
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(p[len(p)-i:]) {
				return i
			}
			return 0
		}
	}
	return 0
}
