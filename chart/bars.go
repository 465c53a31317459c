package chart

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Series is one stacked layer: a build status and its count per bar.
type Series struct {
	Name   string
	Color  string
	Values []int
}

// Bars is a stacked bar chart over categories (days or hours).
type Bars struct {
	// ID names the chart: its element ids derive from it. It must be a
	// valid HTML id of letters, digits, '-' and '_'.
	ID string
	// Title is the chart's accessible name; Desc says what it shows.
	Title, Desc string
	// Labels name the categories, one per bar; Ticks is how many
	// categories lie between two labels on the axis (0: all labelled).
	Labels []string
	Ticks  int
	// Long names the categories in full, for tooltips and the table
	// ("2026-11-20" where the axis says "11-20"); Labels when nil.
	Long   []string
	Series []Series // bottom first
	// YName is the unit counted ("builds").
	YName string
	// Zoom adds ECharts' zoom slider (long series, such as hours).
	Zoom bool
}

// StatusBars is a chart of per-status counts, in stacking order and the
// status colours.
func StatusBars(id, title, desc string, labels []string, counts map[string][]int) Bars {
	b := Bars{ID: id, Title: title, Desc: desc, Labels: labels, YName: "builds"}
	var statuses []string
	for s := range counts {
		statuses = append(statuses, s)
	}
	SortStatuses(statuses)
	for _, s := range statuses {
		vals := make([]int, len(labels))
		copy(vals, counts[s])
		b.Series = append(b.Series, Series{Name: s, Color: StatusColor(s), Values: vals})
	}
	return b
}

// Row is one category's numbers, for the table under a chart.
type Row struct {
	Label  string
	Values []int
}

// Rows are the categories with at least one count, in order, with their
// value per series: the chart's numbers as a table.
func (b Bars) Rows() []Row {
	var out []Row
	for i := range b.Labels {
		r := Row{Label: b.long(i)}
		any := false
		for _, s := range b.Series {
			v := value(s, i)
			r.Values = append(r.Values, v)
			any = any || v > 0
		}
		if any {
			out = append(out, r)
		}
	}
	return out
}

// long is category i's full name.
func (b Bars) long(i int) string {
	if i < len(b.Long) {
		return b.Long[i]
	}
	return b.Labels[i]
}

func value(s Series, i int) int {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return 0
}

// Empty says the chart has nothing to draw.
func (b Bars) Empty() bool { return len(b.Rows()) == 0 }

// Geometry of the SVG, in its own units: the picture scales to its box.
const (
	width, height      = 640, 220
	left, right        = 40, 8
	top, bottom        = 24, 36
	fontSize           = 13
	plotW, plotH       = width - left - right, height - top - bottom
	gridColorAttribute = `stroke="currentColor" stroke-opacity="0.18"`
)

