// Package site renders a report, the queries and the runbooks into a
// static site: dashboards (all pipelines, gate, check), bug pages with
// charts, pages per job, project and tempest test, uncategorized failures,
// runbooks, tags, search, an Atom feed and the report's JSON. Everything
// from the logs or the backend is untrusted: html/template escapes it,
// links must be http(s), and no page holds inline script. The report
// package computes every number; this one lays them out.
package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/internal/rootfile"
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
	// EChartsJS is the ECharts script served from the site itself, which
	// enhances the server-drawn charts; nil leaves them as they are.
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
	slugs   map[string]*slugs // by kind: "jobs", "projects", "tests"
	// chartsBuilt counts charts drawn, so a test can tell that a page
	// draws only the charts it shows.
	chartsBuilt atomic.Int64
}

// Render writes the whole site into dir and returns how many pages it
// wrote.
func Render(dir string, in Input) (int, error) {
	tmpl, err := templates(in.Config.Dirs.Theme)
	if err != nil {
		return 0, err
	}
	s := newSite(dir, in, tmpl)
	steps := []func() error{s.assets, s.data, s.dashboards, s.bugs, s.groups, s.tests, s.uncategorized, s.health, s.builds,
		s.runbooks, s.tags, s.search, s.feed, s.notFound}
	for _, step := range steps {
		if err := step(); err != nil {
			return int(s.pages.Load()), err
		}
	}
	return int(s.pages.Load()), nil
}

func newSite(dir string, in Input, tmpl map[string]*template.Template) *site {
	s := &site{in: in, out: dir, tmpl: tmpl, md: newMarkdown(in.Config.Site.RawHTML), queries: map[string]recheckgen.Query{},
		slugs: map[string]*slugs{"jobs": newSlugs(), "projects": newSlugs(), "tests": newSlugs()}}
	for _, q := range in.Queries {
		s.queries[q.ID] = q
	}
	// Slugs are given in a fixed order, so a name keeps its page.
	for _, g := range in.Report.Jobs {
		s.slugs["jobs"].add(g.Name)
	}
	for _, g := range in.Report.Projects {
		s.slugs["projects"].add(g.Name)
	}
	for _, t := range in.Report.Tests {
		if t.Page {
			s.slugs["tests"].add(t.Test)
		}
	}
	return s
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
	data, err := rootfile.ReadSourceIn(dir, rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	return data, nil
}

func anchor(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
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

// runbookURL is a content page's path on the site.
func runbookURL(rel string) string { return "runbooks/" + strings.TrimSuffix(rel, ".md") + ".html" }
