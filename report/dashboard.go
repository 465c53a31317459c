package report

import (
	"sort"

	"github.com/recheckgen/recheckgen"
)

// Row is a bug as the dashboard lists it in one view.
type Row struct {
	ID, Title, Label string
	Tags             []string
	// The numbers of the view; Unknown when the query failed to run, or
	// its file to load (Error says why).
	Fails, Fails24, Changes, Builds, Passing int
	Unknown                                  bool
	Error                                    string
	Spike, TooBroad, SuppressGraph           bool
	// Historical: the query's era ended (AppliesTo names its builds); it
	// is not expected to find today's builds.
	Historical bool
	AppliesTo  string
	// Trend is failed builds per day, oldest first.
	Trend []int
}

// Dashboard is the dashboard of one pipeline ("" for all of them): the
// bugs with matches, ranked; apart, the bugs whose query failed (numbers
// unknown) and those with no match in the window.
type Dashboard struct {
	Pipeline string
	Active   []Row
	Failed   []Row
	Quiet    []Row
}

// MakeDashboard lists r's bugs as seen in pipeline p ("" for all).
func MakeDashboard(r *recheckgen.Report, p string) Dashboard {
	d := Dashboard{Pipeline: p}
	for _, b := range r.Bugs {
		row := Row{ID: b.ID, Title: b.Title, Label: (recheckgen.BugRef{Tracker: b.Tracker, ID: b.BugID}).Label(), Tags: b.Tags,
			SuppressGraph: b.SuppressGraph, Spike: b.Spike && p == "", Historical: b.Historical, AppliesTo: b.Applies.Builds()}
		switch {
		case b.Error != "":
			row.Unknown, row.Error = true, b.Error
			d.Failed = append(d.Failed, row)
			continue
		case p == "":
			row.Fails, row.Fails24, row.Changes, row.Builds, row.Passing, row.TooBroad = b.Fails, b.Fails24, b.Changes, b.Builds, b.Passing, b.TooBroad
			for _, h := range b.History {
				row.Trend = append(row.Trend, h.Fails)
			}
		default:
			for _, v := range b.Views {
				if v.Pipeline == p {
					row.Fails, row.Fails24, row.Changes, row.Builds, row.Passing, row.TooBroad = v.Fails, v.Fails24, v.Changes, v.Builds, v.Passing, v.TooBroad
					row.Trend = failedPerDay(v.Daily, len(r.Days))
				}
			}
		}
		if row.Builds == 0 {
			d.Quiet = append(d.Quiet, row)
		} else {
			d.Active = append(d.Active, row)
		}
	}
	sort.SliceStable(d.Active, func(i, j int) bool {
		a, b := d.Active[i], d.Active[j]
		if a.Fails24 != b.Fails24 {
			return a.Fails24 > b.Fails24
		}
		if a.Fails != b.Fails {
			return a.Fails > b.Fails
		}
		return a.ID < b.ID
	})
	sort.SliceStable(d.Quiet, func(i, j int) bool { return d.Quiet[i].ID < d.Quiet[j].ID })
	return d
}

// failedPerDay sums a daily series' failed statuses.
func failedPerDay(daily map[string][]int, n int) []int {
	out := make([]int, n)
	for status, counts := range daily {
		if !(recheckgen.Build{Result: status}).Failed() {
			continue
		}
		for i, c := range counts {
			if i < n {
				out[i] += c
			}
		}
	}
	return out
}
