package queryfile

import (
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen/diag"
)

// TestBadInputCatalogue: each bad input gives its own clear error at the
// right line and column of the file.
func TestBadInputCatalogue(t *testing.T) {
	tests := []struct {
		name      string
		file, src string
		line, col int
		msg       string
	}{
		// YAML itself
		{"tab indent", "1.yaml", "query: >\n\tmessage:\"x\"\n", 2, 1, "indent YAML with spaces, not tabs"},
		{"unclosed double quote", "1.yaml", "query: \"message:x\ntags: y\n", 3, 1, "quote is probably not closed"},
		{"colon in plain value", "1.yaml", "query: message: x\n", 1, 15, "must be quoted or written as a `>` block"},
		{"bad indentation", "1.yaml", "query: >\n  a\n b: c\n", 2, 3, "check the indentation"},
		{"list at top", "1.yaml", "- query: a\n", 1, 1, "top level must be a mapping"},
		{"scalar at top", "1.yaml", "just some words\n", 1, 1, "top level must be a mapping"},
		{"two documents", "1.yaml", "query: a\n---\nquery: b\n", 2, 1, "one YAML document"},
		{"control character", "1.yaml", "query: a\x01b\n", 1, 9, "control character"},
		{"invalid utf-8", "1.yaml", "query: \"caf\xe9\"\n", 1, 12, "invalid UTF-8"},
		{"backquote start", "1.yaml", "query: `a`\n", 1, 8, "cannot start any token"},
		// keys and types
		{"empty file", "1.yaml", "", 1, 1, "empty file"},
		{"comment only", "1.yaml", "# just a comment\n", 1, 1, "missing `query`"},
		{"typo key", "1.yaml", "query: a\nsupress-graph: true\n", 2, 1, "did you mean `suppress-graph`"},
		{"underscore key", "1.yaml", "query: a\nallow_nonvoting: true\n", 2, 1, "did you mean `allow-nonvoting`"},
		{"unknown key", "1.yaml", "query: a\nseverity: high\n", 2, 1, "unknown key `severity` in query file (known keys:"},
		{"repeated key", "1.yaml", "query: a\nquery: b\n", 2, 1, "repeated (first at line 1)"},
		{"query is a list", "1.yaml", "query:\n  - a\n", 2, 3, "`query` must be text, found a list"},
		{"empty query", "1.yaml", "query: \"  \"\n", 1, 8, "`query` is empty"},
		{"yes is not a bool", "1.yaml", "query: a\nsuppress-graph: yes\n", 2, 17, "must be true or false"},
		{"bool as number", "1.yaml", "query: a\nallow-nonvoting: 1\n", 2, 18, "must be true or false"},
		{"applies short years", "1.yaml", "query: a\napplies: 16-18\n", 2, 10, "four-digit years"},
		{"applies backwards", "1.yaml", "query: a\napplies: \"2018-2016\"\n", 2, 10, "ends before it starts"},
		{"applies a list", "1.yaml", "query: a\napplies: [2016]\n", 2, 10, "must be text"},
		{"applies in the future", "1.yaml", "query: a\napplies: 2999-\n", 2, 10, "outside 2010.."},
		{"tags mapping", "1.yaml", "query: a\ntags: {a: b}\n", 2, 7, "must be a list of text values"},
		{"tag with space", "1.yaml", "query: a\ntags: [Trip leo]\n", 2, 8, `try "trip-leo"`},
		{"tag not text", "1.yaml", "query: a\ntags:\n  - [x]\n", 3, 5, "each item of `tags` must be text"},
		{"title a mapping", "1.yaml", "query: a\ntitle:\n  x: y\n", 3, 3, "`title` must be text"},
		{"javascript bug url", "1.yaml", "query: a\nbug: javascript:alert(1)\n", 2, 6, "must start with https://"},
		{"bug url no host", "1.yaml", "query: a\nbug: https://\n", 2, 6, "has no host"},
		{"runbook url", "1.yaml", "query: a\nrunbook: https://x.org/a.md\n", 2, 10, "not a URL"},
		{"runbook absolute", "1.yaml", "query: a\nrunbook: /etc/passwd.md\n", 2, 10, "relative to the content directory"},
		{"runbook escapes", "1.yaml", "query: a\nrunbook: ../secret.md\n", 2, 10, "relative to the content directory"},
		{"runbook not md", "1.yaml", "query: a\nrunbook: devstack-gate.html\n", 2, 10, "ending in .md"},
		{"runbook anchor only", "1.yaml", "query: a\nrunbook: \"#x\"\n", 2, 10, "needs a content page path"},
		{"bad file name", "bug 12.yaml", "query: a\n", 0, 0, "is not a bug id"},
		// the Lucene query, positioned inside the file
		{"unterminated phrase", "1.yaml", "query: >\n  message:\"abc\n  AND tags:x\n", 2, 11, "phrase"},
		{"unclosed paren in folded block", "1.yaml", "query: >-\n  message:\"a\" AND\n  (tags:\"b\" OR tags:\"c\"\n", 3, 3, "`(`"},
		{"stray close paren", "1.yaml", "query: message:a)\n", 1, 17, "`)`"},
		{"dangling AND", "1.yaml", "query: >\n  message:\"a\" AND\n", 2, 15, "AND"},
		{"leading OR", "1.yaml", "query: OR message:a\n", 1, 8, "OR"},
		{"field without value", "1.yaml", "query: >-\n    tags:\n    AND message:x\n", 2, 5, "tags:"},
		{"range without TO", "1.yaml", "query: build_change:[1 5]\n", 1, 21, "TO"},
		{"unterminated regex", "1.yaml", "query: message:/abc\n", 1, 16, "regular expression"},
		{"bad boost", "1.yaml", "query: message:a^x\n", 1, 17, "boost"},
		{"dangling backslash", "1.yaml", "query: 'message:a\\'\n", 1, 18, "backslash"},
		{"colon after escaped quote", "1.yaml", "query: \"message:\\\"a b\\\" AND tags:x:y\"\n", 1, 35, "unexpected `:`"},
		{"nested field group", "1.yaml", "query: tags:(a OR build_name:b)\n", 1, 19, "field"},
		{"NOT at end", "1.yaml", "query: message:a AND NOT\n", 1, 22, "NOT"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dl := load(t, tt.file, tt.src)
			var errs diag.List
			for _, d := range dl {
				if d.Severity == diag.Error {
					errs = append(errs, d)
				}
			}
			if len(errs) == 0 {
				t.Fatalf("no error; diagnostics: %v", dl)
			}
			d := errs[0]
			if d.Line != tt.line || d.Col != tt.col || !strings.Contains(d.Message, tt.msg) {
				t.Errorf("got %d:%d %q\nwant %d:%d containing %q", d.Line, d.Col, d.Message, tt.line, tt.col, tt.msg)
			}
			if d.File != "queries/"+tt.file {
				t.Errorf("file = %q", d.File)
			}
			if tt.line > 0 && !strings.Contains(d.Excerpt, "^") {
				t.Errorf("no caret excerpt: %q", d.Excerpt)
			}
			if prev, dup := seen[d.Message]; dup {
				t.Errorf("same message as %q: %s", prev, d.Message)
			}
			seen[d.Message] = tt.name
		})
	}
	if len(tests) < 30 {
		t.Errorf("the catalogue must hold at least 30 bad inputs, has %d", len(tests))
	}
}
