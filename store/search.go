package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
)

// buildRow is a stored build with its row id.
type buildRow struct {
	id     int64
	b      recheckgen.Build
	origin string
}

// builds returns the builds table, cached: a search touches many builds
// and the table is small next to the lines.
func (s *Store) buildMap(ctx context.Context) (map[int64]buildRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.builds != nil {
		return s.builds, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, uuid, job, project, pipeline, branch, change, patchset, ref,
		result, voting, provider, region, node, log_url, start_ms, end_ms, logs, origin FROM builds`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]buildRow{}
	for rows.Next() {
		var r buildRow
		var voting int
		var start, end int64
		b := &r.b
		if err := rows.Scan(&r.id, &b.UUID, &b.Job, &b.Project, &b.Pipeline, &b.Branch, &b.Change, &b.Patchset,
			&b.Ref, &b.Result, &voting, &b.Provider, &b.Region, &b.Node, &b.LogURL, &start, &end, &b.Logs, &r.origin); err != nil {
			return nil, err
		}
		b.Voting, b.Start, b.End = voting == 1, fromMillis(start), fromMillis(end)
		m[r.id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.builds = m
	return m, nil
}

func (s *Store) invalidate() {
	s.mu.Lock()
	s.builds = nil
	s.mu.Unlock()
}

// matchSQL is the statement listing the lines a condition matches in a
// window.
func matchSQL(w where, includeNonvoting bool) string {
	var b strings.Builder
	b.WriteString("SELECT l.id, l.build_id, l.ts_ms FROM lines l JOIN builds b ON b.id = l.build_id ")
	if w.needsFile {
		b.WriteString("JOIN files f ON f.id = l.file_id ")
	}
	b.WriteString("WHERE l.ts_ms >= ? AND l.ts_ms < ? ")
	if !includeNonvoting {
		b.WriteString("AND b.voting = 1 ")
	}
	b.WriteString("AND (" + w.sql + ")")
	return b.String()
}

// Explain returns the SQL a query runs and its arguments (without the
// window's), for `recheckgen explain`.
func Explain(q recheckgen.Query, includeNonvoting bool) (string, []any, error) {
	w, err := translate(q.Expr)
	if err != nil {
		return "", nil, err
	}
	return matchSQL(w, includeNonvoting), w.args, nil
}

// Search runs q over window win: it reads the matching lines' build and
// time, counts distinct builds per status and bucket in Go, and fetches the
// newest lines in full.
func (s *Store) Search(ctx context.Context, q recheckgen.Query, win recheckgen.Window, opts recheckgen.SearchOptions) (*recheckgen.Match, error) {
	if q.Expr == nil {
		return nil, fmt.Errorf("query %s: not parsed", q.ID)
	}
	w, err := translate(q.Expr)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q.ID, err)
	}
	builds, err := s.buildMap(ctx)
	if err != nil {
		return nil, err
	}
	args := append([]any{win.Start.UnixMilli(), win.End.UnixMilli()}, w.args...)
	rows, err := s.reader().QueryContext(ctx, matchSQL(w, opts.IncludeNonvoting), args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q.ID, s.searchFailed(ctx, err))
	}
	defer rows.Close()
	agg := newAggregate(win, builds, opts.Recent)
	for rows.Next() {
		var id, buildID, ts int64
		if err := rows.Scan(&id, &buildID, &ts); err != nil {
			return nil, fmt.Errorf("query %s: %w", q.ID, s.searchFailed(ctx, err))
		}
		agg.add(id, buildID, ts)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.ID, s.searchFailed(ctx, err))
	}
	m := agg.result()
	if m.Recent, err = s.hits(ctx, agg.recent, builds); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.ID, err)
	}
	return m, nil
}

// aggregate folds matching lines into a Match.
type aggregate struct {
	win     recheckgen.Window
	builds  map[int64]buildRow
	matched []matchedBuild    // one per build, in the order first met
	byBuild map[int64]int     // build row id → its index in matched
	seen    map[[2]int64]bool // (build, bucket) pairs counted
	buckets map[string][]int
	recent  []lineRef // newest first, at most n
	n       int
}

type lineRef struct{ id, ts int64 }

// matchedBuild is what a search gathers of one build's lines; the build's
// record is copied in once, when the result is made.
type matchedBuild struct {
	id          int64
	result      string
	first, last int64
	lines       int
}

func newAggregate(win recheckgen.Window, builds map[int64]buildRow, n int) *aggregate {
	return &aggregate{win: win, builds: builds, byBuild: map[int64]int{},
		seen: map[[2]int64]bool{}, buckets: map[string][]int{}, n: n}
}

func (a *aggregate) add(id, buildID, ts int64) {
	t := time.UnixMilli(ts).UTC()
	i, ok := a.byBuild[buildID]
	if !ok {
		i = len(a.matched)
		a.byBuild[buildID] = i
		a.matched = append(a.matched, matchedBuild{id: buildID, result: a.builds[buildID].b.Result, first: ts, last: ts})
	}
	mb := &a.matched[i]
	mb.lines++
	mb.first, mb.last = min(mb.first, ts), max(mb.last, ts)
	if k := a.win.BucketOf(t); k >= 0 && !a.seen[[2]int64{buildID, int64(k)}] {
		a.seen[[2]int64{buildID, int64(k)}] = true
		counts := a.buckets[mb.result]
		if counts == nil {
			counts = make([]int, a.win.Buckets())
			a.buckets[mb.result] = counts
		}
		counts[k]++
	}
	a.keepRecent(lineRef{id, ts})
}

// keepRecent keeps the n newest lines (ties: the later line id).
func (a *aggregate) keepRecent(r lineRef) { a.recent = keepNewest(a.recent, r, a.n) }

// keepNewest adds r to refs, newest first, keeping at most n (ties: the
// later line id).
func keepNewest(refs []lineRef, r lineRef, n int) []lineRef {
	if n <= 0 {
		return refs
	}
	newer := func(x, y lineRef) bool { return x.ts > y.ts || (x.ts == y.ts && x.id > y.id) }
	if len(refs) == n && !newer(r, refs[n-1]) {
		return refs
	}
	i := sort.Search(len(refs), func(i int) bool { return newer(r, refs[i]) })
	if len(refs) < n {
		refs = append(refs, lineRef{})
	}
	copy(refs[i+1:], refs[i:])
	refs[i] = r
	return refs
}

func (a *aggregate) result() *recheckgen.Match {
	m := &recheckgen.Match{Buckets: a.buckets, Builds: make([]recheckgen.MatchedBuild, len(a.matched))}
	for i, mb := range a.matched {
		m.Builds[i] = recheckgen.MatchedBuild{Build: a.builds[mb.id].b, First: time.UnixMilli(mb.first).UTC(),
			Last: time.UnixMilli(mb.last).UTC(), Lines: mb.lines}
		// The match's first and last lines are its builds' extremes.
		if i == 0 || m.Builds[i].First.Before(m.First) {
			m.First = m.Builds[i].First
		}
		if i == 0 || m.Builds[i].Last.After(m.Last) {
			m.Last = m.Builds[i].Last
		}
	}
	recheckgen.SortMatched(m.Builds)
	return m
}

// hits loads the lines refs points to, in the same order.
func (s *Store) hits(ctx context.Context, refs []lineRef, builds map[int64]buildRow) ([]recheckgen.Hit, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	ids := make([]any, len(refs))
	for i, r := range refs {
		ids[i] = r.id
	}
	rows, err := s.reader().QueryContext(ctx, `SELECT l.id, l.build_id, f.name, l.lineno, l.ts_ms, l.message
		FROM lines l JOIN files f ON f.id = l.file_id WHERE l.id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[int64]recheckgen.Hit{}
	for rows.Next() {
		var id, buildID, ts int64
		var h recheckgen.Hit
		if err := rows.Scan(&id, &buildID, &h.File, &h.Line, &ts, &h.Message); err != nil {
			return nil, err
		}
		h.Build, h.Time = builds[buildID].b, time.UnixMilli(ts).UTC()
		byID[id] = h
	}
	out := make([]recheckgen.Hit, 0, len(refs))
	for _, r := range refs {
		out = append(out, byID[r.id])
	}
	return out, rows.Err()
}

// FailedBuilds lists the failed builds that started in w, newest first.
func (s *Store) FailedBuilds(ctx context.Context, w recheckgen.Window, f recheckgen.BuildFilter) ([]recheckgen.Build, error) {
	builds, err := s.buildMap(ctx)
	if err != nil {
		return nil, err
	}
	var out []recheckgen.Build
	for _, r := range builds {
		b := r.b
		if !b.Failed() || !w.Contains(b.Start) || (!f.IncludeNonvoting && !b.Voting) {
			continue
		}
		if len(f.Pipelines) > 0 && !slices.Contains(f.Pipelines, b.Pipeline) {
			continue
		}
		out = append(out, b)
	}
	recheckgen.SortNewestFirst(out)
	return out, nil
}

// Latest is the end of the newest build stored (its start when it has no
// end) that is not after now; zero for an empty store. Builds dated after
// now are named instead.
func (s *Store) Latest(ctx context.Context, now time.Time) (recheckgen.Latest, error) {
	var l recheckgen.Latest
	var ms sql.NullInt64
	cut := now.UnixMilli()
	if err := s.db.QueryRowContext(ctx, "SELECT MAX(MAX(start_ms, end_ms)) FROM builds WHERE MAX(start_ms, end_ms) <= ?", cut).Scan(&ms); err != nil {
		return l, err
	}
	l.Time = fromMillis(ms.Int64)
	rows, err := s.db.QueryContext(ctx, "SELECT uuid, COUNT(*) OVER () FROM builds WHERE MAX(start_ms, end_ms) > ? ORDER BY MAX(start_ms, end_ms) DESC, uuid LIMIT ?", cut, recheckgen.MaxFuture)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var uuid string
		if err := rows.Scan(&uuid, &l.FutureCount); err != nil {
			return l, err
		}
		l.Future = append(l.Future, uuid)
	}
	return l, rows.Err()
}

var _ recheckgen.Backend = (*Store)(nil)
