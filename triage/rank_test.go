package triage

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
)

func TestSignals(t *testing.T) {
	for _, tc := range []struct {
		body, level string
		weight      float64
		word        string
	}{
		{"ERROR: No matching distribution found for x", "", 2.5, "ERROR"},
		{"something happened", "ERROR", 3, "ERROR"},
		{"No space left on device", "ERROR", 4, "ERROR"},
		{"Timed out waiting for a reply", "DEBUG", -3, "DEBUG"},
		{"DEBUG: error: Bad exit status from /var/tmp/rpm-tmp.x (%install)", "", 2, "error"},
		{"controller : ok=27 changed=5 unreachable=0 failed=0 skipped=2", "", 0, ""},
		{" - Failed: 0", "", 0, ""},
		{"FAILED - RETRYING: [controller]: Write a file (9 retries left).", "", 0.5, "FAILED"},
		{"WARNING: Retrying after connection broken by 'ReadTimeoutError(...)'", "", 1, "ReadTimeoutError"},
		{"oslo_messaging.exceptions.MessagingTimeout: Timed out", "", 2.5, "oslo_messaging.exceptions.MessagingTimeout"},
		{"E: Unable to fetch some archives", "", 2, "E:"},
		{"TYPE: something", "", 0, ""},
		{"kernel: mysqld invoked oom-killer: gfp_mask=0x140cca", "", 4, "oom-killer"},
		{"all tests passed", "", 0, ""},
		{"logreduce/models.py:76:1: E305 expected 2 blank lines", "", 2.5, "E305"},
		{"x.sh:12:3: SC2086 Double quote to prevent globbing", "", 2.5, "SC2086"},
		{"main.c:4:10: error: 'x' undeclared", "", 2.5, "error"},
		{"a.py:3: W291 trailing whitespace", "", 1.5, "W291"},
		{"at 10:30: E305 is a code", "", 0, ""},
	} {
		w, word := errorLevel(tc.body, tc.level)
		if w != tc.weight || word != tc.word {
			t.Errorf("errorLevel(%q, %q) = %v %q, want %v %q", tc.body, tc.level, w, word, tc.weight, tc.word)
		}
	}
	for body, want := range map[string]bool{
		`fatal: [controller]: FAILED! => {"rc": 1}`:                      true,
		"failed: [host] (item=x) => {}":                                  true,
		"[ERROR] functions-common:651 git call failed: [git clone x]":    false,
		"RUN END RESULT_TIMED_OUT: [untrusted : x]":                      true,
		"ERROR: InvocationError for command /usr/bin/x (exited with 1)":  true,
		"py3: exit 1 (2.3 seconds) /src> stestr run pid=12":              true,
		"py3: exit 0 (2.3 seconds) /src> stestr run pid=12":              false,
		"controller : ok=56 changed=20 unreachable=0 failed=1 skipped=2": true,
		"controller : ok=56 changed=20 unreachable=0 failed=0 skipped=2": false,
		"error: Bad exit status from /var/tmp/rpm-tmp.JufUNF (%build)":   true,
		"make[2]: *** [Makefile:12: all] Error 2":                        true,
		"Build step 'Execute shell' marked build as failure":             true,
		"[Zuul] Task exit code: 1":                                       true,
		"[Zuul] Task exit code: 0":                                       false,
		"[Zuul] Job complete, result: FAILURE":                           true,
		"The action completed":                                           false,
	} {
		if _, got := marker(body); got != want {
			t.Errorf("marker(%q) = %v", body, got)
		}
	}
	for body, want := range map[string]bool{"+ echo 'Error on exit'": true, "++ jobs -p": true, "  + ./stack.sh:exit_trap:551 :   local r=1": true,
		"+1 more": false, "Error on exit": false, "+": false} {
		if got := xtrace(body); got != want {
			t.Errorf("xtrace(%q) = %v", body, got)
		}
	}
}

