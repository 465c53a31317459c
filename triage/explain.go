// Package triage explains failed builds: which known bugs match them,
// and, for what no query explains, which lines most likely say why they
// failed, found by comparing each build with passing builds of the same
// job. It groups the unexplained failures by their top line and proposes
// for each group a query, verified on the backend before it is shown.
//
// Normalisation, ranking, grouping and the proposed query are pure; the
// rest reads builds through the backend (recheckgen.Backend to search,
// recheckgen.LogReader to read whole builds).
package triage

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryrun"
)

// Version is the version of the ranking and grouping algorithm. It is part
// of every group id: a group keeps its id from one run to the next while
// the algorithm stays the same.
const Version = 1

// Options tune explanations. Zero fields take their defaults.
type Options struct {
	Rank RankOptions
	// Baseline is how many passing builds a failed build is compared
	// with (BaselineSize).
	Baseline int
	// Context is how many lines before and after a shown line are shown
	// with it (2).
	Context int
	// KnownLines is how many matching lines are shown per known bug (3).
	KnownLines int
	// QueryTimeout bounds each known-bug query run on one build (none
	// when 0).
	QueryTimeout time.Duration
	// MaxEvents is the most events read from the build explained
	// (5,000,000): past it the rest is not ranked, and the explanation
	// says so.
	MaxEvents int
	// CacheLines bounds the baseline fingerprints kept between
	// explanations (8 bytes each; 8M when 0).
	CacheLines int
	// CacheBuilds bounds the baseline builds whose fingerprints are kept
	// between explanations (8 baselines' worth when 0).
	CacheBuilds int
}

func (o Options) withDefaults() Options {
	if o.Baseline <= 0 {
		o.Baseline = BaselineSize
	}
	if o.Context <= 0 {
		o.Context = 2
	}
	if o.KnownLines <= 0 {
		o.KnownLines = 3
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = 5_000_000
	}
	if o.CacheLines <= 0 {
		o.CacheLines = 8 << 20
	}
	if o.CacheBuilds <= 0 {
		o.CacheBuilds = 8 * o.Baseline
	}
	return o
}

// Source is where a build explained is read: a backend to run the
// known-bug queries on, and a reader of its lines. Usually the same store
// as the baseline's; a build directory triaged on its own is ingested into
// a store of its own.
type Source struct {
	Backend recheckgen.Backend
	Reader  recheckgen.LogReader
}

// Explainer explains failed builds against the passing builds of a
// store. It is safe for concurrent use, and keeps the baselines' lines
// between explanations (up to Options.CacheLines).
type Explainer struct {
	base  recheckgen.LogReader
	opts  Options
	cache *setCache
	// passing are the builds of base a baseline can hold (passing, with
	// their logs), by job; byJob and byUUID index them, made once:
	// ChooseBaseline picks from the job's, or from all of them when the
	// job has none, as it would from every build of base.
	passing []recheckgen.Build
	byJob   map[string][]recheckgen.Build
	byUUID  map[string]int
}

// NewExplainer lists the passing builds of base, the store baselines
// come from (nil: no baseline).
func NewExplainer(ctx context.Context, base recheckgen.LogReader, opts Options) (*Explainer, error) {
	opts = opts.withDefaults()
	x := &Explainer{base: base, opts: opts, cache: newSetCache(opts.CacheLines, opts.CacheBuilds)}
	if base != nil {
		bs, err := base.ListBuilds(ctx)
		if err != nil {
			return nil, fmt.Errorf("list builds for baselines: %w", err)
		}
		for _, b := range bs {
			if b.Passed() && b.Logs == "" {
				x.passing = append(x.passing, b)
			}
		}
	}
	sort.SliceStable(x.passing, func(i, j int) bool { return x.passing[i].Job < x.passing[j].Job })
	x.byJob, x.byUUID = map[string][]recheckgen.Build{}, map[string]int{}
	for i := 0; i < len(x.passing); {
		j := i
		for j < len(x.passing) && x.passing[j].Job == x.passing[i].Job {
			x.byUUID[x.passing[j].UUID] = j
			j++
		}
		x.byJob[x.passing[i].Job] = x.passing[i:j:j]
		i = j
	}
	return x, nil
}

// knownRecent is how many of a known bug's lines in a build are kept:
// a few are shown, all of them mark the ranked lines they are.
const knownRecent = 50

// errEnough stops a reading that has what it needs.
var errEnough = errors.New("enough")

// Explain explains build b, read from src, trying the queries qs on it.
func (x *Explainer) Explain(ctx context.Context, b recheckgen.Build, src Source, qs []recheckgen.Query) (*recheckgen.Explanation, error) {
	return x.explain(ctx, b, src, qs, nil)
}

