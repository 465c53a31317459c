package chart

import (
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

func days() []string {
	var out []string
	for d := 10; d <= 20; d++ {
		out = append(out, fmt.Sprintf("11-%02d", d))
	}
	return out
}

// TestGolden: a ten-day chart by status, an hourly one, an empty one and
// one of hostile names, as SVG and as ECharts options.
func TestGolden(t *testing.T) {
	hours := make([]string, 48)
	hourly := map[string][]int{"FAILURE": make([]int, 48), "TIMED_OUT": make([]int, 48)}
	for i := range hours {
		hours[i] = fmt.Sprintf("11-%02d %02d:00", 19+i/24, i%24)
	}
	hourly["FAILURE"][3], hourly["FAILURE"][30], hourly["TIMED_OUT"][30] = 2, 1, 1
	cases := map[string]Bars{
		"daily": StatusBars("daily-1", "Matching builds per day", "Distinct builds per day by status, 2026-11-10 to 2026-11-20",
			days(), map[string][]int{"SUCCESS": {0, 1}, "FAILURE": {1, 0, 2, 0, 0, 3, 1, 0, 0, 4, 1}, "TIMED_OUT": {0, 0, 1}, "NODE_FAILURE": {0, 0, 0, 1}, "POST_FAILURE": {0, 0, 0, 0, 0, 0, 0, 0, 1}}),
		"hourly": func() Bars {
			b := StatusBars("hourly-1", "Matching builds per hour", "Distinct builds per hour by status", hours, hourly)
			b.Ticks, b.Zoom = 24, true
			return b
		}(),
		"empty":   StatusBars("empty-1", "Nothing", "No matching build", days(), map[string][]int{}),
		"hostile": StatusBars(`x"><script>`, `</title><script>alert(1)</script>`, `<b>&`, []string{`<img src=x onerror=alert(2)>`}, map[string][]int{`</text><script>`: {1}}),
	}
	for name, b := range cases {
		svg := string(b.SVG())
		// Well-formed XML: a browser draws what the golden file shows.
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Errorf("%s: not well-formed: %v", name, err)
		}
		golden(t, name+".svg", svg+"\n")
		o, err := b.Options()
		if err != nil {
			t.Fatal(err)
		}
		var pretty map[string]any
		if err := json.Unmarshal([]byte(o), &pretty); err != nil {
			t.Fatal(err)
		}
		indented, _ := json.MarshalIndent(pretty, "", " ")
		golden(t, name+".json", string(indented)+"\n")
	}
	if s := string(cases["hostile"].SVG()); strings.Contains(s, "<script") || strings.Contains(s, "<img") {
		t.Errorf("hostile names reached the SVG as markup: %s", s)
	}
	if o, _ := cases["hostile"].Options(); strings.ContainsAny(o, "<>") {
		t.Errorf("hostile names reached the options unescaped: %s", o)
	}
}

// TestSameNumbers: the SVG's bars, its table rows and the ECharts series
// carry the same counts.
func TestSameNumbers(t *testing.T) {
	b := StatusBars("n", "t", "d", days(), map[string][]int{"FAILURE": {1, 0, 2}, "SUCCESS": {0, 5}})
	svg := string(b.SVG())
	for _, want := range []string{"<title>11-10 FAILURE: 1</title>", "<title>11-12 FAILURE: 2</title>", "<title>11-11 SUCCESS: 5</title>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if got := fmt.Sprint(b.Rows()); got != "[{11-10 [1 0]} {11-11 [0 5]} {11-12 [2 0]}]" {
		t.Errorf("rows %s", got)
	}
	o, _ := b.Options()
	if !strings.Contains(o, `"data":[1,0,2,0,0,0,0,0,0,0,0]`) || !strings.Contains(o, `"data":[0,5,0,0,0,0,0,0,0,0,0]`) {
		t.Errorf("options' series: %s", o)
	}
}

