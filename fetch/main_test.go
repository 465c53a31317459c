package fetch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/store"
)

// corpusDir is a sample corpus generated once for the package's tests.
var (
	corpusOnce sync.Once
	corpusDir  string
	corpusErr  error
	corpusRoot string
)

const corpusBuilds = 60

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusRoot != "" {
		os.RemoveAll(corpusRoot)
	}
	os.Exit(code)
}

func corpus(t testing.TB) string {
	t.Helper()
	corpusOnce.Do(func() {
		corpusRoot, corpusErr = os.MkdirTemp("", "recheckgen-fetch-corpus-")
		if corpusErr == nil {
			corpusDir = filepath.Join(corpusRoot, "sample")
			_, corpusErr = sample.Generate(corpusDir, sample.Options{Builds: corpusBuilds})
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusDir
}

// builds loads the corpus for a replay server (each server gets its own
// copies, which tests edit).
func builds(t testing.TB) []*replay.Build {
	t.Helper()
	bs, err := replay.Load(corpus(t))
	if err != nil {
		t.Fatal(err)
	}
	return bs
}

// sampleNow is a clock just after the sample corpus ends.
var sampleNow = sample.DefaultOptions().End.Add(time.Hour)

func testOptions(t testing.TB) Options {
	return Options{
		Cache: filepath.Join(t.TempDir(), "cache"), Globs: testcorpus.Globs, Extra: []string{"zuul-info/inventory.yaml"},
		Known: []string{"job-output.txt", "console.html"}, PerHost: 4, Timeout: 5 * time.Second, Retries: 3,
		Backoff: time.Millisecond, MaxFile: 50 << 20, MaxBuild: 500 << 20, Now: sampleNow,
	}
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func dest(st *store.Store) Store {
	return Store{St: st, Opts: store.IngestOptions{Globs: testcorpus.Globs, Now: sampleNow}}
}

func zuulSpec(z *replay.Zuul) Spec {
	return Spec{Kind: "zuul", URL: z.API(), Since: 11 * 24 * time.Hour, SuccessPercent: 10}
}

func fetchOnce(t testing.TB, specs []Spec, st *store.Store, opts Options) Summary {
	t.Helper()
	sum, err := Run(context.Background(), specs, dest(st), opts)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func (s SourceSummary) String() string {
	return fmt.Sprintf("listed %d on %d pages, held %d, fetched %d (no logs %d, missing %d), left %d, files %d, %d bytes, %d requests, %d retries, stored %+v, complete %v, err %q, warnings %q",
		s.Listed, s.Pages, s.Held, s.Fetched, s.NoLogs, len(s.LogsMissing), s.Left, s.Files, s.Bytes, s.Requests, s.Retries,
		[]int{s.Stored.Builds, s.Stored.Skipped, s.Stored.Failed}, s.Complete, s.Err, s.Warnings)
}
