package opensearchtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// searchBody is the part of a search request the server reads; any other
// key is refused.
type searchBody struct {
	From           *int                       `json:"from"`
	Size           *int                       `json:"size"`
	TrackTotalHits any                        `json:"track_total_hits"`
	Sort           []map[string]sortOrder     `json:"sort"`
	Source         json.RawMessage            `json:"_source"`
	Query          json.RawMessage            `json:"query"`
	Aggs           map[string]json.RawMessage `json:"aggs"`
	Aggregations   map[string]json.RawMessage `json:"aggregations"`
}

type sortOrder struct {
	Order        string `json:"order"`
	UnmappedType string `json:"unmapped_type"`
}

// Limits of OpenSearch 2 by default: index.max_result_window (from +
// size of a search) and search.max_buckets (buckets in one answer).
const (
	maxResultWindow   = 10000
	defaultMaxBuckets = 65535
)

// shardsFailed is a search every shard of idx refused, as the real answer
// has it (SearchPhaseExecutionException: "all shards failed"): fail is a
// shard's exception, its caused_by included; a root cause is the same
// without it. The answer's own caused_by is the first shard's root cause
// when the shard's exception is a plain Java one (which the guess wraps
// anew); an OpenSearch exception (query_shard_exception) is its own root
// cause, and the answer leaves it out as a duplicate.
func shardsFailed(idx []*index, fail func(ix *index) obj) *searchError {
	var roots, shards []any
	for _, ix := range idx {
		f := fail(ix)
		root := obj{}
		for k, v := range f {
			if k != "caused_by" {
				root[k] = v
			}
		}
		roots = append(roots, root)
		shards = append(shards, obj{"shard": 0, "index": ix.name, "node": "replay-node", "reason": f})
	}
	e := obj{"root_cause": roots, "type": "search_phase_execution_exception", "reason": "all shards failed",
		"phase": "query", "grouped": true, "failed_shards": shards}
	if len(idx) > 0 {
		if f := fail(idx[0]); f["type"] != "query_shard_exception" {
			e["caused_by"] = obj{"type": f["type"], "reason": f["reason"], "caused_by": f}
		}
	}
	return &searchError{400, obj{"error": e, "status": 400}}
}

// queryShardError is a query_shard_exception on every shard of idx, with
// the exception that caused it (nil: none).
func queryShardError(idx []*index, reason string, cause obj) *searchError {
	return shardsFailed(idx, func(ix *index) obj {
		f := obj{"type": "query_shard_exception", "reason": reason, "index": ix.name, "index_uuid": ix.uuid()}
		if cause != nil {
			f["caused_by"] = cause
		}
		return f
	})
}

// tooManyBuckets is the coordinating node's refusal of an answer holding
// more buckets than search.max_buckets: no shard failed, so the root
// causes are empty and the status is the exception's own, 503.
func tooManyBuckets(limit int) *searchError {
	return &searchError{503, obj{"error": obj{
		"root_cause": []any{}, "type": "search_phase_execution_exception", "reason": "",
		"phase": "fetch", "grouped": true, "failed_shards": []any{},
		"caused_by": obj{"type": "too_many_buckets_exception", "max_buckets": limit,
			"reason": fmt.Sprintf("Trying to create too many buckets. Must be less than or equal to: [%d] but was [%d]. "+
				"This limit can be set by changing the [search.max_buckets] cluster level setting.", limit, limit+1)},
	}, "status": 503}}
}

// countBuckets counts the buckets of an aggregations answer, sub-aggregations
// included, as the final reduce counts them against search.max_buckets
// (single-bucket aggregations such as filter count none of their own).
func countBuckets(v any) int {
	n := 0
	switch v := v.(type) {
	case obj:
		if b, ok := v["buckets"].([]any); ok {
			n += len(b)
		}
		for _, x := range v {
			n += countBuckets(x)
		}
	case []any:
		for _, x := range v {
			n += countBuckets(x)
		}
	}
	return n
}

type hitRef struct {
	ix *index
	d  *doc
}

func (s *Server) search(w http.ResponseWriter, target string, body []byte) {
	out, err := s.run(target, body)
	if err != nil {
		writeJSON(w, err.status, err.body)
		return
	}
	writeJSON(w, 200, out)
}

