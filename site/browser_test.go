package site

import (
	"context"
	"fmt"
	"github.com/recheckgen/recheckgen/report"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
	"github.com/recheckgen/recheckgen/internal/browser"
	"github.com/recheckgen/recheckgen/internal/crawl"
)

// The browser tests serve the site under a project path, as GitHub Pages
// serves a project site, with its 404 page for anything missing.
const prefix = "/PROJECT/"

func serve(t *testing.T, dir string) string {
	srv := httptest.NewServer(crawl.PagesHandler(dir, prefix))
	t.Cleanup(srv.Close)
	return srv.URL + prefix
}

func open(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := browser.Eval[T](ctx, js)
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor waits up to 10 seconds for an element.
func waitFor(ctx context.Context, css string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(css)))
}

// checkLog fails the test on any dialog or console error, but for the
// 404s of the missing pages it asked for on purpose.
func checkLog(t *testing.T, log *browser.Log, missing ...string) {
	t.Helper()
	errs, dialogs := log.Snapshot()
	if len(dialogs) > 0 {
		t.Errorf("dialogs opened: %v", dialogs)
	}
	var left []string
next:
	for _, e := range errs {
		for _, m := range missing {
			if strings.Contains(e, m) && (strings.Contains(e, "404") || strings.Contains(e, "Failed to load resource")) {
				continue next
			}
		}
		left = append(left, e)
	}
	if len(left) > 0 {
		t.Errorf("console errors: %v", left)
	}
}

// TestHostileDataInBrowser opens the pages of a site built from script
// payloads in Chromium at phone width: no dialog opens, no script error is
// thrown, and nothing overflows sideways.
func TestHostileDataInBrowser(t *testing.T) {
	ctx, log := browser.New(t)
	in := hostileInput(t)
	if js := echartsScript(t, false); js != nil {
		in.EChartsJS = js // a real chart renders the hostile series names
	}
	base := serve(t, render(t, in))
	// At phone width: hostile values (a build result of 60 characters) must
	// not push a page sideways either.
	if err := browser.Viewport(ctx, 390, 900, false); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"index.html", "gate.html", "bugs/1234567.html", "uncategorized.html", "runbooks/gate.html", "tags/devstack.html",
		"jobs/index.html", "projects/index.html", "tests/index.html", "search.html?q=%3Cscript%3E",
		report.BuildPage("u1" + xss), "builds/u3.html"} {
		open(t, ctx, base+p)
		if title, _ := chromedp.Run(ctx, chromedp.Title()); title == "" {
			t.Errorf("%s: no title", p)
		}
		checkFits(t, ctx, p+" at 390 px")
	}
	// Typing into search lists matches as text, not markup.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"index.html"), chromedp.SendKeys(chromedp.CSS("#q"), "Title"),
		chromedp.WaitVisible(chromedp.CSS("#search-results li a"))); err != nil {
		t.Fatal(err)
	}
	checkLog(t, log)
}

// pageKinds are one page of each kind of the rich site.
var pageKinds = []string{"index.html", "gate.html", "check.html", "bugs/1796151.html", "bugs/broken-query.html", "jobs/index.html",
	"jobs/tempest-full-py3.html", "projects/index.html", "projects/openstack--nova.html", "tests/index.html",
	"tests/tempest.api.compute.servers.test_servers.ServersTest.test_create_server.html", "uncategorized.html",
	"runbooks/index.html", "runbooks/gate.html", "health.html", "tags/index.html", "tags/memory.html", "search.html?q=nova", "a/b/missing.html",
	"builds/b001.html", "builds/b008.html"}

