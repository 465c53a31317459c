package site

import (
	"fmt"
	"html/template"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
	"github.com/recheckgen/recheckgen/report"
)

// perPage is how many bugs a dashboard page lists: a site of 500 active
// bugs stays under 100 KB a page.
const perPage = 100

// dashRow is a bug's row on a dashboard.
type dashRow struct {
	report.Row
	Trend template.HTML
}

type dashboardView struct {
	page
	// View is the pipeline shown ("" for all); Views link the others.
	View  string
	Views []navItem
	Rows  []dashRow
	// FailedRows: queries that did not run (numbers unknown); Quiet:
	// bugs with no match in the view, listed apart and greyed (last page).
	FailedRows []dashRow
	Quiet      []dashRow
	// Pages link the pages of a long list; Offset is the first row's rank.
	Pages         []navItem
	Offset        int
	Uncategorized recheckgen.Uncategorized
	// Totals are the window's builds run, failed and explained.
	Totals recheckgen.Totals
	// QuietSections: runbook sections whose bugs have been silent for
	// QuietDays (the first page of all pipelines' dashboard).
	QuietSections []recheckgen.QuietSection
	QuietDays     int
}

// dashboards writes the dashboard of every pipeline and of all of them:
// index.html, gate.html, check.html, then index-2.html and so on for long
// lists. Only the table's sparklines are drawn: no bug's chart.
func (s *site) dashboards() error {
	r := s.in.Report
	views := append([]string{""}, r.Pipelines...)
	file := func(view string, n int) string {
		name := view
		if name == "" {
			name = "index"
		}
		if n > 1 {
			return fmt.Sprintf("%s-%d.html", name, n)
		}
		return name + ".html"
	}
	for _, view := range views {
		d := report.MakeDashboard(r, view)
		rows := s.dashRows(d.Active)
		pages := max(1, (len(rows)+perPage-1)/perPage)
		for n := 1; n <= pages; n++ {
			rel := file(view, n)
			title := "Known bugs"
			if view != "" {
				title = "Known bugs in " + view
			}
			if n > 1 {
				title += fmt.Sprintf(" (page %d)", n)
			}
			v := dashboardView{page: s.page(title, rel), View: view, Offset: (n - 1) * perPage, Uncategorized: r.Uncategorized,
				Totals: r.Totals}
			for _, x := range views {
				label := "All pipelines"
				if x != "" {
					label = x
				}
				v.Views = append(v.Views, navItem{Label: label, Path: file(x, 1), Current: x == view})
			}
			if pages > 1 {
				for k := 1; k <= pages; k++ {
					v.Pages = append(v.Pages, navItem{Label: fmt.Sprint(k), Path: file(view, k), Current: k == n})
				}
			}
			v.Rows = rows[(n-1)*perPage : min(n*perPage, len(rows))]
			if n == 1 {
				v.FailedRows = s.dashRows(d.Failed)
				if view == "" {
					v.QuietSections, v.QuietDays = r.QuietSections, r.QuietDays
				}
			}
			if n == pages {
				v.Quiet = s.dashRows(d.Quiet)
			}
			if err := s.write(rel, "index.html", v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *site) dashRows(rows []report.Row) []dashRow {
	out := make([]dashRow, len(rows))
	for i, r := range rows {
		out[i] = dashRow{Row: r}
		if !r.Unknown && !r.SuppressGraph && len(r.Trend) > 0 {
			out[i].Trend = chart.Sparkline(r.Trend, "failed builds per day")
		}
	}
	return out
}
