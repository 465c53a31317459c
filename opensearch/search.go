package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/httpclient"
)

// precision makes the distinct-build counts exact up to this many builds
// per bucket, far above what one hour holds.
const precision = 40000

// maxBuilds bounds the distinct matching builds one query returns.
const maxBuilds = 10000

type obj = map[string]any

// body is the search request of one query over a window.
func (c *Client) body(q recheckgen.Query, w recheckgen.Window, o recheckgen.SearchOptions) obj {
	ts, uuid := c.field("@timestamp").Agg, c.field("build_uuid").Agg
	filter := []any{obj{"range": obj{ts: obj{"gte": w.Start.UnixMilli(), "lt": w.End.UnixMilli(), "format": "epoch_millis"}}}}
	if !o.IncludeNonvoting {
		filter = append(filter, obj{"term": obj{c.exact("voting"): c.cfg.Fields.VotingValue}})
	}
	tsField := obj{"field": ts}
	// Buckets start where the window's do: the server aligns them to the
	// epoch plus the offset, the window to its own end.
	offset := w.Start.UnixMilli() % w.Bucket.Milliseconds()
	return obj{
		"size":             o.Recent,
		"track_total_hits": false,
		// An index of the pattern without the time field (an index that is
		// no log index, or holds none yet) sorts as empty, not as a
		// failed shard ("No mapping found for [...] in order to sort on").
		"sort":    []any{obj{ts: obj{"order": "desc", "unmapped_type": "date"}}},
		"_source": c.sourceFields(true),
		"query": obj{"bool": obj{
			"must": []any{obj{"query_string": obj{"query": queryString(q, c.cfg.Operator, c.fieldMap()),
				"default_field": c.field("message").Query, "default_operator": c.cfg.Operator.String()}}},
			"filter": filter,
		}},
		"aggregations": obj{
			"first": obj{"min": tsField},
			"last":  obj{"max": tsField},
			"builds": obj{
				"terms": obj{"field": uuid, "size": maxBuilds},
				"aggregations": obj{"first": obj{"min": tsField}, "last": obj{"max": tsField},
					"build": obj{"top_hits": obj{"size": 1, "_source": c.sourceFields(false)}}},
			},
			"hist": obj{
				"date_histogram": obj{"field": ts, "fixed_interval": fmt.Sprintf("%ds", int(w.Bucket.Seconds())),
					"offset": fmt.Sprintf("%dms", offset), "min_doc_count": 1},
				"aggregations": obj{"status": obj{"terms": obj{"field": c.field("build_status").Agg, "size": maxStatuses},
					"aggregations": obj{"builds": obj{"cardinality": obj{"field": uuid, "precision_threshold": precision}}}}},
			},
		},
	}
}

// maxStatuses bounds the build results one histogram bucket tells apart.
const maxStatuses = 20

// field is how a logical field is named on the server: as discovered, or
// as configured before discovery.
func (c *Client) field(logical string) Names {
	return c.fieldMap()[logical]
}

func (c *Client) fieldMap() map[string]Names {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fields != nil {
		return c.fields
	}
	return c.undiscovered()
}

// exact is the name to filter a field on by exact value: its aggregatable
// name when it has one.
func (c *Client) exact(logical string) string {
	if n := c.field(logical); n.Agg != "" {
		return n.Agg
	}
	return c.field(logical).Source
}

// sourceFields lists the document fields read back: the build's, plus the
// line's own for recent hits. "@fields" covers old indices that nest them.
func (c *Client) sourceFields(line bool) []string {
	var out []string
	for _, f := range recheckgen.LogFields {
		if f.Build {
			out = append(out, c.field(f.Name).Source)
		}
	}
	out = append(out, "@fields")
	if line {
		out = append(out, c.field("message").Source, c.field("@timestamp").Source, c.field("filename").Source, c.field("tags").Source, "@message", "@tags")
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
	if _, err := c.names(ctx); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return ms, errs
	}
	for start := 0; start < len(qs); start += c.cfg.Batch {
		end := min(start+c.cfg.Batch, len(qs))
		c.batch(ctx, qs[start:end], w, opts, ms[start:end], errs[start:end], start/c.cfg.Batch+1)
	}
	return ms, errs
}

