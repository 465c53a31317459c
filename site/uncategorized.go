package site

import (
	"net/url"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/report"
)

// uncategorizedShown is how many unexplained builds the uncategorized page
// lists per job; the job's page lists more, data/uncategorized.json all.
const uncategorizedShown = 20

type uncategorizedJob struct {
	recheckgen.UncategorizedJob
	URL   string
	More  int // unexplained builds not listed here
	Shown []uncategorizedBuild
}

type uncategorizedView struct {
	page
	Totals recheckgen.Uncategorized
	Jobs   []uncategorizedJob
	// Triage: the failed builds were explained; Groups are those no known
	// bug explains, grouped (none without triage).
	Triage *recheckgen.Triage
	Groups []failureGroupView
}

func (s *site) uncategorized() error {
	v := uncategorizedView{page: s.page("Uncategorized failures", "uncategorized.html"), Totals: s.in.Report.Uncategorized, Triage: s.in.Report.Triage}
	groups, builds := s.triageViews()
	v.Groups = groups
	for _, j := range s.in.Report.Uncategorized.Jobs {
		u := uncategorizedJob{UncategorizedJob: j, URL: s.groupURL("jobs", j.Job, "")}
		for _, b := range j.Builds[:min(len(j.Builds), uncategorizedShown)] {
			ub, ok := builds[b.UUID]
			if !ok {
				ub = uncategorizedBuild{Build: b}
			}
			u.Shown = append(u.Shown, ub)
		}
		u.More = len(j.Builds) - len(u.Shown)
		v.Jobs = append(v.Jobs, u)
	}
	return s.write("uncategorized.html", "uncategorized.html", v)
}

// notFound writes 404.html, which GitHub Pages (and serve) return for a
// missing path at any depth: its links start from the site's own path,
// through <base href>, rather than from wherever the reader landed.
func (s *site) notFound() error {
	p := s.page("Page not found", "404.html")
	p.Base = sitePath(s.in.Config.Site.BaseURL)
	return s.write("404.html", "404.html", p)
}

// sitePath is the path of the published site's URL ("/project/"), "/"
// when it is not configured.
func sitePath(base string) string {
	u, err := url.Parse(report.SafeURL(base))
	if err != nil || u.Host == "" {
		return "/"
	}
	p := "/" + strings.Trim(u.EscapedPath(), "/")
	if p != "/" {
		p += "/"
	}
	return p
}
