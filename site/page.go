package site

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/report"
)

// page is what every template sees: the layout's parts. Each page adds
// what it shows.
type page struct {
	Title string
	// Root is "" or "../": every link is relative, so the site works under
	// any path. Base, on 404.html only, is the site's path ("/" or
	// "/project/"): GitHub Pages serves that page at any depth.
	Root, Base string
	Site       config.Site
	Nav        []navItem
	Fresh      freshness
	Window     recheckgen.ReportWindow
	Days       int
	// Last24 names the last 24 hours: "last 24 h", or with their dates
	// when the window does not end at the build.
	Last24, Last24Long string
	// Failed are the queries that could not run: a banner on every page.
	Failed []string
	// Charts: the page has charts ECharts enhances, when installed.
	Charts     bool
	EChartsSrc string
	ScriptSrc  string // the CSP's script-src
	// Sortable: the page has tables readers sort (assets/sort.js).
	Sortable bool
}

// navItem is a link of the site's navigation; h/queries' overlap page and
// others add theirs to nav.
type navItem struct {
	Label, Path string
	Current     bool
}

// nav is the site's navigation, in order.
var nav = []navItem{
	{"Known bugs", "index.html", false},
	{"Jobs", "jobs/index.html", false},
	{"Projects", "projects/index.html", false},
	{"Tests", "tests/index.html", false},
	{"Uncategorized", "uncategorized.html", false},
	{"Query health", "health.html", false},
	{"Runbooks", "runbooks/index.html", false},
}

// section is the navigation item a page belongs to.
func section(rel string) string {
	if dir, _, ok := strings.Cut(rel, "/"); ok {
		if dir == "bugs" || dir == "tags" {
			return "index.html"
		}
		if dir == "builds" {
			return "uncategorized.html"
		}
		return dir + "/index.html"
	}
	if rel == "uncategorized.html" || rel == "health.html" {
		return rel
	}
	return "index.html" // the dashboards
}

// freshness is how current the data is, worded for the top of a page.
type freshness struct {
	Generated time.Time
	Newest    time.Time
	Unknown   string // why the newest data is unknown
	Late      bool
	Behind    string // "10 days 2 hours"
	MaxLag    string
}

func (s *site) page(title, rel string) page {
	r := s.in.Report
	root := strings.Repeat("../", strings.Count(rel, "/"))
	p := page{Title: title, Root: root, Site: s.in.Config.Site, Window: r.Window,
		Days: int(r.Window.End.Sub(r.Window.Start).Hours() / 24), Failed: r.Failed}
	sec := section(rel)
	for _, n := range nav {
		n.Current = n.Path == sec
		n.Path = root + n.Path
		p.Nav = append(p.Nav, n)
	}
	f := r.Freshness
	p.Fresh = freshness{Generated: r.Generated, Newest: f.Newest, Unknown: f.NewestError, Late: f.Late,
		Behind: span(time.Duration(f.BehindSeconds) * time.Second), MaxLag: span(time.Duration(f.MaxLagSeconds) * time.Second)}
	p.Last24, p.Last24Long = "last 24 h", "the last 24 hours"
	if !f.EndsNow {
		p.Last24 = "24 h to " + f.Last24End.Format("01-02 15:04")
		p.Last24Long = "the 24 hours to " + f.Last24End.Format("2006-01-02 15:04") + " UTC"
	}
	p.EChartsSrc, p.ScriptSrc = root+"assets/echarts.min.js", "'self'"
	if s.in.EChartsJS == nil {
		p.EChartsSrc = ""
	}
	if u := report.SafeURL(s.in.EChartsURL); u != "" && strings.HasPrefix(u, "https://") {
		p.EChartsSrc = u
		if parsed, err := url.Parse(u); err == nil {
			p.ScriptSrc += " https://" + parsed.Host
		}
	}
	return p
}

// span words a duration for readers: "10 days 2 hours", "45 minutes".
func span(d time.Duration) string {
	if d <= 0 {
		return "0 minutes"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case days > 0 && hours > 0:
		return plural(days, "day") + " " + plural(hours, "hour")
	case days > 0:
		return plural(days, "day")
	case hours > 0 && mins > 0:
		return plural(hours, "hour") + " " + plural(mins, "minute")
	case hours > 0:
		return plural(hours, "hour")
	}
	return plural(mins, "minute")
}

var funcs = template.FuncMap{
	"safeURL": report.SafeURL,
	"percent": percent,
	"anchor":  anchor,
	// statusKey names a build result's colour class (chart.StatusKey).
	"statusKey": chart.StatusKey,
	"add":       func(a, b int) int { return a + b },
	"div":       func(a, b int) float64 { return float64(a) / float64(max(b, 1)) },
	// num is a count that may be unknown (nil): 0 then; test with
	// `with` first.
	"num": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"day":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"short": shortTest,
	// buildPage is a build's explanation page from the site's root.
	"buildPage": report.BuildPage,
	// runbookHref links a runbook reference (page.md#anchor) from the
	// site's root.
	"runbookHref": func(ref string) string {
		page, frag, _ := strings.Cut(ref, "#")
		if frag != "" {
			frag = "#" + frag
		}
		return runbookURL(page) + frag
	},
}

// percent writes a share: one decimal below 10% (a test failing 3 of
// 610 runs is 0.5%, not 0%).
func percent(f float64) string {
	if f > 0 && f < 0.1 {
		return fmt.Sprintf("%.1f%%", 100*f)
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}

// shortTest is a test id's last two parts: Class.test_method.
func shortTest(id string) string {
	parts := strings.Split(id, ".")
	if len(parts) < 2 {
		return id
	}
	return parts[len(parts)-2] + "." + parts[len(parts)-1]
}
