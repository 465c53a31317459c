package queryfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/diag"
)

// FuzzLoad: no query file makes the loader panic; every diagnostic names
// the file, with a line and column inside it (or none); a file with no
// error gives a parsed query.
func FuzzLoad(f *testing.F) {
	for _, src := range []string{
		"query: message:\"boom\"\n",
		"query: >\n  message:\"a\"\n  AND tags:\"console\"\nsuppress-graph: true\n",
		"query: 'a OR b AND c'\ntitle: x\nbug: https://github.com/o/r/issues/1\ntags: [a, b]\n",
		"query: [\n",
		"query: message:*a*a*a*a*a*a*a*a*a\n",
		"a: &a [1,2]\nb: [*a,*a]\nquery: x\n",
		"\ufeffquery: x\n",
		"query: \"unterminated\n",
		"---\nquery: x\n---\nquery: y\n",
	} {
		f.Add([]byte(src))
	}
	if files, _ := filepath.Glob(filepath.Join("..", "queries", "*.yaml")); len(files) > 0 {
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "queries/1234567.yaml"
		slow := time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("Load took over 5s on %q", src)) })
		q, dl := Load(file, src, Options{})
		slow.Stop()
		// YAML breaks lines at \n, \r\n and a lone \r.
		lines := strings.Count(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") + strings.Count(string(src), "\r") + 2
		for _, d := range dl {
			if d.File != file || d.Message == "" {
				t.Fatalf("diagnostic %+v", d)
			}
			if d.Line < 0 || d.Line > lines || d.Col < 0 || (d.Line > 0 && d.Col == 0) {
				t.Fatalf("diagnostic outside the file (%d lines): %+v", lines, d)
			}
		}
		if dl.Errors() == 0 && q.Expr == nil {
			t.Fatalf("no error and no query: %+v", dl)
		}
		if dl.Errors() > 0 && !hasError(dl) {
			t.Fatal("Errors() disagrees with the list")
		}
	})
}

func hasError(dl diag.List) bool {
	for _, d := range dl {
		if d.Severity == diag.Error {
			return true
		}
	}
	return false
}
