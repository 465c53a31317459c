package site

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/recheckgen/recheckgen/chart"
)

// chartView is a chart as a page shows it: the SVG, its legend, its
// numbers as a table, and the ECharts options that enhance it when the
// site serves ECharts.
type chartView struct {
	ID       string
	SVG      template.HTML
	Options  string
	Legend   []chart.Series
	RowLabel string
	Rows     []chart.Row
}

// chart draws b for a page; nil when there is nothing to draw.
func (s *site) chart(b chart.Bars, rowLabel string) *chartView {
	if b.Empty() {
		return nil
	}
	s.chartsBuilt.Add(1)
	v := &chartView{ID: b.ID, SVG: b.SVG(), Legend: b.Series, RowLabel: rowLabel, Rows: b.Rows()}
	if s.in.EChartsJS != nil || s.in.EChartsURL != "" {
		if o, err := b.Options(); err == nil {
			v.Options = o
		}
	}
	return v
}

// dayLabels are the axis labels ("11-20") and full names of the report's
// days.
func (s *site) dayLabels() (short, long []string) {
	for _, d := range s.in.Report.Days {
		short = append(short, strings.TrimPrefix(d[min(len(d), 5):], "-"))
		long = append(long, d)
	}
	return short, long
}

// daysSpan says which days a daily chart covers, for its description.
func (s *site) daysSpan() string {
	d := s.in.Report.Days
	if len(d) == 0 {
		return ""
	}
	return fmt.Sprintf("%s to %s (UTC)", d[0], d[len(d)-1])
}
