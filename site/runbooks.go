package site

import (
	"html/template"
	"path"
	"path/filepath"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
)

type runbookView struct {
	page
	Page    *runbook.Page
	HTML    template.HTML
	TOC     []runbook.Heading
	Linked  []recheckgen.BugReport
	EditURL string
}

// runbooks renders every content page, and a list of them unless the
// content holds an index.md of its own.
func (s *site) runbooks() error {
	hasIndex := false
	var items []listItem
	for _, p := range s.in.Content.Pages {
		rel := runbookURL(p.Path)
		if p.Path == "index.md" {
			hasIndex = true
		}
		html, err := s.md.render(p)
		if err != nil {
			return err
		}
		v := runbookView{page: s.page(p.Meta.Title, rel), Page: p, HTML: html, TOC: toc(p)}
		for _, b := range s.in.Report.Bugs {
			if target, _, _ := strings.Cut(b.Runbook, "#"); target == p.Path {
				v.Linked = append(v.Linked, b)
			}
		}
		if repo := report.SafeURL(s.in.Config.Site.RepoURL); repo != "" {
			v.EditURL = strings.TrimSuffix(repo, "/") + "/edit/" + s.in.Config.Site.Branch + "/" +
				path.Join(filepath.ToSlash(s.in.Config.Dirs.Content), p.Path)
		}
		if err := s.write(rel, "runbook.html", v); err != nil {
			return err
		}
		if p.Path != "index.md" {
			items = append(items, listItem{Title: p.Meta.Title, URL: strings.TrimPrefix(rel, "runbooks/"), Tags: p.Meta.Tags})
		}
	}
	if hasIndex {
		return nil
	}
	return s.write("runbooks/index.html", "list.html", listView{page: s.page("Runbooks", "runbooks/index.html"), Runbooks: items})
}

// toc lists a page's second- and third-level headings.
func toc(p *runbook.Page) []runbook.Heading {
	var out []runbook.Heading
	for _, h := range p.Headings {
		if h.Level >= 2 && h.Level <= 3 && h.ID != "" {
			out = append(out, h)
		}
	}
	return out
}
