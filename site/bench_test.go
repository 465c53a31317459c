package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
)

// benchInput is a generated site of 500 bugs (each with a ten-day hourly
// chart and ten recent hits) and 50 runbooks of about 120 lines.
func benchInput(b *testing.B) Input {
	content := b.TempDir()
	for i := 0; i < 50; i++ {
		var md strings.Builder
		fmt.Fprintf(&md, "---\ntitle: Runbook %d\ntags: [t%d]\n---\n\n", i, i%7)
		for s := 0; s < 10; s++ {
			fmt.Fprintf(&md, "## Section %d {#s%d}\n\nSome text with `code` and a [link](runbook-%d.md#s1).\n\n", s, s, (i+1)%50)
			fmt.Fprintf(&md, "```bash\nopenstack stack list --nested | grep %d\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n", s)
		}
		os.WriteFile(filepath.Join(content, fmt.Sprintf("runbook-%d.md", i)), []byte(md.String()), 0o644)
	}
	set, dl := runbook.LoadDir(content, runbook.Markdown(false))
	if dl.Errors() > 0 {
		b.Fatal(dl)
	}
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	win, _ := recheckgen.NewWindow(end, 10*24*time.Hour, time.Hour)
	var results []report.Result
	var qs []recheckgen.Query
	for i := 0; i < 500; i++ {
		expr, _, _ := lucene.Parse(fmt.Sprintf(`message:"error %d" AND tags:console`, i), lucene.Options{})
		q := recheckgen.Query{ID: fmt.Sprint(2000000 + i), Title: fmt.Sprintf("Bug %d", i), Raw: fmt.Sprintf(`message:"error %d" AND tags:console`, i),
			Expr: expr, Tags: []string{fmt.Sprintf("t%d", i%7)}, Runbook: fmt.Sprintf("runbook-%d.md#s2", i%50), Bug: recheckgen.BugFromID(fmt.Sprint(2000000 + i))}
		buckets := make([]int, win.Buckets())
		m := &recheckgen.Match{Buckets: map[string][]int{"FAILURE": buckets}}
		for k := 0; k < 30; k++ {
			bl := recheckgen.Build{UUID: fmt.Sprintf("%d-%d", i, k), Job: fmt.Sprintf("job-%d", k%9), Project: "openstack/nova", Result: "FAILURE", Voting: true,
				LogURL: "https://logs.example.org/x/", Start: end.Add(-time.Duration(k*7+1) * time.Hour)}
			buckets[win.BucketOf(bl.Start)]++
			m.Builds = append(m.Builds, recheckgen.MatchedBuild{Build: bl, First: bl.Start, Last: bl.Start})
			if k < 10 {
				m.Recent = append(m.Recent, recheckgen.Hit{Build: bl, File: "job-output.txt", Line: k, Time: bl.Start, Message: "ERROR something failed here"})
			}
		}
		results = append(results, report.Result{Query: q, Match: m})
		qs = append(qs, q)
	}
	rep := report.Make(win, results, nil, report.DefaultOptions(end))
	cfg := config.Default()
	cfg.Dirs.Content = content
	return Input{Config: cfg, Report: rep, Graph: report.MakeGraph(rep, win, 0), Window: win, Queries: qs, Content: set, EChartsJS: []byte("x")}
}

// BenchmarkRender renders the 500-bug, 50-runbook site and reports pages/s.
// It writes to /dev/shm where there is one, so the disk does not dominate.
func BenchmarkRender(b *testing.B) {
	in := benchInput(b)
	parent := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		parent = "/dev/shm"
	}
	pages := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir, err := os.MkdirTemp(parent, "recheckgen-bench-")
		if err != nil {
			b.Fatal(err)
		}
		if pages, err = Render(dir, in); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(pages*b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(pages), "pages")
}
