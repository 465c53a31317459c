// Package diag holds positioned diagnostics (file, line, column, message)
// and writes them as text, JSON or GitHub workflow commands.
package diag

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Severity says whether a diagnostic fails a check.
type Severity int

const (
	Error Severity = iota
	Warning
	// Note is information that asks for nothing, such as a file loaded
	// but left off the report.
	Note
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Note:
		return "note"
	}
	return "error"
}

// MarshalText lets JSON show "error"/"warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem found in one file. Line and Col are 1-based;
// 0 means unknown (a problem with the file as a whole).
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Col      int      `json:"col,omitempty"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Excerpt is the source line with a caret under Col, for humans.
	Excerpt string `json:"excerpt,omitempty"`
}

func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	fmt.Fprintf(&b, ": %s: %s", d.Severity, d.Message)
	return b.String()
}

// Error lets a single diagnostic travel as an error.
func (d Diagnostic) Error() string { return d.String() }

// List is a set of diagnostics from one run.
type List []Diagnostic

// Errors counts the diagnostics with Severity Error.
func (l List) Errors() int {
	n := 0
	for _, d := range l {
		if d.Severity == Error {
			n++
		}
	}
	return n
}

// Count counts the diagnostics of one severity.
func (l List) Count(s Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Sort orders by file, line, column, so output is stable.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Quote quotes a value for a message, cut to a readable length: a
// diagnostic names what is wrong, it does not repeat a whole file.
func Quote(s string) string {
	const n = 60
	if len(s) <= n {
		return fmt.Sprintf("%q", s)
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}

// excerptWidth is how much of a long line an excerpt shows, around the
// column.
const excerptWidth = 120

// Excerpt renders line with a caret under the 1-based byte column col. Tabs
// are kept in the padding so the caret lines up in a terminal. A long line
// shows only the part around col.
func Excerpt(line string, col int) string {
	line = strings.TrimRight(line, "\r\n")
	if col > len(line)+1 {
		col = len(line) + 1
	}
	if len(line) > excerptWidth {
		start := max(0, min(col-1-excerptWidth/2, len(line)-excerptWidth))
		for start > 0 && !utf8.RuneStart(line[start]) {
			start--
		}
		end := min(len(line), start+excerptWidth)
		for end < len(line) && !utf8.RuneStart(line[end]) {
			end++
		}
		part := line[start:end]
		if start > 0 {
			part, col = "…"+part, col-start+len("…")
		}
		if end < len(line) {
			part += "…"
		}
		line = part
	}
	if col < 1 {
		return line
	}
	// One pad character per character (not byte) before the column, so
	// the caret lines up under text with accents or the cut mark.
	pad := make([]byte, 0, col)
	for _, r := range line[:col-1] {
		if r == '\t' {
			pad = append(pad, '\t')
		} else {
			pad = append(pad, ' ')
		}
	}
	return line + "\n" + string(pad) + "^"
}

// LineCol converts a byte offset in src to a 1-based line and column, and
// returns the text of that line.
func LineCol(src string, off int) (line, col int, text string) {
	if off < 0 {
		off = 0
	}
	if off > len(src) {
		off = len(src)
	}
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	return strings.Count(src[:off], "\n") + 1, off - start + 1, src[start:end]
}