// TestPagesInBrowser opens every kind of page at phone and desktop
// widths, light and dark: nothing overflows sideways at 390 px, every
// scrollable box takes keyboard focus, the status colours stay the same,
// code stays readable, and nothing goes to the console.
func TestPagesInBrowser(t *testing.T) {
	ctx, log := browser.New(t)
	in := richInput(t)
	in.Config.Site.BaseURL = "https://o.github.io" + prefix // GitHub Pages' address: 404.html's base
	base := serve(t, render(t, in))
	failure := "rgb(209, 36, 47)" // chart.StatusColor("FAILURE")
	for _, vp := range []struct {
		width int64
		dark  bool
	}{{390, false}, {390, true}, {1280, false}, {1280, true}} {
		if err := browser.Viewport(ctx, vp.width, 900, vp.dark); err != nil {
			t.Fatal(err)
		}
		for _, p := range pageKinds {
			open(t, ctx, base+p)
			where := fmt.Sprintf("%s at %d px (dark %v)", p, vp.width, vp.dark)
			checkFits(t, ctx, where)
			if got := eval[string](t, ctx, `(() => { const s = document.createElement("span"); s.className = "swatch sw-FAILURE"; document.body.appendChild(s); const c = getComputedStyle(s).backgroundColor; s.remove(); return c })()`); got != failure {
				t.Errorf("%s: FAILURE swatch %s, want %s", where, got, failure)
			}
			if strings.HasPrefix(p, "bugs/1796151") {
				fills := eval[string](t, ctx, `Array.from(new Set(Array.from(document.querySelectorAll(".pipeline-all svg rect")).map(r => r.getAttribute("fill")))).sort().join(" ")`)
				if want := strings.Join([]string{chart.StatusColor("NODE_FAILURE"), chart.StatusColor("FAILURE"), chart.StatusColor("TIMED_OUT"), chart.StatusColor("POST_FAILURE")}, " "); !sameSet(fills, want) {
					t.Errorf("%s: bar colours %q, want %q", where, fills, want)
				}
			}
			if p == "runbooks/gate.html" {
				if low := eval[string](t, ctx, codeContrast); low != "" {
					t.Errorf("%s: code below 4.5:1: %s", where, low)
				}
			}
		}
	}
	checkLog(t, log, "a/b/missing.html")
}

