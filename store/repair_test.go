package store

import (
	"context"
	"github.com/recheckgen/recheckgen"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDamagedIndexIsRebuilt: an index file overwritten, truncated or
// damaged inside is rebuilt from the stored lines when the store opens,
// which says so; searches then find every line again.
func TestDamagedIndexIsRebuilt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, index string)
		want   string
	}{
		{"overwritten", func(t *testing.T, p string) {
			must(t, os.WriteFile(p, []byte(strings.Repeat("garbage ", 5000)), 0o644))
		},
			"is damaged (not a SQLite file (overwritten?))"},
		{"truncated mid-page", func(t *testing.T, p string) { must(t, os.Truncate(p, size(t, p)/2+100)) },
			"not a whole number of"},
		{"truncated at a page", func(t *testing.T, p string) { must(t, os.Truncate(p, size(t, p)/2/4096*4096)) },
			"is damaged"},
		{"cut to its header", func(t *testing.T, p string) { must(t, os.Truncate(p, 50)) },
			"shorter than a SQLite header"},
		{"damaged inside", func(t *testing.T, p string) {
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			must(t, err)
			junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 4096))
			for off := int64(8192); off+int64(len(junk)) < size(t, p); off += 3 * int64(len(junk)) {
				f.WriteAt(junk, off)
			}
			f.Close()
			// Whoever wrote it left the time as it was; the size tells.
		}, "is damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "logs.db")
			storeWithBuilds(t, path, 30)
			st, err := Open(context.Background(), path) // records the index as good
			must(t, err)
			st.Close()
			index := IndexPath(path)
			tc.damage(t, index)
			var heard []string
			var progress [][2]int64
			st, err = OpenWith(context.Background(), path, OpenOptions{Notify: func(s string) { heard = append(heard, s) },
				Progress: func(done, total int64) { progress = append(progress, [2]int64{done, total}) }})
			if err != nil {
				t.Fatalf("open with a damaged index: %v", err)
			}
			defer st.Close()
			if len(heard) == 0 || !strings.Contains(heard[0], "the full-text index "+index) || !strings.Contains(strings.Join(heard, "\n"), tc.want) {
				t.Errorf("heard %q, want %q", heard, tc.want)
			}
			if n := countMatches(t, st, "line"); n != 30*100 {
				t.Errorf("%d lines found after the rebuild, want 3000", n)
			}
			if len(progress) == 0 || progress[len(progress)-1] != [2]int64{3000, 3000} {
				t.Errorf("progress %v, want it to end at 3000 of 3000 lines", progress)
			}
		})
	}
}

// TestIndexCheckedOnlyWhenChanged: an index recheckgen wrote is not
// checked again at the next open; one changed by something else is, and
// one that is only behind (an ingest stopped early) is completed, saying
// why.
func TestIndexCheckedOnlyWhenChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 3)
	for i := range 2 {
		st, err := Open(context.Background(), path)
		must(t, err)
		if n := st.Notices(); len(n) != 0 {
			t.Errorf("open %d of an intact store: %q", i, n)
		}
		var size, mtime int64
		st.db.QueryRow(`SELECT (SELECT value FROM main.meta WHERE key = 'fts_size'), (SELECT value FROM main.meta WHERE key = 'fts_mtime')`).Scan(&size, &mtime)
		if s, m, _ := fileStamp(IndexPath(path)); s != size || m != mtime {
			t.Errorf("open %d: index recorded as %d bytes at %d, the file is %d at %d", i, size, mtime, s, m)
		}
		st.Close()
	}
	// Lines stored but not indexed, as after an ingest killed between
	// its commit and the indexer's.
	st, err := Open(context.Background(), path)
	must(t, err)
	st.db.Exec(`UPDATE fts.meta SET value = 150 WHERE key = 'indexed'`)
	st.Close()
	future := time.Now().Add(time.Hour)
	os.Chtimes(IndexPath(path), future, future) // changed by "something else"
	st, err = Open(context.Background(), path)
	must(t, err)
	defer st.Close()
	if n := st.Notices(); len(n) != 1 || n[0] != "indexing 150 stored line(s) the full-text index does not hold yet (an ingest stopped before its indexer caught up)" {
		t.Errorf("notices %q", n)
	}
}

