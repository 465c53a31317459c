package main

import (
	"context"
	"fmt"
	"io"

	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/opensearch"
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

Log files are chosen by --globs (job-output.txt, console.html, *.log, and
*.txt and *.log under logs/ and under each node's NODE/logs/, as Zuul v3
multinode jobs keep them); gzip is read transparently. Each line's time comes
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

With --to opensearch, the builds are then written to the OpenSearch or
Elasticsearch cluster of --opensearch-url as well: _bulk into daily indices
(--write-prefix and the day), with an index template recheckgen installs
(keyword build fields, message as text), one document per event whose id
comes from build, file and line (a repeated or interrupted write never
duplicates), and only the builds the cluster does not already hold whole.

--files lists, for each build stored, the files it read, those it skipped
(the warnings say why) and those no glob chose.

Examples:
  recheckgen ingest ~/ci-logs
  recheckgen ingest --files ~/ci-logs/nova-multinode
  recheckgen ingest --to opensearch --opensearch-url https://search.example.org:9200 ~/ci-logs
  recheckgen ingest --db /tmp/logs.db --force builds/2026-11-20
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		force := fs.Bool("force", false, "ingest builds again even when already stored")
		verbose := fs.Bool("verbose", false, "list every warning, not just the first few")
		to := fs.String("to", "store", "destination: store (the embedded store only), or opensearch (the store, then the cluster)")
		files := fs.Bool("files", false, "list, for each build stored, the files read, skipped and not chosen by --globs")
		load := configFlags(fs, append([]string{"db", "globs", "max-file-mib", "write-prefix"}, openSearchFlags...)...)
		return func(args []string, e *env) int {
			if len(args) == 0 {
				fmt.Fprintln(e.stderr, "recheckgen ingest: name at least one directory (see --help)")
				return exitUsage
			}
			if *to != "store" && *to != "opensearch" {
				fmt.Fprintf(e.stderr, "recheckgen ingest: --to %q: want store or opensearch\n", *to)
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			if *to == "opensearch" && len(cfg.OpenSearch.URLs) == 0 {
				fmt.Fprintln(e.stderr, "recheckgen ingest: --to opensearch needs --opensearch-url (or backend.opensearch.urls)")
				return exitUsage
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
			if *files {
				printFiles(e.stdout, sum)
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen ingest: %v\n", err)
				return exitFail
			}
			if *to == "opensearch" {
				return writeCluster(ctx, cfg, st, e)
			}
			return exitOK
		}
	},
}

// writeCluster writes the store's builds to the configured cluster.
func writeCluster(ctx context.Context, cfg *config.Config, st *store.Store, e *env) int {
	c, err := openSearch(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen ingest: %v\n", err)
		return exitFail
	}
	defer c.Close()
	sum, err := c.Write(ctx, st, opensearch.WriteOptions{Prefix: cfg.OpenSearch.WritePrefix,
		Progress: func(done, total int) {}})
	fmt.Fprintf(e.stdout, "wrote %d build(s), %d document(s), %.1f MB in %d request(s) to %s in %.1fs; %d build(s) already there, %d document(s) sent again after 429, %d refused\n",
		sum.Builds, sum.Docs, float64(sum.Bytes)/1e6, sum.Requests, cfg.OpenSearch.WritePrefix+"YYYY.MM.DD", sum.Elapsed.Seconds(), sum.Current, sum.Retried, sum.Failed)
	for _, msg := range sum.Errors {
		fmt.Fprintf(e.stdout, "  refused: %s\n", msg)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen ingest: %v\n", err)
		return exitFail
	}
	if sum.Failed > 0 {
		return exitFail
	}
	return exitOK
}

// printFiles lists what ingest did with each stored build's files.
func printFiles(w io.Writer, sum store.Summary) {
	for _, b := range sum.ByBuild {
		fmt.Fprintf(w, "%s (%s): %d file(s) read, %d skipped, %d not chosen by --globs\n", b.Dir, b.UUID, len(b.Read), len(b.Skipped), b.Unchosen)
		for _, f := range b.Read {
			fmt.Fprintf(w, "  read        %s\n", f)
		}
		for _, f := range b.Skipped {
			fmt.Fprintf(w, "  skipped     %s\n", f)
		}
		for _, f := range b.Unmatched {
			fmt.Fprintf(w, "  not chosen  %s\n", f)
		}
		if more := b.Unchosen - len(b.Unmatched); more > 0 {
			fmt.Fprintf(w, "  not chosen  ... and %d more\n", more)
		}
	}
}
