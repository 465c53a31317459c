package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/recheckgen/recheckgen/internal/browser"
)

// TestHostileDataInBrowser opens the pages of a site built from script
// payloads in Chromium: no dialog opens and no script error is thrown.
func TestHostileDataInBrowser(t *testing.T) {
	ctx, log := browser.New(t)
	in := hostileInput(t)
	if js, err := os.ReadFile(filepath.Join("..", "node_modules", "echarts", "dist", "echarts.min.js")); err == nil {
		in.EChartsJS = js // a real chart renders the hostile series names
	}
	dir := render(t, in)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, p := range []string{"index.html", "bugs/1234567.html", "uncategorized.html", "runbooks/gate.html", "tags/devstack.html", "search.html?q=%3Cscript%3E"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+p), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if title, _ := chromedp.Run(ctx, chromedp.Title()); title == "" {
			t.Errorf("%s: no title", p)
		}
	}
	// Typing into search lists matches as text, not markup.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/index.html"), chromedp.SendKeys(chromedp.CSS("#q"), "Title"),
		chromedp.WaitVisible(chromedp.CSS("#search-results li a"))); err != nil {
		t.Fatal(err)
	}
	errs, dialogs := log.Snapshot()
	if len(dialogs) > 0 {
		t.Errorf("dialogs opened: %v", dialogs)
	}
	if len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
