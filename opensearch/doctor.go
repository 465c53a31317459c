package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/recheckgen/recheckgen"
)

// Health is what Check found: the facts a user wants before the first
// scheduled build, and each query the server refused.
type Health struct {
	Server  string        // "OpenSearch 2.11.1"
	Mapping Mapping       // the names discovery chose
	Newest  time.Time     // the newest document's time
	Lag     time.Duration // how old it is
	// Rejected holds, by query id, why the server refused it.
	Rejected map[string]error
}

// Check connects (credentials and version), reads the index pattern's
// mapping, finds the newest document, and runs every query once over w
// with no hits asked for (aggregations only), as a build would.
func (c *Client) Check(ctx context.Context, qs []recheckgen.Query, w recheckgen.Window) (Health, error) {
	var h Health
	var data []byte
	if err := c.do(ctx, request{method: "GET", root: true, path: "/", limit: capBase, read: readAll(&data)}); err != nil {
		return h, fmt.Errorf("connect: %w", err)
	}
	var info struct {
		Version struct {
			Distribution string `json:"distribution"`
			Number       string `json:"number"`
		} `json:"version"`
	}
	if err := json.Unmarshal(data, &info); err != nil || info.Version.Number == "" {
		return h, fmt.Errorf("connect: the answer to GET / names no version: not OpenSearch or Elasticsearch?")
	}
	h.Server = "Elasticsearch " + info.Version.Number
	if info.Version.Distribution == "opensearch" {
		h.Server = "OpenSearch " + info.Version.Number
	}
	if c.cfg.Discover {
		m, err := c.Discover(ctx)
		if err != nil {
			return h, err
		}
		h.Mapping = m
	}
	if _, err := c.names(ctx); err != nil {
		return h, err
	}
	l, err := c.Latest(ctx, time.Now())
	if err != nil {
		return h, err
	}
	h.Newest = l.Time
	if !l.Time.IsZero() {
		h.Lag = time.Since(l.Time)
	}
	ms, errs := c.SearchAll(ctx, qs, w, func(q recheckgen.Query) recheckgen.SearchOptions {
		return recheckgen.SearchOptions{IncludeNonvoting: q.AllowNonvoting}
	})
	_ = ms
	h.Rejected = map[string]error{}
	for i, err := range errs {
		if err != nil {
			h.Rejected[qs[i].ID] = err
		}
	}
	return h, nil
}
