package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fileSize(t *testing.T, p string) int64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestIngestRestartsWAL: an ingest's WALs start again from their
// beginning at its checkpoints, so neither grows with the corpus. (A WAL
// file never shrinks before the store closes: its size after the ingest
// is the most it held.)
func TestIngestRestartsWAL(t *testing.T) {
	defer func(n int64) { checkpointEvery = n }(checkpointEvery)
	checkpointEvery = 64 << 10
	const builds, lines = 400, 500 // 11 MB of text: 180 checkpoints
	root := t.TempDir()
	for i := range builds {
		id := fmt.Sprintf("b%03d", i)
		var log strings.Builder
		for n := range lines {
			fmt.Fprintf(&log, "2026-11-20 10:00:01.000000 | task %d of %s: value %x\n", n, id, n*i)
		}
		mustWrite(t, filepath.Join(root, id, "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", id)))
		mustWrite(t, filepath.Join(root, id, "job-output.txt"), []byte(log.String()))
	}
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs})
	if err != nil || sum.Builds != builds {
		t.Fatalf("ingest: %+v, %v", sum, err)
	}
	wal, indexWAL := fileSize(t, path+"-wal"), fileSize(t, IndexPath(path)+"-wal")
	t.Logf("%d bytes of text; WALs: store %d bytes, index %d", sum.Bytes, wal, indexWAL)
	// Restarted, the store's WAL holds what one checkpoint's worth of
	// text writes, and the index's the largest merge FTS5 makes at once
	// (64 pages per level of segments); neither grows with the corpus.
	if limit := sum.Bytes / 4; wal > limit || indexWAL > limit {
		t.Errorf("a WAL grew with the corpus: store's %d bytes, index's %d, after %d bytes of text (limit %d)", wal, indexWAL, sum.Bytes, limit)
	}
}