func size(t *testing.T, p string) int64 {
	t.Helper()
	st, err := os.Stat(p)
	must(t, err)
	return st.Size()
}

func countMatches(t *testing.T, st *Store, word string) int {
	t.Helper()
	var n int
	if err := st.db.QueryRow(`SELECT COUNT(*) FROM lines WHERE id IN (SELECT rowid FROM lines_fts WHERE lines_fts MATCH ?)`, word).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIngestLeavesIndexKnownGood: after an ingest the index file is as
// recorded, so the next open runs no check.
func TestIngestLeavesIndexKnownGood(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 3) // ingests and closes
	st, err := Open(context.Background(), path)
	must(t, err)
	defer st.Close()
	var size, mtime int64
	st.db.QueryRow(`SELECT (SELECT value FROM main.meta WHERE key = 'fts_size'), (SELECT value FROM main.meta WHERE key = 'fts_mtime')`).Scan(&size, &mtime)
	if s, m, _ := fileStamp(IndexPath(path)); s != size || m != mtime {
		t.Errorf("after an ingest the index file (%d bytes at %d) is not as recorded (%d at %d)", s, m, size, mtime)
	}
}

// TestRebuildProgress: a rebuild reports its progress pass by pass.
func TestRebuildProgress(t *testing.T) {
	defer func(n int64) { passLines = n }(passLines)
	passLines = 1000
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 30) // 3000 lines
	must(t, removeIndexFiles(IndexPath(path)))
	var progress [][2]int64
	st, err := OpenWith(context.Background(), path, OpenOptions{Progress: func(done, total int64) { progress = append(progress, [2]int64{done, total}) }})
	must(t, err)
	st.Close()
	want := [][2]int64{{1000, 3000}, {2000, 3000}, {3000, 3000}}
	if len(progress) < 3 || progress[len(progress)-1] != want[2] || progress[0] != want[0] {
		t.Errorf("progress %v, want %v", progress, want)
	}
}

// TestDamageFoundBySearchIsRepaired: damage inside the index's entries
// that neither the file's header and size nor quick_check sees (its pages
// whole, their contents not), and that came without changing the file's
// size or time (a cache restored, a disk's fault), is found by a search:
// that search fails saying so, and the next open rebuilds the index
// rather than failing every command from then on.
func TestDamageFoundBySearchIsRepaired(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 30)
	st, err := Open(ctx, path)
	must(t, err)
	// The segments' contents garbled, the b-trees that hold them intact.
	if _, err := st.db.Exec(`UPDATE fts.lines_fts_data SET block = randomblob(length(block)) WHERE id > 10`); err != nil {
		t.Fatal(err)
	}
	must(t, st.markIndexGood(ctx)) // the damage unseen: size and time as recorded
	st.Close()

	st, err = Open(ctx, path)
	must(t, err)
	if n := st.Notices(); len(n) != 0 {
		t.Fatalf("the damage was seen on opening (%q): this test needs damage only a search finds", n)
	}
	_, err = st.Search(ctx, parse(t, "message:line"), testWindow, recheckgen.SearchOptions{IncludeNonvoting: true})
	st.Close()
	if err == nil || !strings.Contains(err.Error(), "the full-text index is damaged") || !strings.Contains(err.Error(), "the next command rebuilds it") {
		t.Fatalf("search over a damaged index: %v", err)
	}

	var heard []string
	st, err = OpenWith(ctx, path, OpenOptions{Notify: func(s string) { heard = append(heard, s) }})
	must(t, err)
	defer st.Close()
	if len(heard) == 0 || !strings.Contains(heard[0], "the full-text index "+IndexPath(path)+" is damaged") {
		t.Errorf("heard %q, want the rebuild announced", heard)
	}
	m, err := st.Search(ctx, parse(t, "message:line"), testWindow, recheckgen.SearchOptions{IncludeNonvoting: true})
	if err != nil || len(m.Builds) != 30 {
		t.Fatalf("search after the rebuild: %v, want 30 builds", err)
	}
	// Rebuilt and known good: the next open is quiet.
	st.Close()
	st, err = Open(ctx, path)
	must(t, err)
	if n := st.Notices(); len(n) != 0 {
		t.Errorf("open after the rebuild: %q", n)
	}
}
