package triage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/store"
)

// heapPeak samples the live heap while a benchmark runs.
type heapPeak struct {
	s    []metrics.Sample
	base uint64
	peak uint64
}

func newHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{s: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	metrics.Read(h.s)
	h.base = h.s[0].Value.Uint64()
	return h
}

func (h *heapPeak) sample() {
	metrics.Read(h.s)
	h.peak = max(h.peak, h.s[0].Value.Uint64())
}

// mb is the peak above the heap at the start, in MB.
func (h *heapPeak) mb() float64 {
	h.sample()
	return float64(h.peak-min(h.base, h.peak)) / 1e6
}

// cpuSeconds is the process's CPU time so far, user and system: on a
// shared, loaded machine it is steadier than the wall clock (SQLite runs
// in the process, as Go).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// reportCPU reports the CPU seconds per op since cpu0.
func reportCPU(b *testing.B, cpu0 float64) {
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// synthLog writes about size bytes of a job's output: Zuul's and
// Ansible's lines, devstack's shell trace, pip, and a service's oslo.log
// lines with request ids, numbers, uuids and addresses that differ on
// every line; a failed run ends with an error, a traceback and Ansible's
// failure marker.
func synthLog(seed uint64, size int, fail bool, emit func(recheckgen.LogLine)) int {
	r := rand.New(rand.NewPCG(seed, 7))
	t := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	hexs := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[r.IntN(16)]
		}
		return string(b)
	}
	uuid := func() string { return hexs(8) + "-" + hexs(4) + "-" + hexs(4) + "-" + hexs(4) + "-" + hexs(12) }
	// Names (tests, packages, options) that normalisation keeps: a large
	// log holds hundreds of thousands of distinct lines.
	name := func() string { return word(r.IntN(1 << 20)) }
	templates := []func() string{
		func() string {
			return fmt.Sprintf("controller | Setting up %s-%s (%d.%d) ...", name(), name(), r.IntN(9), r.IntN(9))
		},
		func() string {
			return fmt.Sprintf("controller | {%d} tempest.api.%s.test_%s.%sTest.test_%s [%d.%06ds] ... ok", r.IntN(4), name(), name(), name(), name(), r.IntN(40), r.IntN(1e6))
		},
		func() string {
			return fmt.Sprintf("controller | + lib/nova:configure_nova:%d :   iniset /etc/nova/nova.conf DEFAULT opt%d %d", 400+r.IntN(300), r.IntN(40), r.IntN(1000))
		},
		func() string {
			return fmt.Sprintf("controller | Collecting oslo.%s>=%d.%d.%d", []string{"db", "log", "config", "messaging"}[r.IntN(4)], r.IntN(20), r.IntN(10), r.IntN(10))
		},
		func() string {
			return fmt.Sprintf("controller | %s.%03d %d DEBUG nova.compute.manager [None req-%s tempest-ServersTestJSON-%d] Running periodic task ComputeManager._poll_%d {{(pid=%d) run_periodic_tasks /opt/stack/nova/x.py:%d}}",
				t.Format("2006-01-02 15:04:05"), r.IntN(1000), r.IntN(90000), uuid(), r.IntN(1e9), r.IntN(8), r.IntN(90000), r.IntN(900))
		},
		func() string {
			return fmt.Sprintf("controller | %s.%03d %d INFO nova.compute.manager [-] [instance: %s] Took %d.%02d seconds to spawn the instance on 10.0.%d.%d",
				t.Format("2006-01-02 15:04:05"), r.IntN(1000), r.IntN(90000), uuid(), r.IntN(40), r.IntN(100), r.IntN(255), r.IntN(255))
		},
		func() string {
			return fmt.Sprintf("controller | {%d} tempest.api.compute.servers.test_%d.ServersTestJSON.test_x[id-%s] [%d.%06ds] ... ok", r.IntN(4), r.IntN(60), uuid(), r.IntN(40), r.IntN(1e6))
		},
		func() string {
			return fmt.Sprintf("controller | Get:%d http://mirror.example.org/ubuntu noble/main amd64 pkg%d amd64 %d.%d [%d kB]", r.IntN(300), r.IntN(500), r.IntN(9), r.IntN(9), r.IntN(9000))
		},
		func() string { return "TASK [devstack : Wait for the stack to settle]" },
		func() string { return "ok: [controller]" },
	}
	n, written := 0, 0
	add := func(s string) {
		n++
		msg := t.Format("2006-01-02 15:04:05.000000") + " | " + s
		written += len(msg) + 1
		emit(recheckgen.LogLine{File: "job-output.txt", Line: n, Time: t, Message: msg})
		t = t.Add(time.Duration(r.IntN(200)) * time.Millisecond)
	}
	for written < size {
		add(templates[r.IntN(len(templates))]())
	}
	if fail {
		add("controller | ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device")
		add("controller | Traceback (most recent call last):")
		add(`controller |   File "/opt/stack/devstack/tools/x.py", line 12, in <module>`)
		add("controller | OSError: [Errno 28] No space left on device")
		add(`fatal: [controller]: FAILED! => {"cmd": "./stack.sh", "rc": 1}`)
	}
	return written
}