// TestWheelScrollsThePage: no chart takes the mouse wheel (ECharts'
// "inside" zoom does, and the page would not scroll over a chart).
func TestWheelScrollsThePage(t *testing.T) {
	b := StatusBars("z", "t", "d", days(), map[string][]int{"FAILURE": {1}})
	b.Zoom = true
	o, _ := b.Options()
	var parsed struct {
		DataZoom []struct{ Type string } `json:"dataZoom"`
	}
	json.Unmarshal([]byte(o), &parsed)
	if len(parsed.DataZoom) != 1 || parsed.DataZoom[0].Type != "slider" {
		t.Errorf("zoom: %+v (want one slider, no inside zoom)", parsed.DataZoom)
	}
}

// TestFixedColours: each status has its colour in both renderings, and
// the statuses stack in a fixed order whatever the input's.
func TestFixedColours(t *testing.T) {
	b := StatusBars("c", "t", "d", days(), map[string][]int{"SUCCESS": {1}, "MERGER_FAILURE": {1}, "TIMED_OUT": {1}, "FAILURE": {1}, "SKIPPED": {1}})
	var got []string
	for _, s := range b.Series {
		got = append(got, s.Name+"="+s.Color)
	}
	if want := "FAILURE=#d1242f TIMED_OUT=#d4760b MERGER_FAILURE=#9a6700 SKIPPED=#8c959f SUCCESS=#2da44e"; strings.Join(got, " ") != want {
		t.Errorf("series %s, want %s", strings.Join(got, " "), want)
	}
	o, _ := b.Options()
	for _, s := range b.Series {
		if !strings.Contains(o, `"itemStyle":{"color":"`+s.Color+`"}`) {
			t.Errorf("options lack %s's colour %s", s.Name, s.Color)
		}
	}
	for _, k := range []string{"FAILURE", "POST_FAILURE", "RETRY_LIMIT", "TIMED_OUT", "NODE_FAILURE", "SUCCESS", "other-failure", "other"} {
		if !strings.Contains(string(StatusCSS()), ".sw-"+k+" ") {
			t.Errorf("status CSS lacks %s", k)
		}
	}
	if StatusKey(`x" onmouseover="`) != "other-failure" || StatusKey("SKIPPED") != "other" || StatusKey("TIMED_OUT") != "TIMED_OUT" {
		t.Error("status keys")
	}
}

// TestPaletteContrast: every status colour has 3:1 contrast against both
// theme backgrounds (WCAG 1.4.11, graphical objects).
func TestPaletteContrast(t *testing.T) {
	colors := []string{otherFailure, otherResult, Explained, Unexplained}
	for _, c := range statusColors {
		colors = append(colors, c)
	}
	for _, c := range colors {
		for _, bg := range Backgrounds {
			if r := Contrast(c, bg); r < 3 {
				t.Errorf("%s on %s: %.2f:1", c, bg, r)
			}
		}
	}
	if r := Contrast("#ffffff", "#000000"); r < 20.9 || r > 21.1 {
		t.Errorf("white on black %.2f", r)
	}
}

func TestNiceScale(t *testing.T) {
	for top, want := range map[int]string{0: "1 1", 1: "1 1", 5: "1 5", 6: "2 6", 11: "5 15", 23: "5 25", 26: "10 30", 240: "50 250"} {
		s, m := niceScale(top)
		if got := strconv.Itoa(s) + " " + strconv.Itoa(m); got != want {
			t.Errorf("niceScale(%d) = %s, want %s", top, got, want)
		}
	}
}

func TestSparkline(t *testing.T) {
	got := string(Sparkline([]int{0, 2, 1}, `failed "builds"`))
	want := `<svg class="spark" viewBox="0 0 100 24" width="100" height="24" role="img" aria-label="failed &#34;builds&#34;: 0, 2, 1"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="1.0,22.0 50.0,2.0 99.0,12.0"/></svg>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
