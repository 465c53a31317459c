// Package opensearchtest is an OpenSearch-compatible server on 127.0.0.1
// for tests, holding documents in memory and answering as a real cluster
// does where recheckgen depends on it:
//
//   - a body needs a Content-Type the server reads (JSON or NDJSON; else
//     406), and the NDJSON of _bulk and _msearch a newline at its end;
//   - the path is decoded once and the index expression routes by index
//     name and pattern as OpenSearch 2 resolves it (comma lists, "*" the
//     only wildcard, "-name" after a wildcard excluding; a missing
//     concrete index is index_not_found_exception, a pattern matching
//     nothing is no hit);
//   - indices are created by _bulk with the mapping of the matching index
//     template (_index_template), else by dynamic mapping, which maps
//     strings as text with a keyword sub-field (.keyword), as a real one;
//   - text is analyzed by the standard analyzer (package analysis), the
//     only analyzer it knows: a template asking for another is refused;
//     a keyword value over ignore_above is not indexed;
//   - _search and _msearch evaluate query_string (read as OpenSearch 2
//     reads it, see querystring.go), bool, range, term, terms, exists and
//     match_all, and the aggregations min, max, terms, cardinality,
//     top_hits, date_histogram (fixed_interval and offset), composite and
//     filter; an aggregation or sort on a text field, a sort on a field
//     an index does not map (without unmapped_type), a term that is no
//     number on a number field, a negative from or size, from + size over
//     index.max_result_window (10,000) and an answer of more buckets than
//     search.max_buckets (MaxBuckets, 65,535 unless set) are refused with
//     the real error body; _source comes back as stored, filtered by the
//     request's list;
//   - _field_caps reports each field's type and whether it aggregates,
//     and refuses a request naming no fields;
//   - _refresh (POST or GET) resolves its indices and does nothing else:
//     every write is searchable at once;
//   - DELETE /{index} deletes the indices an expression names;
//   - unknown request keys, query types and aggregation types are refused,
//     as a real server's parser refuses them.
//
// It is no search engine: relevance, most options and every other API are
// left out. Each index is one shard, and a search some indices refuse
// fails whole (400, "all shards failed", naming those indices) where a
// real cluster answers 200 with their failures under _shards; recheckgen
// refuses both answers.
package opensearchtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Server is a running fake cluster.
type Server struct {
	*httptest.Server
	mu        sync.Mutex
	indices   map[string]*index
	templates map[string]template

	// Requests counts requests; Bulk records the bodies of _bulk requests.
	Requests atomic.Int64
	Bulk     [][]byte
	// Fault, when set, may answer a request first (return true when it did).
	Fault func(w http.ResponseWriter, r *http.Request) bool
	// BusyItems makes the next n bulk items fail with 429, as a cluster
	// whose write queue is full.
	BusyItems atomic.Int64
	// MaxBuckets is the cluster's search.max_buckets (0: OpenSearch 2's
	// default, 65,535): a search answer holding more buckets is refused.
	MaxBuckets atomic.Int64
}

type template struct {
	patterns []string
	priority int
	mapping  map[string]*fieldType
}

type index struct {
	name    string
	mapping map[string]*fieldType // by dotted path
	docs    []*doc
	byID    map[string]int
	// queryTokens remembers the analysis of query texts.
	queryTokens map[string][]string
}

type fieldType struct {
	Type string `json:"type"`
	// Analyzer, SearchAnalyzer and Normalizer are refused unless standard
	// or unset: the standard analyzer is the only one the server knows.
	Analyzer       string `json:"analyzer,omitempty"`
	SearchAnalyzer string `json:"search_analyzer,omitempty"`
	Normalizer     string `json:"normalizer,omitempty"`
	// IgnoreAbove leaves a keyword value longer than this many characters
	// out of the index (dynamic mapping gives .keyword 256).
	IgnoreAbove int                   `json:"ignore_above,omitempty"`
	Fields      map[string]*fieldType `json:"fields,omitempty"`
}

type doc struct {
	id     string
	source json.RawMessage
	values map[string][]any      // dotted path → values (string, float64, bool)
	tokens map[string][][]string // text field → each value's tokens, analyzed once
}

