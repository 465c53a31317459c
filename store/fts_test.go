package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// writeBuild writes build directory root/id: a build.json and a
// job-output.txt of the given number of lines, each "line".
func writeBuild(t *testing.T, root, id string, lines int) {
	t.Helper()
	mustWrite(t, filepath.Join(root, id, "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", id)))
	mustWrite(t, filepath.Join(root, id, "job-output.txt"), []byte(strings.Repeat("2026-11-20 10:00:01.000000 | line\n", lines)))
}

// buildsDir writes n build directories of 100 lines each, b000, b001, ...,
// and returns their root.
func buildsDir(t *testing.T, n int) string {
	t.Helper()
	root := t.TempDir()
	for i := 0; i < n; i++ {
		writeBuild(t, root, fmt.Sprintf("b%03d", i), 100)
	}
	return root
}

// storeWithBuilds ingests buildsDir(t, n) into a new store at path and
// closes it: build b000 holds line ids 1-100, b001 101-200, ...
func storeWithBuilds(t *testing.T, path string, n int) {
	t.Helper()
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Ingest(context.Background(), []string{buildsDir(t, n)}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
}

// indexState reports how many lines a full-text search finds, how many
// entries the index holds for the term (stale ones included) and its
// 'indexed' watermark.
func indexState(t *testing.T, st *Store, term string) (found, entries, indexed int) {
	t.Helper()
	err := st.db.QueryRow(`SELECT
		(SELECT COUNT(*) FROM lines WHERE id IN (SELECT rowid FROM fts.lines_fts WHERE lines_fts MATCH ?1)),
		(SELECT COUNT(*) FROM fts.lines_fts WHERE lines_fts MATCH ?1),
		(SELECT value FROM fts.meta WHERE key = 'indexed')`, term).Scan(&found, &entries, &indexed)
	if err != nil {
		t.Fatal(err)
	}
	return
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, to, data)
}

// TestIndexRepair: whatever became of the index file, Open leaves an
// index that finds every stored line and nothing else.
func TestIndexRepair(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, path string)
	}{
		{"intact", func(t *testing.T, path string) {}},
		{"index file deleted", func(t *testing.T, path string) {
			if err := os.Remove(IndexPath(path)); err != nil {
				t.Fatal(err)
			}
		}},
		{"index of another store", func(t *testing.T, path string) {
			other := filepath.Join(t.TempDir(), "other.db")
			storeWithBuilds(t, other, 5) // more lines, other ids
			copyFile(t, IndexPath(other), IndexPath(path))
		}},
		{"index behind the lines", func(t *testing.T, path string) {
			// As an ingest interrupted after indexing the first build leaves it.
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`ATTACH DATABASE ? AS fts;
				INSERT INTO fts.lines_fts(lines_fts) VALUES ('delete-all');
				INSERT INTO fts.lines_fts(rowid, message) SELECT id, message FROM lines WHERE id <= 100;
				UPDATE fts.meta SET value = 100 WHERE key = 'indexed'`, IndexPath(path)); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "logs.db")
			storeWithBuilds(t, path, 3)
			tc.spoil(t, path)
			st, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			found, entries, indexed := indexState(t, st, "line")
			if found != 300 || entries != 300 || indexed != 300 {
				t.Errorf("after Open: %d lines found, %d index entries, indexed up to %d; want 300 each", found, entries, indexed)
			}
		})
	}
}

// TestIndexStaleEntries: forced re-ingests leave entries of deleted lines
// that match nothing; once they are over a quarter of the index, Open
// rebuilds it without them.
func TestIndexStaleEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 4)
	root := t.TempDir()
	writeBuild(t, root, "b000", 50)
	for _, want := range []struct{ found, entries int }{
		{400, 400},
		{350, 450}, // 100 stale entries of 450: kept
		{350, 350}, // 150 of 500: rebuilt
	} {
		st, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		found, entries, _ := indexState(t, st, "line")
		if found != want.found || entries != want.entries {
			t.Errorf("after Open: %d lines found, %d index entries; want %d, %d", found, entries, want.found, want.entries)
		}
		if _, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs, Force: true}); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
}

