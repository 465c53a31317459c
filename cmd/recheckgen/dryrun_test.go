package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen/internal/gittest"
)

// TestDryRunOnAPullRequest: a branch adds a too-broad query (it matches a
// passing build) and one that duplicates an existing query; the dry run
// against the base branch flags both, with the numbers `recheckgen query`
// gives for the same text, and leaves the unchanged query out.
func TestDryRunOnAPullRequest(t *testing.T) {
	r := gittest.New(t)
	corpus := smallCorpus(t)
	repoDir, git, write := r.Dir, r.Git, r.Write
	write("queries/boom.yaml", "title: Boom\nquery: message:boom\n")
	write("recheckgen.yaml", "window:\n  end: 2026-11-21T00:00:00Z\nbackend:\n  sqlite:\n    path: "+filepath.Join(t.TempDir(), "logs.db")+
		"\n    ingest: ["+corpus+"]\n")
	git("add", ".")
	git("commit", "-qm", "base")
	git("checkout", "-qb", "change")
	write("queries/broad.yaml", "title: Broad\nquery: message:happened OR message:good\n")
	git("add", ".")
	git("commit", "-qm", "a broad query")
	write("queries/again.yaml", "title: Again\nquery: message:\"boom happened\"\n") // not committed yet: still a change
	t.Chdir(repoDir)

	code, out, errOut := runCmd(t, "dry-run", "--base", "main", "--format", "json")
	if code != exitOK {
		t.Fatalf("dry-run: %d\n%s\n%s", code, out, errOut)
	}
	var d struct {
		Effects []struct {
			ID                             string
			Builds, Failed, Passing, Lines int
			TooBroad                       bool `json:"too_broad"`
			Duplicates                     bool
			Jobs                           []struct{ Value string }
			Overlaps                       []struct {
				ID         string
				Both       int
				Share      float64
				TheirShare float64 `json:"their_share"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || len(d.Effects) != 2 {
		t.Fatalf("%v: %s", err, out)
	}
	again, broad := d.Effects[0], d.Effects[1]
	if again.ID != "again" || broad.ID != "broad" {
		t.Fatalf("effects %+v", d.Effects)
	}
	if !broad.TooBroad || broad.Builds != 2 || broad.Passing != 1 || broad.Failed != 1 || len(broad.Overlaps) != 2 || broad.Overlaps[1].ID != "boom" ||
		broad.Overlaps[1].Share != 0.5 || broad.Overlaps[1].TheirShare != 1 {
		t.Errorf("broad: %+v", broad)
	}
	if again.TooBroad || !again.Duplicates || again.Builds != 1 || len(again.Overlaps) != 2 || again.Overlaps[0].ID != "boom" ||
		again.Overlaps[0].Share != 1 || again.Overlaps[0].TheirShare != 1 {
		t.Errorf("again: %+v", again)
	}
	// The numbers of `recheckgen query` on the same text.
	for _, e := range d.Effects {
		code, qout, errOut := runCmd(t, "query", "--json", "--bug", e.ID)
		var q struct {
			Builds int
			Shares map[string][]struct {
				Value  string
				Builds int
			}
		}
		if code != exitOK || json.Unmarshal([]byte(qout), &q) != nil {
			t.Fatalf("query --bug %s: %d %s %s", e.ID, code, qout, errOut)
		}
		passing := 0
		for _, s := range q.Shares["build_status"] {
			if s.Value == "SUCCESS" {
				passing = s.Builds
			}
		}
		if q.Builds != e.Builds || passing != e.Passing || len(q.Shares["build_name"]) != len(e.Jobs) {
			t.Errorf("%s: dry run %d builds (%d passed), query %d builds (%d passed)", e.ID, e.Builds, e.Passing, q.Builds, passing)
		}
	}
	code, md, _ := runCmd(t, "dry-run", "--base", "main", "--format", "markdown")
	for _, w := range []string{"## Dry run of the changed queries", "| `broad` | 2 | 1 | 1 (50%) |",
		"**too broad: 50% of its builds passed (more than 10%)**", "**overlaps boom: half or more of its builds are that query's too**",
		"| `boom` | 1 | 100% | 100% |", "tempest-full-py3 job-output.txt:1\n2026-11-20 10:05:00.000000 | ERROR boom happened"} {
		if code != exitOK || !strings.Contains(md, w) {
			t.Errorf("markdown lacks %q:\n%s", w, md)
		}
	}
	if code, _, errOut := runCmd(t, "dry-run", "--base", "nosuchref"); code != exitFail || !strings.Contains(errOut, "no merge base of nosuchref") {
		t.Errorf("bad base: %d %s", code, errOut)
	}

	// A file is the query whose file it is, not any query of its base
	// name: a copy under queries/old/ (which the queries directory does not
	// hold) is no change to boom, and a file named that is not one of the
	// repository's query files is refused rather than left out in silence.
	write("queries/old/boom.yaml", "title: Old\nquery: message:boom\n")
	ids := func(out string) (ids []string) {
		var d struct{ Effects []struct{ ID string } }
		json.Unmarshal([]byte(out), &d)
		for _, e := range d.Effects {
			ids = append(ids, e.ID)
		}
		return ids
	}
	if code, out, errOut := runCmd(t, "dry-run", "--base", "main", "--format", "json"); code != exitOK || !slices.Equal(ids(out), []string{"again", "broad"}) {
		t.Errorf("a copy in a subdirectory: %d %v\n%s", code, ids(out), errOut)
	}
	outside := filepath.Join(t.TempDir(), "boom.yaml")
	os.WriteFile(outside, []byte("title: Outside\nquery: message:boom\n"), 0o644)
	for _, named := range []string{"queries/old/boom.yaml", "queries/nosuch.yaml", outside, "queries/README.md"} {
		if code, out, errOut := runCmd(t, "dry-run", named); code != exitUsage || !strings.Contains(errOut, named+": not a query file of queries") {
			t.Errorf("dry-run %s: %d\n%s\n%s", named, code, out, errOut)
		}
	}
	if code, out, errOut := runCmd(t, "dry-run", "--format", "json", "./queries/boom.yaml"); code != exitOK || !slices.Equal(ids(out), []string{"boom"}) {
		t.Errorf("dry-run ./queries/boom.yaml: %d\n%s\n%s", code, out, errOut)
	}
}
