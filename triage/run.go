package triage

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/report"
)

// Input is what triaging a window takes.
type Input struct {
	Backend recheckgen.Backend
	Reader  recheckgen.LogReader
	Window  recheckgen.Window
	// Failed are the window's failed builds, as the site counts them.
	Failed []recheckgen.Build
	// Results are the known-bug queries' results over the window: the
	// queries that matched a build are those tried on it, and their
	// builds are what a suggestion's overlap is counted against.
	Results []report.Result
	// QueryOptions read a suggested query as a query file is read; Dir is
	// the query directory.
	QueryOptions queryfile.Options
	Dir          string
	// RepoURL and Branch are the repository queries are proposed to
	// (site.repo_url, site.branch): a GitHub repository gets a link that
	// opens the new file prefilled.
	RepoURL, Branch string
	Options         Options
	// Workers explain builds at once (the CPU count when 0).
	Workers int
	// Done, when set, hears how many builds are explained so far.
	Done func(done, total int)
	// SpoolDir is where the explanations are spooled, each triage in a
	// directory of its own (DefaultSpoolDir when ""): a directory that
	// holds only spools, where those left by killed processes are removed
	// when the next is made (Spool).
	SpoolDir string
}

// Output is a window's triage: a summary per failed build explained (in
// Failed's order), their explanations spooled to a temporary file (read
// back one at a time: a window's may not fit in memory together), and the
// groups of those no known bug explains, each with its verified query
// when one passed. Close removes the spool.
type Output struct {
	Builds       []recheckgen.ExplainedBuild
	Explanations *Spool
	Groups       []recheckgen.FailureGroup
}

// Close removes the spooled explanations.
func (o *Output) Close() error { return o.Explanations.Close() }

// Explainable are the builds of failed whose logs the backend holds, in
// their order: a build stored without its logs has no line to explain it
// by (the site lists those apart).
func Explainable(failed []recheckgen.Build) []recheckgen.Build {
	out := make([]recheckgen.Build, 0, len(failed))
	for _, b := range failed {
		if b.Logs == "" {
			out = append(out, b)
		}
	}
	return out
}

// knownChunk is how many builds' known-bug lines are found at once
// (findKnown) and held until those builds are explained: it bounds that
// memory whatever the window's builds, at the cost of running each
// known-bug query once more per chunk.
var knownChunk = 256

// Run explains every failed build of the window, groups the unexplained
// ones and verifies a query for each group.
func Run(ctx context.Context, in Input) (*Output, error) {
	workers := in.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	in.Workers = workers
	opts := in.Options.withDefaults()
	if in.Options.CacheBuilds <= 0 {
		// The baselines of the explanations in flight, and as many again
		// for the next ones (Run's order makes neighbours share them).
		opts.CacheBuilds = max(8, 2*workers) * opts.Baseline
	}
	x, err := NewExplainer(ctx, in.Reader, opts)
	if err != nil {
		return nil, err
	}
	tried := map[string][]recheckgen.Query{}
	var known []KnownBuilds
	for _, res := range in.Results {
		if res.Err != nil || res.Match == nil {
			continue
		}
		k := KnownBuilds{ID: res.Query.ID, Title: res.Query.DisplayTitle(), Builds: map[string]bool{}}
		for _, mb := range res.Match.Builds {
			tried[mb.UUID] = append(tried[mb.UUID], res.Query)
			k.Builds[mb.UUID] = true
		}
		known = append(known, k)
	}
	sp, err := newSpool(in.SpoolDir)
	if err != nil {
		return nil, err
	}
	out := &Output{Builds: make([]recheckgen.ExplainedBuild, len(in.Failed)), Explanations: sp}
	var ms []member
	keep := func(i int, e *recheckgen.Explanation) error {
		m, ok := assign(e)
		if ok {
			ms = append(ms, m)
		}
		out.Builds[i] = recheckgen.ExplainedBuild{Build: e.Build, Group: e.Group}
		return sp.add(e)
	}
	order := workOrder(in.Failed)
	for start := 0; start < len(order); start += knownChunk {
		chunk := order[start:min(start+knownChunk, len(order))]
		found, err := findKnown(ctx, in, chunk, opts.QueryTimeout, opts.KnownLines)
		if err == nil {
			err = explainAll(ctx, x, in, chunk, start, tried, found, keep)
		}
		if err != nil {
			sp.Close()
			return nil, err
		}
	}
	out.Groups = groups(ms)
	v := &Verifier{Backend: in.Backend, Window: in.Window, QueryOptions: in.QueryOptions, Dir: in.Dir, RepoURL: in.RepoURL, Branch: in.Branch,
		PassingTotal: passing(x.passing, in.Window), Known: known, Timeout: in.Options.QueryTimeout}
	for i := range out.Groups {
		if err := v.Verify(ctx, &out.Groups[i]); err != nil {
			sp.Close()
			return nil, err
		}
	}
	return out, nil
}

