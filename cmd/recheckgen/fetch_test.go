package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/fetch"
	"github.com/recheckgen/recheckgen/internal/opensearchtest"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/sample"
)

// replayCorpus is a small sample corpus served by a replay Zuul and a
// replay Jenkins.
func replayCorpus(t *testing.T) (*replay.Zuul, *replay.Jenkins, int) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sample")
	if _, err := sample.Generate(dir, sample.Options{Builds: 30}); err != nil {
		t.Fatal(err)
	}
	bs, err := replay.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	jbs, _ := replay.Load(dir)
	return z, replay.NewJenkins(t, jbs, replay.JenkinsOptions{}), len(bs)
}

// sourcesProject writes a config fetching from sources into a fresh store
// and returns its path and the store's.
func sourcesProject(t *testing.T, sources string) (cfg, db, public string) {
	t.Helper()
	dir := t.TempDir()
	db, public = filepath.Join(dir, "logs.db"), filepath.Join(dir, "public")
	cfg = filepath.Join(dir, "recheckgen.yaml")
	src := fmt.Sprintf(`site:
  echarts: ""
tracker:
  offline: true
window:
  end: latest
dirs:
  public: %s
  queries: ../../queries
  content: ../../content
backend:
  sqlite:
    path: %s
fetch:
  cache: %s
  since: 90d
  keep: 90d
  retries: 1
sources:
%s`, public, db, filepath.Join(dir, "cache"), sources)
	if err := os.WriteFile(cfg, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg, db, public
}

// TestFetchCommand: fetch brings a Zuul tenant's and a Jenkins view's
// builds into the store and says what it did, in text and in JSON; a
// second run holds them all; build then publishes the site from them.
func TestFetchCommand(t *testing.T) {
	z, j, n := replayCorpus(t)
	// One failed build's log server fails: it is stored, logs missing.
	var victim *replay.Build
	for _, b := range z.Builds() {
		if b.Result == "FAILURE" {
			victim = b
			break
		}
	}
	z.Inject(replay.Prefix("/logs/"+victim.UUID+"/"), replay.Fault{Status: 503})
	cfg, _, public := sourcesProject(t, fmt.Sprintf("  - zuul: %s\n    success_logs_percent: 0\n  - jenkins: %s/view/all/\n", z.API(), j.URL))
	code, out, errOut := runCmd(t, "fetch", "--config", cfg)
	want := fmt.Sprintf("zuul %s: %d build(s) listed on 1 page(s), 0 held already; fetched %d (", z.API(), n, n)
	if code != exitOK || !strings.Contains(out, want) || !strings.Contains(out, fmt.Sprintf("jenkins %s/view/all/: %d build(s) listed", j.URL, n)) {
		t.Fatalf("fetch: %d\n%s\n%s", code, out, errOut)
	}
	// The second run holds every build; it fetches again only the logs
	// the log server failed to give (it fails still).
	code, out, errOut = runCmd(t, "fetch", "--config", cfg, "--json")
	var sum fetch.Summary
	if code != exitOK || json.Unmarshal([]byte(out), &sum) != nil || len(sum.Sources) != 2 || sum.Sources[0].Held != n ||
		sum.Sources[0].Fetched != 1 || sum.Sources[0].Retried != 1 || sum.Sources[0].Recovered != 0 ||
		len(sum.Sources[0].LogsMissing) != 1 || !sum.Sources[0].Complete || sum.Sources[1].Held != n {
		t.Fatalf("fetch --json: %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = runCmd(t, "build", "--config", cfg)
	if code != exitOK || !strings.Contains(errOut, "built "+public) {
		t.Fatalf("build: %d\n%s\n%s", code, out, errOut)
	}
	// Every build of both sources was listed: builds run are known, on
	// the dashboard, per job; the build without logs is listed apart.
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(public, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	var rep struct {
		Window struct{ Start, End time.Time }
		Totals struct{ Runs *int }
	}
	if err := json.Unmarshal([]byte(read("data/report.json")), &rep); err != nil {
		t.Fatal(err)
	}
	// The site counts voting builds (Jenkins jobs all vote) of the window.
	runs := 0
	for _, b := range z.Builds() {
		if !b.Start.Before(rep.Window.Start) && b.Start.Before(rep.Window.End) {
			runs++ // Jenkins'
			if string(b.Record["voting"]) == "true" {
				runs++
			}
		}
	}
	if rep.Totals.Runs == nil || *rep.Totals.Runs != runs {
		t.Errorf("report.json: %v builds run, runs %d", rep.Totals.Runs, runs)
	}
	if index := read("index.html"); !strings.Contains(index, fmt.Sprintf("window: <strong>%d</strong> run", runs)) {
		t.Errorf("the dashboard does not say %d builds ran:\n%s", runs, index)
	}
	if job := read("jobs/index.html"); strings.Contains(job, "not known") {
		t.Errorf("jobs/index.html: builds run not known")
	}
	if u := read("uncategorized.html"); !strings.Contains(u, `id="no-logs"`) || !strings.Contains(u, victim.UUID[:7]) || !strings.Contains(u, "logs missing") {
		t.Errorf("uncategorized.html does not list %s as logs missing", victim.UUID)
	}
	if !strings.Contains(out+errOut, "logs missing: "+victim.UUID) && !strings.Contains(errOut, "and 1 failed without logs") {
		t.Errorf("the build's summary does not name the build without logs:\n%s", errOut)
	}
	// Three fetches found its logs missing (fetch, fetch, build); the
	// fourth, once the log server answers, makes it whole.
	z.Clear()
	code, out, errOut = runCmd(t, "fetch", "--config", cfg)
	if code != exitOK || !strings.Contains(out, "; 1 build(s) whose logs were missing fetched again, 1 now whole") {
		t.Fatalf("fetch once the log server answers: %d\n%s\n%s", code, out, errOut)
	}
}

// TestFetchFailingSource: a source whose API fails fails fetch (exit 1,
// the error named) but not build, which publishes what the store holds.
func TestFetchFailingSource(t *testing.T) {
	z, _, _ := replayCorpus(t)
	cfg, _, public := sourcesProject(t, fmt.Sprintf("  - zuul: %s\n", z.API()))
	if code, _, errOut := runCmd(t, "fetch", "--config", cfg); code != exitOK {
		t.Fatalf("first fetch: %d %s", code, errOut)
	}
	z.Inject(replay.Prefix("/api/"), replay.Fault{Status: 500})
	code, out, errOut := runCmd(t, "fetch", "--config", cfg)
	if code != exitFail || !strings.Contains(out, "error: listing "+z.API()+"/builds?limit=100: server answered 500 Internal Server Error: Internal Server Error (after 2 tries)\n") {
		t.Errorf("failing fetch: %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runCmd(t, "build", "--config", cfg)
	if code != exitOK || !strings.Contains(errOut, "error: listing") || !strings.Contains(errOut, "built "+public) {
		t.Errorf("build with a failing source: %d\n%s", code, errOut)
	}
}

// TestDBNeverGetsTheSample: a store named by --db does not silently
// receive the sample corpus a config (or the default) would store.
func TestDBNeverGetsTheSample(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "recheckgen.yaml")
	sampleDir := filepath.Join(dir, "sample")
	os.WriteFile(cfg, []byte("backend:\n  sqlite:\n    sample: "+sampleDir+"\n"), 0o644)
	mine := filepath.Join(dir, "mine.db")
	code, _, errOut := runCmd(t, "query", "--config", cfg, "--db", mine, "--window-end", "2026-11-21T00:00:00Z", "message:x")
	if code != exitOK || !strings.Contains(errOut, "note: the sample corpus is not stored into "+mine+", named by --db (add --sample "+sampleDir) {
		t.Errorf("query --db: %d\n%s", code, errOut)
	}
	if _, err := os.Stat(sampleDir); !os.IsNotExist(err) {
		t.Errorf("the sample was generated: %v", err)
	}
}

// TestFetchBar: the progress bar shows builds fetched of those to fetch,
// listed and held, bytes, rate and time left, redraws one line, and clears
// it at the end.
func TestFetchBar(t *testing.T) {
	var b strings.Builder
	draw := drawFetch(&b, time.Now().Add(-10*time.Second))
	draw(fetch.Progress{Source: "zuul https://zuul.example.org/api/tenant/t", Listed: 40, Held: 10, Queued: 30, Done: 15, Bytes: 20e6})
	out := b.String()
	for _, want := range []string{"\r\033[K", "[===============               ] 15/30 builds (40 listed, 10 held), 20.0 MB, 2.0 MB/s, ETA 10s"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar %q lacks %q", out, want)
		}
	}
	b.Reset()
	draw(fetch.Progress{Listed: 40, Held: 10, Queued: 30, Done: 30, Bytes: 30e6})
	if !strings.HasSuffix(b.String(), "\r\033[K") {
		t.Errorf("the last draw does not clear the line: %q", b.String())
	}
}

// TestFetchIntoCluster: with the OpenSearch backend, fetched builds go to
// the cluster through the bulk writer (by way of the staging store), a
// second fetch writes nothing again, and build reads the site from the
// cluster.
func TestFetchIntoCluster(t *testing.T) {
	z, _, _ := replayCorpus(t)
	srv := opensearchtest.New(t)
	cfg, _, public := sourcesProject(t, fmt.Sprintf("  - zuul: %s\n", z.API()))
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "report:\n  max_lag: 0s\n")
	f.Close()
	args := []string{"--config", cfg, "--backend", "opensearch", "--opensearch-url", srv.URL}
	code, out, errOut := runCmd(t, append([]string{"fetch"}, args...)...)
	if code != exitOK || !strings.Contains(out, "to the cluster: wrote") || srv.Docs("logstash-logs-*") == 0 {
		t.Fatalf("fetch into a cluster: %d\n%s\n%s", code, out, errOut)
	}
	docs := srv.Docs("logstash-logs-*")
	code, out, _ = runCmd(t, append([]string{"fetch"}, args...)...)
	if code != exitOK || !strings.Contains(out, "to the cluster: wrote 0 build(s)") || srv.Docs("logstash-logs-*") != docs {
		t.Errorf("second fetch: %d\n%s", code, out)
	}
	code, _, errOut = runCmd(t, append([]string{"build"}, args...)...)
	if code != exitOK || !strings.Contains(errOut, "built "+public) {
		t.Errorf("build from the cluster: %d\n%s", code, errOut)
	}
}