// lines makes a job output's events from texts.
func lines(file string, texts ...string) []recheckgen.LogLine {
	var out []recheckgen.LogLine
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for i, s := range texts {
		at := t0.Add(time.Duration(i) * time.Second)
		out = append(out, recheckgen.LogLine{File: file, Line: i + 1, Time: at, Message: at.Format("2006-01-02 15:04:05.000000") + " | " + s})
	}
	return out
}

func baselineOf(t *testing.T, b recheckgen.Build, texts ...string) *Set {
	t.Helper()
	r := &memReader{builds: map[string][]recheckgen.LogLine{b.UUID: lines("job-output.txt", texts...)}}
	fps, full, err := Fingerprints(t.Context(), r, b, 0)
	if err != nil || full {
		t.Fatal(err, full)
	}
	return NewSet(fps)
}

// memReader is a LogReader over builds held in memory.
type memReader struct {
	builds map[string][]recheckgen.LogLine
	list   []recheckgen.Build
}

func (m *memReader) ListBuilds(ctx context.Context) ([]recheckgen.Build, error) { return m.list, nil }
func (m *memReader) ReadBuild(ctx context.Context, uuid string, fn func(recheckgen.LogLine) error) error {
	ls, ok := m.builds[uuid]
	if !ok {
		return fmt.Errorf("no build %s", uuid)
	}
	for _, l := range ls {
		if err := fn(l); err != nil {
			return err
		}
	}
	return nil
}

// TestRank: what passing builds print does not rank; a new error line
// just before Ansible's failure marker ranks first and the traceback's
// exception next, the markers themselves, the traceback's frames and the
// shell's trace of the exit trap below them; DEBUG lines with error words
// never; a line printed many times loses.
func TestRank(t *testing.T) {
	common := []string{
		"TASK [devstack : Run stack.sh]",
		"controller | WARNING: this warning is printed by every run",
		"controller | 2026-11-20 10:00:01.123 4242 DEBUG oslo.config error_timeout = 10",
		"controller | Installing collected packages: six",
	}
	pass := recheckgen.Build{UUID: "pass", Job: "j", Result: "SUCCESS", Node: "ubuntu-noble", Provider: "rax-dfw"}
	base := baselineOf(t, pass, append(common, "controller | Provider: rax-dfw", "ok: [controller]")...)
	failed := recheckgen.Build{UUID: "fail", Job: "j", Result: "FAILURE", Node: "ubuntu-noble", Provider: "ovh-gra1"}
	texts := append(append([]string{}, common...),
		"controller | Provider: ovh-gra1",
		"controller | Traceback (most recent call last):",
		`controller |   File "x.py", line 3, in <module>`,
		"controller |     raise ValueError('bad')",
		"controller | ValueError: bad config value",
		"controller | ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
		"controller | + ./stack.sh:exit_trap:569 :   echo 'Error on exit'",
		"controller | Error on exit",
		`fatal: [controller]: FAILED! => {"cmd": "./stack.sh", "rc": 1}`,
		"NO MORE HOSTS LEFT",
	)
	for i := 0; i < 64; i++ {
		texts = append(texts, "controller | ERROR retrying the same thing")
	}
	r := NewRanker(failed, base, RankOptions{})
	for _, l := range lines("job-output.txt", texts...) {
		r.Add(l)
	}
	// A service's DEBUG line, as the store hands it over.
	r.Add(recheckgen.LogLine{File: "logs/screen-n-cpu.txt", Line: 1, Level: "DEBUG",
		Message: "2026-11-20 10:00:05.000 4242 DEBUG nova.compute.manager [-] something failed: retrying"})
	got := r.Result()
	if len(got) < 3 {
		t.Fatalf("ranked %d lines", len(got))
	}
	at := map[string]int{}
	for i, l := range got {
		at[Body(l.Message)] = i + 1
	}
	if at["ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device"] != 1 || at["ValueError: bad config value"] != 2 ||
		!strings.Contains(strings.Join(got[1].Reasons, ";"), "ends a traceback") {
		t.Errorf("the cause and the exception are not first:\n%s", dump(got))
	}
	for _, s := range []string{"WARNING: this warning is printed by every run", "DEBUG nova.compute.manager something failed: retrying", "Provider: ovh-gra1",
		"Installing collected packages: six"} {
		if at[s] != 0 {
			t.Errorf("%q ranked %d:\n%s", s, at[s], dump(got))
		}
	}
	for _, s := range []string{`fatal: [controller]: FAILED! => {"cmd": "./stack.sh", "rc": 1}`, "Error on exit", "NO MORE HOSTS LEFT",
		"+ ./stack.sh:exit_trap:569 :   echo 'Error on exit'", `    raise ValueError('bad')`, `  File "x.py", line 3, in <module>`} {
		if at[s] != 0 && at[s] < 4 {
			t.Errorf("%q ranked %d:\n%s", s, at[s], dump(got))
		}
	}
	if rep := at["ERROR retrying the same thing"]; rep != 0 && (got[rep-1].Count != 64 || rep < 3) {
		t.Errorf("repeated line ranked %d with count %d:\n%s", rep, got[rep-1].Count, dump(got))
	}
}

