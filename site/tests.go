package site

import (
	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
)

// testRow is a tempest test in the list of failing tests.
type testRow struct {
	recheckgen.TestReport
	URL  string
	Bugs []bugLink
}

type testsView struct {
	page
	Known   bool
	Passing int
	Rows    []testRow
	// More counts the failing tests not listed (data/tests.json has them).
	More   int
	Totals recheckgen.TestRunTotals
}

// testsListed is how many failing tests the list shows, most failures
// first: the page stays under 100 KB.
const testsListed = 200

type testView struct {
	page
	Test  recheckgen.TestReport
	Trend *chartView
	Bugs  []bugLink
	Jobs  []testJobLink
}

// testJobLink is a test's record in a job, with the job's page.
type testJobLink struct {
	recheckgen.TestJob
	Rate float64
	URL  string
}

// tests writes the list of tempest tests that failed in the window
// (sortable) and a page for each that failed often.
func (s *site) tests() error {
	r := s.in.Report
	lv := testsView{page: s.page("Tempest tests", "tests/index.html"), Known: r.TestsKnown, Passing: r.TestsPassing, Totals: r.TestRuns}
	lv.Sortable = true
	short, long := s.dayLabels()
	for _, t := range r.Tests {
		row := testRow{TestReport: t}
		for _, b := range t.Bugs {
			row.Bugs = append(row.Bugs, bugLink{b, "../bugs/" + b.ID + ".html"})
		}
		if t.Page {
			slug := s.slugs["tests"].of(t.Test)
			row.URL = slug + ".html"
			rel := "tests/" + slug + ".html"
			v := testView{page: s.page(shortTest(t.Test), rel), Test: t, Bugs: row.Bugs}
			passed := make([]int, len(t.DailyRuns))
			for i := range passed {
				passed[i] = t.DailyRuns[i] - t.Daily[i]
			}
			v.Trend = s.chart(chart.Bars{ID: "trend", Title: "Runs per day of " + shortTest(t.Test),
				Desc: "Runs of the test per day, failed or passed, " + s.daysSpan(), Labels: short, Long: long, YName: "runs",
				Series: []chart.Series{{Name: "FAILED", Color: chart.StatusColor("FAILURE"), Values: t.Daily},
					{Name: "ok", Color: chart.StatusColor("SUCCESS"), Values: passed}}}, "Day (UTC)")
			v.Charts = v.Trend != nil
			for _, j := range t.Jobs {
				v.Jobs = append(v.Jobs, testJobLink{j, float64(j.Failures) / float64(max(j.Runs, 1)), s.groupURL("jobs", j.Job, v.Root)})
			}
			if err := s.write(rel, "test.html", v); err != nil {
				return err
			}
		}
		if len(lv.Rows) < testsListed {
			lv.Rows = append(lv.Rows, row)
		} else {
			lv.More++
		}
	}
	return s.write("tests/index.html", "tests.html", lv)
}