// New starts a server; it stops with the test.
func New(t testing.TB) *Server {
	s := &Server{indices: map[string]*index{}, templates: map[string]template{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Docs is how many documents the indices matching expr hold.
func (s *Server) Docs(expr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	idx, _ := s.resolve(expr)
	for _, ix := range idx {
		n += len(ix.docs)
	}
	return n
}

// IDs lists the ids of every document, sorted, as index/id.
func (s *Server) IDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ix := range s.indices {
		for _, d := range ix.docs {
			out = append(out, ix.name+"/"+d.id)
		}
	}
	sort.Strings(out)
	return out
}

// Source is a stored document's _source, as stored.
func (s *Server) Source(indexName, id string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix := s.indices[indexName]
	if ix == nil {
		return nil
	}
	if i, ok := ix.byID[id]; ok {
		return ix.docs[i].source
	}
	return nil
}

// Mapping is the type of field path in index (with sub-fields as
// "name.keyword"), "" when unmapped.
func (s *Server) Mapping(indexName, field string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix := s.indices[indexName]; ix != nil {
		if ft := ix.field(field); ft != nil {
			return ft.Type
		}
	}
	return ""
}

// Indices lists the index names, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n := range s.indices {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if s.Fault != nil && s.Fault(w, r) {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	// r.URL.Path is the path decoded once, as a real server reads it.
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var target, api string
	switch {
	case len(parts) == 1 && parts[0] == "":
		api = "/"
	case strings.HasPrefix(parts[0], "_"):
		api = parts[0]
	case len(parts) >= 2:
		target, api = parts[0], parts[1]
	default:
		target, api = parts[0], "index"
	}
	// A body is read only as the type its header names (RestController
	// answers 406 before any handler runs); the server reads JSON alone.
	if len(body) > 0 {
		if msg := contentTypeError(r.Header.Values("Content-Type")); msg != "" {
			writeJSON(w, http.StatusNotAcceptable, obj{"error": msg, "status": http.StatusNotAcceptable})
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case api == "/" && r.Method == http.MethodGet:
		writeJSON(w, 200, obj{"name": "replay", "cluster_name": "replay", "version": obj{"distribution": "opensearch", "number": "2.11.1"},
			"tagline": "The OpenSearch Project: https://opensearch.org/"})
	case api == "_index_template" && r.Method == http.MethodPut && len(parts) == 2:
		s.putTemplate(w, parts[1], body)
	case api == "_bulk" && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		s.Bulk = append(s.Bulk, body)
		if !unterminated(w, api, body) {
			s.bulk(w, target, body)
		}
	case api == "_search" && (r.Method == http.MethodPost || r.Method == http.MethodGet):
		s.search(w, target, body)
	case api == "_msearch" && (r.Method == http.MethodPost || r.Method == http.MethodGet):
		if !unterminated(w, api, body) {
			s.msearch(w, target, body)
		}
	case api == "_field_caps" && (r.Method == http.MethodGet || r.Method == http.MethodPost):
		s.fieldCaps(w, target, r.URL.Query().Get("fields"))
	case api == "index" && r.Method == http.MethodDelete:
		s.deleteIndices(w, target)
	case api == "_refresh" && (r.Method == http.MethodPost || r.Method == http.MethodGet):
		s.refresh(w, target)
	default:
		writeError(w, 405, "illegal_argument_exception", fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s]", r.URL.Path, r.Method))
	}
}

type obj = map[string]any

// contentTypeError is the real refusal of a body whose Content-Type is
// missing or not one the server reads (JSON, or NDJSON for _bulk and
// _msearch; the real one also takes YAML, CBOR and Smile, which this one
// cannot decode).
func contentTypeError(values []string) string {
	if len(values) == 0 {
		return "Content-Type header is missing"
	}
	if mt, _, err := mime.ParseMediaType(values[0]); err == nil && len(values) == 1 &&
		(mt == "application/json" || mt == "application/x-ndjson") {
		return ""
	}
	return "Content-Type header [" + strings.Join(values, ",") + "] is not supported"
}

// unterminated is the real refusal of an NDJSON body (_bulk, _msearch)
// whose last line does not end with a newline.
func unterminated(w http.ResponseWriter, api string, body []byte) bool {
	if len(body) == 0 || body[len(body)-1] == '\n' {
		return false
	}
	writeError(w, 400, "illegal_argument_exception", "The "+strings.TrimPrefix(api, "_")+" request must be terminated by a newline [\\n]")
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// errorBody is a server error in OpenSearch's shape.
func errorBody(typ, reason string, status int) obj {
	cause := obj{"type": typ, "reason": reason}
	return obj{"error": obj{"root_cause": []any{cause}, "type": typ, "reason": reason}, "status": status}
}

func writeError(w http.ResponseWriter, status int, typ, reason string) {
	writeJSON(w, status, errorBody(typ, reason, status))
}

// searchError is a request the server refuses, with its body.
type searchError struct {
	status int
	body   obj
}

func (e *searchError) Error() string { return fmt.Sprint(e.body) }

func badRequest(typ, format string, args ...any) *searchError {
	return &searchError{400, errorBody(typ, fmt.Sprintf(format, args...), 400)}
}

// textAggError is the real answer to aggregating or sorting on a text
// field (OpenSearch 1/2, Elasticsearch 7).
func textAggError(ix *index, field string) *searchError {
	reason := "Text fields are not optimised for operations that require per-document field data like aggregations and sorting, " +
		"so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [" +
		field + "] in order to load field data by uninverting the inverted index. Note that this can use significant memory."
	return shardsFailed([]*index{ix}, func(*index) obj { return obj{"type": "illegal_argument_exception", "reason": reason} })
}

// resolve turns an index expression into indices as OpenSearch 2's
// resolver does: a comma list read left to right; "*" the only wildcard
// (matching nothing is no error); any other name concrete (missing is
// index_not_found_exception, "?" and "[" included); "-name" or "-pattern"
// after a wildcard removes what it names, before one it is a name.
func (s *Server) resolve(expr string) ([]*index, *searchError) {
	if expr == "" || expr == "_all" {
		expr = "*"
	}
	in := map[string]bool{}
	wildcardSeen := false
	for _, part := range strings.Split(expr, ",") {
		if s.indices[part] != nil {
			in[part] = true
			continue
		}
		add := true
		if strings.HasPrefix(part, "-") && wildcardSeen {
			add, part = false, part[1:]
		}
		if part == "" {
			return nil, indexNotFound(part)
		}
		if strings.HasPrefix(part, "_") {
			return nil, badRequest("invalid_index_name_exception", "Invalid index name [%s], must not start with '_'.", part)
		}
		if !strings.Contains(part, "*") {
			if s.indices[part] == nil {
				return nil, indexNotFound(part)
			}
			in[part] = add
			continue
		}
		wildcardSeen = true
		for n := range s.indices {
			if simpleMatch(part, n) {
				in[n] = add
			}
		}
	}
	var names []string
	for n, ok := range in {
		if ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]*index, len(names))
	for i, n := range names {
		out[i] = s.indices[n]
	}
	return out, nil
}

func indexNotFound(name string) *searchError {
	reason := "no such index [" + name + "]"
	cause := obj{"type": "index_not_found_exception", "reason": reason, "index": name}
	return &searchError{404, obj{"error": obj{
		"root_cause": []any{cause}, "type": "index_not_found_exception", "reason": reason, "index": name,
	}, "status": 404}}
}

// simpleMatch is OpenSearch's wildcard match (Regex.simpleMatch): "*"
// matches any run of characters, every other character itself. The
// pieces between stars are found leftmost first, which is enough when
// "*" is the only wildcard.
func simpleMatch(pattern, s string) bool {
	pieces := strings.Split(pattern, "*")
	if len(pieces) == 1 {
		return pattern == s
	}
	first, last := pieces[0], pieces[len(pieces)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range pieces[1 : len(pieces)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

func (s *Server) putTemplate(w http.ResponseWriter, name string, body []byte) {
	var t struct {
		IndexPatterns []string `json:"index_patterns"`
		Priority      int      `json:"priority"`
		Template      struct {
			Settings map[string]json.RawMessage `json:"settings"`
			Mappings struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"mappings"`
		} `json:"template"`
		Meta map[string]any `json:"_meta"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		writeError(w, 400, "x_content_parse_exception", "[index_template] "+err.Error())
		return
	}
	if len(t.IndexPatterns) == 0 {
		writeError(w, 400, "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;")
		return
	}
	m := map[string]*fieldType{}
	if err := flattenMapping("", t.Template.Mappings.Properties, m); err != nil {
		writeError(w, 400, "mapper_parsing_exception", err.Error())
		return
	}
	// Text is analyzed by the standard analyzer (package analysis), as
	// OpenStack's indices and recheckgen's template analyze the message;
	// an index asking for another would be searched wrongly, so it is
	// refused.
	if _, ok := t.Template.Settings["analysis"]; ok {
		writeError(w, 400, "illegal_argument_exception", "the replay server analyzes text with the standard analyzer only: no analysis settings")
		return
	}
	for f, ft := range m {
		subs := []*fieldType{ft}
		for _, sub := range ft.Fields {
			subs = append(subs, sub)
		}
		for _, sub := range subs {
			for _, a := range []string{sub.Analyzer, sub.SearchAnalyzer, sub.Normalizer} {
				if a != "" && a != "standard" {
					writeError(w, 400, "illegal_argument_exception", "the replay server analyzes text with the standard analyzer only: ["+f+"] asks for ["+a+"]")
					return
				}
			}
		}
	}
	s.templates[name] = template{patterns: t.IndexPatterns, priority: t.Priority, mapping: m}
	writeJSON(w, 200, obj{"acknowledged": true})
}

var knownTypes = map[string]bool{"text": true, "keyword": true, "date": true, "long": true, "integer": true, "short": true,
	"byte": true, "double": true, "float": true, "boolean": true}

func flattenMapping(prefix string, props map[string]json.RawMessage, out map[string]*fieldType) error {
	for name, raw := range props {
		var f struct {
			fieldType
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return err
		}
		if f.Properties != nil {
			if err := flattenMapping(prefix+name+".", f.Properties, out); err != nil {
				return err
			}
			continue
		}
		if !knownTypes[f.Type] {
			return fmt.Errorf("no handler for type [%s] declared on field [%s]", f.Type, prefix+name)
		}
		ft := f.fieldType
		out[prefix+name] = &ft
	}
	return nil
}

// uuid stands for the index's UUID in error bodies.
func (ix *index) uuid() string { return "replay-" + ix.name }

// field finds a mapped field or sub-field ("build_uuid.keyword").
func (ix *index) field(name string) *fieldType {
	if ft := ix.mapping[name]; ft != nil {
		return ft
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if parent := ix.mapping[name[:i]]; parent != nil {
			return parent.Fields[name[i+1:]]
		}
	}
	return nil
}

// sourcePath is where a field's values come from in _source: a sub-field
// reads its parent's.
func (ix *index) sourcePath(name string) string {
	if ix.mapping[name] != nil {
		return name
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 && ix.mapping[name[:i]] != nil {
		return name[:i]
	}
	return name
}

func (s *Server) createIndex(name string) *index {
	ix := &index{name: name, mapping: map[string]*fieldType{}, byID: map[string]int{}}
	best := -1
	for _, t := range s.templates {
		for _, p := range t.patterns {
			if simpleMatch(p, name) && t.priority > best {
				best = t.priority
				ix.mapping = map[string]*fieldType{}
				for k, v := range t.mapping {
					ix.mapping[k] = v
				}
			}
		}
	}
	s.indices[name] = ix
	return ix
}

// flatten reads a document's values by dotted path.
func flatten(prefix string, v any, out map[string][]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			flatten(prefix+k+".", x, out)
		}
	case []any:
		for _, x := range v {
			flatten(prefix, x, out)
		}
	case nil:
	default:
		k := strings.TrimSuffix(prefix, ".")
		out[k] = append(out[k], v)
	}
}

// dynamic maps a new field as a real cluster's dynamic mapping does.
func dynamic(v any) *fieldType {
	switch v := v.(type) {
	case string:
		if _, ok := parseDate(v); ok {
			return &fieldType{Type: "date"}
		}
		return &fieldType{Type: "text", Fields: map[string]*fieldType{"keyword": {Type: "keyword", IgnoreAbove: 256}}}
	case float64:
		if v == float64(int64(v)) {
			return &fieldType{Type: "long"}
		}
		return &fieldType{Type: "float"}
	case bool:
		return &fieldType{Type: "boolean"}
	}
	return &fieldType{Type: "keyword"}
}

// index stores one document, mapping its new fields; a value its field's
// type cannot hold is refused as the real mapper refuses it.
func (ix *index) put(id string, source json.RawMessage) *searchError {
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(source))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return badRequest("mapper_parsing_exception", "failed to parse: %v", err)
	}
	values := map[string][]any{}
	flatten("", normalize(v), values)
	for k, vals := range values {
		ft := ix.mapping[k]
		if ft == nil {
			ft = dynamic(vals[0])
			ix.mapping[k] = ft
		}
		for i, x := range vals {
			if err := check(ft.Type, x); err != nil {
				return badRequest("mapper_parsing_exception", "failed to parse field [%s] of type [%s] in document with id '%s'. Preview of field's value: '%v'", k, ft.Type, id, x)
			}
			if ft.Type == "date" {
				vals[i], _ = dateValue(x) // parsed once, as the index stores it
			}
		}
	}
	d := &doc{id: id, source: append(json.RawMessage(nil), source...), values: values}
	if i, ok := ix.byID[id]; ok {
		ix.docs[i] = d
	} else {
		ix.byID[id] = len(ix.docs)
		ix.docs = append(ix.docs, d)
	}
	return nil
}

// normalize turns json.Numbers into float64.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normalize(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		return v
	case json.Number:
		f, _ := v.Float64()
		return f
	}
	return v
}

func check(typ string, x any) error {
	switch typ {
	case "long", "integer", "short", "byte", "double", "float":
		if _, ok := number(x); !ok {
			return fmt.Errorf("not a number")
		}
	case "date":
		if _, ok := dateValue(x); !ok {
			return fmt.Errorf("not a date")
		}
	}
	return nil
}

func (s *Server) bulk(w http.ResponseWriter, target string, body []byte) {
	start := time.Now()
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var items []any
	errors := false
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var action map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(line, &action); err != nil || len(action) != 1 {
			writeError(w, 400, "illegal_argument_exception", "Malformed action/metadata line ["+fmt.Sprint(len(items)+1)+"]")
			return
		}
		var op string
		for k := range action {
			op = k
		}
		if op != "index" && op != "create" {
			writeError(w, 400, "illegal_argument_exception", "Action/metadata line ["+fmt.Sprint(len(items)+1)+"] contains an unknown parameter ["+op+"]")
			return
		}
		if !sc.Scan() {
			writeError(w, 400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]")
			return
		}
		source := append([]byte(nil), sc.Bytes()...)
		a := action[op]
		name := a.Index
		if name == "" {
			name = target
		}
		item := obj{"_index": name, "_id": a.ID}
		switch {
		case s.BusyItems.Load() > 0:
			s.BusyItems.Add(-1)
			item["status"] = 429
			item["error"] = obj{"type": "es_rejected_execution_exception", "reason": "rejected execution of coordinating operation"}
			errors = true
		case name == "" || a.ID == "":
			item["status"] = 400
			item["error"] = obj{"type": "action_request_validation_exception", "reason": "Validation Failed: 1: index and id are required;"}
			errors = true
		case s.indices[name] == nil && invalidIndexName(name) != "":
			item["status"] = 400
			item["error"] = obj{"type": "invalid_index_name_exception", "reason": "Invalid index name [" + name + "], " + invalidIndexName(name), "index": name}
			errors = true
		default:
			ix := s.indices[name]
			if ix == nil {
				ix = s.createIndex(name)
			}
			_, existed := ix.byID[a.ID]
			if op == "create" && existed {
				item["status"] = 409
				item["error"] = obj{"type": "version_conflict_engine_exception", "reason": "[" + a.ID + "]: version conflict, document already exists"}
				errors = true
			} else if err := ix.put(a.ID, source); err != nil {
				item["status"] = 400
				item["error"] = err.body["error"].(obj)["root_cause"].([]any)[0]
				errors = true
			} else if existed {
				item["status"], item["result"] = 200, "updated"
			} else {
				item["status"], item["result"] = 201, "created"
			}
		}
		items = append(items, obj{op: item})
	}
	writeJSON(w, 200, obj{"took": time.Since(start).Milliseconds(), "errors": errors, "items": items})
}

