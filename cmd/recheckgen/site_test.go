package main

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/browser"
	"github.com/recheckgen/recheckgen/internal/crawl"
	"github.com/recheckgen/recheckgen/report"
)

// checkTriage: the sample site explains every failed build of the window
// on a page of its own, groups the unexplained ones, and proposes for
// each group a query whose numbers are those recheckgen query prints for
// the same text on the same store.
func checkTriage(t *testing.T, public string, rep recheckgen.Report) {
	tr := rep.Triage
	if tr == nil {
		t.Fatal("no triage in the report")
	}
	if tr.Explained != rep.Uncategorized.Failed || tr.Left != 0 || len(tr.Groups) < 8 {
		t.Errorf("%d builds explained of %d failed, %d left, %d groups", tr.Explained, rep.Uncategorized.Failed, tr.Left, len(tr.Groups))
	}
	// A page per explanation, each read back from the spool.
	if pages, _ := filepath.Glob(filepath.Join(public, "builds", "*.html")); len(pages) != tr.Explained {
		t.Errorf("%d build pages for %d builds explained", len(pages), tr.Explained)
	}
	tmp := filepath.Dir(public)
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	// Every proposed file passes check beside the repository's queries.
	data, err := os.ReadFile(filepath.Join(public, "data", "triage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var full recheckgen.Triage
	if err := json.Unmarshal(data, &full); err != nil {
		t.Fatal(err)
	}
	queries := filepath.Join(tmp, "proposed-queries")
	if err := os.CopyFS(queries, os.DirFS(filepath.Join(root, "queries"))); err != nil {
		t.Fatal(err)
	}
	proposed := 0
	for _, g := range full.Groups {
		if s := g.Suggestion; s != nil && s.YAML != "" {
			if err := os.WriteFile(filepath.Join(queries, s.Slug+".yaml"), []byte(s.YAML), 0o644); err != nil {
				t.Fatal(err)
			}
			proposed++
		}
	}
	code, out, errOut := runCmd(t, "check", "--config", filepath.Join(root, "recheckgen.yaml"), "--queries", queries, "--content", filepath.Join(root, "content"))
	if code != exitOK || proposed != len(full.Groups) || !strings.Contains(out, "0 error(s), 0 warning(s)") {
		t.Errorf("check of %d proposed files: exit %d\n%s%s", proposed, code, out, errOut)
	}
	for _, g := range tr.Groups {
		for _, b := range g.Builds {
			if _, err := os.Stat(filepath.Join(public, filepath.FromSlash(report.BuildPage(b.Build.UUID)))); err != nil {
				t.Errorf("group %s: build %s has no page: %v", g.ID, b.Build.UUID, err)
			}
		}
		s := g.Suggestion
		if s == nil {
			t.Errorf("group %s: no query: %s", g.ID, g.Why)
			continue
		}
		if !strings.HasPrefix(s.ProposeURL, "https://github.com/recheckgen/recheckgen/new/main?") {
			t.Errorf("group %s: proposal link %q", g.ID, s.ProposeURL)
		}
		code, out, errOut := runCmd(t, "query", "--json", "--offline", "--config", filepath.Join(root, "recheckgen.yaml"),
			"--queries", filepath.Join(root, "queries"), "--db", filepath.Join(tmp, "logs.db"), "--sample", filepath.Join(tmp, "sample"), s.Query)
		var got struct {
			Builds int
			Shares map[string][]recheckgen.Share
		}
		if code != exitOK || json.Unmarshal([]byte(out), &got) != nil {
			t.Fatalf("query %s: %d %s %s", s.Query, code, out, errOut)
		}
		failed, passing := 0, 0
		for _, sh := range got.Shares["build_status"] {
			switch {
			case sh.Value == "SUCCESS":
				passing += sh.Builds
			case (recheckgen.Build{Result: sh.Value}).Failed():
				failed += sh.Builds
			}
		}
		if failed != s.Failed || passing != s.Passing || got.Builds < s.GroupMatched || s.GroupMatched != g.Count {
			t.Errorf("group %s: the page says %d failed, %d passing, %d of %d in the group; recheckgen query %s: %d builds, %d failed, %d passing",
				g.ID, s.Failed, s.Passing, s.GroupMatched, g.Count, s.Query, got.Builds, failed, passing)
		}
	}
}

// screenshot, when set, is where TestSampleSite writes a picture of the
// sample site's dashboard (docs/screenshot.png, for the README).
var screenshot = flag.String("screenshot", "", "write a PNG of the sample site's dashboard here")

// project is the path the sample site is served under, as GitHub Pages
// serves a project site.
const project = "/PROJECT/"

// buildSample runs `recheckgen build` on the repository's queries and
// runbooks over a freshly generated sample corpus, into a temporary
// public/, with ECharts when npm ci installed it (as a fresh clone runs it
// otherwise: without).
func buildSample(t *testing.T) (public string, rep recheckgen.Report, echarts bool) {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	tmp := t.TempDir()
	public = filepath.Join(tmp, "public")
	script := filepath.Join(root, "node_modules", "echarts", "dist", "echarts.min.js")
	_, err := os.Stat(script)
	echarts = err == nil
	if !echarts && os.Getenv("RECHECKGEN_REQUIRE_ECHARTS") == "1" {
		t.Fatalf("ECharts not installed (npm ci) and RECHECKGEN_REQUIRE_ECHARTS=1: %v", err)
	}
	// The explanations are spooled beside the store while the site is
	// written, and removed after; so is what a build killed outright left
	// there (its lock file, which no process holds any more, and its
	// explanations). Nothing goes to the temporary directory.
	spools := filepath.Join(tmp, ".recheckgen-triage")
	dead := filepath.Join(spools, "spool-123")
	if err := os.MkdirAll(dead, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"../.recheckgen-spools", "lock", "explanations.gob"} {
		if err := os.WriteFile(filepath.Join(dead, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sysTmp := filepath.Join(tmp, "tmp")
	if err := os.Mkdir(sysTmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", sysTmp)
	code, out, errOut := runCmd(t, "build", "--offline", "--config", filepath.Join(root, "recheckgen.yaml"),
		"--queries", filepath.Join(root, "queries"), "--content", filepath.Join(root, "content"),
		"--public", public, "--db", filepath.Join(tmp, "logs.db"), "--sample", filepath.Join(tmp, "sample"),
		"--echarts", script, "--base-url", "https://o.github.io"+project)
	if code != exitOK {
		t.Fatalf("build: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, d := range []string{spools, sysTmp} {
		left, _ := os.ReadDir(d)
		for _, e := range left {
			if e.Name() != ".recheckgen-spools" && e.Name() != ".lock" { // the spools' directory's own
				t.Errorf("spooled explanations left in %s: %v", d, e.Name())
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(public, "data", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return public, rep, echarts
}

// TestSampleSite is the end-to-end test of the README's first command:
// the sample site, served under a project path, has no broken link; in
// headless Chromium it opens with no console error, draws every chart
// (as SVG, and with ECharts where installed), shows the new views, leads
// from a bug to its runbook, and finds a runbook and a pasted log line
// through search.
func TestSampleSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the sample site")
	}
	public, rep, echarts := buildSample(t)
	srv := httptest.NewServer(crawl.PagesHandler(public, project))
	defer srv.Close()
	base := srv.URL + project

	t.Run("links", func(t *testing.T) {
		r, err := crawl.Site(http.DefaultClient, base+"index.html", project, base+"a/b/missing.html")
		if err != nil {
			t.Fatal(err)
		}
		if r.Pages < 60 {
			t.Errorf("crawled only %d pages", r.Pages)
		}
		for _, b := range r.Broken {
			t.Error(b)
		}
	})
	t.Run("views", func(t *testing.T) {
		for _, rel := range []string{"gate.html", "check.html", "jobs/index.html", "jobs/tempest-full-py3.html", "projects/index.html",
			"projects/openstack--nova.html", "tests/index.html", "data/bugs/tempest-request-timeout.json"} {
			if _, err := os.Stat(filepath.Join(public, filepath.FromSlash(rel))); err != nil {
				t.Error(err)
			}
		}
		if !rep.TestsKnown || len(rep.Tests) < 5 {
			t.Fatalf("tempest results: known %v, %d failing tests", rep.TestsKnown, len(rep.Tests))
		}
		named := false
		for _, x := range rep.Tests {
			for _, b := range x.Bugs {
				named = named || (b.ID == "tempest-request-timeout" && x.Page)
			}
		}
		if !named {
			t.Error("no failing test with a page names the bug whose test_ids list it")
		}
		for _, b := range rep.Bugs {
			if b.Changes == 0 || b.Changes > b.Fails || len(b.Views) != 2 {
				t.Errorf("%s: %d changes of %d failed builds, %d views", b.ID, b.Changes, b.Fails, len(b.Views))
			}
		}
	})
	t.Run("triage", func(t *testing.T) { checkTriage(t, public, rep) })
	t.Run("browser", func(t *testing.T) {
		ctx, log := browser.New(t)
		open := func(u, ready string) {
			t.Helper()
			if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS(ready))); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
		}
		open(base+"index.html", "table.bugs")
		if *screenshot != "" {
			shoot(t, ctx, base+"index.html", *screenshot)
		}
		var withRunbook *recheckgen.BugReport
		charts := 0
		for i, b := range rep.Bugs {
			open(base+"bugs/"+b.ID+".html", "footer")
			if !b.SuppressGraph && b.Builds > 0 {
				n, _ := browser.Eval[int](ctx, `document.querySelectorAll(".pipeline-all svg.chart-svg rect").length`)
				if n == 0 {
					t.Errorf("%s: no bar in its SVG chart", b.ID)
				}
				if echarts {
					wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
					if err := chromedp.Do(wctx, chromedp.WaitReady(chromedp.CSS(`.pipeline-all figure.chart[data-drawn="true"] canvas`))); err != nil {
						t.Errorf("%s: ECharts did not draw: %v", b.ID, err)
					}
					cancel()
				}
				charts++
			}
			if b.Runbook != "" && withRunbook == nil {
				withRunbook = &rep.Bugs[i]
			}
		}
		if charts == 0 {
			t.Error("no chart was drawn")
		}
		if withRunbook == nil {
			t.Fatal("no known bug links to a runbook")
		}
		// Bug → runbook.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"bugs/"+withRunbook.ID+".html"),
			chromedp.Click(chromedp.CSS(`dl.facts a[href*="runbooks/"]`)), chromedp.WaitReady(chromedp.CSS("article.runbook nav.toc"))); err != nil {
			t.Fatalf("bug → runbook: %v", err)
		}
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/runbooks/") {
			t.Errorf("followed the runbook link to %s", loc)
		}
		// Search finds runbooks among its results, and the bug of a pasted
		// log line first.
		for _, tc := range []struct{ q, want string }{
			{"mistral", "runbooks/"},
			{"2026-11-18 09:17:51.074053 | controller |     tempest.lib.exceptions.TimeoutException: Request timed out", "bugs/tempest-request-timeout.html"},
		} {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"index.html"), chromedp.SendKeys(chromedp.CSS("#q"), tc.q),
				chromedp.WaitVisible(chromedp.CSS(`#search-results li[role=option] a`))); err != nil {
				t.Fatalf("search %q: %v", tc.q, err)
			}
			time.Sleep(150 * time.Millisecond)
			got, _ := browser.Eval[string](ctx, `Array.from(document.querySelectorAll("#search-results li[role=option] a")).map(a => a.getAttribute("href")).join(" ")`)
			if tc.want == "runbooks/" && !strings.Contains(got, tc.want) || tc.want != "runbooks/" && !strings.HasPrefix(got, tc.want) {
				t.Errorf("search %q: results %s, want %s", tc.q, got, tc.want)
			}
		}
		checkRunbookPages(t, public, rep)
		// At a phone's width no page of the repository's own content
		// scrolls sideways: every runbook, the dashboards, and a page of
		// each other kind.
		if err := browser.Viewport(ctx, 390, 800, false); err != nil {
			t.Fatal(err)
		}
		runbooks, _ := filepath.Glob(filepath.Join(public, "runbooks", "*.html"))
		phone := []string{"index.html", "gate.html", "check.html", "uncategorized.html", "jobs/index.html", "tests/index.html", "bugs/" + rep.Bugs[0].ID + ".html"}
		if rep.Triage != nil {
			for _, g := range rep.Triage.Groups[:min(3, len(rep.Triage.Groups))] {
				phone = append(phone, report.BuildPage(g.Builds[0].Build.UUID))
			}
		}
		for _, r := range runbooks {
			phone = append(phone, "runbooks/"+filepath.Base(r))
		}
		for _, p := range phone {
			open(base+p, "footer")
			if w, _ := browser.Eval[int](ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
				t.Errorf("%s overflows a 390 px screen by %d px", p, w)
			}
		}
		errs, dialogs := log.Snapshot()
		if len(errs) > 0 || len(dialogs) > 0 {
			t.Errorf("console errors %v, dialogs %v", errs, dialogs)
		}
	})
}

// shoot writes a PNG of the page at 1200×760 CSS pixels, light theme.
func shoot(t *testing.T, ctx context.Context, u, path string) {
	if err := browser.Viewport(ctx, 1200, 760, false); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS("table.bugs"))); err != nil {
		t.Fatal(err)
	}
	png, err := browser.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(png))
}

// checkRunbookPages: every runbook renders with a table of contents and
// lists each known bug that points to it.
func checkRunbookPages(t *testing.T, public string, rep recheckgen.Report) {
	pages, _ := filepath.Glob(filepath.Join(public, "runbooks", "*.html"))
	if len(pages) < 5 {
		t.Errorf("%d runbook pages", len(pages))
	}
	for _, p := range pages {
		html, _ := os.ReadFile(p)
		if !strings.Contains(string(html), `<nav class="toc"`) {
			t.Errorf("%s has no table of contents", p)
		}
	}
	for _, b := range rep.Bugs {
		if b.Runbook == "" {
			continue
		}
		target, _, _ := strings.Cut(b.Runbook, "#")
		html, err := os.ReadFile(filepath.Join(public, "runbooks", strings.TrimSuffix(target, ".md")+".html"))
		if err != nil || !strings.Contains(string(html), `href="../bugs/`+b.ID+`.html"`) {
			t.Errorf("runbook %s does not list bug %s: %v", target, b.ID, err)
		}
	}
}
