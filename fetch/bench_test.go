package fetch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/sample"
)

// benchPerHost is the concurrency per host: the default, 4, unless
// RECHECKGEN_BENCH_PER_HOST says otherwise.
func benchPerHost() int {
	if v, err := strconv.Atoi(os.Getenv("RECHECKGEN_BENCH_PER_HOST")); err == nil && v > 0 {
		return v
	}
	return 4
}

// benchCap is the bandwidth of the replay server's link in the benchmark,
// bytes per second; RECHECKGEN_BENCH_CAP overrides it.
func benchCap() int64 {
	if v, err := strconv.ParseInt(os.Getenv("RECHECKGEN_BENCH_CAP"), 10, 64); err == nil && v > 0 {
		return v
	}
	return 4 << 20
}

// BenchmarkFetch fetches the sample corpus (320 builds) from a replay
// Zuul that adds 20 ms to every answer and shares one link of benchCap
// bytes/s among them, at the default concurrency (4 per host), then
// stores it: builds/s, MB/s on the link and its share of the cap, and the
// bytes that crossed against the whole log trees.
func BenchmarkFetch(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "sample")
	if _, err := sample.Generate(dir, sample.DefaultOptions()); err != nil {
		b.Fatal(err)
	}
	bs, err := replay.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	// The sample's trees hold only files the ingest reads. A real Zuul
	// build also publishes files no glob selects: its console as JSON
	// (about as large as the text), an ARA report's database, the
	// node's configuration. Served here too, they show what stays on
	// the server.
	for _, bd := range bs {
		for _, name := range []string{"job-output.txt", "job-output.txt.gz", "console.html"} {
			if data, ok := bd.Files[name]; ok {
				bd.Files["job-output.json"] = bytes.Repeat(replay.Gunzip(data), 1)
			}
		}
		bd.Files["ara-report/ansible.sqlite"] = bytes.Repeat([]byte{0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0, 1}, 32<<10)
		bd.Files["zuul-info/host-info.controller.yaml"] = bytes.Repeat([]byte("ansible_facts: {}\n"), 1000)
		bd.Files["controller/etc/nova/nova.conf"] = bytes.Repeat([]byte("[DEFAULT]\ndebug = True\n"), 400)
	}
	// whole: every build's log tree; wanted: the trees of the builds
	// whose logs are fetched.
	var whole, wanted int64
	spec0 := Spec{SuccessPercent: 10}
	for _, bd := range bs {
		for _, data := range bd.Files {
			whole += int64(len(data))
			if bd.Result != "SUCCESS" || spec0.wantLogs(recheckgen.Build{UUID: bd.UUID, Result: bd.Result}) {
				wanted += int64(len(data))
			}
		}
	}
	capacity := benchCap()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		z := replay.NewZuul(b, bs, replay.ZuulOptions{Latency: 20 * time.Millisecond, Bandwidth: capacity})
		st := openStore(b)
		opts := testOptions(b)
		opts.PerHost = benchPerHost()
		spec := Spec{Kind: "zuul", URL: z.API(), Since: 11 * 24 * time.Hour, SuccessPercent: 10}
		b.StartTimer()
		sum, err := Run(context.Background(), []Spec{spec}, dest(st), opts)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		s := sum.Sources[0]
		if s.Fetched != len(bs) || s.Err != "" {
			b.Fatalf("%s", s)
		}
		sent := z.Sent()
		rate := float64(sent) / s.Fetching.Seconds()
		b.ReportMetric(float64(s.Fetched)/s.Fetching.Seconds(), "builds/s")
		b.ReportMetric(rate/1e6, "MB/s")
		b.ReportMetric(100*rate/float64(capacity), "%cap")
		b.ReportMetric(100*float64(sent)/float64(whole), "%tree")
		b.ReportMetric(100*float64(sent)/float64(wanted), "%wanted")
		b.ReportMetric(s.Fetching.Seconds(), "fetch-s")
		b.ReportMetric((s.Elapsed - s.Fetching).Seconds(), "store-s")
		b.Logf("%d builds, %d files, %.1f MB sent of %.1f MB of log trees (%.1f MB those of the builds whose logs are fetched), %d requests; fetched in %.1fs, stored in %.1fs",
			s.Fetched, s.Files, float64(sent)/1e6, float64(whole)/1e6, float64(wanted)/1e6, s.Requests, s.Fetching.Seconds(), (s.Elapsed - s.Fetching).Seconds())
	}
}
