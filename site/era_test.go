package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/runbook"
)

// TestEras: a page's and a section's era show on the runbook page; a
// historical query says so on its page and on the dashboard, and stays
// off the stale list; a runbook section whose current bugs have been
// silent is listed on the dashboard with a link to it.
func TestEras(t *testing.T) {
	content := t.TempDir()
	page := "---\ntitle: Old CI\napplies: 2016-\n---\n\n## The marker {#marker applies=\"2016-2018\"}\n\nText.\n\n## Today {#today}\n\nText.\n"
	if err := os.WriteFile(filepath.Join(content, "old.md"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	set, dl := runbook.LoadDir(content, runbook.Markdown(false))
	if dl.Errors() > 0 {
		t.Fatal(dl)
	}
	cfg := config.Default()
	cfg.Dirs.Content = content
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	win := recheckgen.Window{Start: end.Add(-48 * time.Hour), End: end, Bucket: time.Hour}
	old := recheckgen.Query{ID: "old-marker", Title: "The old marker", Raw: `message:"x"`, Runbook: "old.md#marker",
		Applies: recheckgen.Era{From: 2016, To: 2018}}
	quiet := recheckgen.Query{ID: "quiet-today", Title: "A quiet bug", Raw: `message:"y"`, Runbook: "old.md#today",
		Applies: recheckgen.Era{From: 2019}}
	rep := report.Make(win, []report.Result{{Query: old, Match: &recheckgen.Match{}}, {Query: quiet, Match: &recheckgen.Match{}}}, nil, report.DefaultOptions(end))
	report.Quiet(rep, end, 30)
	dir := render(t, Input{Config: cfg, Report: rep, Graph: report.MakeGraph(rep, win, 0), Window: win,
		Queries: []recheckgen.Query{old, quiet}, Content: set, EChartsJS: []byte("/* echarts */")})
	for rel, wants := range map[string][]string{
		"runbooks/old.html":     {`Applies to builds since 2016.`, `<h2 id="marker" data-applies="builds of 2016–2018">`, `<h2 id="today">`},
		"bugs/old-marker.html":  {"Historical: this query looks for a line that only builds of 2016–2018 print", "<dt>Applies to</dt><dd>builds of 2016–2018</dd>"},
		"bugs/quiet-today.html": {"<dt>Applies to</dt><dd>builds since 2019</dd>"},
		"index.html": {`<span class="badge historical"`, `Runbook sections with no hit for 30 days`,
			`<a href="runbooks/old.html#today">old.md#today</a> (<a href="bugs/quiet-today.html">quiet-today</a>)`},
	} {
		html := read(t, dir, rel)
		for _, w := range wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s lacks %q", rel, w)
			}
		}
	}
	if strings.Contains(read(t, dir, "index.html"), `href="runbooks/old.html#marker"`) {
		t.Error("a section whose only bug is historical is listed as quiet")
	}
	if len(rep.Stale) != 1 || rep.Stale[0] != "quiet-today" {
		t.Errorf("stale %v: the historical query must stay off it", rep.Stale)
	}
}
