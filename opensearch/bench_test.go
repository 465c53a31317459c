package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

const latency = 50 * time.Millisecond

func benchQueries() []recheckgen.Query {
	var qs []recheckgen.Query
	for i := 0; i < 200; i++ {
		qs = append(qs, query(fmt.Sprint(i), fmt.Sprintf(`message:"error number %d" AND tags:console`, i)))
	}
	return qs
}

// BenchmarkRecheckgen: 200 queries as recheckgen sends them (_msearch
// batches of 50, aggregations only, 10 recent hits each) to a replay
// server that adds 50 ms to every request and answers with aggregations
// over real recorded documents.
func BenchmarkRecheckgen(b *testing.B) {
	docs := recorded(b, "bug-1224001.json")
	answer := aggregate(b, docs, 10)
	srv := newReplay(b, func(obj) []byte { return answer }, func(int, http.ResponseWriter) bool { time.Sleep(latency); return false })
	c := client(b, srv.URL, nil)
	qs := benchQueries()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, errs := c.SearchAll(context.Background(), qs, win, opts(recheckgen.SearchOptions{Recent: 10}))
		if errs[0] != nil {
			b.Fatal(errs[0])
		}
	}
	b.ReportMetric(float64(c.Requests.Load())/float64(b.N), "requests/op")
	b.ReportMetric(float64(c.Bytes.Load())/float64(b.N), "bytes/op")
}

// BenchmarkElasticRecheckWay: the same 200 queries the way elastic-recheck
// ran them: one _search each, downloading up to 3000 hits to count them.
func BenchmarkElasticRecheckWay(b *testing.B) {
	docs := recorded(b, "bug-1224001.json")
	var hits []json.RawMessage
	for len(hits) < 3000 {
		hits = append(hits, docs...)
	}
	answer, _ := json.Marshal(obj{"took": 40, "hits": obj{"total": len(hits[:3000]), "hits": hits[:3000]}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(latency)
		w.Write(answer)
	}))
	defer srv.Close()
	qs := benchQueries()
	var requests, bytesMoved atomic.Int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			body, _ := json.Marshal(obj{"size": 3000, "sort": obj{"@timestamp": obj{"order": "desc"}},
				"query": obj{"query_string": obj{"query": q.Raw}}})
			resp, err := http.Post(srv.URL+"/logstash-*/_search", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			requests.Add(1)
			bytesMoved.Add(int64(len(body)) + n)
		}
	}
	b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
	b.ReportMetric(float64(bytesMoved.Load())/float64(b.N), "bytes/op")
}