func dump(ls []recheckgen.RankedLine) string {
	var b strings.Builder
	for i, l := range ls {
		fmt.Fprintf(&b, "%d. %.2f %q %v\n", i+1, l.Score, Body(l.Message), l.Reasons)
	}
	return b.String()
}

// TestRankBounded: a build of any size keeps at most Keep candidates and
// MaxCounted counted lines.
func TestRankBounded(t *testing.T) {
	r := NewRanker(recheckgen.Build{UUID: "x"}, nil, RankOptions{Keep: 50, MaxCounted: 1000})
	for i := 0; i < 20000; i++ {
		r.Add(recheckgen.LogLine{File: "f", Line: i + 1, Message: "ERROR distinct failure " + word(i)})
	}
	if len(r.heap) > 50 || len(r.byFP) > 50 || len(r.counts) > 1000 {
		t.Errorf("kept %d candidates, %d by fingerprint, %d counted", len(r.heap), len(r.byFP), len(r.counts))
	}
	if got := r.Result(); len(got) != 20 {
		t.Errorf("%d lines", len(got))
	}
}

// word spells i in letters, which normalisation keeps.
func word(i int) string {
	var b []byte
	for {
		b = append(b, byte('a'+i%26))
		if i /= 26; i == 0 {
			return string(b)
		}
	}
}

func TestSignature(t *testing.T) {
	b := recheckgen.Build{Job: "tempest-full-py3", Project: "openstack/nova", Branch: "stable/2025.2", Node: "ubuntu-noble"}
	for _, tc := range []struct{ line, want string }{
		{"2026-11-16 13:20:01.838019 | controller | ERROR: No matching distribution found for oslo.messaging===17.4.1",
			"ERROR: No matching distribution found for <*>"},
		{"2026-11-16 13:20:01.838019 | controller | [ERROR] /opt/stack/devstack/functions-common:651 git call failed: [git clone https://opendev.org/openstack/nova /opt/stack/nova --branch stable/2025.2]",
			"[ERROR] <*> git call failed: [git clone <*> --branch <*>"},
		{"2026-11-16 13:20:01.838019 | controller | fatal: unable to access 'https://opendev.org/openstack/nova/': Failed to connect",
			"fatal: unable to access <*> Failed to connect"},
		{"2026-11-12 15:57:23.051 81789 ERROR oslo_db.api [None req-5ad9e197 tempest-X-1 p] DB exceeded retry limit.",
			"ERROR oslo_db.api DB exceeded retry limit."},
		// Too few words once masked: the words stay.
		{"2026-11-16 13:20:01.838019 | controller | Error: '/etc/x' 42", "Error: '/etc/x' <n>"},
		{"running tempest-full-py3 on ubuntu-noble for nova: it broke", "running <*> on <*> for <*> it broke"},
	} {
		if got := sign(tc.line, b); got != tc.want {
			t.Errorf("sign(%q)\n got %q\nwant %q", tc.line, got, tc.want)
		}
	}
	// The id of a signature is a function of it and the version alone.
	if a, b := GroupID("a"), GroupID("b"); a == b || a != "g75ddf23bb1c" || len(b) != 12 {
		t.Errorf("ids %s %s", a, b)
	}
}

