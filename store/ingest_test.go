package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var testGlobs = []string{"job-output.txt", "console.html", "*.log", "logs/**/*.txt", "logs/**/*.log", "*/logs/**/*.txt", "*/logs/**/*.log"}

func openTest(t testing.TB) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

const buildJSON = `{"uuid": "%s", "job_name": "tempest-full-py3", "result": "FAILURE", "voting": true,
 "pipeline": "gate", "project": "openstack/nova", "branch": "master", "change": 1, "patchset": "2",
 "start_time": "2026-11-20T10:00:00", "end_time": "2026-11-20T11:00:00", "log_url": "https://logs.example.org/x/"}`

func TestIngest(t *testing.T) {
	root := t.TempDir()
	good := filepath.Join(root, "a")
	mustWrite(t, filepath.Join(good, "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", "aaaa")))
	mustWrite(t, filepath.Join(good, "job-output.txt.gz"), gzipped("2026-11-20 10:00:01.000000 | start\ncontinued line\n2026-11-20 10:05:00.000000 | ERROR boom\n"))
	mustWrite(t, filepath.Join(good, "logs", "screen-n-cpu.txt"), []byte("2026-11-20 10:04:00.000 77 ERROR oslo_messaging.rpc.server [-] MessagingTimeout: Timed out waiting for a reply\n"))
	mustWrite(t, filepath.Join(good, "logs", "core.txt"), []byte("\x7fELF\x00\x00"))
	mustWrite(t, filepath.Join(good, "logs", "bad.txt"), []byte("caf\xe9\n"))
	mustWrite(t, filepath.Join(good, "logs", "trunc.txt.gz"), gzipped(strings.Repeat("2026-11-20 10:06:00.000000 | x\n", 200))[:12])
	mustWrite(t, filepath.Join(good, "ignored.bin"), []byte("not a log"))
	mustWrite(t, filepath.Join(root, "b", "build.json"), []byte("{not json"))
	mustWrite(t, filepath.Join(root, "c", "job-output.txt"), []byte("orphan\n"))
	mustWrite(t, filepath.Join(root, "d", "build.json"), []byte(`{"job_name": "x"}`))

	st := openTest(t)
	ctx := context.Background()
	var progress []int
	sum, err := st.Ingest(ctx, []string{root}, IngestOptions{Globs: testGlobs, Progress: func(p Progress) { progress = append(progress, p.Done) }})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Builds != 1 || sum.Failed != 2 || sum.Skipped != 0 || sum.Files != 5 || sum.Lines != 5 {
		t.Errorf("summary %+v", sum)
	}
	warns := warnings(root, sum)
	want := []string{
		"c: has CI logs but no build.json: skipped",
		"a/logs/bad.txt: 1 line(s) with invalid UTF-8: bytes replaced with U+FFFD",
		"a/logs/core.txt: skipped: binary file (NUL bytes in its first 8 KiB)",
		"a/logs/trunc.txt.gz: read stopped after 0 lines: unexpected EOF",
		"b/build.json: invalid character 'n' looking for beginning of object key string: build skipped",
		"d/build.json: no uuid: build skipped",
	}
	if strings.Join(warns, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warns, "\n"), strings.Join(want, "\n"))
	}
	if len(progress) != 3 || progress[2] != 3 {
		t.Errorf("progress calls %v", progress)
	}

	// The continued line inherits the previous line's time; oslo fields are parsed.
	rows, err := st.db.Query(`SELECT f.name, l.lineno, l.ts_ms, COALESCE(l.module, ''), l.message FROM lines l JOIN files f ON f.id = l.file_id ORDER BY f.name, l.lineno`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var name, module, msg string
		var n int
		var ts int64
		rows.Scan(&name, &n, &ts, &module, &msg)
		got = append(got, strings.Join([]string{name, strconv.Itoa(n), fromMillis(ts).Format("15:04:05"), module, msg}, "|"))
	}
	wantLines := []string{
		"job-output.txt|1|10:00:01||2026-11-20 10:00:01.000000 | start",
		"job-output.txt|2|10:00:01||continued line",
		"job-output.txt|3|10:05:00||2026-11-20 10:05:00.000000 | ERROR boom",
		"logs/bad.txt|1|10:00:00||caf\uFFFD",
		"logs/screen-n-cpu.txt|1|10:04:00|oslo_messaging.rpc.server|2026-11-20 10:04:00.000 77 ERROR oslo_messaging.rpc.server [-] MessagingTimeout: Timed out waiting for a reply",
	}
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}

	// Incremental: a second run skips the stored build; --force replaces it.
	sum, err = st.Ingest(ctx, []string{good}, IngestOptions{Globs: testGlobs})
	if err != nil || sum.Builds != 0 || sum.Skipped != 1 {
		t.Errorf("second ingest: %+v %v", sum, err)
	}
	sum, err = st.Ingest(ctx, []string{good}, IngestOptions{Globs: testGlobs, Force: true})
	if err != nil || sum.Builds != 1 {
		t.Errorf("forced ingest: %+v %v", sum, err)
	}
	// The replaced lines' index entries stay behind (see fts.go) but
	// match no line.
	var builds, lines, fts int
	st.db.QueryRow(`SELECT (SELECT COUNT(*) FROM builds), (SELECT COUNT(*) FROM lines),
		(SELECT COUNT(*) FROM lines WHERE id IN (SELECT rowid FROM lines_fts WHERE lines_fts MATCH 'boom'))`).Scan(&builds, &lines, &fts)
	if builds != 1 || lines != 5 || fts != 1 {
		t.Errorf("after force: %d builds, %d lines, %d lines match boom", builds, lines, fts)
	}
}

func TestIngestErrors(t *testing.T) {
	st := openTest(t)
	if _, err := st.Ingest(context.Background(), []string{filepath.Join(t.TempDir(), "nope")}, IngestOptions{Globs: testGlobs}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing dir: %v", err)
	}
	if _, err := st.Ingest(context.Background(), []string{t.TempDir()}, IngestOptions{Globs: []string{"logs/[a"}}); err == nil || !strings.Contains(err.Error(), "invalid log file pattern") {
		t.Errorf("bad glob: %v", err)
	}
}

// TestIngestCancel: a cancelled ingest returns without storing a
// half-written build.
func TestIngestCancel(t *testing.T) {
	root := t.TempDir()
	for _, id := range []string{"a", "b", "c"} {
		writeBuild(t, root, id, 5000)
	}
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = st.Ingest(ctx, []string{root}, IngestOptions{Globs: testGlobs, Progress: func(p Progress) { cancel() }})
	if err == nil {
		t.Fatal("cancelled ingest returned no error")
	}
	var builds, lines, indexed int
	st.db.QueryRow("SELECT COUNT(*), (SELECT COUNT(*) FROM lines) FROM builds").Scan(&builds, &lines)
	if builds != 1 || lines != 5000 {
		t.Errorf("after cancel: %d builds, %d lines; want exactly the first build whole", builds, lines)
	}
	st.Close()
	// Whatever of its build the interrupted ingest had not indexed yet,
	// opening the store again indexes before any search.
	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.db.QueryRow("SELECT COUNT(*) FROM lines_fts WHERE lines_fts MATCH 'line'").Scan(&indexed)
	if indexed != 5000 {
		t.Errorf("after reopening, %d lines are in the full-text index, want 5000", indexed)
	}
}
