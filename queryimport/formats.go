package queryimport

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
	"go.yaml.in/yaml/v3"
)

// Entry is one query read from another format: translated (Query) or not
// (Err says why).
type Entry struct {
	ID     string // the query file's name, without .yaml
	Source string // where it came from, for the report
	Query  string // Lucene
	Title  string
	Bug    string   // the bug's URL
	Tags   []string // recheckgen's tags
	Notes  []string // how the query reads the pattern differently
	Err    error
}

// Read detects the format of data and reads it: TripleO's queries.yml
// (a top-level `queries` list) or sova's patterns (`patterns` by file,
// `regexes` by name), in YAML or JSON.
func Read(data []byte) (format string, entries []Entry, err error) {
	var probe map[string]any
	if err := yaml.Unmarshal(data, &probe); err != nil {
		return "", nil, fmt.Errorf("neither YAML nor JSON: %v", err)
	}
	switch {
	case probe["queries"] != nil:
		es, err := TripleO(data)
		return "tripleo", es, err
	case probe["patterns"] != nil:
		es, err := Sova(data)
		return "sova", es, err
	}
	return "", nil, fmt.Errorf("found neither `queries` (TripleO's queries.yml) nor `patterns` (sova's patterns) at the top")
}

// oneOrMany reads a string or a list of strings.
type oneOrMany []string

func (o *oneOrMany) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*o = oneOrMany{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return fmt.Errorf("line %d: want a string or a list of strings", n.Line)
	}
	*o = list
	return nil
}

// tripleoQuery is one entry of TripleO's queries.yml: exact patterns
// (all must be found), regular expressions, the files' tags (any of
// them), the bug URL, a category, and an optional elastic-recheck query
// that overrides the rest.
type tripleoQuery struct {
	ID       string    `yaml:"id"`
	Pattern  oneOrMany `yaml:"pattern"`
	Regex    oneOrMany `yaml:"regex"`
	Tags     oneOrMany `yaml:"tags"`
	URL      string    `yaml:"url"`
	Category string    `yaml:"category"`
	Logstash string    `yaml:"logstash"`
	Msg      string    `yaml:"msg"`
}

