package runbook

import (
	"fmt"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen/diag"
)

func loadTestdata(t *testing.T) (*Set, diag.List) {
	t.Helper()
	return LoadDir("testdata/content", Markdown(false))
}

func TestLoadDir(t *testing.T) {
	s, _ := loadTestdata(t)
	if len(s.Pages) != 3 {
		t.Fatalf("pages: %d", len(s.Pages))
	}
	idx := s.Page("index.md")
	if idx == nil || idx.Meta.Title != "Start here" || idx.Meta.Date != "2026-11-22" || idx.Meta.Tags[0] != "guide" || idx.Meta.Status != "published" {
		t.Fatalf("index meta: %+v", idx)
	}
	gate := s.Page("gate.md")
	want := []Heading{{Level: 2, Text: "Reading the output", ID: "reading", Line: 5}, {Level: 2, Text: "Second Section", ID: "second-section", Line: 9}}
	if fmt.Sprint(gate.Headings) != fmt.Sprint(want) {
		t.Errorf("headings = %v, want %v", gate.Headings, want)
	}
}

func TestFrontMatterErrors(t *testing.T) {
	_, dl := loadTestdata(t)
	want := []string{
		"testdata/content/sub/deep.md:3:8: error: tag \"Bad Tag\"",
		"testdata/content/sub/deep.md:4:9: error: `status` \"publishd\" must be one of draft, published, archived; did you mean `published`?",
		"testdata/content/sub/deep.md:5:7: error: `date` \"last tuesday\" must look like 2026-11-22",
	}
	for _, w := range want {
		if !hasPrefix(dl, w) {
			t.Errorf("missing %q in\n%v", w, dl)
		}
	}
}

func TestCheckLinks(t *testing.T) {
	s, _ := loadTestdata(t)
	var got []string
	for _, d := range s.CheckLinks() {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", d.File, d.Line, d.Col, d.Message))
	}
	want := []string{
		`testdata/content/gate.md:11:37 link "../outside.md" leaves the content directory`,
		"testdata/content/index.md:12:18 link \"gaet.md\": no page gaet.md in the content directory; did you mean `gate.md`?",
		"testdata/content/index.md:12:47 link \"gate.md#readin\": gate.md has no heading with id `readin`; did you mean `reading`?",
		`testdata/content/index.md:14:14 link "javascript:alert(1)": only http(s) and mailto links are allowed`,
		"testdata/content/index.md:15:38 link \"#nowhere\": index.md has no heading with id `nowhere`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMissingFrontMatter(t *testing.T) {
	tests := []struct{ src, msg string }{
		{"## Hello\n", "missing front matter"},
		{"---\ntitle: x\n", "missing front matter"},
		{"---\nauthor: me\n---\nbody\n", "needs a `title`"},
		{"---\ntitle: \"\"\n---\n", "`title` is empty"},
		{"---\ntitle: x\nauthr: me\n---\n", "did you mean `author`"},
		{"---\ntitle: [x\n---\n", "invalid YAML"},
	}
	for _, tt := range tests {
		_, dl := Parse(Markdown(false), "p.md", "p.md", []byte(tt.src))
		if len(dl) == 0 || !strings.Contains(dl[0].Message, tt.msg) {
			t.Errorf("%q: got %v, want %q", tt.src, dl, tt.msg)
		}
	}
}

func TestBodyLine(t *testing.T) {
	p, dl := Parse(Markdown(false), "p.md", "p.md", []byte("---\ntitle: x\n---\n\n## A\n"))
	if len(dl) != 0 || p.BodyLine != 4 || len(p.Headings) != 1 || p.Headings[0].Line != 5 {
		t.Errorf("BodyLine %d headings %v %v", p.BodyLine, p.Headings, dl)
	}
}

func hasPrefix(dl diag.List, prefix string) bool {
	for _, d := range dl {
		if strings.HasPrefix(d.String(), prefix) {
			return true
		}
	}
	return false
}

// TestHeadingTextIsPlain: the typographer's quotes and dashes reach the
// table of contents and search as characters, not as literal entities.
func TestHeadingTextIsPlain(t *testing.T) {
	p, dl := Parse(Markdown(false), "x.md", "x.md", []byte("---\ntitle: T\n---\n\n## Don't panic -- \"it's\" fine\n"))
	if dl.Errors() > 0 {
		t.Fatal(dl)
	}
	if got, want := p.Headings[0].Text, "Don’t panic – “it’s” fine"; got != want {
		t.Errorf("heading text %q, want %q", got, want)
	}
}
