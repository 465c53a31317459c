package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Sparkline is a small line of counts per day, oldest first, for tables:
// drawn in the text colour, named by its numbers.
func Sparkline(values []int, what string) template.HTML {
	const w, h = 100, 24
	top := 1
	for _, v := range values {
		top = max(top, v)
	}
	var pts, parts []string
	for i, v := range values {
		x := float64(i)*float64(w-2)/float64(max(len(values)-1, 1)) + 1
		y := float64(h-2) - float64(v)*float64(h-4)/float64(top)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		parts = append(parts, fmt.Sprint(v))
	}
	label := what + ": " + strings.Join(parts, ", ")
	return template.HTML(fmt.Sprintf(`<svg class="spark" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="%s"/></svg>`,
		w, h, w, h, html.EscapeString(label), strings.Join(pts, " ")))
}
