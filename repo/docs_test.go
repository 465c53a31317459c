package repo

import (
	"fmt"
	"os"
	"path/filepath"
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

// TestCheckDocsReadsOnlyRepositoryFiles: a doc that is a link leading out
// of its directory (git stores links: a pull request can add one) is not
// read — a link to /dev/zero took check's memory until it died — and is
// reported by name.
func TestCheckDocsReadsOnlyRepositoryFiles(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.md")
	os.WriteFile(outside, []byte("# Secret\n[x](SECRET-LINK.md)\n"), 0o644)
	os.WriteFile(filepath.Join(root, "README.md"), []byte("# Hi\n[z](docs/z.md#top)\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "docs"), 0o755)
	for name, target := range map[string]string{"zero.md": "/dev/zero", "secret.md": outside} {
		if err := os.Symlink(target, filepath.Join(root, "docs", name)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "docs", "z.md"), []byte("# Top\n"), 0o644)
	var got []string
	for _, d := range CheckDocs(root) {
		got = append(got, fmt.Sprintf("%s: %s", filepath.Base(d.File), d.Message))
	}
	want := "secret.md: is a symbolic link leaving the directory, or a broken one: not read\n" +
		"zero.md: is a symbolic link leaving the directory, or a broken one: not read"
	if strings.Join(got, "\n") != want {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}
