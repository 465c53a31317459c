package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/httpclient"
)

// buildSpan is how long a build may run: its lines are looked for that
// far before a window, to tell the builds that started in it.
const buildSpan = 24 * time.Hour

// Failed-build paging: pages of pageSize builds, at most maxFailedBuilds
// in all (and so at most maxPages pages): past them, or when the server
// hands back an after_key it gave before, paging stops with an error
// instead of running on.
const (
	pageSize        = 1000
	maxFailedBuilds = 100000
	maxPages        = maxFailedBuilds/pageSize + 1
)

// FailedBuilds lists the failed builds of w with a composite aggregation on
// the build uuid, a page at a time, so no build list is ever truncated.
func (c *Client) FailedBuilds(ctx context.Context, w recheckgen.Window, bf recheckgen.BuildFilter) ([]recheckgen.Build, error) {
	if _, err := c.names(ctx); err != nil {
		return nil, fmt.Errorf("failed builds: %w", err)
	}
	ts, status := c.field("@timestamp").Agg, c.field("build_status").Agg
	// A build counts when it started in w, as on the store; documents know
	// no start, so a build's first line stands in, looked for up to
	// buildSpan before the window (a build that began there has lines
	// there).
	filter := []any{
		obj{"range": obj{ts: obj{"gte": w.Start.Add(-buildSpan).UnixMilli(), "lt": w.End.UnixMilli(), "format": "epoch_millis"}}},
		obj{"exists": obj{"field": status}},
		obj{"bool": obj{"must_not": obj{"terms": obj{status: recheckgen.NotFailedResults}}}},
	}
	if !bf.IncludeNonvoting {
		filter = append(filter, obj{"term": obj{c.exact("voting"): c.cfg.Fields.VotingValue}})
	}
	if len(bf.Pipelines) > 0 {
		filter = append(filter, obj{"terms": obj{c.exact("build_queue"): bf.Pipelines}})
	}
	var out []recheckgen.Build
	seenBuilds := 0
	seen := map[string]bool{} // after_keys handed out so far
	var after json.RawMessage
	for page := 1; ; page++ {
		if page > maxPages {
			return nil, fmt.Errorf("failed builds: stopped after %d pages: the server keeps paging past %d builds", maxPages, maxFailedBuilds)
		}
		comp := obj{"size": pageSize, "sources": []any{obj{"uuid": obj{"terms": obj{"field": c.field("build_uuid").Agg}}}}}
		if after != nil {
			comp["after"] = after
		}
		body, _ := json.Marshal(obj{"size": 0, "query": obj{"bool": obj{"filter": filter}},
			"aggregations": obj{"builds": obj{"composite": comp, "aggregations": obj{
				"first": obj{"min": obj{"field": ts}},
				"build": obj{"top_hits": obj{"size": 1, "_source": c.sourceFields(false)}}}}}})
		var data []byte
		err := c.do(ctx, request{path: "/_search", contentType: "application/json", body: body,
			limit: capBase + pageSize*capPerBuild, read: readAll(&data)})
		if err != nil {
			return nil, fmt.Errorf("failed builds, page %d: %w", page, err)
		}
		var resp struct {
			TimedOut bool   `json:"timed_out"`
			Shards   shards `json:"_shards"`
			Aggs     struct {
				Builds struct {
					AfterKey json.RawMessage `json:"after_key"`
					Buckets  []struct {
						Key   struct{ UUID string } `json:"key"`
						First value                 `json:"first"`
						Build struct {
							Hits struct {
								Hits []hit `json:"hits"`
							} `json:"hits"`
						} `json:"build"`
					} `json:"buckets"`
				} `json:"builds"`
			} `json:"aggregations"`
		}
		if err := json.Unmarshal(data, &resp); err != nil {
			return nil, fmt.Errorf("failed builds, page %d: invalid response JSON: %v", page, err)
		}
		if err := c.complete(resp.TimedOut, resp.Shards); err != nil {
			return nil, fmt.Errorf("failed builds, page %d: %w", page, err)
		}
		for _, b := range resp.Aggs.Builds.Buckets {
			var bl recheckgen.Build
			if len(b.Build.Hits.Hits) > 0 {
				bl = c.build(b.Build.Hits.Hits[0].Source)
			}
			// Documents carry no start: the first line stands in.
			start, err := b.First.time("failed build " + httpclient.Snippet(b.Key.UUID, 80))
			if err != nil {
				return nil, fmt.Errorf("failed builds, page %d: the server's answer is refused: %w", page, err)
			}
			bl.UUID, bl.Start = c.redact(b.Key.UUID), start
			seenBuilds++
			if start.Before(w.Start) {
				continue // started before the window
			}
			out = append(out, bl)
			if seenBuilds > maxFailedBuilds {
				return nil, fmt.Errorf("failed builds: more than %d in the window: narrow it (window.length, report.pipelines)", maxFailedBuilds)
			}
		}
		key := resp.Aggs.Builds.AfterKey
		if len(resp.Aggs.Builds.Buckets) == 0 || len(key) == 0 || string(key) == "null" {
			break
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, key); err != nil {
			return nil, fmt.Errorf("failed builds, page %d: invalid after_key: %v", page, err)
		}
		if seen[compact.String()] {
			return nil, fmt.Errorf("failed builds, page %d: the server handed back an after_key it gave before (%s): paging stopped",
				page, c.redact(httpclient.Snippet(compact.String(), 200)))
		}
		seen[compact.String()] = true
		after = key
	}
	recheckgen.SortNewestFirst(out)
	return out, nil
}

