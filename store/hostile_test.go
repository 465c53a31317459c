package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIngestReadsOnlyTheBuildDirectory: links leaving a build directory,
// and files that are not regular, are never read, each with a warning; a
// link inside it is read.
func TestIngestReadsOnlyTheBuildDirectory(t *testing.T) {
	root := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	mustWrite(t, secret, []byte("2026-11-20 10:00:00.000 1 ERROR x [-] root:x:0:0:SECRET\n"))
	// A build whose logs link out, and one whose build.json does.
	a := filepath.Join(root, "a")
	mustWrite(t, filepath.Join(a, "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", "aaaa")))
	mustWrite(t, filepath.Join(a, "logs", "real.txt"), []byte("2026-11-20 10:00:00.000000 | real line\n"))
	must(t, os.Symlink(secret, filepath.Join(a, "logs", "passwd.txt")))
	must(t, os.Symlink(secret, filepath.Join(a, "job-output.txt")))
	must(t, os.Symlink("../../"+filepath.Base(filepath.Dir(secret))+"/secret.txt", filepath.Join(a, "logs", "rel.txt")))
	must(t, os.Symlink("real.txt", filepath.Join(a, "logs", "alias.txt")))
	must(t, syscall.Mkfifo(filepath.Join(a, "logs", "fifo.txt"), 0o644))
	must(t, os.Symlink("/dev/zero", filepath.Join(a, "logs", "zero.txt")))
	b := filepath.Join(root, "b")
	mustWrite(t, filepath.Join(t.TempDir(), "x"), nil)
	outRecord := filepath.Join(t.TempDir(), "build.json")
	mustWrite(t, outRecord, []byte(strings.ReplaceAll(buildJSON, "%s", "bbbb")))
	must(t, os.MkdirAll(b, 0o755))
	must(t, os.Symlink(outRecord, filepath.Join(b, "build.json")))

	st := openTest(t)
	done := make(chan struct{})
	var sum Summary
	var err error
	go func() {
		defer close(done)
		sum, err = st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs})
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("ingest blocked (on the FIFO?)")
	}
	if err != nil {
		t.Fatal(err)
	}
	got := warnings(root, sum)
	want := []string{
		"a/job-output.txt: skipped: is a symbolic link leaving the directory, or a broken one: not read",
		"a/logs/fifo.txt: skipped: is not a regular file: not read (a FIFO)",
		"a/logs/passwd.txt: skipped: is a symbolic link leaving the directory, or a broken one: not read",
		"a/logs/rel.txt: skipped: is a symbolic link leaving the directory, or a broken one: not read",
		"a/logs/zero.txt: skipped: is a symbolic link leaving the directory, or a broken one: not read",
		"b/build.json: is a symbolic link leaving the directory, or a broken one: not read: build skipped",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var secrets, lines int
	st.db.QueryRow(`SELECT COUNT(*) FROM lines WHERE message LIKE '%SECRET%'`).Scan(&secrets)
	st.db.QueryRow(`SELECT COUNT(*) FROM lines`).Scan(&lines)
	if secrets != 0 || lines != 2 || sum.Builds != 1 || sum.Failed != 1 {
		t.Errorf("%d secret lines, %d lines (want the real one twice: real.txt and alias.txt), summary %+v", secrets, lines, sum)
	}
}

// TestEventJoiningIsBounded: a long run of untimestamped lines after an
// oslo.log line is joined up to the line cap and cut there, counted.
func TestEventJoiningIsBounded(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a")
	mustWrite(t, filepath.Join(dir, "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", "aaaa")))
	var log strings.Builder
	log.WriteString("2026-11-20 10:00:00.000 1 INFO nova.config [-] dumping config\n")
	line := strings.Repeat("c", 110) + "\n"
	for i := 0; i < 20000; i++ { // 2.2 MB of continuation lines
		log.WriteString(line)
	}
	log.WriteString("2026-11-20 10:00:01.000 1 ERROR nova.compute [-] after the dump\n")
	mustWrite(t, filepath.Join(dir, "logs", "screen-n-cpu.txt"), []byte(log.String()))
	st := openTest(t)
	sum, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs})
	if err != nil {
		t.Fatal(err)
	}
	want := "a/logs/screen-n-cpu.txt: 1 event(s) (a line and the untimestamped lines joined to it) longer than 1 MiB were cut"
	if got := warnings(root, sum); len(got) != 1 || got[0] != want {
		t.Errorf("warnings %q, want %q", got, want)
	}
	rows, err := st.db.Query(`SELECT lineno, length(message) FROM lines ORDER BY lineno`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][2]int
	for rows.Next() {
		var n, size int
		rows.Scan(&n, &size)
		got = append(got, [2]int{n, size})
	}
	if len(got) != 2 || got[0] != [2]int{1, 1 << 20} || got[1][0] != 20002 {
		t.Errorf("events (line, size): %v; want the first cut at 1 MiB, the next at line 20002", got)
	}
}

