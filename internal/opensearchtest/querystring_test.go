package opensearchtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
)

// do sends a request to srv and decodes the answer.
func do(t *testing.T, srv *Server, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var b []byte
	switch body := body.(type) {
	case string:
		b = []byte(body)
	default:
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, data)
	}
	return resp.StatusCode, out
}

// fill writes docs (id → source) into index with _bulk.
func fill(t *testing.T, srv *Server, index string, docs map[string]obj) {
	t.Helper()
	var body strings.Builder
	ids := make([]string, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a, _ := json.Marshal(obj{"index": obj{"_index": index, "_id": id}})
		d, _ := json.Marshal(docs[id])
		body.Write(a)
		body.WriteByte('\n')
		body.Write(d)
		body.WriteByte('\n')
	}
	if status, out := do(t, srv, "POST", "/_bulk", body.String()); status != 200 || out["errors"] != false {
		t.Fatalf("bulk: %d %v", status, out)
	}
}

// ids lists the ids of the hits of a search answer, sorted.
func ids(out map[string]any) []string {
	var got []string
	for _, h := range out["hits"].(map[string]any)["hits"].([]any) {
		got = append(got, h.(map[string]any)["_id"].(string))
	}
	sort.Strings(got)
	return got
}

// longWord is a word of 300 letters: the standard analyzer cuts it after
// 255 characters, into two words.
var longWord = strings.Repeat("x", 255) + strings.Repeat("y", 45)

// queryDocs are lines written into an index mapped as recheckgen's
// template maps them (message text, build fields keyword) and into one
// left to the dynamic mapping (text with a .keyword sub-field).
var queryDocs = map[string]obj{
	"dotted":   {"message": "oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply", "build_name": "tempest-full", "@timestamp": "2026-11-20T10:00:00.000Z", "voting": 1},
	"bare":     {"message": "MessagingTimeout: Timed out", "build_name": "Tempest-Upper", "@timestamp": "2026-11-19T10:00:00.000Z", "voting": 1, "build_branch": "master"},
	"ovs":      {"message": "ovs is down", "build_name": "neutron-ovs", "@timestamp": "2026-11-18T10:00:00.000Z", "voting": 0},
	"vsctl":    {"message": "ovs-vsctl failed: database connection", "build_name": "neutron-ovs", "@timestamp": "2026-11-18T11:00:00.000Z", "voting": 0},
	"java":     {"message": "java.io.InterruptedIOException at 10.0.0.1", "build_name": "java", "@timestamp": "2026-11-17T10:00:00.000Z", "voting": 1},
	"near":     {"message": "alpha gamma beta", "build_name": "slop", "@timestamp": "2026-11-17T11:00:00.000Z", "voting": 1},
	"reversed": {"message": "beta alpha", "build_name": "slop", "@timestamp": "2026-11-17T12:00:00.000Z", "voting": 1},
	"typo":     {"message": "lost the connection to the server", "build_name": "net", "@timestamp": "2026-11-16T10:00:00.000Z", "voting": 1},
	"marks":    {"message": "--- ___ ---", "build_name": "marks", "@timestamp": "2026-11-16T11:00:00.000Z", "voting": 1},
	"digits":   {"message": "step 12;34 done " + longWord, "build_name": "digits", "@timestamp": "2026-11-16T12:00:00.000Z", "voting": 1},
	"range":    {"message": "zzz abc", "build_name": "range", "@timestamp": "2026-11-15T12:00:00.000Z", "voting": 1},
	"db":       {"message": "database is locked", "build_name": "db", "@timestamp": "2026-11-15T10:00:00.000Z", "voting": 1},
}

