package triage

import (
	"context"
	"fmt"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/queryrun"
)

// MaxPassingShare is the most of the window's passing builds a suggested
// query may match: a line that passing builds print too does not say why
// a build failed.
const MaxPassingShare = 0.02

// KnownBuilds are the builds an existing query matched in the window: what
// a suggestion's overlap is counted against.
type KnownBuilds struct {
	ID, Title string
	Builds    map[string]bool
}

// Verifier runs suggested queries on the backend over the window before
// they are shown. Each is read as a query file is (QueryOptions), so what
// it reports equals what `recheckgen query` reports for the same text:
// distinct builds of voting jobs.
type Verifier struct {
	Backend      recheckgen.Backend
	Window       recheckgen.Window
	QueryOptions queryfile.Options
	// Dir is where the proposed file would go (dirs.queries); RepoURL and
	// Branch the repository it is proposed to (see ProposeURL).
	Dir             string
	RepoURL, Branch string
	// PassingTotal is how many passing builds of voting jobs the window
	// holds with their logs (those a query can match).
	PassingTotal int
	Known        []KnownBuilds
	Timeout      time.Duration
}

// Verify tries the group's candidate queries in turn and keeps the first
// that matches every build of the group and at most MaxPassingShare of the
// window's passing builds; otherwise it says why none was kept.
func (v *Verifier) Verify(ctx context.Context, g *recheckgen.FailureGroup) error {
	g.Suggestion, g.Why = nil, ""
	cands := Candidates(*g)
	if len(cands) == 0 {
		g.Why = "the group's lines share no phrase of two words or more that is the same in every run"
		return nil
	}
	allowed := int(MaxPassingShare * float64(v.PassingTotal))
	slug := Slug(*g)
	for _, text := range cands {
		src, err := ProposalYAML(*g, text, nil)
		if err != nil {
			return err
		}
		q, dl := queryfile.Load(v.file(slug), []byte(src), v.QueryOptions)
		if dl.Errors() > 0 {
			g.Why = fmt.Sprintf("the query %s does not load: %s", text, dl[0].Message)
			continue
		}
		s, err := v.run(ctx, q, *g)
		if err != nil {
			return fmt.Errorf("group %s: query %s: %w", g.ID, text, err)
		}
		switch {
		case s.GroupMatched < len(g.Builds):
			g.Why = fmt.Sprintf("%s matches %d of the group's %d builds", text, s.GroupMatched, len(g.Builds))
			continue
		case s.Passing > allowed:
			g.Why = fmt.Sprintf("%s matches %d of %d passing builds (at most %d allowed)", text, s.Passing, s.PassingTotal, allowed)
			continue
		}
		s.Slug = slug
		if s.YAML, err = ProposalYAML(*g, text, s); err != nil {
			return err
		}
		s.ProposeURL = ProposeURL(v.RepoURL, v.Branch, v.Dir, s)
		g.Suggestion, g.Why = s, ""
		return nil
	}
	return nil
}

func (v *Verifier) file(slug string) string {
	dir := v.Dir
	if dir == "" {
		dir = "queries"
	}
	return dir + "/" + slug + ".yaml"
}

// run runs one query over the window as `recheckgen query` does and
// counts what it matched.
func (v *Verifier) run(ctx context.Context, q recheckgen.Query, g recheckgen.FailureGroup) (*recheckgen.Suggestion, error) {
	m, err := queryrun.Search(ctx, v.Backend, q, v.Window, recheckgen.SearchOptions{Recent: 5, IncludeNonvoting: q.AllowNonvoting}, v.Timeout)
	if err != nil {
		return nil, err
	}
	s := &recheckgen.Suggestion{Query: q.Raw, PassingTotal: v.PassingTotal, Overlap: []recheckgen.KnownOverlap{}}
	matched := map[string]bool{}
	for _, b := range m.Builds {
		matched[b.UUID] = true
		s.Lines += b.Lines
		switch {
		case b.Failed():
			s.Failed++
		case b.Passed():
			s.Passing++
		}
	}
	for _, b := range g.Builds {
		if matched[b.Build.UUID] {
			s.GroupMatched++
		}
	}
	for _, k := range v.Known {
		n := 0
		for uuid := range matched {
			if k.Builds[uuid] {
				n++
			}
		}
		if n > 0 {
			s.Overlap = append(s.Overlap, recheckgen.KnownOverlap{ID: k.ID, Title: k.Title, Builds: n})
		}
	}
	sortOverlap(s.Overlap)
	return s, nil
}
