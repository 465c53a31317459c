package report

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// results makes a query per id matching the builds numbered; builds under
// 100 failed, the others passed.
func results(sets map[string][]int) []Result {
	var out []Result
	for id, nums := range sets {
		m := &recheckgen.Match{}
		for _, n := range nums {
			result := "FAILURE"
			if n >= 100 {
				result = "SUCCESS"
			}
			m.Builds = append(m.Builds, matched(build(fmt.Sprint("b", n), "job", result, end.Add(-time.Hour)), end.Add(-time.Hour)))
		}
		out = append(out, Result{Query: recheckgen.Query{ID: id}, Match: m})
	}
	return out
}

func TestOverlap(t *testing.T) {
	rs := append(results(map[string][]int{
		"a": {1, 2, 3, 100},
		"b": {1, 2, 3, 100},                             // a's builds exactly
		"c": {1, 2},                                     // inside a's and b's
		"d": {3, 100, 5, 6},                             // half of a's
		"e": {7, 8, 9, 10, 11, 12, 30},                  // fails with f, little in common
		"f": {7, 8, 9, 40, 41, 42, 43, 44, 45, 46, 101}, //
		"g": {},                                         // found nothing
	}), Result{Query: recheckgen.Query{ID: "broken"}, Err: errors.New("no")})
	got := Overlap(rs, OverlapOptions{Share: 0.5, CoFailures: 3})
	pair := func(a, b string, na, nb, both int, same bool, bothFailed int) recheckgen.OverlapPair {
		return recheckgen.OverlapPair{A: a, B: b, ABuilds: na, BBuilds: nb, Both: both, AShare: float64(both) / float64(na),
			BShare: float64(both) / float64(nb), Same: same, BothFailed: bothFailed}
	}
	want := recheckgen.Overlap{Share: 0.5, CoFailures: 3,
		Subsets:     []recheckgen.OverlapPair{pair("a", "b", 4, 4, 4, true, 0), pair("c", "a", 2, 4, 2, false, 0), pair("c", "b", 2, 4, 2, false, 0)},
		Pairs:       []recheckgen.OverlapPair{pair("a", "d", 4, 4, 2, false, 0), pair("b", "d", 4, 4, 2, false, 0)},
		CoOccurring: []recheckgen.OverlapPair{pair("e", "f", 7, 11, 3, false, 3)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Overlap:\n got %+v\nwant %+v", got, want)
	}
}

// BenchmarkOverlap: 500 queries over 5,136 builds (the 16x sample's), each
// matching 1 to 64 builds, some many more.
func BenchmarkOverlap(b *testing.B) {
	sets := map[string][]int{}
	for q := range 500 {
		n := 1 + (q*37)%64
		if q%50 == 0 {
			n = 2000
		}
		var ids []int
		for i := range n {
			ids = append(ids, (q*131+i*17)%5136)
		}
		sets[fmt.Sprint("q", q)] = ids
	}
	rs := results(sets)
	b.ResetTimer()
	for range b.N {
		Overlap(rs, DefaultOverlap)
	}
}

func TestTooBroadAndStale(t *testing.T) {
	now := end
	r := &recheckgen.Report{Generated: now}
	r.Window.Start, r.Window.End = win.Start, win.End
	r.Bugs = []recheckgen.BugReport{
		{ID: "broad", Builds: 10, Passing: 2, TooBroad: true, First: end.Add(-30 * time.Hour)}, // 20% passed
		{ID: "edge", Builds: 10, Passing: 1},                                                   // 10%: not above
		{ID: "clean", Builds: 5},
		{ID: "quiet", History: make([]recheckgen.DayCount, 30)}, // no hit in 30 days of history
		{ID: "lapsed", LastHit: end.Add(-50 * 24 * time.Hour)},
		{ID: "broken", Broken: true},
	}
	if got := tooBroad(r); len(got) != 1 || got[0] != (recheckgen.BroadQuery{ID: "broad", Builds: 10, Passing: 2, Share: 0.2, Since: end.Add(-30 * time.Hour)}) {
		t.Errorf("tooBroad = %+v", got)
	}
	want := []recheckgen.StaleQuery{{ID: "lapsed", LastHit: end.Add(-50 * 24 * time.Hour), Days: 50}, {ID: "quiet", Days: 30, AtLeast: true}}
	if got := staleQueries(r); !reflect.DeepEqual(got, want) {
		t.Errorf("staleQueries = %+v", got)
	}
	// Carried from the report before: the last hit it knew.
	prev := &recheckgen.Report{Bugs: []recheckgen.BugReport{{ID: "quiet", Last: end.Add(-40 * 24 * time.Hour)}}}
	Carry(r, prev, 90)
	if r.StaleQueries[1].ID != "quiet" || r.StaleQueries[1].Days != 40 || r.StaleQueries[1].AtLeast {
		t.Errorf("after Carry: %+v", r.StaleQueries)
	}
}
