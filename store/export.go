package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/recheckgen/recheckgen"
)

// Event is one stored log event, as exported to a search cluster.
type Event struct {
	File    string // elastic-recheck's filename
	Tags    []string
	Line    int
	Time    time.Time
	Level   string // oslo.log's level, "" when none
	Module  string
	Program string // syslog's program
	Message string
}

// ExportedBuild is a stored build and how many events it holds.
type ExportedBuild struct {
	recheckgen.Build
	Events int
}

// ExportBuilds lists the stored builds, by uuid, with their event counts: what
// an export compares with what a cluster already holds.
func (s *Store) ExportBuilds(ctx context.Context) ([]ExportedBuild, error) {
	builds, err := s.buildMap(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[int64]int{}
	rows, err := s.db.QueryContext(ctx, `SELECT build_id, count(*) FROM lines GROUP BY build_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]ExportedBuild, 0, len(builds))
	for id, b := range builds {
		out = append(out, ExportedBuild{Build: b.b, Events: counts[id]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UUID < out[j].UUID })
	return out, nil
}

// eventsSQL reads a build's events in stored order, through the build's
// index: no sort (the store's temporary storage is memory, so a sort would
// hold the whole build).
const eventsSQL = `SELECT l.file_id, f.name, l.lineno, l.ts_ms, l.level, l.module, l.program, l.message
	FROM lines l JOIN files f ON f.id = l.file_id WHERE l.build_id = ? ORDER BY l.id`

// Events streams a build's events file by file, each in line order: in
// the order they were stored (one file after the other, files in name
// order), which the build's index gives without sorting, so a build of
// any size streams in flat memory.
func (s *Store) Events(ctx context.Context, uuid string, fn func(Event) error) error {
	var buildID int64
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM builds WHERE uuid = ?`, uuid).Scan(&buildID); err != nil {
		return fmt.Errorf("build %s: %w", uuid, err)
	}
	tags := map[int64][]string{}
	trows, err := s.db.QueryContext(ctx, `SELECT t.file_id, t.tag FROM file_tags t JOIN files f ON f.id = t.file_id WHERE f.build_id = ?`, buildID)
	if err != nil {
		return err
	}
	for trows.Next() {
		var id int64
		var tag string
		if err := trows.Scan(&id, &tag); err != nil {
			trows.Close()
			return err
		}
		tags[id] = append(tags[id], tag)
	}
	trows.Close()
	for _, t := range tags {
		sort.Strings(t)
	}
	rows, err := s.db.QueryContext(ctx, eventsSQL, buildID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var fileID, ts int64
		var level, module, program sql.NullString
		if err := rows.Scan(&fileID, &e.File, &e.Line, &ts, &level, &module, &program, &e.Message); err != nil {
			return err
		}
		e.Time, e.Tags = time.UnixMilli(ts).UTC(), tags[fileID]
		e.Level, e.Module, e.Program = level.String, module.String, program.String
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
