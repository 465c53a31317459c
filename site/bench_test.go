package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
)

// benchInput is a generated site: bugs known bugs with builds failed
// builds each (10 recent lines), a tenth as many unexplained failures,
// tempest results, and runbooks of about 120 lines; over ten days in
// hourly buckets.
func benchInput(tb testing.TB, bugs, builds, runbooks int) Input {
	content := tb.TempDir()
	for i := 0; i < runbooks; i++ {
		var md strings.Builder
		fmt.Fprintf(&md, "---\ntitle: Runbook %d\ntags: [t%d]\n---\n\n", i, i%7)
		for s := 0; s < 10; s++ {
			fmt.Fprintf(&md, "## Section %d {#s%d}\n\nSome text with `code` and a [link](runbook-%d.md#s1).\n\n", s, s, (i+1)%runbooks)
			fmt.Fprintf(&md, "```bash\nopenstack stack list --nested | grep %d\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n", s)
		}
		os.WriteFile(filepath.Join(content, fmt.Sprintf("runbook-%d.md", i)), []byte(md.String()), 0o644)
	}
	set, dl := runbook.LoadDir(content, runbook.Markdown(false))
	if dl.Errors() > 0 {
		tb.Fatal(dl)
	}
	win, _ := recheckgen.NewWindow(testEnd, 10*24*time.Hour, time.Hour)
	var results []report.Result
	var qs []recheckgen.Query
	var failed []recheckgen.Build
	var runs []recheckgen.TestRun
	pipelines := []string{"check", "check", "gate"}
	for i := 0; i < bugs; i++ {
		raw := fmt.Sprintf(`message:"error %d" AND tags:console`, i)
		expr, _, _ := lucene.Parse(raw, lucene.Options{})
		q := recheckgen.Query{ID: fmt.Sprint(2000000 + i), Title: fmt.Sprintf("Bug %d: something failed in the gate", i), Raw: raw,
			Expr: expr, Tags: []string{fmt.Sprintf("t%d", i%7)}, Bug: recheckgen.BugFromID(fmt.Sprint(2000000 + i))}
		if runbooks > 0 {
			q.Runbook = fmt.Sprintf("runbook-%d.md#s2", i%runbooks)
		}
		m := &recheckgen.Match{Buckets: map[string][]int{"FAILURE": make([]int, win.Buckets())}}
		for k := 0; k < builds; k++ {
			b := recheckgen.Build{UUID: fmt.Sprintf("%d-%d", i, k), Job: fmt.Sprintf("job-%d", k%9), Project: fmt.Sprintf("openstack/p%d", k%13),
				Pipeline: pipelines[k%3], Change: fmt.Sprint(900000 + (i*7+k)%3000), Patchset: "1", Result: "FAILURE", Voting: true,
				LogURL: "https://logs.example.org/x/", Start: testEnd.Add(-time.Duration((k*37+i)%238+1) * time.Hour)}
			m.Buckets["FAILURE"][win.BucketOf(b.Start)]++
			m.Builds = append(m.Builds, recheckgen.MatchedBuild{Build: b, First: b.Start, Last: b.Start, Lines: 1})
			if k < 10 {
				m.Recent = append(m.Recent, recheckgen.Hit{Build: b, File: "job-output.txt", Line: k, Time: b.Start, Message: fmt.Sprintf("ERROR error %d: something failed here", i)})
			}
			failed = append(failed, b)
			runs = append(runs, recheckgen.TestRun{Build: b, Test: fmt.Sprintf("tempest.api.compute.T%d.test_%d", k%10, i%25), Status: recheckgen.TestFailed, File: "job-output.txt", Line: 9, Time: b.Start})
		}
		recheckgen.SortMatched(m.Builds)
		results = append(results, report.Result{Query: q, Match: m})
		qs = append(qs, q)
	}
	for k := 0; k < bugs*builds/10; k++ {
		failed = append(failed, recheckgen.Build{UUID: fmt.Sprintf("u-%d", k), Job: fmt.Sprintf("job-%d", k%9), Project: "openstack/nova", Pipeline: "check",
			Result: "FAILURE", Voting: true, LogURL: "https://logs.example.org/u/", Start: testEnd.Add(-time.Duration(k%239+1) * time.Hour)})
	}
	recheckgen.SortNewestFirst(failed)
	rep := report.Make(win, results, failed, report.DefaultOptions(testEnd))
	report.SetTests(rep, runs, nil, report.DefaultOptions(testEnd))
	cfg := config.Default()
	cfg.Dirs.Content = content
	return Input{Config: cfg, Report: rep, Graph: report.MakeGraph(rep, win, 0), Window: win, Queries: qs, Content: set, EChartsJS: []byte("x")}
}

// shm is where benchmarks write: a RAM disk where there is one, so the
// disk does not dominate.
func shm() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return ""
}

