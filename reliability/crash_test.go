package reliability

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashTrials is how many times each command is killed.
const crashTrials = 20

// crashSeed is the seed of a test's random kills: RECHECKGEN_CRASH_SEED
// when set, to replay the kill times of a run that failed (its log prints
// the seed), else the clock.
func crashSeed(t *testing.T) uint64 {
	t.Helper()
	if v := os.Getenv("RECHECKGEN_CRASH_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("RECHECKGEN_CRASH_SEED=%q: %v", v, err)
		}
		return seed
	}
	return uint64(time.Now().UnixNano())
}

// killAfter starts the binary in dir and sends it SIGKILL after d, or
// lets it finish first. It reports whether the kill landed.
func killAfter(t *testing.T, dir string, d time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &errb, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v ended before the kill: %v\n%s", args, err, errb.String())
		}
		return false
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return true
	}
}

// TestIngestSurvivesSIGKILL kills `ingest` at random points. After each
// kill the store opens, holds every build it holds whole (as many files
// and lines as an uninterrupted ingest stores) and indexed; an ingest run
// again completes it with no build lost or duplicated.
func TestIngestSurvivesSIGKILL(t *testing.T) {
	corpusDir := corpus(t, 20)
	ref := newProject(t, corpusDir)
	start := time.Now()
	if r := run(t, ref.dir, time.Minute, nil, "ingest", corpusDir); r.code != 0 {
		t.Fatalf("reference ingest: %d\n%s", r.code, r.stderr)
	}
	full := time.Since(start)
	want, _, _ := inspect(t, ref.db)

	seed := crashSeed(t)
	t.Logf("seed %d (ingest of the corpus takes %v)", seed, full)
	rng := rand.New(rand.NewPCG(seed, 0))
	for trial := range crashTrials {
		p := newProject(t, corpusDir)
		// Some trials kill a second ingest too, into a half-filled store.
		kills := 1 + rng.IntN(2)
		for range kills {
			d := time.Duration(rng.Float64() * 1.2 * float64(full))
			landed := killAfter(t, p.dir, d, "ingest", corpusDir)
			got, lines, indexed := inspect(t, p.db)
			for uuid, c := range got {
				if c != want[uuid] {
					t.Errorf("trial %d (kill after %v, landed %v): build %s holds %v files/lines, want %v: half a build", trial, d, landed, uuid, c, want[uuid])
				}
			}
			if indexed != lines {
				t.Errorf("trial %d: %d lines but %d indexed", trial, lines, indexed)
			}
		}
		if r := run(t, p.dir, time.Minute, nil, "ingest", corpusDir); r.code != 0 {
			t.Fatalf("trial %d: ingest after the kill: %d\n%s", trial, r.code, r.stderr)
		}
		got, lines, indexed := inspect(t, p.db)
		if got.String() != want.String() || indexed != lines {
			t.Errorf("trial %d: after a complete ingest the store differs from the reference (%d lines, %d indexed):\n%s\nwant:\n%s", trial, lines, indexed, got, want)
		}
	}
}

// TestBuildSurvivesSIGKILL kills `build` at random points while it
// replaces a site: public/ is at every moment the whole old site or the
// whole new one, and a build run again publishes.
func TestBuildSurvivesSIGKILL(t *testing.T) {
	p := newProject(t, corpus(t, 30))
	if r := run(t, p.dir, time.Minute, nil, "build", "--site-title", "OLD"); r.code != 0 {
		t.Fatalf("first build: %d\n%s", r.code, r.stderr)
	}
	files := siteFiles(t, p.public)
	start := time.Now()
	if r := run(t, p.dir, time.Minute, nil, "build", "--site-title", "NEW"); r.code != 0 {
		t.Fatalf("second build: %d\n%s", r.code, r.stderr)
	}
	full := time.Since(start)
	seed := crashSeed(t)
	t.Logf("seed %d (a build takes %v)", seed, full)
	rng := rand.New(rand.NewPCG(seed, 0))
	for trial := range crashTrials {
		title := []string{"OLD", "NEW"}[trial%2]
		d := time.Duration(rng.Float64() * 1.2 * float64(full))
		killAfter(t, p.dir, d, "build", "--site-title", title)
		got := siteFiles(t, p.public)
		if strings.Join(got, "\n") != strings.Join(files, "\n") {
			t.Fatalf("trial %d (kill after %v): public/ holds %d files, a whole site %d", trial, d, len(got), len(files))
		}
		index, _ := os.ReadFile(filepath.Join(p.public, "index.html"))
		if !bytes.Contains(index, []byte("OLD")) && !bytes.Contains(index, []byte("NEW")) {
			t.Fatalf("trial %d: index.html is neither site", trial)
		}
		for _, f := range got {
			if strings.HasSuffix(f, ".html") {
				if data, _ := os.ReadFile(filepath.Join(p.public, f)); !bytes.Contains(data, []byte("</html>")) {
					t.Fatalf("trial %d: %s is cut short", trial, f)
				}
			}
		}
	}
	if r := run(t, p.dir, time.Minute, nil, "build"); r.code != 0 {
		t.Fatalf("build after the kills: %d\n%s", r.code, r.stderr)
	}
	if left := leftovers(t, p.dir); len(left) > 0 {
		t.Errorf("temporary sites left after a good build: %v", left)
	}
}

// siteFiles lists a site's files, sorted.
func siteFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func leftovers(t *testing.T, dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public-new-") {
			out = append(out, e.Name())
		}
	}
	return out
}