// deleteIndices deletes the indices an expression names (a missing
// concrete one is index_not_found_exception, as in a search).
func (s *Server) deleteIndices(w http.ResponseWriter, expr string) {
	idx, serr := s.resolve(expr)
	if serr != nil {
		writeJSON(w, serr.status, serr.body)
		return
	}
	for _, ix := range idx {
		delete(s.indices, ix.name)
	}
	writeJSON(w, 200, obj{"acknowledged": true})
}

// invalidIndexName says why a cluster refuses to create an index of this
// name (MetadataCreateIndexService's rules), "" when it does not.
func invalidIndexName(name string) string {
	switch {
	case strings.ContainsAny(name, `\/*?"<>| ,`):
		return `must not contain the following characters [ , ", *, \, <, |, ,, >, /, ?]`
	case strings.Contains(name, "#"):
		return "must not contain '#'"
	case strings.Contains(name, ":"):
		return "must not contain ':'"
	case strings.HasPrefix(name, "_") || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "+"):
		return "must not start with '_', '-', or '+'"
	case name == "." || name == "..":
		return "must not be '.' or '..'"
	case strings.ToLower(name) != name:
		return "must be lowercase"
	case len(name) > 255:
		return "index name is too long, (" + fmt.Sprint(len(name)) + " > 255)"
	}
	return ""
}