// BenchmarkRank50MB ranks a 50 MB job output against five passing runs
// of 5 MB, streaming: it reports the bytes ranked per second and the peak
// of the live heap, which grows with the log's distinct lines up to the
// ranking's caps, not with its size (compare /5MB).
func BenchmarkRank50MB(b *testing.B) { benchRank(b, 50<<20) }

// BenchmarkRank5MB is the same ranking on a tenth of the log.
func BenchmarkRank5MB(b *testing.B) { benchRank(b, 5<<20) }

func benchRank(b *testing.B, size int) {
	var lists [][]uint64
	for i := 0; i < 5; i++ {
		var all []recheckgen.LogLine
		synthLog(uint64(100+i), 5<<20, false, func(l recheckgen.LogLine) { all = append(all, l) })
		fps, _, err := Fingerprints(context.Background(), &memReader{builds: map[string][]recheckgen.LogLine{"p": all}}, recheckgen.Build{UUID: "p"}, 0)
		if err != nil {
			b.Fatal(err)
		}
		lists = append(lists, fps)
	}
	set := NewSet(lists...)
	var log []recheckgen.LogLine
	bytes := synthLog(1, size, true, func(l recheckgen.LogLine) { log = append(log, l) })
	b.ResetTimer()
	cpu0 := cpuSeconds()
	var peak float64
	for i := 0; i < b.N; i++ {
		h := newHeapPeak() // the log itself is in the heap already
		r := NewRanker(recheckgen.Build{UUID: "f"}, set, RankOptions{})
		for k, l := range log {
			r.Add(l)
			if k%20000 == 0 {
				h.sample()
			}
		}
		got := r.Result()
		if len(got) == 0 || !strings.Contains(got[0].Message, "No space left") {
			b.Fatalf("first: %v", got[:min(1, len(got))])
		}
		peak = max(peak, h.mb())
	}
	b.ReportMetric(float64(bytes)*float64(b.N)/1e6/b.Elapsed().Seconds(), "MB/s")
	b.ReportMetric(peak, "peak-heap-MB")
	reportCPU(b, cpu0)
}

// BenchmarkExplainSample explains one failed build of the sample as
// `recheckgen triage` does, from a cold start: the known-bug queries on
// the build, the five passing builds of its job read for the baseline,
// the build read twice (ranking, then the lines around those shown).
func BenchmarkExplainSample(b *testing.B) {
	st, _ := sampleStore(b)
	ctx := context.Background()
	qs := testcorpus.Queries(b, "../queries")
	builds, _ := st.ListBuilds(ctx)
	var failed []recheckgen.Build
	for _, x := range builds {
		if x.Failed() {
			failed = append(failed, x)
		}
	}
	b.ResetTimer()
	cpu0 := cpuSeconds()
	events := 0
	for i := 0; i < b.N; i++ {
		x, err := NewExplainer(ctx, st, Options{})
		if err != nil {
			b.Fatal(err)
		}
		e, err := x.Explain(ctx, failed[i%len(failed)], Source{st, st}, qs)
		if err != nil {
			b.Fatal(err)
		}
		events += e.Events
	}
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
	reportCPU(b, cpu0)
}

