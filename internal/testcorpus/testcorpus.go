// Package testcorpus gives tests a real embedded store filled with a
// sample corpus, and the repository's own queries.
package testcorpus

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/store"
)

// Globs are the default log file patterns.
var Globs = []string{"job-output.txt", "console.html", "*.log", "logs/**/*.txt", "logs/**/*.log", "*/logs/**/*.txt", "*/logs/**/*.log"}

// Store generates a sample corpus with opts in a temporary directory and
// ingests it into a store that is closed when the test ends.
func Store(t testing.TB, opts sample.Options) *store.Store {
	t.Helper()
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "sample")
	if _, err := sample.Generate(dir, opts); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(tmp, "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Ingest(context.Background(), []string{dir}, store.IngestOptions{Globs: Globs}); err != nil {
		t.Fatal(err)
	}
	return st
}

// Build generates a sample corpus with opts under dir and ingests it into
// a store there, for tests that share one store: the caller closes it and
// removes dir.
func Build(dir string, opts sample.Options) (*store.Store, error) {
	corpus := filepath.Join(dir, "sample")
	if _, err := sample.Generate(corpus, opts); err != nil {
		return nil, err
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "logs.db"))
	if err != nil {
		return nil, err
	}
	if _, err := st.Ingest(context.Background(), []string{corpus}, store.IngestOptions{Globs: Globs}); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// Queries loads the repository's queries from dir (relative to the test's
// package: "../queries").
func Queries(t testing.TB, dir string) []recheckgen.Query {
	t.Helper()
	qs, dl := queryfile.LoadDir(dir, queryfile.Options{Operator: lucene.AND})
	if dl.Errors() > 0 || len(qs) == 0 {
		t.Fatalf("queries in %s: %d loaded, %v", dir, len(qs), dl)
	}
	return qs
}
