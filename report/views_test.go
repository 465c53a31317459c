package report

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

func bugByID(t *testing.T, r *recheckgen.Report, id string) recheckgen.BugReport {
	t.Helper()
	for _, b := range r.Bugs {
		if b.ID == id {
			return b
		}
	}
	t.Fatalf("no bug %s", id)
	return recheckgen.BugReport{}
}

func viewOf(b recheckgen.BugReport, p string) recheckgen.View {
	for _, v := range b.Views {
		if v.Pipeline == p {
			return v
		}
	}
	return recheckgen.View{}
}

// TestViewsAndChanges: each pipeline's view counts its own builds; changes
// count distinct changes, not builds; daily series put each build on the
// day of its last matching line.
func TestViewsAndChanges(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	spiky := bugByID(t, r, "spiky")
	if spiky.Fails != 3 || spiky.Changes != 2 || spiky.Changes24 != 2 {
		t.Errorf("spiky: %d failed builds of %d changes (%d in 24 h); want 3 of 2 (2)", spiky.Fails, spiky.Changes, spiky.Changes24)
	}
	gate, check := viewOf(spiky, "gate"), viewOf(spiky, "check")
	if gate.Fails != 1 || gate.Fails24 != 1 || check.Fails != 2 || check.Changes != 2 {
		t.Errorf("views: gate %+v, check %+v", gate, check)
	}
	if got := fmt.Sprint(r.Days); got != "[2026-11-16 2026-11-17 2026-11-18 2026-11-19 2026-11-20]" {
		t.Errorf("days %s", got)
	}
	if got := fmt.Sprint(spiky.Daily["FAILURE"], spiky.Daily["TIMED_OUT"], gate.Daily["FAILURE"]); got != "[0 0 0 0 2] [0 0 0 1 0] [0 0 0 0 1]" {
		t.Errorf("daily series %s", got)
	}
}

// TestTooBroad: a query whose matches are more than a tenth passing builds
// is flagged; at a tenth or below it is not.
func TestTooBroad(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	if steady := bugByID(t, r, "steady"); !steady.TooBroad || steady.Passing != 1 || steady.Builds != 2 {
		t.Errorf("steady (1 of 2 matches passing): too broad %v, passing %d of %d", steady.TooBroad, steady.Passing, steady.Builds)
	}
	if bugByID(t, r, "spiky").TooBroad {
		t.Error("spiky matches no passing build")
	}
	var builds []recheckgen.MatchedBuild
	for i := 0; i < 10; i++ {
		result := "FAILURE"
		if i == 0 {
			result = "SUCCESS"
		}
		b := build(fmt.Sprintf("b%d", i), "j", result, end.Add(-time.Hour))
		builds = append(builds, matched(b, b.Start))
	}
	q := recheckgen.Query{ID: "tenth", Bug: recheckgen.BugFromID("tenth")}
	r = Make(win, []Result{{Query: q, Match: &recheckgen.Match{Builds: builds}}}, nil, DefaultOptions(end))
	if r.Bugs[0].TooBroad {
		t.Error("exactly a tenth passing is not more than a tenth")
	}
}