// TestUpgrade: stores written by schema versions 1 to 4 (1 to 3 with
// their index inside the store file) open as this version with every line
// found and the node columns added.
// Versions 1 and 2 are version 3 without what 3 and 2 added.
func TestUpgrade(t *testing.T) {
	v3, err := os.ReadFile(filepath.Join("testdata", "v3.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		version int
		back    string // SQL taking the version 3 store back to this version
	}{
		{4, "DROP TABLE lines_fts; DELETE FROM meta WHERE key = 'indexed'; PRAGMA user_version = 4;"},
		{3, ""},
		{2, "DROP INDEX lines_module; DROP INDEX lines_program; PRAGMA user_version = 2;"},
		{1, "DROP INDEX lines_module; DROP INDEX lines_program; DROP TABLE meta; PRAGMA user_version = 1;"},
	} {
		t.Run(fmt.Sprint("version ", tc.version), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "logs.db")
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(string(v3) + tc.back); err != nil {
				t.Fatal(err)
			}
			db.Close()
			st, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var version, oldIndex int
			st.db.QueryRow("SELECT user_version, (SELECT COUNT(*) FROM main.sqlite_master WHERE name LIKE 'lines_fts%') FROM pragma_user_version").Scan(&version, &oldIndex)
			if version != schemaVersion || oldIndex != 0 {
				t.Errorf("after upgrade: version %d, %d tables of the old index left", version, oldIndex)
			}
			if found, entries, indexed := indexState(t, st, "reply OR mistral"); found != 2 || entries != 2 || indexed != 3 {
				t.Errorf("after upgrade: %d lines found, %d index entries, indexed up to %d; want 2, 2, 3", found, entries, indexed)
			}
			var provider, region, node string
			if err := st.db.QueryRow("SELECT provider, region, node FROM builds").Scan(&provider, &region, &node); err != nil {
				t.Errorf("after upgrade, the node columns: %v", err)
			}
		})
	}
}

// TestLineIDsNotReused: a build re-ingested with no lines drops the
// highest line ids; the ids of the next lines must not take theirs, or
// the stale index entries would find them.
func TestLineIDsNotReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 2)
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	root := t.TempDir()
	writeBuild(t, root, "b001", 0) // the build with the highest ids, now empty
	for _, log := range []string{"", "2026-11-20 10:00:01.000000 | other\n"} {
		mustWrite(t, filepath.Join(root, "b001", "job-output.txt"), []byte(log))
		if _, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs, Force: true}); err != nil {
			t.Fatal(err)
		}
	}
	if found, _, _ := indexState(t, st, "line"); found != 100 {
		t.Errorf("%d lines found for 'line', want build b000's 100", found)
	}
	if found, _, _ := indexState(t, st, "other"); found != 1 {
		t.Errorf("%d lines found for 'other', want 1", found)
	}
}

// TestOddPaths: a store path with characters URIs give a meaning puts
// both files at exactly that path.
func TestOddPaths(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd dir #1", "logs?v=2%20.db")
	storeWithBuilds(t, path, 1)
	for _, p := range []string{path, IndexPath(path)} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if found, _, _ := indexState(t, st, "line"); found != 100 {
		t.Errorf("%d lines found, want 100", found)
	}
}