func groupOf(msgs ...string) recheckgen.FailureGroup {
	g := recheckgen.FailureGroup{ID: "g0123456789a"}
	var m recheckgen.Match
	for i, msg := range msgs {
		b := recheckgen.Build{UUID: fmt.Sprint(i), Job: fmt.Sprintf("job-%d", i%2), Branch: "master"}
		m.Builds = append(m.Builds, recheckgen.MatchedBuild{Build: b})
		g.Builds = append(g.Builds, recheckgen.GroupBuild{Build: b,
			Line: recheckgen.ContextLine{File: "logs/job-output.txt", Message: "2026-11-16 13:20:01.838019 | controller | " + msg}})
	}
	// As groups makes them: most builds first, ties by name (a map's order
	// made TestCandidates fail now and then).
	g.Jobs = m.Shares(func(b recheckgen.Build) string { return b.Job })
	return g
}

func TestCandidates(t *testing.T) {
	g := groupOf("ERROR: No matching distribution found for oslo.messaging===17.4.1",
		"ERROR: No matching distribution found for keystoneauth1===5.0.0")
	got := Candidates(g)
	want := []string{
		`message:"ERROR: No matching distribution found for"`,
		`message:"ERROR: No matching distribution found for" AND tags:"job-output.txt"`,
		`message:"ERROR: No matching distribution found for" AND (build_name:"job-0" OR build_name:"job-1")`,
		`message:"ERROR: No matching distribution found for" AND tags:"job-output.txt" AND (build_name:"job-0" OR build_name:"job-1")`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("candidates:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, q := range got {
		if _, _, err := lucene.Parse(q, lucene.Options{}); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	// Words that vary split the line into runs; the three longest are
	// required together, in the order of the line.
	g = groupOf(`AMQP server on undercloud:5672 is unreachable: [Errno 113] EHOSTUNREACH. Trying "again" in 32 seconds. \ on master`)
	if got := Candidates(g)[0]; got != `message:"AMQP server on" AND message:"is unreachable: [Errno" AND message:"EHOSTUNREACH. Trying \"again\" in"` {
		t.Errorf("runs: %s", got)
	}
	if Slug(g) != "ehostunreach-trying-again-in-g0123456789a" {
		t.Errorf("slug %s", Slug(g))
	}
	if got := Candidates(groupOf("Error: 42", "Error: 43")); got != nil {
		t.Errorf("too short: %v", got)
	}
}

func TestProposeURL(t *testing.T) {
	s := &recheckgen.Suggestion{Slug: "x-g1", YAML: "query: >\n  message:\"a & b\"\n"}
	u := ProposeURL("https://github.com/o/r/", "stable/x", "./queries", s)
	p, err := url.Parse(u)
	if err != nil || p.Path != "/o/r/new/stable/x" || p.Query().Get("filename") != "queries/x-g1.yaml" || p.Query().Get("value") != s.YAML {
		t.Errorf("%s", u)
	}
	for dir, want := range map[string]string{"/abs/path/queries": "queries/x-g1.yaml", "../up": "up/x-g1.yaml", "": "queries/x-g1.yaml", "a/b": "a/b/x-g1.yaml"} {
		p, _ := url.Parse(ProposeURL("https://github.com/o/r", "main", dir, s))
		if got := p.Query().Get("filename"); got != want {
			t.Errorf("dir %q: filename %q, want %q", dir, got, want)
		}
	}
	for _, repo := range []string{"", "http://github.com/o/r", "https://gitlab.com/o/r", "https://github.com/o", "javascript:alert(1)", "https://github.com/o/r/x"} {
		if u := ProposeURL(repo, "main", "queries", s); u != "" {
			t.Errorf("%q: %s", repo, u)
		}
	}
}

func TestOnBuild(t *testing.T) {
	expr, _, err := lucene.Parse(`message:"a b" AND tags:x`, lucene.Options{DefaultOperator: lucene.AND})
	if err != nil {
		t.Fatal(err)
	}
	q, err := OnBuild(recheckgen.Query{ID: "q", Raw: `message:"a b" AND tags:x`, Expr: expr}, "abc123")
	if err != nil {
		t.Fatal(err)
	}
	if q.Raw != `(message:"a b" AND tags:x) AND build_uuid:"abc123"` || lucene.String(q.Expr) != `message:"a b" AND tags:x AND build_uuid:abc123` {
		t.Errorf("%s | %s", q.Raw, lucene.String(q.Expr))
	}
}

func TestChooseBaseline(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, time.UTC) }
	failed := recheckgen.Build{UUID: "f", Job: "j", Branch: "master", Result: "FAILURE", Start: at(12)}
	all := []recheckgen.Build{failed,
		{UUID: "a", Job: "j", Branch: "master", Result: "SUCCESS", Start: at(1)},
		{UUID: "b", Job: "j", Branch: "stable", Result: "SUCCESS", Start: at(12)},
		{UUID: "c", Job: "j", Branch: "master", Result: "SUCCESS", Start: at(14)},
		{UUID: "d", Job: "j", Branch: "master", Result: "FAILURE", Start: at(12)},
		{UUID: "e", Job: "other", Branch: "master", Result: "SUCCESS", Start: at(12)},
		{UUID: "g", Job: "j", Branch: "master", Result: "SUCCESS", Start: at(10)},
		// Passing builds stored without their logs (a fetch keeps a tenth
		// of them) have nothing to compare with: never a baseline.
		{UUID: "h", Job: "j", Branch: "master", Result: "SUCCESS", Start: at(12), Logs: recheckgen.LogsNone},
		{UUID: "i", Job: "j", Branch: "master", Result: "SUCCESS", Start: at(12), Logs: recheckgen.LogsMissing},
		{UUID: "k", Job: "other", Branch: "master", Result: "SUCCESS", Start: at(12), Logs: recheckgen.LogsNone},
	}
	var got []string
	for _, b := range ChooseBaseline(failed, all, 3) {
		got = append(got, b.UUID)
	}
	if strings.Join(got, ",") != "c,g,a" {
		t.Errorf("baseline %v", got)
	}
	got = nil
	for _, b := range ChooseBaseline(recheckgen.Build{UUID: "z", Job: "lonely", Branch: "master", Start: at(12)}, all, 2) {
		got = append(got, b.UUID)
	}
	if strings.Join(got, ",") != "e,c" {
		t.Errorf("fallback baseline %v", got)
	}
}

