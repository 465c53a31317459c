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

// What a fetch needs of the store besides ingest: which builds it holds,
// the spans of time in which a source listed every build (coverage), and
// retention. Coverage is what makes the builds of a window a denominator:
// a store knows every build that ran only for the sources that said so
// (see Builds).

// Span is a half-open span of time, [From, To).
type Span struct{ From, To time.Time }

// Known says which of uuids the store holds.
func (s *Store) Known(ctx context.Context, uuids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(uuids) > 0 {
		n := min(len(uuids), 500)
		args := make([]any, n)
		for i, u := range uuids[:n] {
			args[i] = u
		}
		rows, err := s.db.QueryContext(ctx, "SELECT uuid FROM builds WHERE uuid IN (?"+strings.Repeat(",?", n-1)+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return nil, err
			}
			out[u] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		uuids = uuids[n:]
	}
	return out, nil
}

// Missing is a build stored with its logs missing.
type Missing struct {
	UUID   string
	Start  time.Time
	Tries  int    // fetches that found the logs missing
	Reason string // why the last one did
}

// MissingLogs lists origin's builds stored with their logs missing that
// started at or after since, oldest first: what a fetch tries again. A
// build fetched whole later replaces its record (see holds).
func (s *Store) MissingLogs(ctx context.Context, origin string, since time.Time) ([]Missing, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT uuid, start_ms, logs_tries, logs_reason FROM builds
		WHERE origin = ? AND logs = ? AND start_ms >= ? ORDER BY start_ms, uuid`, origin, recheckgen.LogsMissing, since.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Missing
	for rows.Next() {
		var m Missing
		var start int64
		if err := rows.Scan(&m.UUID, &start, &m.Tries, &m.Reason); err != nil {
			return nil, err
		}
		m.Start = fromMillis(start)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Coverage lists the spans in which origin listed every build, oldest
// first, none overlapping.
func (s *Store) Coverage(ctx context.Context, origin string) ([]Span, error) {
	return coverageOf(ctx, s.db, origin)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func coverageOf(ctx context.Context, q queryer, origin string) ([]Span, error) {
	rows, err := q.QueryContext(ctx, "SELECT from_ms, to_ms FROM coverage WHERE origin = ? ORDER BY from_ms", origin)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Span
	for rows.Next() {
		var from, to int64
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		out = append(out, Span{time.UnixMilli(from).UTC(), time.UnixMilli(to).UTC()})
	}
	return out, rows.Err()
}

// Cover records that origin listed every build that started in span
// (the builds themselves are stored by Ingest first). Spans that touch or
// overlap merge.
func (s *Store) Cover(ctx context.Context, origin string, span Span) error {
	if !span.From.Before(span.To) {
		return nil
	}
	return s.exclusive(ctx, func(conn *sql.Conn) error {
		spans, err := coverageOf(ctx, conn, origin)
		if err != nil {
			return err
		}
		return writeCoverage(ctx, conn, origin, merge(append(spans, span)))
	})
}

func writeCoverage(ctx context.Context, conn *sql.Conn, origin string, spans []Span) error {
	if _, err := conn.ExecContext(ctx, "DELETE FROM coverage WHERE origin = ?", origin); err != nil {
		return err
	}
	for _, sp := range spans {
		if _, err := conn.ExecContext(ctx, "INSERT INTO coverage (origin, from_ms, to_ms) VALUES (?, ?, ?)",
			origin, sp.From.UnixMilli(), sp.To.UnixMilli()); err != nil {
			return err
		}
	}
	return nil
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans []Span) []Span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].From.Before(spans[j].From) })
	var out []Span
	for _, sp := range spans {
		if n := len(out); n > 0 && !sp.From.After(out[n-1].To) {
			if sp.To.After(out[n-1].To) {
				out[n-1].To = sp.To
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// pruneBatch is how many builds one transaction of Prune deletes: the
// write lock is given up between batches, for searches and ingests.
const pruneBatch = 100

// Prune deletes origin's builds that started before t, with their files
// and lines, and forgets its coverage before t. It returns how many
// builds it deleted. (Their full-text entries stay behind, matching
// nothing, until the index is rebuilt; see fts.go.)
func (s *Store) Prune(ctx context.Context, origin string, t time.Time) (int, error) {
	cut := t.UnixMilli()
	n := 0
	defer s.invalidate()
	for {
		done := false
		err := s.exclusive(ctx, func(conn *sql.Conn) error {
			rows, err := conn.QueryContext(ctx, "SELECT id FROM builds WHERE origin = ? AND start_ms < ? LIMIT ?", origin, cut, pruneBatch)
			if err != nil {
				return err
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, id := range ids {
				if err := deleteBuild(ctx, conn, id); err != nil {
					return err
				}
			}
			n += len(ids)
			if len(ids) < pruneBatch {
				done = true
				spans, err := coverageOf(ctx, conn, origin)
				if err != nil {
					return err
				}
				var kept []Span
				for _, sp := range spans {
					if sp.To.After(t) {
						sp.From = later(sp.From, t)
						kept = append(kept, sp)
					}
				}
				return writeCoverage(ctx, conn, origin, kept)
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("prune builds of %s: %w", origin, err)
		}
		if done {
			return n, nil
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Builds lists every build that started in w (voting ones unless f says
// otherwise; in f's pipelines when it names some), newest first, whatever
// the result or whether its logs are held. complete says the list is
// every build that ran: each source that listed builds of the window
// recorded a span covering the window from its start to the source's
// latest listing, and past its newest build there (a fetch that failed
// stores what it fetched, and records no span), and no build of the
// window came from a directory someone copied (origin "").
func (s *Store) Builds(ctx context.Context, w recheckgen.Window, f recheckgen.BuildFilter) ([]recheckgen.Build, bool, error) {
	builds, err := s.buildMap(ctx)
	if err != nil {
		return nil, false, err
	}
	newest := map[string]time.Time{} // by origin, of the window's builds
	var out []recheckgen.Build
	for _, r := range builds {
		b := r.b
		if !w.Contains(b.Start) {
			continue
		}
		if nb, ok := newest[r.origin]; !ok || b.Start.After(nb) {
			newest[r.origin] = b.Start
		}
		if !f.IncludeNonvoting && !b.Voting {
			continue
		}
		if len(f.Pipelines) > 0 && !slices.Contains(f.Pipelines, b.Pipeline) {
			continue
		}
		out = append(out, b)
	}
	recheckgen.SortNewestFirst(out)
	complete, err := s.covers(ctx, w, newest)
	return out, complete, err
}

// covers says whether every origin of the window's builds (newest: the
// newest of them by origin), and every origin whose coverage reaches into
// the window, listed every build of the window.
func (s *Store) covers(ctx context.Context, w recheckgen.Window, newest map[string]time.Time) (bool, error) {
	if _, ok := newest[""]; ok {
		return false, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT DISTINCT origin FROM coverage WHERE to_ms > ? AND from_ms < ?", w.Start.UnixMilli(), w.End.UnixMilli())
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return false, err
		}
		if _, ok := newest[o]; !ok {
			newest[o] = time.Time{}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	if len(newest) == 0 {
		return false, nil
	}
	for o, nb := range newest {
		spans, err := s.Coverage(ctx, o)
		if err != nil || len(spans) == 0 {
			return false, err
		}
		// The window's start to the source's latest listing, or past its
		// newest build (spans are half-open), or to the window's end, if
		// sooner, in one span.
		end := later(spans[len(spans)-1].To, nb.Add(time.Millisecond))
		if w.End.Before(end) {
			end = w.End
		}
		ok := false
		for _, sp := range spans {
			if !sp.From.After(w.Start) && !sp.To.Before(end) {
				ok = true
				break
			}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

var _ recheckgen.BuildCounter = (*Store)(nil)
