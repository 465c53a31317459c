package site

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
)

const xss = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`

var testEnd = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func writeContent(t testing.TB, files map[string]string) *runbook.Set {
	t.Helper()
	content := t.TempDir()
	for name, text := range files {
		p := filepath.Join(content, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, dl := runbook.LoadDir(content, runbook.Markdown(false))
	if dl.Errors() > 0 {
		t.Fatal(dl)
	}
	return set
}

func mustParse(t testing.TB, q string) lucene.Node {
	expr, _, err := lucene.Parse(q, lucene.Options{})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return expr
}

// hostileInput is a site whose every field from logs, builds and files
// carries a script payload.
func hostileInput(t testing.TB) Input {
	t.Helper()
	set := writeContent(t, map[string]string{
		"gate.md": "---\ntitle: \"Gate <script>alert(3)</script>\"\ntags: [devstack]\n---\n\n## Reading the output {#reading}\n\n" +
			"See [the other page](other.md#top) and [bad](javascript:alert(4)).\n\n<script>alert(5)</script>\n\n```bash\necho hi\n```\n\n### Details\n\ntext\n",
		"other.md": "---\ntitle: Other\n---\n\n## Top {#top}\n",
	})
	cfg := config.Default()
	cfg.Site.Title = "Test " + xss
	cfg.Site.RepoURL = "https://github.com/o/r"
	cfg.Site.BaseURL = "https://example.org/site/"
	cfg.Site.ChangeURL = "javascript:alert({change})"
	cfg.Site.BuildURL = "https://zuul.example.org/build/{uuid}"
	cfg.Dirs.Content = set.Dir
	win := recheckgen.Window{Start: testEnd.Add(-48 * time.Hour), End: testEnd, Bucket: time.Hour}
	bad := recheckgen.Build{UUID: "u1" + xss, Job: "job" + xss, Project: "p" + xss, Pipeline: "gate" + xss, Change: "1" + xss, Result: "FAILURE" + xss, Voting: true,
		LogURL: "javascript:alert(6)//", Start: testEnd.Add(-time.Hour)}
	good := recheckgen.Build{UUID: "u2", Job: "tempest-full-py3", Project: "openstack/nova", Pipeline: "gate", Change: "12", Patchset: "3", Result: "FAILURE", Voting: true,
		LogURL: "https://logs.example.org/u2/", Start: testEnd.Add(-3 * time.Hour)}
	buckets := make([]int, win.Buckets())
	buckets[46], buckets[44] = 1, 1
	q := recheckgen.Query{ID: "1234567", Title: "Title " + xss, Raw: `message:"x"`, Expr: mustParse(t, `message:"`+strings.ReplaceAll(xss, `"`, `\"`)+`"`),
		Tags: []string{"devstack"}, Runbook: "gate.md#reading", TestIDs: []string{"tempest.api" + xss},
		Bug: recheckgen.BugRef{Tracker: recheckgen.OtherTracker, ID: "1234567", URL: "javascript:alert(7)"}}
	m := &recheckgen.Match{Buckets: map[string][]int{"FAILURE": buckets},
		Builds: []recheckgen.MatchedBuild{{Build: bad, First: bad.Start, Last: bad.Start}, {Build: good, First: good.Start, Last: good.Start}},
		First:  good.Start, Last: bad.Start,
		Recent: []recheckgen.Hit{{Build: bad, File: "job-output.txt" + xss, Line: 3, Time: bad.Start, Message: "line " + xss}, {Build: good, File: "logs/x.txt", Line: 9, Time: good.Start, Message: "fine"}}}
	opts := report.DefaultOptions(testEnd)
	opts.Links = report.Links{ChangeURL: cfg.Site.ChangeURL, BuildURL: cfg.Site.BuildURL, LineURL: cfg.Site.LineURL}
	rep := report.Make(win, []report.Result{{Query: q, Match: m}}, []recheckgen.Build{bad, good,
		{UUID: "u3", Job: "other" + xss, Result: "FAILURE", LogURL: "https://logs.example.org/u3/", Start: testEnd.Add(-2 * time.Hour)}}, opts)
	run := func(b recheckgen.Build, test string, s recheckgen.TestStatus) recheckgen.TestRun {
		return recheckgen.TestRun{Build: b, Test: test, Status: s, File: "job-output.txt" + xss, Line: 7, Time: b.Start}
	}
	report.SetTests(rep, []recheckgen.TestRun{run(bad, "tempest.api"+xss, recheckgen.TestFailed), run(good, "tempest.api"+xss, recheckgen.TestFailed),
		run(good, "tempest.api.a.B.test_c", recheckgen.TestPassed)}, nil, opts)
	report.SetFreshness(rep, testEnd.Add(-time.Hour), nil, 0)
	u3 := recheckgen.Build{UUID: "u3", Job: "other" + xss, Result: "FAILURE", LogURL: "https://logs.example.org/u3/", Start: testEnd.Add(-2 * time.Hour)}
	line := func(file, msg string, n int) recheckgen.ContextLine {
		return recheckgen.ContextLine{File: file, Line: n, Message: msg, Before: []recheckgen.LogLine{{File: file, Line: n - 1, Message: "before " + xss}},
			After: []recheckgen.LogLine{{File: file, Line: n + 1, Message: "after " + xss}}}
	}
	known := line("job-output.txt"+xss, "ERROR "+xss, 3)
	known.Known = []string{"1234567"}
	es := []*recheckgen.Explanation{
		{Build: bad, Known: []recheckgen.KnownMatch{{ID: "1234567", Title: "Title " + xss, URL: "javascript:alert(7)", Runbook: "gate.md#reading", Count: 1,
			Lines: []recheckgen.ContextLine{line("job-output.txt"+xss, "line "+xss, 3)}}},
			Lines:    []recheckgen.RankedLine{{ContextLine: known, Score: 9, Reasons: []string{"reason " + xss}, Files: []string{"f" + xss}}},
			Baseline: recheckgen.Baseline{Builds: []recheckgen.BaselineBuild{{UUID: "p" + xss, Job: "job" + xss, LogURL: "javascript:alert(9)", SameJob: true}}, Note: "note " + xss}},
		{Build: u3, Lines: []recheckgen.RankedLine{{ContextLine: line("logs/x"+xss+".txt", "boom "+xss, 12), Score: 7, Reasons: []string{"new"}}},
			Signature: "sig " + xss, Group: "g0000000000a"},
	}
	groups := []recheckgen.FailureGroup{{ID: "g0000000000a", Signature: "sig " + xss, Count: 1, First: u3.Start, Last: u3.Start,
		Builds: []recheckgen.GroupBuild{{Build: u3, Line: es[1].Lines[0].ContextLine}},
		Jobs:   []recheckgen.Share{{Value: u3.Job, Builds: 1}}, Projects: []recheckgen.Share{{Value: "p" + xss, Builds: 1}},
		Suggestion: &recheckgen.Suggestion{Query: `message:"` + xss + `"`, Failed: 1, PassingTotal: 3, GroupMatched: 1, Slug: "s" + xss, YAML: "query: " + xss,
			ProposeURL: "javascript:alert(8)", Overlap: []recheckgen.KnownOverlap{{ID: "1234567", Title: xss, Builds: 1}}}},
		{ID: "g0000000000b", Signature: "why " + xss, Count: 1, Builds: []recheckgen.GroupBuild{{Build: bad, Line: es[0].Lines[0].ContextLine}}, Why: "why " + xss}}
	report.SetTriage(rep, 1, es, groups, 0, opts)
	return Input{Config: cfg, Report: rep, Graph: report.MakeGraph(rep, win, 0), Window: win, Queries: []recheckgen.Query{q},
		Content: set, EChartsJS: []byte("/* echarts */")}
}

// richInput is an ordinary site: bugs in gate and check, one matching
// passing builds too, one whose query failed, one with no match; jobs and
// projects; tempest results; a runbook with code and typographic quotes.
func richInput(t testing.TB) Input {
	t.Helper()
	set := writeContent(t, map[string]string{
		"gate.md": "---\ntitle: Reading a gate failure\ntags: [devstack]\n---\n\nStart with `job-output.txt`.\n\n" +
			"## Don't panic {#dont-panic}\n\nThe OOM killer's line reads \"invoked oom-killer\".\n\n```python\nimport os\nprint(len(os.environ), True, None)\nraise ValueError(\"no\")\n```\n\n" +
			"## Reading the output {#reading}\n\nCheck `screen-n-cpu.txt` for MessagingTimeout.\n\n" +
			"| file | what it holds | where |\n| --- | --- | --- |\n| `logs/screen-n-cpu.txt` | nova-compute's log, with every RPC it sent and the replies it waited for | `controller/logs/screen-n-cpu.txt.gz` on today's jobs |\n\n" +
			"```text\n" + strings.Repeat("a-very-long-line-that-scrolls-", 12) + "\n```\n",
		// A title holding a job's words, and a section longer than the
		// index keeps of its text (searchTextMax) with a word past the cut.
		"other.md": "---\ntitle: Nova live migration and cells\ntags: [nova]\n---\n\nWords about placement and cells.\n\n## Cells {#cells}\n\nCell mapping text.\n\n" +
			strings.Repeat("Every compute host belongs to one cell, and the API database maps each instance to the cell that holds it. ", 7) +
			"In a multi-cell deployment the top-level conductor, the superconductor, schedules and builds instances across cells.\n",
	})
	cfg := config.Default()
	cfg.Site.RepoURL = "https://github.com/o/r"
	cfg.Site.ChangeURL = "https://review.example.org/{change}"
	cfg.Site.BuildURL = "https://zuul.example.org/t/openstack/build/{uuid}"
	cfg.Dirs.Content = set.Dir
	win, _ := recheckgen.NewWindow(testEnd, 10*24*time.Hour, time.Hour)
	n := 0
	build := func(job, project, pipeline, result string, ago time.Duration) recheckgen.Build {
		n++
		return recheckgen.Build{UUID: fmt.Sprintf("b%03d", n), Job: job, Project: project, Pipeline: pipeline, Change: fmt.Sprint(900000 + n%7), Patchset: "1",
			Result: result, Voting: true, LogURL: fmt.Sprintf("https://logs.example.org/b%03d/", n), Start: testEnd.Add(-ago)}
	}
	match := func(builds ...recheckgen.Build) *recheckgen.Match {
		m := &recheckgen.Match{Buckets: map[string][]int{}}
		for _, b := range builds {
			last := b.Start.Add(30 * time.Minute)
			m.Builds = append(m.Builds, recheckgen.MatchedBuild{Build: b, First: last, Last: last, Lines: 1})
			if m.Buckets[b.Result] == nil {
				m.Buckets[b.Result] = make([]int, win.Buckets())
			}
			if k := win.BucketOf(last); k >= 0 {
				m.Buckets[b.Result][k]++
			}
			if m.First.IsZero() || last.Before(m.First) {
				m.First = last
			}
			if last.After(m.Last) {
				m.Last = last
			}
			m.Recent = append(m.Recent, recheckgen.Hit{Build: b, File: "logs/screen-n-cpu.txt", Line: 115, Time: last,
				Message: "2026-11-20 10:00:00.123 1234 ERROR nova.compute.manager oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID 3f2a"})
		}
		recheckgen.SortMatched(m.Builds)
		sort.Slice(m.Recent, func(i, j int) bool { return m.Recent[i].Time.After(m.Recent[j].Time) })
		return m
	}
	var failed []recheckgen.Build
	oom := []recheckgen.Build{build("tempest-full-py3", "openstack/nova", "gate", "FAILURE", 2*time.Hour), build("tempest-full-py3", "openstack/neutron", "check", "TIMED_OUT", 30*time.Hour),
		build("nova-live-migration", "openstack/nova", "check", "NODE_FAILURE", 70*time.Hour), build("tempest-full-py3", "openstack/nova", "check", "POST_FAILURE", 100*time.Hour)}
	rpc := []recheckgen.Build{build("nova-live-migration", "openstack/nova", "gate", "FAILURE", 5*time.Hour), build("nova-live-migration", "openstack/nova", "check", "SUCCESS", 6*time.Hour),
		build("nova-live-migration", "openstack/nova", "check", "SUCCESS", 50*time.Hour)}
	unexplained := build("grenade", "openstack/cinder", "check", "FAILURE", 8*time.Hour)
	for _, b := range append(append(append([]recheckgen.Build{}, oom...), rpc...), unexplained) {
		if b.Failed() {
			failed = append(failed, b)
		}
	}
	recheckgen.SortNewestFirst(failed)
	qs := []recheckgen.Query{
		{ID: "1796151", Title: "The OOM killer ended a process", Raw: `message:"invoked oom-killer" AND tags:"syslog.txt"`, Expr: mustParse(t, `message:"invoked oom-killer" AND tags:"syslog.txt"`),
			Tags: []string{"memory"}, Runbook: "gate.md#dont-panic", Bug: recheckgen.BugFromID("1796151"), TestIDs: []string{"tempest.api.compute.servers.test_servers.ServersTest"}},
		{ID: "nova-rpc-timeout", Title: "nova-compute timed out waiting for an RPC reply", Raw: `message:"MessagingTimeout: Timed out waiting for a reply" AND tags:"screen-n-cpu.txt"`,
			Expr: mustParse(t, `message:"MessagingTimeout: Timed out waiting for a reply" AND tags:"screen-n-cpu.txt"`), Tags: []string{"nova"}, Bug: recheckgen.BugFromID("nova-rpc-timeout")},
		{ID: "broken-query", Title: "A query the backend refused", Raw: `message:x`, Expr: mustParse(t, `message:x`), Bug: recheckgen.BugFromID("broken-query")},
		{ID: "quiet-query", Title: "A bug not seen lately", Raw: `message:"never seen"`, Expr: mustParse(t, `message:"never seen"`), Bug: recheckgen.BugFromID("quiet-query")},
	}
	results := []report.Result{{Query: qs[0], Match: match(oom...)}, {Query: qs[1], Match: match(rpc...)},
		{Query: qs[2], Err: fmt.Errorf("search_phase_execution_exception: failed to parse query")}, {Query: qs[3], Match: &recheckgen.Match{Buckets: map[string][]int{}}}}
	opts := report.DefaultOptions(testEnd.Add(20 * time.Minute))
	opts.Links = report.Links{ChangeURL: cfg.Site.ChangeURL, BuildURL: cfg.Site.BuildURL, LineURL: cfg.Site.LineURL}
	rep := report.Make(win, results, failed, opts)
	var runs []recheckgen.TestRun
	for i, b := range append(append([]recheckgen.Build{}, oom...), rpc...) {
		for _, test := range []string{"tempest.api.compute.servers.test_servers.ServersTest.test_create_server", "tempest.api.network.test_ports.PortsTest.test_create_port"} {
			st := recheckgen.TestPassed
			if strings.Contains(test, "servers") && i%2 == 0 {
				st = recheckgen.TestFailed
			}
			runs = append(runs, recheckgen.TestRun{Build: b, Test: test, Status: st, File: "job-output.txt", Line: 400 + i, Time: b.Start.Add(20 * time.Minute)})
		}
	}
	report.SetTests(rep, runs, []recheckgen.TestTotals{{Build: oom[0], Ran: 1200, Passed: 1100, Skipped: 99, Failed: 1}}, opts)
	report.SetFreshness(rep, testEnd.Add(-7*time.Hour), nil, 6*time.Hour)
	// Every failed build explained; the unexplained one in a group with a
	// verified query.
	var es []*recheckgen.Explanation
	for _, b := range failed {
		e := &recheckgen.Explanation{Build: b, Baseline: recheckgen.Baseline{Lines: 1234,
			Builds: []recheckgen.BaselineBuild{{UUID: rpc[1].UUID, Job: rpc[1].Job, LogURL: rpc[1].LogURL, Start: rpc[1].Start, SameJob: true}}},
			Lines: []recheckgen.RankedLine{{ContextLine: recheckgen.ContextLine{File: "job-output.txt", Line: 812,
				Message: "2026-11-20 10:00:00.123456 | controller | ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device",
				Before:  []recheckgen.LogLine{{File: "job-output.txt", Line: 811, Message: "2026-11-20 10:00:00.000001 | controller | Installing collected packages: six"}}},
				Score: 9.5, Reasons: []string{"not in the 1 passing build(s) compared", `error word "No space left"`}}}}
		if b.UUID == unexplained.UUID {
			e.Signature, e.Group = "ERROR: Could not install packages due to an OSError: [Errno <n>] No space left on device", "g1234567890a"
		} else {
			e.Known = []recheckgen.KnownMatch{{ID: qs[0].ID, Title: qs[0].Title, Runbook: qs[0].Runbook, Count: 1,
				Lines: []recheckgen.ContextLine{{File: "logs/syslog.txt", Line: 40, Message: "Nov 20 10:00:00 host kernel: qemu invoked oom-killer"}}}}
		}
		es = append(es, e)
	}
	s := &recheckgen.Suggestion{Query: `message:"Could not install packages due to an OSError"`, Failed: 1, PassingTotal: 2, GroupMatched: 1,
		Slug: "could-not-install-packages-g1234567890a", YAML: "query: >\n  message:\"Could not install packages due to an OSError\"\n"}
	s.ProposeURL = "https://github.com/o/r/new/main?filename=queries%2F" + s.Slug + ".yaml&value=query"
	groups := []recheckgen.FailureGroup{{ID: "g1234567890a", Signature: es[len(es)-1].Signature, Count: 1, First: unexplained.Start, Last: unexplained.Start,
		Builds: []recheckgen.GroupBuild{{Build: unexplained, Line: es[0].Lines[0].ContextLine}},
		Jobs:   []recheckgen.Share{{Value: unexplained.Job, Builds: 1}}, Projects: []recheckgen.Share{{Value: unexplained.Project, Builds: 1}}, Suggestion: s}}
	report.SetTriage(rep, 1, es, groups, 0, opts)
	return Input{Config: cfg, Report: rep, Graph: report.MakeGraph(rep, win, 0), Window: win, Queries: qs, Content: set}
}

func render(t testing.TB, in Input) string {
	t.Helper()
	dir := t.TempDir()
	n, err := Render(dir, in)
	if err != nil {
		t.Fatal(err)
	}
	if n < 9 {
		t.Errorf("rendered %d pages", n)
	}
	return dir
}

func read(t testing.TB, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
