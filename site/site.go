// Package site renders a report, the queries and the runbooks into a
// static site: dashboard, bug pages with charts, uncategorized failures,
// runbooks, tags, search, an Atom feed and the report's JSON. Everything
// from the logs or the backend is untrusted: html/template escapes it,
// links must be http(s), and no page holds inline script.
package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
	"github.com/recheckgen/recheckgen/theme"
)

// Input is everything a site is made from.
type Input struct {
	Config  *config.Config
	Report  *recheckgen.Report
	Graph   report.Graph
	Window  recheckgen.Window
	Queries []recheckgen.Query
	Content *runbook.Set
	// EChartsJS is the ECharts script served from the site itself; nil
	// leaves charts as tables.
	EChartsJS []byte
	// EChartsURL, when the config asks for a CDN instead, is the https URL
	// pages load ECharts from; the page's CSP then allows that origin.
	EChartsURL string
	// EChartsLicense is served beside it, as Apache-2.0 asks.
	EChartsLicense []byte
}

// site is one rendering in progress.
type site struct {
	in      Input
	out     string
	tmpl    map[string]*template.Template
	md      *markdown
	queries map[string]recheckgen.Query
	pages   atomic.Int64
}

// Render writes the whole site into dir and returns how many pages it
// wrote.
func Render(dir string, in Input) (int, error) {
	tmpl, err := templates(in.Config.Dirs.Theme)
	if err != nil {
		return 0, err
	}
	s := &site{in: in, out: dir, tmpl: tmpl, md: newMarkdown(in.Config.Site.RawHTML), queries: map[string]recheckgen.Query{}}
	for _, q := range in.Queries {
		s.queries[q.ID] = q
	}
	steps := []func() error{s.assets, s.data, s.dashboard, s.bugs, s.uncategorized, s.runbooks, s.tags, s.search, s.feed, s.notFound}
	for _, step := range steps {
		if err := step(); err != nil {
			return int(s.pages.Load()), err
		}
	}
	return int(s.pages.Load()), nil
}

