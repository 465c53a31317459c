package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// fetchedBuild writes a build directory with a start time and a result.
func fetchedBuild(t *testing.T, root, uuid, result string, start time.Time, logs string) {
	t.Helper()
	rec := fmt.Sprintf(`{"uuid": %q, "job_name": "job-%s", "result": %q, "start_time": %q, "end_time": %q, "voting": true, "pipeline": "gate"%s}`,
		uuid, uuid[:1], result, start.Format("2006-01-02T15:04:05"), start.Add(time.Hour).Format("2006-01-02T15:04:05"),
		map[bool]string{true: `, "recheckgen_logs": "` + logs + `"`, false: ""}[logs != ""])
	mustWrite(t, filepath.Join(root, uuid, "build.json"), []byte(rec))
	if logs == "" {
		mustWrite(t, filepath.Join(root, uuid, "job-output.txt"), []byte(start.Format("2006-01-02 15:04:05.000000")+" | hello\n"))
	}
}

var day0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func at(days float64) time.Time { return day0.Add(time.Duration(days * 24 * float64(time.Hour))) }

func ingestOrigin(t *testing.T, st *Store, dir, origin string) {
	t.Helper()
	if _, err := st.Ingest(context.Background(), []string{dir}, IngestOptions{Globs: testGlobs, Origin: origin, Now: at(30)}); err != nil {
		t.Fatal(err)
	}
}

func TestCoverMerges(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "logs.db"))
	must(t, err)
	defer st.Close()
	ctx := context.Background()
	for _, sp := range []Span{{at(1), at(2)}, {at(4), at(5)}, {at(2), at(3)}, {at(4.5), at(6)}, {at(8), at(9)}, {at(3), at(3)}} {
		must(t, st.Cover(ctx, "z", sp))
	}
	must(t, st.Cover(ctx, "other", Span{at(0), at(20)}))
	spans, err := st.Coverage(ctx, "z")
	must(t, err)
	got := fmt.Sprint(spans)
	want := fmt.Sprint([]Span{{at(1), at(3)}, {at(4), at(6)}, {at(8), at(9)}})
	if got != want {
		t.Errorf("spans %s, want %s", got, want)
	}
}

// TestBuildsComplete: the builds of a window are every build only when
// each source of them listed the whole window, and none came from a
// directory someone copied.
func TestBuildsComplete(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "logs.db"))
	must(t, err)
	defer st.Close()
	root := t.TempDir()
	fetchedBuild(t, root, "a1", "FAILURE", at(5), "")
	fetchedBuild(t, root, "a2", "SUCCESS", at(6), recheckgen.LogsNone)
	fetchedBuild(t, root, "a3", "FAILURE", at(7), recheckgen.LogsMissing)
	ingestOrigin(t, st, root, "zuul-a")
	win := recheckgen.Window{Start: at(4), End: at(8), Bucket: time.Hour}
	check := func(what string, want bool) {
		t.Helper()
		bs, complete, err := st.Builds(ctx, win, recheckgen.BuildFilter{})
		must(t, err)
		if complete != want {
			t.Errorf("%s: complete %v, want %v", what, complete, want)
		}
		if len(bs) == 0 {
			t.Errorf("%s: no builds", what)
		}
	}
	check("no coverage", false)
	must(t, st.Cover(ctx, "zuul-a", Span{at(4.5), at(8)}))
	check("coverage starting after the window", false)
	must(t, st.Cover(ctx, "zuul-a", Span{at(3), at(4.6)}))
	check("coverage of the window", true)
	bs, _, _ := st.Builds(ctx, win, recheckgen.BuildFilter{})
	var got []string
	for _, b := range bs {
		got = append(got, b.UUID+":"+b.Logs)
	}
	if strings.Join(got, " ") != "a3:missing a2:none a1:" {
		t.Errorf("builds %q", got)
	}
	must(t, st.Cover(ctx, "zuul-a", Span{at(9), at(10)}))
	check("a later span after the window", true)
	// A gap inside the window: its builds may be missing.
	must(t, st.exclusive(ctx, func(conn *sql.Conn) error {
		return writeCoverage(ctx, conn, "zuul-a", []Span{{at(3), at(5)}, {at(6), at(10)}})
	}))
	check("a gap in the window", false)

	st2, err := Open(ctx, filepath.Join(t.TempDir(), "logs.db"))
	must(t, err)
	defer st2.Close()
	ingestOrigin(t, st2, root, "zuul-a")
	// A source whose last listing was before the window's end covers
	// the window up to that listing.
	must(t, st2.Cover(ctx, "zuul-a", Span{at(0), at(7.5)}))
	bs, complete, _ := st2.Builds(ctx, win, recheckgen.BuildFilter{})
	if !complete || len(bs) != 3 {
		t.Errorf("listed to 7.5 days: complete %v, %d builds", complete, len(bs))
	}
	// A fetch that failed (its budget ran out: Zuul lists newest first)
	// stores what it fetched and records no coverage: the builds it
	// stored after the source's last complete listing are some of those
	// that ran, not every one.
	st3, err := Open(ctx, filepath.Join(t.TempDir(), "logs.db"))
	must(t, err)
	defer st3.Close()
	ingestOrigin(t, st3, root, "zuul-a")
	must(t, st3.Cover(ctx, "zuul-a", Span{at(0), at(5.5)}))
	if bs, complete, _ := st3.Builds(ctx, win, recheckgen.BuildFilter{}); complete || len(bs) != 3 {
		t.Errorf("builds stored after the last complete listing (5.5 days): complete %v, %d builds", complete, len(bs))
	}
	must(t, st3.Cover(ctx, "zuul-a", Span{at(5.5), at(7)}))
	if _, complete, _ := st3.Builds(ctx, win, recheckgen.BuildFilter{}); complete {
		t.Error("a listing to the newest build's start, not past it: complete")
	}
	other := t.TempDir()
	fetchedBuild(t, other, "b1", "FAILURE", at(5.5), "")
	ingestOrigin(t, st2, other, "")
	if _, complete, _ := st2.Builds(ctx, win, recheckgen.BuildFilter{}); complete {
		t.Error("a copied build directory in the window: complete")
	}
	if failed, _ := st2.FailedBuilds(ctx, win, recheckgen.BuildFilter{}); len(failed) != 3 || failed[0].UUID != "a3" || failed[0].Logs != recheckgen.LogsMissing {
		t.Errorf("failed builds: %+v", failed)
	}
}