// checkFits fails the test where the open page overflows sideways or
// holds a scrollable box the keyboard cannot reach.
func checkFits(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	// clientWidth, not innerWidth: a phone's browser widens its layout
	// viewport to fit a page that overflows.
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
		wide := eval[string](t, ctx, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".scroll, pre, .visually-hidden")).slice(0, 3).map(e => e.tagName + "." + e.className).join(" ")`)
		t.Errorf("%s overflows by %d px: %s", where, w, wide)
	}
	if bad := eval[string](t, ctx, `Array.from(document.querySelectorAll("*")).filter(e => { const s = getComputedStyle(e); return /auto|scroll/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1 && e.tabIndex < 0 && e !== document.documentElement && e !== document.body }).map(e => e.tagName + "." + e.className).join(" ")`); bad != "" {
		t.Errorf("%s: scrollable but not focusable: %s", where, bad)
	}
}

// TestHealthOnPhone: the query health page, whose tables hold two query
// ids side by side (real ids run to 40 characters), fits a 390 px screen
// in both themes; each table scrolls in a box the keyboard reaches.
func TestHealthOnPhone(t *testing.T) {
	ctx, log := browser.New(t)
	in := richInput(t)
	long := []string{"tripleo-error-during-previous-command", "mistral-executor-action-error", "nova-compute-rpc-messaging-timeout", "tripleo-rpm-missing-build-dependency"}
	in.Report.TooBroad = []recheckgen.BroadQuery{{ID: long[0], Builds: 34, Passing: 5, Share: 0.15, Since: testEnd.Add(-48 * time.Hour)}}
	in.Report.StaleQueries = []recheckgen.StaleQuery{{ID: long[3], LastHit: testEnd.Add(-60 * 24 * time.Hour), Days: 60}}
	in.Report.Overlap = recheckgen.Overlap{Share: 0.5, CoFailures: 3,
		Pairs:       []recheckgen.OverlapPair{{A: long[1], B: long[0], ABuilds: 24, BBuilds: 34, Both: 22, AShare: 0.92, BShare: 0.65}},
		Subsets:     []recheckgen.OverlapPair{{A: long[2], B: long[3], ABuilds: 11, BBuilds: 12, Both: 11, AShare: 1, BShare: 0.92}},
		CoOccurring: []recheckgen.OverlapPair{{A: long[2], B: long[0], BothFailed: 4}}}
	base := serve(t, render(t, in))
	for _, dark := range []bool{false, true} {
		if err := browser.Viewport(ctx, 390, 900, dark); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, base+"health.html")
		if n := eval[int](t, ctx, `document.querySelectorAll("main table").length`); n != 5 {
			t.Fatalf("health.html shows %d tables, want 5", n)
		}
		checkFits(t, ctx, fmt.Sprintf("health.html at 390 px (dark %v)", dark))
	}
	checkLog(t, log)
}

func sameSet(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	if len(x) != len(y) {
		return false
	}
	m := map[string]bool{}
	for _, s := range x {
		m[strings.ToLower(s)] = true
	}
	for _, s := range y {
		if !m[strings.ToLower(s)] {
			return false
		}
	}
	return true
}

// codeContrast lists each highlighted token of the page whose colour has
// less than 4.5:1 contrast on the background behind it, as axe computes it.
const codeContrast = `(() => {
  const rgb = s => s.match(/[\d.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4) }); return 0.2126 * r + 0.7152 * g + 0.0722 * b };
  const back = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c } return [255, 255, 255] };
  const bad = [];
  document.querySelectorAll("pre.chroma span").forEach(s => {
    if (!s.textContent.trim()) return;
    const f = lum(rgb(getComputedStyle(s).color)), b = lum(back(s));
    const r = (Math.max(f, b) + 0.05) / (Math.min(f, b) + 0.05);
    if (r < 4.5) bad.push(s.className + " " + getComputedStyle(s).color + " " + r.toFixed(2));
  });
  return bad.join("; ");
})()`

// TestChartsWithoutScript: with JavaScript off, and with ECharts missing,
// every chart is on the page as SVG with its numbers, and the pipeline
// picker still works (CSS only).
func TestChartsWithoutScript(t *testing.T) {
	ctx, log := browser.New(t)
	base := serve(t, render(t, richInput(t))) // no ECharts
	if err := browser.NoScript(ctx, true); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, base+"bugs/1796151.html")
	if n := eval[int](t, ctx, `document.querySelectorAll(".pipeline-all svg.chart-svg rect").length`); n < 4 {
		t.Errorf("JavaScript off: %d bars drawn", n)
	}
	if h := eval[float64](t, ctx, `document.querySelector(".pipeline-all svg.chart-svg").getBoundingClientRect().height`); h < 100 {
		t.Errorf("JavaScript off: the chart is %.0f px high", h)
	}
	if eval[bool](t, ctx, `getComputedStyle(document.querySelector(".pipeline-gate")).display !== "none"`) {
		t.Error("the gate view shows before it is picked")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label[for="pl-gate"]`))); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, ctx, `getComputedStyle(document.querySelector(".pipeline-gate")).display !== "none" && getComputedStyle(document.querySelector(".pipeline-all")).display === "none"`) {
		t.Error("picking gate (no script) does not show its numbers")
	}
	if err := browser.NoScript(ctx, false); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, base+"bugs/1796151.html")
	if n := eval[int](t, ctx, `document.querySelectorAll("canvas").length + document.querySelectorAll("script[src*=charts], script[src*=echarts]").length`); n != 0 {
		t.Errorf("without ECharts the page loads chart scripts or draws canvases: %d", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("svg.chart-svg").length`); n < 3 {
		t.Errorf("without ECharts: %d SVG charts", n)
	}
	checkLog(t, log)
}

// echartsScript reads ECharts from node_modules (npm ci): nil where it is
// not installed, unless required (CI sets RECHECKGEN_REQUIRE_ECHARTS=1
// after npm ci, so the enhanced path always runs there).
func echartsScript(t *testing.T, require bool) []byte {
	js, err := os.ReadFile(filepath.Join("..", "node_modules", "echarts", "dist", "echarts.min.js"))
	if err != nil {
		if require && os.Getenv("RECHECKGEN_REQUIRE_ECHARTS") == "1" {
			t.Fatalf("ECharts not installed (npm ci) and RECHECKGEN_REQUIRE_ECHARTS=1: %v", err)
		}
		return nil
	}
	return js
}

// TestEChartsInBrowser: where ECharts is installed it draws each chart in
// the status colours, the wheel over a chart scrolls the page, and the
// charts follow a switch of colour scheme.
func TestEChartsInBrowser(t *testing.T) {
	js := echartsScript(t, true)
	if js == nil {
		t.Skip("ECharts not installed (npm ci); the server-drawn charts are tested without it")
	}
	ctx, log := browser.New(t)
	in := richInput(t)
	in.EChartsJS = js
	base := serve(t, render(t, in))
	if err := browser.Viewport(ctx, 1280, 700, false); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, base+"bugs/1796151.html")
	if err := waitFor(ctx, `.pipeline-all figure.chart[data-drawn="true"] canvas`); err != nil {
		t.Fatalf("chart not drawn: %v", err)
	}
	colours := eval[string](t, ctx, `echarts.getInstanceByDom(document.querySelector(".pipeline-all .chart-canvas")).getOption().series.map(s => s.name + "=" + s.itemStyle.color).join(" ")`)
	for _, s := range []string{"FAILURE", "POST_FAILURE", "TIMED_OUT", "NODE_FAILURE"} {
		if !strings.Contains(colours, s+"="+chart.StatusColor(s)) {
			t.Errorf("ECharts series %s: want %s", colours, s+"="+chart.StatusColor(s))
		}
	}
	// The wheel over the chart scrolls the page.
	y := eval[float64](t, ctx, `(() => { const c = document.querySelector(".pipeline-all .chart-canvas"); c.scrollIntoView({block: "center"}); const r = c.getBoundingClientRect(); return r.top + r.height / 2 })()`)
	before := eval[float64](t, ctx, `window.scrollY`)
	if under := eval[string](t, ctx, fmt.Sprintf(`document.elementFromPoint(400, %f).closest(".chart-canvas") ? "chart" : "elsewhere"`, y)); under != "chart" {
		t.Fatalf("the wheel would turn %s, not over the chart", under)
	}
	if err := browser.Wheel(ctx, 400, y, 300); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if moved := eval[float64](t, ctx, `window.scrollY`) - before; moved < 100 {
		t.Errorf("the wheel over a chart scrolled the page by %.0f px", moved)
	}
	// A switch to the dark scheme draws the charts again, dark.
	if err := browser.Viewport(ctx, 1280, 700, true); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, `.pipeline-all figure.chart[data-theme="dark"]`); err != nil {
		t.Errorf("the chart did not follow the dark scheme: %v", err)
	}
	colours2 := eval[string](t, ctx, `echarts.getInstanceByDom(document.querySelector(".pipeline-all .chart-canvas")).getOption().series.map(s => s.name + "=" + s.itemStyle.color).join(" ")`)
	if colours2 != colours {
		t.Errorf("status colours changed with the theme: %s, then %s", colours, colours2)
	}
	// The hourly chart draws when opened.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.hours summary"))); err != nil {
		t.Fatal(err)
	}
	if err := waitFor(ctx, `details.hours figure.chart[data-drawn="true"] canvas`); err != nil {
		t.Errorf("hourly chart: %v", err)
	}
	checkLog(t, log)
}

// TestSearchInBrowser: search finds a job by name, a project, a pasted log
// line, a dotted exception name and words of a runbook, ranked; it is a
// combobox the keyboard drives, and it announces its count.
func TestSearchInBrowser(t *testing.T) {
	ctx, log := browser.New(t)
	base := serve(t, render(t, richInput(t)))
	search := func(q string) []string {
		t.Helper()
		open(t, ctx, base+"index.html")
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#q"), q), chromedp.WaitVisible(chromedp.CSS("#search-results li"))); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		time.Sleep(150 * time.Millisecond)
		got := eval[string](t, ctx, `Array.from(document.querySelectorAll("#search-results li[role=option] a")).map(a => a.getAttribute("href")).join(" ")`)
		return strings.Fields(got)
	}
	for _, tc := range []struct{ q, first string }{
		{"nova-live-migration", "jobs/nova-live-migration.html"},
		{"openstack/cinder", "projects/openstack--cinder.html"},
		{"2026-11-20 10:00:00.123 1234 ERROR nova.compute.manager oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID 9f3c0a", "bugs/nova-rpc-timeout.html"},
		{"[  812.334] python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0", "bugs/1796151.html"},
		{"oslo_messaging.exceptions.MessagingTimeout", "bugs/nova-rpc-timeout.html"},
		{"cell mapping", "runbooks/other.html#cells"},
		{"superconductor", "runbooks/other.html#cells"}, // past the index's cut of the section's text
		{"test_create_server", "tests/tempest.api.compute.servers.test_servers.ServersTest.test_create_server.html"},
	} {
		got := search(tc.q)
		if len(got) == 0 || got[0] != tc.first {
			t.Errorf("search %q: first %v, want %s", tc.q, got, tc.first)
		}
	}
	// Keyboard: the arrows move the active option, Enter opens it.
	search("nova")
	status := eval[string](t, ctx, `document.getElementById("search-status").textContent`)
	if !strings.Contains(status, "results") || eval[string](t, ctx, `document.getElementById("q").getAttribute("aria-expanded")`) != "true" {
		t.Errorf("status %q, or the list is not expanded", status)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	active := eval[string](t, ctx, `document.getElementById("q").getAttribute("aria-activedescendant")`)
	selected := eval[string](t, ctx, `Array.from(document.querySelectorAll("#search-results [aria-selected=true]")).map(e => e.id).join(" ")`)
	if active != "sr-1" || selected != "sr-1" {
		t.Errorf("after two arrows: active %q, selected %q", active, selected)
	}
	want := eval[string](t, ctx, `document.querySelector("#sr-1 a").href`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != want {
		t.Errorf("Enter went to %s, want %s", loc, want)
	}
	// Escape closes the list.
	search("nova")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if eval[string](t, ctx, `document.getElementById("q").getAttribute("aria-expanded")`) != "false" {
		t.Error("Escape did not close the list")
	}
	// The results page, for a search submitted with Enter.
	open(t, ctx, base+"search.html?q="+url.QueryEscape("MessagingTimeout"))
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#search-page-results li"))); err != nil {
		t.Fatal(err)
	}
	if c := eval[string](t, ctx, `document.getElementById("search-page-count").textContent`); !strings.Contains(c, "MessagingTimeout") {
		t.Errorf("results page count %q", c)
	}
	checkLog(t, log)
}

// TestNotFoundInBrowser: GitHub Pages serves 404.html at any depth; under
// a project path, two levels down, it is styled and its links work.
func TestNotFoundInBrowser(t *testing.T) {
	ctx, log := browser.New(t)
	in := richInput(t)
	in.Config.Site.BaseURL = "https://o.github.io/PROJECT/"
	base := serve(t, render(t, in))
	open(t, ctx, base+"a/b/missing.html")
	if bg := eval[string](t, ctx, `getComputedStyle(document.querySelector("header.top")).backgroundColor`); bg == "rgba(0, 0, 0, 0)" {
		t.Error("404 at depth 2 is unstyled")
	}
	links := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("a[href], link[href], script[src]")).map(e => e.href || e.src).filter(u => u.startsWith(location.origin))`)
	if len(links) < 8 {
		t.Fatalf("only %d links", len(links))
	}
	for _, l := range links {
		resp, err := http.Get(l)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(l, prefix) {
			t.Errorf("404 page link %s: %d", l, resp.StatusCode)
		}
	}
	checkLog(t, log, "a/b/missing.html")
}

