package site

import (
	"net/url"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
)

// bugView is a bug page.
type bugView struct {
	page
	Bug                     recheckgen.BugReport
	Label, Canonical        string
	EditURL                 string
	RunbookURL, RunbookName string
	// Unknown: the query failed, so its numbers are not known.
	Unknown bool
	// Pipelines are the bug's numbers and daily chart in all pipelines
	// and in each one with a view; the reader picks one.
	Pipelines []bugPipeline
	// Hourly is the window by hour (on demand), History the days carried
	// forward from earlier reports (when there are more than the window's).
	Hourly, History          *chartView
	JobShares, ProjectShares shareTable
	Tests                    []testLink
}

// shareTable is a table of jobs or projects.
type shareTable struct {
	Name string
	Rows []shareLink
}

type bugPipeline struct {
	Key, Label                               string
	Fails, Fails24, Changes, Builds, Passing int
	TooBroad, Checked                        bool
	Chart                                    *chartView
}

// shareLink is a job's or project's share of a bug's builds, with its page.
type shareLink struct {
	recheckgen.Share
	URL string
}

// testLink is a test a bug names, with its page when it has one.
type testLink struct {
	ID, URL string
}

// bugs renders the bug pages on every core: each is independent, and
// drawing their charts is most of a site's rendering time.
func (s *site) bugs() error {
	bugs := s.in.Report.Bugs
	errs := make(chan error, len(bugs))
	next := make(chan recheckgen.BugReport)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range next {
				rel := "bugs/" + b.ID + ".html"
				if err := s.write(rel, "bug.html", s.bugView(b, rel)); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, b := range bugs {
		next <- b
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs // nil when none failed
}

func (s *site) bugView(b recheckgen.BugReport, rel string) bugView {
	p := s.page(b.Title, rel)
	v := bugView{page: p, Bug: b, Label: (recheckgen.BugRef{Tracker: b.Tracker, ID: b.BugID}).Label(), Canonical: b.Query, Unknown: b.Error != ""}
	if q, ok := s.queries[b.ID]; ok && q.Expr != nil {
		v.Canonical = lucene.String(q.Expr)
	}
	if repo := report.SafeURL(s.in.Config.Site.RepoURL); repo != "" {
		v.EditURL = strings.TrimSuffix(repo, "/") + "/edit/" + url.PathEscape(s.in.Config.Site.Branch) + "/" +
			path.Join(filepath.ToSlash(s.in.Config.Dirs.Queries), b.ID+".yaml")
	}
	if b.Runbook != "" {
		target, frag, _ := strings.Cut(b.Runbook, "#")
		v.RunbookURL = p.Root + runbookURL(target)
		if frag != "" {
			v.RunbookURL += "#" + frag
		}
		v.RunbookName = target
		if pg := s.in.Content.Page(target); pg != nil {
			v.RunbookName = pg.Meta.Title
		}
	}
	v.JobShares, v.ProjectShares = shareTable{Name: "Job"}, shareTable{Name: "Project"}
	for _, sh := range b.Jobs {
		v.JobShares.Rows = append(v.JobShares.Rows, shareLink{sh, s.groupURL("jobs", sh.Value, p.Root)})
	}
	for _, sh := range b.Projects {
		v.ProjectShares.Rows = append(v.ProjectShares.Rows, shareLink{sh, s.groupURL("projects", sh.Value, p.Root)})
	}
	for _, id := range b.TestIDs {
		t := testLink{ID: id}
		for _, x := range s.in.Report.Tests {
			if x.Page && report.NamesTest(id, x.Test) {
				t.URL = p.Root + "tests/" + s.slugs["tests"].of(x.Test) + ".html"
				break
			}
		}
		v.Tests = append(v.Tests, t)
	}
	if v.Unknown {
		return v
	}
	short, long := s.dayLabels()
	graph := !b.SuppressGraph
	all := bugPipeline{Key: "all", Label: "All pipelines", Fails: b.Fails, Fails24: b.Fails24, Changes: b.Changes, Builds: b.Builds,
		Passing: b.Passing, TooBroad: b.TooBroad, Checked: true}
	if graph {
		c := chart.StatusBars("daily-all", "Matching builds per day, all pipelines",
			"Distinct builds with a matching line per day, stacked by build status, "+s.daysSpan(), short, b.Daily)
		c.Long = long
		all.Chart = s.chart(c, "Day (UTC)")
	}
	v.Pipelines = append(v.Pipelines, all)
	for _, x := range b.Views {
		bp := bugPipeline{Key: anchor(x.Pipeline), Label: x.Pipeline, Fails: x.Fails, Fails24: x.Fails24, Changes: x.Changes,
			Builds: x.Builds, Passing: x.Passing, TooBroad: x.TooBroad}
		if graph {
			c := chart.StatusBars("daily-"+anchor(x.Pipeline), "Matching builds per day, "+x.Pipeline+" pipeline",
				"Distinct builds with a matching line per day in the "+x.Pipeline+" pipeline, stacked by build status, "+s.daysSpan(), short, x.Daily)
			c.Long = long
			bp.Chart = s.chart(c, "Day (UTC)")
		}
		v.Pipelines = append(v.Pipelines, bp)
	}
	if graph && len(b.Buckets) > 0 {
		v.Hourly = s.chart(s.hourly(b), "Hour (UTC)")
	}
	if graph && len(b.History) > len(s.in.Report.Days) {
		v.History = s.chart(history(b), "Day (UTC)")
	}
	v.Charts = v.Hourly != nil || v.History != nil || v.Pipelines[0].Chart != nil
	return v
}

// hourly is the bug's window by bucket (an hour by default).
func (s *site) hourly(b recheckgen.BugReport) chart.Bars {
	win := s.in.Window
	n := win.Buckets()
	short, long := make([]string, n), make([]string, n)
	for i := range short {
		t := win.BucketStart(i)
		short[i], long[i] = t.Format("01-02"), t.Format("2006-01-02 15:04")
	}
	c := chart.StatusBars("hourly", "Matching builds per "+bucketName(win.Bucket.String()),
		"Distinct builds with a matching line per bucket of "+win.Bucket.String()+", stacked by build status", short, b.Buckets)
	c.Long, c.Zoom = long, true
	if per := int(24 * 60 / max(1, win.Bucket.Minutes())); per > 1 && per <= n {
		c.Ticks = per
	}
	return c
}

func bucketName(d string) string {
	if d == "1h0m0s" {
		return "hour"
	}
	return d + " bucket"
}

// history is the bug's failed builds per day, carried forward.
func history(b recheckgen.BugReport) chart.Bars {
	labels, long, counts := make([]string, len(b.History)), make([]string, len(b.History)), make([]int, len(b.History))
	for i, d := range b.History {
		labels[i], long[i], counts[i] = d.Day[min(len(d.Day), 5):], d.Day, d.Fails
	}
	c := chart.Bars{ID: "history", Title: "Failed builds per day since " + b.History[0].Day,
		Desc: "Failed builds with a matching line per day, from earlier reports and this one", Labels: labels, Long: long,
		Series: []chart.Series{{Name: "failed builds", Color: chart.Unexplained, Values: counts}}, YName: "builds", Zoom: true}
	if len(labels) > 14 {
		c.Ticks = 7
	}
	return c
}

// groupURL is the page of a job or project, "" when it has none.
func (s *site) groupURL(kind, name, root string) string {
	if slug := s.slugs[kind].of(name); slug != "" {
		return root + kind + "/" + slug + ".html"
	}
	return ""
}
