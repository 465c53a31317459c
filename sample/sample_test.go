package sample

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/zuul"
)

// treeHash hashes every file's path and bytes.
func treeHash(t *testing.T, root string) (string, int) {
	t.Helper()
	var files []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return err
	})
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", rel, len(data))
		h.Write(data)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), len(files)
}

func TestDeterministic(t *testing.T) {
	opts := Options{Builds: 40}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	ma, err := Generate(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := Generate(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	ha, na := treeHash(t, a)
	hb, _ := treeHash(t, b)
	if ha != hb || na < 40*5 {
		t.Errorf("two runs differ (%s vs %s) or too few files (%d)", ha, hb, na)
	}
	if !reflect.DeepEqual(ma, mb) || !reflect.DeepEqual(ma, Plan(opts)) {
		t.Error("manifests differ between Generate, Generate and Plan")
	}
	other, _ := Generate(filepath.Join(t.TempDir(), "c"), Options{Builds: 40, Seed: 2})
	if reflect.DeepEqual(ma, other) {
		t.Error("another seed gave the same corpus")
	}
}

func TestDefaultCorpus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sample")
	m, err := Generate(dir, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Builds) < 300 {
		t.Errorf("%d builds, want at least 300", len(m.Builds))
	}
	first, last := m.Builds[0].Start, m.Builds[len(m.Builds)-1].Start
	if last.Sub(first) < 9*24*time.Hour || last.After(DefaultOptions().End) {
		t.Errorf("builds span %v to %v", first, last)
	}
	for mode, n := range m.ByMode() {
		if n < 10 {
			t.Errorf("mode %s has %d builds, want at least 10", mode, n)
		}
	}
	if len(m.ByMode()) != 8 {
		t.Errorf("modes present: %v", m.ByMode())
	}
	families, results := map[string]int{}, map[string]int{}
	for _, b := range m.Builds {
		families[b.Family]++
		results[b.Result]++
		checkBuildJSON(t, dir, b)
	}
	if len(families) != 3 || results["SUCCESS"] < 100 || results["FAILURE"] < 100 || results["TIMED_OUT"] == 0 {
		t.Errorf("families %v results %v", families, results)
	}
	checkTrap(t, dir, m)
	if err := func() error { _, err := Generate(dir, DefaultOptions()); return err }(); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Generate into a full directory: %v", err)
	}
}

func checkBuildJSON(t *testing.T, dir string, b BuildInfo) {
	data, err := os.ReadFile(filepath.Join(dir, b.UUID, "build.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := zuul.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", b.UUID, err)
	}
	if got.UUID != b.UUID || got.Job != b.Job || got.Project != b.Project || got.Result != b.Result ||
		got.Voting != b.Voting || !got.Start.Equal(b.Start) || got.Provider != b.Provider || got.Change != fmt.Sprint(b.Change) {
		t.Errorf("%s: build.json decodes to %+v, manifest says %+v", b.UUID, got, b)
	}
}

// checkTrap: every TripleO build echoes the error trap, but only failures
// of the marked modes print the bare marker.
func checkTrap(t *testing.T, dir string, m Manifest) {
	for _, b := range m.Builds {
		if b.Family != "tripleo" {
			continue
		}
		echo, bare := 0, 0
		for _, line := range jobOutput(t, dir, b) {
			_, msg, _ := strings.Cut(line, " | ")
			switch {
			case strings.HasPrefix(msg, "ERROR DURING PREVIOUS COMMAND"):
				bare++
			case strings.Contains(msg, "echo ERROR DURING PREVIOUS COMMAND"):
				echo++
			}
		}
		wantBare := has(b, ModeMistralBuild) || has(b, ModeMistralClientTypeError) || has(b, ModeHeatWaitCondition)
		if echo == 0 || (bare > 0) != wantBare {
			t.Errorf("%s %v: %d echoed, %d bare markers", b.UUID, b.Modes, echo, bare)
		}
	}
}

func jobOutput(t *testing.T, dir string, b BuildInfo) []string {
	p := filepath.Join(dir, b.UUID, "job-output.txt")
	var r io.Reader
	f, err := os.Open(p)
	if err == nil {
		r = f
	} else if f, err = os.Open(p + ".gz"); err == nil {
		if r, err = gzip.NewReader(f); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func BenchmarkGenerate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Generate(filepath.Join(b.TempDir(), "s"), DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
