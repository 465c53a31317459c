package main

import (
	"fmt"
	"path/filepath"
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

Exit status: 0 when there are no errors (warnings are allowed), 1 when there
are errors, 2 on a usage error.

Examples:
  recheckgen check
  recheckgen check --format github     # annotations on a pull request
  recheckgen check --format json | jq '.diagnostics[] | select(.severity=="error")'
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		format := fs.String("format", "text", "output format: "+strings.Join(diag.Formats, ", "))
		load := configFlags(fs, "queries", "content", "theme", "default-operator", "fields", "raw-html")
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
				_, pdl := repo.Load(cfg)
				dl = append(dl, pdl...)
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
