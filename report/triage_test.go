package report

import (
	"encoding/json"

	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// TestSetTriage: every shown line gets its log line's address, the bugs'
// recent builds that were explained say so, and data/report.json keeps
// the groups' newest builds only, no proposed file and no explanation.
func TestSetTriage(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	b := recheckgen.Build{UUID: "b1", Job: "j", Result: "FAILURE", LogURL: "https://logs.example.org/b1/", Change: "5", Start: at}
	other := recheckgen.Build{UUID: "b2", Job: "j", Result: "FAILURE", Start: at}
	r := &recheckgen.Report{Bugs: []recheckgen.BugReport{{ID: "q", RecentBuilds: []recheckgen.RecentBuild{{Build: b}, {Build: other}}}}}
	e := &recheckgen.Explanation{Build: b,
		Known: []recheckgen.KnownMatch{{ID: "q", Lines: []recheckgen.ContextLine{{File: "logs/a.txt", Line: 3}}}},
		Lines: []recheckgen.RankedLine{{ContextLine: recheckgen.ContextLine{File: "job-output.txt", Line: 7}}}}
	var builds []recheckgen.GroupBuild
	for i := 0; i < 8; i++ {
		builds = append(builds, recheckgen.GroupBuild{Build: b, Line: recheckgen.ContextLine{File: "job-output.txt", Line: i + 1}})
	}
	g := recheckgen.FailureGroup{ID: "g1", Count: 8, Builds: builds, Suggestion: &recheckgen.Suggestion{Query: "q", YAML: "query: q"}}
	opts := Options{Links: Links{LineURL: "{log_url}{file}#L{line}", ChangeURL: "https://review.example.org/{change}"}}
	SetTriage(r, 1, []*recheckgen.Explanation{e}, []recheckgen.FailureGroup{g}, 3, opts)
	if e.Lines[0].URL != "https://logs.example.org/b1/job-output.txt#L7" || e.Known[0].Lines[0].URL != "https://logs.example.org/b1/logs/a.txt#L3" ||
		r.Triage.Groups[0].Builds[2].Line.URL != "https://logs.example.org/b1/job-output.txt#L3" || e.ChangeURL != "https://review.example.org/5" {
		t.Errorf("links: %q %q %q %q", e.Lines[0].URL, e.Known[0].Lines[0].URL, r.Triage.Groups[0].Builds[2].Line.URL, e.ChangeURL)
	}
	if rb := r.Bugs[0].RecentBuilds; !rb[0].Explained || rb[1].Explained {
		t.Errorf("recent builds: %+v", rb)
	}
	if r.Triage.Explained != 1 || r.Triage.Left != 3 {
		t.Errorf("counts %+v", r.Triage)
	}
	index, _ := Index(r)
	data, _ := json.Marshal(index)
	if ig := index.Triage.Groups[0]; len(ig.Builds) != indexGroupBuilds || ig.Count != 8 || ig.Suggestion.YAML != "" || g.Suggestion.YAML == "" {
		t.Errorf("index group: %d builds, count %d, yaml %q", len(ig.Builds), ig.Count, ig.Suggestion.YAML)
	}
	if strings.Contains(string(data), `"baseline"`) || !strings.Contains(string(data), `"triage"`) {
		t.Errorf("index: %s", data)
	}
}

func TestBuildPage(t *testing.T) {
	for uuid, want := range map[string]string{
		"31a1ac657a29ce5c7497674a4bf3d253": "builds/31a1ac657a29ce5c7497674a4bf3d253.html",
		"a.b_c-d":                          "builds/a.b_c-d.html",
	} {
		if got := BuildPage(uuid); got != want {
			t.Errorf("%q: %s", uuid, got)
		}
	}
	seen := map[string]bool{}
	for _, uuid := range []string{"../../x", "a/b", "a:b", "<script>", "a..b", "", strings.Repeat("a", 200)} {
		p := BuildPage(uuid)
		if !strings.HasPrefix(p, "builds/x-") || strings.Count(p, "/") != 1 || seen[p] {
			t.Errorf("%q: %s", uuid, p)
		}
		seen[p] = true
	}

}
