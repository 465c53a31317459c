package reliability

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTwoAtOnce runs two ingests, then two builds, at the same time on one
// store and one public/: both finish (one waits for the other where they
// must take turns), the store holds every build once, and public/ is a
// whole site.
func TestTwoAtOnce(t *testing.T) {
	corpusDir := corpus(t, 30)
	ref := newProject(t, corpusDir)
	if r := run(t, ref.dir, time.Minute, nil, "ingest", corpusDir); r.code != 0 {
		t.Fatalf("reference ingest: %d\n%s", r.code, r.stderr)
	}
	want, _, _ := inspect(t, ref.db)

	p := newProject(t, corpusDir)
	both := func(args ...string) [2]result {
		var out [2]result
		done := make(chan struct{})
		for i := range out {
			go func() {
				defer func() { done <- struct{}{} }()
				out[i] = run(t, p.dir, 2*time.Minute, nil, args...)
			}()
		}
		<-done
		<-done
		return out
	}
	for i, r := range both("ingest", corpusDir) {
		if r.code != 0 {
			t.Errorf("ingest %d: exit %d\n%s", i, r.code, r.stderr)
		}
	}
	got, lines, indexed := inspect(t, p.db)
	if got.String() != want.String() || lines != indexed {
		t.Errorf("two ingests at once: the store differs from one ingest's (%d lines, %d indexed)", lines, indexed)
	}

	files := ""
	for i, r := range both("build") {
		if r.code != 0 {
			t.Errorf("build %d: exit %d\n%s", i, r.code, r.stderr)
		}
	}
	files = strings.Join(siteFiles(t, p.public), "\n")
	if r := run(t, p.dir, time.Minute, nil, "build"); r.code != 0 {
		t.Fatalf("build alone: %d\n%s", r.code, r.stderr)
	}
	if alone := strings.Join(siteFiles(t, p.public), "\n"); alone != files {
		t.Errorf("two builds at once left another site than one build does")
	}
	if _, err := os.Stat(filepath.Join(p.public, "index.html")); err != nil {
		t.Error(err)
	}
	if left := leftovers(t, p.dir); len(left) > 0 {
		t.Errorf("temporary sites left: %v", left)
	}
}
