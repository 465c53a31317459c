package store

import (
	"context"
	"fmt"

	"github.com/recheckgen/recheckgen"
)

// hitsChunk is how many lines one statement fetches by id.
const hitsChunk = 500

// SearchBuilds runs q over win once and keeps, for each build named, its
// newest perBuild matching lines: one pass over the query's matches for
// any number of builds.
func (s *Store) SearchBuilds(ctx context.Context, q recheckgen.Query, win recheckgen.Window, uuids []string, perBuild int) (map[string]recheckgen.BuildHits, error) {
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
	want := map[int64]bool{}
	byUUID := map[string]int64{}
	for id, r := range builds {
		byUUID[r.b.UUID] = id
	}
	for _, u := range uuids {
		if id, ok := byUUID[u]; ok {
			want[id] = true
		}
	}
	type kept struct {
		refs  []lineRef // newest first
		lines int
	}
	per := map[int64]*kept{}
	args := append([]any{win.Start.UnixMilli(), win.End.UnixMilli()}, w.args...)
	// As Search reads: through the searches' handle, and a damaged index
	// met here is marked for the next command to rebuild.
	rows, err := s.reader().QueryContext(ctx, matchSQL(w, true), args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", q.ID, s.searchFailed(ctx, err))
	}
	for rows.Next() {
		var id, buildID, ts int64
		if err := rows.Scan(&id, &buildID, &ts); err != nil {
			rows.Close()
			return nil, fmt.Errorf("query %s: %w", q.ID, s.searchFailed(ctx, err))
		}
		if !want[buildID] {
			continue
		}
		k := per[buildID]
		if k == nil {
			k = &kept{}
			per[buildID] = k
		}
		k.lines++
		k.refs = keepNewest(k.refs, lineRef{id, ts}, perBuild)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query %s: %w", q.ID, s.searchFailed(ctx, err))
	}
	out := map[string]recheckgen.BuildHits{}
	var batch []lineRef
	flush := func() error {
		hits, err := s.hits(ctx, batch, builds)
		if err != nil {
			return err
		}
		for _, h := range hits {
			bh := out[h.Build.UUID]
			bh.Hits = append(bh.Hits, h)
			out[h.Build.UUID] = bh
		}
		batch = batch[:0]
		return nil
	}
	for id, k := range per {
		out[builds[id].b.UUID] = recheckgen.BuildHits{Lines: k.lines, Hits: make([]recheckgen.Hit, 0, len(k.refs))}
		for _, r := range k.refs {
			if batch = append(batch, r); len(batch) == hitsChunk {
				if err := flush(); err != nil {
					return nil, fmt.Errorf("query %s: %w", q.ID, err)
				}
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return nil, fmt.Errorf("query %s: %w", q.ID, err)
		}
	}
	return out, nil
}

var _ recheckgen.BuildSearcher = (*Store)(nil)
