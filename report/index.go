package report

import "github.com/recheckgen/recheckgen"

// Index is the report as data/report.json holds it: every number, but
// each bug's details (buckets, daily series, recent lines and builds,
// shares) only in its own file, data/<Data>, the unexplained builds only
// in data/uncategorized.json, the bugs of each job and project only in
// data/jobs.json and data/projects.json, and the tests' jobs, series and
// failures only in data/tests.json, the failure groups' builds and
// proposed files only in data/triage.json. So no file grows with bugs
// times builds. Bugs are
// shards' contents, in r's order.
func Index(r *recheckgen.Report) (index *recheckgen.Report, bugs []recheckgen.BugReport) {
	x := *r
	x.Bugs = make([]recheckgen.BugReport, len(r.Bugs))
	for i, b := range r.Bugs {
		bugs = append(bugs, b)
		b.Buckets, b.Daily, b.Recent, b.RecentBuilds = nil, nil, []recheckgen.Hit{}, nil
		b.Jobs, b.Projects = []recheckgen.Share{}, []recheckgen.Share{}
		views := make([]recheckgen.View, len(b.Views))
		for k, v := range b.Views {
			v.Daily = nil
			views[k] = v
		}
		b.Views = views
		b.Data = "bugs/" + b.ID + ".json"
		x.Bugs[i] = b
	}
	x.Uncategorized.Jobs = make([]recheckgen.UncategorizedJob, len(r.Uncategorized.Jobs))
	for i, j := range r.Uncategorized.Jobs {
		j.Builds = []recheckgen.Build{}
		x.Uncategorized.Jobs[i] = j
	}
	strip := func(gs []recheckgen.Group) []recheckgen.Group {
		out := make([]recheckgen.Group, len(gs))
		for i, g := range gs {
			g.Unexplained, g.Bugs = nil, nil
			out[i] = g
		}
		return out
	}
	x.Jobs, x.Projects = strip(r.Jobs), strip(r.Projects)
	x.Triage = indexTriage(r.Triage)
	x.Tests = make([]recheckgen.TestReport, len(r.Tests))
	for i, t := range r.Tests {
		t.Recent, t.Jobs, t.Daily, t.DailyRuns = nil, nil, nil, nil
		x.Tests[i] = t
	}
	return &x, bugs
}
