package site

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
	"github.com/yuin/goldmark/ast"
)

// searchEntry is one document of search-index.json, which search.js
// ranks in the reader's browser. Keys are short: the index of a site of
// 500 bugs and 50 runbooks must stay small (docs/benchmarks.md).
type searchEntry struct {
	Kind  string   `json:"k"`           // bug, runbook, section, job, project, test
	Title string   `json:"t"`           // ranked first
	URL   string   `json:"u"`           // relative to the site root
	Sub   string   `json:"s,omitempty"` // a short line under the title
	Text  string   `json:"x,omitempty"` // searched, and the snippet's source
	Tags  []string `json:"g,omitempty"` // a bug's or runbook's own tags (sections do not inherit them)
	// Phrases are a bug query's message phrases: a pasted log line that
	// holds one of them is that bug's line.
	Phrases []string `json:"p,omitempty"`
	// Lines are a bug's newest matching log lines: text around the
	// query's phrase that readers paste.
	Lines []string `json:"l,omitempty"`
	// More are the distinct words of a runbook's or section's text past
	// Text's cut, so every word of a runbook is found without the index
	// carrying its whole text.
	More string `json:"w,omitempty"`
}

// searchIndex is search-index.json.
type searchIndex struct {
	Version int           `json:"v"`
	Docs    []searchEntry `json:"d"`
}

// Limits that keep the index small.
const (
	searchLines    = 2   // log lines kept per bug
	searchLineMax  = 240 // characters kept of each
	searchTextMax  = 600 // characters of a runbook's or section's text
	searchGroupMax = 12  // bug titles listed with a job or project
)

// search writes the index search.js reads, and the page that shows its
// results for a search submitted without the live list.
func (s *site) search() error {
	r := s.in.Report
	idx := searchIndex{Version: 1, Docs: []searchEntry{}}
	for _, b := range r.Bugs {
		e := searchEntry{Kind: "bug", Title: b.Title, URL: "bugs/" + b.ID + ".html", Tags: b.Tags}
		label := b.ID
		if b.BugID != "" && b.BugID != b.ID {
			label += " · " + b.BugID
		}
		e.Sub = label
		var jobs []string
		for _, j := range b.Jobs {
			jobs = append(jobs, j.Value)
		}
		for _, p := range b.Projects {
			jobs = append(jobs, p.Value)
		}
		e.Text = strings.Join(append([]string{b.ID, b.BugID, b.Query}, jobs...), " ")
		if q, ok := s.queries[b.ID]; ok {
			e.Phrases = phrases(q.Expr)
			e.Text += " " + strings.Join(q.TestIDs, " ")
		}
		seen := map[string]bool{}
		for _, h := range b.Recent {
			if len(e.Lines) == searchLines {
				break
			}
			line := report.Cut(h.Message, searchLineMax)
			if !seen[line] {
				seen[line] = true
				e.Lines = append(e.Lines, line)
			}
		}
		idx.Docs = append(idx.Docs, e)
	}
	for _, p := range s.in.Content.Pages {
		u := runbookURL(p.Path)
		secs := sections(p)
		intro := ""
		if len(secs) > 0 && secs[0].id == "" {
			intro = secs[0].text
		}
		var heads []string
		for _, h := range p.Headings {
			heads = append(heads, h.Text)
		}
		text, more := cutMore(strings.Join(append([]string{intro}, heads...), " "), searchTextMax)
		idx.Docs = append(idx.Docs, searchEntry{Kind: "runbook", Title: p.Meta.Title, URL: u, Tags: p.Meta.Tags,
			Sub: strings.Join(p.Meta.Tags, ", "), Text: text, More: more})
		for _, sec := range secs {
			if sec.id == "" {
				continue
			}
			text, more := cutMore(sec.text, searchTextMax)
			idx.Docs = append(idx.Docs, searchEntry{Kind: "section", Title: sec.title, URL: u + "#" + sec.id,
				Sub: p.Meta.Title, Text: text, More: more})
		}
	}
	for _, k := range []struct {
		kind string
		docs []groupDoc
	}{{"job", s.groupDocs("jobs", r.Jobs)}, {"project", s.groupDocs("projects", r.Projects)}} {
		for _, g := range k.docs {
			idx.Docs = append(idx.Docs, searchEntry{Kind: k.kind, Title: g.name, URL: g.url, Sub: g.sub, Text: g.text})
		}
	}
	for _, t := range r.Tests {
		if !t.Page {
			continue
		}
		idx.Docs = append(idx.Docs, searchEntry{Kind: "test", Title: shortTest(t.Test), URL: "tests/" + s.slugs["tests"].of(t.Test) + ".html",
			Sub: fmt.Sprintf("%d of %d runs failed", t.Failures, t.Runs), Text: t.Test})
	}
	if err := s.json("search-index.json", idx); err != nil {
		return err
	}
	return s.write("search.html", "search.html", s.page("Search", "search.html"))
}

