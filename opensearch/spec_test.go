package opensearch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/opensearchtest"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/sample"
)

// Facts from the OpenSearch API specification
// (github.com/opensearch-project/opensearch-api-specification, commit
// fbe9edeb): the properties each request object may have, from the
// schemas named. Only what recheckgen sends is listed; the checks below
// refuse any key outside these lists.
var spec = map[string][]string{
	// spec/namespaces/_core.yaml, requestBodies.search (SearchRequestBody)
	"search": {"_source", "aggregations", "aggs", "collapse", "derived", "docvalue_fields", "explain", "ext", "fields", "from",
		"highlight", "include_named_queries_score", "indices_boost", "min_score", "pit", "post_filter", "profile", "query",
		"rescore", "script_fields", "search_after", "search_pipeline", "seq_no_primary_term", "size", "slice", "sort", "stats",
		"stored_fields", "suggest", "terminate_after", "timeout", "track_scores", "track_total_hits", "verbose_pipeline", "version"},
	// _core.msearch.yaml MultisearchHeader and MultisearchBody (no "aggs")
	"msearch header": {"allow_no_indices", "allow_partial_search_results", "ccs_minimize_roundtrips", "expand_wildcards",
		"ignore_throttled", "ignore_unavailable", "index", "preference", "request_cache", "routing", "search_type"},
	"msearch body": {"_source", "aggregations", "collapse", "docvalue_fields", "explain", "ext", "fields", "from", "highlight",
		"indices_boost", "knn", "min_score", "pit", "post_filter", "profile", "query", "rescore", "script_fields", "search_after",
		"seq_no_primary_term", "size", "sort", "stats", "stored_fields", "suggest", "terminate_after", "timeout", "track_scores",
		"track_total_hits", "version"},
	// _common.aggregations.yaml: AggregationContainer's non-type keys, and
	// the fields of each aggregation recheckgen uses
	"aggregation container": {"aggregations", "aggs", "meta"},
	// _common.yaml FieldSort (a sort on a field, {field: {...}})
	"field sort":       {"missing", "mode", "nested", "numeric_type", "order", "unmapped_type"},
	"terms":            {"collect_mode", "exclude", "execution_hint", "field", "format", "include", "min_doc_count", "missing", "order", "script", "shard_min_doc_count", "shard_size", "show_term_doc_count_error", "size", "value_type"},
	"min":              {"field", "format", "missing", "script", "value_type"},
	"max":              {"field", "format", "missing", "script", "value_type"},
	"cardinality":      {"execution_hint", "field", "missing", "precision_threshold", "script"},
	"top_hits":         {"_source", "docvalue_fields", "explain", "field", "from", "highlight", "missing", "script", "script_fields", "seq_no_primary_term", "size", "sort", "stored_fields", "track_scores", "version"},
	"date_histogram":   {"calendar_interval", "extended_bounds", "field", "fixed_interval", "format", "hard_bounds", "interval", "keyed", "min_doc_count", "missing", "offset", "order", "params", "script", "time_zone"},
	"composite":        {"after", "size", "sources"},
	"composite source": {"date_histogram", "geotile_grid", "histogram", "terms"},
	// _common.query_dsl.yaml: BoolQuery, QueryStringQuery, ExistsQuery,
	// DateRangeQuery (range on a date field); Operator's enum
	"bool":             {"_name", "adjust_pure_negative", "boost", "filter", "minimum_should_match", "must", "must_not", "should"},
	"query_string":     {"_name", "allow_leading_wildcard", "analyze_wildcard", "analyzer", "auto_generate_synonyms_phrase_query", "boost", "default_field", "default_operator", "enable_position_increments", "escape", "fields", "fuzziness", "fuzzy_max_expansions", "fuzzy_prefix_length", "fuzzy_rewrite", "fuzzy_transpositions", "lenient", "max_determinized_states", "minimum_should_match", "phrase_slop", "query", "quote_analyzer", "quote_field_suffix", "rewrite", "tie_breaker", "time_zone", "type"},
	"exists":           {"_name", "boost", "field"},
	"range":            {"_name", "boost", "format", "from", "gt", "gte", "include_lower", "include_upper", "lt", "lte", "relation", "time_zone", "to"},
	"default_operator": {"and", "AND", "or", "OR"},
	// _core.bulk.yaml OperationContainer and IndexOperation
	"bulk action": {"create", "delete", "index", "update"},
	"bulk index":  {"_id", "_index", "if_primary_term", "if_seq_no", "op_type", "pipeline", "require_alias", "routing", "version", "version_type"},
	// namespaces/indices.yaml requestBodies indices.put_index_template
	"index template": {"_meta", "composed_of", "data_stream", "index_patterns", "priority", "template", "version", "context"},
}

