package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
)

// Names are how one field of the log vocabulary is named on the server.
// An index may map a keyword-like field as text with a keyword sub-field
// (what dynamic mapping makes of every string): aggregations and exact
// matches then need the sub-field, while _source only ever holds the
// field itself.
type Names struct {
	Logical string // the vocabulary's name, as queries write it
	Source  string // read from _source
	Agg     string // aggregated and filtered on ("" when nothing aggregatable)
	Query   string // written into query strings
	Type    string // what the server said, for explain
}

// Mapping is what discovery chose.
type Mapping struct {
	Indices int // indices the pattern matched
	Fields  []Names
}

// configured is the index field named for a logical field: the setting,
// else the logical name.
func (c *Client) configured(logical string) string {
	f := c.cfg.Fields
	named := map[string]string{"message": f.Message, "@timestamp": f.Timestamp, "build_uuid": f.BuildUUID,
		"build_name": f.BuildName, "build_status": f.BuildStatus, "voting": f.Voting, "log_url": f.LogURL,
		"project": f.Project, "build_queue": f.Pipeline, "build_branch": f.Branch, "filename": f.Filename,
		"node_provider": f.Provider, "node_region": f.Region, "build_node": f.Node}
	if n := named[logical]; n != "" {
		return n
	}
	return logical
}

// undiscovered uses the configured names as they are.
func (c *Client) undiscovered() map[string]Names {
	out := map[string]Names{}
	for _, f := range recheckgen.LogFields {
		n := c.configured(f.Name)
		out[f.Name] = Names{Logical: f.Name, Source: strings.TrimSuffix(n, ".keyword"), Agg: n, Query: n, Type: "as configured"}
	}
	return out
}

// capability is one type a field has across the indices.
type capability struct {
	Type         string   `json:"type"`
	Aggregatable bool     `json:"aggregatable"`
	Searchable   bool     `json:"searchable"`
	Indices      []string `json:"indices"`
	NonAgg       []string `json:"non_aggregatable_indices"`
}

// required fields must exist (and be aggregatable where marked).
var required = map[string]bool{"message": false, "@timestamp": true, "build_uuid": true, "build_status": true, "voting": false}

// settingOf names the setting that renames a logical field.
func settingOf(logical string) string {
	switch logical {
	case "@timestamp":
		return "backend.opensearch.fields.timestamp"
	case "build_queue":
		return "backend.opensearch.fields.pipeline"
	case "build_branch":
		return "backend.opensearch.fields.branch"
	case "node_provider":
		return "backend.opensearch.fields.node_provider"
	}
	return "backend.opensearch.fields." + logical
}

