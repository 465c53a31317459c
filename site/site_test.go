package site

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/chart"
	"github.com/recheckgen/recheckgen/report"
)

// TestPages checks each kind of page for what a reader needs from it.
func TestPages(t *testing.T) {
	dir := render(t, richInput(t))
	checks := map[string][]string{
		"index.html": {`href="bugs/1796151.html"`, `<svg class="spark"`, `href="tags/memory.html"`, `href="gate.html"`, `href="check.html"`,
			"83%", "in the last 24 hours"},
		"gate.html":  {"Known CI failures in gate", `aria-current="page">gate</a>`},
		"check.html": {`href="bugs/nova-rpc-timeout.html"`},
		"bugs/1796151.html": {`<svg class="chart-svg"`, `id="pl-gate"`, `id="pl-check"`, `class="pipeline pipeline-all"`, `href="../runbooks/gate.html#dont-panic"`,
			`href="https://github.com/o/r/edit/main/queries/1796151.yaml"`, `href="https://logs.example.org/b001/logs/screen-n-cpu.txt#L115"`,
			`href="https://review.example.org/900001"`, `href="https://zuul.example.org/t/openstack/build/b001"`, `<details class="chart-table">`,
			`<details class="hours">`, `href="../jobs/tempest-full-py3.html"`, `href="../projects/openstack--nova.html"`, "for <strong>4</strong> changes",
			`fill="#d1242f"`, `fill="#d4760b"`, `fill="#8250df"`, `href="../tests/tempest.api.compute.servers.test_servers.ServersTest.test_create_server.html"`},
		"bugs/nova-rpc-timeout.html":    {"2 of 3 matching builds passed", `class="badge broad"`},
		"bugs/broken-query.html":        {"This query did not run", "<strong>unknown</strong>"},
		"jobs/index.html":               {`href="tempest-full-py3.html"`, "not known", `class="sortable groups"`, `<script src="../assets/sort.js">`},
		"jobs/tempest-full-py3.html":    {"<strong>3</strong> in 10 days", `href="../bugs/1796151.html"`, `<svg class="chart-svg"`, "not known"},
		"jobs/grenade.html":             {"Unexplained failures", `href="https://logs.example.org/b008/"`},
		"projects/openstack--nova.html": {"openstack/nova"},
		"tests/index.html": {"ServersTest.test_create_server", `href="tempest.api.compute.servers.test_servers.ServersTest.test_create_server.html"`,
			`href="../bugs/1796151.html"`, "1 other test passed every run"},
		"tests/tempest.api.compute.servers.test_servers.ServersTest.test_create_server.html": {"<strong>7</strong> in 10 days", "<strong>4</strong> (57%)",
			`href="../jobs/tempest-full-py3.html"`, `href="https://logs.example.org/b001/job-output.txt#L400"`},
		"uncategorized.html": {`href="https://logs.example.org/b008/"`, `href="runbooks/index.html"`, `id="g1234567890a"`, `href="builds/b008.html">why it failed</a>`,
			`group <a href="#g1234567890a">`, `message:&#34;Could not install packages due to an OSError&#34;`, "<strong>1</strong> failed build(s) in all and <strong>0</strong> of 2 passing",
			`href="https://github.com/o/r/new/main?filename=queries%2Fcould-not-install-packages-g1234567890a.yaml&amp;value=query" rel="noopener">Propose as a known bug</a>`, "The proposed query file"},
		"builds/b008.html": {"No known bug's query matches this build", `href="https://logs.example.org/b008/job-output.txt#L812"`, "score 9.5",
			`error word &#34;No space left&#34;`, `<mark>   812  2026-11-20`, `href="../uncategorized.html#g1234567890a"`, "Compared with 1 passing build(s) of the same job (1234 distinct lines)",
			`href="https://zuul.example.org/t/openstack/build/b008"`, `href="https://logs.example.org/b006/"`},
		"builds/b001.html":         {`href="../bugs/1796151.html">1796151</a> The OOM killer ended a process`, `href="../runbooks/gate.html#dont-panic"`, "qemu invoked oom-killer"},
		"bugs/1796151.html#recent": {`href="../builds/b001.html">explanation</a>`},
		"data/triage.json":         {`"id": "g1234567890a"`, `"propose_url"`},
		"runbooks/gate.html":       {`<nav class="toc"`, `href="#dont-panic"`, `href="#reading"`, `class="chroma"`, `<pre tabindex="0"`, "Known bugs pointing here", "Don’t panic"},
		"runbooks/index.html":      {`href="gate.html"`, `href="other.html"`},
		"tags/index.html":          {`href="memory.html"`},
		"404.html":                 {"Page not found", `<base href="/">`},
		"search.html":              {`id="search-page-results"`},
		"assets/status.css":        {".sw-FAILURE { background: #d1242f; }"},
		"assets/favicon.svg":       {"<svg"},
		"data/graph.json":          {`"number": "1796151"`},
		"data/report.json":         {`"data": "bugs/1796151.json"`},
		"data/bugs/1796151.json":   {`"recent_builds"`},
	}
	for rel, wants := range checks {
		rel, _, _ = strings.Cut(rel, "#") // two checks of one file
		html := read(t, dir, rel)
		for _, w := range wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %q", rel, w)
			}
		}
	}
	// Every page but 404.html has the freshness line and, 7 hours behind
	// with 6 allowed, the red banner; every page the failed query's banner.
	for _, rel := range []string{"index.html", "bugs/1796151.html", "jobs/index.html", "runbooks/gate.html"} {
		html := read(t, dir, rel)
		for _, w := range []string{"Data to <time", "the newest log data", `class="banner late"`, "The log data is 7 hours 20 minutes behind", `class="banner failed"`} {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %q", rel, w)
			}
		}
	}
	if strings.Contains(read(t, dir, "runbooks/gate.html"), "&amp;rsquo;") {
		t.Error("a heading's apostrophe shows as an entity")
	}
}

