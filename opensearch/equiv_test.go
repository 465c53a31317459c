package opensearch

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/sample"
)

// esAnswer is what a server holding the store's lines would answer to one
// search: the match, in the response shape recheckgen reads.
func esAnswer(m *recheckgen.Match, w recheckgen.Window) []byte {
	src := func(b recheckgen.Build) obj {
		voting := "0"
		if b.Voting {
			voting = "1"
		}
		return obj{"build_uuid": b.UUID, "build_name": b.Job, "build_status": b.Result, "voting": voting, "log_url": b.LogURL,
			"project": b.Project, "build_queue": b.Pipeline, "build_branch": b.Branch, "node_provider": b.Provider, "node_region": b.Region, "build_node": b.Node,
			"build_change": b.Change, "build_patchset": b.Patchset, "build_ref": b.Ref}
	}
	var hits []obj
	for _, h := range m.Recent {
		s := src(h.Build)
		s["message"], s["@timestamp"], s["filename"] = h.Message, h.Time.Format(time.RFC3339Nano), h.File
		hits = append(hits, obj{"_source": s})
	}
	var builds []obj
	for _, b := range m.Builds {
		builds = append(builds, obj{"key": b.UUID, "doc_count": b.Lines, "first": obj{"value": b.First.UnixMilli()},
			"last": obj{"value": b.Last.UnixMilli()}, "build": obj{"hits": obj{"hits": []obj{{"_source": src(b.Build)}}}}})
	}
	var hist []obj
	for i := 0; i < w.Buckets(); i++ {
		var st []obj
		for status, counts := range m.Buckets {
			if counts[i] > 0 {
				st = append(st, obj{"key": status, "builds": obj{"value": counts[i]}})
			}
		}
		if st != nil {
			hist = append(hist, obj{"key": w.BucketStart(i).UnixMilli(), "status": obj{"buckets": st}})
		}
	}
	aggs := obj{"builds": obj{"buckets": builds}, "hist": obj{"buckets": hist}, "first": obj{"value": nil}, "last": obj{"value": nil}}
	if !m.First.IsZero() {
		aggs["first"], aggs["last"] = obj{"value": m.First.UnixMilli()}, obj{"value": m.Last.UnixMilli()}
	}
	out, _ := json.Marshal(obj{"_shards": obj{"failed": 0}, "hits": obj{"hits": hits}, "aggregations": aggs})
	return out
}

// TestSameReportBothBackends: a sample corpus gives the same report
// through the embedded store and through the OpenSearch backend reading
// what a server holding the same lines would answer.
func TestSameReportBothBackends(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a sample corpus")
	}
	st := testcorpus.Store(t, sample.Options{Builds: 80})
	qs := testcorpus.Queries(t, filepath.Join("..", "queries"))
	w, _ := recheckgen.NewWindow(time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC), 10*24*time.Hour, time.Hour)
	// the query string the client sends for each query
	bySent := map[string]recheckgen.Query{}
	for _, q := range qs {
		bySent[queryString(q, lucene.AND, nil)] = q
	}
	srv := newReplay(t, func(body obj) []byte {
		sent := body["query"].(obj)["bool"].(obj)["must"].([]any)[0].(obj)["query_string"].(obj)["query"].(string)
		q, ok := bySent[sent]
		if !ok {
			t.Errorf("the client sent %q, no query's string", sent)
		}
		nonvoting := len(body["query"].(obj)["bool"].(obj)["filter"].([]any)) == 1
		m, err := st.Search(context.Background(), q, w, recheckgen.SearchOptions{Recent: int(body["size"].(float64)), IncludeNonvoting: nonvoting})
		if err != nil {
			t.Fatal(err)
		}
		return esAnswer(m, w)
	}, nil)
	c := client(t, srv.URL, func(c *Config) { c.Batch = 5 })

	so := func(q recheckgen.Query) recheckgen.SearchOptions {
		return recheckgen.SearchOptions{Recent: 5, IncludeNonvoting: q.AllowNonvoting}
	}
	var direct, remote []report.Result
	ms, errs := c.SearchAll(context.Background(), qs, w, so)
	for i, q := range qs {
		m, err := st.Search(context.Background(), q, w, so(q))
		direct = append(direct, report.Result{Query: q, Match: m, Err: err})
		remote = append(remote, report.Result{Query: q, Match: ms[i], Err: errs[i]})
	}
	now := w.End
	a, b := report.Make(w, direct, nil, report.DefaultOptions(now)), report.Make(w, remote, nil, report.DefaultOptions(now))
	// Documents know no line numbers or build times: compare without them.
	for _, r := range []*recheckgen.Report{a, b} {
		for i := range r.Bugs {
			for j := range r.Bugs[i].Recent {
				h := &r.Bugs[i].Recent[j]
				h.Line, h.Build.Start, h.Build.End = 0, time.Time{}, time.Time{}
			}
			for j := range r.Bugs[i].RecentBuilds {
				rb := &r.Bugs[i].RecentBuilds[j]
				rb.Line, rb.Build.Start, rb.Build.End = 0, time.Time{}, time.Time{}
			}
		}
	}
	fails, recent := 0, 0
	for _, bug := range a.Bugs {
		fails += bug.Fails
		recent += len(bug.Recent)
	}
	if fails == 0 || recent == 0 {
		t.Fatalf("the sample gave nothing to compare (%d fails, %d recent hits)", fails, recent)
	}
	ja, _ := json.MarshalIndent(a, "", " ")
	jb, _ := json.MarshalIndent(b, "", " ")
	if string(ja) != string(jb) {
		t.Errorf("the reports differ:\n--- embedded store\n%.3000s\n--- OpenSearch replay\n%.3000s", ja, jb)
	}
	if n := srv.requests.Load(); n != int32((len(qs)+4)/5) {
		t.Errorf("%d requests for %d queries in batches of 5", n, len(qs))
	}
}