// TripleO reads TripleO's unified queries.yml.
func TripleO(data []byte) ([]Entry, error) {
	var doc struct {
		Queries []yaml.Node `yaml:"queries"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []Entry
	for i, n := range doc.Queries {
		e := Entry{Source: fmt.Sprintf("queries[%d] (line %d)", i, n.Line)}
		var q tripleoQuery
		if err := n.Decode(&q); err != nil {
			e.Err = err
			out = append(out, e)
			continue
		}
		if err := strictKeys(&n, "id", "pattern", "regex", "tags", "url", "category", "logstash", "msg"); err != nil {
			e.Err = err
			out = append(out, e)
			continue
		}
		e.ID, e.Title, e.Bug = q.ID, q.Msg, q.URL
		e.Source = fmt.Sprintf("queries[%d] %q (line %d)", i, q.ID, n.Line)
		if q.Category != "" {
			e.Tags = []string{strings.ToLower(q.Category)}
		}
		e.Query, e.Notes, e.Err = tripleoLucene(q)
		out = append(out, e)
	}
	return out, nil
}

func tripleoLucene(q tripleoQuery) (string, []string, error) {
	if q.ID == "" {
		return "", nil, fmt.Errorf("no `id`")
	}
	if q.Logstash != "" {
		return q.Logstash, []string{"its own `logstash` query, as written"}, nil
	}
	var parts, notes []string
	if len(q.Pattern) > 0 {
		m, err := Literals(q.Pattern)
		if err != nil {
			return "", nil, err
		}
		parts, notes = append(parts, m.Query), append(notes, m.Notes...)
	}
	for _, r := range q.Regex {
		m, err := Regex(r)
		if err != nil {
			return "", nil, fmt.Errorf("regex %q: %v", r, err)
		}
		parts, notes = append(parts, "("+m.Query+")"), append(notes, m.Notes...)
	}
	if len(parts) == 0 {
		return "", nil, fmt.Errorf("neither `pattern` nor `regex`")
	}
	return withTags(strings.Join(parts, " AND "), q.Tags), dedupe(notes), nil
}

// withTags adds the files' tags, any one of them.
func withTags(q string, tags []string) string {
	if len(tags) == 0 {
		return q
	}
	var ts []string
	for _, t := range tags {
		ts = append(ts, "tags:"+quote(t))
	}
	return "(" + q + ") AND (" + strings.Join(ts, " OR ") + ")"
}

// sova's patterns: each file's patterns, a pattern an exact string or the
// name of one of the regexes.
type sovaDoc struct {
	Regexes []struct {
		Name      string `json:"name" yaml:"name"`
		Regex     string `json:"regex" yaml:"regex"`
		Multiline bool   `json:"multiline" yaml:"multiline"`
	} `json:"regexes" yaml:"regexes"`
	Patterns map[string][]struct {
		ID       any      `json:"id" yaml:"id"`
		Logstash string   `json:"logstash" yaml:"logstash"`
		Msg      string   `json:"msg" yaml:"msg"`
		Pattern  string   `json:"pattern" yaml:"pattern"`
		Tag      string   `json:"tag" yaml:"tag"`
		Exclude  []string `json:"exclude" yaml:"exclude"`
	} `json:"patterns" yaml:"patterns"`
}

// SovaFiles are the files sova searches, by the name of their section,
// as the tags the store gives them.
var SovaFiles = map[string]string{
	"console":          "console",
	"errors":           "errors.txt",
	"ironic-conductor": "ironic-conductor.log",
	"syslog":           "journal.txt",
	"logstash":         "logstash.txt",
	"bmc":              "bmc-console.log",
}

// Sova reads sova's patterns, JSON (as its generated file) or YAML.
func Sova(data []byte) ([]Entry, error) {
	var doc sovaDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return nil, err
		}
	}
	regexes := map[string]string{}
	multiline := map[string]bool{}
	for _, r := range doc.Regexes {
		regexes[r.Name], multiline[r.Name] = r.Regex, r.Multiline
	}
	sections := make([]string, 0, len(doc.Patterns))
	for s := range doc.Patterns {
		sections = append(sections, s)
	}
	sort.Strings(sections)
	var out []Entry
	for _, section := range sections {
		for i, p := range doc.Patterns[section] {
			id := fmt.Sprint(p.ID)
			e := Entry{ID: "sova-" + section + "-" + id, Source: fmt.Sprintf("patterns.%s[%d] id %s", section, i, id),
				Title: strings.ReplaceAll(p.Msg, "{}", "…")}
			if p.Tag != "" {
				e.Tags = []string{strings.ToLower(p.Tag)}
			}
			var m Match
			var err error
			switch re, named := regexes[p.Pattern]; {
			case p.Pattern == "":
				err = fmt.Errorf("no `pattern`")
			case named:
				m, err = Regex(re)
				if err == nil && multiline[p.Pattern] {
					m.Notes = append(m.Notes, "the regex spans lines (multiline); Lucene searches one event")
				}
			default:
				m, err = Literal(p.Pattern)
			}
			if err != nil {
				e.Err = err
				out = append(out, e)
				continue
			}
			if len(p.Exclude) > 0 {
				m.Notes = append(m.Notes, "`exclude` ("+strings.Join(p.Exclude, ", ")+") has no Lucene form: the query can match more")
			}
			tag, known := SovaFiles[section]
			if !known {
				tag = section
				m.Notes = append(m.Notes, fmt.Sprintf("sova's file %q has no known log file: searched as tags:%q", section, section))
			}
			e.Query, e.Notes = withTags(m.Query, []string{tag}), m.Notes
			out = append(out, e)
		}
	}
	return out, nil
}

// strictKeys refuses a mapping key outside known.
func strictKeys(n *yaml.Node, known ...string) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		ok := false
		for _, w := range known {
			ok = ok || k == w
		}
		if !ok {
			return fmt.Errorf("unknown key %q (line %d)", k, n.Content[i].Line)
		}
	}
	return nil
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

var fileName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileID is id made a valid query file name.
func FileID(id string) string {
	id = strings.Trim(fileName.ReplaceAllString(id, "-"), "-.")
	if id == "" {
		return "imported"
	}
	return id
}

// Check parses an entry's query as recheckgen will, and turns a query it
// refuses into the entry's error.
func (e *Entry) Check(op lucene.Operator) {
	if e.Err != nil {
		return
	}
	if _, _, err := lucene.Parse(e.Query, lucene.Options{DefaultOperator: op, Index: analysis.Elastic}); err != nil {
		e.Err = fmt.Errorf("the query %q does not parse: %v", e.Query, err)
	}
}