// TestDashboardHonesty: a failed query's numbers read "unknown", never 0,
// and sit apart; a bug with no match is greyed and apart; a query that
// matches passing builds is flagged; "24 h" says which hours when the
// window does not end now.
func TestDashboardHonesty(t *testing.T) {
	in := richInput(t)
	dir := render(t, in)
	index := read(t, dir, "index.html")
	rows := index[strings.Index(index, "<tbody>"):strings.Index(index, "</tbody>")]
	if strings.Contains(rows, "broken-query") || strings.Contains(rows, "quiet-query") {
		t.Error("a failed or quiet query is ranked among the active ones")
	}
	failed := index[strings.Index(index, `id="failed"`):strings.Index(index, "<tbody>")]
	if !strings.Contains(failed, "broken-query") || !strings.Contains(failed, "numbers unknown") {
		t.Errorf("failed queries: %s", failed)
	}
	quiet := index[strings.Index(index, `class="quiet"`):]
	if !strings.Contains(quiet, "bugs/quiet-query.html") {
		t.Error("the quiet bug is not listed apart")
	}
	if !strings.Contains(rows, `<tr class="broad">`) || !strings.Contains(rows, "2 of 3 matches passed") {
		t.Error("the too-broad query is not flagged on the dashboard")
	}
	// The report was made 20 minutes after the window's end: "last 24 h".
	// Ten days later it names its 24 hours.
	in.Report.Freshness.EndsNow = false
	index = read(t, render(t, in), "index.html")
	if !strings.Contains(index, "24 h to 11-20 12:00") || !strings.Contains(index, "the 24 hours to 2026-11-20 12:00 UTC") {
		t.Error("a window that does not end now does not say which 24 hours")
	}
}

var (
	scriptTag  = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>`)
	allowedSrc = regexp.MustCompile(`^<script src="(\.\./)*assets/(search|sort)\.js">$|^<script src="(\.\./)*assets/charts\.js" data-echarts="(\.\./)*assets/echarts\.min\.js">$`)
	badHref    = regexp.MustCompile(`(?i)(href|src)="\s*(javascript|data|vbscript):`)
	handler    = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+=`)
	// quoted are attribute values (html/template always quotes them):
	// text inside them is inert.
	quoted = regexp.MustCompile(`"[^"]*"`)
)

