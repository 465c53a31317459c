package report

import (
	"sort"
	"time"

	"github.com/recheckgen/recheckgen"
)

// Quiet lists the runbook sections whose known bugs have all gone days
// days without a hit, as of now: the newest hit of a bug is its last
// matching line in the window, or the last day of its carried history
// with a failure. Historical queries and those that could not run are
// left out (the first are not expected to hit; the second say nothing),
// and so is a section none of whose bugs counts.
func Quiet(r *recheckgen.Report, now time.Time, days int) {
	r.QuietDays = days
	r.QuietSections = []recheckgen.QuietSection{}
	if days <= 0 {
		return
	}
	since := now.Add(-time.Duration(days) * 24 * time.Hour)
	type section struct {
		bugs []string
		last time.Time
	}
	sections := map[string]*section{}
	for _, b := range r.Bugs {
		if b.Runbook == "" || b.Historical || b.Error != "" {
			continue
		}
		s := sections[b.Runbook]
		if s == nil {
			s = &section{}
			sections[b.Runbook] = s
		}
		s.bugs = append(s.bugs, b.ID)
		if l := lastHit(b); l.After(s.last) {
			s.last = l
		}
	}
	for ref, s := range sections {
		if s.last.Before(since) {
			sort.Strings(s.bugs)
			r.QuietSections = append(r.QuietSections, recheckgen.QuietSection{Runbook: ref, Bugs: s.bugs, Last: s.last})
		}
	}
	sort.Slice(r.QuietSections, func(i, j int) bool { return r.QuietSections[i].Runbook < r.QuietSections[j].Runbook })
}

// lastHit is a bug's newest known hit.
func lastHit(b recheckgen.BugReport) time.Time {
	last := b.Last
	for _, d := range b.History {
		if d.Fails == 0 {
			continue
		}
		if t, err := time.Parse("2006-01-02", d.Day); err == nil {
			if end := t.Add(24*time.Hour - time.Second); end.After(last) {
				last = end
			}
		}
	}
	return last
}
