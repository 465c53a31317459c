// Package report computes a run's report from what the backend found:
// per-bug counts over the window and its last 24 hours (in builds and in
// changes, in every pipeline and in gate and check), daily series by build
// status, spikes, queries that also match passing builds, the failures no
// query explains by job and by project, tempest test failure rates, and
// how fresh the data is. It does no I/O, so it is tested with golden files
// and no backend.
package report

import (
	"sort"
	"time"

	"github.com/recheckgen/recheckgen"
)

// Result is what one query gave: a match or the error that stopped it.
// Unloaded marks a query whose file did not load (Err says why): it never
// reached the backend.
type Result struct {
	Query    recheckgen.Query
	Match    *recheckgen.Match
	Err      error
	Unloaded bool
}

// Options tune the computation.
type Options struct {
	Now time.Time // when the report is made
	// SpikeFactor: a bug spikes when its last 24 hours hold more than this
	// many times the window's daily average of failed builds (and at
	// least SpikeMin).
	SpikeFactor float64
	SpikeMin    int
	Recent      int // recent hits and recent builds kept per bug
	// Pipelines each get a view of their own (elastic-recheck's gate view).
	Pipelines []string
	// TooBroad is the share of passing builds among a query's matches
	// above which the query is flagged (elastic-recheck's rule: 10%).
	TooBroad float64
	// Links turn builds and lines into addresses.
	Links Links
	// MessageMax is the longest log line kept for a recent build, in
	// characters; longer ones are cut.
	MessageMax int
	// GroupBuilds is how many unexplained builds a job or project keeps.
	GroupBuilds int
	// TestPageMin is how many failures earn a test a page of its own.
	TestPageMin int
}

// DefaultOptions are elastic-recheck-like defaults.
func DefaultOptions(now time.Time) Options {
	return Options{Now: now, SpikeFactor: 3, SpikeMin: 3, Recent: 10, Pipelines: []string{"gate", "check"},
		TooBroad: BroadShare, MessageMax: 500, GroupBuilds: 50, TestPageMin: 2}
}

// Make builds the report of a window from each query's result and the
// window's failed builds.
func Make(win recheckgen.Window, results []Result, failed []recheckgen.Build, opts Options) *recheckgen.Report {
	r := &recheckgen.Report{Generated: opts.Now.UTC(), Stale: []string{}, Failed: []string{}, Broken: []recheckgen.BrokenQuery{}, Days: days(win),
		Pipelines: append([]string{}, opts.Pipelines...), Tests: []recheckgen.TestReport{}, QuietSections: []recheckgen.QuietSection{}}
	r.Window = recheckgen.ReportWindow{Start: win.Start, End: win.End, Bucket: win.Bucket.String()}
	r.Freshness = last24(win, opts.Now)
	classified := map[string]bool{}
	for _, res := range results {
		b := bugReport(res, win, r.Days, opts)
		r.Bugs = append(r.Bugs, b)
		switch {
		case res.Err != nil:
			stage := "run"
			if res.Unloaded {
				stage = "load"
			}
			r.Failed = append(r.Failed, b.ID)
			r.Broken = append(r.Broken, recheckgen.BrokenQuery{ID: b.ID, File: res.Query.File, Stage: stage, Error: b.Error})
		case b.Builds == 0 && b.Historical:
		case b.Builds == 0:
			r.Stale = append(r.Stale, b.ID)
		default:
			for _, mb := range res.Match.Builds {
				classified[mb.UUID] = true
			}
		}
	}
	sort.SliceStable(r.Bugs, func(i, j int) bool { return ranks(r.Bugs[i], r.Bugs[j]) })
	r.Uncategorized = uncategorized(failed, classified)
	r.Totals = totals(win, failed, classified)
	r.Jobs = groups(func(b recheckgen.Build) string { return b.Job }, win, r.Days, results, failed, classified, opts)
	r.Projects = groups(func(b recheckgen.Build) string { return b.Project }, win, r.Days, results, failed, classified, opts)
	r.Overlap = Overlap(results, DefaultOverlap)
	r.TooBroad = tooBroad(r)
	r.StaleQueries = staleQueries(r)
	return r
}