// BenchmarkRender renders the 500-bug, 5,000-failed-build, 50-runbook site
// in this process and reports pages/s, the search index's size (raw and
// gzipped, as GitHub Pages serves it) and the largest page's.
func BenchmarkRender(b *testing.B) {
	in := benchInput(b, 500, 10, 50)
	pages := 0
	var index, indexGz, largest int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir, err := os.MkdirTemp(shm(), "recheckgen-bench-")
		if err != nil {
			b.Fatal(err)
		}
		if pages, err = Render(dir, in); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		index, indexGz = sizes(b, filepath.Join(dir, "search-index.json"))
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && strings.HasSuffix(p, ".html") {
				largest = max(largest, int(info.Size()))
			}
			return err
		})
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(index)/1024, "search-index-KB")
	b.ReportMetric(float64(indexGz)/1024, "search-index-gzip-KB")
	b.ReportMetric(float64(largest)/1024, "largest-page-KB")
}

// sizes are a file's size and its gzipped size.
func sizes(tb testing.TB, path string) (raw, gz int) {
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return len(data), buf.Len()
}

// TestRenderChild renders the benchmark's site in a process of its own
// when BenchmarkRenderVsHugo asks (RECHECKGEN_RENDER_CHILD names the
// output directory) and prints "pages seconds"; otherwise it does nothing.
func TestRenderChild(t *testing.T) {
	dir := os.Getenv("RECHECKGEN_RENDER_CHILD")
	if dir == "" {
		return
	}
	in := benchInput(t, 500, 10, 50)
	start := time.Now()
	pages, err := Render(dir, in)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RENDER %d %f\n", pages, time.Since(start).Seconds())
}

// BenchmarkRenderVsHugo renders the benchmark's site in a child process,
// then has Debian's hugo render as many markdown pages (front matter, ten
// sections with code and a table each, a table of contents), each into a
// RAM disk, and reports both speeds and peak memories (the children's
// maximum resident set). It skips without hugo (apt-get install hugo).
func BenchmarkRenderVsHugo(b *testing.B) {
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		b.Skip("no hugo (apt-get install hugo)")
	}
	var pages int
	var ours, oursRSS, oursCPU, theirs, theirsRSS, theirsCPU float64
	for i := 0; i < b.N; i++ {
		out, err := os.MkdirTemp(shm(), "recheckgen-bench-")
		if err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestRenderChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "RECHECKGEN_RENDER_CHILD="+out)
		text, err := cmd.Output()
		os.RemoveAll(out)
		if err != nil {
			b.Fatalf("render child: %v\n%s", err, text)
		}
		var secs float64
		for _, line := range strings.Split(string(text), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "RENDER" {
				pages, _ = strconv.Atoi(f[1])
				secs, _ = strconv.ParseFloat(f[2], 64)
			}
		}
		if pages == 0 {
			b.Fatalf("render child said: %s", text)
		}
		ours += float64(pages) / secs
		oursRSS += maxRSS(cmd)
		oursCPU += cpu(cmd)
		site := hugoSite(b, pages)
		dest, _ := os.MkdirTemp(shm(), "recheckgen-hugo-")
		start := time.Now()
		h := exec.Command(hugo, "--quiet", "--source", site, "--destination", dest)
		if text, err := h.CombinedOutput(); err != nil {
			b.Fatalf("hugo: %v\n%s", err, text)
		}
		theirs += float64(pages) / time.Since(start).Seconds()
		theirsRSS += maxRSS(h)
		theirsCPU += cpu(h)
		built, _ := filepath.Glob(filepath.Join(dest, "p", "*", "index.html"))
		if len(built) < pages-1 {
			b.Fatalf("hugo built %d pages of %d", len(built), pages)
		}
		os.RemoveAll(dest)
	}
	n := float64(b.N)
	// A child's maximum resident set starts at this process's size (Go
	// starts children with vfork): it must be below both to mean theirs.
	b.ReportMetric(selfRSS(), "parent-rss-MB")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(ours/n, "recheckgen-pages/s")
	b.ReportMetric(oursRSS/n, "recheckgen-peak-MB")
	b.ReportMetric(theirs/n, "hugo-pages/s")
	b.ReportMetric(theirsRSS/n, "hugo-peak-MB")
	b.ReportMetric(oursCPU/n, "recheckgen-cpu-s")
	b.ReportMetric(theirsCPU/n, "hugo-cpu-s")
}

// cpu is a finished child's CPU time (user and system), in seconds: on a
// shared machine a steadier measure than the wall clock. The render
// child's includes making the benchmark's report, Hugo's reading its
// content: each does the whole job.
func cpu(cmd *exec.Cmd) float64 {
	return (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
}

// selfRSS is this process's resident memory now, in MB (Linux).
func selfRSS() float64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// maxRSS is a finished child's peak resident memory, in MB.
func maxRSS(cmd *exec.Cmd) float64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return 0
}