// TestPrune: only the origin's builds older than the cut leave, with
// their lines; coverage before the cut is forgotten.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "logs.db"))
	must(t, err)
	defer st.Close()
	a, b := t.TempDir(), t.TempDir()
	for i := 0; i < 250; i++ {
		fetchedBuild(t, a, fmt.Sprintf("a%03d", i), "FAILURE", at(float64(i)/25), "")
	}
	fetchedBuild(t, b, "b1", "FAILURE", at(0), "")
	ingestOrigin(t, st, a, "zuul-a")
	ingestOrigin(t, st, b, "sample")
	must(t, st.Cover(ctx, "zuul-a", Span{at(0), at(10)}))
	n, err := st.Prune(ctx, "zuul-a", at(4))
	must(t, err)
	if n != 100 {
		t.Errorf("pruned %d, want 100", n)
	}
	known, err := st.Known(ctx, []string{"a000", "a099", "a100", "a249", "b1", "nope"})
	must(t, err)
	if fmt.Sprint(known) != "map[a100:true a249:true b1:true]" {
		t.Errorf("known after prune: %v", known)
	}
	var lines int
	must(t, st.db.QueryRow("SELECT COUNT(*) FROM lines").Scan(&lines))
	if lines != 151 {
		t.Errorf("%d lines left, want 151", lines)
	}
	spans, _ := st.Coverage(ctx, "zuul-a")
	if fmt.Sprint(spans) != fmt.Sprint([]Span{{at(4), at(10)}}) {
		t.Errorf("coverage after prune: %v", spans)
	}
	if found, _, _ := indexState(t, st, "hello"); found != 151 {
		t.Errorf("search finds %d lines after prune, want 151", found)
	}
}

// TestUpgradeFromV6: a store of version 6 gains the columns and table of
// version 7, its builds kept.
func TestUpgradeFromV6(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 3)
	db, err := sql.Open("sqlite", path)
	must(t, err)
	_, err = db.Exec(`DROP INDEX builds_origin; DROP TABLE coverage; ALTER TABLE builds DROP COLUMN logs; ALTER TABLE builds DROP COLUMN origin; ` +
		`ALTER TABLE builds DROP COLUMN logs_tries; ALTER TABLE builds DROP COLUMN logs_reason; PRAGMA user_version = 6`)
	must(t, err)
	db.Close()
	st, err := Open(context.Background(), path)
	must(t, err)
	defer st.Close()
	var v, n int
	must(t, st.db.QueryRow("SELECT (SELECT user_version FROM pragma_user_version), (SELECT COUNT(*) FROM builds WHERE logs = '' AND origin = '')").Scan(&v, &n))
	if v != schemaVersion || n != 3 {
		t.Errorf("version %d, %d builds", v, n)
	}
	must(t, st.Cover(context.Background(), "x", Span{at(0), at(1)}))
}