func queryServer(t *testing.T) *Server {
	srv := New(t)
	props := obj{"message": obj{"type": "text", "analyzer": "standard"}, "@timestamp": obj{"type": "date"}, "voting": obj{"type": "long"}}
	for _, f := range []string{"build_name", "build_branch"} {
		props[f] = obj{"type": "keyword"}
	}
	if status, out := do(t, srv, "PUT", "/_index_template/logs", obj{"index_patterns": []string{"logs-*"},
		"template": obj{"mappings": obj{"properties": props}}}); status != 200 {
		t.Fatalf("template: %d %v", status, out)
	}
	fill(t, srv, "logs-a", queryDocs)
	fill(t, srv, "dyn-a", queryDocs)
	return srv
}

// TestQueryString: query strings read as OpenSearch 2 reads them (see
// querystring.go), on both mapping styles. Each case is what OpenSearch's
// query builder makes of the query (QueryStringQueryParser over Lucene's
// classic parser); the comment says why.
func TestQueryString(t *testing.T) {
	srv := queryServer(t)
	for _, c := range []struct {
		query string
		op    string
		want  []string
	}{
		// The standard analyzer keeps a dotted name one word.
		{`message:"MessagingTimeout: Timed out"`, "OR", []string{"bare"}},
		{`message:"oslo_messaging.exceptions.MessagingTimeout: timed OUT"`, "OR", []string{"dotted"}},
		{`message:"java.io.InterruptedIOException"`, "OR", []string{"java"}},
		// UAX #29: digits joined by `;` are one word, `_` alone is no
		// word, a word over 255 characters is cut.
		{`message:"12;34"`, "OR", []string{"digits"}},
		{`message:12`, "OR", nil},
		{`message:"___" OR message:alpha`, "OR", []string{"near", "reversed"}},
		{`message:` + strings.Repeat("y", 45), "OR", []string{"digits"}},
		// Unquoted values of several words: the default operator joins them.
		{`message:ovs-vsctl`, "OR", []string{"ovs", "vsctl"}},
		{`message:ovs-vsctl`, "AND", []string{"vsctl"}},
		{`message:"ovs-vsctl"`, "OR", []string{"vsctl"}},
		{`message:ovs message:database`, "AND", []string{"vsctl"}},
		{`build_name:(neutron-ovs java)`, "OR", []string{"java", "ovs", "vsctl"}},
		// A value with no word is no clause, after its AND or OR has set
		// the clause before: `a OR "::" AND b` is +a +b.
		{`message:ovs OR "::" AND message:database`, "OR", []string{"vsctl"}},
		{`message:database OR "::"`, "OR", []string{"db", "vsctl"}},
		{`"::" AND message:ovs OR message:database`, "OR", []string{"ovs", "vsctl"}}, // +ovs database
		// Expanded terms: lower-cased on text, as written on keywords;
		// matched against single words.
		{`message:Java.IO.*`, "OR", []string{"java"}},
		{`message:java*`, "OR", []string{"java"}},
		{`message:10.0.0.*`, "OR", []string{"java"}},
		{`message:ovs-vs*`, "OR", nil},
		{`build_name:Tempest*`, "OR", []string{"bare"}},
		{`build_name:tempest*`, "OR", []string{"dotted"}},
		{`message:/Java\.IO\..*/`, "OR", []string{"java"}},
		{`message:/"java.io".*/`, "OR", []string{"java"}}, // Lucene's "..." literal
		{`build_name:/Tempest.*/`, "OR", []string{"bare"}},
		{`message:/\d+/`, "OR", nil}, // \d is the letter d in Lucene
		{`message:[abb TO abd]`, "OR", []string{"range"}},
		{`build_name:[Tempest TO Tempest-Z]`, "OR", []string{"bare"}},
		// field:* is an exists query: a message with no word exists.
		{`message:*`, "OR", []string{"bare", "db", "digits", "dotted", "java", "marks", "near", "ovs", "range", "reversed", "typo", "vsctl"}},
		{`build_branch:*`, "OR", []string{"bare"}},
		{`_exists_:build_branch`, "OR", []string{"bare"}},
		// Fuzzy terms: AUTO by length, transpositions one edit.
		{`message:conection~1`, "OR", []string{"typo", "vsctl"}},
		{`message:conenction~1`, "OR", []string{"typo", "vsctl"}},
		{`message:conection~`, "OR", []string{"typo", "vsctl"}},
		{`message:conection~0`, "OR", nil},
		{`message:lsot~`, "OR", []string{"typo"}},
		{`message:lst~`, "OR", []string{"typo"}},
		{`message:ls~`, "OR", nil},
		// Sloppy phrases: moves within the slop; reversed order costs 2.
		{`message:"alpha beta"`, "OR", nil},
		{`message:"alpha beta"~1`, "OR", []string{"near"}},
		{`message:"alpha beta"~2`, "OR", []string{"near", "reversed"}},
		{`message:"beta beta"~5`, "OR", nil}, // one position per word
		// Dates: a date that leaves out its time reaches the end of the day
		// as an inclusive upper bound, and a term is the whole day.
		{`@timestamp:[2026-11-18 TO 2026-11-19]`, "OR", []string{"bare", "ovs", "vsctl"}},
		{`@timestamp:{2026-11-18 TO 2026-11-19}`, "OR", nil},
		{`@timestamp:2026-11-18`, "OR", []string{"ovs", "vsctl"}},
		{`@timestamp:[2026-11-18T10:00 TO 2026-11-18T10:00]`, "OR", []string{"ovs"}},
		{`voting:0`, "OR", []string{"ovs", "vsctl"}},
	} {
		for _, index := range []string{"logs-a", "dyn-a"} {
			q, opName := c.query, c.op
			if index == "dyn-a" {
				// the dynamic mapping: build fields are text, exact on .keyword
				for _, f := range []string{"build_name", "build_branch"} {
					q = strings.ReplaceAll(q, f+":", f+".keyword:")
				}
				q = strings.ReplaceAll(q, "_exists_:build_branch", "_exists_:build_branch.keyword")
			}
			body := obj{"size": 100, "query": obj{"query_string": obj{"query": q, "default_field": "message", "default_operator": opName}}}
			status, out := do(t, srv, "POST", "/"+index+"/_search", body)
			if status != 200 {
				t.Errorf("%s %q: %d %v", index, q, status, out)
				continue
			}
			want := c.want
			if want == nil {
				want = []string{}
			}
			if got := append([]string{}, ids(out)...); !slices.Equal(got, want) {
				t.Errorf("%s %q (%s): %v, want %v", index, q, opName, got, want)
			}
		}
	}
}

