package runbook

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/yuin/goldmark/text"
)

func TestEras(t *testing.T) {
	s, dl := LoadDir("testdata/eras", Markdown(false))
	var got []string
	for _, d := range dl {
		got = append(got, fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Message))
	}
	want := []string{
		"testdata/eras/bad.md:3:10: `applies` needs four-digit years",
		"testdata/eras/eras.md:20:26: section `applies` \"2018-2016\" ends before it starts",
		"testdata/eras/eras.md:22:24: section `applies` must be quoted",
		"testdata/eras/eras.md:24:20: section `applies` year 2099 is outside",
	}
	if len(got) != len(want) {
		t.Errorf("diagnostics:\n%s", strings.Join(got, "\n"))
	}
	for i := range min(len(got), len(want)) {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("got  %s\nwant %s…", got[i], want[i])
		}
	}
	p := s.Page("eras.md")
	if p.Meta.Applies != (recheckgen.Era{From: 2016}) {
		t.Errorf("page era %v", p.Meta.Applies)
	}
	for line, hist := range map[int]bool{6: false, 10: true, 14: true, 18: false} {
		if p.Historical(line, 2026) != hist {
			t.Errorf("line %d: historical %v, want %v (era %v)", line, !hist, hist, p.EraAt(line))
		}
	}
	// The era shows on the rendered page.
	var buf bytes.Buffer
	md := Markdown(false)
	if err := md.Renderer().Render(&buf, p.Body, md.Parser().Parse(text.NewReader(p.Body))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<h2 id="jenkins" data-applies="builds of 2013–2017">`) {
		t.Errorf("no era on the rendered section:\n%s", buf.String())
	}
}

func TestCheckFreshness(t *testing.T) {
	s, _ := LoadDir("testdata/eras", Markdown(false))
	var got []string
	for _, d := range s.CheckFreshness(2026) {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", d.File, d.Line, d.Col, d.Severity))
	}
	// The links inside "Jenkins days" and its subsection are historical;
	// review.openstack.org and git.openstack.org in current text are not.
	want := []string{
		"testdata/eras/eras.md:6:54 warning",
		"testdata/eras/eras.md:18:21 warning",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(s.CheckFreshness(2017)) != 5 {
		t.Error("in 2017 the Jenkins section was current: its links to retired hosts count too")
	}
}
