// Package queryrun runs every known-bug query against a backend with bounded
// concurrency, so one slow or failing query neither stalls nor stops the
// others.
package queryrun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/report"
)

// Options tune a run.
type Options struct {
	Concurrency int // queries at once; 4 when 0
	Recent      int // newest hits per query
	// Timeout bounds each query run on its own (not through a Batcher,
	// whose requests have their own timeouts); none when 0.
	Timeout time.Duration
	// Done, when set, is called after each query with the count so far.
	Done func(done, total int)
}

// Batcher is a backend that runs many queries in one round trip
// (OpenSearch's _msearch): Run hands it groups of BatchSize queries.
type Batcher interface {
	BatchSize() int
	SearchAll(ctx context.Context, qs []recheckgen.Query, w recheckgen.Window, opts func(recheckgen.Query) recheckgen.SearchOptions) ([]*recheckgen.Match, []error)
}

// Run runs qs over win and returns one result per query, in qs's order.
// Only voting jobs count unless a query allows non-voting ones.
func Run(ctx context.Context, b recheckgen.Backend, qs []recheckgen.Query, win recheckgen.Window, opts Options) []report.Result {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	searchOpts := func(q recheckgen.Query) recheckgen.SearchOptions {
		return recheckgen.SearchOptions{Recent: opts.Recent, IncludeNonvoting: q.AllowNonvoting}
	}
	if bb, ok := b.(Batcher); ok {
		return runBatches(ctx, bb, qs, win, opts, searchOpts)
	}
	out := make([]report.Result, len(qs))
	sem := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, q := range qs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			m, err := Search(ctx, b, q, win, searchOpts(q), opts.Timeout)
			out[i] = report.Result{Query: q, Match: m, Err: err}
			if opts.Done != nil {
				mu.Lock()
				done++
				opts.Done(done, len(qs))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// Search runs one query under its time limit; past it, the backend's work
// is cancelled (the store interrupts SQLite) and the query fails alone.
func Search(ctx context.Context, b recheckgen.Backend, q recheckgen.Query, win recheckgen.Window, so recheckgen.SearchOptions, limit time.Duration) (*recheckgen.Match, error) {
	if limit <= 0 {
		return b.Search(ctx, q, win, so)
	}
	qctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	m, err := b.Search(qctx, q, win, so)
	if err != nil && errors.Is(qctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		return nil, fmt.Errorf("stopped after %v, the time limit of one query (report.query_timeout): make it more specific", limit)
	}
	return m, err
}

// runBatches sends groups of queries, up to Concurrency groups at once.
func runBatches(ctx context.Context, b Batcher, qs []recheckgen.Query, win recheckgen.Window, opts Options, so func(recheckgen.Query) recheckgen.SearchOptions) []report.Result {
	out := make([]report.Result, len(qs))
	size := max(b.BatchSize(), 1)
	sem := make(chan struct{}, opts.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for start := 0; start < len(qs); start += size {
		group := qs[start:min(start+size, len(qs))]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ms, errs := b.SearchAll(ctx, group, win, so)
			for i, q := range group {
				out[start+i] = report.Result{Query: q, Match: ms[i], Err: errs[i]}
			}
			if opts.Done != nil {
				mu.Lock()
				done += len(group)
				opts.Done(done, len(qs))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}
