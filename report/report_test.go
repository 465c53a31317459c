package report

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	end = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	win = recheckgen.Window{Start: end.Add(-4 * 24 * time.Hour), End: end, Bucket: 6 * time.Hour}
)

func build(uuid, job, result string, start time.Time) recheckgen.Build {
	return recheckgen.Build{UUID: uuid, Job: job, Project: "openstack/nova", Result: result, Voting: true, Start: start,
		Pipeline: "check", Change: "9" + uuid[1:], Patchset: "1", LogURL: "https://logs.example.org/" + uuid + "/"}
}

func matched(b recheckgen.Build, last time.Time) recheckgen.MatchedBuild {
	return recheckgen.MatchedBuild{Build: b, First: b.Start, Last: last, Lines: 1}
}

// fixture: four failed builds and a success; bug "spiky" hits three
// failures in the last day, "steady" one older failure and the success,
// "quiet" nothing, "broken" fails to run.
func fixture() ([]Result, []recheckgen.Build) {
	f1 := build("f1", "tempest-full-py3", "FAILURE", end.Add(-2*time.Hour))
	f1.Pipeline = "gate"
	f2 := build("f2", "tempest-full-py3", "FAILURE", end.Add(-5*time.Hour))
	f2.Change = f1.Change // a second patchset's run: one change
	f3 := build("f3", "nova-live-migration", "TIMED_OUT", end.Add(-20*time.Hour))
	f4 := build("f4", "nova-live-migration", "FAILURE", end.Add(-70*time.Hour))
	ok := build("s1", "tempest-full-py3", "SUCCESS", end.Add(-80*time.Hour))
	buckets := func(k map[int]int) []int {
		out := make([]int, win.Buckets())
		for i, n := range k {
			out[i] = n
		}
		return out
	}
	spiky := &recheckgen.Match{
		Buckets: map[string][]int{"FAILURE": buckets(map[int]int{15: 2}), "TIMED_OUT": buckets(map[int]int{12: 1})},
		Builds:  []recheckgen.MatchedBuild{matched(f1, f1.Start), matched(f2, f2.Start), matched(f3, f3.Start)},
		First:   f3.Start, Last: f1.Start,
		Recent: []recheckgen.Hit{{Build: f1, File: "job-output.txt", Line: 7, Time: f1.Start, Message: "boom"},
			{Build: f1, File: "job-output.txt", Line: 5, Time: f1.Start.Add(-time.Minute), Message: "older line of the same build"},
			{Build: f3, File: "logs/screen-n-cpu.txt", Line: 120, Time: f3.Start, Message: "timed out " + strings.Repeat("x", 600)}},
	}
	steady := &recheckgen.Match{
		Buckets: map[string][]int{"FAILURE": buckets(map[int]int{4: 1}), "SUCCESS": buckets(map[int]int{2: 1})},
		Builds:  []recheckgen.MatchedBuild{matched(f4, f4.Start), matched(ok, ok.Start)},
		First:   ok.Start, Last: f4.Start,
	}
	results := []Result{
		{Query: recheckgen.Query{ID: "steady", Title: "Steady", Raw: "message:b", Bug: recheckgen.BugFromID("steady")}, Match: steady},
		{Query: recheckgen.Query{ID: "quiet", Raw: "message:nothing", Bug: recheckgen.BugFromID("1000001")}, Match: &recheckgen.Match{Buckets: map[string][]int{}}},
		{Query: recheckgen.Query{ID: "spiky", Title: "Spiky", Raw: "message:a", Tags: []string{"nova"}, Bug: recheckgen.BugFromID("spiky")}, Match: spiky},
		{Query: recheckgen.Query{ID: "broken", Raw: "message:x", Bug: recheckgen.BugFromID("broken")}, Err: errors.New("the backend said no")},
	}
	return results, []recheckgen.Build{f1, f2, f3, f4, build("f5", "tempest-full-py3", "FAILURE", end.Add(-30*time.Hour))}
}

func TestMake(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	var order []string
	for _, b := range r.Bugs {
		order = append(order, b.ID)
	}
	if got := order; len(got) != 4 || got[0] != "spiky" || got[1] != "steady" {
		t.Errorf("order %v: want spiky (3 in 24 h) first, then steady", got)
	}
	spiky, steady := r.Bugs[0], r.Bugs[1]
	if spiky.Fails != 3 || spiky.Fails24 != 3 || !spiky.Spike {
		t.Errorf("spiky: fails %d, fails24 %d, spike %v", spiky.Fails, spiky.Fails24, spiky.Spike)
	}
	if steady.Fails != 1 || steady.Fails24 != 0 || steady.Builds != 2 || steady.Spike {
		t.Errorf("steady: %+v", steady)
	}
	if len(r.Stale) != 1 || r.Stale[0] != "quiet" || len(r.Failed) != 1 || r.Failed[0] != "broken" {
		t.Errorf("stale %v failed %v", r.Stale, r.Failed)
	}
	u := r.Uncategorized
	if u.Failed != 5 || u.Classified != 4 || u.Rate != 0.8 || len(u.Jobs) != 2 || u.Jobs[0].Job != "tempest-full-py3" || len(u.Jobs[0].Builds) != 1 || u.Jobs[0].Builds[0].UUID != "f5" {
		t.Errorf("uncategorized %+v", u)
	}
	golden(t, "testdata/report.golden.json", r)
	golden(t, "testdata/graph.golden.json", MakeGraph(r, win, end.Add(-time.Hour).UnixMilli()))
}

func golden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		os.WriteFile(path, got, 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

func TestTitles(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	Titles(r, func(b recheckgen.BugRef) (string, string, bool) {
		if b.ID == "1000001" {
			return "From Launchpad", "Triaged", true
		}
		return "", "", false
	})
	for _, b := range r.Bugs {
		switch {
		case b.ID == "quiet" && (b.Title != "From Launchpad" || b.Status != "Triaged"):
			t.Errorf("quiet: %q %q", b.Title, b.Status)
		case b.ID == "steady" && b.Title != "Steady":
			t.Errorf("a bug the tracker does not know keeps its title: %q", b.Title)
		}
	}
}

func TestCarry(t *testing.T) {
	results, failed := fixture()
	r := Make(win, results, failed, DefaultOptions(end))
	spiky := func(r *recheckgen.Report) recheckgen.BugReport {
		for _, b := range r.Bugs {
			if b.ID == "spiky" {
				return b
			}
		}
		t.Fatal("no spiky")
		return recheckgen.BugReport{}
	}
	if h := spiky(r).History; len(h) != 5 || h[3].Day != "2026-11-19" || h[3].Fails != 1 || h[4].Fails != 2 {
		t.Fatalf("history %+v", h)
	}
	prev := &recheckgen.Report{Bugs: []recheckgen.BugReport{{ID: "spiky", History: []recheckgen.DayCount{
		{Day: "2026-11-10", Fails: 7}, {Day: "2026-11-15", Fails: 9}, {Day: "2026-11-16", Fails: 99}}}}}
	Carry(r, prev, 6)
	h := spiky(r).History
	if len(h) != 6 || h[0].Day != "2026-11-15" || h[0].Fails != 9 || h[1].Day != "2026-11-16" || h[1].Fails != 0 {
		t.Errorf("carried history %+v: want the day before the window from prev, the window's own days after, 6 in all", h)
	}
}