// hugoSite writes a Hugo site of n pages like the benchmark's runbooks,
// with the least layout that renders each with a table of contents.
func hugoSite(b *testing.B, n int) string {
	dir := b.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("hugo.toml", "baseURL = 'https://example.org/'\ntitle = 'bench'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n")
	write("layouts/_default/baseof.html", "<!doctype html><html><head><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n")
	write("layouts/_default/single.html", "{{ define \"main\" }}<h1>{{ .Title }}</h1><nav>{{ .TableOfContents }}</nav>{{ .Content }}{{ end }}\n")
	write("layouts/_default/list.html", "{{ define \"main\" }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n")
	for i := 0; i < n; i++ {
		var md strings.Builder
		fmt.Fprintf(&md, "---\ntitle: Page %d\ntags: [t%d]\n---\n\n", i, i%7)
		for s := 0; s < 10; s++ {
			fmt.Fprintf(&md, "## Section %d\n\nSome text with `code` and a [link](/p/page-%d/).\n\n", s, (i+1)%n)
			fmt.Fprintf(&md, "```bash\nopenstack stack list --nested | grep %d\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n", s)
		}
		write(fmt.Sprintf("content/p/page-%d.md", i), md.String())
	}
	return dir
}

// BenchmarkRenderBuildPages renders the explanation pages of 5,000
// failed builds (each with 20 ranked lines and their context, a known bug
// for one in five) and the uncategorized page's 300 groups, as a big
// window's triage gives them, and reports build pages/s and their size.
func BenchmarkRenderBuildPages(b *testing.B) {
	in := benchInput(b, 50, 10, 5)
	var es []*recheckgen.Explanation
	var groups []recheckgen.FailureGroup
	ctx := func(n int) []recheckgen.LogLine {
		return []recheckgen.LogLine{{File: "job-output.txt", Line: n, Message: fmt.Sprintf("2026-11-20 10:00:%02d.123456 | controller | + functions-common:git_clone:%d :   git_timed clone https://opendev.org/openstack/nova /opt/stack/nova", n%60, n)}}
	}
	for k := 0; k < 5000; k++ {
		build := recheckgen.Build{UUID: fmt.Sprintf("%032x", k), Job: fmt.Sprintf("job-%d", k%9), Project: "openstack/nova", Pipeline: "check", Result: "FAILURE",
			Voting: true, LogURL: "https://logs.example.org/x/", Start: testEnd.Add(-time.Duration(k%239+1) * time.Hour)}
		e := &recheckgen.Explanation{Build: build, Events: 30000, Baseline: recheckgen.Baseline{Lines: 12000, Builds: make([]recheckgen.BaselineBuild, 5)}}
		for i := 0; i < 20; i++ {
			e.Lines = append(e.Lines, recheckgen.RankedLine{ContextLine: recheckgen.ContextLine{File: "job-output.txt", Line: 100 + i*7,
				Message: fmt.Sprintf("2026-11-20 10:00:00.123456 | controller | ERROR: something failed at step %d with a message long enough to wrap on a phone screen", i),
				Before:  append(ctx(98+i*7), ctx(99+i*7)...), After: append(ctx(101+i*7), ctx(102+i*7)...), URL: "https://logs.example.org/x/job-output.txt#L100"},
				Score: 9 - float64(i)/4, Reasons: []string{"not in the 5 passing build(s) compared", `error word "ERROR"`, "3 line(s) before a failure marker (job-output.txt:140)"}})
		}
		if k%5 == 0 {
			e.Known = []recheckgen.KnownMatch{{ID: in.Queries[k%len(in.Queries)].ID, Title: "a known bug", Count: 2, Lines: []recheckgen.ContextLine{e.Lines[0].ContextLine}}}
		} else {
			e.Group = fmt.Sprintf("g%011x", k%300)
		}
		es = append(es, e)
	}
	for g := 0; g < 300; g++ {
		fg := recheckgen.FailureGroup{ID: fmt.Sprintf("g%011x", g), Signature: "ERROR: something failed at step <n>", Count: 13,
			Jobs: []recheckgen.Share{{Value: "job-1", Builds: 13}}, Projects: []recheckgen.Share{{Value: "openstack/nova", Builds: 13}},
			Suggestion: &recheckgen.Suggestion{Query: `message:"something failed at step"`, Failed: 13, PassingTotal: 400, GroupMatched: 13, Slug: "x", YAML: "query: x"}}
		for i := 0; i < 13; i++ {
			fg.Builds = append(fg.Builds, recheckgen.GroupBuild{Build: es[1].Build, Line: es[1].Lines[0].ContextLine})
		}
		groups = append(groups, fg)
	}
	report.SetTriage(in.Report, 1, es, groups, 0, report.DefaultOptions(testEnd))
	tmpl, err := templates("")
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	var ru0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir, err := os.MkdirTemp(shm(), "recheckgen-bench-")
		if err != nil {
			b.Fatal(err)
		}
		s := newSite(dir, in, tmpl)
		if err := s.builds(); err != nil {
			b.Fatal(err)
		}
		if err := s.uncategorized(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size = 0
		filepath.Walk(filepath.Join(dir, "builds"), func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				size += info.Size()
			}
			return err
		})
		os.RemoveAll(dir)
		b.StartTimer()
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(len(es)*b.N)/b.Elapsed().Seconds(), "build-pages/s")
	// CPU time varies less than the wall clock on a shared machine (it
	// includes writing the files left out of the timing).
	b.ReportMetric(cpu.Seconds()*1000/float64(len(es)*b.N), "cpu-ms/page")
	b.ReportMetric(float64(size)/float64(len(es))/1024, "KB/page")
}
