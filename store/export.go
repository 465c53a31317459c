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

// eventsSQL reads a build's events in stored order. A build's lines are
// written in one transaction with consecutive ids (see writer), so they
// are read as a range of the table's own keys: one walk along the table,
// no sort (the store's temporary storage is memory, so a sort would hold
// the whole build) and no join per line (file names come from one query
// before). build_id stays in the condition, so a line of another build in
// the range could never come through; its unary + keeps SQLite walking
// the table rather than the lines_build index.
const eventsSQL = `SELECT file_id, lineno, ts_ms, level, module, program, message
	FROM lines WHERE id BETWEEN ? AND ? AND +build_id = ? ORDER BY id`

// tagsSQL reads the tags of a range of file ids. file_tags is keyed by
// (tag, file_id), with no index by file, so a lookup by file would read
// the whole table for every build (quadratic over a store). Tags are few:
// it walks them one by one, each a seek to the next tag (a loose index
// scan), then reads the range of file ids under each.
const tagsSQL = `WITH RECURSIVE tg(tag) AS (
	SELECT MIN(tag) FROM file_tags
	UNION ALL SELECT (SELECT MIN(tag) FROM file_tags WHERE tag > tg.tag) FROM tg WHERE tg.tag IS NOT NULL)
SELECT t.file_id, t.tag FROM tg JOIN file_tags t ON t.tag = tg.tag AND t.file_id BETWEEN ? AND ?`

// Events streams a build's events file by file, each in line order: in
// the order they were stored (one file after the other, files in name
// order), read as one range of the lines table without sorting, so a
// build of any size streams in flat memory.
func (s *Store) Events(ctx context.Context, uuid string, fn func(Event) error) error {
	var buildID int64
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM builds WHERE uuid = ?`, uuid).Scan(&buildID); err != nil {
		return fmt.Errorf("build %s: %w", uuid, err)
	}
	names := map[int64]string{}
	var firstFile, lastFile int64
	frows, err := s.db.QueryContext(ctx, `SELECT id, name FROM files WHERE build_id = ?`, buildID)
	if err != nil {
		return err
	}
	for frows.Next() {
		var id int64
		var name string
		if err := frows.Scan(&id, &name); err != nil {
			frows.Close()
			return err
		}
		names[id] = name
		if len(names) == 1 || id < firstFile {
			firstFile = id
		}
		lastFile = max(lastFile, id)
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return err
	}
	var first, last sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(id), MAX(id) FROM lines WHERE build_id = ?`, buildID).Scan(&first, &last); err != nil {
		return err
	}
	if !first.Valid {
		return nil // a build with no line
	}
	tags := map[int64][]string{}
	trows, err := s.db.QueryContext(ctx, tagsSQL, firstFile, lastFile)
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
		if _, ok := names[id]; ok { // a file of this build
			tags[id] = append(tags[id], tag)
		}
	}
	trows.Close()
	if err := trows.Err(); err != nil {
		return err
	}
	for _, t := range tags {
		sort.Strings(t)
	}
	rows, err := s.db.QueryContext(ctx, eventsSQL, first.Int64, last.Int64, buildID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var fileID, ts int64
		var level, module, program sql.NullString
		if err := rows.Scan(&fileID, &e.Line, &ts, &level, &module, &program, &e.Message); err != nil {
			return err
		}
		e.File, e.Time, e.Tags = names[fileID], time.UnixMilli(ts).UTC(), tags[fileID]
		e.Level, e.Module, e.Program = level.String, module.String, program.String
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