// BenchmarkExplain50MB explains a build whose job output is 50 MB, read
// from the store as `recheckgen triage` reads it, against passing builds
// of the same job; it reports the peak of the live heap.
func BenchmarkExplain50MB(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	write := func(name, uuid, result string, seed uint64, size int, fail bool) {
		d := filepath.Join(dir, "corpus", name)
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "build.json"), []byte(fmt.Sprintf(`{"uuid": %q, "job_name": "big", "result": %q, "voting": true,
			"start_time": "2026-11-20T10:00:00", "end_time": "2026-11-20T18:00:00"}`, uuid, result)), 0o644)
		f, err := os.Create(filepath.Join(d, "job-output.txt"))
		if err != nil {
			b.Fatal(err)
		}
		synthLog(seed, size, fail, func(l recheckgen.LogLine) { f.WriteString(l.Message + "\n") })
		f.Close()
	}
	for i := 0; i < 5; i++ {
		write(fmt.Sprintf("p%d", i), fmt.Sprintf("pass%d", i), "SUCCESS", uint64(100+i), 5<<20, false)
	}
	write("f", "fail", "FAILURE", 1, 50<<20, true)
	st, err := store.Open(ctx, filepath.Join(dir, "logs.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Ingest(ctx, []string{filepath.Join(dir, "corpus")}, store.IngestOptions{Globs: testcorpus.Globs}); err != nil {
		b.Fatal(err)
	}
	builds, _ := st.ListBuilds(ctx)
	var failed recheckgen.Build
	for _, x := range builds {
		if x.UUID == "fail" {
			failed = x
		}
	}
	b.ResetTimer()
	cpu0 := cpuSeconds()
	var peak float64
	for i := 0; i < b.N; i++ {
		h := newHeapPeak()
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					h.sample()
				}
			}
		}()
		x, err := NewExplainer(ctx, st, Options{})
		if err != nil {
			b.Fatal(err)
		}
		e, err := x.Explain(ctx, failed, Source{st, st}, nil)
		close(stop)
		<-done
		if err != nil || len(e.Lines) == 0 || !strings.Contains(e.Lines[0].Message, "No space left") {
			b.Fatalf("%v %v", err, e)
		}
		peak = max(peak, h.mb())
	}
	b.ReportMetric(peak, "peak-heap-MB")
	reportCPU(b, cpu0)
}

// BenchmarkGroup groups the sample window's explanations, and 16 times
// as many (the same failures again in new builds), with the suggestions'
// candidate queries: the pure part of the grouping step.
func BenchmarkGroup(b *testing.B) {
	st, _ := sampleStore(b)
	out, _, _ := triageWindow(b, st)
	es1 := explanations(b, out)
	for _, k := range []int{1, 16} {
		var es []*recheckgen.Explanation
		for c := 0; c < k; c++ {
			for _, e := range es1 {
				x := *e
				x.Build.UUID = fmt.Sprintf("%s-%d", e.Build.UUID, c)
				x.Build.Start = e.Build.Start.Add(time.Duration(c) * time.Minute)
				es = append(es, &x)
			}
		}
		b.Run(fmt.Sprintf("%dx", k), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var ms []member
				for _, e := range es {
					if m, ok := assign(e); ok {
						ms = append(ms, m)
					}
				}
				for _, g := range groups(ms) {
					Candidates(g)
				}
			}
			b.ReportMetric(float64(len(es)), "builds")
		})
	}
}

// bigStore is a store of a sample corpus k times the default's size over
// the same ten days. Generating and ingesting it takes minutes: with
// RECHECKGEN_BENCH_DIR set, it is kept there and used again.
func bigStore(b *testing.B, k int) *store.Store {
	dir := os.Getenv("RECHECKGEN_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	dir = filepath.Join(dir, fmt.Sprintf("sample-%dx", k))
	if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
		st, err := store.Open(context.Background(), filepath.Join(dir, "logs.db"))
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	os.RemoveAll(dir)
	st, err := testcorpus.Build(dir, sample.Options{Builds: 320 * k})
	if err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dir, "sample")) // the store holds what the benchmark reads
	os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644)
	return st
}

// BenchmarkTriageWindow runs the whole triage of a window, as `recheckgen
// build` does: every failed build explained, the unexplained ones grouped,
// a query verified on the store per group; on the sample corpus (1x) and
// on one 16 times its size (16x: 5,120 builds over the same ten days;
// generating and ingesting it takes minutes, outside the timing: see
// bigStore).
func BenchmarkTriageWindow(b *testing.B) {
	for _, k := range []int{1, 16} {
		b.Run(fmt.Sprintf("%dx", k), func(b *testing.B) {
			var st *store.Store
			if k == 1 {
				st, _ = sampleStore(b)
			} else {
				st = bigStore(b, k)
				defer st.Close()
			}
			b.ResetTimer()
			cpu0 := cpuSeconds()
			var peak float64
			var out *Output
			for i := 0; i < b.N; i++ {
				h := newHeapPeak()
				stop := make(chan struct{})
				go func() {
					for {
						select {
						case <-stop:
							return
						case <-time.After(50 * time.Millisecond):
							h.sample()
						}
					}
				}()
				out, _, _ = triageWindow(b, st)
				close(stop)
				peak = max(peak, h.mb())
			}
			b.ReportMetric(float64(len(out.Builds)), "failed-builds")
			b.ReportMetric(float64(len(out.Groups)), "groups")
			b.ReportMetric(peak, "peak-heap-MB")
			reportCPU(b, cpu0)
		})
	}
}