// TestQueryStringNoClause: a query string whose every value analyzes to
// nothing is no query: alone it matches no document, inside a bool query
// it is left out (and the filter alone decides).
func TestQueryStringNoClause(t *testing.T) {
	srv := queryServer(t)
	qs := obj{"query_string": obj{"query": `message:"::" OR "->"`, "default_field": "message"}}
	if _, out := do(t, srv, "POST", "/logs-a/_search", obj{"size": 100, "query": qs}); len(ids(out)) != 0 {
		t.Errorf("alone: %v, want nothing", ids(out))
	}
	body := obj{"size": 100, "query": obj{"bool": obj{"must": []any{qs}, "filter": []any{obj{"term": obj{"voting": 0}}}}}}
	if _, out := do(t, srv, "POST", "/logs-a/_search", body); !slices.Equal(ids(out), []string{"ovs", "vsctl"}) {
		t.Errorf("in a bool query: %v, want the filter's ovs and vsctl", ids(out))
	}
}

// TestQueryStringRefused: what OpenSearch's query builder refuses, and
// what the replay server cannot run, are refused with a 400.
func TestQueryStringRefused(t *testing.T) {
	srv := queryServer(t)
	for _, c := range []struct{ query, reason string }{
		{`voting:yes`, `For input string: \"yes\"`},
		{`voting:1*`, "Can only use prefix queries on keyword and text fields - not on [voting] which is of type [long]"},
		{`voting:/1.*/`, "Can only use regexp queries on keyword and text fields"},
		{`@timestamp:2026*`, "Can only use prefix queries on keyword and text fields - not on [@timestamp] which is of type [date]"},
		{`voting:1~1`, "Can only use fuzzy queries"},
		{`@timestamp:[yesterday TO *]`, "failed to parse date field [yesterday]"},
		{`@timestamp:[now-1d TO *]`, "does not evaluate date math"},
		{`message:/a&b/`, "cannot run the regular expression"},
		{`message:(`, "Failed to parse query"},
	} {
		body := obj{"query": obj{"query_string": obj{"query": c.query, "default_field": "message"}}}
		status, out := do(t, srv, "POST", "/logs-a/_search", body)
		if raw, _ := json.Marshal(out); status != 400 || !strings.Contains(string(raw), c.reason) {
			t.Errorf("%q: %d %s, want 400 with %q", c.query, status, raw, c.reason)
		}
	}
}

