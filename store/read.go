package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/recheckgen/recheckgen"
)

// ListBuilds lists every stored build, newest first.
func (s *Store) ListBuilds(ctx context.Context) ([]recheckgen.Build, error) {
	builds, err := s.buildMap(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]recheckgen.Build, 0, len(builds))
	for _, r := range builds {
		out = append(out, r.b)
	}
	recheckgen.SortNewestFirst(out)
	return out, nil
}

// ErrNoBuild says the store holds no build of that uuid.
var ErrNoBuild = errors.New("no such build in the store")

// ReadBuild streams a build's events file by file, each file in line
// order: lines are stored so (a build's files one after the other, in one
// transaction), and the build's index reads them in that order without
// sorting, so memory stays flat whatever the build's size.
func (s *Store) ReadBuild(ctx context.Context, uuid string, fn func(recheckgen.LogLine) error) error {
	var buildID int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM builds WHERE uuid = ?`, uuid).Scan(&buildID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("build %s: %w", uuid, ErrNoBuild)
	}
	if err != nil {
		return fmt.Errorf("build %s: %w", uuid, err)
	}
	names := map[int64]string{}
	frows, err := s.db.QueryContext(ctx, `SELECT id, name FROM files WHERE build_id = ?`, buildID)
	if err != nil {
		return fmt.Errorf("build %s: %w", uuid, err)
	}
	for frows.Next() {
		var id int64
		var name string
		if err := frows.Scan(&id, &name); err != nil {
			frows.Close()
			return err
		}
		names[id] = name
	}
	frows.Close()
	rows, err := s.db.QueryContext(ctx, `SELECT file_id, lineno, ts_ms, level, message FROM lines WHERE build_id = ? ORDER BY id`, buildID)
	if err != nil {
		return fmt.Errorf("build %s: %w", uuid, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l recheckgen.LogLine
		var fileID, ts int64
		var level sql.NullString
		if err := rows.Scan(&fileID, &l.Line, &ts, &level, &l.Message); err != nil {
			return fmt.Errorf("build %s: %w", uuid, err)
		}
		l.File, l.Time, l.Level = names[fileID], fromMillis(ts), level.String
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("build %s: %w", uuid, err)
	}
	return nil
}

var _ recheckgen.LogReader = (*Store)(nil)