// TestHostileDataIsInert: no page carries a script but the site's own
// files, a handler attribute, or a link to anything but http(s) and the
// site itself.
func TestHostileDataIsInert(t *testing.T) {
	dir := render(t, hostileInput(t))
	pages := 0
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		data, _ := os.ReadFile(p)
		html := string(data)
		for _, tag := range scriptTag.FindAllString(html, -1) {
			if !allowedSrc.MatchString(tag) {
				t.Errorf("%s: script tag %q", p, tag)
			}
		}
		if m := badHref.FindString(html); m != "" {
			t.Errorf("%s: unsafe link %q", p, m)
		}
		if m := handler.FindString(quoted.ReplaceAllString(html, `""`)); m != "" {
			t.Errorf("%s: event handler %q", p, m)
		}
		return nil
	})
	if pages < 15 {
		t.Errorf("only %d pages", pages)
	}
	bug := read(t, dir, "bugs/1234567.html")
	if strings.Contains(bug, "javascript:alert(7)") {
		t.Error("a javascript: bug URL became a link")
	}
	// Triage: a build whose uuid is not a file name gets a page all the
	// same, named from its hash; the failure groups' texts stay text and a
	// proposal link that is not https is none.
	page := read(t, dir, report.BuildPage("u1"+xss))
	if !strings.Contains(page, "ERROR &#34;&#39;&gt;&lt;script&gt;") || strings.Contains(page, "javascript:") {
		t.Errorf("build page: %s", page)
	}
	unc := read(t, dir, "uncategorized.html")
	if strings.Contains(unc, "javascript:alert(8)") || !strings.Contains(unc, "sig &#34;&#39;&gt;&lt;script&gt;") || !strings.Contains(unc, "why &#34;&#39;&gt;") {
		t.Errorf("uncategorized page: %s", unc)
	}
	for _, rel := range []string{"search-index.json", "data/report.json"} {
		var v any
		if err := json.Unmarshal([]byte(read(t, dir, rel)), &v); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
	}
}

func TestRawHTMLOptIn(t *testing.T) {
	in := hostileInput(t)
	if strings.Contains(read(t, render(t, in), "runbooks/gate.html"), "<script>alert(5)") {
		t.Error("raw HTML rendered without opting in")
	}
	in.Config.Site.RawHTML = true
	if !strings.Contains(read(t, render(t, in), "runbooks/gate.html"), "<script>alert(5)") {
		t.Error("site.raw_html: true did not render raw HTML")
	}
}

func TestThemeOverride(t *testing.T) {
	in := hostileInput(t)
	user := t.TempDir()
	os.MkdirAll(filepath.Join(user, "templates"), 0o755)
	os.MkdirAll(filepath.Join(user, "assets"), 0o755)
	os.WriteFile(filepath.Join(user, "templates", "404.html"), []byte(`{{define "content"}}<p>Lost in the clouds</p>{{end}}`), 0o644)
	os.WriteFile(filepath.Join(user, "assets", "style.css"), []byte("body{color:red}"), 0o644)
	in.Config.Dirs.Theme = user
	dir := render(t, in)
	if !strings.Contains(read(t, dir, "404.html"), "Lost in the clouds") || read(t, dir, "assets/style.css") != "body{color:red}" {
		t.Error("user theme files did not override the built-in ones")
	}
	if !strings.Contains(read(t, dir, "index.html"), "Known CI failures") {
		t.Error("files the user theme lacks must come from the built-in theme")
	}
}