// workOrder is the order the builds are explained in, as indexes into
// failed: by job, branch and start, so that builds explained one after
// the other have mostly the same baseline (ChooseBaseline: same job, same
// branch, nearest in time) and its builds are read once.
func workOrder(failed []recheckgen.Build) []int {
	order := make([]int, len(failed))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := failed[order[i]], failed[order[j]]
		if a.Job != b.Job {
			return a.Job < b.Job
		}
		if a.Branch != b.Branch {
			return a.Branch < b.Branch
		}
		return a.Start.Before(b.Start)
	})
	return order
}

// findKnown finds, when the backend can (recheckgen.BuildSearcher), every
// known bug's matching lines in the failed builds chunk (indexes into
// in.Failed) it matched, one query at a time: by build uuid, then query
// id. Asking per build would cost the whole window's matches for every
// build. Of each build's lines, only the text of the first shown lines
// is kept (an explanation shows shown of them; the others only mark the
// ranked lines they are, by file and line).
func findKnown(ctx context.Context, in Input, chunk []int, limit time.Duration, shown int) (map[string]map[string]recheckgen.BuildHits, error) {
	bs, ok := in.Backend.(recheckgen.BuildSearcher)
	if !ok {
		return nil, nil
	}
	failed := map[string]bool{}
	for _, i := range chunk {
		failed[in.Failed[i].UUID] = true
	}
	out := map[string]map[string]recheckgen.BuildHits{}
	for _, res := range in.Results {
		if res.Err != nil || res.Match == nil {
			continue
		}
		var uuids []string
		for _, mb := range res.Match.Builds {
			if failed[mb.UUID] {
				uuids = append(uuids, mb.UUID)
			}
		}
		if len(uuids) == 0 {
			continue
		}
		qctx, cancel := ctx, context.CancelFunc(func() {})
		if limit > 0 {
			qctx, cancel = context.WithTimeout(ctx, limit)
		}
		hits, err := bs.SearchBuilds(qctx, res.Query, in.Window, uuids, knownRecent)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue // each build tries the query on its own
		}
		for uuid, bh := range hits {
			for i := range bh.Hits {
				if i < shown {
					bh.Hits[i].Message = capText(bh.Hits[i].Message, maxShown)
				} else {
					bh.Hits[i].Message = ""
				}
			}
			if out[uuid] == nil {
				out[uuid] = map[string]recheckgen.BuildHits{}
			}
			out[uuid][res.Query.ID] = bh
		}
	}
	return out, nil
}

// explainAll explains the builds of chunk (indexes into in.Failed) on
// in.Workers goroutines, and hands each explanation to keep (one at a
// time) with its index; keep's first error stops it. done builds were
// explained before this chunk (for in.Done).
func explainAll(ctx context.Context, x *Explainer, in Input, chunk []int, done int, tried map[string][]recheckgen.Query, found map[string]map[string]recheckgen.BuildHits,
	keep func(i int, e *recheckgen.Explanation) error) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for w := 0; w < in.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				b := in.Failed[i]
				e, err := x.explain(ctx, b, Source{Backend: in.Backend, Reader: in.Reader}, tried[b.UUID], found[b.UUID])
				mu.Lock()
				if err != nil {
					err = fmt.Errorf("triage build %s: %w", b.UUID, err)
				} else if first == nil {
					err = keep(i, e)
				}
				if err != nil && first == nil {
					first = err
					cancel()
				}
				done++
				if in.Done != nil {
					in.Done(done, len(in.Failed))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, i := range chunk {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first == nil {
		// Cancelled from outside before every build was handed out.
		first = parent.Err()
	}
	return first
}

// passing counts the passing builds of voting jobs started in the window
// whose logs the backend holds: those a query can match (a fetch keeps
// the logs of a share of the passing builds only, and counting the others
// would make a query's share of them look smaller than it is).
func passing(builds []recheckgen.Build, w recheckgen.Window) int {
	n := 0
	for _, b := range builds {
		if b.Passed() && b.Voting && b.Logs == "" && w.Contains(b.Start) {
			n++
		}
	}
	return n
}
