package site

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/recheckgen/recheckgen"
)

// chartRow is one bucket with a match, for the table under a chart.
type chartRow struct {
	Time   string
	Counts []int
}

// chart builds a bug's stacked bar chart of distinct builds per bucket and
// status with go-echarts, and returns its options as JSON for charts.js:
// only the options travel, never go-echarts' page renderer, whose inline
// script does not escape our data. encoding/json escapes <, > and &.
func chart(b recheckgen.BugReport, win recheckgen.Window) (string, []string, []chartRow) {
	statuses := make([]string, 0, len(b.Buckets))
	for s := range b.Buckets {
		statuses = append(statuses, s)
	}
	sort.Strings(statuses)
	n := win.Buckets()
	labels := make([]string, n)
	for i := range labels {
		labels[i] = win.BucketStart(i).Format("01-02 15:04")
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: "chart_" + anchor(b.ID)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true)}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "builds", MinInterval: 1}),
		charts.WithAnimation(false),
	)
	bar.SetXAxis(labels)
	for _, s := range statuses {
		data := make([]opts.BarData, n)
		for i, c := range b.Buckets[s] {
			data[i] = opts.BarData{Value: c}
		}
		bar.AddSeries(s, data, charts.WithBarChartOpts(opts.BarChart{Stack: "builds"}))
	}
	bar.Validate()
	js, err := json.Marshal(bar.JSON())
	if err != nil {
		return "", nil, nil
	}
	var rows []chartRow
	for i := 0; i < n; i++ {
		row := chartRow{Time: win.BucketStart(i).Format("2006-01-02 15:04")}
		any := false
		for _, s := range statuses {
			c := b.Buckets[s][i]
			row.Counts = append(row.Counts, c)
			any = any || c > 0
		}
		if any {
			rows = append(rows, row)
		}
	}
	return string(js), statuses, rows
}

// historyChart is a bar chart of failed builds per day over the bug's
// whole history, carried forward between runs.
func historyChart(b recheckgen.BugReport) string {
	if len(b.History) == 0 {
		return ""
	}
	days := make([]string, len(b.History))
	data := make([]opts.BarData, len(b.History))
	for i, d := range b.History {
		days[i], data[i] = d.Day, opts.BarData{Value: d.Fails}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: "history_" + anchor(b.ID)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "failed builds", MinInterval: 1}),
		charts.WithAnimation(false),
	)
	bar.SetXAxis(days).AddSeries("failed builds", data)
	bar.Validate()
	js, err := json.Marshal(bar.JSON())
	if err != nil {
		return ""
	}
	return string(js)
}

// sparkline is a small server-drawn SVG of failed builds per day: the
// dashboard shows a trend for every bug without JavaScript.
type sparkline struct {
	W, H   int
	Points string
	Label  string
}

func newSparkline(b recheckgen.BugReport) sparkline {
	sp := sparkline{W: 100, H: 24}
	top := 1
	for _, d := range b.History {
		top = max(top, d.Fails)
	}
	var pts, parts []string
	for i, d := range b.History {
		x := float64(i) * float64(sp.W-2) / float64(max(len(b.History)-1, 1))
		y := float64(sp.H-2) - float64(d.Fails)*float64(sp.H-4)/float64(top)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x+1, y))
		parts = append(parts, fmt.Sprint(d.Fails))
	}
	sp.Points = strings.Join(pts, " ")
	sp.Label = "failed builds per day: " + strings.Join(parts, ", ")
	return sp
}