// TestECharts: ECharts loads only on pages with charts, through charts.js,
// from the site or from the CDN the config names (its host then in the
// CSP); without it no page asks for it, and every chart is still drawn.
func TestECharts(t *testing.T) {
	in := richInput(t)
	in.EChartsJS = []byte("/* echarts */")
	dir := render(t, in)
	bug := read(t, dir, "bugs/1796151.html")
	if !strings.Contains(bug, `<script src="../assets/charts.js" data-echarts="../assets/echarts.min.js">`) || !strings.Contains(bug, `data-chart="{`) {
		t.Error("a bug page with ECharts installed does not enhance its charts")
	}
	for _, rel := range []string{"index.html", "jobs/index.html", "runbooks/gate.html", "uncategorized.html", "404.html"} {
		if strings.Contains(read(t, dir, rel), "echarts") {
			t.Errorf("%s, a page without charts, loads ECharts", rel)
		}
	}
	in.EChartsJS, in.EChartsURL = nil, "https://cdn.example.org/echarts@5.6.0/dist/echarts.min.js"
	dir = render(t, in)
	bug = read(t, dir, "bugs/1796151.html")
	if !strings.Contains(bug, `data-echarts="https://cdn.example.org/echarts@5.6.0/dist/echarts.min.js"`) ||
		!strings.Contains(bug, "script-src &#39;self&#39; https://cdn.example.org;") {
		t.Error("the CDN script or its CSP allowance is missing")
	}
	if _, err := os.Stat(filepath.Join(dir, "assets", "echarts.min.js")); err == nil {
		t.Error("a CDN site must not ship its own copy")
	}
	in.EChartsURL = ""
	dir = render(t, in)
	bug = read(t, dir, "bugs/1796151.html")
	if strings.Contains(bug, "charts.js") || strings.Contains(bug, "data-chart=") || !strings.Contains(bug, `<svg class="chart-svg"`) {
		t.Error("without ECharts a page must draw its SVG charts and load no chart script")
	}
}

// TestDashboardDrawsNoBugChart: the dashboards draw their sparklines, not
// every bug's charts (they used to build each bug's charts and throw them
// away).
func TestDashboardDrawsNoBugChart(t *testing.T) {
	in := richInput(t)
	tmpl, err := templates("")
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t.TempDir(), in, tmpl)
	if err := s.dashboards(); err != nil {
		t.Fatal(err)
	}
	if n := s.chartsBuilt.Load(); n != 0 {
		t.Errorf("the dashboards drew %d charts", n)
	}
	if err := s.bugs(); err != nil {
		t.Fatal(err)
	}
	if s.chartsBuilt.Load() == 0 {
		t.Error("the bug pages drew no chart: the counter counts nothing")
	}
}

// TestFeed: ids are permanent URIs (the site's address, or a urn:uuid),
// entries are dated by their data, and two builds of the same data an hour
// apart write the same feed.
func TestFeed(t *testing.T) {
	in := richInput(t)
	in.Report.Bugs[0].First = testEnd.Add(-3 * time.Hour) // new
	a := read(t, render(t, in), "feed.xml")
	in.Report.Generated = in.Report.Generated.Add(time.Hour)
	b := read(t, render(t, in), "feed.xml")
	if a != b {
		t.Errorf("the feed changed with the build time alone:\n%s\n%s", a, b)
	}
	var feed atomFeed
	if err := xml.Unmarshal([]byte(a), &feed); err != nil || len(feed.Entries) != 1 {
		t.Fatalf("feed: %v, %+v", err, feed)
	}
	urn := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !urn.MatchString(feed.ID) || !urn.MatchString(feed.Entries[0].ID) || feed.ID == feed.Entries[0].ID {
		t.Errorf("ids without a base URL: %q, %q", feed.ID, feed.Entries[0].ID)
	}
	if feed.Entries[0].Updated != in.Report.Bugs[0].Last.UTC().Format(time.RFC3339) || feed.Updated != feed.Entries[0].Updated {
		t.Errorf("dates: feed %s, entry %s, bug's last match %s", feed.Updated, feed.Entries[0].Updated, in.Report.Bugs[0].Last)
	}
	in.Config.Site.BaseURL = "https://example.org/ci/"
	feed = atomFeed{}
	xml.Unmarshal([]byte(read(t, render(t, in), "feed.xml")), &feed)
	if feed.ID != "https://example.org/ci/feed.xml" || !strings.HasPrefix(feed.Entries[0].ID, "https://example.org/ci/bugs/1796151.html#new-") {
		t.Errorf("ids with a base URL: %q, %q", feed.ID, feed.Entries[0].ID)
	}
}

