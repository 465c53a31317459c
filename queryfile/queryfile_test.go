package queryfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/internal/fixtures"
	"github.com/recheckgen/recheckgen/lucene"
)

func load(t *testing.T, name, src string) (recheckgen.Query, diag.List) {
	t.Helper()
	return Load(filepath.Join("queries", name), []byte(src), Options{Operator: lucene.AND})
}

// TestRealQueries loads elastic-recheck's real query files unchanged.
func TestRealQueries(t *testing.T) {
	for _, sub := range []string{"queries", "unit-queries/queries", "unit-queries/queries_with_filters", "unit-queries/suppressed_queries"} {
		dir := fixtures.Path(t, sub)
		qs, dl := LoadDir(dir, Options{Operator: lucene.AND})
		if dl.Errors() > 0 {
			t.Errorf("%s: %v", sub, dl)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if len(qs) != len(files) || len(qs) == 0 {
			t.Errorf("%s: loaded %d of %d files", sub, len(qs), len(files))
		}
		for _, q := range qs {
			if q.Expr == nil || q.Raw == "" || q.Bug.Tracker != recheckgen.Launchpad || q.Bug.ID != q.ID {
				t.Errorf("%s: incomplete query %+v", q.File, q)
			}
		}
	}
	if n := countFiles(t, fixtures.Path(t, "queries")); n != 61 {
		t.Errorf("expected the 61 real query files, found %d", n)
	}
}

func countFiles(t *testing.T, dir string) int {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

func TestRealQueryKeys(t *testing.T) {
	dir := fixtures.Path(t, "queries")
	read := func(id string) recheckgen.Query {
		src, err := os.ReadFile(filepath.Join(dir, id+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		q, dl := Load(filepath.Join(dir, id+".yaml"), src, Options{})
		if dl.Errors() > 0 {
			t.Fatal(dl)
		}
		return q
	}
	if q := read("1260311"); !q.SuppressGraph || q.AllowNonvoting {
		t.Errorf("1260311: suppress-graph not read: %+v", q)
	}
	if q := read("1708704"); !q.AllowNonvoting {
		t.Errorf("1708704: allow-nonvoting not read")
	}
	if q := read("1775947"); len(q.TestIDs) != 1 || !strings.HasPrefix(q.TestIDs[0], "tempest.api.compute") {
		t.Errorf("1775947: test_ids = %v", q.TestIDs)
	}
}

func TestOwnKeys(t *testing.T) {
	q, dl := load(t, "tripleo-ovb.yaml", `
title: OVB stack creation fails
bug: https://issues.redhat.com/browse/OSPRH-1234
runbook: tripleo-mistral-gate.md#stages
tags: [tripleo, infra]
query: >-
  message:"ERROR - Failed creating OVB stack" AND tags:console
`)
	if dl.Errors() > 0 || len(dl) > 0 {
		t.Fatalf("unexpected diagnostics: %v", dl)
	}
	if q.Title != "OVB stack creation fails" || q.Bug.Tracker != recheckgen.Jira || q.Bug.ID != "OSPRH-1234" ||
		q.Runbook != "tripleo-mistral-gate.md#stages" || strings.Join(q.Tags, ",") != "tripleo,infra" {
		t.Errorf("got %+v", q)
	}
}

func TestRunbookResolver(t *testing.T) {
	opts := Options{Runbook: func(ref string) string {
		if ref == "ok.md" {
			return ""
		}
		return "no page " + ref
	}}
	_, dl := Load("queries/1.yaml", []byte("query: a\nrunbook: missing.md\n"), opts)
	if len(dl) != 1 || dl[0].Line != 2 || dl[0].Col != 10 || !strings.Contains(dl[0].Message, "no page missing.md") {
		t.Errorf("got %v", dl)
	}
	if _, dl := Load("queries/1.yaml", []byte("query: a\nrunbook: ok.md\n"), opts); len(dl) != 0 {
		t.Errorf("got %v", dl)
	}
}

func TestNoTrackerWarning(t *testing.T) {
	if _, dl := load(t, "my-bug.yaml", "query: a\ntitle: T\n"); len(dl) != 0 {
		t.Errorf("a title is enough: %v", dl)
	}
	_, dl := load(t, "my-bug.yaml", "query: a\n")
	if len(dl) != 1 || dl[0].Severity != diag.Warning || !strings.Contains(dl[0].Message, "no `bug:` URL or `title`") {
		t.Errorf("got %v", dl)
	}
}

func TestLoadDirKeepsGoing(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1.yaml", "query: a\n")
	write("2.yaml", "query: (a\n")
	write("3.yml", "query: a\n")
	write("README.md", "not a query")
	write("4.yaml", "query: b\nsupress-graph: true\n")
	qs, dl := LoadDir(dir, Options{})
	if len(qs) != 1 || qs[0].ID != "1" {
		t.Errorf("loaded %v", qs)
	}
	if dl.Errors() != 3 {
		t.Errorf("want 3 errors (2.yaml, 3.yml, 4.yaml), got %v", dl)
	}
	if _, dl := LoadDir(filepath.Join(dir, "nope"), Options{}); dl.Errors() != 1 {
		t.Errorf("missing dir: %v", dl)
	}
}

// TestTagWarnings: a tag no line is given is warned about, with the
// category tag it was probably meant to be.
func TestTagWarnings(t *testing.T) {
	produced := func(tag string) bool { return tag == "console" || strings.HasSuffix(tag, ".txt") }
	for _, c := range []struct{ query, want string }{
		{`message:"x" AND tags:consol`, "no line is tagged `consol`: a line's tags are its file's base name (such as `screen-n-cpu.txt`, of a file the store reads) and the log pipeline's apachecombined, apacheerror, console, console.html, errors, multiline, oslofmt, postci, screen, syslog; did you mean `console`?"},
		{`message:"x" AND tags:"screen-n-cpu"`, "no line is tagged `screen-n-cpu`"},
		{`message:"x" AND tags:console`, ""},
		{`message:"x" AND (tags:"screen-n-cpu.txt" OR tags:console)`, ""},
		{`message:"x" AND tags:consol*`, ""}, // patterns are not checked
	} {
		_, dl := Load("queries/1.yaml", []byte("query: '"+strings.ReplaceAll(c.query, "'", "''")+"'\n"), Options{Tags: produced})
		got := ""
		for _, d := range dl {
			if strings.Contains(d.Message, "tagged") {
				got = d.Message
			}
		}
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.query, got, c.want)
		}
	}
}

// TestResolvedAt: elastic-recheck's resolved_at (a date(1) string) loads
// with a note; the query is marked, and unknown keys stay errors.
func TestResolvedAt(t *testing.T) {
	src := "query: >\n  message:\"Connection to neutron failed: Maximum attempts reached\"\n  AND filename:\"logs/screen-n-cpu.txt\"\nresolved_at: \"Tue Dec 10 12:08:42 EST 2013\"\n"
	q, dl := load(t, "1253896.yaml", src)
	if dl.Errors() != 0 || len(dl) != 1 || dl[0].Severity != diag.Note || dl[0].Line != 4 ||
		!strings.Contains(dl[0].Message, "resolved_at: elastic-recheck skipped this query as resolved (Tue Dec 10 12:08:42 EST 2013): it is checked and left off the report") {
		t.Errorf("diagnostics %v", dl)
	}
	if q.ResolvedAt != "Tue Dec 10 12:08:42 EST 2013" || q.Expr == nil {
		t.Errorf("query %+v", q)
	}
	if _, dl := load(t, "1.yaml", src+"resolved: yes\n"); dl.Errors() != 1 || !strings.Contains(dl[0].Message+dl[1].Message, "resolved") {
		t.Errorf("unknown key: %v", dl)
	}
}
