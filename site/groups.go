package site

import (
	"html/template"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
)

// groupRow is a job or project in a list of them.
type groupRow struct {
	recheckgen.Group
	URL   string
	Trend template.HTML
}

type groupsView struct {
	page
	Kind, Noun string // "jobs", "job"
	Rows       []groupRow
	RunsKnown  bool
}

type groupView struct {
	page
	Kind, Noun string
	Group      recheckgen.Group
	Trend      *chartView
	Bugs       []bugLink
}

// bugLink is a known bug with its page.
type bugLink struct {
	recheckgen.GroupBug
	URL string
}

// groups writes a page per job and per project, and a list of each.
func (s *site) groups() error {
	for _, k := range []struct {
		kind, noun string
		list       []recheckgen.Group
	}{{"jobs", "job", s.in.Report.Jobs}, {"projects", "project", s.in.Report.Projects}} {
		index := k.kind + "/index.html"
		lv := groupsView{page: s.page(title(k.kind), index), Kind: k.kind, Noun: k.noun}
		lv.Sortable = true
		for _, g := range k.list {
			rel := k.kind + "/" + s.slugs[k.kind].add(g.Name) + ".html"
			lv.Rows = append(lv.Rows, groupRow{Group: g, URL: s.slugs[k.kind].of(g.Name) + ".html",
				Trend: chart.Sparkline(g.Daily, "failed builds per day")})
			lv.RunsKnown = lv.RunsKnown || g.Runs != nil
			v := groupView{page: s.page(k.noun+" "+g.Name, rel), Kind: k.kind, Noun: k.noun, Group: g}
			for _, b := range g.Bugs {
				v.Bugs = append(v.Bugs, bugLink{b, v.Root + "bugs/" + b.ID + ".html"})
			}
			short, long := s.dayLabels()
			unexplained := make([]int, len(g.Daily))
			for i := range g.Daily {
				unexplained[i] = g.Daily[i] - g.DailyExplained[i]
			}
			c := chart.Bars{ID: "trend", Title: "Failed builds per day of " + g.Name,
				Desc: "Failed builds per day, explained by a known bug or not, " + s.daysSpan(), Labels: short, Long: long, YName: "builds",
				Series: []chart.Series{{Name: "explained", Color: chart.Explained, Values: g.DailyExplained},
					{Name: "unexplained", Color: chart.Unexplained, Values: unexplained}}}
			v.Trend = s.chart(c, "Day (UTC)")
			v.Charts = v.Trend != nil
			if err := s.write(rel, "group.html", v); err != nil {
				return err
			}
		}
		if err := s.write(index, "groups.html", lv); err != nil {
			return err
		}
	}
	return nil
}

func title(kind string) string {
	if kind == "jobs" {
		return "Jobs"
	}
	return "Projects"
}
