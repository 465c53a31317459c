package site

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
)

const xss = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`

// hostileInput is a site whose every field from logs, builds and files
// carries a script payload.
func hostileInput(t *testing.T) Input {
	t.Helper()
	content := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(content, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gate.md", "---\ntitle: \"Gate <script>alert(3)</script>\"\ntags: [devstack]\n---\n\n## Reading the output {#reading}\n\n"+
		"See [the other page](other.md#top) and [bad](javascript:alert(4)).\n\n<script>alert(5)</script>\n\n```bash\necho hi\n```\n\n### Details\n\ntext\n")
	write("other.md", "---\ntitle: Other\n---\n\n## Top {#top}\n")
	cfg := config.Default()
	cfg.Site.Title = "Test " + xss
	cfg.Site.RepoURL = "https://github.com/o/r"
	cfg.Site.BaseURL = "https://example.org/site/"
	cfg.Dirs.Content = content
	set, dl := runbook.LoadDir(content, runbook.Markdown(false))
	if dl.Errors() > 0 {
		t.Fatal(dl)
	}
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	win := recheckgen.Window{Start: end.Add(-48 * time.Hour), End: end, Bucket: time.Hour}
	bad := recheckgen.Build{UUID: "u1", Job: "job" + xss, Project: "p" + xss, Result: "FAILURE", Voting: true,
		LogURL: "javascript:alert(6)//", Start: end.Add(-time.Hour)}
	good := recheckgen.Build{UUID: "u2", Job: "tempest-full-py3", Project: "openstack/nova", Result: "FAILURE", Voting: true,
		LogURL: "https://logs.example.org/u2/", Start: end.Add(-3 * time.Hour)}
	buckets := make([]int, win.Buckets())
	buckets[46], buckets[44] = 1, 1
	expr, _, _ := lucene.Parse(`message:"`+strings.ReplaceAll(xss, `"`, `\"`)+`"`, lucene.Options{})
	q := recheckgen.Query{ID: "1234567", Title: "Title " + xss, Raw: `message:"x"`, Expr: expr, Tags: []string{"devstack"},
		Runbook: "gate.md#reading", Bug: recheckgen.BugRef{Tracker: recheckgen.OtherTracker, ID: "1234567", URL: "javascript:alert(7)"}}
	m := &recheckgen.Match{Buckets: map[string][]int{"FAILURE": buckets},
		Builds: []recheckgen.MatchedBuild{{Build: bad, First: bad.Start, Last: bad.Start}, {Build: good, First: good.Start, Last: good.Start}},
		First:  good.Start, Last: bad.Start,
		Recent: []recheckgen.Hit{{Build: bad, File: "job-output.txt", Line: 3, Time: bad.Start, Message: "line " + xss}, {Build: good, File: "logs/x.txt", Line: 9, Time: good.Start, Message: "fine"}}}
	rep := report.Make(win, []report.Result{{Query: q, Match: m}}, []recheckgen.Build{bad, good,
		{UUID: "u3", Job: "other" + xss, Result: "FAILURE", LogURL: "https://logs.example.org/u3/", Start: end.Add(-2 * time.Hour)}}, report.DefaultOptions(end))
	return Input{Config: cfg, Report: rep, Graph: report.MakeGraph(rep, win, 0), Window: win, Queries: []recheckgen.Query{q},
		Content: set, EChartsJS: []byte("/* echarts */")}
}

func render(t *testing.T, in Input) string {
	t.Helper()
	dir := t.TempDir()
	n, err := Render(dir, in)
	if err != nil {
		t.Fatal(err)
	}
	if n < 9 {
		t.Errorf("rendered %d pages", n)
	}
	return dir
}

func read(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestPages checks each kind of page for what a reader needs from it.
func TestPages(t *testing.T) {
	dir := render(t, hostileInput(t))
	checks := map[string][]string{
		"index.html":            {`href="bugs/1234567.html"`, "Title &#34;&#39;&gt;&lt;script&gt;", `<svg class="spark"`, `href="tags/devstack.html"`, "67%"},
		"bugs/1234567.html":     {`class="chart"`, "data-chart=", `href="../runbooks/gate.html#reading"`, `href="https://github.com/o/r/edit/main/queries/1234567.yaml"`, `href="https://logs.example.org/u2/logs/x.txt"`, `<script src="../assets/echarts.min.js">`, "<details class=\"chart-table\">", "2026-11-20 10:00"},
		"uncategorized.html":    {"other&#34;&#39;&gt;", `href="https://logs.example.org/u3/"`},
		"runbooks/gate.html":    {`<nav class="toc"`, `href="#reading"`, `href="#details"`, `href="other.html#top"`, `class="chroma"`, `href="../bugs/1234567.html"`, "Known bugs pointing here", `https://github.com/o/r/edit/main/`},
		"runbooks/index.html":   {`href="gate.html"`, `href="other.html"`},
		"tags/index.html":       {`href="devstack.html"`},
		"tags/devstack.html":    {`href="../bugs/1234567.html"`, `href="../runbooks/gate.html"`},
		"404.html":              {"Page not found"},
		"search.html":           {`id="search-page-results"`},
		"assets/echarts.min.js": {"echarts"},
		"assets/chroma.css":     {"prefers-color-scheme: dark"},
		"data/graph.json":       {`"number": "1234567"`},
		"feed.xml":              {"https://example.org/site/bugs/1234567.html"},
	}
	for rel, wants := range checks {
		html := read(t, dir, rel)
		for _, w := range wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %q", rel, w)
			}
		}
	}
	var idx []searchEntry
	if err := json.Unmarshal([]byte(read(t, dir, "search-index.json")), &idx); err != nil || len(idx) < 3 {
		t.Errorf("search index: %v %d entries", err, len(idx))
	}
	var feed atomFeed
	if err := xml.Unmarshal([]byte(read(t, dir, "feed.xml")), &feed); err != nil || len(feed.Entries) != 1 {
		t.Errorf("feed: %v, %d entries", err, len(feed.Entries))
	}
	var rep recheckgen.Report
	if err := json.Unmarshal([]byte(read(t, dir, "data/report.json")), &rep); err != nil || len(rep.Bugs) != 1 {
		t.Errorf("report.json: %v", err)
	}
}

