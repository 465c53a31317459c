// Package batch runs every known-bug query against a backend with bounded
// concurrency, so one slow or failing query neither stalls nor stops the
// others.
package batch

import (
	"context"
	"sync"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/report"
)

// Options tune a run.
type Options struct {
	Concurrency int // queries at once; 4 when 0
	Recent      int // newest hits per query
	// Done, when set, is called after each query with the count so far.
	Done func(done, total int)
}

// Run runs qs over win and returns one result per query, in qs's order.
// Only voting jobs count unless a query allows non-voting ones.
func Run(ctx context.Context, b recheckgen.Backend, qs []recheckgen.Query, win recheckgen.Window, opts Options) []report.Result {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
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
			m, err := b.Search(ctx, q, win, recheckgen.SearchOptions{Recent: opts.Recent, IncludeNonvoting: q.AllowNonvoting})
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
