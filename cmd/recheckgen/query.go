package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/queryrun"
	"github.com/recheckgen/recheckgen/report"
	"github.com/spf13/pflag"
)

var queryCmd = &command{
	name:    "query",
	summary: "run one Lucene query (or --bug ID) and show who it hits",
	usage:   "[flags] 'LUCENE' | --bug ID",
	help: `
Query runs one query over the window, like elastic-recheck-query: the number
of matching lines and builds, then the share of matching builds by
build_status, build_name, project, build_branch and node_provider, and the
newest matching lines with their log links.

Examples:
  recheckgen query 'message:"Timed out waiting for a reply" AND tags:"screen-n-cpu.txt"'
  recheckgen query --bug 1260311
  recheckgen query --json --window 2d 'build_status:FAILURE AND tags:console'
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		bug := fs.String("bug", "", "run the query file queries/ID.yaml")
		asJSON := fs.Bool("json", false, "print JSON")
		recent := fs.Int("recent", 5, "newest matching lines to show")
		nonvoting := fs.Bool("nonvoting", false, "count non-voting jobs too (the site counts them only for allow-nonvoting queries)")
		load := configFlags(fs)
		return func(args []string, e *env) int {
			if (*bug == "") == (len(args) == 0) || len(args) > 1 {
				fmt.Fprintln(e.stderr, "recheckgen query: give one quoted query string, or --bug ID (see --help)")
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			q, dl := oneQuery(cfg, *bug, args)
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			ctx := context.Background()
			b, err := openBackend(ctx, cfg, false, e)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen query: %v\n", err)
				return exitFail
			}
			defer b.Close()
			win, err := window(ctx, cfg, b, e)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen query: %v\n", err)
				return exitFail
			}
			m, err := queryrun.Search(ctx, b, q, win, recheckgen.SearchOptions{Recent: *recent, IncludeNonvoting: *nonvoting || q.AllowNonvoting},
				cfg.Report.QueryTimeout)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen query: %v\n", err)
				return exitFail
			}
			if *asJSON {
				return writeJSON(e.rawOut, queryJSON(q, win, m))
			}
			printMatch(e.stdout, q, win, m)
			return exitOK
		}
	},
}

// oneQuery reads the query of --bug ID from the query directory, or parses
// the one given on the command line as if it were a query file.
func oneQuery(cfg *config.Config, bug string, args []string) (recheckgen.Query, diag.List) {
	opts := queryfile.Options{Operator: cfg.Query.DefaultOperator, Fields: cfg.Query.Fields}
	if bug != "" {
		p := filepath.Join(cfg.Dirs.Queries, bug+".yaml")
		src, err := os.ReadFile(p)
		if err != nil {
			return recheckgen.Query{}, diag.List{{File: p, Severity: diag.Error, Message: fmt.Sprintf("no query file for bug %s: %v", bug, err)}}
		}
		return queryfile.Load(p, src, opts)
	}
	return queryfile.ParseString("(command line)", args[0], opts)
}

var shareFields = []struct {
	name string
	key  func(recheckgen.Build) string
}{
	{"build_status", func(b recheckgen.Build) string { return b.Result }},
	{"build_name", func(b recheckgen.Build) string { return b.Job }},
	{"project", func(b recheckgen.Build) string { return b.Project }},
	{"build_branch", func(b recheckgen.Build) string { return b.Branch }},
	{"node_provider", func(b recheckgen.Build) string { return b.Provider }},
	{"build_node", func(b recheckgen.Build) string { return b.Node }},
}

func printMatch(w io.Writer, q recheckgen.Query, win recheckgen.Window, m *recheckgen.Match) {
	lines := 0
	for _, b := range m.Builds {
		lines += b.Lines
	}
	fmt.Fprintf(w, "%s\nwindow %s to %s UTC\n\n", q.Raw, win.Start.Format("2006-01-02 15:04"), win.End.Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "total hits: %d lines in %d builds", lines, len(m.Builds))
	if len(m.Builds) > 0 {
		fmt.Fprintf(w, ", first %s, last %s", m.First.Format(time.DateTime), m.Last.Format(time.DateTime))
	}
	fmt.Fprintln(w)
	for _, f := range shareFields {
		fmt.Fprintln(w, f.name)
		for i, s := range m.Shares(f.key) {
			if i == 5 {
				break
			}
			fmt.Fprintf(w, "  %3.0f%% %s\n", s.Percent, orDash(s.Value))
		}
	}
	if len(m.Recent) > 0 {
		fmt.Fprintln(w, "\nnewest lines")
	}
	for _, h := range m.Recent {
		fmt.Fprintf(w, "  %s %s %s:%d\n    %s\n", h.Time.Format(time.DateTime), h.Build.Job, h.File, h.Line, report.Cut(h.Message, 200))
		if h.Build.LogURL != "" {
			fmt.Fprintf(w, "    %s%s\n", strings.TrimSuffix(h.Build.LogURL, "/")+"/", h.File)
		}
	}
}

func queryJSON(q recheckgen.Query, win recheckgen.Window, m *recheckgen.Match) any {
	shares := map[string][]recheckgen.Share{}
	for _, f := range shareFields {
		shares[f.name] = m.Shares(f.key)
	}
	return map[string]any{"query": q.Raw, "window": map[string]any{"start": win.Start, "end": win.End},
		"builds": len(m.Builds), "first": m.First, "last": m.Last, "shares": shares, "recent": m.Recent}
}

func writeJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return exitFail
	}
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