func (s *Server) msearch(w http.ResponseWriter, target string, body []byte) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var responses []any
	for sc.Scan() {
		header := bytes.TrimSpace(sc.Bytes())
		if len(header) == 0 {
			continue
		}
		var h struct {
			Index string `json:"index"`
		}
		if err := strictDecode(header, &h); err != nil {
			writeError(w, 400, "illegal_argument_exception", "key ["+err.Error()+"] is not supported in the metadata section")
			return
		}
		if !sc.Scan() {
			writeError(w, 400, "illegal_argument_exception", "The msearch request must be terminated by a newline [\\n]")
			return
		}
		t := target
		if h.Index != "" {
			t = h.Index
		}
		out, err := s.run(t, append([]byte(nil), sc.Bytes()...))
		if err != nil {
			responses = append(responses, err.body)
			continue
		}
		out["status"] = 200
		responses = append(responses, out)
	}
	writeJSON(w, 200, obj{"took": 1, "responses": responses})
}

// run answers one search.
func (s *Server) run(target string, body []byte) (obj, *searchError) {
	maxBuckets := int(s.MaxBuckets.Load())
	if maxBuckets == 0 {
		maxBuckets = defaultMaxBuckets
	}
	idx, serr := s.resolve(target)
	if serr != nil {
		return nil, serr
	}
	var b searchBody
	if len(bytes.TrimSpace(body)) > 0 {
		if err := strictDecode(body, &b); err != nil {
			return nil, badRequest("parsing_exception", "Unknown key in the search request: %v", err)
		}
	}
	match := func(*index, *doc) bool { return true }
	if b.Query != nil {
		m, err := parseQuery(idx, b.Query)
		if err != nil {
			return nil, err
		}
		match = m
	}
	var docs []hitRef
	for _, ix := range idx {
		for _, d := range ix.docs {
			if match(ix, d) {
				docs = append(docs, hitRef{ix, d})
			}
		}
	}
	size, from := 10, 0
	if b.Size != nil {
		size = *b.Size
	}
	if b.From != nil {
		from = *b.From
	}
	// SearchSourceBuilder refuses either below 0 as it parses the body.
	if size < 0 {
		return nil, badRequest("illegal_argument_exception", "[size] parameter cannot be negative, found [%d]", size)
	}
	if from < 0 {
		return nil, badRequest("illegal_argument_exception", "[from] parameter cannot be negative, found [%d]", from)
	}
	if from+size > maxResultWindow {
		reason := fmt.Sprintf("Result window is too large, from + size must be less than or equal to: [%d] but was [%d]. "+
			"See the scroll api for a more efficient way to request large data sets. "+
			"This limit can be set by changing the [index.max_result_window] index level setting.", maxResultWindow, from+size)
		return nil, shardsFailed(idx, func(*index) obj { return obj{"type": "illegal_argument_exception", "reason": reason} })
	}
	hits, err := sortHits(idx, docs, b.Sort)
	if err != nil {
		return nil, err
	}
	includes, err := sourceIncludes(b.Source)
	if err != nil {
		return nil, err
	}
	var hitList []any
	for i, h := range hits {
		if i < from {
			continue
		}
		if i == from+size {
			break
		}
		hitList = append(hitList, h.render(includes))
	}
	if hitList == nil {
		hitList = []any{}
	}
	hitsObj := obj{"max_score": nil, "hits": hitList}
	if b.TrackTotalHits != false {
		hitsObj["total"] = obj{"value": len(docs), "relation": "eq"}
	}
	out := obj{"took": 1, "timed_out": false, "_shards": obj{"total": len(idx), "successful": len(idx), "skipped": 0, "failed": 0}, "hits": hitsObj}
	aggs := b.Aggs
	if aggs == nil {
		aggs = b.Aggregations
	}
	if aggs != nil {
		res, err := aggregate(idx, docs, aggs)
		if err != nil {
			return nil, err
		}
		if n := countBuckets(res); n > maxBuckets {
			return nil, tooManyBuckets(maxBuckets)
		}
		out["aggregations"] = res
	}
	return out, nil
}

// rendered is a hit as the server writes it.
type rendered struct {
	hitRef
	sort []any
}

func (h rendered) render(includes []string) obj {
	o := obj{"_index": h.ix.name, "_id": h.d.id, "_score": nil, "_source": filterSource(h.d.source, includes)}
	if h.sort != nil {
		o["sort"] = h.sort
	} else {
		o["_score"] = 1.0
	}
	return o
}

