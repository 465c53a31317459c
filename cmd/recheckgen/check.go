package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"slices"
	"strings"

	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/repo"
	"github.com/recheckgen/recheckgen/site"
	"github.com/spf13/pflag"
)

var checkCmd = &command{
	name:    "check",
	summary: "validate queries, runbooks and the config; say file, line and what is wrong",
	usage:   "[flags]",
	help: `
Check reads recheckgen.yaml, every query file in queries/ and every runbook in
content/, and reports each problem with its file, line and column:

  - YAML syntax, unknown or repeated keys (with "did you mean"), wrong types;
  - Lucene query syntax, with the position inside the query mapped back to
    the file even through a folded ">" block, and fields the index lacks;
  - runbook front matter (title required; date, author, tags, status);
  - links between runbooks, and query "runbook:" references, that point to a
    page or heading that does not exist;
  - links of the repository's README.md and docs/*.md (beside the config
    file) to files and headings that do not exist.

With --backend opensearch (or sqlite) it also checks what a build needs of
the backend, before the first scheduled one: it connects (credentials,
version), reads the index pattern's mapping (the names discovery chooses),
reports the newest document's age, and runs every query once, reporting each
query the server rejects at its file.

Exit status: 0 when there are no errors (warnings are allowed), 1 when there
are errors, 2 on a usage error.

Examples:
  recheckgen check
  recheckgen check --format github     # annotations on a pull request
  recheckgen check --backend opensearch --opensearch-url https://search.example.org:9200
  recheckgen check --format json | jq '.diagnostics[] | select(.severity=="error")'
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		format := fs.String("format", "text", "output format: "+strings.Join(diag.Formats, ", "))
		backend := fs.String("backend", "", "also check this backend, sqlite or opensearch: connect, credentials, version, index and mapping, the newest data's age, and every query run once")
		load := configFlags(fs, append([]string{"queries", "content", "theme", "default-operator", "fields", "raw-html", "window", "bucket", "db"}, openSearchFlags...)...)
		return func(args []string, e *env) int {
			if len(args) > 0 {
				fmt.Fprintf(e.stderr, "recheckgen check: unexpected argument %q\n", args[0])
				return exitUsage
			}
			if !slices.Contains(diag.Formats, *format) {
				fmt.Fprintf(e.stderr, "recheckgen check: unknown --format %q (want %s)\n", *format, strings.Join(diag.Formats, ", "))
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() == 0 {
				if *backend != "" {
					cfg.Backend.Type = *backend // before loading: the store refuses what a server runs
				}
				p, pdl := repo.LoadForCheck(cfg)
				dl = append(dl, pdl...)
				if *backend != "" && pdl.Errors() == 0 {
					dl = append(dl, checkBackend(cfg, p.Queries, e)...)
				}
				if err := site.CheckTheme(cfg.Dirs.Theme); err != nil {
					dl = append(dl, diag.Diagnostic{File: cfg.Dirs.Theme, Severity: diag.Error, Message: err.Error()})
				}
				// The repository's own README.md and docs/, beside the config.
				root := "."
				if cfg.File != "" {
					root = filepath.Dir(cfg.File)
				}
				dl = append(dl, repo.CheckDocs(root)...)
				dl.Sort()
			}
			out := e.stdout
			if *format == "json" {
				out = e.rawOut // exact: JSON escapes what it must
			}
			if err := diag.Write(out, *format, dl); err != nil {
				fmt.Fprintf(e.stderr, "recheckgen check: %v\n", err)
				return exitFail
			}
			if dl.Errors() > 0 {
				return exitFail
			}
			return exitOK
		}
	},
}

// checkBackend runs the backend's checks; facts go to stderr, problems
// come back as diagnostics (a rejected query at its file).
func checkBackend(cfg *config.Config, qs []recheckgen.Query, e *env) diag.List {
	ctx := context.Background()
	bad := func(format string, args ...any) diag.List {
		return diag.List{{File: "(backend " + cfg.Backend.Type + ")", Severity: diag.Error, Message: fmt.Sprintf(format, args...)}}
	}
	w, err := recheckgen.NewWindow(time.Now(), cfg.Window.Length, cfg.Window.Bucket)
	if err != nil {
		return bad("%v", err)
	}
	var rejected map[string]error
	switch cfg.Backend.Type {
	case "opensearch":
		if len(cfg.OpenSearch.URLs) == 0 {
			return bad("no URL: set --opensearch-url or backend.opensearch.urls")
		}
		c, err := openSearch(cfg)
		if err != nil {
			return bad("%v", err)
		}
		defer c.Close()
		h, err := c.Check(ctx, qs, w)
		if err != nil {
			return bad("%v", err)
		}
		fmt.Fprintf(e.stderr, "backend: %s at %s; %s %s\n", h.Server, strings.Join(cfg.OpenSearch.URLs, ", "), cfg.OpenSearch.Index, indicesMatched(cfg, h.Mapping.Indices))
		for _, n := range h.Mapping.Fields {
			if n.Agg != n.Source && n.Agg != "" {
				fmt.Fprintf(e.stderr, "backend: %s aggregated on %s (%s)\n", n.Logical, n.Agg, n.Type)
			}
		}
		if h.Newest.IsZero() {
			return bad("the index pattern %s holds no documents", cfg.OpenSearch.Index)
		}
		fmt.Fprintf(e.stderr, "backend: newest document %s (%s ago)\n", h.Newest.Format(time.RFC3339), h.Lag.Round(time.Minute))
		rejected = h.Rejected
	case "sqlite":
		st, err := openStoreFile(ctx, cfg.SQLite.Path, e)
		if err != nil {
			return bad("%v", err)
		}
		defer st.Close()
		l, err := st.Latest(ctx, time.Now())
		if err != nil {
			return bad("%v", err)
		}
		if l.Time.IsZero() {
			return bad("the store %s holds no builds: ingest some first", cfg.SQLite.Path)
		}
		fmt.Fprintf(e.stderr, "backend: store %s, newest build %s (%s ago)\n", cfg.SQLite.Path, l.Time.Format(time.RFC3339), time.Since(l.Time).Round(time.Minute))
		rejected = map[string]error{}
		for _, q := range qs {
			if _, err := st.Search(ctx, q, w, recheckgen.SearchOptions{IncludeNonvoting: q.AllowNonvoting}); err != nil {
				rejected[q.ID] = err
			}
		}
	default:
		return bad("unknown backend %q (want sqlite or opensearch)", cfg.Backend.Type)
	}
	var dl diag.List
	for _, q := range qs {
		if err := rejected[q.ID]; err != nil {
			dl = append(dl, diag.Diagnostic{File: q.File, Severity: diag.Error, Message: "the backend cannot run this query: " + err.Error()})
		}
	}
	fmt.Fprintf(e.stderr, "backend: %d of %d queries ran\n", len(qs)-len(dl), len(qs))
	return dl
}
