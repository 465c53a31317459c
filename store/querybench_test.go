package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// benchStore is the store the query benchmarks read: the sample corpus
// ingested once, or, with RECHECKGEN_BENCH_SCALE=N, N copies of it under
// new build uuids (their log files hard links to the sample's), ingested
// into a store kept beside the corpus in RECHECKGEN_BENCH_DIR (made once,
// reused by later runs: ingesting 16 copies takes minutes).
func benchStore(b *testing.B) (*Store, string) {
	scale, _ := strconv.Atoi(os.Getenv("RECHECKGEN_BENCH_SCALE"))
	if scale <= 1 {
		st := sampleStore(b)
		return st, st.Path()
	}
	dir := os.Getenv("RECHECKGEN_BENCH_DIR")
	if dir == "" {
		b.Fatal("RECHECKGEN_BENCH_SCALE needs RECHECKGEN_BENCH_DIR, where the scaled corpus and store are kept")
	}
	path := filepath.Join(dir, fmt.Sprintf("logs-%dx.db", scale))
	if _, err := os.Stat(path); err != nil {
		corpus := filepath.Join(dir, fmt.Sprintf("corpus-%dx", scale))
		if err := scaleCorpus(sampleCorpus(b), corpus, scale); err != nil {
			b.Fatal(err)
		}
		st, err := Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Ingest(context.Background(), []string{corpus}, IngestOptions{Globs: testGlobs}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	st, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, path
}

// scaleCorpus writes n copies of the corpus at src into dst, each build
// under a new uuid, its logs hard links to the originals.
func scaleCorpus(src, dst string, n int) error {
	builds, _, err := discover([]string{src})
	if err != nil {
		return err
	}
	for copyN := range n {
		for _, bd := range builds {
			rel, _ := filepath.Rel(src, bd)
			out := filepath.Join(dst, fmt.Sprintf("copy%02d", copyN), rel)
			err := filepath.Walk(bd, func(p string, info os.FileInfo, err error) error {
				if err != nil {
					return err
				}
				r, _ := filepath.Rel(bd, p)
				target := filepath.Join(out, r)
				switch {
				case info.IsDir():
					return os.MkdirAll(target, 0o755)
				case r == "build.json":
					data, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					uuid := fmt.Sprintf("%02x", copyN)
					data = []byte(strings.Replace(string(data), `"uuid": "`, `"uuid": "`+uuid, 1))
					data = []byte(strings.Replace(string(data), `"uuid":"`, `"uuid":"`+uuid, 1))
					return os.WriteFile(target, data, 0o644)
				case info.Mode().IsRegular():
					return os.Link(p, target)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// BenchmarkQueriesVsNative runs the repository's queries as build does
// (Search: the match statement, counting in Go, the newest lines), then
// the native sqlite3 shell running the same match statements on the same
// files, in turns, and reports CPU times and their ratio (recheckgen's
// over native; target: at most 2). The shell runs with its defaults
// (cpu-ratio) and with the memory map recheckgen's searches use
// (cpu-ratio-mmap), so the ratio says what the Go side costs beyond the
// engine, not only what the map saves.
//
// Sub-benchmark all runs the 14 queries together, the shell's CPU counted
// whole (process start included) and, as stmt-ratio, only its statements'
// (.timer). Then a sub-benchmark per query runs that query alone and its
// statement alone, in turns, each side the same way: once untimed to warm
// the caches (the shell's page cache; for both, the processor's, which the
// other side's run just filled with its own), then once timed. Only the
// timed run's CPU counts (not the shell's start, nor the map's setup), so
// each query's own ratio is paired within one run and is the strictest of
// the measures. Each also runs the match statement
// alone on the store (engine-cpu-ms, and engine-ratio over the shell's):
// what SQLite itself costs in the store, compiled to Go, apart from what
// recheckgen adds to it.
func BenchmarkQueriesVsNative(b *testing.B) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Skip("sqlite3 is not installed (apt-get install sqlite3)")
	}
	st, path := benchStore(b)
	qs := repoQueries(b)
	win := sampleWindow
	native := func(b *testing.B, qs []recheckgen.Query, mmap, warm bool) (cpu, stmts, wall time.Duration) {
		cmd := exec.Command("sqlite3", "-readonly", path)
		cmd.Stdin = strings.NewReader(nativeQueries(b, qs, path, win, mmap, warm))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		t := time.Now()
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("sqlite3: %v\n%s", err, stderr.String())
		}
		wall = time.Since(t)
		times := statementTimes(b, string(out))
		if len(times) != len(qs) {
			b.Fatalf("sqlite3 timed %d statements for %d queries:\n%s", len(times), len(qs), out)
		}
		for _, d := range times {
			stmts += d
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), stmts, wall
	}
	search := func(b *testing.B, q recheckgen.Query) {
		if _, err := st.Search(context.Background(), q, win, recheckgen.SearchOptions{Recent: 10, IncludeNonvoting: q.AllowNonvoting}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("all", func(b *testing.B) {
		var ours, plain, plainStmts, withMap, oursWall, plainWall time.Duration
		for range b.N {
			cpu0, t0 := cpuTime(), time.Now()
			for _, q := range qs {
				search(b, q)
			}
			ours += cpuTime() - cpu0
			oursWall += time.Since(t0)
			cpu, stmts, wall := native(b, qs, false, false)
			plain, plainStmts, plainWall = plain+cpu, plainStmts+stmts, plainWall+wall
			cpu, _, _ = native(b, qs, true, false)
			withMap += cpu
		}
		reportVsNative(b, ours, plain, withMap)
		b.ReportMetric(ours.Seconds()/plainStmts.Seconds(), "stmt-ratio")
		b.ReportMetric(oursWall.Seconds()/plainWall.Seconds(), "wall-ratio")
	})
	for _, q := range qs {
		b.Run(q.ID, func(b *testing.B) {
			w, err := translate(q.Expr)
			if err != nil {
				b.Fatal(err)
			}
			var ours, engine, plain, withMap time.Duration
			for range b.N {
				// Each side runs once untimed just before its timed run,
				// as the shell does: whichever runs first after the
				// shell's process pays for cold processor caches (0.6 to
				// 1 ms at 16x, the same for the store as for Search).
				ours += warmThenTimed(func() { search(b, q) })
				engine += warmThenTimed(func() { statement(b, st, w, q, win) })
				_, stmts, _ := native(b, []recheckgen.Query{q}, false, true)
				plain += stmts
				_, stmts, _ = native(b, []recheckgen.Query{q}, true, true)
				withMap += stmts
			}
			reportVsNative(b, ours, plain, withMap)
			b.ReportMetric(engine.Seconds()*1000/float64(b.N), "engine-cpu-ms")
			b.ReportMetric(engine.Seconds()/plain.Seconds(), "engine-ratio")
		})
	}
}

// warmThenTimed runs f once untimed, then once more, and returns the CPU
// time of the second run.
func warmThenTimed(f func()) time.Duration {
	f()
	cpu0 := cpuTime()
	f()
	return cpuTime() - cpu0
}

// reportVsNative reports recheckgen's CPU per run beside the shell's, with
// and without the memory map, and their ratios.
func reportVsNative(b *testing.B, ours, plain, withMap time.Duration) {
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()*1000/n, "ours-cpu-ms")
	b.ReportMetric(plain.Seconds()*1000/n, "native-cpu-ms")
	b.ReportMetric(withMap.Seconds()*1000/n, "native-mmap-cpu-ms")
	b.ReportMetric(ours.Seconds()/plain.Seconds(), "cpu-ratio")
	b.ReportMetric(ours.Seconds()/withMap.Seconds(), "cpu-ratio-mmap")
}

// statement runs a query's match statement alone on the store's search
// handle, every row read and dropped, as the shell does: the engine's part
// of a search (modernc.org/sqlite's SQLite, compiled to Go), without
// recheckgen's counting, newest lines or anything else.
func statement(b *testing.B, st *Store, w where, q recheckgen.Query, win recheckgen.Window) {
	rows, err := st.reader().QueryContext(context.Background(), matchSQL(w, q.AllowNonvoting), append([]any{win.Start.UnixMilli(), win.End.UnixMilli()}, w.args...)...)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, build, ts int64
		if err := rows.Scan(&id, &build, &ts); err != nil {
			b.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
}

// statementTimes reads the CPU (user and system) of each statement from
// the shell's .timer lines.
func statementTimes(b *testing.B, out string) []time.Duration {
	var times []time.Duration
	for _, line := range strings.Split(out, "\n") {
		var real, user, sys float64
		if _, err := fmt.Sscanf(line, "Run Time: real %f user %f sys %f", &real, &user, &sys); err == nil {
			times = append(times, time.Duration((user+sys)*float64(time.Second)))
		} else if strings.HasPrefix(line, "Run Time:") {
			b.Fatalf("sqlite3: unreadable timer line %q", line)
		}
	}
	return times
}

// nativeQueries is a sqlite3 shell script running each query's match
// statement, its arguments written in, every row read and thrown away,
// each statement timed (.timer prints to standard output whatever
// .output says); with mmap, searches' memory map set first; with warm,
// the statements run once untimed before (SQLite's page cache then holds
// what they read, as a long-lived store's does).
func nativeQueries(b *testing.B, qs []recheckgen.Query, path string, win recheckgen.Window, mmap, warm bool) string {
	var s strings.Builder
	fmt.Fprintf(&s, "ATTACH '%s' AS fts;\n.output /dev/null\n", strings.ReplaceAll(IndexPath(path), "'", "''"))
	if mmap {
		s.WriteString("PRAGMA main.mmap_size = 17179869184;\nPRAGMA fts.mmap_size = 17179869184;\n")
	}
	var stmts strings.Builder
	for _, q := range qs {
		stmts.WriteString(nativeStatement(b, q, win) + ";\n")
	}
	if warm {
		s.WriteString(stmts.String())
	}
	s.WriteString(".timer on\n" + stmts.String())
	return s.String()
}

// nativeStatement is a query's match statement with its arguments
// written in.
func nativeStatement(b *testing.B, q recheckgen.Query, win recheckgen.Window) string {
	w, err := translate(q.Expr)
	if err != nil {
		b.Fatal(err)
	}
	parts := strings.Split(matchSQL(w, q.AllowNonvoting), "?") // the statement holds no ? but its parameters
	args := append([]any{win.Start.UnixMilli(), win.End.UnixMilli()}, w.args...)
	if len(parts) != len(args)+1 {
		b.Fatalf("%s: %d parameters for %d arguments", q.ID, len(parts)-1, len(args))
	}
	stmt := parts[0]
	for i, a := range args {
		lit := fmt.Sprint(a)
		if str, ok := a.(string); ok {
			lit = "'" + strings.ReplaceAll(str, "'", "''") + "'"
		}
		stmt += lit + parts[i+1]
	}
	for _, fn := range []string{"token_", "value_", "index_words"} {
		if strings.Contains(stmt, fn) {
			b.Fatalf("%s needs recheckgen's SQL functions, which the shell lacks", q.ID)
		}
	}
	return stmt
}

// BenchmarkSearchAdds runs each repository query's Search and its match
// statement alone, in turns, b.N times each (no shell between them, so
// both run warm), and reports what Search adds to the statement: counting
// per build, status and hour, the newest lines' statement, sorting the
// builds. RECHECKGEN_BENCH_SCALE picks the store as for
// BenchmarkQueriesVsNative.
func BenchmarkSearchAdds(b *testing.B) {
	st, _ := benchStore(b)
	for _, q := range repoQueries(b) {
		b.Run(q.ID, func(b *testing.B) {
			w, err := translate(q.Expr)
			if err != nil {
				b.Fatal(err)
			}
			opts := recheckgen.SearchOptions{Recent: 10, IncludeNonvoting: q.AllowNonvoting}
			search := func() {
				if _, err := st.Search(context.Background(), q, sampleWindow, opts); err != nil {
					b.Fatal(err)
				}
			}
			search() // the first search fills the builds' cache
			var ours, stmt time.Duration
			for range b.N {
				cpu0 := cpuTime()
				search()
				ours += cpuTime() - cpu0
				cpu0 = cpuTime()
				statement(b, st, w, q, sampleWindow)
				stmt += cpuTime() - cpu0
			}
			n := float64(b.N)
			b.ReportMetric(ours.Seconds()*1000/n, "search-cpu-ms")
			b.ReportMetric(stmt.Seconds()*1000/n, "statement-cpu-ms")
			b.ReportMetric((ours-stmt).Seconds()*1000/n, "added-cpu-ms")
		})
	}
}
