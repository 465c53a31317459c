package queryimport_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/queryimport"
	"github.com/recheckgen/recheckgen/store"
)

// want is each fixture entry's outcome: the query, or the start of why it
// cannot be translated.
var want = map[string]struct{ query, err string }{
	"overcloud-create-failed": {query: `(message:"Stack overcloud CREATE_FAILED") AND (tags:"console")`},
	"mirror-sync":             {query: `(message:"Failed to fetch" AND message:"File has unexpected size") AND (tags:"console" OR tags:"job-output.txt")`},
	"timed-out-tasks":         {query: `((message:"Timeout (12s) waiting for privilege escalation prompt")) AND (tags:"console")`},
	"rpm-build-failed":        {query: `(message:"Failed to build" AND message:".rpm")`},
	"node-failure":            {query: `(((message:"No valid host was found") OR (message:"Unable to find a compute node"))) AND (tags:"console")`},
	"ansible-exit":            {query: `((message:"fatal: [" AND message:"]: FAILED! =>")) AND (tags:"console")`},
	"exclusion":               {query: `message:"RESULT_TIMED_OUT" AND tags:"console" AND NOT build_name:"tripleo-ci-centos-9-standalone"`},
	"lookahead":               {err: `regex "ERROR (?!skipped)": not a regular expression Go reads (lookaround and backreferences have no Lucene form)`},
	"punctuation-only":        {err: `":: --> ::" holds no word to search for`},
	"no-pattern":              {err: "neither `pattern` nor `regex`"},
	"":                        {err: `unknown key "patern" (line 43)`},
	"sova-console-1":          {query: `(message:"Stack overcloud CREATE_FAILED") AND (tags:"console")`},
	"sova-console-2":          {query: `(message:"Killed" AND message:"timeout -s 9") AND (tags:"console")`},
	"sova-console-3":          {query: `(message:"Deployment exited with non-zero status code:") AND (tags:"console")`},
	"sova-console-4":          {query: `(message:": no host") AND (tags:"console")`},
	"sova-console-5":          {err: "not a regular expression Go reads"},
	"sova-errors-6":           {query: `(message:"Error:") AND (tags:"errors.txt")`},
	"sova-syslog-7":           {query: `(message:"Out of memory: Kill process") AND (tags:"journal.txt")`},
	"sova-bmc-8":              {err: `"-->" holds no word to search for`},
}

// lines are where each translated query must find its failure.
var lines = map[string][2]string{
	"overcloud-create-failed": {"job-output.txt", "Stack overcloud CREATE_FAILED"},
	"mirror-sync":             {"job-output.txt", "E: Failed to fetch http://mirror.example.org/a.deb  File has unexpected size (123 != 456)"},
	"timed-out-tasks":         {"job-output.txt", "Timeout (12s) waiting for privilege escalation prompt:"},
	"rpm-build-failed":        {"logs/build.log", "Failed to build python-foo-1.2.rpm"},
	"node-failure":            {"job-output.txt", "Unable to find a compute node for instance x"},
	"ansible-exit":            {"job-output.txt", `fatal: [undercloud]: FAILED! => {"rc": 2}`},
	"exclusion":               {"job-output.txt", "RESULT_TIMED_OUT"},
	"sova-console-1":          {"job-output.txt", "Stack overcloud CREATE_FAILED"},
	"sova-console-2":          {"job-output.txt", "Killed                  timeout -s 9 ansible-playbook"},
	"sova-console-3":          {"job-output.txt", "Deployment exited with non-zero status code: 1"},
	"sova-console-4":          {"job-output.txt", "NovaError: no host available"},
	"sova-errors-6":           {"logs/undercloud/var/log/extra/errors.txt", "Error: /Stage[main]/Tripleo::Profile/Exec[x]"},
	"sova-syslog-7":           {"logs/journal.txt", "kernel: Out of memory: Kill process 123 (mysqld)"},
}

