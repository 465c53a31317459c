package main

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallCorpus writes two build directories and returns the directory.
func smallCorpus(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for i, line := range []string{"ERROR boom happened", "all good"} {
		dir := filepath.Join(root, fmt.Sprintf("b%d", i))
		os.MkdirAll(dir, 0o755)
		result := []string{"FAILURE", "SUCCESS"}[i]
		os.WriteFile(filepath.Join(dir, "build.json"), []byte(fmt.Sprintf(
			`{"uuid": "uuid%d", "job_name": "tempest-full-py3", "result": %q, "voting": true, "pipeline": "gate",
			  "project": "openstack/nova", "start_time": "2026-11-20T10:00:00", "log_url": "https://logs.example.org/b%d/"}`, i, result, i)), 0o644)
		os.WriteFile(filepath.Join(dir, "job-output.txt"), []byte("2026-11-20 10:05:00.000000 | "+line+"\n"), 0o644)
	}
	return root
}

func storeFlags(t *testing.T, corpus string) []string {
	return []string{"--config", filepath.Join(t.TempDir(), "none.yaml"), "--db", filepath.Join(t.TempDir(), "logs.db"),
		"--ingest", corpus, "--sample", "", "--window-end", "2026-11-21T00:00:00Z", "--queries", t.TempDir()}
}

func TestIngestCommand(t *testing.T) {
	corpus := smallCorpus(t)
	db := filepath.Join(t.TempDir(), "logs.db")
	code, out, errOut := runCmd(t, "ingest", "--db", db, corpus)
	if code != exitOK || !strings.Contains(out, "ingested 2 build(s), 2 file(s), 2 lines") {
		t.Errorf("first ingest: %d %s %s", code, out, errOut)
	}
	code, out, _ = runCmd(t, "ingest", "--db", db, corpus)
	if code != exitOK || !strings.Contains(out, "ingested 0 build(s)") || !strings.Contains(out, "2 already stored") {
		t.Errorf("second ingest: %d %s", code, out)
	}
	if code, _, errOut := runCmd(t, "ingest", "--db", db); code != exitUsage || !strings.Contains(errOut, "name at least one directory") {
		t.Errorf("no directory: %d %s", code, errOut)
	}
}

// A Zuul v3 multinode layout is read by default, and --files says which
// files of each build were read and which were not.
func TestIngestFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mn")
	write := func(rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
	}
	write("build.json", `{"uuid": "mn1", "job_name": "tempest-multinode-full", "result": "FAILURE", "start_time": "2026-11-20T10:00:00"}`)
	write("job-output.txt", "2026-11-20 10:05:00.000000 | boom\n")
	write("controller/logs/screen-n-cpu.txt", "2026-11-20 10:05:00.000 1 ERROR nova.compute.manager [-] boom\n")
	write("compute1/logs/screen-q-agt.txt", "2026-11-20 10:05:00.000 1 ERROR neutron.agent [-] boom\n")
	write("zuul-info/inventory.yaml", "all: {}\n")
	code, out, errOut := runCmd(t, "ingest", "--files", "--db", filepath.Join(t.TempDir(), "logs.db"), filepath.Dir(dir))
	want := dir + " (mn1): 3 file(s) read, 0 skipped, 1 not chosen by --globs\n" +
		"  read        compute1/logs/screen-q-agt.txt\n  read        controller/logs/screen-n-cpu.txt\n  read        job-output.txt\n" +
		"  not chosen  zuul-info/inventory.yaml\n"
	if code != exitOK || !strings.Contains(out, "ingested 1 build(s), 3 file(s), 3 lines") || !strings.Contains(out, want) {
		t.Errorf("ingest --files: %d\n%s\nwant\n%s\n%s", code, out, want, errOut)
	}
}

