package triage

import (
	"context"
	"errors"
	"slices"
	"sort"
	"time"

	"github.com/recheckgen/recheckgen"
)

// How a baseline is chosen. The passing builds a failed build is compared
// with are the SUCCESS builds of the same job, those of the same branch
// first, then the nearest in time (before or after), BaselineSize of them.
// Only when the job has no passing build at all do passing builds of other
// jobs stand in, chosen the same way (same branch first, then nearest):
// they still share the plumbing every job prints (Zuul, Ansible, the log
// upload), and the page says the baseline is of other jobs. A build stored
// without its logs (recheckgen.Build.Logs: a fetch keeps the logs of a
// share of the passing builds only) is never chosen.

// BaselineSize is how many passing builds a baseline holds by default.
const BaselineSize = 5

// ChooseBaseline picks the passing builds to compare b with, best first.
func ChooseBaseline(b recheckgen.Build, all []recheckgen.Build, size int) []recheckgen.BaselineBuild {
	if size <= 0 {
		size = BaselineSize
	}
	var same, other []recheckgen.Build
	for _, x := range all {
		if !x.Passed() || x.UUID == b.UUID || x.Logs != "" {
			continue
		}
		if x.Job == b.Job {
			same = append(same, x)
		} else {
			other = append(other, x)
		}
	}
	pool := same
	if len(pool) == 0 {
		pool = other
	}
	dist := func(x recheckgen.Build) time.Duration {
		d := x.Start.Sub(b.Start)
		if d < 0 {
			d = -d
		}
		return d
	}
	sort.Slice(pool, func(i, j int) bool {
		x, y := pool[i], pool[j]
		if (x.Branch == b.Branch) != (y.Branch == b.Branch) {
			return x.Branch == b.Branch
		}
		if dx, dy := dist(x), dist(y); dx != dy {
			return dx < dy
		}
		return x.UUID < y.UUID
	})
	out := []recheckgen.BaselineBuild{}
	for _, x := range pool[:min(size, len(pool))] {
		out = append(out, recheckgen.BaselineBuild{UUID: x.UUID, Job: x.Job, Branch: x.Branch, Start: x.Start, LogURL: x.LogURL,
			SameJob: x.Job == b.Job, SameBranch: x.Branch == b.Branch})
	}
	return out
}

// Set is the normalised lines of a baseline's builds: one sorted list of
// fingerprints per build, 8 bytes a distinct line.
type Set struct {
	lists [][]uint64
}

// NewSet makes a set of fingerprint lists (each sorted and without
// duplicates, as Fingerprints returns them).
func NewSet(lists ...[]uint64) *Set { return &Set{lists: lists} }

// Builds is how many builds the set holds.
func (s *Set) Builds() int { return len(s.lists) }

// Has says whether any build of the set printed a line.
func (s *Set) Has(fp uint64) bool {
	for _, l := range s.lists {
		if _, ok := slices.BinarySearch(l, fp); ok {
			return true
		}
	}
	return false
}

// Lines is how many distinct normalised lines the set holds.
func (s *Set) Lines() int {
	var all []uint64
	for _, l := range s.lists {
		all = append(all, l...)
	}
	slices.Sort(all)
	return len(slices.Compact(all))
}

// MaxBaselineLines is the most events read from one baseline build: what
// a baseline's memory is bounded by (8 bytes each).
const MaxBaselineLines = 4 << 20

var errFull = errors.New("full")

// Fingerprints reads build b and returns the fingerprints of its
// normalised events, sorted and without duplicates, and whether it stopped
// at max events.
func Fingerprints(ctx context.Context, r recheckgen.LogReader, b recheckgen.Build, max int) ([]uint64, bool, error) {
	if max <= 0 {
		max = MaxBaselineLines
	}
	var out []uint64
	var buf []byte
	id := identity(b)
	err := r.ReadBuild(ctx, b.UUID, func(l recheckgen.LogLine) error {
		if len(out) == max {
			return errFull
		}
		var p parts
		var multi bool
		buf, p, multi = normalizeLine(buf[:0], id.Replace(l.Message))
		if hasWord(p.text) || multi {
			out = append(out, fingerprint(buf))
		}
		return nil
	})
	full := errors.Is(err, errFull)
	if err != nil && !full {
		return nil, false, err
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if cap(out) > len(out)+len(out)/4 {
		// Kept between explanations (setCache counts len): not the
		// duplicates' room too.
		out = slices.Clone(out)
	}
	return out, full, nil
}
