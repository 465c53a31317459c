package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/fixtures"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
)

// mustWrite writes a test's file, making its directories.
var mustWrite = fixtures.WriteFile

// TestRealDocuments loads the recorded Elasticsearch documents of
// elastic-recheck's tests as builds, runs each bug's real query over the
// store, and compares which documents each query finds with
// testdata/real-documents.golden (rewrite it with -update).
//
// The recorded files are not named after the query that fetched them
// (elastic-recheck's tests served them in order), so the golden file shows
// the matrix as it is. What the test insists on is the signature of a
// store that means what Elasticsearch means: every recorded response a
// query touches, it matches completely — each of its documents — and no
// other query touches it.
func TestRealDocuments(t *testing.T) {
	dir := fixtures.Dir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "responses", "bug-*.json"))
	docBug := map[string]string{} // document id → the bug file it came from
	var all []fixtures.Doc
	for _, f := range files {
		bug := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "bug-"), ".json")
		for _, d := range fixtures.ReadResponse(t, f) {
			if _, dup := docBug[d.ID]; dup {
				continue
			}
			docBug[d.ID] = bug
			all = append(all, d)
		}
	}
	root := t.TempDir()
	written := fixtures.WriteBuildDirs(t, root, all)
	st := openTest(t)
	if _, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	lineDoc := lineIDs(t, st, written)
	win := recheckgen.Window{Start: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), Bucket: 24 * time.Hour}

	var report strings.Builder
	respQueries := map[string][]string{} // response file → queries finding any of it
	queries, _ := filepath.Glob(filepath.Join(dir, "unit-queries", "queries", "*.yaml"))
	for _, qf := range queries {
		src, _ := os.ReadFile(qf)
		q, dl := queryfile.Load(qf, src, queryfile.Options{Operator: lucene.AND})
		if dl.Errors() > 0 {
			t.Fatal(dl)
		}
		w, err := translate(q.Expr)
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		rows, err := st.db.Query(matchSQL(w, true), append([]any{win.Start.UnixMilli(), win.End.UnixMilli()}, w.args...)...)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]int{} // bug file → documents found
		for rows.Next() {
			var id, b, ts int64
			rows.Scan(&id, &b, &ts)
			if doc, ok := lineDoc[id]; ok {
				found[docBug[doc]]++
			}
		}
		rows.Close()
		own := count(all, docBug, q.ID)
		var others []string
		for bug, n := range found {
			respQueries[bug] = append(respQueries[bug], q.ID)
			if n != count(all, docBug, bug) {
				t.Errorf("query %s finds %d of the %d documents of bug-%s.json", q.ID, n, count(all, docBug, bug), bug)
			}
			if bug != q.ID {
				others = append(others, fmt.Sprintf("%s:%d", bug, n))
			}
		}
		sort.Strings(others)
		fmt.Fprintf(&report, "%s own %d/%d others [%s]\n", q.ID, found[q.ID], own, strings.Join(others, " "))
	}
	for bug, qs := range respQueries {
		if len(qs) > 1 {
			t.Errorf("bug-%s.json is found by several queries: %v", bug, qs)
		}
	}
	if len(respQueries) < 11 {
		t.Errorf("only %d recorded responses are found by a query; 11 were", len(respQueries))
	}
	golden(t, "testdata/real-documents.golden", report.String())
}

func count(docs []fixtures.Doc, docBug map[string]string, bug string) int {
	n := 0
	for _, d := range docs {
		if docBug[d.ID] == bug {
			n++
		}
	}
	return n
}

// lineIDs maps each stored line to the document it was written from.
func lineIDs(t *testing.T, st *Store, written map[string]string) map[int64]string {
	rows, err := st.db.Query(`SELECT l.id, b.uuid, f.name, l.lineno FROM lines l JOIN files f ON f.id = l.file_id JOIN builds b ON b.id = l.build_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var uuid, name string
		var n int
		rows.Scan(&id, &uuid, &name, &n)
		if doc, ok := written[fmt.Sprintf("%s|%s|%d", uuid, name, n)]; ok {
			out[id] = doc
		}
	}
	return out
}
