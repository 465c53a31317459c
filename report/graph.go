package report

import (
	"sort"

	"github.com/recheckgen/recheckgen"
)

// Graph is elastic-recheck's graph.json, which existing dashboards read.
type Graph struct {
	Now         int64      `json:"now"`
	LastIndexed int64      `json:"last_indexed"`
	Behind      int64      `json:"behind"`
	Status      string     `json:"status"`
	Buglist     []GraphBug `json:"buglist"`
}

// GraphBug is one bug of graph.json.
type GraphBug struct {
	Number  string        `json:"number"`
	Query   string        `json:"query"`
	BugData GraphBugData  `json:"bug_data"`
	Fails   int           `json:"fails"`
	Fails24 int           `json:"fails24"`
	Voting  bool          `json:"voting"`
	Data    []GraphSeries `json:"data"`
}

// GraphBugData names the bug.
type GraphBugData struct {
	Name    string `json:"name"`
	Affects string `json:"affects"`
	Reviews []int  `json:"reviews"`
}

// GraphSeries is one build status's [[hour start ms, distinct builds]].
type GraphSeries struct {
	Label string     `json:"label"`
	Data  [][2]int64 `json:"data"`
}

// MakeGraph converts a report into graph.json's shape. lastIndexed is the
// newest data the backend holds.
func MakeGraph(r *recheckgen.Report, win recheckgen.Window, lastIndexed int64) Graph {
	g := Graph{Now: r.Generated.UnixMilli(), LastIndexed: lastIndexed, Status: "green", Buglist: []GraphBug{}}
	if lastIndexed > 0 {
		g.Behind = g.Now - lastIndexed
	}
	for _, b := range r.Bugs {
		if b.Error != "" {
			continue
		}
		gb := GraphBug{Number: b.ID, Query: b.Query, BugData: GraphBugData{Name: b.Title, Reviews: []int{}},
			Fails: b.Fails, Fails24: b.Fails24, Voting: !b.AllowNonvoting, Data: []GraphSeries{}}
		var statuses []string
		for s := range b.Buckets {
			statuses = append(statuses, s)
		}
		sort.Strings(statuses)
		for _, s := range statuses {
			series := GraphSeries{Label: s, Data: [][2]int64{}}
			for i, n := range b.Buckets[s] {
				if n > 0 {
					series.Data = append(series.Data, [2]int64{win.BucketStart(i).UnixMilli(), int64(n)})
				}
			}
			gb.Data = append(gb.Data, series)
		}
		g.Buglist = append(g.Buglist, gb)
	}
	return g
}
