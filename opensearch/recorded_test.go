package opensearch

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

func clientData(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/clients/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestClientRecordedAggregations: aggregation answers recorded by a
// client project's tests (olivere/elastic) decode with the right values:
// terms buckets with a top_hits of one (total as an object, _type, sort)
// as matching builds, a date_histogram by its key (its key_as_string
// says 2013, its key 2012: the key is what is read), a cardinality value.
func TestClientRecordedAggregations(t *testing.T) {
	c := client(t, "http://127.0.0.1:1", nil)
	var top map[string]json.RawMessage
	if err := json.Unmarshal(clientData(t, "olivere-elastic-top_hits.json"), &top); err != nil {
		t.Fatal(err)
	}
	builds := strings.ReplaceAll(string(top["top-tags"]), `"top_tags_hits"`, `"build"`)
	w := recheckgen.Window{Start: time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2013, 4, 1, 0, 0, 0, 0, time.UTC), Bucket: 24 * time.Hour}
	m, _, err := c.decode(json.RawMessage(`{"aggregations": {"builds": `+builds+`}}`), w, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, b := range m.Builds {
		got[b.UUID] = b.Lines
	}
	if len(m.Builds) != 3 || got["windows-7"] != 25365 || got["linux"] != 18342 || got["windows"] != 18119 {
		t.Errorf("builds %v", got)
	}
	var hist map[string]json.RawMessage
	json.Unmarshal(clientData(t, "olivere-elastic-date_histogram.json"), &hist)
	var h struct {
		Buckets []struct {
			Key float64 `json:"key"`
		} `json:"buckets"`
	}
	json.Unmarshal(hist["articles_over_time"], &h)
	if len(h.Buckets) != 2 {
		t.Fatalf("histogram %s", hist["articles_over_time"])
	}
	if at, err := millis(h.Buckets[0].Key, "key"); err != nil || !at.Equal(time.Date(2012, 2, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first bucket at %v %v", at, err)
	}
	if _, _, err := c.decode(json.RawMessage(`{"aggregations": {"hist": `+string(hist["articles_over_time"])+`}}`), w, 0); err != nil {
		t.Errorf("histogram without status buckets: %v", err)
	}
	var card map[string]value
	json.Unmarshal(clientData(t, "olivere-elastic-cardinality.json"), &card)
	if n, err := count(*card["author_count"].Value, "cardinality"); err != nil || n != 12 {
		t.Errorf("cardinality %d %v", n, err)
	}
}

// TestClientRecordedBulk: a bulk answer recorded by opensearch-go's tests
// (created, a version conflict, not found, updated) counts two documents
// written and two refused, with the server's reason.
func TestClientRecordedBulk(t *testing.T) {
	answer := clientData(t, "opensearch-go-bulk_response_2.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(answer) }))
	defer srv.Close()
	c := client(t, srv.URL, nil)
	var body strings.Builder
	for i := 0; i < 4; i++ {
		body.WriteString(`{"index":{"_index":"i","_id":"x"}}` + "\n{}\n")
	}
	var sum WriteSummary
	if err := c.bulk(context.Background(), []byte(body.String()), 4, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Docs != 2 || sum.Failed != 2 || len(sum.Errors) != 2 ||
		sum.Errors[0] != "409: version_conflict_engine_exception: [1]: version conflict, document already exists (current version [1])" {
		t.Errorf("%+v", sum)
	}
}
