package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/zuul"
)

// triageCorpus writes three builds of one job: two passing, one failing
// with a new error line before Ansible's marker; and a fourth failing
// build in a directory of its own, outside the corpus.
func triageCorpus(t *testing.T) (corpus, lone string) {
	t.Helper()
	root := t.TempDir()
	common := "2026-11-20 10:00:01.000000 | TASK [run : Run tests]\n2026-11-20 10:00:02.000000 | controller | collecting tests\n"
	write := func(dir, uuid, result, extra string) {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "build.json"), []byte(fmt.Sprintf(
			`{"uuid": %q, "job_name": "unit-py3", "result": %q, "voting": true, "pipeline": "check", "branch": "master",
			  "project": "openstack/nova", "start_time": "2026-11-20T10:00:00", "end_time": "2026-11-20T10:30:00",
			  "log_url": "https://logs.example.org/%s/"}`, uuid, result, uuid)), 0o644)
		os.WriteFile(filepath.Join(dir, "job-output.txt"), []byte(common+extra), 0o644)
	}
	write(filepath.Join(root, "p1"), "pass1aaaaaaaaaaaaaaaaaaaaaaaaaaa", "SUCCESS", "2026-11-20 10:00:03.000000 | controller | ok\n")
	write(filepath.Join(root, "p2"), "pass2aaaaaaaaaaaaaaaaaaaaaaaaaaa", "SUCCESS", "2026-11-20 10:00:03.000000 | controller | ok\n")
	fail := "2026-11-20 10:00:03.000000 | controller | ERROR: boom happened in <script>alert(1)</script>\n" +
		"2026-11-20 10:00:04.000000 | fatal: [controller]: FAILED! => {\"rc\": 1}\n"
	write(filepath.Join(root, "f1"), "fail1bbbbbbbbbbbbbbbbbbbbbbbbbbb", "FAILURE", fail)
	lone = filepath.Join(t.TempDir(), "lone")
	write(lone, "lone1ccccccccccccccccccccccccccc", "FAILURE", strings.ReplaceAll(fail, "boom", "bang"))
	return root, lone
}