// TestNotFoundBase: 404.html is served at any depth, so it resolves its
// links from the site's path.
func TestNotFoundBase(t *testing.T) {
	for base, want := range map[string]string{"": "/", "https://o.github.io/recheck-site/": "/recheck-site/", "https://o.github.io/a/b": "/a/b/", "https://ci.example.org": "/"} {
		in := richInput(t)
		in.Config.Site.BaseURL = base
		if page := read(t, render(t, in), "404.html"); !strings.Contains(page, `<base href="`+want+`">`) || !strings.Contains(page, `href="assets/style.css"`) {
			t.Errorf("base URL %q: 404.html lacks <base href=%q>", base, want)
		}
	}
}

var (
	cssRule = regexp.MustCompile(`\.chroma \.([a-z0-9]+) \{ color: (#[0-9a-f]{6})(?:; background-color: (#[0-9a-f]{6}))?`)
	cssBack = regexp.MustCompile(`\.chroma \{[^}]*background-color: (#[0-9a-f]{6})`)
)

// TestCodeContrast: every token colour of the highlighting stylesheet has
// 4.5:1 contrast on its code background, in the light and the dark theme,
// and the dark theme sets every class the light one does (github-dark's
// .nb was left at the light #6639ba: 2.57:1).
func TestCodeContrast(t *testing.T) {
	css, err := chromaCSS()
	if err != nil {
		t.Fatal(err)
	}
	light, dark, ok := strings.Cut(string(css), "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("no dark section")
	}
	colours := func(part string) map[string][2]string { // class: colour, own background
		out := map[string][2]string{}
		for _, m := range cssRule.FindAllStringSubmatch(part, -1) {
			out[m[1]] = [2]string{m[2], m[3]}
		}
		return out
	}
	lc, dc := colours(light), colours(dark)
	for name, part := range map[string]string{"light": light, "dark": dark} {
		bg := cssBack.FindStringSubmatch(part)
		if bg == nil {
			t.Fatalf("%s: no background", name)
		}
		for class, c := range colours(part) {
			back := bg[1]
			if c[1] != "" {
				back = c[1]
			}
			if r := chart.Contrast(c[0], back); r < 4.5 {
				t.Errorf("%s .%s: %s on %s is %.2f:1", name, class, c[0], back, r)
			}
		}
	}
	for class := range lc {
		if _, ok := dc[class]; !ok {
			t.Errorf("the dark theme leaves .%s at its light colour %s", class, lc[class])
		}
	}
}

// TestSearchIndex: every kind of document is there; sections do not
// inherit their runbook's tags; bugs carry their query's phrases and log
// lines; headings are plain text.
func TestSearchIndex(t *testing.T) {
	dir := render(t, richInput(t))
	var idx searchIndex
	if err := json.Unmarshal([]byte(read(t, dir, "search-index.json")), &idx); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range idx.Docs {
		kinds[d.Kind]++
		switch {
		case d.Kind == "section" && len(d.Tags) > 0:
			t.Errorf("section %q inherits tags %v", d.Title, d.Tags)
		case d.Kind == "section" && d.Title == "Don’t panic" && !strings.Contains(d.Text, "invoked oom-killer"):
			t.Errorf("section text %q", d.Text)
		case d.Kind == "bug" && d.URL == "bugs/nova-rpc-timeout.html":
			if len(d.Phrases) != 1 || d.Phrases[0] != "MessagingTimeout: Timed out waiting for a reply" || len(d.Lines) != 1 || !strings.Contains(d.Text, "nova-live-migration") {
				t.Errorf("bug document %+v", d)
			}
		}
		if strings.Contains(d.Title, "&") {
			t.Errorf("title %q holds an entity", d.Title)
		}
	}
	for kind, n := range map[string]int{"bug": 4, "runbook": 2, "section": 3, "job": 3, "project": 3, "test": 1} {
		if kinds[kind] != n {
			t.Errorf("%d %s documents, want %d", kinds[kind], kind, n)
		}
	}
}

