package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

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

// TestReadBuildPlan: reading a build walks its index in stored order and
// sorts nothing, so a build of any size streams in flat memory.
func TestReadBuildPlan(t *testing.T) {
	st := openTest(t)
	rows, err := st.db.Query(`EXPLAIN QUERY PLAN SELECT file_id, lineno, ts_ms, level, message FROM lines WHERE build_id = ? ORDER BY id`, 1)
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
	p := strings.Join(plan, "; ")
	if !strings.Contains(p, "lines_build") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("plan %q: want the lines_build index and no sort", p)
	}
}
