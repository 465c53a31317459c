package queryrun

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/sample"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fake answers searches slowly, failing the query whose id is "bad", and
// records the most searches it saw at once.
type fake struct {
	running, peak atomic.Int32
}

func (f *fake) Search(ctx context.Context, q recheckgen.Query, w recheckgen.Window, o recheckgen.SearchOptions) (*recheckgen.Match, error) {
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	time.Sleep(10 * time.Millisecond)
	if q.ID == "slow" {
		<-ctx.Done() // a query that would run for ever
		return nil, ctx.Err()
	}
	if q.ID == "bad" {
		return nil, errors.New("rejected")
	}
	return &recheckgen.Match{Builds: []recheckgen.MatchedBuild{{Build: recheckgen.Build{UUID: q.ID, Voting: !o.IncludeNonvoting}}}}, nil
}
func (f *fake) FailedBuilds(context.Context, recheckgen.Window, recheckgen.BuildFilter) ([]recheckgen.Build, error) {
	return nil, nil
}
func (f *fake) Latest(context.Context, time.Time) (recheckgen.Latest, error) {
	return recheckgen.Latest{}, nil
}
func (f *fake) Close() error { return nil }

func TestRun(t *testing.T) {
	qs := []recheckgen.Query{{ID: "a"}, {ID: "bad"}, {ID: "c", AllowNonvoting: true}, {ID: "d"}, {ID: "e"}, {ID: "f"}}
	f := &fake{}
	var calls atomic.Int32
	res := Run(context.Background(), f, qs, recheckgen.Window{}, Options{Concurrency: 2, Done: func(done, total int) { calls.Add(1) }})
	for i, r := range res {
		if r.Query.ID != qs[i].ID {
			t.Errorf("result %d is for %s", i, r.Query.ID)
		}
		if (r.Err != nil) != (qs[i].ID == "bad") {
			t.Errorf("%s: err %v", qs[i].ID, r.Err)
		}
	}
	if res[2].Match.Builds[0].Voting || !res[0].Match.Builds[0].Voting {
		t.Error("allow-nonvoting did not reach the backend as IncludeNonvoting")
	}
	if p := f.peak.Load(); p != 2 {
		t.Errorf("peak concurrency %d, want 2", p)
	}
	if calls.Load() != int32(len(qs)) {
		t.Errorf("progress called %d times", calls.Load())
	}
}

// TestSampleReport: the report of the repository's queries over the
// sample corpus, with a fixed window, matches testdata/sample-report.json.
func TestSampleReport(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests the sample corpus")
	}
	st := testcorpus.Store(t, sample.DefaultOptions())
	qs := testcorpus.Queries(t, filepath.Join("..", "queries"))
	end := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	win, _ := recheckgen.NewWindow(end, 10*24*time.Hour, time.Hour)
	results := Run(context.Background(), st, qs, win, Options{Recent: 3})
	failed, err := st.FailedBuilds(context.Background(), win, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	rep := report.Make(win, results, failed, report.DefaultOptions(end))
	for i := range rep.Bugs { // the golden file keeps the counts, not every bucket
		b := &rep.Bugs[i]
		b.Buckets, b.Daily = nil, nil
		for k := range b.Views {
			b.Views[k].Daily = nil
		}
		b.RecentBuilds = b.RecentBuilds[:min(1, len(b.RecentBuilds))]
	}
	for _, gs := range [][]recheckgen.Group{rep.Jobs, rep.Projects} {
		for i := range gs {
			gs[i].Unexplained = gs[i].Unexplained[:min(1, len(gs[i].Unexplained))]
		}
	}
	for i := range rep.Uncategorized.Jobs {
		rep.Uncategorized.Jobs[i].Builds = rep.Uncategorized.Jobs[i].Builds[:min(2, len(rep.Uncategorized.Jobs[i].Builds))]
	}
	got, _ := json.MarshalIndent(rep, "", " ")
	path := filepath.Join("testdata", "sample-report.json")
	if *update {
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs: run go test ./queryrun -update and review the diff", path)
	}
	t.Run("time limit interrupts the store", func(t *testing.T) { timeLimitOnStore(t, st, win) })
}

// timeLimitOnStore: on the real store, a costly query (a wildcard tested
// against every word of every line) is interrupted inside SQLite at its
// limit, and runs to its end with time enough.
func timeLimitOnStore(t *testing.T, st recheckgen.Backend, win recheckgen.Window) {
	n, _, err := lucene.Parse("message:*e*", lucene.Options{})
	if err != nil {
		t.Fatal(err)
	}
	q := recheckgen.Query{ID: "slow", Raw: "message:*e*", Expr: n}
	start := time.Now()
	_, err = Search(context.Background(), st, q, win, recheckgen.SearchOptions{}, 20*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "the time limit of one query") {
		t.Fatalf("got %v, want the time limit", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopped after %v: SQLite was not interrupted", d)
	}
	if _, err := Search(context.Background(), st, q, win, recheckgen.SearchOptions{}, time.Minute); err != nil {
		t.Errorf("the same query with time to finish: %v", err)
	}
}

// TestTimeLimit: a query past its time limit fails alone, saying why; the
// others run to completion.
func TestTimeLimit(t *testing.T) {
	qs := []recheckgen.Query{{ID: "a"}, {ID: "slow"}, {ID: "c"}}
	res := Run(context.Background(), &fake{}, qs, recheckgen.Window{}, Options{Concurrency: 2, Timeout: 200 * time.Millisecond})
	for i, r := range res {
		if qs[i].ID == "slow" {
			if r.Err == nil || r.Err.Error() != "stopped after 200ms, the time limit of one query (report.query_timeout): make it more specific" {
				t.Errorf("slow query: %v", r.Err)
			}
		} else if r.Err != nil {
			t.Errorf("%s: %v", qs[i].ID, r.Err)
		}
	}
}
