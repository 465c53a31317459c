package triage

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/queryrun"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/store"
)

// The default sample corpus, ingested once for the package's tests and
// removed by TestMain.
var (
	corpusOnce sync.Once
	corpusDir  string
	corpus     *store.Store
	corpusErr  error
	manifest   sample.Manifest
)

func TestMain(m *testing.M) {
	code := m.Run()
	if corpus != nil {
		corpus.Close()
	}
	if corpusDir != "" {
		os.RemoveAll(corpusDir)
	}
	os.Exit(code)
}

func sampleStore(t testing.TB) (*store.Store, sample.Manifest) {
	t.Helper()
	corpusOnce.Do(func() {
		if corpusDir, corpusErr = os.MkdirTemp("", "triage-test-"); corpusErr != nil {
			return
		}
		corpus, corpusErr = testcorpus.Build(corpusDir, sample.DefaultOptions())
		manifest = sample.Plan(sample.DefaultOptions())
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpus, manifest
}

// explainAll explains every failed build of the sample with the
// repository's queries.
func explainSample(t *testing.T) ([]*recheckgen.Explanation, map[string]sample.BuildInfo) {
	t.Helper()
	st, m := sampleStore(t)
	ctx := context.Background()
	qs := testcorpus.Queries(t, "../queries")
	x, err := NewExplainer(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	builds, err := st.ListBuilds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	info := map[string]sample.BuildInfo{}
	for _, b := range m.Builds {
		info[b.UUID] = b
	}
	var out []*recheckgen.Explanation
	for _, b := range builds {
		if !b.Failed() {
			continue
		}
		e, err := x.Explain(ctx, b, Source{st, st}, qs)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out, info
}

// TestRankSampleFaults: for every fault the sample corpus injects into a
// failing build, one of the lines that say it ranks in the top 5 of that
// build's explanation.
func TestRankSampleFaults(t *testing.T) {
	es, info := explainSample(t)
	faults, worst := 0, 0
	for _, e := range es {
		bi, ok := info[e.Build.UUID]
		if !ok {
			continue // the edge-case build
		}
		for _, f := range bi.Faults() {
			faults++
			rank := 0
			for i, l := range e.Lines {
				if i == 5 {
					break
				}
				for _, c := range f.Lines {
					if c.In(bi, l.File) && strings.Contains(l.Message, c.Text) || containsIn(l, bi, c) {
						rank = i + 1
						break
					}
				}
				if rank > 0 {
					break
				}
			}
			if rank == 0 {
				t.Errorf("%s %s (%s): fault %s %s not in the top 5:\n%s", bi.UUID, bi.Job, bi.Result, f.Mode, f.Detail, top(e, 8))
			}
			worst = max(worst, rank)
		}
	}
	if faults < 128 {
		t.Errorf("only %d faults checked", faults)
	}
	t.Logf("%d faults, each in its build's top %d", faults, worst)
}

// containsIn: the same normalised line printed in another file counts too
// (the ranking lists it once, with the other files).
func containsIn(l recheckgen.RankedLine, b sample.BuildInfo, c sample.Cause) bool {
	if !strings.Contains(l.Message, c.Text) {
		return false
	}
	for _, f := range l.Files {
		if c.In(b, f) {
			return true
		}
	}
	return false
}

func top(e *recheckgen.Explanation, n int) string {
	var b strings.Builder
	for i, l := range e.Lines {
		if i == n {
			break
		}
		fmt.Fprintf(&b, "  %d. %.2f %s:%d %.160q %v\n", i+1, l.Score, l.File, l.Line, l.Message, l.Reasons)
	}
	return b.String()
}

// triageWindow triages the window of a store as `recheckgen build` does:
// the repository's queries over the ten days up to the newest build, the
// window's failed builds of voting jobs.
func triageWindow(t testing.TB, st *store.Store) (*Output, recheckgen.Window, []report.Result) {
	t.Helper()
	ctx := context.Background()
	l, err := st.Latest(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	win, err := recheckgen.NewWindow(l.Time.Add(time.Millisecond), 10*24*time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	qs := testcorpus.Queries(t, "../queries")
	results := queryrun.Run(ctx, st, qs, win, queryrun.Options{Recent: 10})
	failed, err := st.FailedBuilds(ctx, win, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(ctx, Input{Backend: st, Reader: st, Window: win, Failed: failed, Results: results,
		QueryOptions: queryfile.Options{Operator: lucene.AND}, Dir: "queries", SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	return out, win, results
}

// explanations reads back the spooled explanations of a triage.
func explanations(t testing.TB, out *Output) []*recheckgen.Explanation {
	t.Helper()
	var es []*recheckgen.Explanation
	if err := out.Explanations.Each(func(e *recheckgen.Explanation) error {
		es = append(es, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return es
}

// causeKey is the injected cause of an unexplained sample build: its
// detail and the first of its cause lines the build holds (the 2016 jobs
// published their logs with rsync, today's with swift: two causes).
func causeKey(t *testing.T, b sample.BuildInfo, e *recheckgen.Explanation) string {
	fs := b.Faults()
	if len(fs) == 0 {
		t.Fatalf("%s: no fault", b.UUID)
	}
	f := fs[0]
	for _, c := range f.Lines {
		for _, l := range e.Lines {
			if strings.Contains(l.Message, c.Text) {
				return string(f.Mode) + " " + c.Text
			}
		}
	}
	return string(f.Mode) + " " + f.Detail + " (no cause line ranked)"
}

// TestGroupSample: the window's unexplained failures fall in groups by
// cause: builds failing for the same injected cause share one group,
// across jobs, and builds of different causes never share one.
func TestGroupSample(t *testing.T) {
	st, m := sampleStore(t)
	out, _, _ := triageWindow(t, st)
	info := map[string]sample.BuildInfo{}
	for _, b := range m.Builds {
		info[b.UUID] = b
	}
	groupOf := map[string]string{} // cause -> group
	causeOf := map[string]string{} // group -> cause
	unexplained, multiJob := 0, 0
	for _, e := range explanations(t, out) {
		if e.Explained() {
			if e.Group != "" {
				t.Errorf("%s: explained by %s but in group %s", e.Build.UUID, e.Known[0].ID, e.Group)
			}
			continue
		}
		unexplained++
		b := info[e.Build.UUID]
		if e.Group == "" {
			t.Errorf("%s %s: unexplained, in no group", e.Build.UUID, b.Detail)
			continue
		}
		cause := causeKey(t, b, e)
		if g, ok := groupOf[cause]; ok && g != e.Group {
			t.Errorf("cause %q in groups %s and %s", cause, g, e.Group)
		}
		if c, ok := causeOf[e.Group]; ok && c != cause {
			t.Errorf("group %s holds causes %q and %q", e.Group, c, cause)
		}
		groupOf[cause], causeOf[e.Group] = e.Group, cause
	}
	for _, g := range out.Groups {
		if len(g.Jobs) > 1 {
			multiJob++
		}
		t.Logf("%s %d builds, %d jobs: %s", g.ID, len(g.Builds), len(g.Jobs), g.Signature)
		if g.Suggestion != nil {
			t.Logf("    %s: %d failed, %d passing, overlap %v", g.Suggestion.Query, g.Suggestion.Failed, g.Suggestion.Passing, g.Suggestion.Overlap)
		} else {
			t.Logf("    none: %s", g.Why)
		}
	}
	if unexplained < 15 || len(out.Groups) < 8 || multiJob < 3 {
		t.Errorf("%d unexplained builds in %d groups, %d across jobs: want more of each", unexplained, len(out.Groups), multiJob)
	}
}
