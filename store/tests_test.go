package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// TestTestResults: the ingest stores the results and the Totals block the
// tempest fixture of package tempest holds, with their lines; a forced
// re-ingest replaces them.
func TestTestResults(t *testing.T) {
	fixture, err := os.ReadFile(filepath.Join("..", "tempest", "testdata", "job-output.txt"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "b1", "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", "b1")))
	mustWrite(t, filepath.Join(root, "b1", "job-output.txt"), fixture)
	st := openTest(t)
	ctx := context.Background()
	win := recheckgen.Window{Start: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}
	for _, force := range []bool{false, true} {
		if _, err := st.Ingest(ctx, []string{root}, IngestOptions{Globs: testGlobs, Force: force}); err != nil {
			t.Fatal(err)
		}
		runs, err := st.TestRuns(ctx, win, recheckgen.BuildFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range runs {
			got = append(got, fmt.Sprintf("%s:%d %s %s %g %s", r.File, r.Line, r.Status, r.Test, r.Seconds, r.Time.Format("15:04:05")))
		}
		want := []string{
			"job-output.txt:2 ok tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers 0.532011 10:14:02",
			"job-output.txt:3 ok tempest.api.compute.servers.test_create_server.ServersTestJSON.test_verify_server_details 0.48122 10:14:03",
			"job-output.txt:4 FAILED tempest.api.compute.volumes.test_attach_volume.AttachVolumeTestJSON.test_attach_detach_volume 101.312554 10:15:44",
			"job-output.txt:8 SKIPPED tempest.api.object_storage.test_container_services.ContainerTest.setUpClass -1 10:16:01",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("force %v: got\n%s\nwant\n%s", force, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		totals, err := st.TestTotals(ctx, win, recheckgen.BuildFilter{})
		if err != nil || len(totals) != 1 || totals[0].Ran != 1204 || totals[0].Failed != 1 || totals[0].Build.UUID != "b1" {
			t.Errorf("force %v: totals %+v %v", force, totals, err)
		}
	}
	if runs, _ := st.TestRuns(ctx, win, recheckgen.BuildFilter{Pipelines: []string{"check"}}); len(runs) != 0 {
		t.Errorf("a gate build's results passed a check filter: %d", len(runs))
	}
}

// TestUpgradeFillsTestResults: a store of version 5, written before the
// test tables existed, gets its results from the lines it holds.
func TestUpgradeFillsTestResults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	root := t.TempDir()
	writeBuild(t, root, "b1", 0)
	mustWrite(t, filepath.Join(root, "b1", "job-output.txt"), []byte("2026-11-20 10:00:01.000000 | c | {0} tempest.api.a.B.test_c [1.5s] ... FAILED\n"+
		"2026-11-20 10:00:02.000000 | c | {1} tempest.api.a.B.test_d [0.5s] ... ok\n"))
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE test_results; DROP TABLE test_totals; DROP INDEX builds_origin; DROP TABLE coverage; " +
		"ALTER TABLE builds DROP COLUMN logs; ALTER TABLE builds DROP COLUMN origin; " +
		"ALTER TABLE builds DROP COLUMN logs_tries; ALTER TABLE builds DROP COLUMN logs_reason; PRAGMA user_version = 5"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	win := recheckgen.Window{Start: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}
	runs, err := st.TestRuns(context.Background(), win, recheckgen.BuildFilter{})
	if err != nil || len(runs) != 2 || runs[0].Status != recheckgen.TestFailed || runs[0].Line != 1 || runs[1].Test != "tempest.api.a.B.test_d" {
		t.Errorf("after upgrade: %+v %v", runs, err)
	}
}

// TestManyTestResults: a run's results go in batches; none is lost or
// moved at a batch's edge.
func TestManyTestResults(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "b1", "build.json"), []byte(strings.ReplaceAll(buildJSON, "%s", "b1")))
	var log strings.Builder
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&log, "2026-11-20 10:00:%02d.000000 | c | {0} tempest.api.a.B.test_%03d [0.5s] ... ok\n", i%60, i)
	}
	mustWrite(t, filepath.Join(root, "b1", "job-output.txt"), []byte(log.String()))
	st := openTest(t)
	if _, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	win := recheckgen.Window{Start: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}
	runs, err := st.TestRuns(context.Background(), win, recheckgen.BuildFilter{})
	if err != nil || len(runs) != 150 {
		t.Fatalf("%d results, %v", len(runs), err)
	}
	for i, r := range runs {
		if r.Line != i+1 || r.Test != fmt.Sprintf("tempest.api.a.B.test_%03d", i) || r.Seconds != 0.5 {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
}
