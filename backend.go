package recheckgen

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"
)

// Backend is a log search backend: the embedded store or OpenSearch. Both
// answer with the same meaning, so a report does not depend on which ran.
type Backend interface {
	// Search runs q over window w.
	Search(ctx context.Context, q Query, w Window, opts SearchOptions) (*Match, error)
	// FailedBuilds lists the failed builds that started in w.
	FailedBuilds(ctx context.Context, w Window, f BuildFilter) ([]Build, error)
	// Latest is the time of the newest data dated no later than now, for
	// a window that ends at the newest data rather than now. Data dated
	// after now is ignored and named in the result: one build from the
	// future must not move the window away from every failure.
	Latest(ctx context.Context, now time.Time) (Latest, error)
	Close() error
}

// Latest is the newest time of a backend's data, and what it ignored.
type Latest struct {
	Time time.Time // zero when there is no data
	// Future holds the uuids of up to MaxFuture builds dated after now;
	// FutureCount is how many there are in all.
	Future      []string
	FutureCount int
}

// MaxFuture is how many future builds Latest names.
const MaxFuture = 10

// SearchOptions tune one search.
type SearchOptions struct {
	// Recent is how many of the newest matching lines to return.
	Recent int
	// IncludeNonvoting counts non-voting jobs too (allow-nonvoting).
	IncludeNonvoting bool
}

// BuildFilter narrows FailedBuilds.
type BuildFilter struct {
	Pipelines        []string // empty: every pipeline
	IncludeNonvoting bool
}

// Match is what one query found in a window.
type Match struct {
	// Buckets holds, per build status, the number of distinct builds with
	// a matching line in each bucket of the window (elastic-recheck's graph).
	Buckets map[string][]int
	// Builds are the distinct matching builds, newest first.
	Builds []MatchedBuild
	// First and Last are the times of the first and last matching line.
	First, Last time.Time
	// Recent are the newest matching lines, newest first.
	Recent []Hit
}

// MatchedBuild is a build with a matching line.
type MatchedBuild struct {
	Build
	First, Last time.Time // its first and last matching line
	Lines       int       // how many of its lines matched
}

// Count tallies the matching builds by key, such as a build's job.
func (m *Match) Count(key func(Build) string) map[string]int {
	out := map[string]int{}
	for _, b := range m.Builds {
		out[key(b.Build)]++
	}
	return out
}

// Share is one value of a field and the part of the matching builds that
// have it.
type Share struct {
	Value   string  `json:"value"`
	Builds  int     `json:"builds"`
	Percent float64 `json:"percent"`
}

// Shares is Count as a list, most frequent first, ties by value.
func (m *Match) Shares(key func(Build) string) []Share {
	counts := m.Count(key)
	out := make([]Share, 0, len(counts))
	for v, n := range counts {
		out = append(out, Share{Value: v, Builds: n, Percent: 100 * float64(n) / float64(len(m.Builds))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Builds != out[j].Builds {
			return out[i].Builds > out[j].Builds
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// SortMatched orders matching builds by their last matching line, newest
// first, then by uuid. It sorts their positions, then moves each build
// once into place: a MatchedBuild is hundreds of bytes, and a search on a
// large store sorts thousands of them.
func SortMatched(bs []MatchedBuild) {
	order := make([]int, len(bs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		if c := bs[j].Last.Compare(bs[i].Last); c != 0 {
			return c
		}
		return strings.Compare(bs[i].UUID, bs[j].UUID)
	})
	// Position k takes the build at order[k]; follow each cycle of that
	// permutation, holding one build aside.
	for start := range order {
		if order[start] < 0 {
			continue
		}
		held := bs[start]
		k := start
		for order[k] != start {
			next := order[k]
			bs[k] = bs[next]
			order[k] = -1
			k = next
		}
		bs[k] = held
		order[k] = -1
	}
}

// BuildCounter is a backend that knows every build that ran, not only the
// ones whose logs it holds: the number of builds per job is the
// denominator of a failure rate ("12 of 40 builds failed"). A store filled
// from local build directories cannot know it (someone chose which builds
// to copy); it then answers complete = false and the site says "not known".
type BuildCounter interface {
	// Builds lists every build that started in w, whatever its result.
	// complete is false when the backend holds only some of them.
	Builds(ctx context.Context, w Window, f BuildFilter) (builds []Build, complete bool, err error)
}

// TestReader is a backend that read test results (tempest's and stestr's
// per-test lines) from the logs it holds.
type TestReader interface {
	// TestRuns lists the test results of the builds that started in w.
	TestRuns(ctx context.Context, w Window, f BuildFilter) ([]TestRun, error)
	// TestTotals lists the summaries the test runs of those builds
	// printed at their end (subunit-trace's Totals).
	TestTotals(ctx context.Context, w Window, f BuildFilter) ([]TestTotals, error)
}
