package report

import (
	"sort"
	"strings"

	"github.com/recheckgen/recheckgen"
)

// SetTests adds the window's tempest test results to r: per test that
// failed at least once, its runs, failures, rate, jobs, daily series, the
// known bugs whose test_ids name it and its newest failures. Tests that
// passed every run are only counted.
func SetTests(r *recheckgen.Report, runs []recheckgen.TestRun, totals []recheckgen.TestTotals, opts Options) {
	r.TestRuns = recheckgen.TestRunTotals{}
	for _, t := range totals {
		r.TestRuns.Runs++
		r.TestRuns.Ran += t.Ran
		r.TestRuns.Failed += t.Failed
	}
	win := recheckgen.Window{Start: r.Window.Start, End: r.Window.End}
	type acc struct {
		t    recheckgen.TestReport
		jobs map[string]*recheckgen.TestJob
	}
	by := map[string]*acc{}
	for _, run := range runs {
		if run.Status == recheckgen.TestSkipped {
			continue
		}
		a := by[run.Test]
		if a == nil {
			a = &acc{t: recheckgen.TestReport{Test: run.Test, Daily: make([]int, len(r.Days)), DailyRuns: make([]int, len(r.Days))},
				jobs: map[string]*recheckgen.TestJob{}}
			by[run.Test] = a
		}
		j := a.jobs[run.Build.Job]
		if j == nil {
			j = &recheckgen.TestJob{Job: run.Build.Job}
			a.jobs[run.Build.Job] = j
		}
		when := run.Time
		if when.IsZero() {
			when = run.Build.Start
		}
		i := dayIndex(win, when)
		a.t.Runs++
		j.Runs++
		if i >= 0 && i < len(r.Days) {
			a.t.DailyRuns[i]++
		}
		if run.Status != recheckgen.TestFailed {
			continue
		}
		r.TestRuns.Read++
		a.t.Failures++
		j.Failures++
		if i >= 0 && i < len(r.Days) {
			a.t.Daily[i]++
		}
		a.t.Recent = append(a.t.Recent, recheckgen.TestFailure{Build: run.Build, Time: when, File: run.File, Line: run.Line,
			LineURL: opts.Links.LogLine(run.Build, run.File, run.Line)})
	}
	r.TestsKnown = true
	r.Tests = []recheckgen.TestReport{}
	r.TestsPassing = 0
	for _, a := range by {
		if a.t.Failures == 0 {
			r.TestsPassing++
			continue
		}
		t := a.t
		t.Rate = float64(t.Failures) / float64(t.Runs)
		for _, j := range a.jobs {
			t.Jobs = append(t.Jobs, *j)
		}
		sort.Slice(t.Jobs, func(i, k int) bool {
			if t.Jobs[i].Failures != t.Jobs[k].Failures {
				return t.Jobs[i].Failures > t.Jobs[k].Failures
			}
			return t.Jobs[i].Job < t.Jobs[k].Job
		})
		sort.Slice(t.Recent, func(i, k int) bool {
			if !t.Recent[i].Time.Equal(t.Recent[k].Time) {
				return t.Recent[i].Time.After(t.Recent[k].Time)
			}
			return t.Recent[i].Build.UUID < t.Recent[k].Build.UUID
		})
		if len(t.Recent) > opts.Recent {
			t.Recent = t.Recent[:opts.Recent]
		}
		for _, b := range r.Bugs {
			for _, id := range b.TestIDs {
				if NamesTest(id, t.Test) {
					t.Bugs = append(t.Bugs, recheckgen.GroupBug{ID: b.ID, Title: b.Title, Fails: b.Fails})
					break
				}
			}
		}
		t.Page = t.Failures >= opts.TestPageMin
		r.Tests = append(r.Tests, t)
	}
	sort.Slice(r.Tests, func(i, k int) bool {
		a, b := r.Tests[i], r.Tests[k]
		if a.Failures != b.Failures {
			return a.Failures > b.Failures
		}
		if a.Rate != b.Rate {
			return a.Rate > b.Rate
		}
		return a.Test < b.Test
	})
}

// NamesTest says whether a query's test_ids entry names test: the same
// id, a module or class holding it ("tempest.api.compute.servers"), or
// the id without its class, as some of elastic-recheck's files write it
// ("tempest.api.object_storage.test_account_services.test_list_containers").
func NamesTest(id, test string) bool {
	id = strings.TrimSpace(id)
	if i := strings.IndexByte(id, '['); i >= 0 {
		id = id[:i]
	}
	if id == "" {
		return false
	}
	if test == id || strings.HasPrefix(test, id+".") {
		return true
	}
	parts := strings.Split(test, ".")
	if len(parts) < 3 {
		return false
	}
	noClass := strings.Join(append(parts[:len(parts)-2:len(parts)-2], parts[len(parts)-1]), ".")
	return noClass == id
}
