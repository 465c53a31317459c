package tempest

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestFixtures reads each fixture, written in the formats stestr's
// subunit-trace and unittest's verbose runner print, and compares every
// result and Totals block read with its golden file.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if len(files) < 5 {
		t.Fatalf("fixtures: %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			got := scanFile(t, f)
			golden := strings.TrimSuffix(f, ".txt") + ".golden"
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("%s:\ngot\n%s\nwant\n%s", f, got, want)
			}
		})
	}
}

func scanFile(t *testing.T, path string) string {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var s Scanner
	var b strings.Builder
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		if r, ok := s.Line(sc.Bytes()); ok {
			fmt.Fprintf(&b, "%d: worker=%d %s attrs=%q %s seconds=%g reason=%q\n", n, r.Worker, r.Test, r.Attrs, r.Status, r.Seconds, r.Reason)
		}
	}
	for _, tot := range s.Totals() {
		fmt.Fprintf(&b, "totals: %+v\n", tot)
	}
	return b.String()
}

// TestNotResults: lines shaped almost like results are not results.
func TestNotResults(t *testing.T) {
	data, _ := os.ReadFile("testdata/not-results.txt")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if r, ok := ParseLine([]byte(line)); ok {
			t.Errorf("%q read as %+v", line, r)
		}
	}
}

func TestParseLine(t *testing.T) {
	for line, want := range map[string]Result{
		"{12} tempest.api.a.B.test_c [1.5s] ... ok":            {Worker: 12, Test: "tempest.api.a.B.test_c", Status: recheckgen.TestPassed, Seconds: 1.5},
		"x | {0} tempest.api.a.B.test_c[id-1] ... SKIPPED: no": {Worker: 0, Test: "tempest.api.a.B.test_c", Attrs: "id-1", Status: recheckgen.TestSkipped, Seconds: -1, Reason: "no"},
		"test_c (tempest.api.a.B) ... ERROR":                   {Worker: -1, Test: "tempest.api.a.B.test_c", Status: recheckgen.TestFailed, Seconds: -1},
	} {
		got, ok := ParseLine([]byte(line))
		if !ok || got != want {
			t.Errorf("%q: got %+v %v, want %+v", line, got, ok, want)
		}
	}
}

// TestLongLine: a hostile line of dots and markers is read in linear time.
func TestLongLine(t *testing.T) {
	line := []byte(strings.Repeat("a.b ... ", 200000) + "maybe")
	if _, ok := ParseLine(line); ok {
		t.Error("a line of repeated markers read as a result")
	}
}
