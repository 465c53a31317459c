package recheckgen

import (
	"context"
	"time"
)

// LogReader is a backend that hands over whole builds: triage reads every
// line of a failed build, and of the passing builds it is compared with.
// The embedded store is one; a backend that is not cannot triage.
type LogReader interface {
	// ListBuilds lists every build stored, whatever its result.
	ListBuilds(ctx context.Context) ([]Build, error)
	// ReadBuild calls fn for each log event of the build with this uuid,
	// file by file, each file's events in line order. An error from fn
	// stops the reading and is returned.
	ReadBuild(ctx context.Context, uuid string, fn func(LogLine) error) error
}

// LogLine is one log event of a build: a line, or an oslo.log traceback
// joined to the line before it.
type LogLine struct {
	File    string    `json:"file"`
	Line    int       `json:"line"`
	Time    time.Time `json:"time,omitzero"`
	Level   string    `json:"level,omitempty"` // oslo.log's level, "" when the line has none
	Message string    `json:"message"`
}

// BuildHits are a query's matching lines in one build: the newest few, and
// how many lines matched in all.
type BuildHits struct {
	Hits  []Hit
	Lines int
}

// BuildSearcher is a backend that runs a query once for many builds and
// hands back each one's matching lines: triage shows every known bug's
// lines on each failed build it explains, and a query per build would cost
// the whole store's matches for each.
type BuildSearcher interface {
	// SearchBuilds runs q over w, voting jobs or not, and returns for
	// each build named that has a match its newest perBuild matching
	// lines, newest first.
	SearchBuilds(ctx context.Context, q Query, w Window, uuids []string, perBuild int) (map[string]BuildHits, error)
}