// Discover reads the index pattern's field capabilities (_field_caps,
// OpenSearch 1+ and Elasticsearch 7.2+) and chooses, for each field of
// the vocabulary, the name to aggregate and match exactly on (the field
// when it is a keyword, else its keyword sub-field) and the name to read
// from _source. A configured name is the starting point: a name set to
// a sub-field (build_uuid.keyword) reads _source from its parent.
func (c *Client) Discover(ctx context.Context) (Mapping, error) {
	var ask []string
	for _, f := range recheckgen.LogFields {
		n := c.configured(f.Name)
		ask = append(ask, n, n+".*")
		if parent, _, ok := cutLast(n); ok {
			ask = append(ask, parent)
		}
	}
	var data []byte
	path := "/_field_caps?fields=" + url.QueryEscape(strings.Join(ask, ","))
	if err := c.do(ctx, request{method: "GET", path: path, limit: capBase, read: readAll(&data)}); err != nil {
		return Mapping{}, fmt.Errorf("mapping of %s: %w", c.cfg.Index, err)
	}
	var resp struct {
		Indices *[]string                        `json:"indices"`
		Fields  map[string]map[string]capability `json:"fields"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return Mapping{}, fmt.Errorf("mapping of %s: invalid response JSON: %v", c.cfg.Index, err)
	}
	if resp.Indices == nil && len(resp.Fields) > 0 {
		// Elasticsearch before 7.2 lists fields only; it has no
		// date_histogram fixed_interval either, so no query would run.
		return Mapping{}, fmt.Errorf("mapping of %s: the server's _field_caps answer names no indices, as Elasticsearch before 7.2 answers: recheckgen needs OpenSearch 1 or later, or Elasticsearch 7.2 or later", c.cfg.Index)
	}
	if resp.Indices == nil || len(*resp.Indices) == 0 {
		return Mapping{}, fmt.Errorf("mapping of %s: the index pattern matches no index (backend.opensearch.index)", c.cfg.Index)
	}
	m := Mapping{Indices: len(*resp.Indices)}
	for _, f := range recheckgen.LogFields {
		n, err := choose(f, c.configured(f.Name), resp.Fields)
		if err != nil {
			return Mapping{}, fmt.Errorf("mapping of %s: %w", c.cfg.Index, err)
		}
		m.Fields = append(m.Fields, n)
		if err := c.checkVotingValue(n); err != nil {
			return Mapping{}, fmt.Errorf("mapping of %s: %w", c.cfg.Index, err)
		}
	}
	return m, nil
}

// checkVotingValue refuses a voting_value that is no number when the index
// maps voting as a number: a cluster refuses the term filter then, on
// every query ("failed to create query: For input string: ...").
func (c *Client) checkVotingValue(n Names) error {
	if n.Logical != "voting" {
		return nil
	}
	switch n.Type {
	case "long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long":
	default:
		return nil
	}
	if _, err := strconv.ParseFloat(strings.TrimSpace(c.cfg.Fields.VotingValue), 64); err != nil {
		return fmt.Errorf("field %q (voting) is %s, and backend.opensearch.fields.voting_value %q is no number: a cluster refuses to filter on it; set voting_value to the number the index writes (1)",
			n.Source, n.Type, c.cfg.Fields.VotingValue)
	}
	return nil
}

// aggregatable says whether a field can be aggregated in every index.
func aggregatable(caps map[string]capability) (string, bool) {
	if len(caps) != 1 {
		var types []string
		for t := range caps {
			types = append(types, t)
		}
		sort.Strings(types)
		return strings.Join(types, " or "), false
	}
	for t, c := range caps {
		return t, c.Aggregatable && len(c.NonAgg) == 0
	}
	return "", false
}

func choose(f recheckgen.LogField, name string, fields map[string]map[string]capability) (Names, error) {
	n := Names{Logical: f.Name, Source: name, Agg: name, Query: name}
	if parent, _, ok := cutLast(name); ok && fields[parent] != nil && fields[name] != nil {
		n.Source = parent // a sub-field: _source holds its parent
	}
	caps := fields[name]
	if caps == nil {
		if _, must := required[f.Name]; must {
			return n, fmt.Errorf("the index has no field %q for %s (set %s)", name, f.Name, settingOf(f.Name))
		}
		n.Type = "absent"
		return n, nil
	}
	typ, agg := aggregatable(caps)
	n.Type = typ
	switch {
	case f.Kind == recheckgen.Text:
		n.Agg = ""
	case agg:
	case fields[name+".keyword"] != nil:
		sub, subAgg := aggregatable(fields[name+".keyword"])
		if !subAgg {
			n.Agg = ""
			break
		}
		n.Agg, n.Query, n.Type = name+".keyword", name+".keyword", typ+" with a "+sub+" sub-field"
	default:
		n.Agg = ""
	}
	if n.Agg == "" && required[f.Name] {
		return n, fmt.Errorf("field %q (%s) is %s and has no keyword sub-field: it cannot be aggregated; map it as keyword, or name an aggregatable field in %s",
			name, f.Name, typ, settingOf(f.Name))
	}
	if n.Agg == "" && f.Kind != recheckgen.Text {
		n.Query = name // matched as the server analyzes it
	}
	return n, nil
}

func cutLast(name string) (parent, sub string, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// names are the chosen names, discovered once per client.
func (c *Client) names(ctx context.Context) (map[string]Names, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fields != nil {
		return c.fields, nil
	}
	if !c.cfg.Discover {
		c.fields = c.undiscovered()
		return c.fields, nil
	}
	m, err := c.Discover(ctx)
	if err != nil {
		return nil, err
	}
	c.fields = map[string]Names{}
	for _, n := range m.Fields {
		c.fields[n.Logical] = n
	}
	return c.fields, nil
}

// queryString is the query string sent for q: the query as recheckgen
// reads it (Elasticsearch 1.x's reading over elastic-recheck's index, see
// docs/queries.md), printed canonically, with the vocabulary's field names
// replaced by the server's query names (a keyword-like field mapped as text
// is matched on its keyword sub-field, exactly, as the store matches it).
// Printed, every choice of that reading is written out, so that a newer
// server's own reading (OpenSearch, Elasticsearch 5 and later) gives the
// same: values with no word are gone, unquoted values of several words are
// joined by the operator that joined them, and wildcard, regular
// expression, fuzzy and range terms are lower-cased on every field as
// Elasticsearch 1.x did (a newer server keeps them as written on a keyword
// field, where `build_status:FAIL*` would then match FAILURE). A query
// that does not parse is sent as written, for the server to refuse.
func queryString(q recheckgen.Query, op lucene.Operator, names map[string]Names) string {
	expr := q.Expr
	if expr == nil {
		var err error
		if expr, _, err = lucene.Parse(q.Raw, lucene.Options{DefaultOperator: op, Index: analysis.Elastic}); err != nil {
			return q.Raw
		}
	}
	rename := func(f *string) {
		if n, ok := names[*f]; ok && n.Query != *f && n.Query != "" {
			*f = n.Query
		}
	}
	expr = clone(expr)
	lucene.Walk(expr, func(n lucene.Node) bool {
		switch n := n.(type) {
		case *lucene.Term:
			rename(&n.Field)
		case *lucene.Phrase:
			rename(&n.Field)
		case *lucene.Wildcard:
			rename(&n.Field)
		case *lucene.Regexp:
			rename(&n.Field)
		case *lucene.Range:
			rename(&n.Field)
		case *lucene.Exists:
			rename(&n.Field)
		}
		return true
	})
	return lucene.String(expr)
}

// clone copies a query tree so renaming leaves the loaded query alone.
func clone(n lucene.Node) lucene.Node {
	switch n := n.(type) {
	case *lucene.And:
		c := &lucene.And{Span: n.Span}
		for _, ch := range n.Children {
			c.Children = append(c.Children, clone(ch))
		}
		return c
	case *lucene.Or:
		c := &lucene.Or{Span: n.Span}
		for _, ch := range n.Children {
			c.Children = append(c.Children, clone(ch))
		}
		return c
	case *lucene.Not:
		return &lucene.Not{Child: clone(n.Child), Span: n.Span}
	case *lucene.Term:
		c := *n
		return &c
	case *lucene.Phrase:
		c := *n
		return &c
	case *lucene.Wildcard:
		c := *n
		return &c
	case *lucene.Regexp:
		c := *n
		return &c
	case *lucene.Range:
		c := *n
		return &c
	case *lucene.Exists:
		c := *n
		return &c
	}
	return n
}

// Explain discovers the field names (as a run would) and returns them
// with the search request one query would send over w.
func (c *Client) Explain(ctx context.Context, q recheckgen.Query, w recheckgen.Window) (Mapping, []byte, error) {
	var m Mapping
	if c.cfg.Discover {
		var err error
		if m, err = c.Discover(ctx); err != nil {
			return m, nil, err
		}
		c.mu.Lock()
		c.fields = map[string]Names{}
		for _, n := range m.Fields {
			c.fields[n.Logical] = n
		}
		c.mu.Unlock()
	} else {
		for _, f := range recheckgen.LogFields {
			m.Fields = append(m.Fields, c.field(f.Name))
		}
	}
	body, err := json.MarshalIndent(c.body(q, w, recheckgen.SearchOptions{Recent: 10, IncludeNonvoting: q.AllowNonvoting}), "", "  ")
	return m, body, err
}
