package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/recheckgen/recheckgen"
)

// precision makes the distinct-build counts exact up to this many builds
// per bucket, far above what one hour holds.
const precision = 40000

// maxBuilds bounds the distinct matching builds one query returns.
const maxBuilds = 10000

type obj = map[string]any

// body is the search request of one query over a window.
func (c *Client) body(q recheckgen.Query, w recheckgen.Window, o recheckgen.SearchOptions) obj {
	f := c.cfg.Fields
	filter := []any{obj{"range": obj{f.Timestamp: obj{"gte": w.Start.UnixMilli(), "lt": w.End.UnixMilli(), "format": "epoch_millis"}}}}
	if !o.IncludeNonvoting {
		filter = append(filter, obj{"term": obj{f.Voting: f.VotingValue}})
	}
	ts := obj{"field": f.Timestamp}
	return obj{
		"size":             o.Recent,
		"track_total_hits": false,
		"sort":             []any{obj{f.Timestamp: obj{"order": "desc"}}},
		"_source":          c.sourceFields(true),
		"query": obj{"bool": obj{
			"must":   []any{obj{"query_string": obj{"query": q.Raw, "default_field": f.Message, "default_operator": c.cfg.Operator.String()}}},
			"filter": filter,
		}},
		"aggs": obj{
			"first": obj{"min": ts},
			"last":  obj{"max": ts},
			"builds": obj{
				"terms": obj{"field": f.BuildUUID, "size": maxBuilds},
				"aggs": obj{"first": obj{"min": ts}, "last": obj{"max": ts},
					"build": obj{"top_hits": obj{"size": 1, "_source": c.sourceFields(false)}}},
			},
			"hist": obj{
				"date_histogram": obj{"field": f.Timestamp, "fixed_interval": fmt.Sprintf("%ds", int(w.Bucket.Seconds())), "min_doc_count": 1},
				"aggs": obj{"status": obj{"terms": obj{"field": f.BuildStatus, "size": 20},
					"aggs": obj{"builds": obj{"cardinality": obj{"field": f.BuildUUID, "precision_threshold": precision}}}}},
			},
		},
	}
}

// sourceFields lists the document fields read back: the build's, plus the
// line's own for recent hits. "@fields" covers old indices that nest them.
func (c *Client) sourceFields(line bool) []string {
	f := c.cfg.Fields
	out := []string{f.BuildUUID, f.BuildName, f.BuildStatus, f.Voting, f.LogURL, f.Project, f.Pipeline, f.Branch, f.Provider,
		f.Region, f.Node, "build_change", "build_patchset", "build_ref", "@fields"}
	if line {
		out = append(out, f.Message, f.Timestamp, f.Filename, "tags", "@message", "@tags")
	}
	return out
}