// TestIgnoreAbove: the dynamic mapping's .keyword leaves a value over 256
// characters unindexed, so it neither matches nor exists there, while the
// text field still holds its words.
func TestIgnoreAbove(t *testing.T) {
	srv := New(t)
	long := strings.Repeat("job-", 70) // 280 characters
	fill(t, srv, "dyn-a", map[string]obj{"long": {"build_name": long, "message": "x"}, "short": {"build_name": "job", "message": "x"}})
	for _, c := range []struct {
		query obj
		want  []string
	}{
		{obj{"term": obj{"build_name.keyword": long}}, []string{}},
		{obj{"exists": obj{"field": "build_name.keyword"}}, []string{"short"}},
		{obj{"term": obj{"build_name.keyword": "job"}}, []string{"short"}},
		{obj{"query_string": obj{"query": "build_name:job", "default_field": "message"}}, []string{"long", "short"}},
	} {
		_, out := do(t, srv, "POST", "/dyn-a/_search", obj{"size": 10, "query": c.query})
		if got := append([]string{}, ids(out)...); !slices.Equal(got, c.want) {
			t.Errorf("%v: %v, want %v", c.query, got, c.want)
		}
	}
}

// TestTemplateAnalyzers: the standard analyzer is the only one the server
// knows; a template asking for another is refused, not searched wrongly.
func TestTemplateAnalyzers(t *testing.T) {
	srv := New(t)
	for i, tmpl := range []obj{
		{"settings": obj{"analysis": obj{"analyzer": obj{"w": obj{"type": "custom", "tokenizer": "whitespace"}}}}},
		{"mappings": obj{"properties": obj{"message": obj{"type": "text", "analyzer": "whitespace"}}}},
		{"mappings": obj{"properties": obj{"message": obj{"type": "text", "search_analyzer": "simple"}}}},
		{"mappings": obj{"properties": obj{"project": obj{"type": "keyword", "normalizer": "lower"}}}},
		{"mappings": obj{"properties": obj{"project": obj{"type": "text", "fields": obj{"raw": obj{"type": "text", "analyzer": "keyword"}}}}}},
	} {
		status, out := do(t, srv, "PUT", fmt.Sprintf("/_index_template/t%d", i), obj{"index_patterns": []string{"x-*"}, "template": tmpl})
		if raw, _ := json.Marshal(out); status != 400 || !strings.Contains(string(raw), "standard analyzer only") {
			t.Errorf("template %v: %d %s", tmpl, status, raw)
		}
	}
	if status, out := do(t, srv, "PUT", "/_index_template/ok", obj{"index_patterns": []string{"x-*"},
		"template": obj{"mappings": obj{"properties": obj{"message": obj{"type": "text", "analyzer": "standard"}}}}}); status != 200 {
		t.Errorf("the standard analyzer: %d %v", status, out)
	}
}
