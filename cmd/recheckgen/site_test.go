package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/browser"
)

// buildSample runs `recheckgen build` on the repository's queries and
// runbooks over a freshly generated sample corpus, into a temporary public/.
func buildSample(t *testing.T) (public string, rep recheckgen.Report) {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	tmp := t.TempDir()
	public = filepath.Join(tmp, "public")
	code, out, errOut := runCmd(t, "build", "--offline", "--config", filepath.Join(root, "recheckgen.yaml"),
		"--queries", filepath.Join(root, "queries"), "--content", filepath.Join(root, "content"),
		"--public", public, "--db", filepath.Join(tmp, "logs.db"), "--sample", filepath.Join(tmp, "sample"),
		"--echarts", filepath.Join(root, "node_modules", "echarts", "dist", "echarts.min.js"))
	if code != exitOK {
		t.Fatalf("build: exit %d\n%s\n%s", code, out, errOut)
	}
	data, err := os.ReadFile(filepath.Join(public, "data", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return public, rep
}

// TestSampleSiteInBrowser is the end-to-end test: the sample site, served
// on 127.0.0.1, opens in Chromium with no console error, draws every chart,
// leads from a bug to its runbook, and finds a runbook through search.
func TestSampleSiteInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the sample site")
	}
	ctx, log := browser.New(t)
	public, rep := buildSample(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(public)))
	defer srv.Close()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/index.html"), chromedp.WaitReady(chromedp.CSS("table.bugs"))); err != nil {
		t.Fatal(err)
	}
	var withRunbook *recheckgen.BugReport
	charts := 0
	for i, b := range rep.Bugs {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/bugs/"+b.ID+".html"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatalf("%s: %v", b.ID, err)
		}
		if !b.SuppressGraph && b.Builds > 0 {
			if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`.chart[data-drawn="true"] canvas`))); err != nil {
				t.Errorf("%s: chart not drawn: %v", b.ID, err)
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
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/bugs/"+withRunbook.ID+".html"),
		chromedp.Click(chromedp.CSS(`dl.facts a[href*="runbooks/"]`)), chromedp.WaitReady(chromedp.CSS("article.runbook nav.toc"))); err != nil {
		t.Fatalf("bug → runbook: %v", err)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/runbooks/") {
		t.Errorf("followed the runbook link to %s", loc)
	}
	// Search finds a runbook.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/index.html"), chromedp.SendKeys(chromedp.CSS("#q"), "mistral"),
		chromedp.WaitVisible(chromedp.CSS(`#search-results a[href*="runbooks/"]`))); err != nil {
		t.Errorf("search found no runbook: %v", err)
	}
	checkRunbookPages(t, public, rep)
	errs, dialogs := log.Snapshot()
	if len(errs) > 0 || len(dialogs) > 0 {
		t.Errorf("console errors %v, dialogs %v", errs, dialogs)
	}
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