// templates parses each page template with the layout, taking any file of
// the user's theme directory in place of the built-in one.
func templates(userDir string) (map[string]*template.Template, error) {
	read := func(name string) ([]byte, error) {
		if data, err := userFile(userDir, "templates/"+name); data != nil || err != nil {
			return data, err
		}
		return fs.ReadFile(theme.Files, "templates/"+name)
	}
	layout, err := read("layout.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	names, err := fs.Glob(theme.Files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := path.Base(n)
		if name == "layout.html" {
			continue
		}
		body, err := read(name)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		t, err := template.New(name).Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("theme %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

var funcs = template.FuncMap{
	"safeURL": SafeURL,
	"fileURL": func(logURL, file string) string {
		if logURL == "" {
			return ""
		}
		return strings.TrimSuffix(logURL, "/") + "/" + file
	},
	"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"anchor":  anchor,
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

// SafeURL returns u when it is an absolute http(s) URL, else "": links
// from logs, builds and query files may point nowhere else.
func SafeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

func anchor(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}

// page is what every template sees.
type page struct {
	Title     string
	Root      string // "" or "../": relative links work under any path
	Site      config.Site
	Window    recheckgen.Window
	Generated time.Time
	Days      int
	Charts    bool
	EChartsJS bool
	// EChartsSrc is the script's address; ScriptSrc the CSP's script-src.
	EChartsSrc, ScriptSrc string
	Report                *recheckgen.Report
}

func (s *site) page(title, rel string) page {
	p := s.basePage(title, rel)
	p.EChartsSrc, p.ScriptSrc = p.Root+"assets/echarts.min.js", "'self'"
	if u := SafeURL(s.in.EChartsURL); u != "" && strings.HasPrefix(u, "https://") {
		p.EChartsSrc = u
		if parsed, err := url.Parse(u); err == nil {
			p.ScriptSrc += " https://" + parsed.Host
		}
	}
	return p
}

func (s *site) basePage(title, rel string) page {
	return page{Title: title, Root: strings.Repeat("../", strings.Count(rel, "/")), Site: s.in.Config.Site,
		Window: s.in.Window, Generated: s.in.Report.Generated, Days: int(s.in.Window.End.Sub(s.in.Window.Start).Hours() / 24),
		Report: s.in.Report, EChartsJS: s.in.EChartsJS != nil || s.in.EChartsURL != ""}
}

// write renders the named template's "content" inside the layout to rel.
func (s *site) write(rel, name string, data any) error {
	t := s.tmpl[name]
	if t == nil {
		return fmt.Errorf("theme: no template %s", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", rel, err)
	}
	s.pages.Add(1)
	return s.file(rel, buf.Bytes())
}

func (s *site) file(rel string, data []byte) error {
	p := filepath.Join(s.out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

func (s *site) json(rel string, v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return s.file(rel, append(data, '\n'))
}

// CheckTheme reads a user theme directory as a build would: every
// template it overrides parses with the layout, and every file it holds
// in place of a built-in one is a regular file inside it.
func CheckTheme(dir string) error {
	if dir == "" {
		return nil
	}
	if _, err := templates(dir); err != nil {
		return err
	}
	return fs.WalkDir(theme.Files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, err = userFile(dir, p)
		return err
	})
}

// userFile reads the file at slash path rel of the user's theme directory:
// nil when there is none; an error when it is a link or not a regular file,
// which a theme from a pull request could use to publish a file from
// outside the repository.
func userFile(dir, rel string) ([]byte, error) {
	if dir == "" {
		return nil, nil
	}
	data, err := rootfile.ReadSource(filepath.Join(dir, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	return data, nil
}

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
	css, err := chromaCSS()
	if err != nil {
		return err
	}
	return s.file("assets/chroma.css", css)
}

func (s *site) data() error {
	if err := s.json("data/report.json", s.in.Report); err != nil {
		return err
	}
	return s.json("data/graph.json", s.in.Graph)
}

// bugView is a bug as the pages show it.
type bugView struct {
	recheckgen.BugReport
	Label         string
	Canonical     string
	EditURL       string
	RunbookURL    string
	RunbookTitle  string
	Trend         sparkline
	Chart         string
	HistoryChart  string // the daily history chart's options
	Statuses      []string
	Rows          []chartRow
	JobShares     shareTable
	ProjectShares shareTable
}

type shareTable struct {
	Name string
	Rows []recheckgen.Share
}

func (s *site) bugView(b recheckgen.BugReport, root string) bugView {
	v := bugView{BugReport: b, Label: (recheckgen.BugRef{Tracker: b.Tracker, ID: b.BugID}).Label(), Canonical: b.Query,
		JobShares: shareTable{"Job", b.Jobs}, ProjectShares: shareTable{"Project", b.Projects}}
	if q, ok := s.queries[b.ID]; ok && q.Expr != nil {
		v.Canonical = lucene.String(q.Expr)
	}
	if repo := SafeURL(s.in.Config.Site.RepoURL); repo != "" {
		v.EditURL = strings.TrimSuffix(repo, "/") + "/edit/" + url.PathEscape(s.in.Config.Site.Branch) + "/" +
			path.Join(filepath.ToSlash(s.in.Config.Dirs.Queries), b.ID+".yaml")
	}
	if b.Runbook != "" {
		target, frag, _ := strings.Cut(b.Runbook, "#")
		v.RunbookURL = root + runbookURL(target)
		if frag != "" {
			v.RunbookURL += "#" + frag
		}
		v.RunbookTitle = target
		if p := s.in.Content.Page(target); p != nil {
			v.RunbookTitle = p.Meta.Title
		}
	}
	v.Trend = newSparkline(b)
	if !b.SuppressGraph && b.Builds > 0 {
		v.Chart, v.Statuses, v.Rows = chart(b, s.in.Window)
	}
	if !b.SuppressGraph && len(b.History) > 0 {
		v.HistoryChart = historyChart(b)
	}
	return v
}

// runbookURL is a content page's path on the site.
func runbookURL(rel string) string { return "runbooks/" + strings.TrimSuffix(rel, ".md") + ".html" }

func (s *site) dashboard() error {
	p := s.page("Known bugs", "index.html")
	var bugs []bugView
	for _, b := range s.in.Report.Bugs {
		bugs = append(bugs, s.bugView(b, ""))
	}
	return s.write("index.html", "index.html", struct {
		page
		Bugs []bugView
	}{p, bugs})
}

// bugs renders the bug pages on every core: each is independent, and
// building their charts is most of a site's rendering time.
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
				p := s.page(b.Title, rel)
				v := s.bugView(b, p.Root)
				p.Charts = v.Chart != "" || v.HistoryChart != ""
				if err := s.write(rel, "bug.html", struct {
					page
					Bug bugView
				}{p, v}); err != nil {
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

func (s *site) uncategorized() error {
	return s.write("uncategorized.html", "uncategorized.html", s.page("Uncategorized failures", "uncategorized.html"))
}

func (s *site) notFound() error {
	p := s.page("Page not found", "404.html")
	return s.write("404.html", "404.html", p)
}

// bugsByTag and others are small views for list pages.
type listItem struct {
	Title, URL string
	Tags       []string
}

type tagCount struct {
	Name  string
	Count int
}

func (s *site) tags() error {
	byTag := map[string][]recheckgen.BugReport{}
	pagesByTag := map[string][]listItem{}
	for _, b := range s.in.Report.Bugs {
		for _, t := range b.Tags {
			byTag[t] = append(byTag[t], b)
		}
	}
	for _, p := range s.in.Content.Pages {
		for _, t := range p.Meta.Tags {
			pagesByTag[t] = append(pagesByTag[t], listItem{Title: p.Meta.Title, URL: "../" + runbookURL(p.Path)})
		}
	}
	names := map[string]bool{}
	for t := range byTag {
		names[t] = true
	}
	for t := range pagesByTag {
		names[t] = true
	}
	var all []tagCount
	for t := range names {
		all = append(all, tagCount{t, len(byTag[t]) + len(pagesByTag[t])})
		rel := "tags/" + t + ".html"
		if err := s.write(rel, "list.html", struct {
			page
			Intro    template.HTML
			Bugs     []recheckgen.BugReport
			Runbooks []listItem
			Tags     []tagCount
		}{s.page("Tag: "+t, rel), "", byTag[t], pagesByTag[t], nil}); err != nil {
			return err
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return s.write("tags/index.html", "list.html", struct {
		page
		Intro    template.HTML
		Bugs     []recheckgen.BugReport
		Runbooks []listItem
		Tags     []tagCount
	}{s.page("Tags", "tags/index.html"), "", nil, nil, all})
}
