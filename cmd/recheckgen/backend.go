package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/opensearch"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/store"
)

// openStore opens the embedded store and brings it up to date from the
// configured sources: the sample corpus (generated when missing) and
// directories of build directories always, zuul and jenkins sources when
// remote (build and serve; query and explain use what is stored).
func openStore(ctx context.Context, cfg *config.Config, remote bool, e *env) (*store.Store, error) {
	st, err := openStoreFile(ctx, cfg.SQLite.Path, e)
	if err != nil {
		return nil, err
	}
	if _, err := runSources(ctx, cfg, st, remote, e, e.stderr, fetchWarnings); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// openStoreFile opens the store at path, telling what opening repairs as
// it starts.
func openStoreFile(ctx context.Context, path string, e *env) (*store.Store, error) {
	return store.OpenWith(ctx, path, store.OpenOptions{Notify: func(n string) {
		fmt.Fprintf(e.stderr, "note: %s: %s\n", path, n)
	}, Progress: countBar(e.rawErr, "index", "lines")})
}

func ensureSample(dir string, e *env) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sample corpus %s: %w", dir, err)
	}
	start := time.Now()
	m, err := sample.Generate(dir, sample.DefaultOptions())
	if err != nil {
		return fmt.Errorf("generate sample corpus: %w", err)
	}
	fmt.Fprintf(e.stderr, "generated the sample corpus: %d builds in %s (%.1fs)\n", len(m.Builds), dir, time.Since(start).Seconds())
	return nil
}

// fillCluster brings the configured sources' new builds into the
// cluster, through the embedded store at backend.sqlite.path (the staging
// store, as ingest --to opensearch uses it), when any source is
// configured.
func fillCluster(ctx context.Context, cfg *config.Config, remote bool, e *env) error {
	if len(plan(cfg, e, false)) == 0 {
		return nil
	}
	st, err := openStoreFile(ctx, cfg.SQLite.Path, e)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = runSources(ctx, cfg, st, remote, e, e.stderr, fetchWarnings)
	return err
}

// openBackend opens the configured backend; remote says whether zuul and
// jenkins sources are fetched first.
func openBackend(ctx context.Context, cfg *config.Config, remote bool, e *env) (recheckgen.Backend, error) {
	switch cfg.Backend.Type {
	case "sqlite":
		return openStore(ctx, cfg, remote, e)
	case "opensearch":
		if err := fillCluster(ctx, cfg, remote, e); err != nil {
			return nil, err
		}
		return openSearch(cfg)
	}
	return nil, fmt.Errorf("unknown backend %q", cfg.Backend.Type)
}

// openSearch makes the OpenSearch client the config describes.
func openSearch(cfg *config.Config) (*opensearch.Client, error) {
	o := cfg.OpenSearch
	return opensearch.New(opensearch.Config{URLs: o.URLs, Index: o.Index, CAFile: o.CAFile, Insecure: o.Insecure,
		Fields:  opensearch.Fields(o.Fields),
		Timeout: o.Timeout, Deadline: o.Deadline, Discover: o.Discover, Operator: cfg.Query.DefaultOperator, Batch: cfg.Report.Batch,
		// Secrets come from the environment only, by the names the config gives.
		User: os.Getenv(o.UserEnv), Password: os.Getenv(o.PasswordEnv)})
}

// openSearchFlags are the flags of the settings that reach a cluster.
var openSearchFlags = []string{"opensearch-url", "index", "user-env", "password-env", "ca-file", "insecure-skip-verify",
	"timeout", "deadline", "discover"}

// window resolves the configured window against the backend's data.
func window(ctx context.Context, cfg *config.Config, b recheckgen.Backend, e *env) (recheckgen.Window, error) {
	now := time.Now()
	end, latest, err := cfg.WindowEnd(now)
	if err != nil {
		return recheckgen.Window{}, err
	}
	if latest {
		l, err := b.Latest(ctx, now)
		if err != nil {
			return recheckgen.Window{}, err
		}
		if l.FutureCount > 0 {
			fmt.Fprintf(e.stderr, "warning: window end `latest` ignores %d build(s) dated after now: %s\n",
				l.FutureCount, strings.Join(l.Future, ", "))
		}
		if l.Time.IsZero() {
			return recheckgen.Window{}, errors.New("window end is `latest` but the backend holds no builds dated before now: ingest some first")
		}
		// The window holds the newest data: it ends after it (a window is
		// [start, end), and NewWindow rounds up to a whole bucket).
		end = l.Time.Add(time.Millisecond)
	}
	return recheckgen.NewWindow(end, cfg.Window.Length, cfg.Window.Bucket)
}

func printIngest(w io.Writer, sum store.Summary, maxWarnings int) {
	fmt.Fprintf(w, "ingested %d build(s), %d file(s), %d lines, %.1f MB in %.1fs (%.0f lines/s); %d already stored, %d failed, %d warning(s)\n",
		sum.Builds, sum.Files, sum.Lines, float64(sum.Bytes)/1e6, sum.Elapsed.Seconds(),
		float64(sum.Lines)/max(sum.Elapsed.Seconds(), 1e-9), sum.Skipped, sum.Failed, len(sum.Warnings))
	printWarnings(w, "  ", texts(sum.Warnings), maxWarnings, " (recheckgen ingest --verbose lists them all)")
}

// indicesMatched says how many indices the pattern matched, which only
// discovery (_field_caps) finds out.
func indicesMatched(cfg *config.Config, n int) string {
	if !cfg.OpenSearch.Discover {
		return "indices not counted: backend.opensearch.discover is off, the configured field names are used as they are"
	}
	return fmt.Sprintf("matches %d indices", n)
}
