package opensearchtest

import (
	"encoding/json"
	"io"
	"net/http"
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
