package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// TestReadBuild: a build's events come back file by file, each file in
// line order, oslo.log tracebacks joined, with levels and times; other
// builds' lines never; an unknown uuid is ErrNoBuild.
func TestReadBuild(t *testing.T) {
	root := t.TempDir()
	for _, id := range []string{"aaaa", "bbbb"} {
		dir := filepath.Join(root, id)
		mustWrite(t, filepath.Join(dir, "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", id)))
		mustWrite(t, filepath.Join(dir, "job-output.txt"), []byte("2026-11-20 10:00:01.000000 | "+id+" one\n2026-11-20 10:00:02.000000 | "+id+" two\n"))
		mustWrite(t, filepath.Join(dir, "logs", "screen-n-cpu.txt"), []byte(
			"2026-11-20 10:04:00.000 77 ERROR nova.compute.manager [-] boom "+id+"\n"+
				"2026-11-20 10:04:00.000 77 TRACE nova.compute.manager Traceback (most recent call last):\n"+
				"2026-11-20 10:04:00.000 77 TRACE nova.compute.manager ValueError: x\n"+
				"2026-11-20 10:04:01.000 77 INFO nova.compute.manager after\n"))
	}
	st := openTest(t)
	ctx := context.Background()
	if _, err := st.Ingest(ctx, []string{root}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := st.ReadBuild(ctx, "bbbb", func(l recheckgen.LogLine) error {
		got = append(got, fmt.Sprintf("%s:%d %s %s %q", l.File, l.Line, l.Time.Format("15:04:05"), l.Level, l.Message))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`job-output.txt:1 10:00:01  "2026-11-20 10:00:01.000000 | bbbb one"`,
		`job-output.txt:2 10:00:02  "2026-11-20 10:00:02.000000 | bbbb two"`,
		`logs/screen-n-cpu.txt:1 10:04:00 ERROR "2026-11-20 10:04:00.000 77 ERROR nova.compute.manager [-] boom bbbb\n2026-11-20 10:04:00.000 77 TRACE nova.compute.manager Traceback (most recent call last):\n2026-11-20 10:04:00.000 77 TRACE nova.compute.manager ValueError: x"`,
		`logs/screen-n-cpu.txt:4 10:04:01 INFO "2026-11-20 10:04:01.000 77 INFO nova.compute.manager after"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	stop := errors.New("stop")
	n := 0
	if err := st.ReadBuild(ctx, "aaaa", func(recheckgen.LogLine) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("stopping: %v after %d events", err, n)
	}
	if err := st.ReadBuild(ctx, "cccc", func(recheckgen.LogLine) error { return nil }); !errors.Is(err, ErrNoBuild) {
		t.Errorf("unknown build: %v", err)
	}
	builds, err := st.ListBuilds(ctx)
	if err != nil || len(builds) != 2 || builds[0].UUID != "aaaa" || builds[1].UUID != "bbbb" {
		t.Errorf("ListBuilds: %v, %+v", err, builds)
	}
}

// TestSearchBuilds: one pass of a query gives each named build the same
// lines and count as the query narrowed to that build alone; builds not
// named, or without a match, are left out.
func TestSearchBuilds(t *testing.T) {
	root := t.TempDir()
	for i, id := range []string{"aaaa", "bbbb", "cccc"} {
		dir := filepath.Join(root, id)
		mustWrite(t, filepath.Join(dir, "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", id)))
		var lines strings.Builder
		for k := 0; k < 3*(i+1); k++ {
			fmt.Fprintf(&lines, "2026-11-20 10:%02d:%02d.000000 | ERROR boom %s %d\n2026-11-20 10:%02d:%02d.500000 | fine\n", k, i, id, k, k, i)
		}
		mustWrite(t, filepath.Join(dir, "job-output.txt"), []byte(lines.String()))
	}
	st := openTest(t)
	ctx := context.Background()
	if _, err := st.Ingest(ctx, []string{root}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	win := recheckgen.Window{Start: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Bucket: 24 * time.Hour}
	q := parse(t, `message:boom`)
	got, err := st.SearchBuilds(ctx, q, win, []string{"aaaa", "cccc", "zzzz"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d builds: %v", len(got), got)
	}
	for _, id := range []string{"aaaa", "cccc"} {
		one := parse(t, `message:boom AND build_uuid:`+id)
		m, err := st.Search(ctx, one, win, recheckgen.SearchOptions{Recent: 4, IncludeNonvoting: true})
		if err != nil {
			t.Fatal(err)
		}
		bh := got[id]
		if bh.Lines != m.Builds[0].Lines || len(bh.Hits) != len(m.Recent) {
			t.Fatalf("%s: %d lines, %d hits; alone %d lines, %d hits", id, bh.Lines, len(bh.Hits), m.Builds[0].Lines, len(m.Recent))
		}
		for i := range bh.Hits {
			if bh.Hits[i].Message != m.Recent[i].Message || bh.Hits[i].Line != m.Recent[i].Line || bh.Hits[i].Build.UUID != id {
				t.Errorf("%s hit %d: %+v, alone %+v", id, i, bh.Hits[i], m.Recent[i])
			}
		}
	}
}

// TestEventsPlan: a build's events are read as a range of the lines
// table's keys, with no sort and no index lookup per line: a 50 MB build
// streams in flat memory and one walk. Its files' tags are read by seeks
// on file_tags' key, never a scan of the table (which made reading every
// build of a store quadratic: 16x the sample spent most of triage there).
func TestEventsPlan(t *testing.T) {
	st := openTest(t)
	plan := func(q string, args ...any) string {
		rows, err := st.db.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		return strings.Join(plan, "; ")
	}
	if p := plan(eventsSQL, 1, 2, 1); !strings.Contains(p, "INTEGER PRIMARY KEY (rowid>? AND rowid<?)") || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "INDEX") {
		t.Errorf("events plan %q: want a range of the table's keys, no index and no sort", p)
	}
	if p := plan(tagsSQL, 1, 2); strings.Contains(p, "SCAN file_tags") || strings.Contains(p+";", "SCAN t;") || !strings.Contains(p, "(tag=? AND file_id>? AND file_id<?)") {
		t.Errorf("tags plan %q: want seeks on file_tags' key, no scan", p)
	}
}
