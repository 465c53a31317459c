package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/recheckgen/recheckgen/queryimport"
	"github.com/spf13/pflag"
)

var importCmd = &command{
	name:    "import",
	summary: "turn TripleO's queries.yml or sova's patterns into query files",
	usage:   "[flags] FILE",
	help: `
Import reads a file of known-failure patterns in a neighbouring format and
writes a query file for each entry whose pattern Lucene can say:

  - TripleO's unified queries.yml (a top-level "queries" list; each entry an
    id, an exact "pattern" or a list of them, or a "regex", the files'
    "tags", the bug "url", a "category", or a "logstash" query of its own);
  - sova's patterns (JSON or YAML: "patterns" by file — console, errors,
    syslog, ... — each an exact string or the name of one of "regexes").

Exact strings become phrases; a regular expression becomes the phrases of
its literal text (alternatives OR-ed, what stands between them a gap). Each
written file says, in comments, how the query reads the pattern differently
(Lucene matches whole words, case-insensitively, on one line). What cannot be
said — no word to search for, lookaround, backreferences — is listed with the
reason. Existing files are left alone unless --force.

Exit status: 0 when the file was read (see the list for what was not
translated), 1 when it could not be read, 2 on a usage error.

Examples:
  recheckgen import queries.yml
  recheckgen import --out queries/tripleo sova-pattern-generated.json
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		out := fs.String("out", "", "directory to write the query files to (default: the queries directory)")
		force := fs.Bool("force", false, "replace query files that exist")
		load := configFlags(fs, "queries", "default-operator")
		return func(args []string, e *env) int {
			if len(args) != 1 {
				fmt.Fprintln(e.stderr, "recheckgen import: name one file (see --help)")
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen import: %v\n", err)
				return exitFail
			}
			format, entries, err := queryimport.Read(data)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen import: %s: %v\n", args[0], err)
				return exitFail
			}
			for i := range entries {
				entries[i].Check(cfg.Query.DefaultOperator)
			}
			dir := *out
			if dir == "" {
				dir = cfg.Dirs.Queries
			}
			written, err := queryimport.Write(dir, filepath.Base(args[0]), entries, *force)
			for _, p := range written {
				fmt.Fprintf(e.stdout, "wrote %s\n", p)
			}
			failed := 0
			for _, en := range entries {
				if en.Err != nil {
					failed++
					fmt.Fprintf(e.stdout, "not translated: %s: %v\n", en.Source, en.Err)
				}
			}
			fmt.Fprintf(e.stdout, "%s: %d entries (%s format): %d written, %d not translated\n", args[0], len(entries), format, len(written), failed)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen import: %v\n", err)
				return exitFail
			}
			return exitOK
		}
	},
}
