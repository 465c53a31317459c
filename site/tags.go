package site

import (
	"html/template"
	"sort"

	"github.com/recheckgen/recheckgen"
)

// listItem is a runbook in a list.
type listItem struct {
	Title, URL string
	Tags       []string
}

type tagCount struct {
	Name  string
	Count int
}

// listView is a list page: runbooks, bugs or tags.
type listView struct {
	page
	Intro    template.HTML
	Bugs     []recheckgen.BugReport
	Runbooks []listItem
	Tags     []tagCount
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
		if err := s.write(rel, "list.html", listView{page: s.page("Tag: "+t, rel), Bugs: byTag[t], Runbooks: pagesByTag[t]}); err != nil {
			return err
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return s.write("tags/index.html", "list.html", listView{page: s.page("Tags", "tags/index.html"), Tags: all})
}
