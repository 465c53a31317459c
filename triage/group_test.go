package triage

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/queryrun"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/store"
)

// TestSuggestionsVerified: every group of the sample window gets a
// suggested query, and each one loads as a query file with no error or
// warning (within the query-cost limits), matches every build of its
// group when run on the store as `recheckgen query` runs it, with the
// numbers the suggestion reports, and at most MaxPassingShare of the
// passing builds; the proposal link carries the file.
func TestSuggestionsVerified(t *testing.T) {
	st, _ := sampleStore(t)
	out, win, _ := triageWindow(t, st)
	ctx := context.Background()
	if len(out.Groups) == 0 {
		t.Fatal("no group")
	}
	for _, g := range out.Groups {
		s := g.Suggestion
		if s == nil {
			t.Errorf("group %s (%s): no suggestion: %s", g.ID, g.Signature, g.Why)
			continue
		}
		file := "queries/" + s.Slug + ".yaml"
		q, dl := queryfile.Load(file, []byte(s.YAML), queryfile.Options{Operator: lucene.AND})
		if len(dl) > 0 {
			t.Errorf("group %s: %s does not load cleanly: %v\n%s", g.ID, file, dl, s.YAML)
			continue
		}
		if q.Raw != s.Query || !strings.Contains(s.YAML, "triage") {
			t.Errorf("group %s: the file's query %q is not the suggestion's %q", g.ID, q.Raw, s.Query)
		}
		if _, _, err := lucene.Parse(s.Query, lucene.Options{Limits: &lucene.DefaultLimits}); err != nil {
			t.Errorf("group %s: %v", g.ID, err)
		}
		m, err := queryrun.Search(ctx, st, q, win, recheckgen.SearchOptions{Recent: 5}, 0)
		if err != nil {
			t.Fatal(err)
		}
		matched := map[string]bool{}
		failed, passing := 0, 0
		for _, b := range m.Builds {
			matched[b.UUID] = true
			if b.Failed() {
				failed++
			} else if b.Result == "SUCCESS" {
				passing++
			}
		}
		for _, b := range g.Builds {
			if !matched[b.Build.UUID] {
				t.Errorf("group %s: %s does not match its build %s", g.ID, s.Query, b.Build.UUID)
			}
		}
		if failed != s.Failed || passing != s.Passing || s.GroupMatched != len(g.Builds) {
			t.Errorf("group %s: reports %d failed, %d passing, %d of the group; the store finds %d, %d", g.ID, s.Failed, s.Passing, s.GroupMatched, failed, passing)
		}
		if float64(passing) > MaxPassingShare*float64(s.PassingTotal) {
			t.Errorf("group %s: %d of %d passing builds", g.ID, passing, s.PassingTotal)
		}
		u := ProposeURL("https://github.com/recheckgen/recheckgen", "main", "queries", s)
		if !strings.HasPrefix(u, "https://github.com/recheckgen/recheckgen/new/main?") || !strings.Contains(u, "filename=queries%2F"+s.Slug+".yaml") {
			t.Errorf("group %s: proposal link %s", g.ID, u)
		}
	}
}

// groupsOf summarises a triage for comparison: each group's id, builds and
// query.
func groupsOf(out *Output) string {
	var lines []string
	for _, g := range out.Groups {
		var uuids []string
		for _, b := range g.Builds {
			uuids = append(uuids, b.Build.UUID)
		}
		sort.Strings(uuids)
		q := "-"
		if g.Suggestion != nil {
			q = g.Suggestion.Query
		}
		lines = append(lines, fmt.Sprintf("%s %s %s", g.ID, strings.Join(uuids, ","), q))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestGroupsStable: a group keeps its id and builds from one run to the
// next, after the builds are ingested again (new row ids), and in a store
// filled in another order.
func TestGroupsStable(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a corpus three times")
	}
	ctx := context.Background()
	dir := t.TempDir()
	opts := sample.Options{Builds: 80, Seed: 7}
	corpus := filepath.Join(dir, "sample")
	if _, err := sample.Generate(corpus, opts); err != nil {
		t.Fatal(err)
	}
	open := func(name string, workers int) *store.Store {
		st, err := store.Open(ctx, filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Ingest(ctx, []string{corpus}, store.IngestOptions{Globs: testcorpus.Globs, Workers: workers}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	a := open("a.db", 0)
	out1, _, _ := triageWindow(t, a)
	first := groupsOf(out1)
	if len(out1.Groups) < 3 {
		t.Fatalf("only %d groups:\n%s", len(out1.Groups), first)
	}
	out2, _, _ := triageWindow(t, a)
	if second := groupsOf(out2); second != first {
		t.Errorf("second run:\n%s\nfirst:\n%s", second, first)
	}
	if _, err := a.Ingest(ctx, []string{corpus}, store.IngestOptions{Globs: testcorpus.Globs, Force: true}); err != nil {
		t.Fatal(err)
	}
	out3, _, _ := triageWindow(t, a)
	if again := groupsOf(out3); again != first {
		t.Errorf("after a re-ingest:\n%s\nbefore:\n%s", again, first)
	}
	b := open("b.db", 1)
	out4, _, _ := triageWindow(t, b)
	if other := groupsOf(out4); other != first {
		t.Errorf("another store:\n%s\nfirst:\n%s", other, first)
	}
}

// TestKnownBothWays: the known bugs Run finds for each build with one
// query over the window (recheckgen.BuildSearcher) are those, with the
// same counts, lines and text, and marking the same ranked lines, that
// the query narrowed to the build finds, as
// recheckgen triage runs it.
func TestKnownBothWays(t *testing.T) {
	st, _ := sampleStore(t)
	out, _, results := triageWindow(t, st)
	ctx := context.Background()
	x, err := NewExplainer(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]recheckgen.Query{}
	for _, r := range results {
		byID[r.Query.ID] = r.Query
	}
	compared := 0
	for _, e := range explanations(t, out) {
		if len(e.Known) == 0 {
			continue
		}
		var qs []recheckgen.Query
		for _, k := range e.Known {
			qs = append(qs, byID[k.ID])
		}
		alone, err := x.Explain(ctx, e.Build, Source{st, st}, qs)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := knownSummary(e), knownSummary(alone); a != b {
			t.Errorf("%s: in one pass\n%s\nalone\n%s", e.Build.UUID, a, b)
		}
		compared++
	}
	if compared < 50 {
		t.Errorf("only %d builds with known bugs", compared)
	}
}

func knownSummary(e *recheckgen.Explanation) string {
	var b strings.Builder
	for _, k := range e.Known {
		fmt.Fprintf(&b, "%s %d:", k.ID, k.Count)
		for _, l := range k.Lines {
			fmt.Fprintf(&b, " %s:%d %q", l.File, l.Line, l.Message)
		}
		b.WriteString("\n")
	}
	for _, l := range e.Lines { // the ranked lines a known bug matched
		if len(l.Known) > 0 {
			fmt.Fprintf(&b, "%s:%d %v\n", l.File, l.Line, l.Known)
		}
	}
	return b.String()
}
