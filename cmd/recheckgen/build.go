package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/internal/httpclient"
	"github.com/recheckgen/recheckgen/internal/termsafe"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/queryrun"
	"github.com/recheckgen/recheckgen/repo"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/site"
	"github.com/recheckgen/recheckgen/store"
	"github.com/recheckgen/recheckgen/tracker"
	"github.com/recheckgen/recheckgen/triage"
	"github.com/spf13/pflag"
)

// exitPartial: the site was built, but some queries failed.
const exitPartial = 3

var buildCmd = &command{
	name:    "build",
	summary: "run every query and render the static site into public/",
	usage:   "[flags]",
	help: `
Build is the main job. It loads the queries and runbooks (as check does),
opens the backend (the embedded store ingests its configured directories
first, generating the sample corpus when configured), runs every query over
the window, computes the report, and renders the site into public/.

The site is written into a temporary directory beside public/ and swapped in
only when complete: a failed build leaves the previous site untouched.

Exit status: 0 when the site was built; 1 when nothing was published (bad
queries or config, or the backend failed); 3 when the site was built but
some queries failed (they are marked on their pages and listed on stderr).

Examples:
  recheckgen build
  recheckgen build --window 3d --public /tmp/site
  recheckgen build --backend opensearch --opensearch-url https://search.example.org:9200
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		load := configFlags(fs)
		return func(args []string, e *env) int {
			if len(args) > 0 {
				fmt.Fprintf(e.stderr, "recheckgen build: unexpected argument %q\n", args[0])
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			return build(context.Background(), cfg, e)
		}
	},
}

func build(ctx context.Context, cfg *config.Config, e *env) int {
	start := time.Now()
	p, dl := repo.Load(cfg)
	if len(dl) > 0 {
		_ = diag.Write(e.stderr, "text", dl)
	}
	if dl.Errors() > 0 && !p.OnlyBrokenQueries(dl) {
		fmt.Fprintln(e.stderr, "recheckgen build: nothing published: fix the errors above (recheckgen check lists them)")
		return exitFail
	}
	// A broken query file is left out and shown broken: one contributor's
	// mistake never stops the site.
	b, err := openBackend(ctx, cfg, true, e)
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen build: nothing published: %s\n", termsafe.Line(err.Error()))
		return exitFail
	}
	defer b.Close()
	in, failed, release, err := gather(ctx, cfg, p, b, e)
	defer release()
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen build: nothing published: %s\n", termsafe.Line(err.Error()))
		return exitFail
	}
	pages := 0
	pub := site.PublishOptions{Protect: protected(cfg), Waiting: func() {
		fmt.Fprintf(e.stderr, "waiting for another build publishing beside %s\n", cfg.Dirs.Public)
	}}
	err = site.Publish(cfg.Dirs.Public, pub, func(dir string) error {
		pages, err = site.Render(dir, in)
		return err
	})
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen build: nothing published: %s\n", termsafe.Line(err.Error()))
		return exitFail
	}
	u := in.Report.Uncategorized
	noLogs := ""
	if n := len(u.NoLogs); n > 0 {
		noLogs = fmt.Sprintf(" and %d failed without logs", n)
	}
	fmt.Fprintf(e.stderr, "built %s: %d pages, %d known bugs, %d uncategorized failures%s (%.0f%% classified) in %.1fs\n",
		cfg.Dirs.Public, pages, len(in.Report.Bugs), u.Failed-u.Classified-len(u.NoLogs), noLogs,
		100*u.Rate, time.Since(start).Seconds())
	if len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintf(e.stderr, "query failed: %s\n", termsafe.Line(f))
		}
		return exitPartial
	}
	return exitOK
}

// spoolDir is where triage spools a build's explanations: beside the
// store, under a name only recheckgen uses.
func spoolDir(cfg *config.Config) string {
	return filepath.Join(filepath.Dir(cfg.SQLite.Path), ".recheckgen-triage")
}

// protected are the paths a build reads, which the output directory may
// not be or hold: a typo in --public must never replace the repository.
func protected(cfg *config.Config) []string {
	wd, _ := os.Getwd()
	out := []string{wd, cfg.File, cfg.Dirs.Queries, cfg.Dirs.Content, cfg.Dirs.Theme, cfg.Tracker.Cache, cfg.Fetch.Cache}
	if cfg.Backend.Type == "sqlite" {
		out = append(out, cfg.SQLite.Path, cfg.SQLite.Sample, spoolDir(cfg))
		out = append(out, cfg.SQLite.Ingest...)
	}
	return out
}

// gather runs the queries and computes what the site shows; release
// removes what it keeps on disk for the site (the spooled explanations).
func gather(ctx context.Context, cfg *config.Config, p *repo.Project, b recheckgen.Backend, e *env) (site.Input, []string, func(), error) {
	win, err := window(ctx, cfg, b, e)
	if err != nil {
		return site.Input{}, nil, func() {}, err
	}
	results := queryrun.Run(ctx, b, p.Queries, win, queryrun.Options{Concurrency: cfg.Report.Concurrency, Recent: 10,
		Timeout: cfg.Report.QueryTimeout})
	var failed []string
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", r.Query.File, r.Err))
		}
	}
	if len(results) > 0 && len(failed) == len(results) {
		return site.Input{}, nil, func() {}, fmt.Errorf("every query failed; the first: %s", failed[0])
	}
	for _, bf := range p.Broken {
		r := brokenResult(bf)
		results = append(results, r)
		failed = append(failed, fmt.Sprintf("%s: %v", bf.File, r.Err))
	}
	filter := recheckgen.BuildFilter{Pipelines: cfg.Report.Pipelines}
	// Failed builds the backend cannot list leave the uncategorized numbers
	// unknown, not the whole site unpublished.
	builds, buildsErr := b.FailedBuilds(ctx, win, filter)
	if buildsErr != nil {
		failed = append(failed, fmt.Sprintf("failed builds (the uncategorized page): %v", buildsErr))
	}
	opts := report.DefaultOptions(time.Now())
	opts.Links = report.Links{ChangeURL: cfg.Site.ChangeURL, BuildURL: cfg.Site.BuildURL, LineURL: cfg.Site.LineURL}
	rep := report.Make(win, results, builds, opts)
	if buildsErr != nil {
		rep.Uncategorized.Error = buildsErr.Error()
	}
	// Builds run per job: only from a backend that knows every build.
	if bc, ok := b.(recheckgen.BuildCounter); ok {
		all, complete, err := bc.Builds(ctx, win, filter)
		if err != nil {
			fmt.Fprintf(e.stderr, "warning: builds run: %s: the site says they are not known\n", termsafe.Line(err.Error()))
		} else if complete {
			report.SetRuns(rep, all)
		}
	}
	if tr, ok := b.(recheckgen.TestReader); ok {
		runs, err := tr.TestRuns(ctx, win, filter)
		var totals []recheckgen.TestTotals
		if err == nil {
			totals, err = tr.TestTotals(ctx, win, filter)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "warning: test results: %s: the site says they are not known\n", termsafe.Line(err.Error()))
		} else {
			report.SetTests(rep, runs, totals, opts)
		}
	}
	if !cfg.Tracker.Offline {
		titles(ctx, cfg, p, rep)
	}
	if cfg.Report.Previous != "" {
		if prev, err := previous(ctx, cfg.Report.Previous); err != nil {
			fmt.Fprintf(e.stderr, "warning: previous report %s: %s: history starts afresh\n", cfg.Report.Previous, termsafe.Line(err.Error()))
		} else {
			report.Carry(rep, prev, cfg.Report.HistoryDays)
		}
	}
	report.Quiet(rep, win.End, cfg.Report.QuietDays)
	release := triageWindow(ctx, cfg, b, win, results, builds, rep, opts, e)
	latest, err := b.Latest(ctx, time.Now())
	report.SetFreshness(rep, latest.Time, err, cfg.Report.MaxLag)
	in := site.Input{Config: cfg, Report: rep, Graph: report.MakeGraph(rep, win, latest.Time.UnixMilli()), Window: win,
		Queries: p.Queries, Content: p.Content}
	in.EChartsJS, in.EChartsLicense = echarts(cfg, e)
	if strings.HasPrefix(cfg.Site.ECharts, "https://") {
		in.EChartsURL = cfg.Site.ECharts
	}
	return in, failed, release, nil
}

// brokenResult stands for a query file that did not load: its page says
// why, and its numbers are unknown.
func brokenResult(bf repo.BrokenFile) report.Result {
	var msgs []string
	for _, d := range bf.Errors {
		if d.Line > 0 {
			msgs = append(msgs, fmt.Sprintf("line %d, column %d: %s", d.Line, d.Col, d.Message))
		} else {
			msgs = append(msgs, d.Message)
		}
	}
	q := recheckgen.Query{ID: bf.ID, File: bf.File, Bug: recheckgen.BugFromID(bf.ID)}
	return report.Result{Query: q, Err: fmt.Errorf("the query file did not load: %s", strings.Join(msgs, "; ")), Unloaded: true}
}

// triageWindow explains the window's newest failed builds, groups those
// no known bug explains and verifies a query per group. It needs a
// backend that hands over whole builds; when it cannot run, the site
// says so and publishes the rest. release removes the explanations
// spooled for the build pages, once the site is written.
func triageWindow(ctx context.Context, cfg *config.Config, b recheckgen.Backend, win recheckgen.Window, results []report.Result,
	failed []recheckgen.Build, rep *recheckgen.Report, opts report.Options, e *env) (release func()) {
	release = func() {}
	n := cfg.Report.TriageBuilds
	lr, ok := b.(recheckgen.LogReader)
	if n == 0 || !ok || rep.Uncategorized.Error != "" { // no list of failed builds: nothing to explain
		return release
	}
	start := time.Now()
	failed = triage.Explainable(failed)
	in := triage.Input{Backend: b, Reader: lr, Window: win, Failed: failed[:min(n, len(failed))], Results: results,
		QueryOptions: queryfile.Options{Operator: cfg.Query.DefaultOperator, Fields: cfg.Query.Fields},
		Dir:          filepath.ToSlash(cfg.Dirs.Queries), RepoURL: cfg.Site.RepoURL, Branch: cfg.Site.Branch,
		Options: triage.Options{QueryTimeout: cfg.Report.QueryTimeout},
		// Beside the store, in the directory recheckgen owns: a spool left
		// by a killed build is removed by the next one (triage.Input).
		SpoolDir: spoolDir(cfg)}
	if bar := progressBar(e.rawErr, "triage"); bar != nil {
		in.Done = func(done, total int) { bar(store.Progress{Done: done, Total: total}) }
	}
	out, err := triage.Run(ctx, in)
	if err != nil {
		fmt.Fprintf(e.stderr, "warning: triage: %v: the site shows no explanations or groups\n", err)
		return release
	}
	report.SetTriageFrom(rep, triage.Version, out.Builds, out.Explanations, out.Groups, len(failed)-len(in.Failed), opts)
	fmt.Fprintf(e.stderr, "triage: %d failed build(s) explained, %d group(s) of unexplained failures in %.1fs\n",
		len(out.Builds), len(out.Groups), time.Since(start).Seconds())
	return func() { out.Close() }
}

// echarts reads the ECharts script and its licence (the npm package's
// LICENSE, beside dist/), or says how to get them: without the script the
// site still builds and every chart shows as its table.
func echarts(cfg *config.Config, e *env) (script, license []byte) {
	if cfg.Site.ECharts == "" || strings.HasPrefix(cfg.Site.ECharts, "https://") {
		return nil, nil // no charts, or loaded from the CDN the config names
	}
	script, err := os.ReadFile(cfg.Site.ECharts)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.stderr, "note: %s not found: charts are drawn on the server only, without zoom and tooltips (`npm ci` installs ECharts to enhance them)\n", cfg.Site.ECharts)
		return nil, nil
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "warning: %v: charts are drawn on the server only\n", err)
		return nil, nil
	}
	license, _ = os.ReadFile(filepath.Join(filepath.Dir(cfg.Site.ECharts), "..", "LICENSE"))
	return script, license
}

// titles asks the trackers for the bugs' titles and statuses; a tracker
// that does not answer only leaves the query's own title.
func titles(ctx context.Context, cfg *config.Config, p *repo.Project, rep *recheckgen.Report) {
	f := &tracker.Fetcher{CacheFile: cfg.Tracker.Cache, Timeout: cfg.Tracker.Timeout}
	var bugs []recheckgen.BugRef
	for _, q := range p.Queries {
		bugs = append(bugs, q.Bug)
	}
	info := f.Lookup(ctx, bugs)
	report.Titles(rep, func(b recheckgen.BugRef) (string, string, bool) {
		in, ok := info[tracker.Key(b)]
		return in.Title, in.Status, ok
	})
}

// previous reads an earlier report from a file or the published site.
func previous(ctx context.Context, src string) (*recheckgen.Report, error) {
	var data []byte
	var err error
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		data, err = fetchURL(ctx, src)
	} else {
		data, err = os.ReadFile(src)
	}
	if err != nil {
		return nil, err
	}
	var r recheckgen.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("not a report: %v", err)
	}
	return &r, nil
}

// maxPrevious caps an earlier report fetched from the published site
// (a year of daily history for a thousand bugs is a few megabytes).
const maxPrevious = 64 << 20

func fetchURL(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return httpclient.New(httpclient.Options{}).Read(req, maxPrevious)
}
