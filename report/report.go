// Package report computes a run's report from what the backend found:
// per-bug counts over the window and its last 24 hours, spikes, the
// failures no query explains, classification rates and stale queries. It
// does no I/O, so it is tested with golden files and no backend.
package report

import (
	"sort"
	"time"

	"github.com/recheckgen/recheckgen"
)

// Result is what one query gave: a match or the error that stopped it.
type Result struct {
	Query recheckgen.Query
	Match *recheckgen.Match
	Err   error
}

// Options tune the computation.
type Options struct {
	Now time.Time // when the report is made
	// SpikeFactor: a bug spikes when its last 24 hours hold more than this
	// many times the window's daily average of failed builds (and at
	// least SpikeMin).
	SpikeFactor float64
	SpikeMin    int
	Recent      int // recent hits kept per bug
}

// DefaultOptions are elastic-recheck-like defaults.
func DefaultOptions(now time.Time) Options {
	return Options{Now: now, SpikeFactor: 3, SpikeMin: 3, Recent: 10}
}

// Make builds the report of a window from each query's result and the
// window's failed builds.
func Make(win recheckgen.Window, results []Result, failed []recheckgen.Build, opts Options) *recheckgen.Report {
	r := &recheckgen.Report{Generated: opts.Now.UTC(), Stale: []string{}, Failed: []string{}, QuietSections: []recheckgen.QuietSection{}}
	r.Window.Start, r.Window.End, r.Window.Bucket = win.Start, win.End, win.Bucket.String()
	days := win.End.Sub(win.Start).Hours() / 24
	classified := map[string]bool{}
	for _, res := range results {
		b := bugReport(res, win, days, opts)
		r.Bugs = append(r.Bugs, b)
		switch {
		case res.Err != nil:
			r.Failed = append(r.Failed, b.ID)
		case b.Builds == 0 && b.Historical:
		case b.Builds == 0:
			r.Stale = append(r.Stale, b.ID)
		default:
			for _, mb := range res.Match.Builds {
				classified[mb.UUID] = true
			}
		}
	}
	sort.SliceStable(r.Bugs, func(i, j int) bool {
		a, b := r.Bugs[i], r.Bugs[j]
		if a.Fails24 != b.Fails24 {
			return a.Fails24 > b.Fails24
		}
		if a.Fails != b.Fails {
			return a.Fails > b.Fails
		}
		return a.ID < b.ID
	})
	r.Uncategorized = uncategorized(failed, classified)
	return r
}

func bugReport(res Result, win recheckgen.Window, days float64, opts Options) recheckgen.BugReport {
	q := res.Query
	b := recheckgen.BugReport{
		ID: q.ID, Title: q.DisplayTitle(), Tracker: q.Bug.Tracker, BugID: q.Bug.ID, URL: q.Bug.URL,
		Query: q.Raw, Tags: q.Tags, Runbook: q.Runbook, SuppressGraph: q.SuppressGraph, AllowNonvoting: q.AllowNonvoting,
		Jobs: []recheckgen.Share{}, Projects: []recheckgen.Share{}, Recent: []recheckgen.Hit{}, History: []recheckgen.DayCount{},
		Applies: q.Applies, Historical: q.Historical(win.End.Year()),
	}
	if res.Err != nil {
		b.Error = res.Err.Error()
		return b
	}
	m := res.Match
	since24 := win.End.Add(-24 * time.Hour)
	for _, mb := range m.Builds {
		if !mb.Failed() {
			continue
		}
		b.Fails++
		if !mb.Last.Before(since24) {
			b.Fails24++
		}
	}
	b.Builds = len(m.Builds)
	b.History = daily(m, win)
	b.Spike = b.Fails24 >= opts.SpikeMin && float64(b.Fails24) > opts.SpikeFactor*float64(b.Fails)/days
	b.Buckets = m.Buckets
	b.Jobs = m.Shares(func(x recheckgen.Build) string { return x.Job })
	b.Projects = m.Shares(func(x recheckgen.Build) string { return x.Project })
	b.First, b.Last = m.First, m.Last
	if len(m.Recent) > 0 {
		b.Recent = m.Recent[:min(len(m.Recent), opts.Recent)]
	}
	return b
}

func uncategorized(failed []recheckgen.Build, classified map[string]bool) recheckgen.Uncategorized {
	u := recheckgen.Uncategorized{Failed: len(failed), Jobs: []recheckgen.UncategorizedJob{}}
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
	for i := range r.Bugs {
		b := &r.Bugs[i]
		if title, status, ok := info(recheckgen.BugRef{Tracker: b.Tracker, ID: b.BugID, URL: b.URL}); ok {
			b.Title, b.Status = title, status
		}
	}
}

const day = "2006-01-02"

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
	for d := win.Start.UTC().Truncate(24 * time.Hour); d.Before(win.End); d = d.Add(24 * time.Hour) {
		out = append(out, recheckgen.DayCount{Day: d.Format(day), Fails: counts[d.Format(day)]})
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
	for _, b := range prev.Bugs {
		old[b.ID] = b.History
	}
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
		if keep > 0 && len(b.History) > keep {
			b.History = b.History[len(b.History)-keep:]
		}
	}
}
