package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
)

var (
	sampleStoreOnce sync.Once
	sampleStorePtr  *Store
	sampleStoreErr  error
)

// sampleStore is the sample corpus ingested once per test binary.
func sampleStore(tb testing.TB) *Store {
	tb.Helper()
	dir := sampleCorpus(tb)
	sampleStoreOnce.Do(func() {
		var st *Store
		st, sampleStoreErr = Open(context.Background(), filepath.Join(filepath.Dir(dir), "logs.db"))
		if sampleStoreErr == nil {
			_, sampleStoreErr = st.Ingest(context.Background(), []string{dir}, IngestOptions{Globs: testGlobs})
		}
		sampleStorePtr = st
	})
	if sampleStoreErr != nil {
		tb.Fatal(sampleStoreErr)
	}
	return sampleStorePtr
}

func repoQueries(tb testing.TB) []recheckgen.Query {
	tb.Helper()
	qs, dl := queryfile.LoadDir(filepath.Join("..", "queries"), queryfile.Options{Operator: lucene.AND})
	if dl.Errors() > 0 || len(qs) == 0 {
		tb.Fatalf("repository queries: %d loaded, %v", len(qs), dl)
	}
	return qs
}

var sampleWindow = recheckgen.Window{Start: time.Date(2026, 11, 10, 13, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC), Bucket: time.Hour}

// TestStarterQueries: every query of the repository finds failed builds
// of the sample corpus and never a successful one.
func TestStarterQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests the sample corpus")
	}
	st := sampleStore(t)
	qs := repoQueries(t)
	if len(qs) < 12 {
		t.Errorf("%d starter queries, want at least 12", len(qs))
	}
	for _, q := range qs {
		m, err := st.Search(context.Background(), q, sampleWindow, recheckgen.SearchOptions{IncludeNonvoting: true})
		if err != nil {
			t.Errorf("%s: %v", q.ID, err)
			continue
		}
		if len(m.Builds) == 0 {
			t.Errorf("%s matches no sample build", q.ID)
		}
		for _, b := range m.Builds {
			if !b.Failed() {
				t.Errorf("%s matches successful build %s (%s)", q.ID, b.UUID, b.Job)
				break
			}
		}
	}
}

// BenchmarkQueries runs every repository query over the ingested sample.
func BenchmarkQueries(b *testing.B) {
	st := sampleStore(b)
	qs := repoQueries(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			if _, err := st.Search(context.Background(), q, sampleWindow, recheckgen.SearchOptions{Recent: 10}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(qs)*b.N)/b.Elapsed().Seconds(), "queries/s")
}
