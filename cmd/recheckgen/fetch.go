package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/fetch"
	"github.com/recheckgen/recheckgen/internal/termsafe"
	"github.com/recheckgen/recheckgen/opensearch"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/store"
	"github.com/recheckgen/recheckgen/zuul"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

var fetchCmd = &command{
	name:    "fetch",
	summary: "bring new builds from the configured sources into the store",
	usage:   "[flags]",
	help: `
Fetch brings the builds of every source of recheckgen.yaml's sources: list
into the log store — build and serve do the same before they query. A zuul
source lists a tenant's builds API; a jenkins source a job's (or a view's)
builds. Every build of the window is stored, with or without its logs, so
the site can say how many builds each job ran: the logs of failed builds are
fetched, and of 10% of the passing ones (success_logs_percent), only the
files the ingest reads (backend.sqlite.globs).

A run fetches only what it does not hold: a build in the store or in the
cache (fetch.cache) is never fetched again, and a listing stops at the first
page of builds it already holds. Each build enters the cache, then the
store, whole or not at all: a fetch killed at any moment loses nothing when
run again. A log server that fails marks its builds "logs missing" (listed
on the site and here); a listing that fails leaves the store as it was.
Builds older than fetch.keep leave the store and the cache.

Exit status: 0 when every source was fetched; 1 when one failed or ran out
of its budget (what was fetched is stored).

Examples:
  recheckgen fetch
  recheckgen fetch --source zuul=https://zuul.opendev.org/api/tenant/openstack --since 1d
  recheckgen fetch --json
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		asJSON := fs.Bool("json", false, "print the summary as JSON")
		verbose := fs.Bool("verbose", false, "list every warning, not just the first few")
		load := configFlags(fs)
		return func(args []string, e *env) int {
			if len(args) > 0 {
				fmt.Fprintf(e.stderr, "recheckgen fetch: unexpected argument %q\n", args[0])
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			ctx := context.Background()
			st, err := openStoreFile(ctx, cfg.SQLite.Path, e)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen fetch: %v\n", err)
				return exitFail
			}
			defer st.Close()
			limit := fetchWarnings
			if *verbose {
				limit = -1
			}
			out := e.stdout
			if *asJSON {
				out = io.Discard
			}
			sum, err := runSources(ctx, cfg, st, true, e, out, limit)
			if *asJSON {
				if code := writeJSON(e.rawOut, sum); code != exitOK {
					return code
				}
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen fetch: %v\n", err)
				return exitFail
			}
			if sum.Failed() {
				return exitFail
			}
			return exitOK
		}
	},
}

// defaultSample is where the sample corpus goes when no source is
// configured.
const defaultSample = ".recheckgen/sample"

// plan is the sources a run stores from: the config's sources (or the
// --source flags'), the directories of backend.sqlite.ingest and the
// sample of backend.sqlite.sample; with none, the sample corpus. The
// sample never goes silently into a store named by --db: only when the
// command line names it too.
func plan(cfg *config.Config, e *env, notes bool) []fetch.Spec {
	srcs := append([]config.Source(nil), cfg.Sources...)
	for _, d := range cfg.SQLite.Ingest {
		srcs = append(srcs, config.Source{Kind: "dir", Dir: d})
	}
	if cfg.SQLite.Sample != "" {
		srcs = append(srcs, config.Source{Kind: "sample", Dir: cfg.SQLite.Sample})
	}
	if len(srcs) == 0 && !cfg.ByFlag("backend.sqlite.sample") && cfg.Backend.Type == "sqlite" {
		srcs = append(srcs, config.Source{Kind: "sample", Dir: defaultSample})
	}
	var out []fetch.Spec
	for _, s := range srcs {
		if s.Kind == "sample" && cfg.ByFlag("backend.sqlite.path") && !cfg.ByFlag("backend.sqlite.sample") && !cfg.ByFlag("sources") {
			if !notes {
				continue
			}
			fmt.Fprintf(e.stderr, "note: the sample corpus is not stored into %s, named by --db (add --sample %s to store it there)\n",
				cfg.SQLite.Path, s.Dir)
			continue
		}
		out = append(out, fetch.Spec{Kind: s.Kind, URL: s.URL, Dir: s.Dir, Pipelines: s.Pipelines, Projects: s.Projects,
			Branches: s.Branches, Jobs: s.Jobs, Voting: s.Voting, Since: cfg.FetchSince(s), LogResults: s.LogResults,
			SuccessPercent: s.SuccessPercent, UserEnv: s.UserEnv, PasswordEnv: s.PasswordEnv, TokenEnv: s.TokenEnv})
	}
	return out
}

// runSources stores the planned sources into st (without the remote ones
// unless remote), printing a summary per source to w.
func runSources(ctx context.Context, cfg *config.Config, st *store.Store, remote bool, e *env, w io.Writer, maxWarnings int) (fetch.Summary, error) {
	var specs []fetch.Spec
	for _, s := range plan(cfg, e, true) {
		if s.Kind == "sample" {
			if err := ensureSample(s.Dir, e); err != nil {
				return fetch.Summary{}, err
			}
		}
		if remote || !s.Remote() {
			specs = append(specs, s)
		}
	}
	if len(specs) == 0 {
		return fetch.Summary{}, nil
	}
	opts := fetchOptions(cfg, cfg.Fetch.Cache)
	opts.Keep, opts.LogAttempts = cfg.FetchKeep(), cfg.Fetch.LogAttempts
	opts.Progress = fetchBar(e.rawErr)
	opts.Waiting = func() { fmt.Fprintf(e.stderr, "waiting for another fetch using %s\n", cfg.Fetch.Cache) }
	var dest fetch.Destination = fetch.Store{St: st, Opts: store.IngestOptions{Globs: cfg.SQLite.Globs, MaxFileBytes: int64(cfg.SQLite.MaxFileMiB) << 20,
		Progress: progressBar(e.rawErr, "ingest")}}
	if cfg.Backend.Type == "opensearch" {
		c, err := openSearch(cfg)
		if err != nil {
			return fetch.Summary{}, err
		}
		defer c.Close()
		dest = fetch.Cluster{Store: dest.(fetch.Store), Write: func(ctx context.Context) (fetch.Stored, error) {
			ws, err := c.Write(ctx, st, opensearch.WriteOptions{Prefix: cfg.OpenSearch.WritePrefix})
			out := fetch.Stored{Builds: ws.Builds, Skipped: ws.Current, Failed: ws.Failed, Bytes: ws.Bytes, Warnings: []string{}}
			for _, msg := range ws.Errors {
				out.Warnings = append(out.Warnings, "refused by the cluster: "+msg)
			}
			return out, err
		}}
	}
	sum, err := fetch.Run(ctx, specs, dest, opts)
	for _, s := range sum.Sources {
		printSource(w, s, maxWarnings)
	}
	return sum, err
}

// fetchOptions are the fetch settings a run and triage's fetch of one
// build share, with cache the directory fetched builds go to. Besides the
// ingest's globs it fetches the inventory Zuul writes, where the ingest
// reads the node's provider.
func fetchOptions(cfg *config.Config, cache string) fetch.Options {
	return fetch.Options{Cache: cache, Globs: cfg.SQLite.Globs, Extra: []string{zuul.InventoryPath}, Known: literal(cfg.SQLite.Globs),
		PerHost: cfg.Fetch.PerHost, Timeout: cfg.Fetch.Timeout, Retries: cfg.Fetch.Retries, Budget: cfg.Fetch.Budget,
		MaxFile: int64(cfg.Fetch.MaxFileMiB) << 20, MaxBuild: int64(cfg.Fetch.MaxBuildMiB) << 20}
}

// literal are the globs without wildcards: the names tried for a build
// whose log server has no manifest.
func literal(globs []string) []string {
	var out []string
	for _, g := range globs {
		if !strings.ContainsAny(g, "*?[{\\") {
			out = append(out, g)
		}
	}
	return out
}

func printSource(w io.Writer, s fetch.SourceSummary, maxWarnings int) {
	written := func() {
		if c := s.Stored.Written; c != nil {
			fmt.Fprintf(w, "  to the cluster: wrote %d build(s), %.1f MB; %d held whole already, %d document(s) refused\n",
				c.Builds, float64(c.Bytes)/1e6, c.Skipped, c.Failed)
		}
	}
	if !fetch.RemoteKind(s.Kind) {
		// A local source: its ingest says it all.
		if d, ok := s.Stored.Detail.(store.Summary); ok && (d.Builds > 0 || len(d.Warnings) > 0) {
			printIngest(w, d, maxWarnings)
		}
		written()
		return
	}
	{
		rate := float64(s.Bytes) / 1e6 / max(s.Fetching.Seconds(), 1e-9)
		fmt.Fprintf(w, "%s: %d build(s) listed on %d page(s), %d held already; fetched %d (%d without logs, %d logs missing), %d file(s), %.1f MB in %.1fs (%.1f MB/s), %d request(s), %d retried; stored %d in %.1fs",
			s.Source, s.Listed, s.Pages, s.Held, s.Fetched, s.NoLogs, len(s.LogsMissing), s.Files, float64(s.Bytes)/1e6,
			s.Fetching.Seconds(), rate, s.Requests, s.Retries, s.Stored.Builds, (s.Elapsed - s.Fetching).Seconds())
		if s.Retried > 0 {
			fmt.Fprintf(w, "; %d build(s) whose logs were missing fetched again, %d now whole", s.Retried, s.Recovered)
		}
		if s.Pruned > 0 {
			fmt.Fprintf(w, "; %d old build(s) removed", s.Pruned)
		}
		fmt.Fprintln(w)
	}
	written()
	if s.Err != "" {
		fmt.Fprintf(w, "  error: %s\n", termsafe.Line(s.Err))
	}
	if n := len(s.LogsMissing); n > 0 {
		fmt.Fprintf(w, "  logs missing: %s\n", cut(s.LogsMissing, 10))
	}
	warns := append(append([]string(nil), s.Warnings...), s.Stored.Warnings...)
	printWarnings(w, "  ", warns, maxWarnings, " (--verbose lists them all)")
}

func cut(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, ", ")
	}
	return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
}

// fetchBar draws a fetch's progress on a terminal: builds fetched of
// those to fetch, bytes, rate and the time left; nil elsewhere.
func fetchBar(w io.Writer) func(fetch.Progress) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return drawFetch(w, time.Now())
}

// drawFetch draws the bar on w, the rate counted from start.
func drawFetch(w io.Writer, start time.Time) func(fetch.Progress) {
	var last time.Time
	return func(p fetch.Progress) {
		done := !p.Listing && p.Done == p.Queued
		if !done && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		filled := width * p.Done / max(p.Queued, 1)
		el := time.Since(start).Seconds()
		rate := float64(p.Bytes) / max(el, 1e-9)
		eta := "?"
		if p.Done > 0 && !p.Listing {
			eta = time.Duration(float64(p.Queued-p.Done) * el / float64(p.Done) * float64(time.Second)).Round(time.Second).String()
		}
		listing := ""
		if p.Listing {
			listing = ", listing"
		}
		fmt.Fprintf(w, "\r\033[K%s [%s%s] %d/%d builds (%d listed, %d held%s), %.1f MB, %.1f MB/s, ETA %s", host(p.Source),
			strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.Done, p.Queued, p.Listed, p.Held, listing,
			float64(p.Bytes)/1e6, rate/1e6, eta)
		if done {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

// host is a source's name cut for the bar.
func host(s string) string { return report.Cut(s, 40) }
