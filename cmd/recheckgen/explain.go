package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/store"
	"github.com/spf13/pflag"
)

var explainCmd = &command{
	name:    "explain",
	summary: "show how a query is parsed and what the backend will run",
	usage:   "[flags] 'LUCENE' | --bug ID",
	help: `
Explain parses a query and prints what recheckgen understood: the canonical
form (the operators Elasticsearch will apply, with parentheses made
explicit), the query tree, any warnings, and the SQL the embedded store runs.

With --backend opensearch it also connects to the cluster, reads the index
pattern's field types (_field_caps), and shows the names it chose for each
field (aggregation and _source) and the search request it would send.

Examples:
  recheckgen explain 'message:"a" OR message:"b" AND tags:console'
  recheckgen explain --bug 1260311
  recheckgen explain --backend opensearch --opensearch-url http://127.0.0.1:9200 'project:"openstack/nova"' 
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		bug := fs.String("bug", "", "explain the query file queries/ID.yaml")
		load := configFlags(fs, append([]string{"queries", "default-operator", "fields", "backend", "window", "bucket"}, openSearchFlags...)...)
		return func(args []string, e *env) int {
			if (*bug == "") == (len(args) == 0) || len(args) > 1 {
				fmt.Fprintln(e.stderr, "recheckgen explain: give one quoted query string, or --bug ID (see --help)")
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			q, dl := oneQuery(cfg, *bug, args)
			if len(dl) > 0 {
				_ = printDiags(e, dl)
			}
			if dl.Errors() > 0 {
				return exitFail
			}
			fmt.Fprintf(e.stdout, "canonical (default operator %s):\n  %s\n\ntree:\n", cfg.Query.DefaultOperator, lucene.String(q.Expr))
			printTree(e.stdout, q.Expr, 1)
			if cfg.Backend.Type == "opensearch" {
				return explainCluster(cfg, q, e)
			}
			sql, args2, err := store.Explain(q, q.AllowNonvoting)
			if err != nil {
				fmt.Fprintf(e.stdout, "\nembedded store: %v\n", err)
				return exitFail
			}
			fmt.Fprintf(e.stdout, "\nembedded store SQL (window bounds first, then):\n  %s\n  args: %q\n", sql, args2)
			return exitOK
		}
	},
}

func printTree(w io.Writer, n lucene.Node, depth int) {
	pad := strings.Repeat("  ", depth)
	switch n := n.(type) {
	case *lucene.And:
		fmt.Fprintf(w, "%sAND\n", pad)
		for _, c := range n.Children {
			printTree(w, c, depth+1)
		}
	case *lucene.Or:
		fmt.Fprintf(w, "%sOR\n", pad)
		for _, c := range n.Children {
			printTree(w, c, depth+1)
		}
	case *lucene.Not:
		fmt.Fprintf(w, "%sNOT\n", pad)
		printTree(w, n.Child, depth+1)
	default:
		fmt.Fprintf(w, "%s%T %s\n", pad, n, lucene.String(n))
	}
}

// explainCluster shows the field names discovery chose and the request.
func explainCluster(cfg *config.Config, q recheckgen.Query, e *env) int {
	c, err := openSearch(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen explain: %v\n", err)
		return exitFail
	}
	defer c.Close()
	w, err := recheckgen.NewWindow(time.Now(), cfg.Window.Length, cfg.Window.Bucket)
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen explain: %v\n", err)
		return exitFail
	}
	m, body, err := c.Explain(context.Background(), q, w)
	if err != nil {
		fmt.Fprintf(e.stderr, "recheckgen explain: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(e.stdout, "\nOpenSearch %s (%s), field names:\n", cfg.OpenSearch.Index, indicesMatched(cfg, m.Indices))
	fmt.Fprintf(e.stdout, "  %-18s %-24s %-24s %s\n", "field", "aggregate on", "read from _source", "mapped as")
	for _, n := range m.Fields {
		agg := n.Agg
		if agg == "" {
			agg = "-"
		}
		fmt.Fprintf(e.stdout, "  %-18s %-24s %-24s %s\n", n.Logical, agg, n.Source, n.Type)
	}
	fmt.Fprintf(e.stdout, "\nsearch request (one item of an _msearch):\n%s\n", body)
	return exitOK
}
