package triage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
)

// TestSpool: explanations read back from the spool are those written, in
// their order, every field of them; the reader's error stops the reading;
// Close removes the spool's directory.
func TestSpool(t *testing.T) {
	dir := t.TempDir()
	sp, err := newSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 123456789, time.UTC)
	b := recheckgen.Build{UUID: "b1", Job: "tempest-full", Project: "openstack/nova", Pipeline: "gate", Branch: "master", Change: "5",
		Patchset: "2", Ref: "refs/changes/05/5/2", Result: "FAILURE", Voting: true, Provider: "ovh", Region: "BHS1", Node: "ubuntu-noble",
		LogURL: "https://logs.example.org/b1/", Start: at, End: at.Add(time.Hour)}
	line := recheckgen.ContextLine{File: "job-output.txt", Line: 7, Message: "ERROR boom <script>", Time: at,
		Before: []recheckgen.LogLine{{File: "job-output.txt", Line: 6, Message: "before"}}, After: []recheckgen.LogLine{{File: "job-output.txt", Line: 8, Message: "after"}},
		Known: []string{"q1"}, URL: "https://logs.example.org/b1/job-output.txt#L7"}
	full := &recheckgen.Explanation{Build: b, ChangeURL: "https://review.example.org/5", BuildURL: "https://zuul.example.org/build/b1",
		Known:       []recheckgen.KnownMatch{{ID: "q1", Title: "a bug", URL: "https://bugs.example.org/1", Runbook: "gate.md#x", Lines: []recheckgen.ContextLine{line}, Count: 3}},
		QueryErrors: []string{"q2: timeout"},
		Lines:       []recheckgen.RankedLine{{ContextLine: line, Score: 9.25, Reasons: []string{"new"}, Count: 2, Files: []string{"a.txt"}, Normalized: "ERROR boom <*>"}},
		Baseline:    recheckgen.Baseline{Builds: []recheckgen.BaselineBuild{{UUID: "p1", Job: "tempest-full", Branch: "master", Start: at, LogURL: "https://x/", SameJob: true, SameBranch: true}}, Lines: 1234, Note: "n"},
		Events:      30000, Truncated: true, Signature: "ERROR boom <*>", Group: "g0123456789a"}
	bare := &recheckgen.Explanation{Build: recheckgen.Build{UUID: "b2", Result: "FAILURE", Start: time.Unix(1796000000, 0)}}
	want := []*recheckgen.Explanation{full, bare, full}
	for _, e := range want {
		if err := sp.add(e); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // read twice: each reading starts over
		var got []*recheckgen.Explanation
		if err := sp.Each(func(e *recheckgen.Explanation) error { got = append(got, e); return nil }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read back\n%+v\nwant\n%+v", got, want)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := sp.Each(func(*recheckgen.Explanation) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("reader's error: %v after %d", err, n)
	}
	if err := sp.Close(); err != nil {
		t.Error(err)
	}
	if left := spoolsLeft(dir); len(left) != 0 {
		t.Errorf("left after Close: %v", left)
	}
}

