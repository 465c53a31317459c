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
// textBuilds writes build directories b000, b001, ... below root, each
// with a job-output.txt of the given number of lines of varied words,
// and returns root.
func textBuilds(t *testing.T, builds, lines int) string {
	t.Helper()
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
	return root
}

func TestIngestRestartsWAL(t *testing.T) {
	defer func(n int64) { checkpointEvery = n }(checkpointEvery)
	checkpointEvery = 64 << 10
	const builds = 400 // 11 MB of text: 180 checkpoints
	root := textBuilds(t, builds, 500)
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

// TestIndexRebuildInPasses: rebuilding a whole index takes passes of
// bounded size, each copied into the index file before the next, so the
// index's WAL stays within one pass.
func TestIndexRebuildInPasses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := st.Ingest(context.Background(), []string{textBuilds(t, 100, 500)}, IngestOptions{Globs: testGlobs})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(IndexPath(path)); err != nil {
		t.Fatal(err)
	}
	defer func(n int64) { passLines = n }(passLines)
	passLines = 2000 // 25 passes
	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if found, _, indexed := indexState(t, st, "task"); int64(found) != sum.Lines || int64(indexed) != sum.Lines {
		t.Errorf("after the rebuild, a search finds %d lines, the index counts %d indexed; want %d", found, indexed, sum.Lines)
	}
	wal := fileSize(t, IndexPath(path)+"-wal")
	st.Close()
	index := fileSize(t, IndexPath(path))
	t.Logf("index %d bytes; its WAL held %d", index, wal)
	// Passes restart the WAL; one pass of the whole index left it there.
	if wal > index/2 {
		t.Errorf("the index's WAL grew to %d bytes for an index of %d", wal, index)
	}
}