// TestSortInBrowser: a sortable table sorts by the column a reader picks.
func TestSortInBrowser(t *testing.T) {
	ctx, log := browser.New(t)
	base := serve(t, render(t, richInput(t)))
	open(t, ctx, base+"jobs/index.html")
	first := func() string {
		return eval[string](t, ctx, `document.querySelector("table.sortable tbody tr td a").textContent`)
	}
	if first() != "tempest-full-py3" {
		t.Fatalf("first job %s", first())
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table.sortable thead th:nth-child(1) button`))); err != nil {
		t.Fatal(err)
	}
	if got := first(); got != "tempest-full-py3" {
		t.Errorf("by name, descending: %s first", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table.sortable thead th:nth-child(1) button`))); err != nil {
		t.Fatal(err)
	}
	if got, sort := first(), eval[string](t, ctx, `document.querySelector("table.sortable thead th").getAttribute("aria-sort")`); got != "grenade" || sort != "ascending" {
		t.Errorf("by name, ascending: %s first, aria-sort %s", got, sort)
	}
	checkLog(t, log)
}

// TestLinksUnderProjectPath: served under /PROJECT/, no href or src of any
// page breaks or leaves the project's path.
func TestLinksUnderProjectPath(t *testing.T) {
	for name, in := range map[string]Input{"rich": richInput(t), "hostile": hostileInput(t)} {
		in.Config.Site.BaseURL = "https://o.github.io" + prefix // GitHub Pages' address: 404.html's base
		base := serve(t, render(t, in))
		r, err := crawl.Site(http.DefaultClient, base+"index.html", prefix, base+"a/b/missing.html")
		if err != nil {
			t.Fatal(err)
		}
		if r.Pages < 15 || r.Links < 100 {
			t.Errorf("%s: crawled %d pages, %d links", name, r.Pages, r.Links)
		}
		for _, b := range r.Broken {
			t.Errorf("%s: %s", name, b)
		}
	}
}