// refresh answers as a real one: its indices are always searchable.
func (s *Server) refresh(w http.ResponseWriter, target string) {
	idx, serr := s.resolve(target)
	if serr != nil {
		writeJSON(w, serr.status, serr.body)
		return
	}
	writeJSON(w, 200, obj{"_shards": obj{"total": len(idx), "successful": len(idx), "failed": 0}})
}

func (s *Server) fieldCaps(w http.ResponseWriter, target, fields string) {
	// The REST layer refuses a request without fields before it looks at
	// the indices (RestFieldCapabilitiesAction).
	if strings.Trim(fields, ",") == "" {
		writeError(w, 400, "illegal_argument_exception", "specified fields can't be null or empty")
		return
	}
	idx, serr := s.resolve(target)
	if serr != nil {
		writeJSON(w, serr.status, serr.body)
		return
	}
	pats := strings.Split(fields, ",")
	found := map[string]map[string][]string{} // field → type → indices
	var names []string
	for _, ix := range idx {
		names = append(names, ix.name)
		var all []string
		for k, ft := range ix.mapping {
			all = append(all, k)
			for sub := range ft.Fields {
				all = append(all, k+"."+sub)
			}
		}
		for _, f := range all {
			for _, p := range pats {
				if simpleMatch(p, f) {
					if found[f] == nil {
						found[f] = map[string][]string{}
					}
					typ := ix.field(f).Type
					found[f][typ] = append(found[f][typ], ix.name)
					break
				}
			}
		}
	}
	out := obj{}
	for f, types := range found {
		entry := obj{}
		for typ, in := range types {
			c := obj{"type": typ, "metadata_field": false, "searchable": true, "aggregatable": typ != "text"}
			if len(types) > 1 {
				sort.Strings(in)
				c["indices"] = in
			}
			entry[typ] = c
		}
		out[f] = entry
	}
	if names == nil {
		names = []string{}
	}
	writeJSON(w, 200, obj{"indices": names, "fields": out})
}
