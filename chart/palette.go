// Package chart draws the site's charts: stacked bar charts of builds per
// day or hour by build status, as inline SVG on the server (accessible, no
// script needed) and as the ECharts options that enhance them where
// ECharts is installed. Both come from one Bars value, so they show the
// same numbers in the same fixed colours, in light and dark themes alike.
package chart

import (
	"sort"

	"github.com/recheckgen/recheckgen"
)

// Status colours: one per build result, fixed on every page, in both
// renderings and both themes. Each has at least 3:1 contrast (WCAG's
// minimum for graphics) against the light and the dark page background;
// TestPaletteContrast checks it.
var statusColors = map[string]string{
	"FAILURE":      "#d1242f", // red
	"POST_FAILURE": "#ec6547", // lighter red
	"RETRY_LIMIT":  "#bf3989", // crimson
	"TIMED_OUT":    "#d4760b", // orange
	"NODE_FAILURE": "#8250df", // purple
	"SUCCESS":      "#2da44e", // green
}

const (
	otherFailure = "#9a6700" // every other failing result (ERROR, MERGER_FAILURE, ...): amber
	otherResult  = "#8c959f" // SKIPPED, no result: grey
)

// Colours of series that are not build results.
const (
	Explained   = "#2f81f7" // failed builds a known bug explains: blue
	Unexplained = "#d1242f" // failed builds none explains: the failure red
)

// statusOrder is the stacking order, bottom first.
var statusOrder = []string{"FAILURE", "POST_FAILURE", "RETRY_LIMIT", "TIMED_OUT", "NODE_FAILURE"}

// Backgrounds are the page backgrounds of the built-in theme's light and
// dark modes (theme/assets/style.css), which the palette is checked
// against.
var Backgrounds = []string{"#ffffff", "#0f1419"}

// StatusColor is a build result's colour.
func StatusColor(status string) string {
	if c, ok := statusColors[status]; ok {
		return c
	}
	if (recheckgen.Build{Result: status}).Failed() {
		return otherFailure
	}
	return otherResult
}

// StatusKey is the name of a result's colour class: the result itself for
// those with a colour of their own, else "other-failure" or "other".
// Results come from build records: a class name never holds one verbatim
// unless it is known.
func StatusKey(status string) string {
	if _, ok := statusColors[status]; ok {
		return status
	}
	if (recheckgen.Build{Result: status}).Failed() {
		return "other-failure"
	}
	return "other"
}

// StatusCSS is the stylesheet of the status colours: a swatch class per
// key, .sw-FAILURE { background: ... }.
func StatusCSS() []byte {
	keys := append([]string(nil), statusOrder...)
	keys = append(keys, "SUCCESS")
	var b []byte
	b = append(b, "/* Build status colours (package chart): the same in charts, legends and lists. */\n"...)
	for _, k := range keys {
		b = append(b, ".sw-"+k+" { background: "+statusColors[k]+"; }\n"...)
	}
	b = append(b, ".sw-other-failure { background: "+otherFailure+"; }\n.sw-other { background: "+otherResult+"; }\n"...)
	return b
}

// SortStatuses puts results in stacking order: the failure colours first,
// then other failures and other results by name, success last.
func SortStatuses(statuses []string) {
	rank := func(s string) int {
		for i, x := range statusOrder {
			if s == x {
				return i
			}
		}
		switch {
		case s == "SUCCESS":
			return 100
		case (recheckgen.Build{Result: s}).Failed():
			return 50
		}
		return 60
	}
	sort.Slice(statuses, func(i, j int) bool {
		a, b := rank(statuses[i]), rank(statuses[j])
		if a != b {
			return a < b
		}
		return statuses[i] < statuses[j]
	})
}