// ranks orders bugs as the dashboard lists them: most failed builds in the
// last 24 hours, then in the window, as elastic-recheck does.
func ranks(a, b recheckgen.BugReport) bool {
	if a.Fails24 != b.Fails24 {
		return a.Fails24 > b.Fails24
	}
	if a.Fails != b.Fails {
		return a.Fails > b.Fails
	}
	return a.ID < b.ID
}

// last24 says which 24 hours the "last 24 hours" counts cover.
func last24(win recheckgen.Window, now time.Time) recheckgen.Freshness {
	d := win.End.Sub(now)
	return recheckgen.Freshness{Last24Start: win.End.Add(-24 * time.Hour), Last24End: win.End,
		EndsNow: d >= -win.Bucket && d <= win.Bucket}
}

func bugReport(res Result, win recheckgen.Window, days []string, opts Options) recheckgen.BugReport {
	q := res.Query
	b := recheckgen.BugReport{
		ID: q.ID, Title: q.DisplayTitle(), Tracker: q.Bug.Tracker, BugID: q.Bug.ID, URL: q.Bug.URL,
		Query: q.Raw, Tags: q.Tags, Runbook: q.Runbook, SuppressGraph: q.SuppressGraph, AllowNonvoting: q.AllowNonvoting,
		TestIDs: q.TestIDs, Jobs: []recheckgen.Share{}, Projects: []recheckgen.Share{}, Recent: []recheckgen.Hit{}, History: []recheckgen.DayCount{},
		Applies: q.Applies, Historical: q.Historical(win.End.Year()),
	}
	if res.Err != nil {
		b.Error, b.Broken = res.Err.Error(), true
		return b
	}
	m := res.Match
	since24 := win.End.Add(-24 * time.Hour)
	all := tally(m.Builds, "", since24, win, days)
	b.Fails, b.Fails24, b.Changes, b.Changes24, b.Builds, b.Passing, b.Daily = all.fails, all.fails24, all.changes, all.changes24, all.builds, all.passing, all.daily
	for _, p := range opts.Pipelines {
		t := tally(m.Builds, p, since24, win, days)
		b.Views = append(b.Views, recheckgen.View{Pipeline: p, Fails: t.fails, Fails24: t.fails24, Changes: t.changes,
			Builds: t.builds, Passing: t.passing, TooBroad: t.tooBroad(opts.TooBroad), Daily: t.daily})
	}
	b.TooBroad = all.tooBroad(opts.TooBroad)
	b.History = daily(m, win)
	span := win.End.Sub(win.Start).Hours() / 24
	b.Spike = b.Fails24 >= opts.SpikeMin && float64(b.Fails24) > opts.SpikeFactor*float64(b.Fails)/span
	b.Buckets = m.Buckets
	b.Jobs = m.Shares(func(x recheckgen.Build) string { return x.Job })
	b.Projects = m.Shares(func(x recheckgen.Build) string { return x.Project })
	b.First, b.Last, b.LastHit = m.First, m.Last, m.Last
	if len(m.Recent) > 0 {
		b.Recent = m.Recent[:min(len(m.Recent), opts.Recent)]
	}
	b.RecentBuilds = recentBuilds(m, opts)
	return b
}

// counts are a bug's numbers over some of its matching builds.
type counts struct {
	fails, fails24, changes, changes24, builds, passing int
	daily                                               map[string][]int
}

// tooBroad says more than share of the matching builds passed.
func (c counts) tooBroad(share float64) bool {
	return c.builds > 0 && float64(c.passing) > share*float64(c.builds)
}

// tally counts the matching builds of pipeline p ("" for all): each build
// once, on the day of its last matching line.
func tally(builds []recheckgen.MatchedBuild, p string, since24 time.Time, win recheckgen.Window, days []string) counts {
	c := counts{daily: map[string][]int{}}
	changes, changes24 := map[[2]string]bool{}, map[[2]string]bool{}
	for _, mb := range builds {
		if p != "" && mb.Pipeline != p {
			continue
		}
		c.builds++
		if mb.Passed() {
			c.passing++
		}
		if i := dayIndex(win, mb.Last); i >= 0 && i < len(days) {
			if c.daily[mb.Result] == nil {
				c.daily[mb.Result] = make([]int, len(days))
			}
			c.daily[mb.Result][i]++
		}
		if !mb.Failed() {
			continue
		}
		c.fails++
		in24 := !mb.Last.Before(since24)
		if in24 {
			c.fails24++
		}
		if mb.Change != "" {
			k := [2]string{mb.Project, mb.Change}
			changes[k] = true
			if in24 {
				changes24[k] = true
			}
		}
	}
	c.changes, c.changes24 = len(changes), len(changes24)
	return c
}