func (c *Client) batch(ctx context.Context, qs []recheckgen.Query, w recheckgen.Window, opts func(recheckgen.Query) recheckgen.SearchOptions, ms []*recheckgen.Match, errs []error, n int) {
	pending := make([]int, len(qs))
	for i := range pending {
		pending[i] = i
	}
	for attempt := 1; ; attempt++ {
		sub := make([]recheckgen.Query, len(pending))
		for k, i := range pending {
			sub[k] = qs[i]
		}
		items, err := c.msearch(ctx, sub, w, opts)
		var busy []int
		var last error
		for k, i := range pending {
			it := items[k]
			switch {
			case !it.done:
				errs[i] = fmt.Errorf("batch %d (%s … %s): %w", n, qs[0].ID, qs[len(qs)-1].ID, err)
			case it.busy && attempt <= c.cfg.Retries:
				busy, last = append(busy, i), it.err
			case it.err != nil:
				errs[i] = fmt.Errorf("query %s: %w", qs[i].ID, it.err)
			default:
				ms[i] = it.m
			}
		}
		if len(busy) == 0 {
			return
		}
		// A per-item 429: the server's queue was full for those queries
		// alone; send them again, and only them, after a backoff.
		if err := httpclient.Sleep(ctx, httpclient.Delay(attempt, c.cfg.Backoff, time.Minute, last)); err != nil {
			for _, i := range busy {
				errs[i] = fmt.Errorf("query %s: %w (then: %v)", qs[i].ID, last, err)
			}
			return
		}
		pending = busy
	}
}

// item is one query's part of an _msearch answer.
type item struct {
	done bool // read (m or err set)
	busy bool // rejected with 429: worth sending again
	m    *recheckgen.Match
	err  error
}

// msearch sends one _msearch and reads its answer a query at a time, each
// through a cap sized from that query's request (and the whole through
// their sum), so a hostile answer costs at most one query's cap of
// memory. Queries read before a failure keep their results.
func (c *Client) msearch(ctx context.Context, qs []recheckgen.Query, w recheckgen.Window, opts func(recheckgen.Query) recheckgen.SearchOptions) ([]item, error) {
	items := make([]item, len(qs))
	body, err := c.msearchBody(qs, w, opts)
	if err != nil {
		return items, err
	}
	caps := make([]int64, len(qs))
	total := int64(capBase)
	for i, q := range qs {
		caps[i] = searchCap(opts(q).Recent, w.Buckets())
		total += caps[i]
	}
	err = c.do(ctx, request{path: "/_msearch", contentType: "application/x-ndjson", body: body, limit: total,
		read: func(r io.Reader) error {
			clear(items)
			return readItems(r, caps, func(i int, raw json.RawMessage) {
				m, busy, err := c.decode(raw, w, opts(qs[i]).Recent)
				items[i] = item{done: true, busy: busy, m: m, err: err}
			}, func(i int) string { return qs[i].ID })
		}})
	if err == nil {
		for i := range items {
			if !items[i].done {
				return items, fmt.Errorf("%d responses for %d queries", i, len(qs))
			}
		}
	}
	return items, err
}

// readItems streams an _msearch answer, {"responses": [item, ...]},
// handing each item to each while it reads no more of an item than its
// cap (and of anything else than capBase).
func readItems(r io.Reader, caps []int64, each func(int, json.RawMessage), name func(int) string) error {
	wr := &windowReader{r: r}
	dec := json.NewDecoder(wr)
	allow := func(n int64, what string) { wr.limit, wr.cap, wr.what = dec.InputOffset()+n, n, what }
	invalid := func(err error) error {
		var tl *httpclient.TooLargeError
		if errors.As(err, &tl) {
			return err
		}
		return fmt.Errorf("invalid response JSON: %v", err)
	}
	allow(capBase, "the answer's head")
	if err := expectDelim(dec, '{'); err != nil {
		return invalid(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return invalid(err)
		}
		if tok != "responses" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return invalid(err)
			}
			allow(capBase, "the answer's head")
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return invalid(err)
		}
		for i := 0; dec.More(); i++ {
			if i >= len(caps) {
				return fmt.Errorf("more responses than the %d queries sent", len(caps))
			}
			allow(caps[i], "the answer to query "+name(i))
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return invalid(err)
			}
			each(i, raw)
		}
		allow(capBase, "the answer's tail")
		if err := expectDelim(dec, ']'); err != nil {
			return invalid(err)
		}
	}
	return nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("%v where %v was expected", tok, d)
	}
	return nil
}

