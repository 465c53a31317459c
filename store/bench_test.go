package store

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/recheckgen/recheckgen/sample"
)

var (
	corpusOnce sync.Once
	corpusDir  string
	corpusErr  error
)

// sampleCorpus generates the default sample corpus once per test binary.
func sampleCorpus(tb testing.TB) string {
	tb.Helper()
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "recheckgen-sample-")
		if err != nil {
			corpusErr = err
			return
		}
		corpusDir = filepath.Join(dir, "sample")
		_, corpusErr = sample.Generate(corpusDir, sample.DefaultOptions())
	})
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return corpusDir
}

// BenchmarkIngest stores the whole sample corpus into a fresh store and
// reports lines/s and MB/s.
func BenchmarkIngest(b *testing.B) {
	dir := sampleCorpus(b)
	var sum Summary
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := Open(context.Background(), filepath.Join(b.TempDir(), "logs.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if sum, err = st.Ingest(context.Background(), []string{dir}, IngestOptions{Globs: testGlobs}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(sum.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(sum.Bytes)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MB/s")
}
