package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/tempest"
)

// testRec is a test result read in a log file, on its way to the writer.
type testRec struct {
	lineno int
	ts     int64
	r      tempest.Result
}

// totalsRec is a Totals block read in a log file.
type totalsRec struct {
	lineno int
	t      tempest.Totals
}

// testsChunk is how many results travel to the writer at once, and
// chunkBytes how much of their lines' text at most (a result's strings
// come from its line, up to 1 MiB).
const testsChunk = 1024

// testRows is the writer's side: the INSERTs of results and totals.
const (
	insertTestSQL   = "INSERT INTO test_results (build_id, file_id, lineno, ts_ms, test, status, secs) VALUES (?, ?, ?, ?, ?, ?, ?)"
	insertTotalsSQL = "INSERT INTO test_totals (build_id, file_id, lineno, ran, passed, skipped, failed) VALUES (?, ?, ?, ?, ?, ?, ?)"
)

// testsBatch is how many results one INSERT stores (a tempest run prints
// a thousand): a statement per row cost the ingest a tenth more
// allocations.
const testsBatch = 64

func insertTestsSQL(rows int) string {
	return insertTestSQL + strings.Repeat(", (?, ?, ?, ?, ?, ?, ?)", rows-1)
}

func (bt *buildTx) insertTests(ctx context.Context, recs []testRec) error {
	args := make([]any, 0, 7*testsBatch)
	for len(recs) > 0 {
		n, stmt := 1, bt.test
		if len(recs) >= testsBatch {
			n, stmt = testsBatch, bt.tests
		}
		args = args[:0]
		for _, t := range recs[:n] {
			var secs any
			if t.r.Seconds >= 0 {
				secs = t.r.Seconds
			}
			args = append(args, bt.buildID, bt.fileID, t.lineno, t.ts, t.r.Test, string(t.r.Status), secs)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("store test results: %w", err)
		}
		recs = recs[n:]
	}
	return nil
}

func (bt *buildTx) insertTotals(ctx context.Context, recs []totalsRec) error {
	for _, t := range recs {
		if _, err := bt.totals.ExecContext(ctx, bt.buildID, bt.fileID, t.lineno, t.t.Ran, t.t.Passed, t.t.Skipped, t.t.Failed); err != nil {
			return fmt.Errorf("store test totals: %w", err)
		}
	}
	return nil
}

