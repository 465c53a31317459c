package site

import (
	"io/fs"
	"net/url"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/theme"
)

// uncategorizedShown is how many unexplained builds the uncategorized page
// lists per job; the job's page lists more, data/uncategorized.json all.
const uncategorizedShown = 20

type uncategorizedJob struct {
	recheckgen.UncategorizedJob
	URL   string
	More  int // unexplained builds not listed here
	Shown []recheckgen.Build
}

type uncategorizedView struct {
	page
	Totals recheckgen.Uncategorized
	Jobs   []uncategorizedJob
}

func (s *site) uncategorized() error {
	v := uncategorizedView{page: s.page("Uncategorized failures", "uncategorized.html"), Totals: s.in.Report.Uncategorized}
	for _, j := range s.in.Report.Uncategorized.Jobs {
		u := uncategorizedJob{UncategorizedJob: j, URL: s.groupURL("jobs", j.Job, "")}
		u.Shown = j.Builds[:min(len(j.Builds), uncategorizedShown)]
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
	u, err := url.Parse(SafeURL(base))
	if err != nil || u.Host == "" {
		return "/"
	}
	p := "/" + strings.Trim(u.EscapedPath(), "/")
	if p != "/" {
		p += "/"
	}
	return p
}

// assets copies the theme's assets (a user theme's files win), ECharts
// when served from the site, and the generated stylesheets.
func (s *site) assets() error {
	err := fs.WalkDir(theme.Files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(theme.Files, p)
		if err != nil {
			return err
		}
		if over, err := userFile(s.in.Config.Dirs.Theme, p); err != nil {
			return err
		} else if over != nil {
			data = over
		}
		return s.file(p, data)
	})
	if err != nil {
		return err
	}
	if s.in.EChartsJS != nil {
		if err := s.file("assets/echarts.min.js", s.in.EChartsJS); err != nil {
			return err
		}
		if s.in.EChartsLicense != nil {
			if err := s.file("assets/echarts.LICENSE.txt", s.in.EChartsLicense); err != nil {
				return err
			}
		}
	}
	if err := s.file("assets/status.css", chart.StatusCSS()); err != nil {
		return err
	}
	css, err := chromaCSS()
	if err != nil {
		return err
	}
	return s.file("assets/chroma.css", css)
}

// data writes the report as JSON: the index data/report.json, a file per
// bug, the unexplained builds and the tests' failures apart, and
// elastic-recheck's graph.json.
func (s *site) data() error {
	index, bugs := report.Index(s.in.Report)
	if err := s.json("data/report.json", index); err != nil {
		return err
	}
	for _, b := range bugs {
		if err := s.json("data/bugs/"+b.ID+".json", b); err != nil {
			return err
		}
	}
	if err := s.json("data/uncategorized.json", s.in.Report.Uncategorized); err != nil {
		return err
	}
	if err := s.json("data/jobs.json", s.in.Report.Jobs); err != nil {
		return err
	}
	if err := s.json("data/projects.json", s.in.Report.Projects); err != nil {
		return err
	}
	if err := s.json("data/tests.json", s.in.Report.Tests); err != nil {
		return err
	}
	return s.json("data/graph.json", s.in.Graph)
}
