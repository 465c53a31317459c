package opensearch

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/opensearchtest"
)

// TestIndexWithoutTimestamp: an index of the pattern that does not map
// @timestamp (no log index, or one holding no line yet) does not fail the
// search: a real cluster refuses a sort on a field a shard does not map
// ("No mapping found for [@timestamp] in order to sort on") unless the
// sort names unmapped_type.
func TestIndexWithoutTimestamp(t *testing.T) {
	srv := openstackIndex(t)
	resp, err := http.Post(srv.URL+"/_bulk", "application/x-ndjson",
		strings.NewReader(`{"index":{"_index":"logstash-meta","_id":"1"}}`+"\n"+`{"message":"Timed out waiting for a reply"}`+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := realClient(t, srv.URL, "logstash-", nil)
	m, err := c.Search(context.Background(), query("q", `message:"Timed out waiting for a reply"`), win22, recheckgen.SearchOptions{Recent: 5})
	if err != nil || len(m.Builds) != 3 || len(m.Recent) != 3 {
		t.Fatalf("%v %+v", err, m)
	}
}

// TestTooManyBuckets: an answer the cluster refuses for holding more
// buckets than its search.max_buckets (a long window of narrow chart
// buckets) fails the query with the limit and what to change, not a
// count cut short.
func TestTooManyBuckets(t *testing.T) {
	srv := openstackIndex(t)
	c := realClient(t, srv.URL, "logstash-", nil)
	q := query("q", `message:"Timed out waiting for a reply"`)
	// 3 builds, 3 chart buckets with lines, 3 build results in them: 9
	srv.MaxBuckets.Store(8)
	m, err := c.Search(context.Background(), q, win22, recheckgen.SearchOptions{Recent: 5})
	if err == nil || m != nil || !strings.Contains(err.Error(), "more buckets than the server's search.max_buckets (8) allows") ||
		!strings.Contains(err.Error(), "window.bucket") {
		t.Errorf("over the limit: %v %+v", err, m)
	}
	srv.MaxBuckets.Store(9)
	if m, err := c.Search(context.Background(), q, win22, recheckgen.SearchOptions{Recent: 5}); err != nil || len(m.Builds) != 3 {
		t.Errorf("at the limit: %v %+v", err, m)
	}
}

// TestResultWindow: more recent lines than index.max_result_window
// (query --recent 20000) fail with the server's reason.
func TestResultWindow(t *testing.T) {
	srv := openstackIndex(t)
	c := realClient(t, srv.URL, "logstash-", nil)
	q := query("q", `message:"Timed out waiting for a reply"`)
	_, err := c.Search(context.Background(), q, win22, recheckgen.SearchOptions{Recent: 10001})
	if err == nil || !strings.Contains(err.Error(), "the server rejected the query (400)") ||
		!strings.Contains(err.Error(), "Result window is too large, from + size must be less than or equal to: [10000] but was [10001]") {
		t.Errorf("10001 recent lines: %v", err)
	}
	if m, err := c.Search(context.Background(), q, win22, recheckgen.SearchOptions{Recent: 10000}); err != nil || len(m.Recent) != 3 {
		t.Errorf("10000 recent lines: %v %+v", err, m)
	}
}

// TestVotingValueOnNumberField: with voting mapped as a number, a
// voting_value that is no number ("true") would have every query refused
// by the cluster (a term that is no number on a number field); discovery
// says so, naming the setting. A number spelt as a string is fine.
func TestVotingValueOnNumberField(t *testing.T) {
	srv := opensearchtest.New(t)
	fill(t, srv, obj{"@timestamp": "2022-02-28T09:39:09Z", "message": "Timed out", "build_uuid": "u1", "build_status": "FAILURE", "voting": 1})
	q := query("q", "message:Timed")
	c := realClient(t, srv.URL, "logstash-", func(c *Config) { c.Fields.VotingValue = "true" })
	_, err := c.Search(context.Background(), q, win22, recheckgen.SearchOptions{})
	if err == nil || !strings.Contains(err.Error(), `field "voting" (voting) is long, and backend.opensearch.fields.voting_value "true" is no number`) {
		t.Errorf("voting_value true: %v", err)
	}
	c = realClient(t, srv.URL, "logstash-", func(c *Config) { c.Fields.VotingValue = "1" })
	if m, err := c.Search(context.Background(), q, win22, recheckgen.SearchOptions{}); err != nil || len(m.Builds) != 1 {
		t.Errorf("voting_value 1: %v %+v", err, m)
	}
}