func TestTriageCommand(t *testing.T) {
	corpus, lone := triageCorpus(t)
	queries := t.TempDir()
	os.WriteFile(filepath.Join(queries, "1234567.yaml"), []byte("query: >\n  message:\"boom happened\"\ntitle: Boom\nrunbook: gate.md#boom\n"), 0o644)
	flags := []string{"--db", filepath.Join(t.TempDir(), "logs.db"), "--ingest", corpus, "--sample", "", "--queries", queries}
	run := func(args ...string) (int, string, string) {
		return runCmd(t, append(append([]string{"triage"}, flags...), args...)...)
	}

	code, out, errOut := run("fail1bbb")
	if code != exitOK || !strings.Contains(out, "Known bug 1234567: Boom") || !strings.Contains(out, "runbook: gate.md#boom") ||
		!strings.Contains(out, " 1. job-output.txt:3") || !strings.Contains(out, "not in the 2 passing build(s) compared") ||
		!strings.Contains(out, "known bug 1234567") {
		t.Errorf("by short uuid: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run("--format", "json", "fail1bbbbbbbbbbbbbbbbbbbbbbbbbbb")
	var e recheckgen.Explanation
	if code != exitOK || json.Unmarshal([]byte(out), &e) != nil || len(e.Lines) == 0 || !strings.Contains(e.Lines[0].Message, "boom happened") ||
		len(e.Known) != 1 || len(e.Baseline.Builds) != 2 || len(e.Lines[0].Before) != 2 || len(e.Lines[0].After) != 1 {
		t.Errorf("json: %d\n%s", code, out)
	}
	code, out, _ = run("--format", "markdown", "fail1bbb")
	if code != exitOK || !strings.Contains(out, "This failure looks like:") || !strings.Contains(out, "```text\n2026-11-20 10:00:03.000000 | controller | ERROR: boom happened in <script>") {
		t.Errorf("markdown: %d\n%s", code, out)
	}
	// A directory the store does not hold is read on its own; the
	// baseline still comes from the store.
	code, out, errOut = run(lone)
	if code != exitOK || !strings.Contains(out, "Build lone1ccccccccccccccccccccccccccc") || !strings.Contains(out, "none of the 1 queries tried matches") ||
		!strings.Contains(out, "bang happened") || !strings.Contains(out, "2 passing build(s)") {
		t.Errorf("directory: %d\n%s\n%s", code, out, errOut)
	}
	// A warning naming a file of the build stays on one line: a CI log
	// reads a line starting "::error" as a command.
	os.MkdirAll(filepath.Join(lone, "logs"), 0o755)
	os.WriteFile(filepath.Join(lone, "logs", "x\n::error title=forged::y.txt"), []byte("\x7fELF\x00"), 0o644)
	if code, _, errOut = run(lone); code != exitOK || strings.Contains(errOut, "\n::") || !strings.Contains(errOut, "x␊::error title=forged::y.txt: skipped: binary file") {
		t.Errorf("a file name with a newline: %d\n%s", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "name one build"},
		{[]string{"a", "b"}, exitUsage, "name one build"},
		{[]string{"--format", "html", "x"}, exitUsage, "--format \"html\""},
		{[]string{"nosuchbuild"}, exitFail, "no build \"nosuchbuild\" in the store"},
		{[]string{"https://zuul.opendev.org/t/openstack/build/abc"}, exitFail, "not a Zuul build's URL"},
		{[]string{"ftp://zuul.opendev.org/t/openstack/build/31a1ac657a29ce5c7497674a4bf3d253"}, exitFail, "no build"},
		{[]string{t.TempDir()}, exitFail, "not a build directory"},
	} {
		code, out, errOut := run(tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: %d %s %s, want %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// TestTriageURL: a Zuul build's URL is fetched on its own when the store
// lacks the build, and explained as the same build read from a store that
// holds it; a build the store holds is read from there without a request.
func TestTriageURL(t *testing.T) {
	z, _, _ := replayCorpus(t)
	bs := z.Builds()
	var victim *replay.Build
	for _, b := range bs {
		if b.Result == "FAILURE" {
			victim = b
			break
		}
	}
	if victim == nil {
		t.Fatal("no failed build in the corpus")
	}
	// The whole corpus, and the corpus without the victim.
	all, without := t.TempDir(), t.TempDir()
	for _, b := range bs {
		for _, to := range []string{all, without} {
			if to == without && b == victim {
				continue
			}
			if err := os.CopyFS(filepath.Join(to, b.UUID), os.DirFS(b.Dir)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The stored victim's log_url is where the replay serves its logs, as
	// the fetched record says (a build's own URL in its lines is read as
	// the build's name, so both must name it alike).
	rec := map[string]any{}
	recPath := filepath.Join(all, victim.UUID, "build.json")
	data, err := os.ReadFile(recPath)
	if err == nil {
		err = json.Unmarshal(data, &rec)
	}
	if err != nil {
		t.Fatal(err)
	}
	rec["log_url"] = z.LogURL(victim.UUID)
	data, _ = json.Marshal(rec)
	if err := os.WriteFile(recPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	queries := t.TempDir()
	explain := func(corpus, build string) (recheckgen.Explanation, string) {
		t.Helper()
		code, out, errOut := runCmd(t, "triage", "--db", filepath.Join(t.TempDir(), "logs.db"), "--ingest", corpus, "--sample", "",
			"--queries", queries, "--format", "json", build)
		var e recheckgen.Explanation
		if code != exitOK || json.Unmarshal([]byte(out), &e) != nil {
			t.Fatalf("triage %s: %d\n%s\n%s", build, code, out, errOut)
		}
		return e, errOut
	}
	web := z.URL + "/t/sample/build/" + victim.UUID
	stored, _ := explain(all, victim.UUID)
	z.ResetLog()
	fromStore, errOut := explain(all, web)
	if reqs := z.Requests(); len(reqs) != 0 || strings.Contains(errOut, "fetching") {
		t.Errorf("a build the store holds was fetched: %q", reqs)
	}
	fetched, errOut := explain(without, web)
	if !strings.Contains(errOut, "fetching build "+victim.UUID) || len(z.Requests()) == 0 {
		t.Errorf("the build was not fetched: %s", errOut)
	}
	lines := func(e recheckgen.Explanation) string {
		var out []string
		for _, l := range e.Lines {
			out = append(out, fmt.Sprintf("%s:%d %s", l.File, l.Line, l.Message))
		}
		return strings.Join(out, "\n")
	}
	if len(stored.Lines) == 0 || lines(fetched) != lines(stored) || lines(fromStore) != lines(stored) ||
		fetched.Build.UUID != victim.UUID || len(fetched.Baseline.Builds) != len(stored.Baseline.Builds) {
		t.Errorf("stored:\n%s\nfetched:\n%s\nfrom the store by URL:\n%s", lines(stored), lines(fetched), lines(fromStore))
	}
	// A build stored without its logs (its log server failed): named by
	// its uuid, the command says to name its URL; by its URL, it is
	// fetched.
	nologs := t.TempDir()
	if err := os.CopyFS(nologs, os.DirFS(without)); err != nil {
		t.Fatal(err)
	}
	rec[zuul.LogsKey] = recheckgen.LogsMissing
	data, _ = json.Marshal(rec)
	os.MkdirAll(filepath.Join(nologs, victim.UUID), 0o755)
	if err := os.WriteFile(filepath.Join(nologs, victim.UUID, "build.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "logs.db")
	code, _, errOut := runCmd(t, "triage", "--db", db, "--ingest", nologs, "--sample", "", "--queries", queries, victim.UUID)
	if code != exitFail || !strings.Contains(errOut, "without its logs (missing): name its Zuul URL") {
		t.Errorf("stored without logs, by uuid: %d %s", code, errOut)
	}
	refetched, errOut := explain(nologs, web)
	if !strings.Contains(errOut, "fetching build "+victim.UUID) || lines(refetched) != lines(stored) {
		t.Errorf("stored without logs, by URL: %s\n%s", errOut, lines(refetched))
	}
	code, _, errOut = runCmd(t, "triage", "--db", filepath.Join(t.TempDir(), "logs.db"), "--ingest", without, "--sample", "",
		"--queries", queries, z.URL+"/t/sample/build/"+strings.Repeat("0", 32))
	if code != exitFail || !strings.Contains(errOut, "no such build") {
		t.Errorf("unknown build: %d %s", code, errOut)
	}
}
