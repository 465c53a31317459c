package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
)

var win = recheckgen.Window{Start: time.Date(2013, 10, 8, 0, 0, 0, 0, time.UTC), End: time.Date(2013, 10, 18, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}

func client(t testing.TB, url string, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{URLs: []string{url}, Index: "logstash-*", Operator: lucene.AND, Backoff: time.Millisecond, Timeout: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func query(id, raw string) recheckgen.Query { return recheckgen.Query{ID: id, Raw: raw} }

func opts(o recheckgen.SearchOptions) func(recheckgen.Query) recheckgen.SearchOptions {
	return func(recheckgen.Query) recheckgen.SearchOptions { return o }
}

// TestRequestBody pins the _msearch request of two queries.
func TestRequestBody(t *testing.T) {
	c := client(t, "http://127.0.0.1:1", nil)
	body, err := c.msearchBody([]recheckgen.Query{query("1217734", `message:"CalledProcessError" AND tags:console`), query("b", "message:x")}, win,
		func(q recheckgen.Query) recheckgen.SearchOptions {
			return recheckgen.SearchOptions{Recent: 5, IncludeNonvoting: q.ID == "b"}
		})
	if err != nil {
		t.Fatal(err)
	}
	writeGolden(t, "testdata/msearch-request.ndjson", body)
}

// TestRecordedDocuments decodes real recorded documents (the old shape,
// with @fields lists) served as a today's-shape aggregation response.
func TestRecordedDocuments(t *testing.T) {
	docs := recorded(t, "bug-1217734.json")
	srv := newReplay(t, func(body obj) []byte { return aggregate(t, docs, int(body["size"].(float64))) }, nil)
	c := client(t, srv.URL, nil)
	m, err := c.Search(context.Background(), query("1217734", "message:x"), win, recheckgen.SearchOptions{Recent: 3})
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, raw := range docs {
		var h hit
		json.Unmarshal(raw, &h)
		distinct[newDoc(h.Source).get("build_uuid")] = true
	}
	if len(m.Builds) != len(distinct) || len(distinct) < 2 || len(m.Recent) != 3 {
		t.Fatalf("%d builds (the documents hold %d), %d recent", len(m.Builds), len(distinct), len(m.Recent))
	}
	b := m.Builds[0].Build
	if b.UUID == "" || b.Job == "" || b.Project == "" || b.Result != "FAILURE" || b.Pipeline == "" || !strings.HasPrefix(b.LogURL, "http://logs.openstack.org/") {
		t.Errorf("build from @fields: %+v", b)
	}
	h := m.Recent[0]
	if h.Message == "" || h.File != "console.html" || h.Time.IsZero() || strings.HasSuffix(h.Build.LogURL, "console.html") {
		t.Errorf("hit: %+v", h)
	}
	// The values themselves, read here from the recorded JSON as it
	// stands: the newest hit's time (its sort value), message and build.
	var first struct {
		Sort   []int64 `json:"sort"`
		Source struct {
			Message string         `json:"@message"`
			Fields  map[string]any `json:"@fields"`
		} `json:"_source"`
	}
	if err := json.Unmarshal(docs[0], &first); err != nil {
		t.Fatal(err)
	}
	f := func(k string) string { v, _ := first.Source.Fields[k].(string); return v }
	if !h.Time.Equal(time.UnixMilli(first.Sort[0])) || h.Message != first.Source.Message || h.Build.UUID != f("build_uuid") {
		t.Errorf("newest hit %v %q %s, recorded %d %q %s", h.Time, h.Message, h.Build.UUID, first.Sort[0], first.Source.Message, f("build_uuid"))
	}
	for _, mb := range m.Builds {
		if mb.UUID != f("build_uuid") {
			continue
		}
		b := mb.Build
		if b.Job != f("build_name") || b.Project != f("project") || b.Pipeline != f("build_queue") || b.Change != f("build_change") ||
			b.Patchset != f("build_patchset") || b.Ref != f("build_ref") || b.Result != f("build_status") ||
			b.LogURL != strings.TrimSuffix(f("log_url"), "console.html") {
			t.Errorf("build %+v, recorded %v", b, first.Source.Fields)
		}
	}
	total := 0
	for _, counts := range m.Buckets {
		for _, n := range counts {
			total += n
		}
	}
	if total < len(distinct) || m.First.IsZero() || !m.Last.After(m.First) {
		t.Errorf("buckets total %d, first %v last %v", total, m.First, m.Last)
	}
}

// TestBatching: 120 queries travel in three _msearch requests of at most
// 50, and results come back to the right query.
func TestBatching(t *testing.T) {
	srv := newReplay(t, func(body obj) []byte {
		q := body["query"].(obj)["bool"].(obj)["must"].([]any)[0].(obj)["query_string"].(obj)["query"].(string)
		return []byte(fmt.Sprintf(`{"aggregations": {"builds": {"buckets": [{"key": %q, "doc_count": 1}]}}}`, q))
	}, nil)
	c := client(t, srv.URL, nil)
	var qs []recheckgen.Query
	for i := 0; i < 120; i++ {
		qs = append(qs, query(fmt.Sprint(i), fmt.Sprintf("message:q%d", i)))
	}
	ms, errs := c.SearchAll(context.Background(), qs, win, opts(recheckgen.SearchOptions{}))
	for i := range qs {
		if errs[i] != nil || ms[i].Builds[0].UUID != qs[i].Raw {
			t.Fatalf("query %d: %v %+v", i, errs[i], ms[i])
		}
	}
	if n := srv.requests.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestFaults injects each failure the backend must survive.
func TestFaults(t *testing.T) {
	ok := func(obj) []byte { return []byte(`{"aggregations": {}}`) }
	tests := []struct {
		name     string
		fault    func(n int, w http.ResponseWriter) bool
		answer   func(obj) []byte
		requests int32
		want     []string // error substrings per query; "" = success
	}{
		{"429 with Retry-After", func(n int, w http.ResponseWriter) bool {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(429)
				return true
			}
			return false
		}, ok, 2, []string{"", ""}},
		{"502 then 503 then 504", func(n int, w http.ResponseWriter) bool {
			if n <= 3 {
				w.WriteHeader([]int{502, 503, 504}[n-1])
				return true
			}
			return false
		}, ok, 4, []string{"", ""}},
		{"connection dropped", func(n int, w http.ResponseWriter) bool {
			if n == 1 {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return true
			}
			return false
		}, ok, 2, []string{"", ""}},
		{"always 503", func(n int, w http.ResponseWriter) bool { w.WriteHeader(503); return true }, ok, 5,
			[]string{"batch 1 (a … b): server answered 503", "gave up after 5 attempts"}},
		{"400 is not retried", func(n int, w http.ResponseWriter) bool {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"bad"}`))
			return true
		}, ok, 1,
			[]string{"server answered 400 Bad Request", "server answered 400"}},
		{"truncated JSON", func(n int, w http.ResponseWriter) bool { w.Write([]byte(`{"responses": [{"aggr`)); return true }, ok, 1,
			[]string{"batch 1 (a … b): invalid response JSON", "invalid response JSON"}},
		{"one query rejected", nil, func(b obj) []byte {
			if strings.Contains(fmt.Sprint(b["query"]), "bad") {
				return []byte(`{"error": {"root_cause": [{"type": "query_shard_exception", "reason": "Failed to parse query [bad:(]"}], "type": "search_phase_execution_exception", "reason": "all shards failed"}, "status": 400}`)
			}
			return []byte(`{"aggregations": {}}`)
		}, 1, []string{"", "query b: the server rejected the query (400): search_phase_execution_exception: all shards failed (Failed to parse query [bad:(])"}},
		{"shard failure", nil, func(b obj) []byte {
			return []byte(`{"_shards": {"total": 5, "failed": 1, "failures": [{"reason": {"type": "circuit_breaking_exception", "reason": "data too large"}}]}}`)
		}, 1, []string{"1 shard(s) failed: circuit_breaking_exception: data too large", "shard(s) failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newReplay(t, tt.answer, tt.fault)
			c := client(t, srv.URL, nil)
			_, errs := c.SearchAll(context.Background(), []recheckgen.Query{query("a", "message:a"), query("b", "message:bad")}, win, opts(recheckgen.SearchOptions{}))
			for i, want := range tt.want {
				switch {
				case want == "" && errs[i] != nil:
					t.Errorf("query %d: %v", i, errs[i])
				case want != "" && (errs[i] == nil || !strings.Contains(errs[i].Error(), want)):
					t.Errorf("query %d: error %v, want %q", i, errs[i], want)
				}
			}
			if n := srv.requests.Load(); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

// TestTimeout: a request that hits the client timeout fails with the
// setting named, and is not sent again (the server may still be busy).
func TestTimeout(t *testing.T) {
	srv := newReplay(t, func(obj) []byte { return []byte(`{}`) }, func(n int, w http.ResponseWriter) bool {
		time.Sleep(300 * time.Millisecond)
		return false
	})
	c := client(t, srv.URL, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	_, err := c.Search(context.Background(), query("a", "message:a"), win, recheckgen.SearchOptions{})
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms (backend.opensearch.timeout)") {
		t.Errorf("timeout: %v", err)
	}
	// Counted where they are sent: on a loaded machine the client may give
	// up before the server has read the request at all.
	if n := c.Requests.Load(); n != 1 {
		t.Errorf("%d requests: a timed-out request was sent again", n)
	}
	if n := srv.requests.Load(); n > 1 {
		t.Errorf("the server saw %d requests: a timed-out request was sent again", n)
	}
}

func TestCredentialsAndLatest(t *testing.T) {
	var auth string
	var body obj
	srv := newReplay(t, nil, func(n int, w http.ResponseWriter) bool { return false })
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		json.NewDecoder(r.Body).Decode(&body)
		w.Write([]byte(`{"aggregations": {"past": {"last": {"value": 1382026106601}},
			"future": {"builds": {"value": 12}, "newest": {"buckets": [{"key": "f1", "doc_count": 3}]}}}}`))
	})
	c := client(t, srv.URL, func(c *Config) { c.User, c.Password = "u", "p" })
	now := time.UnixMilli(1382026200000)
	latest, err := c.Latest(context.Background(), now)
	if err != nil || latest.Time.UnixMilli() != 1382026106601 || auth != "Basic dTpw" || latest.FutureCount != 12 || len(latest.Future) != 1 {
		t.Errorf("latest %+v %v, auth %q", latest, err, auth)
	}
	past, _ := json.Marshal(body["aggregations"].(obj)["past"])
	if want := `{"aggregations":{"last":{"max":{"field":"@timestamp"}}},"filter":{"range":{"@timestamp":{"format":"epoch_millis","lte":1382026200000}}}}`; string(past) != want {
		t.Errorf("past aggregation %s, want %s", past, want)
	}
	if _, err := New(Config{URLs: []string{"https://u:p@example.org"}}); err == nil || strings.Contains(err.Error(), "u:p") {
		t.Errorf("credentials in a URL: %v", err)
	}
}

func TestFailedBuildsPages(t *testing.T) {
	srv := newReplay(t, nil, nil)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := srv.requests.Add(1)
		var body obj
		json.NewDecoder(r.Body).Decode(&body)
		comp := body["aggregations"].(obj)["builds"].(obj)["composite"].(obj)
		switch {
		case n == 1 && comp["after"] == nil:
			// b0's first line is before the window: it started before it.
			w.Write([]byte(`{"aggregations": {"builds": {"after_key": {"uuid": "b1"}, "buckets": [
				{"key": {"uuid": "b0"}, "first": {"value": 1381100000000}, "build": {"hits": {"hits": [{"_source": {"build_name": "gate-x", "build_status": "FAILURE"}}]}}},
				{"key": {"uuid": "b1"}, "first": {"value": 1381300000000}, "build": {"hits": {"hits": [{"_source": {"@fields": {"build_name": ["gate-x"], "build_status": ["FAILURE"]}}}]}}}]}}}`))
		case n == 2 && comp["after"] != nil:
			w.Write([]byte(`{"aggregations": {"builds": {"after_key": {"uuid": "b2"}, "buckets": [
				{"key": {"uuid": "b2"}, "first": {"value": 1382000000000}, "build": {"hits": {"hits": [{"_source": {"build_name": "check-y", "build_status": "TIMED_OUT"}}]}}}]}}}`))
		default:
			w.Write([]byte(`{"aggregations": {"builds": {"buckets": []}}}`))
		}
	})
	c := client(t, srv.URL, func(c *Config) { c.Discover = false })
	builds, err := c.FailedBuilds(context.Background(), win, recheckgen.BuildFilter{Pipelines: []string{"gate"}})
	if err != nil || len(builds) != 2 || builds[0].UUID != "b2" || builds[0].Job != "check-y" || builds[1].Job != "gate-x" || builds[1].Result != "FAILURE" {
		t.Errorf("failed builds %+v %v", builds, err)
	}
}
