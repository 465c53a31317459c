package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/gitchange"
	"github.com/recheckgen/recheckgen/queryrun"
	"github.com/recheckgen/recheckgen/repo"
	"github.com/recheckgen/recheckgen/report"
	"github.com/spf13/pflag"
)

var dryRunCmd = &command{
	name:    "dry-run",
	summary: "show what changed query files would do to the data",
	usage:   "[flags] [--base REF | FILE...]",
	help: `
Dry-run runs each query file added or changed against a base git ref (or
each FILE named) over the window, on the configured backend, and reports
what it would do to the site: the failed and passing builds it matches
(too broad when more than 10% of them passed, elastic-recheck's rule), the
jobs and projects it hits, example lines, and its overlap with every other
query (the builds both match, as a share of each; it duplicates another
when half or more of its builds are that query's too). Its numbers are those
recheckgen query gives for the same text.

--format markdown writes a pull request's job summary; the check workflow
runs it on every pull request against the sample store, or the backend the
repository configures.

Exit status: 0 when it ran (flags are reported, not failures); 1 when the
changes or the backend could not be read; 2 on a usage error.

Examples:
  recheckgen dry-run --base origin/main
  recheckgen dry-run queries/1796151.yaml
  recheckgen dry-run --base origin/main --format markdown >> "$GITHUB_STEP_SUMMARY"
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		base := fs.String("base", "", "git ref the changes are against (such as origin/main)")
		format := fs.String("format", "text", "output format: "+strings.Join(report.DryRunFormats, ", "))
		examples := fs.Int("examples", 3, "example lines per query")
		load := configFlags(fs)
		return func(args []string, e *env) int {
			if (*base == "") == (len(args) == 0) {
				fmt.Fprintln(e.stderr, "recheckgen dry-run: give --base REF or query files (see --help)")
				return exitUsage
			}
			if !slices.Contains(report.DryRunFormats, *format) {
				fmt.Fprintf(e.stderr, "recheckgen dry-run: unknown --format %q (want %s)\n", *format, strings.Join(report.DryRunFormats, ", "))
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			ctx := context.Background()
			files := args
			if *base != "" {
				var err error
				if files, err = gitchange.Files(ctx, *base, cfg.Dirs.Queries); err != nil {
					fmt.Fprintf(e.stderr, "recheckgen dry-run: %v\n", err)
					return exitFail
				}
			}
			p, pdl := repo.Load(cfg)
			if pdl.Errors() > 0 && !p.OnlyBrokenQueries(pdl) {
				return printDiags(e, pdl)
			}
			changed, unknown := changedIDs(p, files)
			if len(args) > 0 && len(unknown) > 0 {
				// A file named that is not one of the repository's query
				// files would be silently left out of the report.
				fmt.Fprintf(e.stderr, "recheckgen dry-run: %s: not a query file of %s (the dry run reads the repository's queries: put it there as NAME.yaml)\n",
					strings.Join(unknown, ", "), cfg.Dirs.Queries)
				return exitUsage
			}
			b, err := openBackend(ctx, cfg, false, e)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen dry-run: %v\n", err)
				return exitFail
			}
			defer b.Close()
			win, err := window(ctx, cfg, b, e)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen dry-run: %v\n", err)
				return exitFail
			}
			results := queryrun.Run(ctx, b, p.Queries, win, queryrun.Options{Concurrency: cfg.Report.Concurrency,
				Recent: *examples, Timeout: cfg.Report.QueryTimeout})
			for _, bf := range p.Broken {
				results = append(results, brokenResult(bf))
			}
			for _, q := range p.Resolved {
				if slices.Contains(changed, q.ID) {
					fmt.Fprintf(e.stderr, "%s: resolved_at: left off the report, not run\n", q.File)
				}
			}
			if len(pdl) > 0 {
				_ = diag.Write(e.stderr, "text", pdl)
			}
			return writeOut(e, report.WriteDryRun(e.stdout, *format, report.MakeDryRun(win, changed, results, *examples)))
		}
	},
}

// changedIDs are the query ids of the changed files that are the
// repository's query files (loaded, broken or resolved), matched by path,
// not by base name: queries/old/1796151.yaml is not query 1796151. The
// files that are none of them come back as unknown.
func changedIDs(p *repo.Project, files []string) (ids, unknown []string) {
	byFile := map[string]string{}
	add := func(id, file string) {
		if abs, err := filepath.Abs(file); err == nil {
			byFile[abs] = id
		}
	}
	for _, q := range p.Queries {
		add(q.ID, q.File)
	}
	for _, q := range p.Resolved {
		add(q.ID, q.File)
	}
	for _, b := range p.Broken {
		add(b.ID, b.File)
	}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if id, ok := byFile[abs]; err == nil && ok {
			ids = append(ids, id)
		} else {
			unknown = append(unknown, f)
		}
	}
	return ids, unknown
}

func writeOut(e *env, err error) int {
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen dry-run: %v\n", err)
		return exitFail
	}
	return exitOK
}
