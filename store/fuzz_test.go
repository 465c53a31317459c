package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/recheckgen/recheckgen/logfile"
)

// FuzzIngest: no build directory (a build.json and a service log) makes
// ingest fail, panic or stall: bad input becomes warnings; a build stored
// holds no more events than its log has lines, each valid UTF-8 with no
// NUL and at most logfile.MaxLine long.
func FuzzIngest(f *testing.F) {
	for _, c := range []struct{ record, log string }{
		{strings.ReplaceAll(buildJSON, "%s", "f1"), "2026-11-20 10:00:00.000 1 ERROR nova.compute [-] boom\nTraceback\n  File x\n"},
		{`{"uuid": "f2", "start_time": "2026-11-20T10:00:00"}`, "2026-11-20 10:00:00.000000 | plain\n"},
		{`{"uuid": "f3", "start_time": "-99999999999"}`, "x\n"},
		{`{"uuid": "f4", "ref": {"project": "p", "change": 1}, "start_time": "2026-11-20 10:00:00"}`, "Nov 20 10:00:00 host kernel: oom\n"},
		{"\ufeff{\"uuid\": \"f5\"}", "\x00binary"},
		{`{"uuid": "../x"}`, ""},
		{`[]`, "a\r\rb\r\n"},
		{`{"uuid": "f6", "start_time": "2026-11-20T10:00:00"}`, "2026-11-20 10:00:00.000 1 INFO m [-] a\n" + strings.Repeat("cont\n", 50)},
	} {
		f.Add([]byte(c.record), []byte(c.log))
	}
	root := f.TempDir()
	st, err := Open(context.Background(), filepath.Join(root, "logs.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	n := 0
	f.Fuzz(func(t *testing.T, record, log []byte) {
		n++
		dir := filepath.Join(root, "builds", fmt.Sprint(n), "b")
		must(t, os.MkdirAll(filepath.Join(dir, "logs"), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, "build.json"), record, 0o644))
		must(t, os.WriteFile(filepath.Join(dir, "logs", "screen-n-cpu.txt"), log, 0o644))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		sum, err := st.Ingest(ctx, []string{filepath.Dir(dir)}, IngestOptions{Globs: testGlobs, Force: true,
			Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatalf("ingest failed (bad input must be a warning): %v", err)
		}
		if sum.Builds+sum.Failed != 1 {
			t.Fatalf("summary %+v", sum)
		}
		if sum.Builds == 0 {
			return
		}
		rows, err := st.db.QueryContext(ctx, `SELECT message FROM lines WHERE build_id = (SELECT MAX(id) FROM builds)`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		events := 0
		for rows.Next() {
			var msg string
			rows.Scan(&msg)
			events++
			if !utf8.ValidString(msg) || strings.ContainsRune(msg, 0) || len(msg) > logfile.MaxLine {
				t.Fatalf("stored event %q", msg)
			}
		}
		if lines := strings.Count(string(log), "\n") + 1; events > lines {
			t.Fatalf("%d events from %d lines", events, lines)
		}
	})
}
