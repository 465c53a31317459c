package main

import (
	"context"
	"fmt"

	"github.com/recheckgen/recheckgen/store"
	"github.com/spf13/pflag"
)

var ingestCmd = &command{
	name:    "ingest",
	summary: "load CI build directories into the embedded SQLite store",
	usage:   "[flags] DIR...",
	help: `
Ingest walks each DIR for build directories — a directory holding a
build.json (a Zuul builds-API record, flat or nested shape) and its log files
— and stores every log line, with its timestamp, in the SQLite log store.

Log files are chosen by --globs (job-output.txt, console.html, *.log and
logs/**/*.txt by default); gzip is read transparently. Each line's time comes
from its prefix (job-output, oslo.log, ISO 8601 or syslog); a line without one
takes the time of the line before it.

Ingest is incremental: a build already stored is skipped unless --force.
Bad input never stops it: a missing or invalid build.json, a truncated gzip,
a binary file, invalid UTF-8 or a line over 1 MiB each give a warning naming
the file, and the summary counts them. Each build is stored in one
transaction, so an interrupted ingest leaves no half-stored build.

The full-text index lives beside the store, in PATH.fts (for --db PATH),
and is filled while the ingest goes on. It is derived data: when it is
missing or behind, the next command that opens the store completes it.

Examples:
  recheckgen ingest ~/ci-logs
  recheckgen ingest --db /tmp/logs.db --force builds/2026-11-20
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		force := fs.Bool("force", false, "ingest builds again even when already stored")
		verbose := fs.Bool("verbose", false, "list every warning, not just the first few")
		load := configFlags(fs, "db", "globs", "max-file-mib")
		return func(args []string, e *env) int {
			if len(args) == 0 {
				fmt.Fprintln(e.stderr, "recheckgen ingest: name at least one directory (see --help)")
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			ctx := context.Background()
			st, err := openStoreFile(ctx, cfg.SQLite.Path, e)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen ingest: %v\n", err)
				return exitFail
			}
			defer st.Close()
			sum, err := st.Ingest(ctx, args, store.IngestOptions{Globs: cfg.SQLite.Globs, Force: *force, MaxFileBytes: int64(cfg.SQLite.MaxFileMiB) << 20,
				Progress: progressBar(e.rawErr, "ingest")})
			limit := 10
			if *verbose {
				limit = -1
			}
			printIngest(e.stdout, sum, limit)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen ingest: %v\n", err)
				return exitFail
			}
			return exitOK
		}
	},
}
