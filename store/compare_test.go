package store

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/lucene"
)

// The benchmarks here measure outside tools on the same sample corpus, as
// references for the README: the native sqlite3 shell importing the same
// lines into FTS5, and one ripgrep pass per query over the raw files.
// They skip where the tool is not installed (apt-get install sqlite3
// ripgrep).

// exportLines writes every line of the corpus as ASCII-separated records
// (id, lineno, message) for the sqlite3 shell's .import.
func exportLines(tb testing.TB, dir string) (string, int) {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "lines.ascii")
	f, err := os.Create(out)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "build.json") {
			return err
		}
		logfile.Each(p, func(lineno int, line []byte) error {
			n++
			fmt.Fprintf(w, "%d\x1f%d\x1f%s\x1e", n, lineno, line)
			return nil
		})
		return nil
	})
	w.Flush()
	f.Close()
	return out, n
}

// nativeImport returns a function that imports the sample corpus with the
// native sqlite3 shell and returns its wall and CPU time, and the number
// of lines it imports.
func nativeImport(b *testing.B) (func() (wall, cpu time.Duration), int) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Skip("sqlite3 is not installed")
	}
	file, n := exportLines(b, sampleCorpus(b))
	script := fmt.Sprintf(`PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE lines (id INTEGER PRIMARY KEY, lineno INTEGER, message TEXT);
CREATE VIRTUAL TABLE lines_fts USING fts5(message, content='lines', content_rowid='id', columnsize=0, tokenize="unicode61 remove_diacritics 0 tokenchars '_'");
.mode ascii
.import %s lines
INSERT INTO lines_fts(rowid, message) SELECT id, message FROM lines;
`, file)
	return func() (time.Duration, time.Duration) {
		cmd := exec.Command("sqlite3", filepath.Join(b.TempDir(), "native.db"))
		cmd.Stdin = strings.NewReader(script)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3: %v\n%s", err, out)
		}
		return time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}, n
}

func BenchmarkNativeSQLiteImport(b *testing.B) {
	run, n := nativeImport(b)
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, c := run()
		cpu += c
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkIngestVsNative runs recheckgen's ingest and the native import
// in turns, so that both meet the same machine (its speed drifts on shared
// hardware), and reports the ratio of their speeds: the native import's
// time over the ingest's, summed over the pairs.
func BenchmarkIngestVsNative(b *testing.B) {
	native, _ := nativeImport(b)
	dir := sampleCorpus(b)
	var ours, theirs time.Duration
	for i := 0; i < b.N; i++ {
		_, wall := ingestOnce(b, dir)
		ours += wall
		wall, _ = native()
		theirs += wall
	}
	b.ReportMetric(theirs.Seconds()/ours.Seconds(), "speed-ratio")
	b.ReportMetric(ours.Seconds()/float64(b.N), "ingest-s/op")
	b.ReportMetric(theirs.Seconds()/float64(b.N), "native-s/op")
}

// BenchmarkRipgrep greps the raw corpus once per repository query for the
// query's longest message phrase: what a person without an index does.
func BenchmarkRipgrep(b *testing.B) {
	if _, err := exec.LookPath("rg"); err != nil {
		b.Skip("rg is not installed")
	}
	dir := sampleCorpus(b)
	var phrases []string
	for _, q := range repoQueries(b) {
		best := ""
		lucene.Walk(q.Expr, func(n lucene.Node) bool {
			if p, ok := n.(*lucene.Phrase); ok && (p.Field == "message" || p.Field == "") && len(p.Text) > len(best) {
				best = p.Text
			}
			return true
		})
		phrases = append(phrases, best)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, p := range phrases {
			cmd := exec.Command("rg", "--search-zip", "--count", "--fixed-strings", "--ignore-case", "--no-messages", p, dir)
			if err := cmd.Run(); err != nil {
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() == 0 {
					b.Fatalf("rg %q: %v", p, err)
				}
			}
		}
	}
	b.ReportMetric(float64(len(phrases)*b.N)/b.Elapsed().Seconds(), "queries/s")
}