// TestLogsHeld: builds stored without their logs are not explained (no
// line to explain them by) and do not count among the passing builds a
// suggested query's share is measured against (no query can match them).
func TestLogsHeld(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	w := recheckgen.Window{Start: at.Add(-time.Hour), End: at.Add(time.Hour), Bucket: time.Hour}
	builds := []recheckgen.Build{
		{UUID: "a", Result: "FAILURE", Voting: true, Start: at},
		{UUID: "b", Result: "FAILURE", Voting: true, Start: at, Logs: recheckgen.LogsMissing},
		{UUID: "c", Result: "SUCCESS", Voting: true, Start: at},
		{UUID: "d", Result: "SUCCESS", Voting: true, Start: at, Logs: recheckgen.LogsNone},
		{UUID: "e", Result: "SUCCESS", Voting: true, Start: at, Logs: recheckgen.LogsMissing},
		{UUID: "f", Result: "SUCCESS", Voting: false, Start: at},
		{UUID: "g", Result: "FAILURE", Voting: true, Start: at},
	}
	var got []string
	for _, b := range Explainable(builds) {
		got = append(got, b.UUID)
	}
	if strings.Join(got, ",") != "a,c,f,g" {
		t.Errorf("explainable %v, want a,c,f,g", got)
	}
	if n := passing(builds, w); n != 1 {
		t.Errorf("passing builds with logs: %d, want 1", n)
	}
}