// TestRecentBuilds: one entry per failed build, newest first, with the
// build's newest line, cut to length, and links from the templates.
func TestRecentBuilds(t *testing.T) {
	results, failed := fixture()
	opts := DefaultOptions(end)
	opts.Links = Links{ChangeURL: "https://review.example.org/{change}", BuildURL: "https://zuul.example.org/t/openstack/build/{uuid}", LineURL: "{log_url}{file}#L{line}"}
	r := Make(win, results, failed, opts)
	var got []string
	for _, rb := range bugByID(t, r, "spiky").RecentBuilds {
		got = append(got, fmt.Sprintf("%s %s %s %s:%d %s %d", rb.Build.UUID, rb.ChangeURL, rb.BuildURL, rb.File, rb.Line, rb.LineURL, len([]rune(rb.Message))))
	}
	want := []string{
		"f1 https://review.example.org/91 https://zuul.example.org/t/openstack/build/f1 job-output.txt:7 https://logs.example.org/f1/job-output.txt#L7 4",
		"f2 https://review.example.org/91 https://zuul.example.org/t/openstack/build/f2 :0  0",
		"f3 https://review.example.org/93 https://zuul.example.org/t/openstack/build/f3 logs/screen-n-cpu.txt:120 https://logs.example.org/f3/logs/screen-n-cpu.txt#L120 501",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("recent builds:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLinks(t *testing.T) {
	b := recheckgen.Build{UUID: "abc", Change: "12", Project: "openstack/nova", LogURL: "https://logs.example.org/x"}
	for _, tc := range []struct{ tmpl, got, want string }{
		{"https://review.example.org/{change}", Links{ChangeURL: "https://review.example.org/{change}"}.Change(b), "https://review.example.org/12"},
		{"project path", Links{ChangeURL: "https://r.example.org/c/{project}/+/{change}"}.Change(b), "https://r.example.org/c/openstack/nova/+/12"},
		{"no template", Links{}.BuildPage(b), ""},
		{"javascript", Links{BuildURL: "javascript:alert({uuid})"}.BuildPage(b), ""},
		{"unknown value", Links{BuildURL: "https://z.example.org/{tenant}/{uuid}"}.BuildPage(b), ""},
		{"escaped", Links{BuildURL: "https://z.example.org/build/{uuid}"}.BuildPage(recheckgen.Build{UUID: "a/../b?c"}), "https://z.example.org/build/a%2F..%2Fb%3Fc"},
		{"line", Links{LineURL: "{log_url}{file}#L{line}"}.LogLine(b, "logs/a b.txt", 3), "https://logs.example.org/x/logs/a%20b.txt#L3"},
		{"no line number", Links{LineURL: "{log_url}{file}#L{line}"}.LogLine(b, "job-output.txt", 0), "https://logs.example.org/x/job-output.txt"},
		{"no log url", Links{LineURL: "{log_url}{file}#L{line}"}.LogLine(recheckgen.Build{}, "job-output.txt", 3), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.tmpl, tc.got, tc.want)
		}
	}
}

// TestGroups: failed builds by job with the bugs behind them, explained
// counts and unexplained builds; builds run stay unknown until a backend
// that knows every build says so.
func TestGroups(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	var got []string
	for _, g := range r.Jobs {
		var bugs []string
		for _, b := range g.Bugs {
			bugs = append(bugs, fmt.Sprintf("%s=%d", b.ID, b.Fails))
		}
		got = append(got, fmt.Sprintf("%s failed %d (24h %d) explained %d runs %v bugs %v unexplained %d daily %v", g.Name, g.Failed, g.Failed24, g.Explained, g.Runs, bugs, g.UnexplainedTotal, g.Daily))
	}
	want := []string{
		"tempest-full-py3 failed 3 (24h 2) explained 2 runs <nil> bugs [spiky=2] unexplained 1 daily [0 0 0 1 2]",
		"nova-live-migration failed 2 (24h 1) explained 2 runs <nil> bugs [spiky=1 steady=1] unexplained 0 daily [0 1 0 1 0]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("jobs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(r.Projects) != 1 || r.Projects[0].Name != "openstack/nova" || r.Projects[0].Failed != 5 {
		t.Errorf("projects %+v", r.Projects)
	}
	all := append(append([]recheckgen.Build{}, failed...), build("s9", "tempest-full-py3", "SUCCESS", end.Add(-time.Hour)),
		build("s8", "grenade", "SUCCESS", end.Add(-50*time.Hour)), build("old", "grenade", "SUCCESS", end.Add(-500*time.Hour)))
	SetRuns(r, all)
	runs := map[string]string{}
	for _, g := range r.Jobs {
		runs[g.Name] = fmt.Sprintf("%d/%d", *g.Runs, *g.Runs24)
	}
	if fmt.Sprint(runs) != "map[grenade:1/0 nova-live-migration:2/1 tempest-full-py3:4/3]" {
		t.Errorf("runs per job %v", runs)
	}
	tot := r.Totals
	if *tot.Runs != 7 || *tot.Runs24 != 4 || tot.Failed != 5 || tot.Failed24 != 3 || tot.Explained != 4 || tot.Explained24 != 3 || tot.NoLogs != 0 {
		t.Errorf("totals: runs %d/%d %+v", *tot.Runs, *tot.Runs24, tot)
	}
}

// TestNoLogs: a failed build no query explains and whose logs the backend
// does not hold is listed apart, not among the unexplained: nothing could
// explain it; one a query matched anyway (some of its logs were read)
// counts as explained.
func TestNoLogs(t *testing.T) {
	results, failed := fixture()
	failed[4].Logs = recheckgen.LogsMissing // f5: unexplained
	failed[0].Logs = recheckgen.LogsMissing // f1: spiky matched it
	r := Make(win, results, failed, DefaultOptions(end))
	u := r.Uncategorized
	if len(u.NoLogs) != 1 || u.NoLogs[0].UUID != "f5" || u.Failed != 5 || u.Classified != 4 {
		t.Errorf("uncategorized: %d failed, %d classified, no logs %+v", u.Failed, u.Classified, u.NoLogs)
	}
	for _, j := range u.Jobs {
		for _, b := range j.Builds {
			if b.UUID == "f5" {
				t.Errorf("%s lists f5 as unexplained", j.Job)
			}
		}
		if j.Job == "tempest-full-py3" && j.NoLogs != 1 {
			t.Errorf("%s: %d without logs", j.Job, j.NoLogs)
		}
	}
	for _, g := range r.Jobs {
		if g.Name == "tempest-full-py3" && (g.NoLogs != 1 || g.UnexplainedTotal != 0 || g.Explained != 2) {
			t.Errorf("job group %+v", g)
		}
	}
	if r.Totals.NoLogs != 1 || r.Totals.Explained != 4 || r.Totals.Runs != nil {
		t.Errorf("totals %+v", r.Totals)
	}
}

// TestTests: per test runs, failures, rate, jobs, daily series and the
// bugs whose test_ids name it; skips count as no run; tests that always
// pass are only counted.
func TestTests(t *testing.T) {
	results, failed := fixture()
	results[0].Query.TestIDs = []string{"tempest.api.compute.test_a"} // steady names test_a without its class
	r := Make(win, results, failed, DefaultOptions(end))
	j1, j2 := build("t1", "tempest-full-py3", "FAILURE", end.Add(-3*time.Hour)), build("t2", "nova-live-migration", "SUCCESS", end.Add(-30*time.Hour))
	run := func(b recheckgen.Build, test string, s recheckgen.TestStatus, line int) recheckgen.TestRun {
		return recheckgen.TestRun{Build: b, Test: test, Status: s, File: "job-output.txt", Line: line, Time: b.Start.Add(time.Minute)}
	}
	a := "tempest.api.compute.Servers.test_a"
	SetTests(r, []recheckgen.TestRun{run(j1, a, recheckgen.TestFailed, 10), run(j2, a, recheckgen.TestPassed, 11),
		run(j1, "tempest.api.b.C.test_b", recheckgen.TestPassed, 12), run(j1, "tempest.api.b.C.test_s", recheckgen.TestSkipped, 13),
		run(j2, a, recheckgen.TestFailed, 14)}, []recheckgen.TestTotals{{Build: j1, Ran: 3, Failed: 1}, {Build: j2, Ran: 2, Failed: 1}}, DefaultOptions(end))
	if r.TestRuns != (recheckgen.TestRunTotals{Runs: 2, Ran: 5, Failed: 2, Read: 2}) {
		t.Errorf("test run totals %+v", r.TestRuns)
	}
	if !r.TestsKnown || r.TestsPassing != 1 || len(r.Tests) != 1 {
		t.Fatalf("tests: known %v, passing %d, failing %d", r.TestsKnown, r.TestsPassing, len(r.Tests))
	}
	x := r.Tests[0]
	got := fmt.Sprintf("%s runs %d failures %d rate %.2f jobs %v daily %v/%v bugs %v page %v recent %d", x.Test, x.Runs, x.Failures, x.Rate, x.Jobs, x.Daily, x.DailyRuns, x.Bugs, x.Page, len(x.Recent))
	want := "tempest.api.compute.Servers.test_a runs 3 failures 2 rate 0.67 jobs [{nova-live-migration 2 1} {tempest-full-py3 1 1}] daily [0 0 0 1 1]/[0 0 0 2 1] bugs [{steady Steady 1}] page true recent 2"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestNamesTest(t *testing.T) {
	test := "tempest.api.object_storage.test_account_services.AccountTest.test_list_containers"
	for id, want := range map[string]bool{
		test: true, test + "[id-1,smoke]": true, "tempest.api.object_storage": true, "tempest.api.object_storage.test_account_services.AccountTest": true,
		"tempest.api.object_storage.test_account_services.test_list_containers": true,
		"tempest.api.object": false, "tempest.api.object_storage.test_account_services.AccountTest.test_list": false, "": false,
	} {
		if got := NamesTest(id, test); got != want {
			t.Errorf("NamesTest(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestFreshness: the newest data, how far behind, whether past the lag;
// a backend that could not say leaves it unknown, never late or fresh.
func TestFreshness(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end.Add(30*time.Minute)))
	if f := r.Freshness; !f.EndsNow || !f.Last24Start.Equal(end.Add(-24*time.Hour)) {
		t.Errorf("a window ending now: %+v", f)
	}
	SetFreshness(r, end.Add(-7*time.Hour), nil, 6*time.Hour)
	if f := r.Freshness; !f.Late || f.BehindSeconds != 7*3600+1800 || f.MaxLagSeconds != 6*3600 {
		t.Errorf("7.5 hours behind, 6 allowed: %+v", f)
	}
	SetFreshness(r, end, nil, 6*time.Hour)
	if r.Freshness.Late {
		t.Error("half an hour behind is not late")
	}
	SetFreshness(r, time.Time{}, errors.New("newest document: 503"), 6*time.Hour)
	if f := r.Freshness; f.Late || !f.Newest.IsZero() || f.NewestError != "newest document: 503" {
		t.Errorf("unknown: %+v", f)
	}
	r = Make(win, results, failed, DefaultOptions(end.Add(10*24*time.Hour)))
	if r.Freshness.EndsNow {
		t.Error("a window that ended ten days ago does not end now")
	}
}

// TestIndex: the index keeps every number but no per-bug detail, and a
// bug's shard holds it all.
func TestIndex(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	idx, shards := Index(r)
	if len(shards) != len(r.Bugs) || shards[0].Buckets == nil || len(shards[0].RecentBuilds) == 0 {
		t.Fatal("shards lost their details")
	}
	for _, b := range idx.Bugs {
		if b.Buckets != nil || b.Daily != nil || len(b.Recent) > 0 || b.RecentBuilds != nil || len(b.Jobs) > 0 || b.Data != "bugs/"+b.ID+".json" {
			t.Errorf("index bug %s keeps details: %+v", b.ID, b)
		}
		for _, v := range b.Views {
			if v.Daily != nil {
				t.Errorf("index bug %s keeps a view's series", b.ID)
			}
		}
	}
	for _, j := range idx.Uncategorized.Jobs {
		if len(j.Builds) > 0 {
			t.Error("index keeps unexplained builds")
		}
	}
	if r.Bugs[0].Buckets == nil || len(r.Uncategorized.Jobs[0].Builds) == 0 {
		t.Error("Index changed the report it was given")
	}
}

// TestDashboard: a view ranks the bugs it has matches for; a failed query
// is listed apart with unknown numbers, never zero; bugs with no match in
// the view are apart too.
func TestDashboard(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	ids := func(rows []Row) string {
		var out []string
		for _, x := range rows {
			out = append(out, x.ID)
		}
		return strings.Join(out, ",")
	}
	all := MakeDashboard(r, "")
	if ids(all.Active) != "spiky,steady" || ids(all.Failed) != "broken" || ids(all.Quiet) != "quiet" || !all.Failed[0].Unknown {
		t.Errorf("all: active %s, failed %s, quiet %s", ids(all.Active), ids(all.Failed), ids(all.Quiet))
	}
	gate := MakeDashboard(r, "gate")
	if ids(gate.Active) != "spiky" || ids(gate.Quiet) != "quiet,steady" || gate.Active[0].Fails != 1 || fmt.Sprint(gate.Active[0].Trend) != "[0 0 0 0 1]" {
		t.Errorf("gate: active %s %+v, quiet %s", ids(gate.Active), gate.Active, ids(gate.Quiet))
	}
}

// TestRecentBuildFilledFromHit: a build the aggregation names without its
// log URL takes it from its matching line's record.
func TestRecentBuildFilledFromHit(t *testing.T) {
	full := build("f1", "tempest-full-py3", "FAILURE", end.Add(-time.Hour))
	bare := full
	bare.LogURL, bare.Change = "", ""
	m := &recheckgen.Match{Builds: []recheckgen.MatchedBuild{matched(bare, full.Start)},
		Recent: []recheckgen.Hit{{Build: full, File: "job-output.txt", Line: 3, Time: full.Start}}}
	opts := DefaultOptions(end)
	opts.Links = Links{ChangeURL: "https://review.example.org/{change}", LineURL: "{log_url}{file}#L{line}"}
	r := Make(win, []Result{{Query: recheckgen.Query{ID: "x", Bug: recheckgen.BugFromID("x")}, Match: m}}, nil, opts)
	rb := r.Bugs[0].RecentBuilds[0]
	if rb.LineURL != "https://logs.example.org/f1/job-output.txt#L3" || rb.ChangeURL != "https://review.example.org/91" {
		t.Errorf("recent build %+v", rb)
	}
}
