package reliability

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/zuul"
)

// ingestMaxRSS and ingestMaxWAL are the bounds docs/limits.md states for
// an ingest, whatever the size of the corpus: peak resident memory
// (SQLite's page caches of 4 MiB per file per connection, FTS5's buffers,
// the readers' chunks, Go's runtime), and disk beyond the store's final
// size (the two WALs, restarted every 16 MB of text). Before they were
// bounded, one ingest of the sample took 330 MB of memory and 16 times it
// 1.4 GB, with 4.5 GB of WAL.
const (
	ingestMaxRSS = 200 << 20
	ingestMaxWAL = 160 << 20
)

// TestIngestBounded ingests twice the sample corpus (640 builds, 156 MB
// of text; the largest build holds 0.4 MB) and checks the process's peak
// resident memory, and the most disk the store's files took while it ran
// beyond their final size, against the stated bounds.
func TestIngestBounded(t *testing.T) {
	src := copies(t, sampleCorpus(t), 2)
	dir := t.TempDir()
	stop, maxDisk := watchDisk(dir)
	r := run(t, dir, 3*time.Minute, nil, "ingest", "--db", filepath.Join(dir, "logs.db"), src)
	peakDisk, final := maxDisk(), filesSize(dir)
	stop()
	if r.code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("peak RSS %d MiB; disk %d MiB at most, %d MiB at the end; %v: %s",
		r.maxRSS>>20, peakDisk>>20, final>>20, r.elapsed.Round(time.Millisecond), firstLine(r.stdout))
	if r.maxRSS > ingestMaxRSS {
		t.Errorf("peak RSS %d MiB, over the %d MiB stated", r.maxRSS>>20, ingestMaxRSS>>20)
	}
	if peakDisk-final > ingestMaxWAL {
		t.Errorf("the store took %d MiB of disk while ingesting, %d MiB past its final %d MiB: over the %d MiB stated",
			peakDisk>>20, (peakDisk-final)>>20, final>>20, ingestMaxWAL>>20)
	}
}

// watchDisk measures the files in dir every 50 ms until stopped; most is
// the largest total seen.
func watchDisk(dir string) (stop func(), most func() int64) {
	var peak atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if n := filesSize(dir); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); <-stopped }, func() int64 {
		if n := filesSize(dir); n > peak.Load() {
			peak.Store(n)
		}
		return peak.Load()
	}
}

// sampleCorpus generates the default sample corpus (321 builds, 78 MB of
// text) in a directory removed when the test ends.
func sampleCorpus(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sample")
	if _, err := sample.Generate(dir, sample.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copies writes n copies of the corpus src into a new directory, each
// build with a new uuid (derived from the copy's number and the old one),
// its log files hard links to the originals where the file system allows.
// This is how the measurements of 4 and 16 times the sample were made.
func copies(t testing.TB, src string, n int) string {
	t.Helper()
	dst := t.TempDir()
	for k := range n {
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			out := filepath.Join(dst, fmt.Sprintf("copy%02d", k), rel)
			switch {
			case d.IsDir():
				return os.MkdirAll(out, 0o755)
			case d.Name() == "build.json":
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if b, err := zuul.Decode(data); err == nil && b.UUID != "" {
					h := sha256.Sum256(fmt.Appendf(nil, "%d/%s", k, b.UUID))
					data = []byte(strings.ReplaceAll(string(data), b.UUID, hex.EncodeToString(h[:16])))
				}
				return os.WriteFile(out, data, 0o644)
			}
			if os.Link(p, out) == nil {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(out, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

var ingestedRe = regexp.MustCompile(`ingested \d+ build\(s\), \d+ file\(s\), (\d+) lines, ([\d.]+) MB`)

// BenchmarkIngestScale ingests the sample corpus copied 1, 4 and 16 times
// (5,136 builds and 1.25 GB of text at 16) with the real binary, into a
// new store each time, and reports the process's peak resident memory,
// the most disk the store's files took at once beside their final size,
// and the time per line: flat memory and disk near the store's size, and
// time linear in the corpus. Run it alone (see docs/benchmarks.md).
func BenchmarkIngestScale(b *testing.B) {
	base := sampleCorpus(b)
	for _, n := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("x%d", n), func(b *testing.B) {
			src := copies(b, base, n)
			var rss, disk, final int64
			var lines int64
			var text float64
			var wall time.Duration
			for range b.N {
				dir := b.TempDir()
				r := ingestWatched(b, dir, src)
				rss, disk, final, wall = max(rss, r.maxRSS), max(disk, r.maxDisk), r.finalDisk, wall+r.elapsed
				m := ingestedRe.FindStringSubmatch(r.stdout)
				if m == nil {
					b.Fatalf("no summary in the output: %s", r.stdout)
				}
				lines, _ = strconv.ParseInt(m[1], 10, 64)
				text, _ = strconv.ParseFloat(m[2], 64)
				os.RemoveAll(dir)
			}
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
			b.ReportMetric(float64(disk)/(1<<20), "peak-disk-MiB")
			b.ReportMetric(float64(final)/(1<<20), "store-MiB")
			b.ReportMetric(float64(wall.Nanoseconds())/float64(lines)/float64(b.N), "ns/line")
			b.ReportMetric(float64(lines), "lines")
			b.ReportMetric(text, "MB-text")
		})
	}
}

// watched is how one watched ingest went.
type watched struct {
	result
	maxDisk, finalDisk int64 // bytes of the store's files
}

// ingestWatched runs `ingest` into dir/logs.db, measuring the store's
// files on disk while it runs.
func ingestWatched(b *testing.B, dir, src string) watched {
	b.Helper()
	stop, maxDisk := watchDisk(dir)
	defer stop()
	r := run(b, dir, time.Hour, nil, "ingest", "--db", filepath.Join(dir, "logs.db"), src)
	if r.code != 0 {
		b.Fatalf("ingest: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return watched{result: r, maxDisk: maxDisk(), finalDisk: filesSize(dir)}
}

// filesSize is the bytes the files directly in dir hold.
func filesSize(dir string) int64 {
	entries, _ := os.ReadDir(dir)
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
	}
	return n
}
