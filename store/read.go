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
// order, as Events does.
func (s *Store) ReadBuild(ctx context.Context, uuid string, fn func(recheckgen.LogLine) error) error {
	err := s.Events(ctx, uuid, func(e Event) error {
		return fn(recheckgen.LogLine{File: e.File, Line: e.Line, Time: e.Time, Level: e.Level, Message: e.Message})
	})
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("build %s: %w", uuid, ErrNoBuild)
	}
	return err
}

var _ recheckgen.LogReader = (*Store)(nil)