type groupDoc struct{ name, url, sub, text string }

func (s *site) groupDocs(kind string, gs []recheckgen.Group) []groupDoc {
	var out []groupDoc
	for _, g := range gs {
		var titles []string
		for i, b := range g.Bugs {
			if i == searchGroupMax {
				break
			}
			titles = append(titles, b.Title)
		}
		out = append(out, groupDoc{name: g.Name, url: kind + "/" + s.slugs[kind].of(g.Name) + ".html",
			sub: fmt.Sprintf("%d failed builds, %d explained", g.Failed, g.Explained), text: strings.Join(titles, " · ")})
	}
	return out
}

// phrases are the message terms and phrases a query requires or offers,
// outside its NOT clauses.
func phrases(n lucene.Node) []string {
	var out []string
	lucene.Walk(n, func(n lucene.Node) bool {
		switch n := n.(type) {
		case *lucene.Not:
			return false
		case *lucene.Phrase:
			if n.Field == "" || n.Field == "message" {
				out = append(out, n.Text)
			}
		case *lucene.Term:
			if (n.Field == "" || n.Field == "message") && len(n.Text) >= 6 {
				out = append(out, n.Text)
			}
		}
		return true
	})
	return out
}

// runbookSection is a runbook's text under one heading.
type runbookSection struct {
	id, title, text string
}

// sections splits a runbook's text at its second-level headings; the
// first holds the text before them (id "").
func sections(p *runbook.Page) []runbookSection {
	out := []runbookSection{{}}
	var b strings.Builder
	flush := func() { out[len(out)-1].text = strings.Join(strings.Fields(b.String()), " "); b.Reset() }
	for n := p.Doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level == 2 {
			flush()
			id, _ := h.AttributeString("id")
			idStr, _ := id.([]byte)
			title := ""
			for _, x := range p.Headings {
				if x.ID == string(idStr) {
					title = x.Text
				}
			}
			out = append(out, runbookSection{id: string(idStr), title: title})
			continue
		}
		b.WriteString(runbook.PlainText(n, p.Body))
		b.WriteByte(' ')
	}
	flush()
	return out
}

// searchWords splits text into words as search.js does: lower case,
// split at anything but letters, digits and "_".
func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) })
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_' }

// cutMore cuts s to its first n characters (report.Cut) and lists, once
// each, the words past them that the first n do not hold (numbers and
// single letters left out: no reader searches for them). A word the cut
// splits counts as past it.
func cutMore(s string, n int) (head, more string) {
	head = report.Cut(s, n)
	if head == s {
		return head, ""
	}
	at := len(head) - len("…") // where the cut fell
	if r, _ := utf8.DecodeRuneInString(s[at:]); isWordRune(r) {
		for at > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:at])
			if !isWordRune(r) {
				break
			}
			at -= size
		}
	}
	seen := map[string]bool{}
	for _, w := range searchWords(s[:at]) {
		seen[w] = true
	}
	var out []string
	for _, w := range searchWords(s[at:]) {
		if seen[w] || utf8.RuneCountInString(w) < 2 || strings.Trim(w, "0123456789") == "" {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return head, strings.Join(out, " ")
}
