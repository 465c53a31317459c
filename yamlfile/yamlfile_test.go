package yamlfile

import (
	"strings"
	"testing"
)

// TestValueOffset maps an offset in a decoded scalar back to the file
// through every scalar style.
func TestValueOffset(t *testing.T) {
	tests := []struct {
		name, src string
		target    string // the value's text at the offset asked for
		line, col int
	}{
		{"plain", "query: message:a AND tags:x\n", "tags", 1, 22},
		{"double quoted with escapes", "query: \"message:\\\"a b\\\" AND tags:x\"\n", "tags", 1, 29},
		{"single quoted", "query: 'it''s AND tags:x'\n", "tags", 1, 19},
		{"folded", "query: >\n  message:\"a\"\n  AND tags:x\n", "tags", 3, 7},
		{"folded strip, deeper indent", "query: >-\n    message:\"a\" AND\n    tags:\"b\"\n", "tags", 3, 5},
		{"literal", "query: |\n  a\n  b AND tags:x\n", "tags", 3, 9},
		{"plain multi-line", "query: message:a\n  AND tags:x\n", "tags", 2, 7},
		{"first char", "query: >\n  message:x\n", "message", 2, 3},
	}
	for _, tt := range tests {
		doc, bad := Parse("f.yaml", []byte(tt.src), 0)
		if bad != nil {
			t.Fatalf("%s: %v", tt.name, bad)
		}
		fields, _ := doc.Fields(doc.Root, []string{"query"}, "test")
		v := fields["query"].Value
		off := strings.Index(v.Value, tt.target)
		if off < 0 {
			t.Fatalf("%s: %q not in value %q", tt.name, tt.target, v.Value)
		}
		d := doc.InValue(v, off, 0, "here")
		if d.Line != tt.line || d.Col != tt.col {
			t.Errorf("%s: at %d:%d, want %d:%d\n%s", tt.name, d.Line, d.Col, tt.line, tt.col, d.Excerpt)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"query", "suppress-graph", "suppress-notification", "allow-nonvoting", "title", "tags"}
	for in, want := range map[string]string{
		"querry": "query", "supress-graph": "suppress-graph", "allow_nonvoting": "allow-nonvoting",
		"Title": "title", "tag": "tags", "severity": "", "x": "",
	} {
		if got := Suggest(in, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]string{"10d": "240h0m0s", "1d12h": "36h0m0s", "90m": "1h30m0s"} {
		d, err := ParseDuration(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDuration(%q) = %v, %v", in, d, err)
		}
	}
	for _, bad := range []string{"", "d", "1.5d", "ten", "10 days", "-d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) gave no error", bad)
		}
	}
}

func TestLineOffset(t *testing.T) {
	doc, bad := Parse("p.md", []byte("title: [x\n"), 1)
	if doc != nil || bad == nil || bad.Line != 2 {
		t.Errorf("front matter error must be shifted to the file's line: %+v", bad)
	}
}