func sortHits(idx []*index, docs []hitRef, by []map[string]sortOrder) ([]rendered, *searchError) {
	out := make([]rendered, len(docs))
	for i, d := range docs {
		out[i] = rendered{hitRef: d}
	}
	if len(by) == 0 {
		return out, nil
	}
	if len(by) != 1 || len(by[0]) != 1 {
		return nil, badRequest("parsing_exception", "the replay server sorts on one field only")
	}
	var field string
	var desc bool
	var unmapped string
	for f, o := range by[0] {
		field, desc, unmapped = f, o.Order == "desc", o.UnmappedType
	}
	// Each shard builds the sort from its mapping, hits or not: a field it
	// does not map is refused unless unmapped_type says how to read it.
	var bare []*index
	for _, ix := range idx {
		if ix.field(field) == nil && unmapped == "" {
			bare = append(bare, ix)
		}
	}
	if len(bare) > 0 {
		return nil, queryShardError(bare, "No mapping found for ["+field+"] in order to sort on", nil)
	}
	for i := range out {
		ft := out[i].ix.field(field)
		if ft != nil && ft.Type == "text" {
			return nil, textAggError(out[i].ix, field)
		}
		var key any
		vals := values(out[i].ix, out[i].d, field)
		if len(vals) > 0 {
			if ft != nil && ft.Type == "date" {
				ms, _ := dateValue(vals[0])
				key = int64(ms)
			} else {
				key = vals[0]
			}
		} else if desc {
			key = int64(math.MinInt64)
		} else {
			key = int64(math.MaxInt64)
		}
		out[i].sort = []any{key}
	}
	sort.SliceStable(out, func(i, j int) bool {
		c := cmpKey(out[i].sort[0], out[j].sort[0])
		if desc {
			return c > 0
		}
		return c < 0
	})
	return out, nil
}

func cmpKey(a, b any) int {
	x, ok1 := a.(int64)
	y, ok2 := b.(int64)
	switch {
	case ok1 && ok2 && x < y:
		return -1
	case ok1 && ok2 && x > y:
		return 1
	case ok1 && ok2:
		return 0
	}
	return strings.Compare(keyString(a), keyString(b))
}

// sourceIncludes reads _source: true/false, a list, or {includes: [...]}.
func sourceIncludes(raw json.RawMessage) ([]string, *searchError) {
	if raw == nil {
		return nil, nil
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		if b {
			return nil, nil
		}
		return []string{}, nil
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list, nil
	}
	var o struct {
		Includes []string `json:"includes"`
	}
	if err := strictDecode(raw, &o); err != nil {
		return nil, badRequest("parsing_exception", "[_source] %v", err)
	}
	return o.Includes, nil
}

