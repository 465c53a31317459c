package triage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/store"
)

// verifyStore stores builds of two jobs: each build prints a common line,
// and the line `cause` where builds[uuid] says so.
func verifyStore(t *testing.T, builds []verifyBuild) *store.Store {
	t.Helper()
	ctx := context.Background()
	root := t.TempDir()
	for _, b := range builds {
		dir := filepath.Join(root, "corpus", b.uuid)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "build.json"), []byte(fmt.Sprintf(`{"uuid": %q, "job_name": %q, "result": %q, "voting": true,
			"project": "openstack/nova", "start_time": "2026-11-20T10:00:00", "end_time": "2026-11-20T10:30:00"}`, b.uuid, b.job, b.result)), 0o644)
		log := "2026-11-20 10:00:01.000000 | controller | collecting tests\n"
		if b.cause {
			log += "2026-11-20 10:00:02.000000 | controller | " + verifyCause + "\n"
		}
		os.WriteFile(filepath.Join(dir, "job-output.txt"), []byte(log), 0o644)
	}
	st, err := store.Open(ctx, filepath.Join(root, "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Ingest(ctx, []string{filepath.Join(root, "corpus")}, store.IngestOptions{Globs: testcorpus.Globs}); err != nil {
		t.Fatal(err)
	}
	return st
}

type verifyBuild struct {
	uuid, job, result string
	cause             bool
}

const verifyCause = "ERROR: the widget frobnicator exploded during final assembly"

// TestVerifyRefuses: a candidate query is shown only when, run on the
// store, it matches every build of the group and at most MaxPassingShare
// of the passing builds; otherwise the next candidate (narrowed by file,
// then by job) is tried, and when none passes the group says why.
func TestVerifyRefuses(t *testing.T) {
	ctx := context.Background()
	win, err := recheckgen.NewWindow(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), 10*24*time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	group := func(st *store.Store, uuids ...string) *recheckgen.FailureGroup {
		g := &recheckgen.FailureGroup{ID: "g0123456789a", Signature: verifyCause, Count: len(uuids),
			Jobs: []recheckgen.Share{{Value: "unit-a", Builds: len(uuids)}}, Projects: []recheckgen.Share{{Value: "openstack/nova", Builds: len(uuids)}}}
		builds, err := st.ListBuilds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range uuids {
			for _, b := range builds {
				if b.UUID == u {
					g.Builds = append(g.Builds, recheckgen.GroupBuild{Build: b,
						Line: recheckgen.ContextLine{File: "job-output.txt", Line: 2, Message: "2026-11-20 10:00:02.000000 | controller | " + verifyCause}})
				}
			}
		}
		if len(g.Builds) != len(uuids) {
			t.Fatalf("group of %d builds, want %d", len(g.Builds), len(uuids))
		}
		return g
	}
	verify := func(st *store.Store, g *recheckgen.FailureGroup) {
		t.Helper()
		v := &Verifier{Backend: st, Window: win, QueryOptions: queryfile.Options{Operator: lucene.AND}, Dir: "queries",
			RepoURL: "https://github.com/o/r", Branch: "main", PassingTotal: 50}
		if err := v.Verify(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	fail := func(uuid, job string, cause bool) verifyBuild { return verifyBuild{uuid, job, "FAILURE", cause} }
	pass := func(uuid, job string, cause bool) verifyBuild { return verifyBuild{uuid, job, "SUCCESS", cause} }

	// Passing builds of another job print the line too (in the same
	// file): the bare query and its tags: narrowing match them, the
	// build_name: narrowing does not.
	st := verifyStore(t, []verifyBuild{fail("fa1", "unit-a", true), fail("fa2", "unit-a", true),
		pass("pb1", "unit-b", true), pass("pb2", "unit-b", true), pass("pa1", "unit-a", false)})
	g := group(st, "fa1", "fa2")
	if cands := Candidates(*g); len(cands) < 3 {
		t.Fatalf("candidates %q", cands)
	}
	verify(st, g)
	if s := g.Suggestion; s == nil || !strings.Contains(s.Query, `build_name:"unit-a"`) || s.Passing != 0 || s.Failed != 2 || s.GroupMatched != 2 || g.Why != "" {
		t.Errorf("other job's passing builds: suggestion %+v, why %q", s, g.Why)
	}

	// Passing builds of the group's own job print it: nothing is shown,
	// and the group says why.
	st = verifyStore(t, []verifyBuild{fail("fa1", "unit-a", true), fail("fa2", "unit-a", true),
		pass("pa1", "unit-a", true), pass("pa2", "unit-a", true)})
	g = group(st, "fa1", "fa2")
	verify(st, g)
	if g.Suggestion != nil || !strings.Contains(g.Why, "matches 2 of 50 passing builds (at most 1 allowed)") {
		t.Errorf("own job's passing builds: suggestion %+v, why %q", g.Suggestion, g.Why)
	}

	// A build of the group whose logs do not hold the words: no query
	// that misses it is shown.
	st = verifyStore(t, []verifyBuild{fail("fa1", "unit-a", true), fail("fa2", "unit-a", false)})
	g = group(st, "fa1", "fa2")
	verify(st, g)
	if g.Suggestion != nil || !strings.Contains(g.Why, "matches 1 of the group's 2 builds") {
		t.Errorf("a build missed: suggestion %+v, why %q", g.Suggestion, g.Why)
	}
}