// TestImplausibleTimes: a build record dated outside the plausible range
// is refused; a log line stamped so takes the time before it.
func TestImplausibleTimes(t *testing.T) {
	root := t.TempDir()
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, b := range []struct{ id, start, end string }{
		{"old", "-99999999999", ""},
		{"y9999", "9999-12-31T23:59:59", ""},
		{"future", "2099-01-01T00:00:00", ""},
		{"endless", "2026-11-20T10:00:00", "9999-01-01T00:00:00"},
		{"good", "2026-11-20T10:00:00", "2026-11-20T11:00:00"},
	} {
		rec := `{"uuid": "` + b.id + `", "job_name": "j", "result": "FAILURE", "start_time": "` + b.start + `"`
		if b.end != "" {
			rec += `, "end_time": "` + b.end + `"`
		}
		mustWrite(t, filepath.Join(root, b.id, "build.json"), []byte(rec+"}"))
		mustWrite(t, filepath.Join(root, b.id, "job-output.txt"), []byte("2026-11-20 10:00:05.000000 | one\n9999-12-31 10:00:00.000000 | two\n"))
	}
	st := openTest(t)
	sum, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"endless/build.json: end_time: time 9999-01-01T00:00:00Z is outside the accepted range (1970-01-01 to a day past now): build skipped",
		"future/build.json: start_time: time 2099-01-01T00:00:00Z is outside the accepted range (1970-01-01 to a day past now): build skipped",
		"old/build.json: start_time: time in year -1199 is outside the accepted range (1970-01-01 to a day past now): build skipped",
		"y9999/build.json: start_time: time 9999-12-31T23:59:59Z is outside the accepted range (1970-01-01 to a day past now): build skipped",
	}
	if got := warnings(root, sum); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var maxTS int64
	st.db.QueryRow(`SELECT MAX(ts_ms) FROM lines`).Scan(&maxTS)
	if got := fromMillis(maxTS); !got.Equal(time.Date(2026, 11, 20, 10, 0, 5, 0, time.UTC)) {
		t.Errorf("newest line time %v: the year-9999 line should take the time before it", got)
	}
}

func warnings(root string, sum Summary) []string {
	var out []string
	for _, w := range sum.Warnings {
		rel, _ := filepath.Rel(root, w.Path)
		out = append(out, filepath.ToSlash(rel)+": "+w.Msg)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwoIngestsAtOnce: two stores open on one file (as two processes
// would be) ingest at the same time: both finish, every build is stored
// once and every line is found by the index.
func TestTwoIngestsAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, d := range dirs {
		for j := 0; j < 20; j++ {
			writeBuild(t, d, fmt.Sprintf("p%d-%02d", i, j), 300)
		}
	}
	for _, force := range []bool{false, true} {
		errs := make(chan error, 2)
		for _, d := range dirs {
			go func() {
				st, err := Open(context.Background(), path)
				if err != nil {
					errs <- err
					return
				}
				defer st.Close()
				_, err = st.Ingest(context.Background(), []string{d}, IngestOptions{Globs: testGlobs, Force: force})
				errs <- err
			}()
		}
		for range dirs {
			if err := <-errs; err != nil {
				t.Errorf("force=%v: %v", force, err)
			}
		}
	}
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var builds, lines, indexed int
	st.db.QueryRow(`SELECT (SELECT COUNT(*) FROM builds), (SELECT COUNT(*) FROM lines),
		(SELECT COUNT(*) FROM lines WHERE id IN (SELECT rowid FROM lines_fts WHERE lines_fts MATCH 'line'))`).Scan(&builds, &lines, &indexed)
	if builds != 40 || lines != 40*300 || indexed != lines {
		t.Errorf("%d builds, %d lines, %d indexed; want 40, 12000, 12000", builds, lines, indexed)
	}
}

// TestOpenDropsImplausibleBuilds: builds an older version stored with
// absurd times leave the store (lines too) when it is opened, and say so.
func TestOpenDropsImplausibleBuilds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	storeWithBuilds(t, path, 3) // b000, b001, b002 of 100 lines each
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Notices()) != 0 {
		t.Errorf("notices on a clean store: %v", st.Notices())
	}
	// What versions before the time checks let in.
	st.db.Exec(`UPDATE builds SET start_ms = -99999999999000 WHERE uuid = 'b000'`)
	st.db.Exec(`UPDATE builds SET end_ms = ? WHERE uuid = 'b002'`, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	st.Close()

	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Two thirds of the indexed lines are gone: the index is rebuilt too.
	want := []string{
		"dropped 2 build(s) dated outside 1970 to a day past now, stored by an older version: b000, b002",
		"the full-text index " + IndexPath(path) + " holds more than a quarter of entries for lines replaced since: building it from the store",
	}
	if n := st.Notices(); strings.Join(n, "\n") != strings.Join(want, "\n") {
		t.Errorf("notices:\n%s\nwant:\n%s", strings.Join(n, "\n"), strings.Join(want, "\n"))
	}
	var builds, lines int
	st.db.QueryRow(`SELECT (SELECT COUNT(*) FROM builds), (SELECT COUNT(*) FROM lines)`).Scan(&builds, &lines)
	if builds != 1 || lines != 100 {
		t.Errorf("%d builds and %d lines left, want 1 and 100", builds, lines)
	}
	if l, err := st.Latest(context.Background(), time.Now()); err != nil || l.Time.Year() != 2026 {
		t.Errorf("latest %+v %v", l, err)
	}
}
