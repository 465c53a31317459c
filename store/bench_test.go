package store

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

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
// reports lines/s, MB/s and CPU seconds per ingest (all cores). The time
// includes closing the store, as the native import's includes its exit.
func BenchmarkIngest(b *testing.B) {
	b.ReportAllocs() // Go's allocations: SQLite's own are not counted
	b.ReportAllocs() // Go allocations only: SQLite's own are not counted
	dir := sampleCorpus(b)
	var sum Summary
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum, _ = ingestOnce(b, dir)
	}
	b.ReportMetric(float64(sum.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(sum.Bytes)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MB/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// ingestOnce ingests dir into a new store and closes it, timing the
// ingest and the close (closing checkpoints the WAL into the files) and
// not the open.
func ingestOnce(b *testing.B, dir string) (Summary, time.Duration) {
	b.StopTimer()
	st, err := Open(context.Background(), filepath.Join(b.TempDir(), "logs.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	start := time.Now()
	sum, err := st.Ingest(context.Background(), []string{dir}, IngestOptions{Globs: testGlobs})
	if err != nil {
		b.Fatal(err)
	}
	st.Close()
	return sum, time.Since(start)
}

// cpuTime is the CPU time this process has used, all threads: on a
// shared machine it varies less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