// explain explains b; found holds, by query id, matching lines of b that
// were found beforehand (see Run), for the queries it has.
func (x *Explainer) explain(ctx context.Context, b recheckgen.Build, src Source, qs []recheckgen.Query, found map[string]recheckgen.BuildHits) (*recheckgen.Explanation, error) {
	e := &recheckgen.Explanation{Build: b, Known: []recheckgen.KnownMatch{}, Lines: []recheckgen.RankedLine{}}
	hits, err := x.known(ctx, e, src.Backend, qs, found)
	if err != nil {
		return nil, err
	}
	set, err := x.baseline(ctx, e)
	if err != nil {
		return nil, err
	}
	r := NewRanker(b, set, x.opts.Rank)
	err = src.Reader.ReadBuild(ctx, b.UUID, func(l recheckgen.LogLine) error {
		if r.Events() == x.opts.MaxEvents {
			e.Truncated = true
			return errEnough
		}
		r.Add(l)
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, fmt.Errorf("read build %s: %w", b.UUID, err)
	}
	e.Events = r.Events()
	e.Lines = r.Result()
	for i := range e.Lines {
		e.Lines[i].Known = hits[lineKey{e.Lines[i].File, e.Lines[i].Line}]
	}
	if err := x.context(ctx, e, src.Reader); err != nil {
		return nil, err
	}
	e.Signature = Signature(e)
	return e, nil
}

type lineKey struct {
	file string
	line int
}

// known runs each query on the build alone and records those that match,
// with their newest lines. It returns, per line, the ids of the queries
// that matched it.
func (x *Explainer) known(ctx context.Context, e *recheckgen.Explanation, backend recheckgen.Backend, qs []recheckgen.Query, found map[string]recheckgen.BuildHits) (map[lineKey][]string, error) {
	b := e.Build
	hits := map[lineKey][]string{}
	if len(qs) == 0 {
		return hits, nil
	}
	win := BuildWindow(b)
	for _, q := range qs {
		bh, ok := found[q.ID]
		if !ok {
			one, err := OnBuild(q, b.UUID)
			if err != nil {
				return nil, err
			}
			m, err := queryrun.Search(ctx, backend, one, win, recheckgen.SearchOptions{Recent: knownRecent, IncludeNonvoting: true}, x.opts.QueryTimeout)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				// The query fails alone, as it does on the site.
				e.QueryErrors = append(e.QueryErrors, fmt.Sprintf("%s: %v", q.ID, err))
				continue
			}
			for _, mb := range m.Builds {
				bh.Lines += mb.Lines
			}
			bh.Hits = m.Recent
		}
		if bh.Lines == 0 {
			continue
		}
		k := recheckgen.KnownMatch{ID: q.ID, Title: q.DisplayTitle(), URL: q.Bug.URL, Runbook: q.Runbook, Lines: []recheckgen.ContextLine{}, Count: bh.Lines}
		for i, h := range bh.Hits {
			key := lineKey{h.File, h.Line}
			hits[key] = append(hits[key], q.ID)
			if i < x.opts.KnownLines {
				k.Lines = append(k.Lines, recheckgen.ContextLine{File: h.File, Line: h.Line, Time: h.Time, Message: capText(h.Message, maxShown)})
			}
		}
		e.Known = append(e.Known, k)
	}
	for i := range e.Known {
		sort.Slice(e.Known[i].Lines, func(a, c int) bool {
			la, lc := e.Known[i].Lines[a], e.Known[i].Lines[c]
			if la.File != lc.File {
				return la.File < lc.File
			}
			return la.Line < lc.Line
		})
	}
	return hits, nil
}

// BuildWindow is a window holding every line of build b: from a day before
// it started to a day after it ended, in one bucket.
func BuildWindow(b recheckgen.Build) recheckgen.Window {
	end := b.End
	if end.Before(b.Start) {
		end = b.Start
	}
	w := recheckgen.Window{Start: b.Start.Add(-24 * time.Hour).Truncate(time.Millisecond), End: end.Add(24 * time.Hour).Truncate(time.Millisecond)}
	w.Bucket = w.End.Sub(w.Start)
	return w
}

// OnBuild narrows q to one build: q AND build_uuid:"uuid", both as the
// parsed query (which the store runs) and as text (which OpenSearch
// runs).
func OnBuild(q recheckgen.Query, uuid string) (recheckgen.Query, error) {
	if q.Expr == nil {
		return q, fmt.Errorf("query %s: not parsed", q.ID)
	}
	term := &lucene.Term{Field: "build_uuid", Text: uuid, Fuzzy: -1}
	var children []lucene.Node
	if and, ok := q.Expr.(*lucene.And); ok {
		children = append(append([]lucene.Node{}, and.Children...), term)
	} else {
		children = []lucene.Node{q.Expr, term}
	}
	q.Expr = &lucene.And{Children: children, Span: q.Expr.Pos()}
	q.Raw = "(" + q.Raw + ") AND build_uuid:" + lucene.String(&lucene.Phrase{Text: uuid})
	return q, nil
}