// TestImport reads fixtures written from each format's documentation,
// translates what Lucene can say and names why not for the rest, writes
// query files that load, and round-trips: each written query, run on a
// store holding its failure's line, finds that line, and none finds a
// clean build.
func TestImport(t *testing.T) {
	out := t.TempDir()
	var entries []queryimport.Entry
	for _, f := range []string{"tripleo-queries.yml", "sova-patterns.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		format, es, err := queryimport.Read(data)
		if err != nil || format != map[string]string{"tripleo-queries.yml": "tripleo", "sova-patterns.json": "sova"}[f] {
			t.Fatalf("%s: %s %v", f, format, err)
		}
		for i := range es {
			es[i].Check(lucene.OR)
		}
		if _, err := queryimport.Write(out, f, es, false); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, es...)
	}
	if len(entries) != len(want) {
		t.Errorf("%d entries, want %d", len(entries), len(want))
	}
	for _, e := range entries {
		w, ok := want[e.ID]
		switch {
		case !ok:
			t.Errorf("unexpected entry %q", e.ID)
		case w.err != "" && (e.Err == nil || !strings.Contains(e.Err.Error(), w.err)):
			t.Errorf("%s: error %v, want %q", e.ID, e.Err, w.err)
		case w.err == "" && (e.Err != nil || e.Query != w.query):
			t.Errorf("%s: %q (%v), want %q", e.ID, e.Query, e.Err, w.query)
		}
	}
	// Written files load as query files, with their title, bug and tags.
	qs, dl := queryfile.LoadDir(out, queryfile.Options{Operator: lucene.OR})
	if dl.Errors() > 0 || len(qs) != len(lines) {
		t.Fatalf("loaded %d of %d: %v", len(qs), len(lines), dl)
	}
	src, _ := os.ReadFile(filepath.Join(out, "overcloud-create-failed.yaml"))
	for _, s := range []string{"# Imported by `recheckgen import` from tripleo-queries.yml, queries[0] \"overcloud-create-failed\" (line 7).",
		"bug: https://bugs.launchpad.net/tripleo/+bug/1900001", "tags: [code]"} {
		if !strings.Contains(string(src), s) {
			t.Errorf("written file lacks %q:\n%s", s, src)
		}
	}
	// A second import does not write over the first.
	es := []queryimport.Entry{{ID: "mirror-sync", Query: `message:x`}}
	if written, _ := queryimport.Write(out, "again", es, false); len(written) != 0 || es[0].Err == nil {
		t.Errorf("overwrote: %v %v", written, es[0].Err)
	}

	st, win := failureStore(t)
	for _, q := range qs {
		m, err := st.Search(context.Background(), q, win, recheckgen.SearchOptions{Recent: 50, IncludeNonvoting: true})
		if err != nil {
			t.Errorf("%s: %v", q.ID, err)
			continue
		}
		found := false
		for _, h := range m.Recent {
			found = found || h.Build.UUID == "b-"+q.ID
			if h.Build.UUID == "clean" {
				t.Errorf("%s finds the clean build's %s", q.ID, h.Message)
			}
		}
		if !found {
			t.Errorf("%s: %s does not find %q", q.ID, q.Raw, lines[q.ID][1])
		}
	}
}

// failureStore holds a build per query with its failure's line, and a
// clean build.
func failureStore(t *testing.T) (*store.Store, recheckgen.Window) {
	root := t.TempDir()
	write := func(uuid, file, line string) {
		dir := filepath.Join(root, uuid)
		os.MkdirAll(filepath.Join(dir, filepath.Dir(file)), 0o755)
		os.WriteFile(filepath.Join(dir, "build.json"), []byte(fmt.Sprintf(`{"uuid": %q, "job_name": "tripleo-ci-centos-9-ovb", "result": "FAILURE", "start_time": "2026-11-20T10:00:00"}`, uuid)), 0o644)
		os.WriteFile(filepath.Join(dir, file), []byte("2026-11-20 10:05:00.000000 | "+line+"\n"), 0o644)
	}
	for id, l := range lines {
		write("b-"+id, l[0], l[1])
	}
	write("clean", "job-output.txt", "PLAY RECAP: undercloud ok=120 changed=40 failed=0")
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Ingest(context.Background(), []string{root}, store.IngestOptions{Globs: []string{"job-output.txt", "logs/**/*.txt", "logs/**/*.log"}}); err != nil {
		t.Fatal(err)
	}
	return st, recheckgen.Window{Start: time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}
}
