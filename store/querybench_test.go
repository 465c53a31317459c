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
// files, in turns, and reports both CPU times and their ratio
// (recheckgen's over native; target: at most 2). The shell runs with its
// defaults (cpu-ratio) and with the memory map recheckgen's searches use
// (cpu-ratio-mmap), so the ratio says what the Go side costs beyond the
// engine, not only what the map saves.
func BenchmarkQueriesVsNative(b *testing.B) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Skip("sqlite3 is not installed (apt-get install sqlite3)")
	}
	st, path := benchStore(b)
	qs := repoQueries(b)
	win := sampleWindow
	script := nativeQueries(b, qs, path, win)
	mapped := "PRAGMA main.mmap_size = 17179869184;\nPRAGMA fts.mmap_size = 17179869184;\n"
	mapped = strings.Replace(script, ".output /dev/null\n", ".output /dev/null\n"+mapped, 1)
	native := func(script string) (cpu, wall time.Duration) {
		cmd := exec.Command("sqlite3", "-readonly", path)
		cmd.Stdin = strings.NewReader(script)
		t := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3: %v\n%s", err, out)
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), time.Since(t)
	}
	var ours, plain, withMap, oursWall, plainWall time.Duration
	b.ResetTimer()
	for range b.N {
		cpu0, t0 := cpuTime(), time.Now()
		for _, q := range qs {
			if _, err := st.Search(context.Background(), q, win, recheckgen.SearchOptions{Recent: 10, IncludeNonvoting: q.AllowNonvoting}); err != nil {
				b.Fatal(err)
			}
		}
		ours += cpuTime() - cpu0
		oursWall += time.Since(t0)
		cpu, wall := native(script)
		plain, plainWall = plain+cpu, plainWall+wall
		cpu, _ = native(mapped)
		withMap += cpu
	}
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()*1000/n, "ours-cpu-ms")
	b.ReportMetric(plain.Seconds()*1000/n, "native-cpu-ms")
	b.ReportMetric(withMap.Seconds()*1000/n, "native-mmap-cpu-ms")
	b.ReportMetric(ours.Seconds()/plain.Seconds(), "cpu-ratio")
	b.ReportMetric(ours.Seconds()/withMap.Seconds(), "cpu-ratio-mmap")
	b.ReportMetric(oursWall.Seconds()/plainWall.Seconds(), "wall-ratio")
}

// nativeQueries is a sqlite3 shell script running each query's match
// statement, its arguments written in, every row read and thrown away.
func nativeQueries(b *testing.B, qs []recheckgen.Query, path string, win recheckgen.Window) string {
	var s strings.Builder
	fmt.Fprintf(&s, "ATTACH '%s' AS fts;\n.output /dev/null\n", strings.ReplaceAll(IndexPath(path), "'", "''"))
	for _, q := range qs {
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
		s.WriteString(stmt + ";\n")
	}
	return s.String()
}