// filterSource keeps the stored _source's keys that the includes name
// (whole objects below a named key), byte for byte.
func filterSource(src json.RawMessage, includes []string) json.RawMessage {
	if includes == nil {
		return src
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(src, &m) != nil {
		return src
	}
	keep := map[string]json.RawMessage{}
	for k, v := range m {
		for _, inc := range includes {
			if simpleMatch(inc, k) || strings.HasPrefix(inc, k+".") {
				keep[k] = v
				break
			}
		}
	}
	out, _ := json.Marshal(keep)
	return out
}

// aggregate computes a level of aggregations over docs.
func aggregate(idx []*index, docs []hitRef, aggs map[string]json.RawMessage) (obj, *searchError) {
	out := obj{}
	for name, raw := range aggs {
		var spec map[string]json.RawMessage
		if err := json.Unmarshal(raw, &spec); err != nil {
			return nil, badRequest("parsing_exception", "aggregation [%s] is malformed", name)
		}
		var sub map[string]json.RawMessage
		if s, ok := spec["aggs"]; ok {
			json.Unmarshal(s, &sub)
			delete(spec, "aggs")
		}
		if s, ok := spec["aggregations"]; ok {
			json.Unmarshal(s, &sub)
			delete(spec, "aggregations")
		}
		if len(spec) != 1 {
			return nil, badRequest("parsing_exception", "Expected one aggregation type under [%s]", name)
		}
		for typ, params := range spec {
			res, err := oneAgg(idx, docs, typ, params, sub)
			if err != nil {
				return nil, err
			}
			out[name] = res
		}
	}
	return out, nil
}

// aggField checks that a field can be aggregated in every index.
func aggField(idx []*index, field string) *searchError {
	for _, ix := range idx {
		if ft := ix.field(field); ft != nil && ft.Type == "text" {
			return textAggError(ix, field)
		}
	}
	return nil
}

func oneAgg(idx []*index, docs []hitRef, typ string, params json.RawMessage, sub map[string]json.RawMessage) (any, *searchError) {
	withSub := func(b obj, ds []hitRef) (obj, *searchError) {
		if sub == nil {
			return b, nil
		}
		res, err := aggregate(idx, ds, sub)
		if err != nil {
			return nil, err
		}
		for k, v := range res {
			b[k] = v
		}
		return b, nil
	}
	switch typ {
	case "min", "max":
		var p struct {
			Field string `json:"field"`
		}
		if err := strictDecode(params, &p); err != nil {
			return nil, badRequest("parsing_exception", "[%s] %v", typ, err)
		}
		if err := aggField(idx, p.Field); err != nil {
			return nil, err
		}
		var best *float64
		isDate := false
		for _, h := range docs {
			ft := h.ix.field(p.Field)
			isDate = isDate || ft != nil && ft.Type == "date"
			for _, v := range values(h.ix, h.d, p.Field) {
				x, ok := dateValue(v)
				if !ok {
					continue
				}
				if best == nil || typ == "min" && x < *best || typ == "max" && x > *best {
					best = &x
				}
			}
		}
		res := obj{"value": nil}
		if best != nil {
			res["value"] = *best
			if isDate {
				res["value_as_string"] = time.UnixMilli(int64(*best)).UTC().Format("2006-01-02T15:04:05.000Z")
			}
		}
		return res, nil
	case "cardinality":
		var p struct {
			Field     string `json:"field"`
			Precision int    `json:"precision_threshold"`
		}
		if err := strictDecode(params, &p); err != nil {
			return nil, badRequest("parsing_exception", "[cardinality] %v", err)
		}
		if err := aggField(idx, p.Field); err != nil {
			return nil, err
		}
		set := map[string]bool{}
		for _, h := range docs {
			for _, v := range values(h.ix, h.d, p.Field) {
				set[keyString(v)] = true
			}
		}
		return obj{"value": len(set)}, nil
	case "terms":
		var p struct {
			Field string `json:"field"`
			Size  *int   `json:"size"`
		}
		if err := strictDecode(params, &p); err != nil {
			return nil, badRequest("parsing_exception", "[terms] %v", err)
		}
		if err := aggField(idx, p.Field); err != nil {
			return nil, err
		}
		size := 10
		if p.Size != nil {
			size = *p.Size
		}
		groups, order := group(docs, p.Field)
		sort.SliceStable(order, func(i, j int) bool {
			if len(groups[order[i]]) != len(groups[order[j]]) {
				return len(groups[order[i]]) > len(groups[order[j]])
			}
			return order[i] < order[j]
		})
		var buckets []any
		other := 0
		for i, k := range order {
			if i >= size {
				other += len(groups[k])
				continue
			}
			b, err := withSub(obj{"key": k, "doc_count": len(groups[k])}, groups[k])
			if err != nil {
				return nil, err
			}
			buckets = append(buckets, b)
		}
		if buckets == nil {
			buckets = []any{}
		}
		return obj{"doc_count_error_upper_bound": 0, "sum_other_doc_count": other, "buckets": buckets}, nil
	case "top_hits":
		var p struct {
			Size   int             `json:"size"`
			Source json.RawMessage `json:"_source"`
		}
		if err := strictDecode(params, &p); err != nil {
			return nil, badRequest("parsing_exception", "[top_hits] %v", err)
		}
		includes, err := sourceIncludes(p.Source)
		if err != nil {
			return nil, err
		}
		var hits []any
		for i, h := range docs {
			if i == p.Size {
				break
			}
			hits = append(hits, rendered{hitRef: h}.render(includes))
		}
		return obj{"hits": obj{"total": obj{"value": len(docs), "relation": "eq"}, "max_score": 1.0, "hits": hits}}, nil
	case "date_histogram":
		var p struct {
			Field         string `json:"field"`
			FixedInterval string `json:"fixed_interval"`
			Offset        string `json:"offset"`
			MinDocCount   int    `json:"min_doc_count"`
		}
		if err := strictDecode(params, &p); err != nil {
			return nil, badRequest("parsing_exception", "[date_histogram] %v", err)
		}
		if err := aggField(idx, p.Field); err != nil {
			return nil, err
		}
		interval, ok := timeValue(p.FixedInterval)
		if !ok || interval <= 0 {
			return nil, badRequest("illegal_argument_exception", "failed to parse setting [date_histogram.fixedInterval] with value [%s] as a time value", p.FixedInterval)
		}
		var offset int64
		if p.Offset != "" {
			o, ok := timeValue(strings.TrimPrefix(p.Offset, "+"))
			if !ok {
				return nil, badRequest("illegal_argument_exception", "failed to parse offset [%s]", p.Offset)
			}
			offset = o
		}
		groups := map[int64][]hitRef{}
		for _, h := range docs {
			for _, v := range values(h.ix, h.d, p.Field) {
				ms, ok := dateValue(v)
				if !ok {
					continue
				}
				t := int64(ms)
				key := floorDiv(t-offset, interval)*interval + offset
				groups[key] = append(groups[key], h)
			}
		}
		var keys []int64
		for k := range groups {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		var buckets []any
		for _, k := range keys {
			if len(groups[k]) < p.MinDocCount {
				continue
			}
			b, err := withSub(obj{"key_as_string": time.UnixMilli(k).UTC().Format("2006-01-02T15:04:05.000Z"), "key": k, "doc_count": len(groups[k])}, groups[k])
			if err != nil {
				return nil, err
			}
			buckets = append(buckets, b)
		}
		if buckets == nil {
			buckets = []any{}
		}
		return obj{"buckets": buckets}, nil
	case "composite":
		var p struct {
			Size    int                                     `json:"size"`
			Sources []map[string]map[string]json.RawMessage `json:"sources"`
			After   map[string]any                          `json:"after"`
		}
		if err := strictDecode(params, &p); err != nil {
			return nil, badRequest("parsing_exception", "[composite] %v", err)
		}
		if len(p.Sources) != 1 || len(p.Sources[0]) != 1 {
			return nil, badRequest("parsing_exception", "the replay server takes one composite source")
		}
		var name, field string
		for n, src := range p.Sources[0] {
			var t struct {
				Field string `json:"field"`
			}
			if err := strictDecode(src["terms"], &t); err != nil || len(src) != 1 {
				return nil, badRequest("parsing_exception", "[composite] source [%s]: only terms", n)
			}
			name, field = n, t.Field
		}
		if err := aggField(idx, field); err != nil {
			return nil, err
		}
		groups, order := group(docs, field)
		sort.Strings(order)
		var buckets []any
		var last string
		for _, k := range order {
			if p.After != nil && k <= keyString(p.After[name]) {
				continue
			}
			if len(buckets) == p.Size {
				break
			}
			b, err := withSub(obj{"key": obj{name: k}, "doc_count": len(groups[k])}, groups[k])
			if err != nil {
				return nil, err
			}
			buckets = append(buckets, b)
			last = k
		}
		res := obj{"buckets": []any{}}
		if buckets != nil {
			res["buckets"] = buckets
			res["after_key"] = obj{name: last}
		}
		return res, nil
	case "filter":
		m, err := parseQuery(idx, params)
		if err != nil {
			return nil, err
		}
		var in []hitRef
		for _, h := range docs {
			if m(h.ix, h.d) {
				in = append(in, h)
			}
		}
		return withSub(obj{"doc_count": len(in)}, in)
	}
	return nil, badRequest("parsing_exception", "Unknown aggregation type [%s]", typ)
}

// group buckets docs by their values of field (a document with several
// values lands in each).
func group(docs []hitRef, field string) (map[string][]hitRef, []string) {
	groups := map[string][]hitRef{}
	var order []string
	for _, h := range docs {
		seen := map[string]bool{}
		for _, v := range values(h.ix, h.d, field) {
			k := keyString(v)
			if seen[k] {
				continue
			}
			seen[k] = true
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], h)
		}
	}
	return groups, order
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

var timeValueRe = regexp.MustCompile(`^(-?\d+)(nanos|micros|ms|s|m|h|d)$`)

// timeValue reads "3600s", "1h", "250ms" into milliseconds.
func timeValue(s string) (int64, bool) {
	m := timeValueRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	unit := map[string]float64{"nanos": 1e-6, "micros": 1e-3, "ms": 1, "s": 1e3, "m": 6e4, "h": 3.6e6, "d": 8.64e7}[m[2]]
	return int64(float64(n) * unit), true
}