// SVG draws the chart: axes, grid lines, one rect per non-zero count
// (with a tooltip title), an accessible name and description. Text and
// lines take the page's colour (currentColor); bars the status colours.
func (b Bars) SVG() template.HTML {
	n := len(b.Labels)
	totals := make([]int, n)
	for _, s := range b.Series {
		for i := 0; i < n; i++ {
			totals[i] += value(s, i)
		}
	}
	top0 := 0
	for _, t := range totals {
		top0 = max(top0, t)
	}
	step, ymax := niceScale(top0)
	var w strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&w, `<svg class="chart-svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" font-size="%d">`, width, height, e(b.ID), e(b.ID), fontSize)
	fmt.Fprintf(&w, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, e(b.ID), e(b.Title), e(b.ID), e(b.Desc))
	y := func(v int) float64 { return top + float64(plotH) - float64(v)*float64(plotH)/float64(ymax) }
	// Horizontal grid lines and the y axis' labels.
	for v := 0; v <= ymax; v += step {
		fmt.Fprintf(&w, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" %s/>`, left, width-right, y(v), y(v), gridColorAttribute)
		fmt.Fprintf(&w, `<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle" fill="currentColor">%d</text>`, left-6, y(v), v)
	}
	if b.YName != "" {
		fmt.Fprintf(&w, `<text x="4" y="%d" fill="currentColor" font-size="11">%s</text>`, top-10, e(b.YName))
	}
	slot := float64(plotW) / float64(max(n, 1))
	barW := math.Max(slot*0.8, 1)
	for i := 0; i < n; i++ {
		x := left + float64(i)*slot + (slot-barW)/2
		base := 0
		for _, s := range b.Series {
			v := value(s, i)
			if v <= 0 {
				continue
			}
			fmt.Fprintf(&w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d</title></rect>`,
				x, y(base+v), barW, y(base)-y(base+v), e(s.Color), e(b.long(i)), e(s.Name), v)
			base += v
		}
	}
	// The x axis and its labels.
	fmt.Fprintf(&w, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="currentColor" stroke-opacity="0.5"/>`, left, width-right, top+plotH, top+plotH)
	every := b.Ticks
	if every <= 0 {
		every = 1
	}
	for i := 0; i < n; i += every {
		x := left + float64(i)*slot
		anchor := "start"
		if every == 1 {
			x += slot / 2
			anchor = "middle"
		}
		fmt.Fprintf(&w, `<text x="%.1f" y="%d" text-anchor="%s" fill="currentColor">%s</text>`, x, height-bottom+18, anchor, e(b.Labels[i]))
	}
	w.WriteString(`</svg>`)
	return template.HTML(w.String())
}

// niceScale picks a grid step of 1, 2 or 5 times a power of ten giving at
// most five lines, and the axis' top.
func niceScale(top int) (step, ymax int) {
	if top <= 0 {
		return 1, 1
	}
	for mag := 1; ; mag *= 10 {
		for _, m := range []int{1, 2, 5} {
			step = m * mag
			if (top+step-1)/step <= 5 {
				return step, (top + step - 1) / step * step
			}
		}
	}
}

// Options are the chart's ECharts options, built with go-echarts and
// serialised as JSON (encoding/json escapes <, > and &), for charts.js to
// draw. go-echarts' own page renderer is never used: it writes options
// into an inline script without escaping them. The mouse wheel is left to
// the page (no "inside" zoom, which takes the wheel); Zoom adds a slider.
func (b Bars) Options() (string, error) {
	bar := charts.NewBar()
	global := []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: b.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0"}),
		charts.WithYAxisOpts(opts.YAxis{Name: b.YName, MinInterval: 1}),
		charts.WithGridOpts(opts.Grid{Left: "48", Right: "16", Top: "28", Bottom: "72"}),
		charts.WithAnimation(false),
	}
	if b.Zoom {
		global = append(global, charts.WithDataZoomOpts(opts.DataZoom{Type: "slider"}))
	}
	bar.SetGlobalOptions(global...)
	bar.SetXAxis(b.Labels)
	for _, s := range b.Series {
		data := make([]opts.BarData, len(b.Labels))
		for i := range data {
			data[i] = opts.BarData{Value: value(s, i)}
		}
		bar.AddSeries(s.Name, data, charts.WithBarChartOpts(opts.BarChart{Stack: "builds"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}))
	}
	var colors []string
	for _, s := range b.Series {
		colors = append(colors, s.Color)
	}
	if len(colors) > 0 {
		bar.SetGlobalOptions(charts.WithColorsOpts(opts.Colors(colors)))
	}
	bar.Validate()
	// go-echarts writes each value as {"value": n}; ECharts reads plain
	// numbers too, at a third of the size.
	raw, err := json.Marshal(bar.JSON())
	if err != nil {
		return "", fmt.Errorf("chart %s: %w", b.ID, err)
	}
	var o map[string]any
	if err := json.Unmarshal(raw, &o); err != nil {
		return "", fmt.Errorf("chart %s: %w", b.ID, err)
	}
	if series, ok := o["series"].([]any); ok && len(series) == len(b.Series) {
		for i, x := range series {
			if m, ok := x.(map[string]any); ok {
				m["data"] = b.Series[i].Values
			}
		}
	}
	js, err := json.Marshal(o)
	if err != nil {
		return "", fmt.Errorf("chart %s: %w", b.ID, err)
	}
	return string(js), nil
}
