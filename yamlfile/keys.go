package yamlfile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/diag"
	"go.yaml.in/yaml/v3"
)

// Field is one key of a mapping with its value node.
type Field struct {
	Key   *yaml.Node
	Value *yaml.Node
}

// Fields returns the keys of mapping m that are in known, in file order,
// and diagnostics for unknown and repeated keys. what names the mapping in
// messages ("query file", "config section `site`").
func (d *Doc) Fields(m *yaml.Node, known []string, what string) (map[string]Field, diag.List) {
	out := map[string]Field{}
	var dl diag.List
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			dl = append(dl, d.At(k, "a key must be a plain word"))
			continue
		}
		if prev, dup := out[k.Value]; dup {
			dl = append(dl, d.At(k, fmt.Sprintf("key `%s` is repeated (first at line %d)", k.Value, prev.Key.Line+d.LineOffset)))
			continue
		}
		if !slices.Contains(known, k.Value) {
			msg := fmt.Sprintf("unknown key `%s` in %s", k.Value, what)
			if s := Suggest(k.Value, known); s != "" {
				msg += fmt.Sprintf("; did you mean `%s`?", s)
			} else {
				msg += fmt.Sprintf(" (known keys: %s)", strings.Join(sorted(known), ", "))
			}
			dl = append(dl, d.At(k, msg))
			continue
		}
		out[k.Value] = Field{Key: k, Value: v}
	}
	return out, dl
}

// String decodes a scalar string value. YAML's null gives "".
func (d *Doc) String(f Field) (string, *diag.Diagnostic) {
	v := f.Value
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return "", nil
	}
	if v.Kind != yaml.ScalarNode {
		dg := d.At(v, fmt.Sprintf("`%s` must be text, found %s", f.Key.Value, kindName(v)))
		return "", &dg
	}
	return v.Value, nil
}

// Bool decodes true/false; YAML 1.1 words such as "yes" are refused so a
// value means the same to every reader.
func (d *Doc) Bool(f Field) (bool, *diag.Diagnostic) {
	v := f.Value
	if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
		return v.Value == "true" || v.Value == "True" || v.Value == "TRUE", nil
	}
	dg := d.At(v, fmt.Sprintf("`%s` must be true or false, found %s", f.Key.Value, kindName(v)))
	return false, &dg
}

// Int decodes an integer.
func (d *Doc) Int(f Field) (int, *diag.Diagnostic) {
	v := f.Value
	var n int
	if v.Kind == yaml.ScalarNode && v.Tag == "!!int" && v.Decode(&n) == nil {
		return n, nil
	}
	dg := d.At(v, fmt.Sprintf("`%s` must be a whole number, found %s", f.Key.Value, kindName(v)))
	return 0, &dg
}

// Duration decodes a Go duration, also accepting a day suffix ("10d").
func (d *Doc) Duration(f Field) (time.Duration, *diag.Diagnostic) {
	s, dg := d.String(f)
	if dg != nil {
		return 0, dg
	}
	dur, err := ParseDuration(s)
	if err != nil {
		e := d.At(f.Value, fmt.Sprintf("`%s`: %v", f.Key.Value, err))
		return 0, &e
	}
	return dur, nil
}

// ParseDuration is time.ParseDuration plus whole days ("10d", "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		var n int
		if _, err := fmt.Sscanf(s[:i], "%d", &n); err != nil || fmt.Sprint(n) != s[:i] {
			return 0, fmt.Errorf("invalid duration %s (examples: 10d, 36h, 90m)", diag.Quote(s))
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	dur, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %s (examples: 10d, 36h, 90m)", diag.Quote(s))
	}
	return days + dur, nil
}

// Strings decodes a list of strings; a single string is taken as a list of
// one, since `tags: tripleo` is an easy slip to forgive.
func (d *Doc) Strings(f Field) ([]string, diag.List) {
	v := f.Value
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return nil, nil
	case v.Kind == yaml.ScalarNode:
		return []string{v.Value}, nil
	case v.Kind != yaml.SequenceNode:
		return nil, diag.List{d.At(v, fmt.Sprintf("`%s` must be a list of text values", f.Key.Value))}
	}
	var out []string
	var dl diag.List
	for _, it := range v.Content {
		if it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
			dl = append(dl, d.At(it, fmt.Sprintf("each item of `%s` must be text, found %s", f.Key.Value, kindName(it))))
			continue
		}
		out = append(out, it.Value)
	}
	return out, dl
}

// Mapping checks that f's value is a mapping (an absent value is an empty
// one) and returns it.
func (d *Doc) Mapping(f Field) (*yaml.Node, *diag.Diagnostic) {
	v := f.Value
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	if v.Kind != yaml.MappingNode {
		dg := d.At(v, fmt.Sprintf("`%s` must be a mapping of `key: value` lines, found %s", f.Key.Value, kindName(v)))
		return nil, &dg
	}
	return v, nil
}

// Suggest returns the known word closest to w when it is close enough to
// be a slip (at most a third of its letters wrong), else "".
func Suggest(w string, known []string) string {
	best, bestD := "", len(w)/3+1
	if bestD < 2 {
		bestD = 2
	}
	for _, k := range known {
		if dist := distance(strings.ToLower(w), strings.ToLower(k)); dist < bestD || (dist == bestD && best == "" && dist <= 2) {
			best, bestD = k, dist
		}
	}
	return best
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func sorted(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}
