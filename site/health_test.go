package site

import (
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// TestHealthPage shows the report's overlap, too broad and stale queries.
func TestHealthPage(t *testing.T) {
	in := hostileInput(t)
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	in.Report.TooBroad = []recheckgen.BroadQuery{{ID: "broad", Builds: 10, Passing: 3, Share: 0.3, Since: day}}
	in.Report.StaleQueries = []recheckgen.StaleQuery{{ID: "old", LastHit: day.Add(-60 * 24 * time.Hour), Days: 60}, {ID: "never", Days: 90, AtLeast: true}}
	in.Report.Overlap = recheckgen.Overlap{Share: 0.5, CoFailures: 3,
		Pairs:       []recheckgen.OverlapPair{{A: "a", B: "b", ABuilds: 4, BBuilds: 8, Both: 3, AShare: 0.75, BShare: 0.375}},
		Subsets:     []recheckgen.OverlapPair{{A: "c", B: "a", ABuilds: 2, BBuilds: 4, Both: 2, AShare: 1, BShare: 0.5}, {A: "d", B: "e", Both: 5, AShare: 1, BShare: 1, Same: true}},
		CoOccurring: []recheckgen.OverlapPair{{A: "e", B: "f", BothFailed: 4}}}
	page := read(t, render(t, in), "health.html")
	for _, w := range []string{
		`<a href="bugs/broad.html">broad</a></td><td class="num">10</td><td class="num">3</td><td class="num">30%</td><td>2026-11-20</td>`,
		`<a href="bugs/old.html">old</a></td><td class="num">60</td><td>2026-09-21</td>`,
		`<a href="bugs/never.html">never</a></td><td class="num">90+</td><td>none known</td>`,
		`<a href="bugs/a.html">a</a> (4)</td><td><a href="bugs/b.html">b</a> (8)</td><td class="num">3</td><td class="num">75%</td><td class="num">38%</td>`,
		`<a href="bugs/b.html">b</a> (8)`, `<a href="bugs/e.html">e</a> (the same builds)`,
		`<a href="bugs/f.html">f</a></td><td class="num">4</td>`,
	} {
		if !strings.Contains(page, w) {
			t.Errorf("health.html lacks %s", w)
		}
	}
	if idx := read(t, render(t, in), "index.html"); !strings.Contains(idx, `href="health.html"`) {
		t.Error("the site's navigation does not link the health page")
	}
}