var (
	scriptTag  = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>`)
	allowedSrc = regexp.MustCompile(`^<script src="(\.\./)*assets/(search|charts|echarts\.min)\.js">$`)
	badHref    = regexp.MustCompile(`(?i)(href|src)="\s*(javascript|data|vbscript):`)
	handler    = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+=`)
)

// TestHostileDataIsInert: no page carries a script but the site's own
// files, a handler attribute, or a link to anything but http(s) and the
// site itself.
func TestHostileDataIsInert(t *testing.T) {
	dir := render(t, hostileInput(t))
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
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
		if m := handler.FindString(html); m != "" {
			t.Errorf("%s: event handler %q", p, m)
		}
		return nil
	})
	bug := read(t, dir, "bugs/1234567.html")
	if strings.Contains(bug, "javascript:alert(7)") {
		t.Error("a javascript: bug URL became a link")
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

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{"https://a.org/x": "https://a.org/x", "http://a.org": "http://a.org",
		"javascript:alert(1)": "", "JAVASCRIPT:alert(1)": "", "data:text/html,x": "", "//evil.org": "", "/local": "", "": ""} {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEChartsFromCDN(t *testing.T) {
	in := hostileInput(t)
	in.EChartsJS, in.EChartsURL = nil, "https://cdn.example.org/echarts@5.6.0/dist/echarts.min.js"
	dir := render(t, in)
	bug := read(t, dir, "bugs/1234567.html")
	if !strings.Contains(bug, `<script src="https://cdn.example.org/echarts@5.6.0/dist/echarts.min.js">`) ||
		!strings.Contains(bug, "script-src &#39;self&#39; https://cdn.example.org;") {
		t.Error("the CDN script or its CSP allowance is missing")
	}
	if _, err := os.Stat(filepath.Join(dir, "assets", "echarts.min.js")); err == nil {
		t.Error("a CDN site must not ship its own copy")
	}
	if idx := read(t, dir, "index.html"); strings.Contains(idx, "cdn.example.org/echarts") {
		t.Error("pages without charts load no chart script")
	}
}
