package zuul

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestParseManifest reads a manifest as zuul-jobs' generate_manifest.py
// writes it (directories first with children, files with mimetype,
// encoding, last_modified and size).
func TestParseManifest(t *testing.T) {
	data, err := os.ReadFile("testdata/zuul-manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	files, refused, err := ParseManifest(data)
	if err != nil || len(refused) != 0 {
		t.Fatalf("%v %v", err, refused)
	}
	var got []string
	for _, f := range files {
		got = append(got, fmt.Sprintf("%s %d %s", f.Path, f.Size, f.Encoding))
	}
	want := []string{
		"controller/journal.xz 100 ", "controller/logs/screen-n-cpu.txt.gz 402211 gzip", "controller/logs/syslog.txt 88213 ",
		"job-output.json 120992 ", "job-output.txt 311104 ", "zuul-info/inventory.yaml 3817 ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestParseManifestHostile: names that would lead out of a directory or
// cannot be file names are refused, named, and the rest is kept.
func TestParseManifestHostile(t *testing.T) {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	entry := func(name string) string {
		return fmt.Sprintf(`{"name": %s, "mimetype": "text/plain", "size": 1}`, q(name))
	}
	dir := func(name string, kids ...string) string {
		return fmt.Sprintf(`{"name": %s, "mimetype": "application/directory", "children": [%s]}`, q(name), strings.Join(kids, ","))
	}
	deep := entry("bottom.txt")
	for i := 0; i < 40; i++ {
		deep = dir("d", deep)
	}
	tree := strings.Join([]string{
		entry("good.txt"), entry(".."), entry("../escape.txt"), entry("/etc/passwd"), entry("a\x1b[2Jb.txt"),
		entry("nul\x00.txt"), entry(""), entry("."), dir("..", entry("up.txt")), dir("logs", entry("ok.txt"), entry("ok.txt")),
		entry(`back\..\slash`), entry(strings.Repeat("x", 300)), deep,
	}, ",")
	files, refused, err := ParseManifest([]byte(`{"tree": [` + tree + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	if strings.Join(got, " ") != "good.txt logs/ok.txt" {
		t.Errorf("kept %q", got)
	}
	all := strings.Join(refused, "\n")
	for _, want := range []string{`"..": name ".." has a component ".."`, `"../escape.txt": a name must be one path component`,
		`"/etc/passwd": a name must be one path component`, "control character U+001B", "control character U+0000",
		`"": a name must be one path component`, `".": name "." has a component "."`, `"logs/ok.txt": listed twice`,
		"backslash", "component of 300 bytes", "deeper than 32 directories"} {
		if !strings.Contains(all, want) {
			t.Errorf("refused lacks %q:\n%s", want, all)
		}
	}
}

func TestParseManifestErrors(t *testing.T) {
	many := strings.Repeat(`{"name": "f", "size": 1},`, MaxManifestEntries) + `{"name": "g"}`
	for src, want := range map[string]string{
		`<html>Index of /</html>`:   "invalid zuul-manifest.json: invalid character '<'",
		`{"index_links": false}`:    `no "tree"`,
		`{"tree": []} {"tree": []}`: "data after the manifest",
		`{"tree": {"name": "x"}}`:   "cannot unmarshal object",
		`{"tree": [` + many + `]}`:  "more than 200000 entries",
	} {
		_, _, err := ParseManifest([]byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: %v, want %q", src, err, want)
		}
	}
}