// windowReader fails once the decoder needs bytes past limit.
type windowReader struct {
	r          io.Reader
	n          int64
	limit, cap int64
	what       string
}

func (w *windowReader) Read(p []byte) (int, error) {
	if w.n >= w.limit {
		return 0, fmt.Errorf("%s: %w", w.what, &httpclient.TooLargeError{Limit: w.cap})
	}
	if rest := w.limit - w.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := w.r.Read(p)
	w.n += int64(n)
	return n, err
}

// searchResponse is the part of a search response read back.
type searchResponse struct {
	Error    json.RawMessage `json:"error"`
	Status   int             `json:"status"`
	TimedOut bool            `json:"timed_out"`
	Shards   shards          `json:"_shards"`
	Hits     struct {
		Hits []hit `json:"hits"`
	} `json:"hits"`
	Aggs struct {
		First  value `json:"first"`
		Last   value `json:"last"`
		Builds struct {
			SumOther float64 `json:"sum_other_doc_count"`
			Buckets  []struct {
				Key   string `json:"key"`
				First value  `json:"first"`
				Last  value  `json:"last"`
				Build struct {
					Hits struct {
						Hits []hit `json:"hits"`
					} `json:"hits"`
				} `json:"build"`
				DocCount float64 `json:"doc_count"`
			} `json:"buckets"`
		} `json:"builds"`
		Hist struct {
			Buckets []struct {
				Key    float64 `json:"key"`
				Status struct {
					SumOther float64 `json:"sum_other_doc_count"`
					Buckets  []struct {
						Key    string `json:"key"`
						Builds value  `json:"builds"`
					} `json:"buckets"`
				} `json:"status"`
			} `json:"buckets"`
		} `json:"hist"`
	} `json:"aggregations"`
}

type shards struct {
	Failed   int `json:"failed"`
	Failures []struct {
		Reason json.RawMessage `json:"reason"`
	} `json:"failures"`
}

type value struct {
	Value *float64 `json:"value"`
}

// Plausible numbers: a server's answer outside them is refused, not
// published (a time of 1e300 cannot even be written as JSON again).
const (
	maxMillis = 1e15 // 33,658 AD: past it, milliseconds are no time at all
	maxCount  = 1e12 // lines or builds in one bucket
)

// millis reads epoch milliseconds from a server as a plausible time.
func millis(v float64, what string) (time.Time, error) {
	if math.IsNaN(v) || math.Abs(v) > maxMillis {
		return time.Time{}, fmt.Errorf("%s: %g is no time in epoch milliseconds", what, v)
	}
	t := time.UnixMilli(int64(v)).UTC()
	if err := recheckgen.CheckTime(t, time.Now()); err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", what, err)
	}
	return t, nil
}

// time is v as a time; the zero time when the server had none.
func (v value) time(what string) (time.Time, error) {
	if v.Value == nil {
		return time.Time{}, nil
	}
	return millis(*v.Value, what)
}

// count reads a count from a server.
func count(v float64, what string) (int, error) {
	if math.IsNaN(v) || v < 0 || v > maxCount || v != math.Trunc(v) {
		return 0, fmt.Errorf("%s: %g is not a count", what, v)
	}
	return int(v), nil
}

// numbers gathers the first error of many checks.
type numbers struct{ err error }

func (n *numbers) time(v value, what string) time.Time {
	t, err := v.time(what)
	if n.err == nil {
		n.err = err
	}
	return t
}

func (n *numbers) count(v float64, what string) int {
	c, err := count(v, what)
	if n.err == nil {
		n.err = err
	}
	return c
}