// recentBuilds lists the newest failed builds, one entry each, with the
// newest matching line the backend returned for each.
func recentBuilds(m *recheckgen.Match, opts Options) []recheckgen.RecentBuild {
	newest := map[string]recheckgen.Hit{}
	for _, h := range m.Recent { // newest first
		if _, ok := newest[h.Build.UUID]; !ok {
			newest[h.Build.UUID] = h
		}
	}
	builds := append([]recheckgen.MatchedBuild(nil), m.Builds...)
	recheckgen.SortMatched(builds)
	var out []recheckgen.RecentBuild
	for _, mb := range builds {
		if !mb.Failed() {
			continue
		}
		if len(out) == opts.Recent {
			break
		}
		b := mb.Build
		h, hit := newest[mb.UUID]
		if hit {
			b = fill(b, h.Build)
		}
		rb := recheckgen.RecentBuild{Build: b, Last: mb.Last, ChangeURL: opts.Links.Change(b), BuildURL: opts.Links.BuildPage(b)}
		if hit {
			rb.File, rb.Line, rb.Message = h.File, h.Line, Cut(h.Message, opts.MessageMax)
			rb.LineURL = opts.Links.LogLine(b, h.File, h.Line)
		}
		out = append(out, rb)
	}
	return out
}

// fill completes a build's empty fields from another record of it: a
// backend may say less of a build in its aggregation than in its hits
// (OpenSearch's per-build top hit need not hold the log URL).
func fill(b, from recheckgen.Build) recheckgen.Build {
	for _, f := range []struct{ dst, src *string }{{&b.LogURL, &from.LogURL}, {&b.Change, &from.Change}, {&b.Patchset, &from.Patchset},
		{&b.Pipeline, &from.Pipeline}, {&b.Project, &from.Project}, {&b.Job, &from.Job}} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	return b
}

// Cut shortens s to at most n characters (not bytes: a cut never splits
// one), marking the cut with "…"; n <= 0 leaves s whole. The site, the
// dry run, triage and the command line all cut messages with it.
func Cut(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	k := 0
	for i := range s {
		if k == n {
			return s[:i] + "…"
		}
		k++
	}
	return s
}

// totals counts the window's failed builds and those explained, overall;
// builds run are not known here (see SetRuns).
func totals(win recheckgen.Window, failed []recheckgen.Build, classified map[string]bool) recheckgen.Totals {
	since24 := win.End.Add(-24 * time.Hour)
	var t recheckgen.Totals
	for _, b := range failed {
		recent := !b.Start.Before(since24)
		t.Failed++
		if recent {
			t.Failed24++
		}
		switch {
		case classified[b.UUID]:
			t.Explained++
			if recent {
				t.Explained24++
			}
		case b.Logs != "":
			t.NoLogs++
		}
	}
	return t
}

func uncategorized(failed []recheckgen.Build, classified map[string]bool) recheckgen.Uncategorized {
	u := recheckgen.Uncategorized{Failed: len(failed), Jobs: []recheckgen.UncategorizedJob{}, NoLogs: []recheckgen.Build{}}
	byJob := map[string]*recheckgen.UncategorizedJob{}
	for _, b := range failed {
		j := byJob[b.Job]
		if j == nil {
			j = &recheckgen.UncategorizedJob{Job: b.Job, Builds: []recheckgen.Build{}}
			byJob[b.Job] = j
		}
		j.Failed++
		if classified[b.UUID] {
			j.Classified++
			u.Classified++
			continue
		}
		if b.Logs != "" {
			// Nothing to explain it by: listed apart.
			j.NoLogs++
			u.NoLogs = append(u.NoLogs, b)
			continue
		}
		j.Builds = append(j.Builds, b)
	}
	for _, j := range byJob {
		j.Rate = float64(j.Classified) / float64(j.Failed)
		u.Jobs = append(u.Jobs, *j)
	}
	// Most unexplained failures first.
	sort.Slice(u.Jobs, func(i, k int) bool {
		a, b := u.Jobs[i], u.Jobs[k]
		if len(a.Builds) != len(b.Builds) {
			return len(a.Builds) > len(b.Builds)
		}
		return a.Job < b.Job
	})
	if u.Failed > 0 {
		u.Rate = float64(u.Classified) / float64(u.Failed)
	}
	return u
}

