package site

import (
	"strings"
)

// searchEntry is one item of search-index.json.
type searchEntry struct {
	Title string   `json:"title"`
	URL   string   `json:"url"` // relative to the site root
	Kind  string   `json:"kind"`
	Text  string   `json:"text"`
	Tags  []string `json:"tags,omitempty"`
}

// search writes the index search.js reads, and the page that shows its
// results for a search submitted without JavaScript's live list.
func (s *site) search() error {
	var idx []searchEntry
	for _, b := range s.in.Report.Bugs {
		idx = append(idx, searchEntry{Title: b.Title, URL: "bugs/" + b.ID + ".html", Kind: "bug", Text: b.ID + " " + b.BugID + " " + b.Query, Tags: b.Tags})
	}
	for _, p := range s.in.Content.Pages {
		var heads []string
		for _, h := range p.Headings {
			heads = append(heads, h.Text)
		}
		idx = append(idx, searchEntry{Title: p.Meta.Title, URL: runbookURL(p.Path), Kind: "runbook", Text: strings.Join(heads, " "), Tags: p.Meta.Tags})
		for _, h := range p.Headings {
			if h.Level == 2 && h.ID != "" {
				idx = append(idx, searchEntry{Title: p.Meta.Title + " › " + h.Text, URL: runbookURL(p.Path) + "#" + h.ID, Kind: "section", Text: h.Text, Tags: p.Meta.Tags})
			}
		}
	}
	if idx == nil {
		idx = []searchEntry{}
	}
	if err := s.json("search-index.json", idx); err != nil {
		return err
	}
	return s.write("search.html", "search.html", s.page("Search", "search.html"))
}
