// Package fetch brings CI builds into a destination (the embedded store,
// or a search cluster): it lists each source's builds (a Zuul tenant's
// builds API, Jenkins jobs), downloads the log files of those it wants
// into a cache of build directories — each written whole or not at all —
// and hands the cache to the destination, which stores what it does not
// hold yet. Every build of a source's window is stored, with or without
// its logs, so that the number of builds a job ran is known; the span of
// time a source listed completely is recorded with them.
//
// Everything a CI server or log server sends is hostile: pages, records
// and manifests are capped and checked, file names from manifests are
// checked and written through an os.Root inside the cache, every request
// goes through internal/httpclient with a per-host limit, a timeout per
// try, retries with backoff and a budget for the whole run, and a log
// server that fails only marks its builds "logs missing".
package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/httpclient"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/sample"
)

// Options tune a fetch.
type Options struct {
	// Cache is the directory of fetched build directories.
	Cache string
	// Globs select the log files fetched (the ingest's); Extra names
	// files fetched besides them, kept as they are (not compressed: the
	// ingest reads them by name); Known are the names tried for a build
	// whose log server has no manifest.
	Globs, Extra, Known []string
	// PerHost is how many requests go to one host at once.
	PerHost int
	// Timeout bounds one try of one request; Retries is how many times
	// a failed try is repeated (429, 5xx, dropped connections, timeouts).
	Timeout time.Duration
	Retries int
	// Backoff is the wait before the first retry (it doubles); 500ms
	// when 0.
	Backoff time.Duration
	// Budget bounds the whole fetch: past it, what is fetched is stored
	// and the rest is left for the next run. 0: none.
	Budget time.Duration
	// MaxFile and MaxBuild cap the bytes fetched for one log file (after
	// decompression: what the log holds) and for one build; past them a
	// file is cut, and the build's remaining files are not fetched.
	MaxFile, MaxBuild int64
	// Keep is how long builds stay: older ones leave the destination and
	// the cache. 0: forever.
	Keep time.Duration
	// LogAttempts is how many fetches, one a run, may try a build's logs
	// before it stays with them missing: a build held with its logs
	// missing that is still inside the listing's reach is fetched again by
	// the next runs until they arrive or it was tried this often. 1 or
	// less: never again.
	LogAttempts int
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
	// LookupEnv reads the environment variables naming credentials
	// (os.LookupEnv when nil).
	LookupEnv func(string) (string, bool)
	// Progress, when set, is called as builds are listed and fetched.
	Progress func(Progress)
	// Waiting is called when another fetch holds the cache.
	Waiting func()
	// Now is the clock (time.Now when zero).
	Now time.Time
	// PageSize is how many builds a listing asks for at once (100 when
	// 0).
	PageSize int
}

func (o Options) backoff() time.Duration {
	if o.Backoff <= 0 {
		return 500 * time.Millisecond
	}
	return o.Backoff
}

// Progress is how far the fetch of one source has come.
type Progress struct {
	Source  string
	Listed  int   // builds of the window listed so far
	Held    int   // of them, already in the destination or the cache
	Queued  int   // to fetch
	Done    int   // fetched (or failed) of those queued
	Bytes   int64 // downloaded
	Listing bool  // still listing
}

// Summary is what a fetch did.
type Summary struct {
	Sources []SourceSummary `json:"sources"`
	Elapsed time.Duration   `json:"elapsed_ns"`
}

