package fetch

import (
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/zuul"
)

// TestFilters: a zuul source's pipelines, projects, branches and voting go
// to the builds API as its parameters (a list's values repeated: ORed),
// its job globs are applied to the listing, and the store receives exactly
// the corpus's builds that pass them all, from Zuul 10 and Zuul 3 alike.
func TestFilters(t *testing.T) {
	bs := builds(t)
	var all []recheckgen.Build
	for _, b := range bs {
		raw, _ := json.Marshal(b.Record)
		d, err := zuul.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, d)
	}
	// A project, and a job glob, that hold some of the builds only.
	project, job := all[0].Project, all[0].Job
	glob := job[:strings.IndexAny(job, "-_")+1] + "*"
	yes := true
	for _, tc := range []struct {
		name   string
		spec   func(*Spec)
		params url.Values
		pass   func(recheckgen.Build) bool
	}{
		// The corpus's two pipelines, ORed: every build.
		{"pipelines", func(s *Spec) { s.Pipelines = []string{"gate", "check"} }, url.Values{"pipeline": {"gate", "check"}},
			func(b recheckgen.Build) bool { return b.Pipeline == "gate" || b.Pipeline == "check" }},
		{"one pipeline", func(s *Spec) { s.Pipelines = []string{"gate"} }, url.Values{"pipeline": {"gate"}},
			func(b recheckgen.Build) bool { return b.Pipeline == "gate" }},
		{"project, branch and voting", func(s *Spec) { s.Projects, s.Branches, s.Voting = []string{project}, []string{"master"}, &yes },
			url.Values{"project": {project}, "branch": {"master"}, "voting": {"1"}},
			func(b recheckgen.Build) bool { return b.Project == project && b.Branch == "master" && b.Voting }},
		{"job globs", func(s *Spec) { s.Jobs = []string{glob} }, url.Values{},
			func(b recheckgen.Build) bool { return strings.HasPrefix(b.Job, strings.TrimSuffix(glob, "*")) }},
	} {
		for _, legacy := range []bool{false, true} {
			t.Run(tc.name+map[bool]string{false: "/zuul 10", true: "/zuul 3"}[legacy], func(t *testing.T) {
				z := replay.NewZuul(t, builds(t), replay.ZuulOptions{Legacy: legacy})
				st := openStore(t)
				spec := zuulSpec(z)
				// Records only: the logs are not what this is about.
				spec.LogResults, spec.SuccessPercent = []string{"NO-SUCH-RESULT"}, 0
				tc.spec(&spec)
				s := fetchOnce(t, []Spec{spec}, st, testOptions(t)).Sources[0]
				var want []string
				for _, b := range all {
					if tc.pass(b) {
						want = append(want, b.UUID)
					}
				}
				got, _ := stored(t, st)
				var have []string
				for uuid := range got {
					have = append(have, uuid)
				}
				sort.Strings(want)
				sort.Strings(have)
				if s.Err != "" || len(want) == 0 || (len(want) == len(all)) != (tc.name == "pipelines") || !slices.Equal(have, want) {
					t.Errorf("stored %d builds, want %d of %d: %s", len(have), len(want), len(all), s)
				}
				for _, r := range z.Requests() {
					u, _ := url.Parse(strings.Fields(r)[1])
					if !strings.HasSuffix(u.Path, "/builds") {
						continue
					}
					q := u.Query()
					for k, v := range tc.params {
						if !slices.Equal(q[k], v) {
							t.Errorf("%s: %s=%q, want %q", r, k, q[k], v)
						}
					}
					if q.Has("job_name") {
						t.Errorf("%s: job globs sent to the server", r)
					}
				}
			})
		}
	}
}
