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

// sparkline is a small server-drawn SVG of failed builds per day: the
// dashboard shows a trend for every bug without JavaScript.
type sparkline struct {
	W, H   int
	Points string
	Label  string
}

func newSparkline(b recheckgen.BugReport, win recheckgen.Window) sparkline {
	per := max(1, int(24*60*60*1e9/win.Bucket.Nanoseconds()))
	days := (win.Buckets() + per - 1) / per
	counts := make([]int, days)
	top := 1
	for s, buckets := range b.Buckets {
		if s == "SUCCESS" || s == "SKIPPED" {
			continue
		}
		for i, c := range buckets {
			counts[i/per] += c
		}
	}
	for _, c := range counts {
		top = max(top, c)
	}
	sp := sparkline{W: 100, H: 24}
	var pts []string
	for i, c := range counts {
		x := float64(i) * float64(sp.W-2) / float64(max(days-1, 1))
		y := float64(sp.H-2) - float64(c)*float64(sp.H-4)/float64(top)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x+1, y))
	}
	sp.Points = strings.Join(pts, " ")
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprint(c)
	}
	sp.Label = "failed builds per day: " + strings.Join(parts, ", ")
	return sp
}
