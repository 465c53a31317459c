package diag

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

var sample = List{
	{File: "queries/1.yaml", Line: 3, Col: 5, Severity: Error, Message: "query: `(` is never closed", Excerpt: "  (a\n  ^"},
	{File: "content/x.md", Line: 2, Col: 1, Severity: Warning, Message: "a: b, c\nd %"},
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "text", sample); err != nil {
		t.Fatal(err)
	}
	want := "queries/1.yaml:3:5: error: query: `(` is never closed\n      (a\n      ^\ncontent/x.md:2:1: warning: a: b, c\nd %\n1 error(s), 1 warning(s)\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestWriteGitHub(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "github", sample); err != nil {
		t.Fatal(err)
	}
	want := "::error file=queries/1.yaml,line=3,col=5::query: `(` is never closed\n" +
		"::warning file=content/x.md,line=2,col=1::a: b, c%0Ad %25\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, "json", sample); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Errors, Warnings int
		Diagnostics      []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Errors != 1 || got.Warnings != 1 || got.Diagnostics[0]["severity"] != "error" || got.Diagnostics[0]["line"] != 3.0 {
		t.Errorf("got %+v", got)
	}
	b.Reset()
	_ = Write(&b, "json", nil)
	if !strings.Contains(b.String(), `"diagnostics": []`) {
		t.Errorf("empty list must be [], got %s", b.String())
	}
	if err := Write(&b, "xml", nil); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestExcerptAndLineCol(t *testing.T) {
	if got := Excerpt("\tab cd", 5); got != "\tab cd\n\t   ^" {
		t.Errorf("Excerpt = %q", got)
	}
	src := "one\ntwo\nthree"
	for off, want := range map[int][3]any{0: {1, 1, "one"}, 4: {2, 1, "two"}, 6: {2, 3, "two"}, 13: {3, 6, "three"}, 99: {3, 6, "three"}} {
		l, c, text := LineCol(src, off)
		if l != want[0] || c != want[1] || text != want[2] {
			t.Errorf("LineCol(%d) = %d %d %q, want %v", off, l, c, text, want)
		}
	}
}

func TestQuoteAndLongExcerpts(t *testing.T) {
	if got := Quote("short"); got != `"short"` {
		t.Errorf("Quote(short) = %s", got)
	}
	long := strings.Repeat("é", 100) // 200 bytes
	if got := Quote(long); got != `"`+strings.Repeat("é", 30)+`"… (200 bytes)` {
		t.Errorf("Quote(long) = %s", got)
	}
	line := strings.Repeat("a", 300) + "X" + strings.Repeat("b", 300)
	got := Excerpt(line, 301)
	first, caret, _ := strings.Cut(got, "\n")
	if len(first) > 130 || !strings.HasPrefix(first, "…") || !strings.HasSuffix(first, "…") {
		t.Errorf("long line not cut around the column: %q", first)
	}
	if i := strings.Index(caret, "^"); string([]rune(first)[i]) != "X" {
		t.Errorf("caret under %q, want X:\n%s", string([]rune(first)[i]), got)
	}
	if got := Excerpt("é x", 4); got != "é x\n  ^" {
		t.Errorf("caret after an accent: %q", got)
	}
	if got := Excerpt("short", 3); got != "short\n  ^" {
		t.Errorf("short excerpt %q", got)
	}
}

// Notes are counted apart and reach GitHub as notices.
func TestNotes(t *testing.T) {
	l := append(List{{File: "queries/2.yaml", Line: 4, Col: 1, Severity: Note, Message: "resolved"}}, sample...)
	var b bytes.Buffer
	if err := Write(&b, "text", l); err != nil || !strings.HasSuffix(b.String(), "1 error(s), 1 warning(s), 1 note(s)\n") ||
		!strings.Contains(b.String(), "queries/2.yaml:4:1: note: resolved") {
		t.Errorf("text: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := Write(&b, "github", l); err != nil || !strings.HasPrefix(b.String(), "::notice file=queries/2.yaml,line=4,col=1::resolved\n") {
		t.Errorf("github: %v\n%s", err, b.String())
	}
	b.Reset()
	var got struct{ Errors, Warnings, Notes int }
	if err := Write(&b, "json", l); err != nil || json.Unmarshal(b.Bytes(), &got) != nil || got != (struct{ Errors, Warnings, Notes int }{1, 1, 1}) {
		t.Errorf("json: %+v\n%s", got, b.String())
	}
}