// decode reads one item of an _msearch response; busy says the server
// refused it for load (429), so it is worth sending again.
func (c *Client) decode(raw json.RawMessage, w recheckgen.Window, recent int) (m *recheckgen.Match, busy bool, err error) {
	var r searchResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, false, fmt.Errorf("invalid response JSON: %v", err)
	}
	if len(r.Error) > 0 && string(r.Error) != "null" {
		if limit, ok := tooManyBuckets(r.Error); ok {
			return nil, false, fmt.Errorf("the answer would hold more buckets than the server's search.max_buckets (%d) allows: "+
				"%d builds at most, and per chart bucket (%d of %s) one bucket per build result; use wider chart buckets (window.bucket), "+
				"a shorter window or a narrower query, or raise search.max_buckets", limit, maxBuilds, w.Buckets(), w.Bucket)
		}
		return nil, r.Status == http.StatusTooManyRequests, fmt.Errorf("the server rejected the query (%d): %s", r.Status, c.redact(reason(r.Error)))
	}
	if r.Shards.Failed > 0 {
		msg := "shard failure"
		if len(r.Shards.Failures) > 0 {
			msg = reason(r.Shards.Failures[0].Reason)
		}
		return nil, false, fmt.Errorf("%d shard(s) failed: %s", r.Shards.Failed, c.redact(msg))
	}
	if r.TimedOut {
		return nil, false, errors.New("the server timed out: its answer is partial (timed_out)")
	}
	var n numbers
	// A terms aggregation cut at its size says how many documents it left
	// out; counts from it would be silently low.
	if other := n.count(r.Aggs.Builds.SumOther, "builds: sum_other_doc_count"); other > 0 {
		return nil, false, fmt.Errorf("the query matches more than %d builds in the window (%d more lines): its counts would be cut; narrow it", maxBuilds, other)
	}
	m = &recheckgen.Match{Buckets: map[string][]int{}, First: n.time(r.Aggs.First, "first match"), Last: n.time(r.Aggs.Last, "last match")}
	for _, b := range r.Aggs.Builds.Buckets {
		what := "build " + httpclient.Snippet(b.Key, 80)
		mb := recheckgen.MatchedBuild{First: n.time(b.First, what+": first match"), Last: n.time(b.Last, what+": last match"),
			Lines: n.count(b.DocCount, what+": doc_count")}
		if len(b.Build.Hits.Hits) > 0 {
			mb.Build = c.build(b.Build.Hits.Hits[0].Source)
		}
		mb.UUID = c.redact(b.Key)
		m.Builds = append(m.Builds, mb)
	}
	recheckgen.SortMatched(m.Builds)
	for _, hb := range r.Aggs.Hist.Buckets {
		t := n.time(value{&hb.Key}, "histogram bucket")
		k := w.BucketOf(t)
		if other := n.count(hb.Status.SumOther, "histogram bucket: sum_other_doc_count"); other > 0 && n.err == nil {
			n.err = fmt.Errorf("more than %d build results in one histogram bucket", maxStatuses)
		}
		for _, s := range hb.Status.Buckets {
			var builds int
			if s.Builds.Value != nil {
				builds = n.count(*s.Builds.Value, "histogram bucket: builds")
			}
			if k < 0 {
				continue
			}
			if m.Buckets[s.Key] == nil {
				m.Buckets[s.Key] = make([]int, w.Buckets())
			}
			m.Buckets[s.Key][k] += builds
		}
	}
	for i, h := range r.Hits.Hits {
		if i == recent {
			break
		}
		hit := c.hit(h)
		if err := recheckgen.CheckTime(hit.Time, time.Now()); err != nil && n.err == nil {
			n.err = fmt.Errorf("recent line: %w", err)
		}
		m.Recent = append(m.Recent, hit)
	}
	if n.err != nil {
		return nil, false, fmt.Errorf("the server's answer is refused: %w", n.err)
	}
	return m, false, nil
}

// tooManyBuckets reads an error object as search.max_buckets' refusal
// (too_many_buckets_exception, as the cause or a root cause) and its
// limit.
func tooManyBuckets(raw json.RawMessage) (int, bool) {
	type cause struct {
		Type       string `json:"type"`
		MaxBuckets int    `json:"max_buckets"`
	}
	var e struct {
		cause
		CausedBy  *cause  `json:"caused_by"`
		RootCause []cause `json:"root_cause"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return 0, false
	}
	for _, c := range append([]cause{e.cause}, e.RootCause...) {
		if c.Type == "too_many_buckets_exception" {
			return c.MaxBuckets, true
		}
	}
	if e.CausedBy != nil && e.CausedBy.Type == "too_many_buckets_exception" {
		return e.CausedBy.MaxBuckets, true
	}
	return 0, false
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
		return httpclient.Snippet(string(raw), 300)
	}
	msg := e.Type + ": " + e.Reason
	if e.CausedBy != nil && e.CausedBy.Reason != "" {
		msg += " (" + e.CausedBy.Reason + ")"
	} else if len(e.RootCause) > 0 && e.RootCause[0].Reason != e.Reason {
		msg += " (" + e.RootCause[0].Reason + ")"
	}
	return msg
}
