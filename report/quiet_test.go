package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

func TestQuiet(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }
	r := &recheckgen.Report{Bugs: []recheckgen.BugReport{
		{ID: "fresh", Runbook: "a.md#x", Last: day(2)},
		{ID: "old", Runbook: "a.md#x", Last: day(40)}, // a.md#x has a fresh bug: not quiet
		{ID: "silent", Runbook: "a.md#y"},             // never hit
		{ID: "history", Runbook: "b.md#z", History: []recheckgen.DayCount{{Day: "2026-10-01", Fails: 2}, {Day: "2026-10-02", Fails: 0}}},
		{ID: "carried", Runbook: "b.md#w", History: []recheckgen.DayCount{{Day: "2026-11-01", Fails: 1}}}, // 19 days ago: not quiet
		{ID: "gone", Runbook: "c.md#h", Historical: true},                                                 // historical: left out
		{ID: "broken", Runbook: "c.md#e", Error: "boom"},                                                  // did not run: left out
		{ID: "nowhere"},
	}}
	Quiet(r, now, 30)
	want := []recheckgen.QuietSection{
		{Runbook: "a.md#y", Bugs: []string{"silent"}},
		{Runbook: "b.md#z", Bugs: []string{"history"}, Last: time.Date(2026, 10, 1, 23, 59, 59, 0, time.UTC)},
	}
	if !reflect.DeepEqual(r.QuietSections, want) {
		t.Errorf("got %+v\nwant %+v", r.QuietSections, want)
	}
	Quiet(r, now, 0)
	if len(r.QuietSections) != 0 || r.QuietDays != 0 {
		t.Error("days 0 should list nothing")
	}
}

func TestHistoricalNotStale(t *testing.T) {
	win := recheckgen.Window{Start: time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}
	res := []Result{
		{Query: recheckgen.Query{ID: "old", Applies: recheckgen.Era{From: 2016, To: 2018}}, Match: &recheckgen.Match{}},
		{Query: recheckgen.Query{ID: "current", Applies: recheckgen.Era{From: 2019}}, Match: &recheckgen.Match{}},
	}
	r := Make(win, res, nil, DefaultOptions(win.End))
	if !reflect.DeepEqual(r.Stale, []string{"current"}) {
		t.Errorf("stale %v, want only the current query", r.Stale)
	}
	for _, b := range r.Bugs {
		if b.Historical != (b.ID == "old") {
			t.Errorf("%s: historical %v", b.ID, b.Historical)
		}
	}
}
