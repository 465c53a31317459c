package opensearch

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
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
