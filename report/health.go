package report

import (
	"sort"
	"time"

	"github.com/recheckgen/recheckgen"
)

// BroadShare is elastic-recheck's rule for a query too broad: more than a
// tenth of the builds it matches passed (Options.TooBroad by default).
const BroadShare = 0.1

// tooBroad lists the queries too broad (BugReport.TooBroad), the worst
// first.
func tooBroad(r *recheckgen.Report) []recheckgen.BroadQuery {
	out := []recheckgen.BroadQuery{}
	for _, b := range r.Bugs {
		if b.Broken || !b.TooBroad || b.Builds == 0 {
			continue
		}
		out = append(out, recheckgen.BroadQuery{ID: b.ID, Builds: b.Builds, Passing: b.Passing,
			Share: float64(b.Passing) / float64(b.Builds), Since: b.First})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Share != out[j].Share {
			return out[i].Share > out[j].Share
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// staleQueries lists the queries that ran and found nothing in the window,
// with how long they have found nothing: since their last hit, carried
// from earlier reports, or at least the days of history kept.
func staleQueries(r *recheckgen.Report) []recheckgen.StaleQuery {
	out := []recheckgen.StaleQuery{}
	for _, b := range r.Bugs {
		if b.Broken || b.Builds > 0 || b.Historical {
			continue // a historical query is not expected to find today's builds
		}
		s := recheckgen.StaleQuery{ID: b.ID, LastHit: b.LastHit}
		if b.LastHit.IsZero() {
			s.Days, s.AtLeast = max(len(b.History), int(r.Window.End.Sub(r.Window.Start)/(24*time.Hour))), true
		} else {
			s.Days = int(r.Generated.Sub(b.LastHit) / (24 * time.Hour))
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Days != out[j].Days {
			return out[i].Days > out[j].Days
		}
		return out[i].ID < out[j].ID
	})
	return out
}