// msearchBody is the NDJSON of a batch: an empty header (the index is in
// the path) and a body per query.
func (c *Client) msearchBody(qs []recheckgen.Query, w recheckgen.Window, opts func(recheckgen.Query) recheckgen.SearchOptions) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, q := range qs {
		buf.WriteString("{}\n")
		if err := enc.Encode(c.body(q, w, opts(q))); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// BatchSize is how many queries go in one _msearch.
func (c *Client) BatchSize() int { return c.cfg.Batch }

// Search runs one query.
func (c *Client) Search(ctx context.Context, q recheckgen.Query, w recheckgen.Window, o recheckgen.SearchOptions) (*recheckgen.Match, error) {
	ms, errs := c.SearchAll(ctx, []recheckgen.Query{q}, w, func(recheckgen.Query) recheckgen.SearchOptions { return o })
	return ms[0], errs[0]
}

// SearchAll runs queries in _msearch batches of Config.Batch, one batch
// after another on each call; callers bound concurrency by calling it
// from several goroutines. A query the server rejects fails alone, with
// the server's reason; a batch whose response is unreadable fails whole.
func (c *Client) SearchAll(ctx context.Context, qs []recheckgen.Query, w recheckgen.Window, opts func(recheckgen.Query) recheckgen.SearchOptions) ([]*recheckgen.Match, []error) {
	ms := make([]*recheckgen.Match, len(qs))
	errs := make([]error, len(qs))
	for start := 0; start < len(qs); start += c.cfg.Batch {
		end := min(start+c.cfg.Batch, len(qs))
		c.batch(ctx, qs[start:end], w, opts, ms[start:end], errs[start:end], start/c.cfg.Batch+1)
	}
	return ms, errs
}

func (c *Client) batch(ctx context.Context, qs []recheckgen.Query, w recheckgen.Window, opts func(recheckgen.Query) recheckgen.SearchOptions, ms []*recheckgen.Match, errs []error, n int) {
	fail := func(err error) {
		for i := range errs {
			errs[i] = err
		}
	}
	body, err := c.msearchBody(qs, w, opts)
	if err != nil {
		fail(err)
		return
	}
	data, err := c.post(ctx, "/_msearch", "application/x-ndjson", body)
	if err != nil {
		fail(fmt.Errorf("batch %d (%s … %s): %w", n, qs[0].ID, qs[len(qs)-1].ID, err))
		return
	}
	var resp struct {
		Responses []json.RawMessage `json:"responses"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		fail(fmt.Errorf("batch %d (%s … %s): invalid response JSON: %v", n, qs[0].ID, qs[len(qs)-1].ID, err))
		return
	}
	if len(resp.Responses) != len(qs) {
		fail(fmt.Errorf("batch %d: %d responses for %d queries", n, len(resp.Responses), len(qs)))
		return
	}
	for i, raw := range resp.Responses {
		ms[i], errs[i] = c.decode(raw, w, opts(qs[i]).Recent)
		if errs[i] != nil {
			errs[i] = fmt.Errorf("query %s: %w", qs[i].ID, errs[i])
		}
	}
}

// searchResponse is the part of a search response read back.
type searchResponse struct {
	Error    json.RawMessage `json:"error"`
	Status   int             `json:"status"`
	TimedOut bool            `json:"timed_out"`
	Shards   struct {
		Failed   int `json:"failed"`
		Failures []struct {
			Reason json.RawMessage `json:"reason"`
		} `json:"failures"`
	} `json:"_shards"`
	Hits struct {
		Hits []hit `json:"hits"`
	} `json:"hits"`
	Aggs struct {
		First  value `json:"first"`
		Last   value `json:"last"`
		Builds struct {
			Buckets []struct {
				Key   string `json:"key"`
				First value  `json:"first"`
				Last  value  `json:"last"`
				Build struct {
					Hits struct {
						Hits []hit `json:"hits"`
					} `json:"hits"`
				} `json:"build"`
				DocCount int `json:"doc_count"`
			} `json:"buckets"`
		} `json:"builds"`
		Hist struct {
			Buckets []struct {
				Key    int64 `json:"key"`
				Status struct {
					Buckets []struct {
						Key    string `json:"key"`
						Builds value  `json:"builds"`
					} `json:"buckets"`
				} `json:"status"`
			} `json:"buckets"`
		} `json:"hist"`
	} `json:"aggregations"`
}

type value struct {
	Value *float64 `json:"value"`
}

func (v value) time() time.Time {
	if v.Value == nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(*v.Value)).UTC()
}

// decode reads one item of an _msearch response.
func (c *Client) decode(raw json.RawMessage, w recheckgen.Window, recent int) (*recheckgen.Match, error) {
	var r searchResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("invalid response JSON: %v", err)
	}
	if len(r.Error) > 0 && string(r.Error) != "null" {
		return nil, fmt.Errorf("the server rejected the query (%d): %s", r.Status, reason(r.Error))
	}
	if r.Shards.Failed > 0 {
		msg := "shard failure"
		if len(r.Shards.Failures) > 0 {
			msg = reason(r.Shards.Failures[0].Reason)
		}
		return nil, fmt.Errorf("%d shard(s) failed: %s", r.Shards.Failed, msg)
	}
	m := &recheckgen.Match{Buckets: map[string][]int{}, First: r.Aggs.First.time(), Last: r.Aggs.Last.time()}
	for _, b := range r.Aggs.Builds.Buckets {
		mb := recheckgen.MatchedBuild{First: b.First.time(), Last: b.Last.time(), Lines: b.DocCount}
		if len(b.Build.Hits.Hits) > 0 {
			mb.Build = c.build(b.Build.Hits.Hits[0].Source)
		}
		mb.UUID = b.Key
		m.Builds = append(m.Builds, mb)
	}
	recheckgen.SortMatched(m.Builds)
	for _, hb := range r.Aggs.Hist.Buckets {
		k := w.BucketOf(time.UnixMilli(hb.Key))
		if k < 0 {
			continue
		}
		for _, s := range hb.Status.Buckets {
			if m.Buckets[s.Key] == nil {
				m.Buckets[s.Key] = make([]int, w.Buckets())
			}
			if s.Builds.Value != nil {
				m.Buckets[s.Key][k] += int(*s.Builds.Value)
			}
		}
	}
	for i, h := range r.Hits.Hits {
		if i == recent {
			break
		}
		m.Recent = append(m.Recent, c.hit(h.Source))
	}
	return m, nil
}

// reason pulls the server's words out of an error object.
func reason(raw json.RawMessage) string {
	var e struct {
		Type      string `json:"type"`
		Reason    string `json:"reason"`
		RootCause []struct {
			Reason string `json:"reason"`
		} `json:"root_cause"`
		CausedBy *struct {
			Reason string `json:"reason"`
		} `json:"caused_by"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return snippet(raw)
	}
	msg := e.Type + ": " + e.Reason
	if e.CausedBy != nil && e.CausedBy.Reason != "" {
		msg += " (" + e.CausedBy.Reason + ")"
	} else if len(e.RootCause) > 0 && e.RootCause[0].Reason != e.Reason {
		msg += " (" + e.RootCause[0].Reason + ")"
	}
	return msg
}