// TestDataSharded: data/report.json holds no per-bug detail, each bug has
// its file, and neither grows with the builds per bug.
func TestDataSharded(t *testing.T) {
	size := func(builds int) (index, shard int) {
		in := benchInput(t, 20, builds, 2)
		dir := render(t, in)
		st, _ := os.Stat(filepath.Join(dir, "data", "report.json"))
		sh, _ := os.Stat(filepath.Join(dir, "data", "bugs", "2000000.json"))
		return int(st.Size()), int(sh.Size())
	}
	i1, s1 := size(20)
	i2, s2 := size(80)
	if float64(i2) > 1.05*float64(i1) {
		t.Errorf("data/report.json grew from %d to %d bytes with 4 times the builds", i1, i2)
	}
	if float64(s2) > 1.25*float64(s1) {
		t.Errorf("a bug's file grew from %d to %d bytes with 4 times the builds", s1, s2)
	}
	var idx recheckgen.Report
	json.Unmarshal([]byte(read(t, render(t, benchInput(t, 3, 5, 1)), "data/report.json")), &idx)
	for _, b := range idx.Bugs {
		if b.Buckets != nil || len(b.RecentBuilds) > 0 || b.Data == "" {
			t.Errorf("index bug %s: %+v", b.ID, b)
		}
	}
}

// TestPageWeight: at the scale of the render benchmark (500 bugs, 5,000
// failed builds, 50 runbooks) every page stays under 100 KB.
func TestPageWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a large site")
	}
	dir := render(t, benchInput(t, 500, 10, 50))
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") && info.Size() > 100_000 {
			t.Errorf("%s: %d bytes", p, info.Size())
		}
		return err
	})
}

// TestDenominators: where the backend knows every build, the dashboard and
// each job's page say how many ran beside how many failed and were
// explained, in the window and its last day; failed builds without logs
// are listed apart on the uncategorized page.
func TestDenominators(t *testing.T) {
	in := richInput(t)
	r := in.Report
	var all []recheckgen.Build
	for i := 0; i < 12; i++ {
		all = append(all, recheckgen.Build{UUID: fmt.Sprintf("r%02d", i), Job: "tempest-full-py3", Project: "openstack/nova", Result: "SUCCESS",
			Voting: true, Start: r.Window.End.Add(-time.Duration(i*9+1) * time.Hour)})
	}
	report.SetRuns(r, all)
	missing := recheckgen.Build{UUID: "lm1", Job: "grenade", Result: "FAILURE", Logs: recheckgen.LogsMissing, Start: r.Window.End.Add(-time.Hour),
		LogURL: "https://logs.example.org/lm1/"}
	r.Uncategorized.NoLogs = append(r.Uncategorized.NoLogs, missing)
	r.Totals.NoLogs = 1
	dir := render(t, in)
	index := read(t, dir, "index.html")
	for _, want := range []string{"Builds in the 10-day window: <strong>12</strong> run", fmt.Sprintf("<strong>%d</strong> failed", r.Totals.Failed),
		fmt.Sprintf("<strong>%d</strong> explained by a known bug, 1 failed without logs to read", r.Totals.Explained), "3 run, "} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	job := read(t, dir, "jobs/tempest-full-py3.html")
	for _, want := range []string{"<strong>12</strong> in 10 days, 3 in the last 24 hours", "of the builds run", "in the last 24 hours; "} {
		if !strings.Contains(job, want) {
			t.Errorf("jobs/tempest-full-py3.html lacks %q", want)
		}
	}
	if strings.Contains(read(t, dir, "jobs/index.html"), "not known") {
		t.Error("jobs/index.html says builds run are not known")
	}
	u := read(t, dir, "uncategorized.html")
	if !strings.Contains(u, `<h2 id="no-logs">`) || !strings.Contains(u, "lm1") || !strings.Contains(u, "logs missing") {
		t.Errorf("uncategorized.html does not list the build without logs")
	}
}