// TestRunSpool: a window's triage keeps a summary per build in memory and
// spools the explanations, which Close removes; a triage that fails
// removes them too.
func TestRunSpool(t *testing.T) {
	st, _ := sampleStore(t)
	out, win, results := triageWindow(t, st)
	es := explanations(t, out)
	if len(es) != len(out.Builds) || len(es) < 100 {
		t.Fatalf("%d explanations for %d builds", len(es), len(out.Builds))
	}
	byUUID := map[string]*recheckgen.Explanation{}
	for _, e := range es {
		byUUID[e.Build.UUID] = e
	}
	for _, b := range out.Builds {
		if e := byUUID[b.Build.UUID]; e == nil || e.Group != b.Group || !reflect.DeepEqual(e.Build, b.Build) {
			t.Errorf("%s: summary %+v, explanation %v", b.Build.UUID, b, e)
		}
	}
	if fi, err := os.Stat(out.Explanations.f.Name()); err == nil {
		t.Logf("spool: %d bytes for %d builds", fi.Size(), len(es))
	}
	dir := filepath.Dir(out.Explanations.dir)
	if err := out.Close(); err != nil {
		t.Error(err)
	}
	if left := spoolsLeft(dir); len(left) != 0 {
		t.Errorf("left after Close: %v", left)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed, err := st.FailedBuilds(ctx, win, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	_, err = Run(ctx, Input{Backend: st, Reader: st, Window: win, Failed: failed, Results: results, Workers: 1,
		QueryOptions: queryfile.Options{Operator: lucene.AND}, Dir: "queries", SpoolDir: dir,
		Done: func(done, total int) { cancel() }})
	if err == nil {
		t.Fatal("a cancelled triage did not fail")
	}
	if left := spoolsLeft(dir); len(left) != 0 {
		t.Errorf("left after a failed triage: %v", left)
	}
}

// TestSpoolLeftByKilledProcess: a spool left by a process killed outright
// is removed when the next spool is made; one whose process still runs is
// not, nor this process's own, nor what is not provably a spool.
func TestSpoolLeftByKilledProcess(t *testing.T) {
	dir := t.TempDir()
	live := spoolHelper(t, dir)
	killed := spoolHelper(t, dir)
	foreign := filepath.Join(dir, "notes")           // not named as a spool
	unlocked := filepath.Join(dir, spoolPrefix+"x1") // no lock file: no proof
	photos := filepath.Join(dir, spoolPrefix+"photos")
	for _, d := range []string{foreign, unlocked, photos} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "f"), []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Named as a spool, with a lock file no process holds, and more: not a
	// spool's files alone, so it stays whole, its lock file too.
	if err := os.WriteFile(filepath.Join(photos, spoolLock), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, f := range []string{"f", spoolLock} {
			if _, err := os.Stat(filepath.Join(photos, f)); err != nil {
				t.Errorf("a directory holding more than a spool lost a file: %v", err)
			}
		}
	}()

	mine, err := newSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	for _, d := range []string{live.dir, killed.dir, foreign, unlocked} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("a spool of a running process removed: %v", err)
		}
	}

	killed.kill(t)
	other, err := newSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(killed.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the spool of a killed process is left: %v", err)
	}
	for _, d := range []string{live.dir, mine.dir, foreign, unlocked} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("removed: %v", err)
		}
	}
	if err := other.Close(); err != nil {
		t.Error(err)
	}

	live.kill(t)
	last, err := newSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(live.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the spool of a killed process is left: %v", err)
	}
	last.Close()
}

// spoolsLeft are the entries of a spools' directory besides its marker
// and lock file, which stay.
func spoolsLeft(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		if e.Name() != spoolsMarker && e.Name() != spoolsLock {
			left = append(left, e.Name())
		}
	}
	return left
}

// TestSpoolsNotOurs: a spools' directory recheckgen did not make (it
// holds files and no marker) is refused, and nothing in it is removed,
// not even what looks like a dead spool.
func TestSpoolsNotOurs(t *testing.T) {
	dir := t.TempDir()
	dead := filepath.Join(dir, spoolPrefix+"old")
	if err := os.Mkdir(dead, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{spoolLock, spoolFile} {
		if err := os.WriteFile(filepath.Join(dead, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if sp, err := newSpool(dir); err == nil || !strings.Contains(err.Error(), "did not make") {
		if sp != nil {
			sp.Close()
		}
		t.Fatalf("a directory of someone's taken for spools: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dead, spoolFile)); err != nil {
		t.Errorf("removed from a directory recheckgen did not make: %v", err)
	}
	// An empty directory is taken, and marked.
	empty := t.TempDir()
	sp, err := newSpool(empty)
	if err != nil {
		t.Fatal(err)
	}
	sp.Close()
	if _, err := os.Stat(filepath.Join(empty, spoolsMarker)); err != nil {
		t.Error(err)
	}
}

// helperSpool is a spool made by another process, which holds it until
// killed.
type helperSpool struct {
	cmd *exec.Cmd
	dir string
}

func (h helperSpool) kill(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	h.cmd.Wait()
}

// spoolHelper starts this test binary as a process that makes a spool in
// dir, says its directory and waits to be killed (TestSpoolHelperProcess).
func spoolHelper(t *testing.T, dir string) helperSpool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSpoolHelperProcess$")
	cmd.Env = append(os.Environ(), "RECHECKGEN_SPOOL_HELPER="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe() // open until the test ends
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := helperSpool{cmd: cmd}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	h.dir = strings.TrimSpace(line)
	if filepath.Dir(h.dir) != dir {
		t.Fatalf("helper's spool: %q", h.dir)
	}
	return h
}

// TestSpoolHelperProcess is the process spoolHelper starts; it does
// nothing as a test.
func TestSpoolHelperProcess(t *testing.T) {
	dir := os.Getenv("RECHECKGEN_SPOOL_HELPER")
	if dir == "" {
		t.Skip("a helper process for TestSpoolLeftByKilledProcess")
	}
	sp, err := newSpool(dir)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	if err := sp.add(&recheckgen.Explanation{Build: recheckgen.Build{UUID: "b"}}); err != nil {
		os.Exit(1)
	}
	fmt.Println(sp.dir)
	io.Copy(io.Discard, os.Stdin) // until killed
	os.Exit(0)
}