// Titles replaces each bug's title with its tracker's, where info knows
// it, and records the tracker's status: a query's own title is for when
// the tracker cannot be asked.
func Titles(r *recheckgen.Report, info func(recheckgen.BugRef) (title, status string, ok bool)) {
	titles := map[string]string{}
	for i := range r.Bugs {
		b := &r.Bugs[i]
		if title, status, ok := info(recheckgen.BugRef{Tracker: b.Tracker, ID: b.BugID, URL: b.URL}); ok {
			b.Title, b.Status = title, status
		}
		titles[b.ID] = b.Title
	}
	// The groups and tests name the bugs too.
	for _, gs := range [][]recheckgen.Group{r.Jobs, r.Projects} {
		for i := range gs {
			for k := range gs[i].Bugs {
				gs[i].Bugs[k].Title = titles[gs[i].Bugs[k].ID]
			}
		}
	}
	for i := range r.Tests {
		for k := range r.Tests[i].Bugs {
			r.Tests[i].Bugs[k].Title = titles[r.Tests[i].Bugs[k].ID]
		}
	}
}

const day = "2006-01-02"

// days lists the UTC days window touches.
func days(win recheckgen.Window) []string {
	var out []string
	for d := win.Start.UTC().Truncate(24 * time.Hour); d.Before(win.End); d = d.Add(24 * time.Hour) {
		out = append(out, d.Format(day))
	}
	return out
}

// dayIndex is the index in days(win) of t's UTC day, or -1 outside.
func dayIndex(win recheckgen.Window, t time.Time) int {
	if t.Before(win.Start) || !t.Before(win.End) {
		return -1
	}
	return int(t.UTC().Truncate(24*time.Hour).Sub(win.Start.UTC().Truncate(24*time.Hour)) / (24 * time.Hour))
}

// daily counts distinct failed builds per day of the window, by the day of
// their last matching line.
func daily(m *recheckgen.Match, win recheckgen.Window) []recheckgen.DayCount {
	counts := map[string]int{}
	for _, mb := range m.Builds {
		if mb.Failed() {
			counts[mb.Last.UTC().Format(day)]++
		}
	}
	var out []recheckgen.DayCount
	for _, d := range days(win) {
		out = append(out, recheckgen.DayCount{Day: d, Fails: counts[d]})
	}
	return out
}

// Carry adds to each bug of r the days of its history in prev, an earlier
// report, that came before r's window, keeping at most keep days in all.
func Carry(r, prev *recheckgen.Report, keep int) {
	if prev == nil {
		return
	}
	old := map[string][]recheckgen.DayCount{}
	lastHit := map[string]time.Time{}
	for _, b := range prev.Bugs {
		old[b.ID] = b.History
		// Reports before last_hit was kept have last_seen in their window.
		lastHit[b.ID] = b.LastHit
		if b.LastHit.IsZero() {
			lastHit[b.ID] = b.Last
		}
	}
	defer func() { r.StaleQueries = staleQueries(r) }()
	first := r.Window.Start.UTC().Format(day)
	for i := range r.Bugs {
		b := &r.Bugs[i]
		var before []recheckgen.DayCount
		for _, d := range old[b.ID] {
			if d.Day < first {
				before = append(before, d)
			}
		}
		b.History = append(before, b.History...)
		if b.LastHit.IsZero() {
			b.LastHit = lastHit[b.ID]
		}
		if keep > 0 && len(b.History) > keep {
			b.History = b.History[len(b.History)-keep:]
		}
	}
}
