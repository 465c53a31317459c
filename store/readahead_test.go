package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestReadersStayNearTheWriter: while the writer is held up, the readers
// read only a few builds ahead of it, whatever the corpus holds.
func TestReadersStayNearTheWriter(t *testing.T) {
	root := t.TempDir()
	for i := range 1000 { // 1000 small builds, 7 MB of lines in all
		writeBuild(t, root, fmt.Sprintf("b%04d", i), 200)
	}
	st := openTest(t)
	var grown int64
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := heap()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st.Ingest(ctx, []string{root}, IngestOptions{Globs: testGlobs, Workers: 2,
		Progress: func(p Progress) { // hold the writer up after its first build, then stop
			time.Sleep(time.Second)
			grown = heap() - before
			cancel()
		}})
	t.Logf("heap grew by %d bytes while the writer was held up", grown)
	if grown > 4<<20 {
		t.Errorf("heap grew by %d bytes while the writer was held up: the readers read far ahead of it", grown)
	}
}

// TestChunksBoundedInBytes: long lines, and the test results read in
// them, travel to the writer in chunks of bounded size, not chunkLines
// (or testsChunk) of them at once.
func TestChunksBoundedInBytes(t *testing.T) {
	dir := t.TempDir()
	line := "2026-11-20 10:00:01.000000 | {0} tempest.api." + strings.Repeat("x", 10000) + " [1.0s] ... ok"
	mustWrite(t, filepath.Join(dir, "job-output.txt"), []byte(strings.Repeat(line+"\n", 1000)))
	st := openTest(t)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var largest, lines, results, largestResults int
	st.readFile(root, dir, "job-output.txt", time.Now(), time.Now(), 0, func(it item) bool {
		size := 0
		for _, l := range it.lines {
			size += len(l.message)
		}
		largest, lines = max(largest, size), lines+len(it.lines)
		size = 0
		for _, r := range it.tests {
			size += len(r.r.Test)
		}
		largestResults, results = max(largestResults, size), results+len(it.tests)
		return true
	})
	if lines != 1000 || results != 1000 {
		t.Fatalf("%d lines and %d test results read, want 1000 of each", lines, results)
	}
	if largest > chunkBytes+len(line) {
		t.Errorf("a chunk of %d bytes of lines travelled at once, want at most %d", largest, chunkBytes+len(line))
	}
	if largestResults > chunkBytes+len(line) {
		t.Errorf("a chunk of test results naming %d bytes travelled at once, want at most %d", largestResults, chunkBytes+len(line))
	}
}
