package site

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/report"
)

// buildView is a failed build's explanation page.
type buildView struct {
	page
	E        *recheckgen.Explanation
	Lines    []rankedView
	Known    []knownView
	Group    *groupRef
	Baseline string // how the lines were compared, in words
	// SameJob: the passing builds compared are the job's own.
	SameJob bool
}

// knownView is a known bug matching a build, with its pages.
type knownView struct {
	recheckgen.KnownMatch
	BugURL, RunbookURL, RunbookName string
	Context                         [][]contextRow
}

// rankedView is a likely failure line with its context laid out.
type rankedView struct {
	recheckgen.RankedLine
	Context []contextRow
}

// contextRow is one line of a shown line's context: its number, padded,
// and its text; Mark is the line shown.
type contextRow struct {
	Num, Text string
	Mark      bool
}

// rows lays out a line and the lines around it.
func rows(l recheckgen.ContextLine) []contextRow {
	num := func(n int) string {
		s := strconv.Itoa(n)
		if len(s) < 6 {
			s = "      "[len(s):] + s
		}
		return s
	}
	out := make([]contextRow, 0, len(l.Before)+len(l.After)+1)
	for _, c := range l.Before {
		out = append(out, contextRow{Num: num(c.Line), Text: c.Message})
	}
	out = append(out, contextRow{Num: num(l.Line), Text: l.Message, Mark: true})
	for _, c := range l.After {
		out = append(out, contextRow{Num: num(c.Line), Text: c.Message})
	}
	return out
}

// groupRef links a build to its failure group.
type groupRef struct {
	ID    string
	Count int
	URL   string
}

// builds writes a page per failed build explained, on every core: a site
// may hold thousands, read one at a time.
func (s *site) builds() error {
	t := s.in.Report.Triage
	if t == nil || t.Explanations == nil {
		return nil
	}
	groups := map[string]*recheckgen.FailureGroup{}
	for i := range t.Groups {
		groups[t.Groups[i].ID] = &t.Groups[i]
	}
	errs := make(chan error, 1)
	next := make(chan *recheckgen.Explanation)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range next {
				rel := report.BuildPage(e.Build.UUID)
				if err := s.write(rel, "build.html", s.buildView(e, rel, groups)); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	read := t.Explanations.Each(func(e *recheckgen.Explanation) error {
		select {
		case err := <-errs:
			return err
		case next <- e:
			return nil
		}
	})
	close(next)
	wg.Wait()
	if read != nil {
		return read
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func (s *site) buildView(e *recheckgen.Explanation, rel string, groups map[string]*recheckgen.FailureGroup) buildView {
	p := s.page(e.Build.Job+" "+e.Build.Result, rel)
	v := buildView{page: p, E: e, Baseline: baselineWords(e.Baseline)}
	for _, l := range e.Lines {
		v.Lines = append(v.Lines, rankedView{RankedLine: l, Context: rows(l.ContextLine)})
	}
	for _, b := range e.Baseline.Builds {
		v.SameJob = v.SameJob || b.SameJob
	}
	for _, k := range e.Known {
		kv := knownView{KnownMatch: k, BugURL: p.Root + "bugs/" + k.ID + ".html"}
		for _, l := range k.Lines {
			kv.Context = append(kv.Context, rows(l))
		}
		if k.Runbook != "" {
			target, frag, _ := strings.Cut(k.Runbook, "#")
			kv.RunbookURL, kv.RunbookName = p.Root+runbookURL(target), target
			if frag != "" {
				kv.RunbookURL += "#" + frag
			}
			if pg := s.in.Content.Page(target); pg != nil {
				kv.RunbookName = pg.Meta.Title
			}
		}
		v.Known = append(v.Known, kv)
	}
	if g := groups[e.Group]; g != nil {
		v.Group = &groupRef{ID: g.ID, Count: g.Count, URL: p.Root + "uncategorized.html#" + g.ID}
	}
	return v
}

// baselineWords says what a build's lines were compared with.
func baselineWords(b recheckgen.Baseline) string {
	if len(b.Builds) == 0 {
		return b.Note
	}
	s := fmt.Sprintf("Compared with %d passing build(s)", len(b.Builds))
	if b.Builds[0].SameJob {
		s += " of the same job"
	} else {
		s += " of other jobs"
	}
	s += fmt.Sprintf(" (%d distinct lines): a line they never print is new.", b.Lines)
	if b.Note != "" {
		s += " " + b.Note + "."
	}
	return s
}

// uncategorizedBuild is an unexplained build as the uncategorized page
// lists it: with its explanation page and its group, when triage ran.
type uncategorizedBuild struct {
	recheckgen.Build
	Page  string
	Group string
}

// failureGroupView is a failure group on the uncategorized page.
type failureGroupView struct {
	recheckgen.FailureGroup
	Shown []groupBuild
	More  int
	// Overlap links the known bugs matching the same builds.
	Overlap []overlapLink
}

type groupBuild struct {
	recheckgen.GroupBuild
	Page string
}

type overlapLink struct {
	recheckgen.KnownOverlap
	URL string
}

// groupExamples is how many of a group's builds the page shows.
const groupExamples = 5

// triageViews are the uncategorized page's groups, and the page and group
// of each explained build.
func (s *site) triageViews() ([]failureGroupView, map[string]uncategorizedBuild) {
	t := s.in.Report.Triage
	if t == nil {
		return nil, nil
	}
	builds := map[string]uncategorizedBuild{}
	for _, b := range t.Builds {
		builds[b.Build.UUID] = uncategorizedBuild{Build: b.Build, Page: report.BuildPage(b.Build.UUID), Group: b.Group}
	}
	var out []failureGroupView
	for _, g := range t.Groups {
		v := failureGroupView{FailureGroup: g}
		for _, b := range g.Builds[:min(len(g.Builds), groupExamples)] {
			v.Shown = append(v.Shown, groupBuild{GroupBuild: b, Page: report.BuildPage(b.Build.UUID)})
		}
		v.More = g.Count - len(v.Shown)
		if g.Suggestion != nil {
			for _, o := range g.Suggestion.Overlap {
				v.Overlap = append(v.Overlap, overlapLink{KnownOverlap: o, URL: "bugs/" + o.ID + ".html"})
			}
		}
		out = append(out, v)
	}
	return out, builds
}