func TestQueryCommand(t *testing.T) {
	flags := storeFlags(t, smallCorpus(t))
	// A missing named config must fail: drop --config for these runs.
	flags = flags[2:]
	code, out, errOut := runCmd(t, append([]string{"query"}, append(flags, `message:boom AND build_status:FAILURE`)...)...)
	if code != exitOK || !strings.Contains(out, "total hits: 1 lines in 1 builds") || !strings.Contains(out, "100% tempest-full-py3") ||
		!strings.Contains(out, "https://logs.example.org/b0/job-output.txt") {
		t.Errorf("query: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCmd(t, append([]string{"query", "--json"}, append(flags, `message:boom`)...)...)
	var got struct {
		Builds int
		Shares map[string][]struct{ Value string }
	}
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || got.Builds != 1 || got.Shares["build_status"][0].Value != "FAILURE" {
		t.Errorf("query --json: %d %s", code, out)
	}
	code, _, errOut = runCmd(t, append([]string{"query"}, append(flags, `message:(boom`)...)...)
	if code != exitFail || !strings.Contains(errOut, "(command line):1:9: error: query: `(` is never closed") {
		t.Errorf("bad query: %d %s", code, errOut)
	}
	code, _, errOut = runCmd(t, append([]string{"query"}, append(flags, `message:[a TO b]`)...)...)
	if code != exitFail || !strings.Contains(errOut, "cannot run a range on the text field") {
		t.Errorf("unsupported query: %d %s", code, errOut)
	}
	if code, _, errOut := runCmd(t, append([]string{"query", "--bug", "404"}, flags...)...); code != exitFail || !strings.Contains(errOut, "no query file for bug 404") {
		t.Errorf("missing bug: %d %s", code, errOut)
	}
}

func TestExplainCommand(t *testing.T) {
	if code, _, _ := runCmd(t, "explain", "--config", filepath.Join(t.TempDir(), "x.yaml"), `message:"a b" OR tags:x AND NOT build_name:y`); code != exitFail { // the config named does not exist
		t.Errorf("explain with a missing config: %d", code)
	}
	code, out, errOut := runCmd(t, "explain", `message:"a b" OR tags:x AND NOT build_name:y`)
	for _, want := range []string{"canonical (default operator OR):\n  tags:x AND NOT build_name:y", "    NOT\n", "EXISTS (SELECT 1 FROM file_tags"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	if code != exitOK || !strings.Contains(errOut, "is optional here") {
		t.Errorf("explain: %d, warning %q", code, errOut)
	}
}

// TestBuildExitCodes: a query the backend cannot run, and a query file
// that does not load, still give a site with the rest, each broken query
// marked with why and its numbers unknown, and exit 3.
func TestBuildExitCodes(t *testing.T) {
	tmp := t.TempDir()
	queries, public := filepath.Join(tmp, "queries"), filepath.Join(tmp, "public")
	os.MkdirAll(queries, 0o755)
	os.WriteFile(filepath.Join(queries, "boom.yaml"), []byte("title: Boom\nquery: message:boom\n"), 0o644)
	os.WriteFile(filepath.Join(queries, "ranged.yaml"), []byte("title: Ranged\nquery: message:[a TO b]\n"), 0o644)
	args := []string{"build", "--offline", "--db", filepath.Join(tmp, "logs.db"), "--ingest", smallCorpus(t), "--sample", "",
		"--window-end", "2026-11-21T00:00:00Z", "--queries", queries, "--content", filepath.Join(tmp, "none"),
		"--public", public, "--echarts", ""}
	code, _, errOut := runCmd(t, args...)
	if code != exitPartial || !strings.Contains(errOut, "query failed: "+filepath.Join(queries, "ranged.yaml")) {
		t.Fatalf("exit %d, want %d:\n%s", code, exitPartial, errOut)
	}
	page, err := os.ReadFile(filepath.Join(public, "bugs", "ranged.html"))
	if err != nil || !strings.Contains(string(page), "This query did not run") {
		t.Errorf("failed bug page: %v", err)
	}
	os.WriteFile(filepath.Join(queries, "broken.yaml"), []byte("query: (unclosed\n"), 0o644)
	code, _, errOut = runCmd(t, args...)
	if code != exitPartial || !strings.Contains(errOut, "query failed: "+filepath.Join(queries, "broken.yaml")+": the query file did not load: line 1, column 8: query: `(` is never closed") {
		t.Fatalf("bad query file: exit %d\n%s", code, errOut)
	}
	var rep struct {
		Bugs []struct {
			ID     string
			Fails  *int
			Builds *int
			Broken bool
		}
		Broken []struct{ ID, File, Stage, Error string }
	}
	data, _ := os.ReadFile(filepath.Join(public, "data", "report.json"))
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Bugs) != 3 || len(rep.Broken) != 2 || rep.Broken[1].ID != "broken" || rep.Broken[1].Stage != "load" ||
		rep.Broken[0].ID != "ranged" || rep.Broken[0].Stage != "run" {
		t.Errorf("report: %+v", rep)
	}
	for _, b := range rep.Bugs {
		if b.Broken != (b.ID != "boom") {
			t.Errorf("%s: broken %v", b.ID, b.Broken)
		}
		// A broken query's numbers are unknown (null), never 0.
		if (b.Fails == nil || b.Builds == nil) != b.Broken {
			t.Errorf("%s: broken %v, fails %v, builds %v", b.ID, b.Broken, b.Fails, b.Builds)
		}
	}
	page, _ = os.ReadFile(filepath.Join(public, "bugs", "broken.html"))
	index, _ := os.ReadFile(filepath.Join(public, "index.html"))
	for name, want := range map[string][]string{
		"bugs/broken.html": {"This query did not run: the query file did not load: line 1, column 8: query: `(` is never closed: add a `)`. Its numbers are unknown.", "<strong>unknown</strong>"},
		"index.html":       {"Queries that could not run", `href="bugs/broken.html"`, "numbers unknown: the query file did not load: line 1, column 8: query: `(` is never closed"},
	} {
		text := map[string]string{"bugs/broken.html": string(page), "index.html": string(index)}[name]
		for _, w := range want {
			if !strings.Contains(text, html.EscapeString(w)) && !strings.Contains(text, w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
	// A broken config still publishes nothing and keeps the site.
	os.WriteFile(filepath.Join(tmp, "bad.yaml"), []byte("site: [\n"), 0o644)
	code, _, errOut = runCmd(t, append(args, "--config", filepath.Join(tmp, "bad.yaml"))...)
	if code != exitFail {
		t.Errorf("bad config: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(public, "bugs", "broken.html")); err != nil {
		t.Error("the previous site was not kept")
	}
}

// TestBuildCarriesHistory: --previous carries an earlier report's daily
// history forward; an unreadable one only warns.
func TestBuildCarriesHistory(t *testing.T) {
	tmp := t.TempDir()
	queries, public := filepath.Join(tmp, "queries"), filepath.Join(tmp, "public")
	os.MkdirAll(queries, 0o755)
	os.WriteFile(filepath.Join(queries, "boom.yaml"), []byte("title: Boom\nquery: message:boom\n"), 0o644)
	prev := filepath.Join(tmp, "prev.json")
	os.WriteFile(prev, []byte(`{"bugs": [{"id": "boom", "history": [{"day": "2026-10-01", "fails": 4}]}]}`), 0o644)
	args := []string{"build", "--offline", "--db", filepath.Join(tmp, "logs.db"), "--ingest", smallCorpus(t), "--sample", "",
		"--window-end", "2026-11-21T00:00:00Z", "--queries", queries, "--content", filepath.Join(tmp, "none"), "--public", public, "--echarts", ""}
	if code, _, errOut := runCmd(t, append(args, "--previous", prev)...); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, _ := os.ReadFile(filepath.Join(public, "data", "report.json"))
	var rep struct {
		Bugs []struct {
			History []struct {
				Day   string
				Fails int
			}
		}
	}
	json.Unmarshal(data, &rep)
	if len(rep.Bugs) != 1 || len(rep.Bugs[0].History) != 11 || rep.Bugs[0].History[0].Day != "2026-10-01" || rep.Bugs[0].History[0].Fails != 4 {
		t.Errorf("history: %+v", rep.Bugs)
	}
	code, _, errOut := runCmd(t, append(args, "--previous", filepath.Join(tmp, "missing.json"))...)
	if code != exitOK || !strings.Contains(errOut, "history starts afresh") {
		t.Errorf("missing previous report: %d %s", code, errOut)
	}
}

func TestImportCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "q")
	fixture := filepath.Join("..", "..", "queryimport", "testdata", "sova-patterns.json")
	code, stdout, errOut := runCmd(t, "import", "--out", out, fixture)
	if code != exitOK || !strings.Contains(stdout, "wrote "+filepath.Join(out, "sova-console-1.yaml")) ||
		!strings.Contains(stdout, "not translated: patterns.bmc[0] id 8: \"-->\" holds no word to search for") ||
		!strings.Contains(stdout, "8 entries (sova format): 6 written, 2 not translated") {
		t.Errorf("import: %d\n%s\n%s", code, stdout, errOut)
	}
	if code, _, errOut := runCmd(t, "import", "--out", out, "build.go"); code != exitFail || !strings.Contains(errOut, "neither YAML nor JSON") && !strings.Contains(errOut, "found neither `queries`") {
		t.Errorf("not a pattern file: %d %s", code, errOut)
	}
	if code, _, _ := runCmd(t, "import"); code != exitUsage {
		t.Errorf("no file: %d", code)
	}
}

// TestBuildKeepsWhatItReads: --public naming a site of its own that holds
// what the run reads or keeps (the fetch cache, the store) is refused,
// naming the path, and nothing in it is lost.
func TestBuildKeepsWhatItReads(t *testing.T) {
	for _, inside := range []string{"cache", "db"} {
		t.Run(inside, func(t *testing.T) {
			site := filepath.Join(t.TempDir(), "site")
			os.MkdirAll(filepath.Join(site, "cache", "zuul"), 0o755)
			os.WriteFile(filepath.Join(site, ".recheckgen-site"), nil, 0o644) // a site recheckgen wrote
			keep := filepath.Join(site, "cache", "zuul", "build.json")
			os.WriteFile(keep, []byte("{}"), 0o644)
			db := filepath.Join(t.TempDir(), "logs.db")
			if inside == "db" {
				db = filepath.Join(site, "logs.db")
			}
			code, _, errOut := runCmd(t, "build", "--offline", "--db", db, "--ingest", smallCorpus(t), "--sample", "",
				"--window-end", "2026-11-21T00:00:00Z", "--queries", t.TempDir(), "--content", t.TempDir(),
				"--cache", filepath.Join(site, "cache"), "--public", site, "--echarts", "")
			if code != exitFail || !strings.Contains(errOut, "refusing to replace "+site) {
				t.Errorf("exit %d, want %d refusing to replace %s:\n%s", code, exitFail, site, errOut)
			}
			if _, err := os.Stat(keep); err != nil {
				t.Errorf("the fetch cache was lost: %v", err)
			}
		})
	}
}
