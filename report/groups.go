package report

import (
	"sort"
	"time"

	"github.com/recheckgen/recheckgen"
)

// groups sums the window's failed builds by key (job or project): how
// many failed, how many a known bug explains, which bugs, per day, and
// the unexplained ones. Builds run are not known here (see SetRuns).
func groups(key func(recheckgen.Build) string, win recheckgen.Window, days []string, results []Result,
	failed []recheckgen.Build, classified map[string]bool, opts Options) []recheckgen.Group {
	since24 := win.End.Add(-24 * time.Hour)
	by := map[string]*recheckgen.Group{}
	get := func(name string) *recheckgen.Group {
		g := by[name]
		if g == nil {
			g = &recheckgen.Group{Name: name, Bugs: []recheckgen.GroupBug{}, Daily: make([]int, len(days)), DailyExplained: make([]int, len(days))}
			by[name] = g
		}
		return g
	}
	for _, b := range failed { // newest first
		g := get(key(b))
		g.Failed++
		if !b.Start.Before(since24) {
			g.Failed24++
		}
		i := dayIndex(win, b.Start)
		if i >= 0 {
			g.Daily[i]++
		}
		if classified[b.UUID] {
			g.Explained++
			if !b.Start.Before(since24) {
				g.Explained24++
			}
			if i >= 0 {
				g.DailyExplained[i]++
			}
			continue
		}
		if b.Logs != "" {
			g.NoLogs++
			continue
		}
		g.UnexplainedTotal++
		if len(g.Unexplained) < opts.GroupBuilds {
			g.Unexplained = append(g.Unexplained, b)
		}
	}
	for _, res := range results {
		if res.Err != nil || res.Match == nil {
			continue
		}
		n := map[string]int{}
		for _, mb := range res.Match.Builds {
			if mb.Failed() {
				n[key(mb.Build)]++
			}
		}
		for name, c := range n {
			g := get(name)
			g.Bugs = append(g.Bugs, recheckgen.GroupBug{ID: res.Query.ID, Title: res.Query.DisplayTitle(), Fails: c})
		}
	}
	out := make([]recheckgen.Group, 0, len(by))
	for _, g := range by {
		if g.Failed > 0 {
			g.Rate = float64(g.Explained) / float64(g.Failed)
		}
		sort.Slice(g.Bugs, func(i, j int) bool {
			if g.Bugs[i].Fails != g.Bugs[j].Fails {
				return g.Bugs[i].Fails > g.Bugs[j].Fails
			}
			return g.Bugs[i].ID < g.Bugs[j].ID
		})
		out = append(out, *g)
	}
	sortGroups(out)
	return out
}

// sortGroups puts the most failed builds first.
func sortGroups(gs []recheckgen.Group) {
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].Failed != gs[j].Failed {
			return gs[i].Failed > gs[j].Failed
		}
		return gs[i].Name < gs[j].Name
	})
}

// SetRuns records how many builds each job and project ran in the window,
// from every build that started in it: builds a backend that knows them
// all (a BuildCounter with complete = true) lists. Without it, builds run
// stay unknown.
func SetRuns(r *recheckgen.Report, all []recheckgen.Build) {
	since24 := r.Window.End.Add(-24 * time.Hour)
	set := func(gs []recheckgen.Group, key func(recheckgen.Build) string) []recheckgen.Group {
		runs, runs24 := map[string]int{}, map[string]int{}
		for _, b := range all {
			if b.Start.Before(r.Window.Start) || !b.Start.Before(r.Window.End) {
				continue
			}
			runs[key(b)]++
			if !b.Start.Before(since24) {
				runs24[key(b)]++
			}
		}
		seen := map[string]bool{}
		for i := range gs {
			n, n24 := runs[gs[i].Name], runs24[gs[i].Name]
			gs[i].Runs, gs[i].Runs24 = &n, &n24
			seen[gs[i].Name] = true
		}
		for name, n := range runs { // jobs that ran and never failed
			if !seen[name] {
				n24 := runs24[name]
				gs = append(gs, recheckgen.Group{Name: name, Runs: &n, Runs24: &n24, Bugs: []recheckgen.GroupBug{},
					Daily: make([]int, len(r.Days)), DailyExplained: make([]int, len(r.Days))})
			}
		}
		sortGroups(gs)
		return gs
	}
	n, n24 := 0, 0
	for _, b := range all {
		if !b.Start.Before(r.Window.Start) && b.Start.Before(r.Window.End) {
			n++
			if !b.Start.Before(since24) {
				n24++
			}
		}
	}
	r.Totals.Runs, r.Totals.Runs24 = &n, &n24
	r.Jobs = set(r.Jobs, func(b recheckgen.Build) string { return b.Job })
	r.Projects = set(r.Projects, func(b recheckgen.Build) string { return b.Project })
}
