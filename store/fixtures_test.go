package store

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
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

// esDoc is one recorded Elasticsearch hit, in either document shape: old
// logstash indices nest build fields under @fields (values often lists),
// newer ones put them at the top of _source.
type esDoc struct {
	ID     string
	Fields map[string]string
	Tags   []string
	Time   time.Time
	Msg    string
}

func readResponse(t *testing.T, path string) []esDoc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Hits struct {
			Hits []struct {
				ID     string                     `json:"_id"`
				Source map[string]json.RawMessage `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []esDoc
	for _, h := range resp.Hits.Hits {
		d := esDoc{ID: h.ID, Fields: map[string]string{}}
		src := h.Source
		if raw, ok := src["@fields"]; ok {
			var nested map[string]json.RawMessage
			if err := json.Unmarshal(raw, &nested); err != nil {
				t.Fatalf("%s %s: @fields: %v", path, h.ID, err)
			}
			for k, v := range nested {
				d.Fields[k] = first(v)
			}
		}
		for k, v := range src {
			if !strings.HasPrefix(k, "@") {
				d.Fields[k] = first(v)
			}
		}
		d.Msg = first(src["@message"])
		if d.Msg == "" {
			d.Msg = first(src["message"])
		}
		for _, key := range []string{"@tags", "tags"} {
			var tags []string
			if json.Unmarshal(src[key], &tags) == nil && len(tags) > 0 {
				d.Tags = tags
			}
		}
		ts, err := time.Parse(time.RFC3339Nano, first(src["@timestamp"]))
		if err != nil {
			t.Fatalf("%s %s: @timestamp: %v", path, h.ID, err)
		}
		d.Time = ts.UTC()
		out = append(out, d)
	}
	return out
}

// first reads a string, number or the first item of a list.
func first(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		if len(list) == 0 {
			return ""
		}
		return first(list[0])
	}
	return strings.Trim(string(raw), `"`)
}

// rawLine rebuilds the line as it stood in the log file, so the store's
// own parsing finds what logstash had pulled out: oslo.log's level and
// module, syslog's program.
func (d esDoc) rawLines() []string {
	lines := strings.Split(strings.TrimRight(d.Msg, "\n"), "\n")
	lines[0] = d.prefixed(lines[0])
	return lines
}

func (d esDoc) prefixed(msg string) string {
	switch {
	case d.Fields["syslog_program"] != "":
		host := d.Fields["syslog_host"]
		if host == "" {
			host = "node"
		}
		return fmt.Sprintf("%s %s %s: %s", d.Time.Format(time.Stamp), host, d.Fields["syslog_program"], msg)
	case d.Fields["loglevel"] != "" && d.Fields["module"] != "":
		pid := d.Fields["pid"]
		if pid == "" {
			pid = "1"
		}
		return fmt.Sprintf("%s %s %s %s %s", d.Time.Format("2006-01-02 15:04:05.000"), pid, d.Fields["loglevel"], d.Fields["module"], msg)
	}
	return fmt.Sprintf("%s | %s", d.Time.Format("2006-01-02 15:04:05.000000"), msg)
}

// writeBuildDirs turns documents into build directories: a build.json from
// the build fields and one log file per filename, documents in time order,
// each as the lines it was indexed from. It returns the document of each
// line, keyed "uuid|filename|lineno".
func writeBuildDirs(t *testing.T, root string, docs []esDoc) map[string]string {
	lineDoc := map[string]string{}
	t.Helper()
	type file struct{ docs []esDoc }
	builds := map[string]map[string]*file{}
	meta := map[string]esDoc{}
	for _, d := range docs {
		uuid := d.Fields["build_uuid"]
		name := d.Fields["filename"]
		if name == "" && len(d.Tags) > 0 {
			name = d.Tags[0]
		}
		if builds[uuid] == nil {
			builds[uuid] = map[string]*file{}
			meta[uuid] = d
		}
		if builds[uuid][name] == nil {
			builds[uuid][name] = &file{}
		}
		builds[uuid][name].docs = append(builds[uuid][name].docs, d)
	}
	for uuid, files := range builds {
		dir := filepath.Join(root, uuid)
		m := meta[uuid].Fields
		rec := map[string]any{"uuid": uuid, "job_name": m["build_name"], "result": m["build_status"],
			"pipeline": m["build_queue"], "project": m["project"], "branch": m["build_branch"],
			"change": m["build_change"], "patchset": m["build_patchset"], "ref": m["build_ref"],
			"log_url": m["log_url"], "voting": m["voting"] != "0",
			"start_time": meta[uuid].Time.Add(-time.Hour).Format("2006-01-02T15:04:05")}
		data, _ := json.Marshal(rec)
		mustWrite(t, filepath.Join(dir, "build.json"), data)
		for name, f := range files {
			sort.SliceStable(f.docs, func(i, j int) bool { return f.docs[i].Time.Before(f.docs[j].Time) })
			var b strings.Builder
			n := 0
			for _, d := range f.docs {
				for _, line := range d.rawLines() {
					if strings.HasSuffix(name, ".html") { // console.html holds escaped text
						line = html.EscapeString(line)
					}
					b.WriteString(line + "\n")
					n++
					lineDoc[fmt.Sprintf("%s|%s|%d", uuid, name, n)] = d.ID
				}
			}
			mustWrite(t, filepath.Join(dir, filepath.FromSlash(name)), []byte(b.String()))
		}
	}
	return lineDoc
}

func mustWrite(t testing.TB, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

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
	var all []esDoc
	for _, f := range files {
		bug := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "bug-"), ".json")
		for _, d := range readResponse(t, f) {
			if _, dup := docBug[d.ID]; dup {
				continue
			}
			docBug[d.ID] = bug
			all = append(all, d)
		}
	}
	root := t.TempDir()
	written := writeBuildDirs(t, root, all)
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

func count(docs []esDoc, docBug map[string]string, bug string) int {
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