// missingBuild writes a build directory whose logs a fetch found missing
// tries times.
func missingBuild(t *testing.T, root, uuid string, start time.Time, tries int, reason string) {
	t.Helper()
	rec := fmt.Sprintf(`{"uuid": %q, "job_name": "job-m", "result": "FAILURE", "start_time": %q, "end_time": %q, "voting": true,
		"recheckgen_logs": "missing", "recheckgen_logs_tries": %d, "recheckgen_logs_reason": %q}`,
		uuid, start.Format("2006-01-02T15:04:05"), start.Add(time.Hour).Format("2006-01-02T15:04:05"), tries, reason)
	mustWrite(t, filepath.Join(root, uuid, "build.json"), []byte(rec))
}

// TestLogsMissingReplaced: builds stored with their logs missing are
// listed with their tries and reason; a later directory of such a build
// replaces it when its logs arrived or a later attempt found them missing
// again, and never otherwise (the same attempt again, or a held build).
func TestLogsMissingReplaced(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "logs.db"))
	must(t, err)
	defer st.Close()
	first, later := t.TempDir(), t.TempDir()
	missingBuild(t, first, "m1", at(1), 1, "server answered 503")
	missingBuild(t, first, "m2", at(2), 1, "server answered 503")
	missingBuild(t, first, "m3", at(3), 2, "timeout")
	missingBuild(t, first, "old", at(0.5), 1, "gone")
	fetchedBuild(t, first, "h1", "FAILURE", at(1), "")
	ingestOrigin(t, st, first, "zuul-a")
	got, err := st.MissingLogs(ctx, "zuul-a", at(1))
	must(t, err)
	if fmt.Sprint(got) != fmt.Sprint([]Missing{{"m1", at(1), 1, "server answered 503"}, {"m2", at(2), 1, "server answered 503"}, {"m3", at(3), 2, "timeout"}}) {
		t.Errorf("missing: %v", got)
	}
	if other, _ := st.MissingLogs(ctx, "zuul-b", at(0)); len(other) != 0 {
		t.Errorf("another origin's: %v", other)
	}

	fetchedBuild(t, later, "m1", "FAILURE", at(1), "") // whole now
	missingBuild(t, later, "m2", at(2), 2, "no complete answer")
	missingBuild(t, later, "m3", at(3), 2, "the same attempt")
	missingBuild(t, later, "h1", at(1), 1, "a stale record")
	sum, err := st.Ingest(ctx, []string{later}, IngestOptions{Globs: testGlobs, Origin: "zuul-a", Now: at(30)})
	must(t, err)
	if sum.Builds != 2 || sum.Skipped != 2 {
		t.Errorf("stored %d, skipped %d; want 2, 2", sum.Builds, sum.Skipped)
	}
	got, err = st.MissingLogs(ctx, "zuul-a", at(0))
	must(t, err)
	if fmt.Sprint(got) != fmt.Sprint([]Missing{{"old", at(0.5), 1, "gone"}, {"m2", at(2), 2, "no complete answer"}, {"m3", at(3), 2, "timeout"}}) {
		t.Errorf("missing after: %v", got)
	}
	var builds, m1Lines int
	must(t, st.db.QueryRow("SELECT (SELECT COUNT(*) FROM builds), (SELECT COUNT(*) FROM lines JOIN builds ON builds.id = lines.build_id WHERE uuid = 'm1')").Scan(&builds, &m1Lines))
	if builds != 5 || m1Lines != 1 {
		t.Errorf("%d builds, m1 holds %d lines", builds, m1Lines)
	}
	if found, _, _ := indexState(t, st, "hello"); found != 2 {
		t.Errorf("search finds %d lines, want 2 (h1's and m1's)", found)
	}
}

// TestUpgradeFromV7: a store of version 7 gains the logs' tries and
// reason; its builds with logs missing count no try yet.
func TestUpgradeFromV7(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	must(t, err)
	root := t.TempDir()
	fetchedBuild(t, root, "m1", "FAILURE", at(1), "missing")
	ingestOrigin(t, st, root, "zuul-a")
	st.Close()
	db, err := sql.Open("sqlite", path)
	must(t, err)
	_, err = db.Exec(`ALTER TABLE builds DROP COLUMN logs_tries; ALTER TABLE builds DROP COLUMN logs_reason; PRAGMA user_version = 7`)
	must(t, err)
	db.Close()
	st, err = Open(context.Background(), path)
	must(t, err)
	defer st.Close()
	got, err := st.MissingLogs(context.Background(), "zuul-a", at(0))
	must(t, err)
	if fmt.Sprint(got) != fmt.Sprint([]Missing{{"m1", at(1), 0, ""}}) {
		t.Errorf("missing after the upgrade: %v", got)
	}
}