// baseline chooses and reads the passing builds e's build is compared
// with.
func (x *Explainer) baseline(ctx context.Context, e *recheckgen.Explanation) (*Set, error) {
	e.Baseline.Builds = []recheckgen.BaselineBuild{}
	if x.base == nil {
		e.Baseline.Note = "the backend cannot hand over whole builds: no baseline, so no line counts as new"
		return nil, nil
	}
	pool := x.byJob[e.Build.Job]
	if len(pool) == 0 {
		pool = x.passing
	}
	chosen := ChooseBaseline(e.Build, pool, x.opts.Baseline)
	if len(chosen) == 0 {
		e.Baseline.Note = "no passing build in the store to compare with: no line counts as new"
		return nil, nil
	}
	var lists [][]uint64
	for _, bb := range chosen {
		l, full, err := x.cache.get(ctx, x.base, x.passing[x.byUUID[bb.UUID]])
		if err != nil {
			return nil, fmt.Errorf("baseline build %s: %w", bb.UUID, err)
		}
		if full {
			e.Baseline.Note = fmt.Sprintf("baseline build %s was read up to %d lines", bb.UUID, MaxBaselineLines)
		}
		lists = append(lists, l)
	}
	e.Baseline.Builds = chosen
	if !chosen[0].SameJob {
		e.Baseline.Note = "no passing build of this job in the store: compared with passing builds of other jobs"
	}
	set := NewSet(lists...)
	e.Baseline.Lines = set.Lines()
	return set, nil
}

// context reads the build again to fill the lines around each shown line.
func (x *Explainer) context(ctx context.Context, e *recheckgen.Explanation, r recheckgen.LogReader) error {
	want := map[lineKey][]*recheckgen.ContextLine{}
	for i := range e.Lines {
		l := &e.Lines[i].ContextLine
		want[lineKey{l.File, l.Line}] = append(want[lineKey{l.File, l.Line}], l)
	}
	for i := range e.Known {
		for j := range e.Known[i].Lines {
			l := &e.Known[i].Lines[j]
			want[lineKey{l.File, l.Line}] = append(want[lineKey{l.File, l.Line}], l)
		}
	}
	if len(want) == 0 {
		return nil
	}
	n := x.opts.Context
	left := len(want)
	var file string
	var ring []recheckgen.LogLine
	type pending struct {
		l    *recheckgen.ContextLine
		left int
	}
	var after []pending
	err := r.ReadBuild(ctx, e.Build.UUID, func(l recheckgen.LogLine) error {
		if l.File != file {
			file, ring, after = l.File, ring[:0], after[:0]
		}
		shown := l
		shown.Message = capText(l.Message, 1<<10)
		keep := after[:0]
		for _, p := range after {
			p.l.After = append(p.l.After, shown)
			if p.left--; p.left > 0 {
				keep = append(keep, p)
			}
		}
		after = keep
		if ls, ok := want[lineKey{l.File, l.Line}]; ok {
			for _, c := range ls {
				c.Before = append([]recheckgen.LogLine(nil), ring...)
				after = append(after, pending{c, n})
			}
			left--
		}
		if len(ring) == n {
			copy(ring, ring[1:])
			ring = ring[:n-1]
		}
		ring = append(ring, shown)
		if left == 0 && len(after) == 0 {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return fmt.Errorf("read build %s: %w", e.Build.UUID, err)
	}
	return nil
}

// setCache keeps the fingerprints of baseline builds: at most maxBuilds
// builds and maxLines fingerprints in all, dropping the least recently
// used first. Builds are explained in an order where neighbours share
// their baselines (Run), so the cache holds what the explanations in
// flight and the next ones need, whatever the window's builds.
type setCache struct {
	mu        sync.Mutex
	maxLines  int
	maxBuilds int
	total     int
	lru       *list.List // uuids read, the most recently used at the back
	entries   map[string]*cacheEntry
}

type cacheEntry struct {
	done chan struct{}
	fps  []uint64
	full bool
	err  error
	elem *list.Element // in lru once read
}

func newSetCache(maxLines, maxBuilds int) *setCache {
	return &setCache{maxLines: maxLines, maxBuilds: maxBuilds, lru: list.New(), entries: map[string]*cacheEntry{}}
}

func (c *setCache) get(ctx context.Context, r recheckgen.LogReader, b recheckgen.Build) ([]uint64, bool, error) {
	uuid := b.UUID
	c.mu.Lock()
	if e, ok := c.entries[uuid]; ok {
		if e.elem != nil {
			c.lru.MoveToBack(e.elem)
		}
		c.mu.Unlock()
		<-e.done
		return e.fps, e.full, e.err
	}
	e := &cacheEntry{done: make(chan struct{})}
	c.entries[uuid] = e
	c.mu.Unlock()
	e.fps, e.full, e.err = Fingerprints(ctx, r, b, 0)
	close(e.done)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.err != nil {
		delete(c.entries, uuid)
		return e.fps, e.full, e.err
	}
	e.elem = c.lru.PushBack(uuid)
	c.total += len(e.fps)
	for (c.total > c.maxLines || c.lru.Len() > c.maxBuilds) && c.lru.Len() > 1 {
		old := c.lru.Remove(c.lru.Front()).(string)
		if oe := c.entries[old]; oe != nil {
			c.total -= len(oe.fps)
			delete(c.entries, old)
		}
	}
	return e.fps, e.full, nil
}
