package opensearchtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// raw sends body with the Content-Type given ("" for none) and returns the
// status and the answer's text.
func raw(t *testing.T, srv *Server, method, path, contentType, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestRefusedAsARealServer: bodies the real REST layer refuses before any
// search or write runs, with its status and words, so that a client
// dropping its Content-Type or its NDJSON's last newline fails here as it
// would on a cluster.
func TestRefusedAsARealServer(t *testing.T) {
	srv := New(t)
	bulk := `{"index":{"_index":"logs-a","_id":"1"}}` + "\n" + `{"message":"m"}` + "\n"
	search := `{"size":0}`
	msearch := "{}\n" + search + "\n"
	for _, c := range []struct {
		path, contentType, body string
		status                  int
		says                    string
	}{
		{"/_bulk", "", bulk, 406, "Content-Type header is missing"},
		{"/logs-*/_search", "", search, 406, "Content-Type header is missing"},
		{"/logs-*/_msearch", "text/plain", msearch, 406, "Content-Type header [text/plain] is not supported"},
		{"/_index_template/t", "application/x-www-form-urlencoded", `{"index_patterns":["x-*"]}`, 406, "is not supported"},
		{"/_bulk", "application/x-ndjson", strings.TrimSuffix(bulk, "\n"), 400, "The bulk request must be terminated by a newline"},
		{"/logs-*/_msearch", "application/x-ndjson", strings.TrimSuffix(msearch, "\n"), 400, "The msearch request must be terminated by a newline"},
		// What a real cluster takes, the replay server takes.
		{"/_bulk", "application/x-ndjson", bulk, 200, `"errors":false`},
		{"/_bulk", "application/json; charset=UTF-8", bulk, 200, `"errors":false`},
		{"/logs-*/_search", "application/json", search, 200, `"hits"`},
		{"/logs-*/_msearch", "application/x-ndjson", msearch, 200, `"responses"`},
	} {
		method := http.MethodPost
		if strings.HasPrefix(c.path, "/_index_template/") {
			method = http.MethodPut
		}
		status, body := raw(t, srv, method, c.path, c.contentType, c.body)
		var decoded any
		if status != c.status || !strings.Contains(body, c.says) || json.Unmarshal([]byte(body), &decoded) != nil {
			t.Errorf("%s %s (Content-Type %q): %d %s, want %d saying %s", method, c.path, c.contentType, status, body, c.status, c.says)
		}
	}
	// A request without a body needs no Content-Type (GET /, _field_caps,
	// _refresh).
	if status, body := raw(t, srv, http.MethodGet, "/", "", ""); status != 200 {
		t.Errorf("GET / without a body: %d %s", status, body)
	}
}

// TestInvalidIndexNames: _bulk into an index a cluster may not create
// refuses that item with the real error, and writes the others.
func TestInvalidIndexNames(t *testing.T) {
	srv := New(t)
	var body strings.Builder
	names := []string{"Logs-a", "logs#a", "logs:a", "_logs", "-logs", "logs a", "logs?a", "logs*a", strings.Repeat("a", 256), "logs-a"}
	for i, n := range names {
		a, _ := json.Marshal(obj{"index": obj{"_index": n, "_id": strings.Repeat("x", i+1)}})
		body.Write(a)
		body.WriteString("\n{\"message\":\"m\"}\n")
	}
	status, out := do(t, srv, http.MethodPost, "/_bulk", body.String())
	items, _ := out["items"].([]any)
	if status != 200 || out["errors"] != true || len(items) != len(names) {
		t.Fatalf("%d %v", status, out)
	}
	for i, it := range items {
		r := it.(obj)["index"].(obj)
		e, _ := r["error"].(obj)
		valid := names[i] == "logs-a"
		if valid && r["status"] != float64(201) || !valid && (r["status"] != float64(400) || e["type"] != "invalid_index_name_exception") {
			t.Errorf("index %q: %v", names[i], r)
		}
	}
	if got := srv.Indices(); len(got) != 1 || got[0] != "logs-a" {
		t.Errorf("indices created: %q", got)
	}
}

// strictDocs fills logs-a and logs-b (voting a long, message text,
// @timestamp a date, under the dynamic mapping) and other (no
// @timestamp).
func strictDocs(t *testing.T, srv *Server) {
	t.Helper()
	fill(t, srv, "logs-a", map[string]obj{"1": {"message": "yes no", "voting": 1, "build_name": "a", "@timestamp": "2026-11-20T10:00:00Z"},
		"2": {"message": "m", "voting": 0, "build_name": "b", "@timestamp": "2026-11-20T11:00:00Z"}})
	fill(t, srv, "logs-b", map[string]obj{"3": {"message": "m", "voting": 1, "build_name": "c", "@timestamp": "2026-11-20T12:00:00Z"},
		"4": {"message": "m", "voting": 1, "build_name": "d", "@timestamp": "2026-11-20T12:00:00Z"}})
	fill(t, srv, "other", map[string]obj{"5": {"message": "m"}})
}

// refusal checks that an answer is the error a real server gives:
// the status, the body's shape ({"error":{"root_cause":[...],"type",
// "reason"},"status"}), the type of the error or its caused_by and words
// in its text.
func refusal(t *testing.T, what string, status int, out map[string]any, wantStatus int, wantType, says string) {
	t.Helper()
	e, _ := out["error"].(map[string]any)
	roots, isList := e["root_cause"].([]any)
	body, _ := json.Marshal(out)
	types := map[any]bool{e["type"]: true}
	if caused, ok := e["caused_by"].(map[string]any); ok {
		types[caused["type"]] = true
	}
	if len(roots) > 0 {
		types[roots[0].(map[string]any)["type"]] = true
	}
	if status != wantStatus || out["status"] != float64(wantStatus) || e == nil || !isList || e["reason"] == nil ||
		!types[wantType] || !strings.Contains(string(body), says) {
		t.Errorf("%s: %d %s, want %d %s saying %s", what, status, body, wantStatus, wantType, says)
	}
}

// TestIndexExpressions: an index expression is read as OpenSearch 2
// reads it: "*" the only wildcard ("?" and "[...]" are characters of a
// name, which then is missing), "-name" after a wildcard excludes.
func TestIndexExpressions(t *testing.T) {
	srv := New(t)
	strictDocs(t, srv)
	for _, c := range []struct {
		expr    string
		indices string // the indices searched, sorted; or the refusal's words
		status  int
	}{
		{"logs-*", "logs-a logs-b", 200},
		{"l*-a", "logs-a", 200},
		{"*s-*", "logs-a logs-b", 200},
		{"nothing-*", "", 200},
		{"logs-a,logs-a", "logs-a", 200},
		{"logs-*,-logs-b", "logs-a", 200},
		{"*,-logs-*", "other", 200},
		{"logs-*,-logs-*", "", 200},
		{"logs-*,-nothing-*", "logs-a logs-b", 200},
		{"logs-?", "no such index [logs-?]", 404},
		{"logs-[ab]", "no such index [logs-[ab]]", 404},
		{"-logs-b,logs-*", "no such index [-logs-b]", 404},
		{"logs-*,-missing", "no such index [missing]", 404},
		{"logs-a,", "no such index []", 404},
		{"logs-a,_b", "must not start with '_'", 400},
	} {
		// "?" is sent escaped, as a client sends it in a path.
		status, out := do(t, srv, "POST", "/"+strings.ReplaceAll(c.expr, "?", "%3F")+"/_search", obj{"size": 100})
		if c.status != 200 {
			typ := "index_not_found_exception"
			if c.status == 400 {
				typ = "invalid_index_name_exception"
			}
			refusal(t, c.expr, status, out, c.status, typ, c.indices)
			continue
		}
		seen := map[string]bool{}
		hits, _ := out["hits"].(map[string]any)
		list, _ := hits["hits"].([]any)
		for _, h := range list {
			seen[h.(map[string]any)["_index"].(string)] = true
		}
		var got []string
		for n := range seen {
			got = append(got, n)
		}
		sort.Strings(got)
		if status != 200 || strings.Join(got, " ") != c.indices {
			t.Errorf("%s: %d, searched %q, want %q", c.expr, status, got, c.indices)
		}
	}
	// Field names in _field_caps match by "*" alone too.
	for fields, want := range map[string]bool{"mess*": true, "messag?": false, "m[e]ssage": false} {
		_, out := do(t, srv, "GET", "/logs-*/_field_caps?fields="+fields, "")
		_, found := out["fields"].(map[string]any)["message"]
		if found != want {
			t.Errorf("_field_caps?fields=%s: %v", fields, out)
		}
	}
}

// TestRefresh: _refresh takes POST and GET only, and a missing concrete
// index is index_not_found_exception.
func TestRefresh(t *testing.T) {
	srv := New(t)
	strictDocs(t, srv)
	for _, c := range []struct {
		method, path string
		status       int
		says         string
	}{
		{"POST", "/_refresh", 200, `"total":3`},
		{"GET", "/logs-*/_refresh", 200, `"total":2`},
		{"POST", "/nothing-*/_refresh", 200, `"total":0`},
		{"POST", "/logs-a,logs-b/_refresh", 200, `"total":2`},
		{"POST", "/missing/_refresh", 404, "no such index [missing]"},
		{"POST", "/logs-*,missing/_refresh", 404, "index_not_found_exception"},
		{"PUT", "/_refresh", 405, "Incorrect HTTP method"},
		{"DELETE", "/logs-a/_refresh", 405, "Incorrect HTTP method"},
	} {
		status, body := raw(t, srv, c.method, c.path, "", "")
		if status != c.status || !strings.Contains(body, c.says) {
			t.Errorf("%s %s: %d %s, want %d saying %s", c.method, c.path, status, body, c.status, c.says)
		}
	}
}

// TestFieldCapsNeedsFields: _field_caps without fields is refused by the
// REST layer before the indices are looked at.
func TestFieldCapsNeedsFields(t *testing.T) {
	srv := New(t)
	strictDocs(t, srv)
	for _, c := range []struct {
		path   string
		status int
		typ    string
	}{
		{"/_field_caps", 400, "illegal_argument_exception"},
		{"/logs-*/_field_caps?fields=", 400, "illegal_argument_exception"},
		{"/missing/_field_caps", 400, "illegal_argument_exception"},
		{"/missing/_field_caps?fields=message", 404, "index_not_found_exception"},
		{"/logs-*/_field_caps?fields=message", 200, ""},
	} {
		status, out := do(t, srv, "GET", c.path, "")
		if c.status == 200 {
			if status != 200 || out["fields"] == nil {
				t.Errorf("%s: %d %v", c.path, status, out)
			}
			continue
		}
		says := "no such index"
		if c.status == 400 {
			says = "specified fields can't be null or empty"
		}
		refusal(t, c.path, status, out, c.status, c.typ, says)
	}
}

// TestSearchRefusals: search bodies a real OpenSearch 2 refuses on every
// shard (a term that is no number on a number field, a sort on a field
// no index maps, a result window past index.max_result_window), with
// the real answer; and their neighbours it takes.
func TestSearchRefusals(t *testing.T) {
	srv := New(t)
	strictDocs(t, srv)
	term := func(v any) obj { return obj{"query": obj{"term": obj{"voting": v}}} }
	sortOn := func(field string, o obj) obj { return obj{"sort": []any{obj{field: o}}} }
	for _, c := range []struct {
		what   string
		body   obj
		status int
		typ    string
		says   string
	}{
		{"term, a word on a long", term("yes"), 400, "query_shard_exception", `failed to create query: For input string: \"yes\"`},
		{"term, its cause", term("yes"), 400, "query_shard_exception", `"number_format_exception"`},
		{"term, a boolean on a long", term(true), 400, "query_shard_exception", `For input string: \"true\"`},
		{"term, an empty string", term(""), 400, "query_shard_exception", "empty String"},
		{"term, Go's inf", term("inf"), 400, "query_shard_exception", `For input string: \"inf\"`},
		{"terms, one word among numbers", obj{"query": obj{"terms": obj{"voting": []any{1, "x"}}}}, 400, "query_shard_exception", `For input string: \"x\"`},
		{"term, a number as a string", term("1"), 200, "", `"_id":"3"`},
		{"term, a number with spaces and an exponent", term(" 1e0 "), 200, "", `"_id":"3"`},
		{"term, a word on text", obj{"query": obj{"term": obj{"message": "yes"}}}, 200, "", `"_id":"1"`},
		{"sort on an unmapped field", sortOn("nope", obj{"order": "desc"}), 400, "query_shard_exception", "No mapping found for [nope] in order to sort on"},
		{"sort on an unmapped field, unmapped_type", sortOn("nope", obj{"order": "desc", "unmapped_type": "date"}), 200, "", `"hits"`},
		{"sort on a mapped field", sortOn("@timestamp", obj{"order": "desc"}), 200, "", `"sort"`},
		{"size past the window", obj{"size": 10001}, 400, "search_phase_execution_exception",
			"Result window is too large, from + size must be less than or equal to: [10000] but was [10001]. See the scroll api"},
		{"from and size past the window", obj{"from": 9999, "size": 2}, 400, "illegal_argument_exception", "index.max_result_window"},
		{"from and size at the window", obj{"from": 9990, "size": 10}, 200, "", `"hits":[]`},
		{"size at the window", obj{"size": 10000}, 200, "", `"_id":"4"`},
		{"negative size", obj{"size": -1}, 400, "illegal_argument_exception", "[size] parameter cannot be negative, found [-1]"},
		{"negative from", obj{"from": -1}, 400, "illegal_argument_exception", "[from] parameter cannot be negative, found [-1]"},
		{"from", obj{"from": 3, "size": 10, "sort": []any{obj{"@timestamp": obj{"order": "asc"}}}}, 200, "", `"_id":"4"`},
	} {
		status, out := do(t, srv, "POST", "/logs-*/_search", c.body)
		if c.status != 200 {
			refusal(t, c.what, status, out, c.status, c.typ, c.says)
			continue
		}
		body, _ := json.Marshal(out)
		if status != 200 || !strings.Contains(string(body), c.says) {
			t.Errorf("%s: %d %s, want 200 with %s", c.what, status, body, c.says)
		}
	}
	// A sort field one index of the expression lacks fails there.
	status, out := do(t, srv, "POST", "/logs-a,other/_search", obj{"sort": []any{obj{"@timestamp": obj{"order": "desc"}}}})
	refusal(t, "sort, one index without the field", status, out, 400, "query_shard_exception", `"index":"other"`)
}

// TestMaxBuckets: an answer holding more buckets than search.max_buckets
// (sub-aggregations' buckets counted, a filter's own not) is refused as
// the coordinating node refuses it: 503, too_many_buckets_exception.
func TestMaxBuckets(t *testing.T) {
	srv := New(t)
	strictDocs(t, srv)
	srv.MaxBuckets.Store(3)
	names := obj{"terms": obj{"field": "build_name.keyword", "size": 10}}
	for _, c := range []struct {
		what   string
		aggs   obj
		status int
	}{
		{"four terms buckets", obj{"names": names}, 503},
		{"three terms buckets", obj{"names": obj{"terms": obj{"field": "build_name.keyword", "size": 3}}}, 200},
		{"two aggregations", obj{"v": obj{"terms": obj{"field": "voting"}}, "h": obj{"date_histogram": obj{"field": "@timestamp", "fixed_interval": "1h"}}}, 503},
		{"buckets inside buckets", obj{"v": obj{"terms": obj{"field": "voting"}, "aggs": obj{"n": obj{"terms": obj{"field": "build_name.keyword", "size": 1}}}}}, 503},
		{"a filter's buckets", obj{"f": obj{"filter": obj{"term": obj{"voting": 1}}, "aggs": obj{"names": names}}}, 200},
		{"metrics", obj{"min": obj{"min": obj{"field": "@timestamp"}}, "n": obj{"cardinality": obj{"field": "build_name.keyword"}}}, 200},
	} {
		status, out := do(t, srv, "POST", "/logs-*/_search", obj{"size": 0, "aggs": c.aggs})
		if c.status == 200 {
			if status != 200 {
				t.Errorf("%s: %d %v", c.what, status, out)
			}
			continue
		}
		refusal(t, c.what, status, out, 503, "too_many_buckets_exception",
			"Trying to create too many buckets. Must be less than or equal to: [3] but was [4]. This limit can be set by changing the [search.max_buckets] cluster level setting.")
	}
	// In _msearch the refusal is the item's answer, with its status.
	status, body := raw(t, srv, "POST", "/logs-*/_msearch", "application/x-ndjson", "{}\n"+`{"size":0,"aggs":{"n":{"terms":{"field":"build_name.keyword"}}}}`+"\n")
	if status != 200 || !strings.Contains(body, `"status":503`) || !strings.Contains(body, "too_many_buckets_exception") {
		t.Errorf("_msearch: %d %s", status, body)
	}
}

// TestMaxBucketsDefault: unset, the limit is OpenSearch 2's default,
// 65,535 buckets.
func TestMaxBucketsDefault(t *testing.T) {
	srv := New(t)
	var body strings.Builder
	for i := range defaultMaxBuckets + 1 {
		fmt.Fprintf(&body, "{\"index\":{\"_index\":\"many\",\"_id\":\"%d\"}}\n{\"n\":%d}\n", i, i)
	}
	if status, out := do(t, srv, "POST", "/_bulk", body.String()); status != 200 || out["errors"] != false {
		t.Fatalf("bulk: %d", status)
	}
	for size, want := range map[int]int{defaultMaxBuckets: 200, defaultMaxBuckets + 1: 503} {
		status, out := do(t, srv, "POST", "/many/_search", obj{"size": 0, "aggs": obj{"n": obj{"terms": obj{"field": "n", "size": size}}}})
		if status != want {
			t.Errorf("terms of size %d: %d %v", size, status, out["error"])
		}
	}
}