// SourceSummary is what a fetch did with one source.
type SourceSummary struct {
	Source string `json:"source"`
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	// Listed builds of the window, on Pages pages; Held of them were in
	// the destination or the cache already.
	Listed int `json:"listed"`
	Pages  int `json:"pages"`
	Held   int `json:"held"`
	// Fetched build directories were written into the cache: with logs,
	// without (NoLogs: none published or wanted), or with logs missing.
	Fetched     int      `json:"fetched"`
	NoLogs      int      `json:"no_logs"`
	LogsMissing []string `json:"logs_missing"` // uuids
	// Retried builds were held with their logs missing and fetched again
	// (counted in Fetched too); Recovered of them have their logs now.
	Retried   int `json:"retried"`
	Recovered int `json:"recovered"`
	// Left builds were listed but not fetched: the budget ran out.
	Left int `json:"left"`
	// Running builds were listed without a result yet: fetched later.
	Running  int   `json:"running"`
	Files    int   `json:"files"`
	Bytes    int64 `json:"bytes"` // downloaded, after decompression
	Requests int64 `json:"requests"`
	Retries  int64 `json:"retries"`
	// Stored is what the destination stored of the source's builds.
	Stored Stored `json:"stored"`
	// Complete: the source listed every build since Since and the
	// destination holds them all: its coverage was recorded.
	Complete bool `json:"complete"`
	// Pruned builds left the destination (and PrunedCache the cache).
	Pruned      int `json:"pruned"`
	PrunedCache int `json:"pruned_cache"`
	// Err is why the source failed (its listing, or the destination).
	Err      string   `json:"error,omitempty"`
	Warnings []string `json:"warnings"`
	// Fetching is the time listing and downloading took; Elapsed the
	// whole, storing and pruning too.
	Fetching time.Duration `json:"fetching_ns"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// Failed says whether any source failed.
func (s Summary) Failed() bool {
	for _, src := range s.Sources {
		if src.Err != "" {
			return true
		}
	}
	return false
}

// ErrBudget is why builds were left for the next run.
var ErrBudget = errors.New("the fetch's time budget ran out (fetch.budget)")

// maxRunning is how long a build without a result counts as running:
// past it Zuul has lost it (a scheduler restart), and it holds nothing
// back.
const maxRunning = 24 * time.Hour

// Run fetches every source into dest, one source after the other. A
// source that fails is reported in its summary and the others go on;
// the error returned is the destination's, or the cache's.
func Run(ctx context.Context, specs []Spec, dest Destination, opts Options) (Summary, error) {
	start := time.Now()
	if opts.Now.IsZero() {
		opts.Now = start
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	var sum Summary
	if opts.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.Budget, ErrBudget)
		defer cancel()
	}
	var unlock func()
	for _, s := range specs {
		if !s.Remote() {
			continue
		}
		var err error
		if unlock, err = (cache{opts.Cache}).lock(opts.Waiting); err != nil {
			return sum, err
		}
		defer unlock()
		break
	}
	if opts.LookupEnv == nil {
		opts.LookupEnv = os.LookupEnv
	}
	// Every source's secrets are redacted from every source's messages.
	auths := make([]Auth, len(specs))
	authErrs := make([]error, len(specs))
	var secrets []string
	for i, s := range specs {
		if s.Remote() {
			auths[i], authErrs[i] = s.auth(opts.LookupEnv)
			secrets = append(secrets, auths[i].secrets()...)
		}
	}
	red := httpclient.NewRedactor(secrets...)
	c := newClient(opts)
	for i, s := range specs {
		var ss SourceSummary
		var err error
		switch {
		case authErrs[i] != nil:
			ss = newSummary(s)
			ss.Err = "credentials: " + authErrs[i].Error()
		case s.Remote():
			ss, err = fetchRemote(ctx, s, auths[i], red, c, dest, opts)
		default:
			ss, err = putLocal(ctx, s, dest)
		}
		sum.Sources = append(sum.Sources, ss)
		if err != nil {
			sum.Elapsed = time.Since(start)
			return sum, err
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// putLocal stores a local directory of build directories (a sample
// corpus, or builds someone copied).
func putLocal(ctx context.Context, s Spec, dest Destination) (SourceSummary, error) {
	start := time.Now()
	ss := newSummary(s)
	st, err := dest.Put(ctx, []string{s.Dir}, originOf(s))
	ss.Stored, ss.Elapsed = st, time.Since(start)
	if err != nil {
		return ss, err
	}
	if s.Kind == "sample" {
		// The sample corpus is every build of its made-up CI.
		ss.Complete = true
		err = dest.Cover(ctx, "sample", Span{time.Unix(0, 0).UTC(), sample.DefaultOptions().End})
	}
	return ss, err
}

func newSummary(s Spec) SourceSummary {
	return SourceSummary{Source: s.String(), Kind: s.Kind, Key: s.Key(), Warnings: []string{}, LogsMissing: []string{}}
}

// originOf is the origin a source's builds are stored with: "" for
// directories someone copied, which make no claim to be every build.
func originOf(s Spec) string {
	if s.Kind == "dir" {
		return ""
	}
	return s.Key()
}

// run is the state of one remote source's fetch.
type run struct {
	c     *requester
	spec  Spec
	key   string
	src   source
	cache cache
	dest  Destination
	opts  Options
	want  func(string) bool
	red   *httpclient.Redactor

	mu   sync.Mutex
	sum  SourceSummary
	prog Progress

	bytes atomic.Int64
}

func fetchRemote(ctx context.Context, s Spec, auth Auth, red *httpclient.Redactor, c *client, dest Destination, opts Options) (SourceSummary, error) {
	start := time.Now()
	rq, err := c.forSource(s.URL, auth)
	if err != nil {
		ss := newSummary(s)
		ss.Err = err.Error()
		return ss, nil
	}
	r := &run{c: rq, spec: s, key: s.Key(), cache: cache{opts.Cache}, dest: dest, opts: opts, red: red, sum: newSummary(s)}
	r.prog.Source = r.sum.Source
	r.want = selector(opts.Globs, opts.Extra)
	switch s.Kind {
	case "zuul":
		z := newZuul(s, rq, opts.Now, opts.Known)
		z.lister.Limit = opts.PageSize
		r.src = z
	case "jenkins":
		j := newJenkins(s, rq, opts.Now)
		j.lister.Limit = opts.PageSize
		r.src = j
	}
	req0, ret0 := c.requests.Load(), c.retried.Load()
	err = r.fetch(ctx)
	r.sum.Requests, r.sum.Retries = c.requests.Load()-req0, c.retried.Load()-ret0
	r.sum.Bytes = r.bytes.Load()
	r.sum.Elapsed = time.Since(start)
	sort.Strings(r.sum.LogsMissing)
	// Servers' messages end up here: one line each, and no secret of any
	// source's (each client redacted its own already).
	r.sum.Err = r.clean(r.sum.Err)
	for i, w := range r.sum.Warnings {
		r.sum.Warnings[i] = r.clean(w)
	}
	for i, w := range r.sum.Stored.Warnings {
		r.sum.Stored.Warnings[i] = r.clean(w)
	}
	return r.sum, err
}

// clean is a server's message as it may be printed or stored: redacted,
// on one line.
func (r *run) clean(s string) string { return oneLine(r.red.Redact(s)) }

// oneLine is s with every run of white space (newlines too) one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// selector says whether a log file is fetched: its path (less .gz)
// matches a glob, or is one of extra.
func selector(globs, extra []string) func(string) bool {
	return func(p string) bool {
		name := trimGz(p)
		for _, e := range extra {
			if name == e {
				return true
			}
		}
		for _, g := range globs {
			if ok, _ := doublestar.Match(g, name); ok {
				return true
			}
		}
		return false
	}
}

func trimGz(p string) string {
	if len(p) > 3 && p[len(p)-3:] == ".gz" {
		return p[:len(p)-3]
	}
	return p
}

// fetch lists, downloads, stores, records coverage and prunes; the
// error returned is the destination's. Listing failures end in the
// summary.
func (r *run) fetch(ctx context.Context) error {
	now := r.opts.Now
	since := now.Add(-r.spec.Since)
	spans, err := r.dest.Coverage(ctx, r.key)
	if err != nil {
		return err
	}
	queue := make(chan listed)
	var wg sync.WaitGroup
	// Two builds per request slot: one downloads while the other lists
	// its files, writes and syncs.
	workers := r.opts.PerHost * 2
	var left, unwritten atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range queue {
				if ctx.Err() != nil {
					left.Add(1)
					continue
				}
				switch r.fetchBuild(ctx, b) {
				case buildLeft:
					left.Add(1)
				case buildUnwritten:
					unwritten.Add(1)
				}
			}
		}()
	}
	// The span this listing vouches for: from since (or the span it
	// joins) to when it started, or to the start of a build still
	// running, which is not stored yet.
	listedAt := time.Now()
	covTo := now
	covFrom := since
	listErr := r.src.list(ctx, since, func(p page) (bool, error) {
		r.mu.Lock()
		r.sum.Pages++
		r.sum.Warnings = append(r.sum.Warnings, p.warnings...)
		r.mu.Unlock()
		var uuids []string
		for _, b := range p.builds {
			uuids = append(uuids, b.b.UUID)
		}
		held, err := r.dest.Known(ctx, uuids)
		if err != nil {
			return true, err
		}
		allHeld, running := true, false
		for _, b := range p.builds {
			if b.b.Result == "" {
				if now.Sub(b.b.Start) < maxRunning {
					running = true
					if b.b.Start.Before(covTo) {
						covTo = b.b.Start
					}
					r.count(func(s *SourceSummary) { s.Running++ })
				}
				continue
			}
			if b.b.Start.Before(since) {
				continue
			}
			r.count(func(s *SourceSummary) { s.Listed++ })
			if held[b.b.UUID] || r.cache.has(r.key, b.b.UUID, b.b.Start) {
				r.count(func(s *SourceSummary) { s.Held++ })
				continue
			}
			allHeld = false
			r.count(func(s *SourceSummary) { r.prog.Queued++ })
			select {
			case queue <- b:
			case <-ctx.Done():
				return true, context.Cause(ctx)
			}
		}
		r.progress()
		// Stop early: a page whose builds are all held and that lies in a
		// span listed before holds nothing new, nor does anything older
		// in that span — when the span reaches back to since. A since
		// that grew (a longer window) reads on, past the span, down to it.
		// A page none of whose builds the job globs pass counts (its
		// dates are the page's): a source of rare jobs stops early too.
		if allHeld && !running && !p.oldest.IsZero() && inSpan(spans, earlier(since, p.oldest), p.newest) {
			covFrom = p.oldest
			return true, nil
		}
		return false, nil
	})
	if listErr == nil && ctx.Err() == nil {
		if err := r.retryMissing(ctx, since, queue); err != nil && ctx.Err() == nil {
			r.warn(fmt.Sprintf("builds with logs missing: %v", err))
		}
	}
	close(queue)
	wg.Wait()
	r.sum.Fetching = time.Since(listedAt)
	r.prog.Listing = false
	r.progress()
	r.sum.Left = int(left.Load())
	if listErr != nil && !errors.Is(listErr, ErrBudget) && !errors.Is(context.Cause(ctx), ErrBudget) {
		r.sum.Err = listErr.Error()
	} else if listErr != nil || r.sum.Left > 0 {
		r.sum.Err = fmt.Sprintf("%v: %d build(s) left for the next run", ErrBudget, r.sum.Left)
	} else if n := unwritten.Load(); n > 0 {
		// Not every build of the listing is held: no coverage.
		r.sum.Err = fmt.Sprintf("%d build(s) could not be written into the cache (see the warnings); the next run fetches them", n)
	}
	// Store what the cache holds of the source (also what a killed run
	// fetched and did not store), even when the budget ran out.
	sctx := context.WithoutCancel(ctx)
	if _, err := os.Stat(r.cache.sourceDir(r.key)); err == nil {
		st, err := r.dest.Put(sctx, []string{r.cache.sourceDir(r.key)}, r.key)
		r.sum.Stored = st
		if err != nil {
			return err
		}
	}
	if r.sum.Err == "" && covFrom.Before(covTo) {
		if err := r.dest.Cover(sctx, r.key, Span{covFrom, covTo}); err != nil {
			return err
		}
		r.sum.Complete = true
	}
	if r.opts.Keep > 0 {
		cut := now.Add(-r.opts.Keep)
		n, err := r.dest.Prune(sctx, r.key, cut)
		r.sum.Pruned = n
		if err != nil {
			return err
		}
		if r.sum.PrunedCache, err = r.cache.prune(r.key, cut); err != nil {
			r.sum.Warnings = append(r.sum.Warnings, fmt.Sprintf("cache: %v", err))
		}
	}
	return nil
}

// retryMissing queues the builds held with their logs missing that
// started since `since` and were tried fewer than LogAttempts times, read
// from the records the cache keeps of them: their logs are fetched again.
// A build whose record in the cache is ahead of the store (a run killed
// between the two) is not: the store takes that record below.
func (r *run) retryMissing(ctx context.Context, since time.Time, queue chan<- listed) error {
	if r.opts.LogAttempts <= 1 {
		return nil
	}
	missing, err := r.dest.MissingLogs(ctx, r.key, since)
	if err != nil {
		return err
	}
	for _, m := range missing {
		tries := max(m.Tries, 1) // a store of version 7 counted none: the first fetch was one
		if tries >= r.opts.LogAttempts {
			continue
		}
		data, err := r.cache.record(r.key, m.UUID, m.Start)
		if err != nil {
			r.warn(fmt.Sprintf("%s: logs missing, not fetched again: %v", m.UUID, err))
			continue
		}
		b, err := r.src.relist(data, r.opts.Now)
		if err != nil {
			r.warn(fmt.Sprintf("%s: logs missing, not fetched again: its record in the cache: %v", m.UUID, err))
			continue
		}
		if b.b.Logs != recheckgen.LogsMissing || b.b.LogsTries > m.Tries {
			continue
		}
		b.retry, b.tries = true, tries
		r.count(func(s *SourceSummary) { s.Retried++; r.prog.Queued++ })
		select {
		case queue <- b:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	return nil
}

// earlier is the earlier of a and b.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// inSpan says whether [from, to] lies inside one of spans.
func inSpan(spans []Span, from, to time.Time) bool {
	for _, s := range spans {
		if !from.Before(s.From) && to.Before(s.To) {
			return true
		}
	}
	return false
}

func (r *run) count(f func(*SourceSummary)) {
	r.mu.Lock()
	f(&r.sum)
	r.mu.Unlock()
}

func (r *run) progress() {
	if r.opts.Progress == nil {
		return
	}
	r.mu.Lock()
	p := r.prog
	p.Listed, p.Held = r.sum.Listed, r.sum.Held
	r.mu.Unlock()
	p.Bytes = r.bytes.Load()
	r.opts.Progress(p)
}

// What became of a build the run set out to fetch.
type outcome int

const (
	buildFetched   outcome = iota // written into the cache
	buildLeft                     // the run's context ended first: the next run fetches it
	buildUnwritten                // the cache refused it (a warning says why)
)

// fetchBuild writes one build into the cache.
func (r *run) fetchBuild(ctx context.Context, b listed) outcome {
	defer func() {
		r.count(func(s *SourceSummary) { r.prog.Done++ })
		r.progress()
	}()
	tb, err := r.cache.newBuild(b.b.UUID)
	if err != nil {
		r.warn(fmt.Sprintf("%s: cache: %v", b.b.UUID, err))
		return buildUnwritten
	}
	state, files, warns, reason := r.logs(ctx, b, tb)
	if ctx.Err() != nil {
		tb.discard()
		return buildLeft
	}
	tries := 0
	if state == recheckgen.LogsMissing {
		tries = min(b.tries+1, recheckgen.MaxLogsTries)
	}
	record, err := withLogs(b.record, state, tries, httpclient.Snippet(r.clean(reason), maxReason))
	if err == nil {
		err = tb.record(record)
	}
	if err == nil {
		err = tb.commit(r.cache.buildDir(r.key, b.b.UUID, b.b.Start))
	}
	if err != nil {
		tb.discard()
		r.warn(fmt.Sprintf("%s: cache: %v", b.b.UUID, err))
		return buildUnwritten
	}
	r.count(func(s *SourceSummary) {
		s.Fetched++
		if b.retry && state != recheckgen.LogsMissing {
			s.Recovered++
		}
		s.Files += files
		switch state {
		case recheckgen.LogsNone:
			s.NoLogs++
		case recheckgen.LogsMissing:
			s.LogsMissing = append(s.LogsMissing, b.b.UUID)
		}
		for _, w := range warns {
			s.Warnings = append(s.Warnings, b.b.UUID+": "+w)
		}
	})
	return buildFetched
}

func (r *run) warn(w string) {
	r.count(func(s *SourceSummary) { s.Warnings = append(s.Warnings, w) })
}

// maxReason is the most of a server's message kept as the reason a
// build's logs are missing.
const maxReason = 1000

// logs fetches a build's wanted log files into tb, and says what the
// build holds: its logs (""), none, or some missing, and why.
func (r *run) logs(ctx context.Context, b listed, tb *tmpBuild) (state string, files int, warns []string, reason string) {
	if !r.spec.wantLogs(b.b) {
		return recheckgen.LogsNone, 0, nil, ""
	}
	remotes, warns, err := r.src.files(ctx, b, r.want)
	if errors.Is(err, errNoLogs) {
		return recheckgen.LogsNone, 0, warns, ""
	}
	if err != nil {
		return recheckgen.LogsMissing, 0, append(warns, "logs missing: "+err.Error()), err.Error()
	}
	state = ""
	var budget = r.opts.MaxBuild
	var skipped []string
	found := 0
	for _, rem := range remotes {
		if ctx.Err() != nil {
			return state, files, warns, reason
		}
		if budget <= 0 {
			skipped = append(skipped, rem.Path)
			continue
		}
		limit := min(r.opts.MaxFile, budget)
		f, err := tb.file(rem.Path, slices.Contains(r.opts.Extra, rem.Path))
		if err != nil {
			warns = append(warns, fmt.Sprintf("%s: not fetched: %v", rootfile.Short(rem.Path), err))
			continue
		}
		n, cut, err := r.c.download(ctx, rem.URL, limit, f)
		r.bytes.Add(n)
		cerr := f.close()
		if err == nil {
			err = cerr
		}
		switch {
		case err != nil && rem.Optional && isNotFound(err):
			tb.remove(rem.Path)
			continue
		case err != nil:
			tb.remove(rem.Path)
			if ctx.Err() == nil {
				if state == "" {
					reason = fmt.Sprintf("%s: %v", rem.Path, err)
				}
				state = recheckgen.LogsMissing
				warns = append(warns, fmt.Sprintf("%s: logs missing: %v", rem.Path, err))
			}
			continue
		}
		files++
		found++
		budget -= n
		if cut {
			what := "fetch.max_file_mib"
			if limit < r.opts.MaxFile {
				what = "fetch.max_build_mib"
			}
			warns = append(warns, fmt.Sprintf("%s: cut at %d bytes (%s)", rem.Path, n, what))
		}
	}
	if len(skipped) > 0 {
		warns = append(warns, fmt.Sprintf("%d file(s) not fetched: the build reached fetch.max_build_mib: %s", len(skipped), list(skipped, 5)))
	}
	if found == 0 && state == "" && len(remotes) > 0 && remotes[0].Optional {
		state, reason = recheckgen.LogsMissing, "no manifest, and none of the known names"
		warns = append(warns, "logs missing: "+reason)
	}
	return state, files, warns, reason
}

func list(s []string, n int) string {
	if len(s) <= n {
		return fmt.Sprint(s)
	}
	return fmt.Sprintf("%v and %d more", s[:n], len(s)-n)
}

// RemoveAll removes a source's builds from the cache (tests, and a
// source dropped from the config).
func RemoveAll(cacheDir string, s Spec) error {
	return os.RemoveAll(filepath.Join(cacheDir, s.Key()))
}