// TestIngestIndexesBeforeReturning: when Ingest returns, every line it
// stored is found, on the same open store.
func TestIngestIndexesBeforeReturning(t *testing.T) {
	st := openTest(t)
	if _, err := st.Ingest(context.Background(), []string{buildsDir(t, 20)}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	if found, entries, indexed := indexState(t, st, "line"); found != 2000 || entries != 2000 || indexed != 2000 {
		t.Errorf("%d lines found, %d index entries, indexed up to %d; want 2000 each", found, entries, indexed)
	}
}

// TestIndexerFails: an indexer that fails stops the ingest with its
// error; the builds stored are indexed by the next Open.
func TestIndexerFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.Exec(`CREATE TRIGGER fts.fail BEFORE UPDATE ON meta
		BEGIN SELECT RAISE(ABORT, 'injected index failure'); END`); err != nil {
		t.Fatal(err)
	}
	_, err = st.Ingest(context.Background(), []string{buildsDir(t, 20)}, IngestOptions{Globs: testGlobs})
	if err == nil || !strings.Contains(err.Error(), "index: ") || !strings.Contains(err.Error(), "injected index failure") {
		t.Errorf("ingest with a failing indexer: error %v", err)
	}
	var stored int
	st.db.QueryRow("SELECT COUNT(*) FROM lines").Scan(&stored)
	if _, err := st.db.Exec("DROP TRIGGER fts.fail"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if found, _, _ := indexState(t, st, "line"); stored == 0 || found != stored {
		t.Errorf("after reopening: %d of %d stored lines found", found, stored)
	}
}

// TestOpenDuringIngest: another process opening the store (and so
// completing the index) while an ingest runs makes neither fail.
func TestOpenDuringIngest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stop := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		for {
			select {
			case <-stop:
				return
			default:
			}
			other, err := Open(context.Background(), path) // its own connections, as another process's
			if err != nil {
				errc <- err
				return
			}
			other.Close()
		}
	}()
	_, ierr := st.Ingest(context.Background(), []string{buildsDir(t, 60)}, IngestOptions{Globs: testGlobs})
	close(stop)
	if ierr != nil {
		t.Errorf("ingest: %v", ierr)
	}
	if err := <-errc; err != nil {
		t.Errorf("open during ingest: %v", err)
	}
	if found, _, _ := indexState(t, st, "line"); found != 6000 {
		t.Errorf("%d lines found, want 6000", found)
	}
}

// TestIndexAheadOfStore: when the store lost deletions its index had seen
// (the files are synced apart, and power can fail between), the lines
// that came back are found again.
func TestIndexAheadOfStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 2)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// As if a re-ingest that dropped 100 lines was seen by the index
	// (rebuilt without them) but never reached the store file.
	_, err = db.Exec(`ATTACH DATABASE ? AS fts;
		INSERT INTO fts.lines_fts(lines_fts) VALUES ('delete-all');
		INSERT INTO fts.lines_fts(rowid, message) SELECT id, message FROM lines WHERE id > 100;
		UPDATE fts.meta SET value = value + 100 WHERE key = 'dropped'`, IndexPath(path))
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if found, _, _ := indexState(t, st, "line"); found != 200 {
		t.Errorf("%d lines found, want 200", found)
	}
}

// TestIndexerFinish: finish returns once every committed line is
// indexed, even lines it was never told about.
func TestIndexerFinish(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	ix := st.startIndexer(ctx)
	if _, err := st.db.Exec(`INSERT INTO builds (id, uuid) VALUES (1, 'b');
		INSERT INTO files (id, build_id, name) VALUES (1, 1, 'job-output.txt');
		INSERT INTO lines (id, build_id, file_id, lineno, ts_ms, message) VALUES (1, 1, 1, 1, 0, 'line one'), (2, 1, 1, 2, 0, 'line two')`); err != nil {
		t.Fatal(err)
	}
	if err := ix.finish(); err != nil {
		t.Fatal(err)
	}
	if found, _, indexed := indexState(t, st, "line"); found != 2 || indexed != 2 {
		t.Errorf("after finish: %d lines found, indexed up to %d; want 2, 2", found, indexed)
	}
}

// TestNewStoreQuiet: a new store says nothing of the index it creates
// (every first fetch and build opens one); a store with lines whose index
// file is gone still says it builds it.
func TestNewStoreQuiet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if n := st.Notices(); len(n) != 0 {
		t.Errorf("a new store: %q", n)
	}
	st.Close()
	path = filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 1)
	if err := os.Remove(IndexPath(path)); err != nil {
		t.Fatal(err)
	}
	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := strings.Join(st.Notices(), "\n"); !strings.Contains(n, "is missing: building it from the store") {
		t.Errorf("a store whose index is gone: %q", n)
	}
}