// durationRe is _common.yaml's Duration pattern.
var durationRe = regexp.MustCompile(`^(?:(-1)|([0-9\.]+)(?:d|h|m|s|ms|micros|nanos))$`)

// checker walks request objects against the facts.
type checker struct {
	t    *testing.T
	seen map[string]bool // schemas exercised
}

func (c *checker) keys(where, schema string, o obj) {
	c.seen[schema] = true
	for k := range o {
		if !slices.Contains(spec[schema], k) {
			c.t.Errorf("%s: key %q is not a property of %s", where, k, schema)
		}
	}
}

func (c *checker) body(where, schema string, o obj) {
	c.keys(where, schema, o)
	if sorts, ok := o["sort"].([]any); ok {
		for _, s := range sorts {
			for field, fs := range s.(obj) {
				c.keys(where+".sort."+field, "field sort", fs.(obj))
			}
		}
	}
	if q, ok := o["query"].(obj); ok {
		c.query(where+".query", q)
	}
	for _, k := range []string{"aggregations", "aggs"} {
		if aggs, ok := o[k].(obj); ok {
			c.aggs(where+"."+k, aggs)
		}
	}
}

func (c *checker) aggs(where string, aggs obj) {
	for name, raw := range aggs {
		a := raw.(obj)
		var typ string
		for k, v := range a {
			if slices.Contains(spec["aggregation container"], k) {
				c.aggs(where+"."+name+"."+k, v.(obj))
				continue
			}
			if typ != "" {
				c.t.Errorf("%s.%s: two aggregation types, %s and %s", where, name, typ, k)
			}
			typ = k
		}
		params, ok := a[typ].(obj)
		if _, known := spec[typ]; !known && typ != "filter" {
			c.t.Errorf("%s.%s: aggregation type %q is not checked here", where, name, typ)
			continue
		}
		switch {
		case typ == "filter":
			c.query(where+"."+name+".filter", params)
		case ok:
			c.keys(where+"."+name, typ, params)
		}
		if typ == "date_histogram" {
			for _, k := range []string{"fixed_interval", "offset"} {
				if s, _ := params[k].(string); !durationRe.MatchString(s) {
					c.t.Errorf("%s.%s.%s = %q is not a Duration", where, name, k, s)
				}
			}
		}
		if typ == "composite" {
			for _, src := range params["sources"].([]any) {
				for sname, s := range src.(obj) {
					c.keys(where+"."+name+".sources."+sname, "composite source", s.(obj))
					for styp, sp := range s.(obj) {
						c.keys(where+"."+name+".sources."+sname+"."+styp, styp, sp.(obj))
					}
				}
			}
		}
	}
}

func (c *checker) query(where string, q obj) {
	if len(q) != 1 {
		c.t.Errorf("%s: a query container holds one query, not %d", where, len(q))
	}
	for typ, raw := range q {
		switch typ {
		case "bool":
			b := raw.(obj)
			c.keys(where, "bool", b)
			for _, k := range []string{"must", "filter", "must_not", "should"} {
				switch v := b[k].(type) {
				case []any:
					for i, sub := range v {
						c.query(fmt.Sprintf("%s.%s[%d]", where, k, i), sub.(obj))
					}
				case obj:
					c.query(where+"."+k, v)
				}
			}
		case "query_string":
			qs := raw.(obj)
			c.keys(where, "query_string", qs)
			c.seen["default_operator"] = true
			if op, _ := qs["default_operator"].(string); !slices.Contains(spec["default_operator"], op) {
				c.t.Errorf("%s: default_operator %q", where, op)
			}
		case "exists":
			c.keys(where, "exists", raw.(obj))
		case "range":
			for _, r := range raw.(obj) {
				c.keys(where, "range", r.(obj))
			}
			if len(raw.(obj)) != 1 {
				c.t.Errorf("%s: a range names one field", where)
			}
		case "term", "terms":
			c.seen[typ] = true
			if len(raw.(obj)) != 1 {
				c.t.Errorf("%s: a %s query names one field", where, typ)
			}
		case "match_all":
		default:
			c.t.Errorf("%s: query type %q is not checked here", where, typ)
		}
	}
}

