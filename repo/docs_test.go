package repo

import (
	"fmt"
	"strings"
	"testing"
)

// TestCheckDocs: every broken link of a README and docs/ is reported with
// its line and column; GitHub's heading ids (punctuation dropped, repeats
// numbered) are the anchors.
func TestCheckDocs(t *testing.T) {
	var got []string
	for _, d := range CheckDocs("testdata/docs") {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", d.File, d.Line, d.Col, d.Message))
	}
	want := []string{
		"testdata/docs/README.md:4:24 link \"docs/guide.md#instal\": guide.md has no heading with id `instal`",
		"testdata/docs/README.md:4:61 link \"docs/gide.md\": no file docs/gide.md; did you mean `guide.md`?",
		"testdata/docs/README.md:9:54 link \"#nothing\": README.md has no heading with id `nothing`",
		"testdata/docs/README.md:9:75 link \"../outside.md\" leaves the repository",
		"testdata/docs/README.md:10:10 link \"/docs/guide.md\": write it relative to this file (GitHub reads /... from the site's root)",
		"testdata/docs/README.md:10:36 link \"javascript:alert(1)\": only relative, http(s) and mailto links are allowed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestOwnDocs: this repository's README and docs have no broken link.
func TestOwnDocs(t *testing.T) {
	for _, d := range CheckDocs("..") {
		t.Errorf("%s:%d:%d %s", d.File, d.Line, d.Col, d.Message)
	}
}