// Latest is the time of the newest document not dated after now; the
// builds of documents dated after now are named instead.
func (c *Client) Latest(ctx context.Context, now time.Time) (recheckgen.Latest, error) {
	if _, err := c.names(ctx); err != nil {
		return recheckgen.Latest{}, fmt.Errorf("newest document: %w", err)
	}
	ts, uuid, cut := c.field("@timestamp").Agg, c.field("build_uuid").Agg, now.UnixMilli()
	body, _ := json.Marshal(obj{"size": 0, "aggregations": obj{
		"past": obj{"filter": obj{"range": obj{ts: obj{"lte": cut, "format": "epoch_millis"}}},
			"aggregations": obj{"last": obj{"max": obj{"field": ts}}}},
		"future": obj{"filter": obj{"range": obj{ts: obj{"gt": cut, "format": "epoch_millis"}}},
			"aggregations": obj{"builds": obj{"cardinality": obj{"field": uuid}},
				"newest": obj{"terms": obj{"field": uuid, "size": recheckgen.MaxFuture}}}},
	}})
	var l recheckgen.Latest
	var data []byte
	if err := c.do(ctx, request{path: "/_search", contentType: "application/json", body: body, limit: capBase, read: readAll(&data)}); err != nil {
		return l, fmt.Errorf("newest document: %w", err)
	}
	var resp struct {
		TimedOut bool   `json:"timed_out"`
		Shards   shards `json:"_shards"`
		Aggs     struct {
			Past struct {
				Last value `json:"last"`
			} `json:"past"`
			Future struct {
				Builds value `json:"builds"`
				Newest struct {
					Buckets []struct {
						Key string `json:"key"`
					} `json:"buckets"`
				} `json:"newest"`
			} `json:"future"`
		} `json:"aggregations"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return l, fmt.Errorf("newest document: invalid response JSON: %v", err)
	}
	if err := c.complete(resp.TimedOut, resp.Shards); err != nil {
		return l, fmt.Errorf("newest document: %w", err)
	}
	t, err := resp.Aggs.Past.Last.time("newest document")
	if err != nil {
		return l, fmt.Errorf("the server's answer is refused: %w", err)
	}
	l.Time = t
	for _, b := range resp.Aggs.Future.Newest.Buckets {
		l.Future = append(l.Future, b.Key)
	}
	l.FutureCount = len(l.Future)
	if v := resp.Aggs.Future.Builds.Value; v != nil {
		n, err := count(*v, "builds dated after now")
		if err != nil {
			return l, fmt.Errorf("the server's answer is refused: %w", err)
		}
		l.FutureCount = max(l.FutureCount, n)
	}
	return l, nil
}

// complete refuses a partial answer: one that timed out or lost shards.
func (c *Client) complete(timedOut bool, sh shards) error {
	if timedOut {
		return errors.New("the server timed out: its answer is partial (timed_out)")
	}
	if sh.Failed > 0 {
		msg := "shard failure"
		if len(sh.Failures) > 0 {
			msg = reason(sh.Failures[0].Reason)
		}
		return fmt.Errorf("%d shard(s) failed: %s", sh.Failed, c.redact(msg))
	}
	return nil
}

var _ recheckgen.Backend = (*Client)(nil)