// TestRequestsAgainstSpec records every request recheckgen makes in a run
// (discovery, every repository query in _msearch, failed builds, newest
// document, a bulk write with its template) and checks each against the
// facts of the API specification above.
func TestRequestsAgainstSpec(t *testing.T) {
	st := testcorpus.Store(t, sample.Options{Builds: 2})
	srv := opensearchtest.New(t)
	type rec struct {
		method, path, query string
		body                []byte
	}
	var mu sync.Mutex
	var reqs []rec
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		r.Body.Close()
		r.Body = http.NoBody
		mu.Lock()
		reqs = append(reqs, rec{r.Method, r.URL.Path, r.URL.RawQuery, buf.Bytes()})
		mu.Unlock()
		r.Body = nopCloser{bytes.NewReader(buf.Bytes())}
		return false
	}
	c := realClient(t, srv.URL, "logstash-logs-", nil)
	ctx := context.Background()
	if _, err := c.Write(ctx, st, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	w, _ := recheckgen.NewWindow(time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC), 10*24*time.Hour, 5*time.Hour)
	qs := testcorpus.Queries(t, "../queries")
	_, errs := c.SearchAll(ctx, qs, w, func(q recheckgen.Query) recheckgen.SearchOptions {
		return recheckgen.SearchOptions{Recent: 10, IncludeNonvoting: q.AllowNonvoting}
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.FailedBuilds(ctx, w, recheckgen.BuildFilter{Pipelines: []string{"gate"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Latest(ctx, time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	ck := &checker{t: t, seen: map[string]bool{}}
	decode := func(where string, b []byte) obj {
		var o obj
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		return o
	}
	for _, r := range reqs {
		where := r.method + " " + r.path
		switch {
		case strings.HasSuffix(r.path, "/_msearch"):
			sc := bufio.NewScanner(bytes.NewReader(r.body))
			sc.Buffer(nil, 1<<24)
			for i := 0; sc.Scan(); i++ {
				if i%2 == 0 {
					ck.keys(where, "msearch header", decode(where, sc.Bytes()))
				} else {
					ck.body(fmt.Sprintf("%s item %d", where, i/2), "msearch body", decode(where, sc.Bytes()))
				}
			}
			if !bytes.HasSuffix(r.body, []byte("\n")) {
				t.Errorf("%s: NDJSON must end with a newline", where)
			}
		case strings.HasSuffix(r.path, "/_search"):
			ck.body(where, "search", decode(where, r.body))
		case r.path == "/_bulk":
			sc := bufio.NewScanner(bytes.NewReader(r.body))
			sc.Buffer(nil, 1<<24)
			for i := 0; sc.Scan(); i++ {
				if i%2 == 0 {
					a := decode(where, sc.Bytes())
					ck.keys(where, "bulk action", a)
					ck.keys(where, "bulk index", a["index"].(obj))
				}
			}
		case strings.HasPrefix(r.path, "/_index_template/"):
			ck.keys(where, "index template", decode(where, r.body))
		case strings.HasSuffix(r.path, "/_refresh"):
			// namespaces/indices.yaml: indices.refresh, POST /{index}/_refresh, no body
			if r.method != http.MethodPost || len(r.body) != 0 {
				t.Errorf("%s: a refresh is a POST without a body", where)
			}
		case strings.HasSuffix(r.path, "/_field_caps"):
			if r.method != http.MethodGet || !strings.HasPrefix(r.query, "fields=") {
				t.Errorf("%s?%s: field_caps takes its fields as a query parameter", where, r.query)
			}
		default:
			t.Errorf("%s: a request the facts do not cover", where)
		}
	}
	var unseen []string
	for schema := range spec {
		if !ck.seen[schema] && schema != "aggregation container" {
			unseen = append(unseen, schema)
		}
	}
	sort.Strings(unseen)
	if len(unseen) > 0 {
		t.Errorf("facts never used by a request (stale?): %v", unseen)
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