// testsFromLines fills the test tables of a store written before they
// existed, from the lines it holds. Only lines holding " ... " can be
// results; the Totals blocks, which span lines, are not recovered.
func testsFromLines(ctx context.Context, tx sqlConn) error {
	rows, err := tx.QueryContext(ctx, "SELECT build_id, file_id, lineno, ts_ms, message FROM lines WHERE instr(message, ' ... ') > 0")
	if err != nil {
		return err
	}
	type row struct {
		build, file, lineno, ts int64
		r                       tempest.Result
	}
	var found []row
	for rows.Next() {
		var x row
		var msg []byte
		if err := rows.Scan(&x.build, &x.file, &x.lineno, &x.ts, &msg); err != nil {
			rows.Close()
			return err
		}
		// An oslo.log event may hold several lines.
		for i, line := range bytes.Split(msg, []byte("\n")) {
			if r, ok := tempest.ParseLine(line); ok {
				y := x
				y.lineno += int64(i)
				y.r = r
				found = append(found, y)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, x := range found {
		var secs any
		if x.r.Seconds >= 0 {
			secs = x.r.Seconds
		}
		if _, err := tx.ExecContext(ctx, insertTestSQL, x.build, x.file, x.lineno, x.ts, x.r.Test, string(x.r.Status), secs); err != nil {
			return err
		}
	}
	return nil
}

// TestRuns lists the test results read in the logs of the builds that
// started in w (see package tempest).
func (s *Store) TestRuns(ctx context.Context, w recheckgen.Window, f recheckgen.BuildFilter) ([]recheckgen.TestRun, error) {
	builds, err := s.buildMap(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.build_id, f.name, r.lineno, r.ts_ms, r.test, r.status, r.secs
		FROM test_results r JOIN builds b ON b.id = r.build_id JOIN files f ON f.id = r.file_id
		WHERE b.start_ms >= ? AND b.start_ms < ? ORDER BY r.build_id, r.file_id, r.lineno`, w.Start.UnixMilli(), w.End.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("test results: %w", err)
	}
	defer rows.Close()
	var out []recheckgen.TestRun
	for rows.Next() {
		var id, ts int64
		var secs sql.NullFloat64
		var t recheckgen.TestRun
		var status string
		if err := rows.Scan(&id, &t.File, &t.Line, &ts, &t.Test, &status, &secs); err != nil {
			return nil, fmt.Errorf("test results: %w", err)
		}
		b, ok := builds[id]
		if !ok || !keep(b.b, f) {
			continue
		}
		t.Build, t.Status, t.Time, t.Seconds = b.b, recheckgen.TestStatus(status), time.UnixMilli(ts).UTC(), -1
		if secs.Valid {
			t.Seconds = secs.Float64
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TestTotals lists the Totals blocks read in the logs of the builds that
// started in w.
func (s *Store) TestTotals(ctx context.Context, w recheckgen.Window, f recheckgen.BuildFilter) ([]recheckgen.TestTotals, error) {
	builds, err := s.buildMap(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT t.build_id, t.ran, t.passed, t.skipped, t.failed
		FROM test_totals t JOIN builds b ON b.id = t.build_id
		WHERE b.start_ms >= ? AND b.start_ms < ? ORDER BY t.build_id, t.file_id, t.lineno`, w.Start.UnixMilli(), w.End.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("test totals: %w", err)
	}
	defer rows.Close()
	var out []recheckgen.TestTotals
	for rows.Next() {
		var id int64
		var t recheckgen.TestTotals
		if err := rows.Scan(&id, &t.Ran, &t.Passed, &t.Skipped, &t.Failed); err != nil {
			return nil, fmt.Errorf("test totals: %w", err)
		}
		if b, ok := builds[id]; ok && keep(b.b, f) {
			t.Build = b.b
			out = append(out, t)
		}
	}
	return out, rows.Err()
}

// keep says whether a build passes a filter.
func keep(b recheckgen.Build, f recheckgen.BuildFilter) bool {
	if !f.IncludeNonvoting && !b.Voting {
		return false
	}
	return len(f.Pipelines) == 0 || slices.Contains(f.Pipelines, b.Pipeline)
}

var _ recheckgen.TestReader = (*Store)(nil)

// sqlConn is a connection or a transaction.
type sqlConn interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// testScan reads a file's test results as the ingest streams its lines,
// and sends them to the writer in chunks, then its Totals blocks.
type testScan struct {
	sc       tempest.Scanner
	results  []testRec
	size     int   // bytes of the results' lines
	totalsAt []int // the line of each Totals block
	send     func(item) bool
}

func (t *testScan) line(n int, line []byte, ts int64) error {
	if r, ok := t.sc.Line(line); ok {
		t.results = append(t.results, testRec{lineno: n, ts: ts, r: r})
		t.size += len(line)
		if len(t.results) == testsChunk || t.size >= chunkBytes {
			if !t.send(item{tests: t.results}) {
				return context.Canceled
			}
			t.results, t.size = nil, 0
		}
	}
	if len(t.sc.Totals()) > len(t.totalsAt) {
		t.totalsAt = append(t.totalsAt, n)
	}
	return nil
}

// end sends what is left; false when the writer went away.
func (t *testScan) end() bool {
	if len(t.results) > 0 && !t.send(item{tests: t.results}) {
		return false
	}
	if len(t.totalsAt) == 0 {
		return true
	}
	var recs []totalsRec
	for i, x := range t.sc.Totals() {
		recs = append(recs, totalsRec{lineno: t.totalsAt[i], t: x})
	}
	return t.send(item{totals: recs})
}
