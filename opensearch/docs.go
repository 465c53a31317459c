package opensearch

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
)

// hit is one document of a response.
type hit struct {
	Source map[string]json.RawMessage `json:"_source"`
}

// doc reads a document's fields in either shape: today's flat _source, or
// old logstash indices' "@fields" object whose values are often lists.
type doc struct {
	top, nested map[string]json.RawMessage
}

func newDoc(src map[string]json.RawMessage) doc {
	d := doc{top: src}
	if raw, ok := src["@fields"]; ok {
		_ = json.Unmarshal(raw, &d.nested)
	}
	return d
}

// get returns a field as text: a string, number or boolean, or the first
// item of a list.
func (d doc) get(name string) string {
	if v, ok := d.top[name]; ok {
		if s := scalar(v); s != "" {
			return s
		}
	}
	if v, ok := d.nested[name]; ok {
		return scalar(v)
	}
	return ""
}

func scalar(raw json.RawMessage) string {
	raw = json.RawMessage(strings.TrimSpace(string(raw)))
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			return scalar(list[0])
		}
		return ""
	}
	return string(raw) // a number or a boolean, as written
}

func (c *Client) build(src map[string]json.RawMessage) recheckgen.Build {
	d, f := newDoc(src), c.cfg.Fields
	voting := d.get(f.Voting)
	// A server's documents are its words too: a credential it echoes
	// into one is never published.
	get := func(name string) string { return c.redact(d.get(name)) }
	return recheckgen.Build{
		UUID: get(f.BuildUUID), Job: get(f.BuildName), Result: get(f.BuildStatus),
		Voting: voting == "" || voting == "1" || voting == "true" || voting == f.VotingValue,
		LogURL: get(f.LogURL), Project: get(f.Project), Pipeline: get(f.Pipeline), Branch: get(f.Branch),
		Provider: get(f.Provider), Region: get(f.Region), Node: get(f.Node), Change: get("build_change"), Patchset: get("build_patchset"), Ref: get("build_ref"),
	}
}

func (c *Client) hit(src map[string]json.RawMessage) recheckgen.Hit {
	d, f := newDoc(src), c.cfg.Fields
	h := recheckgen.Hit{Build: c.build(src), File: c.redact(d.get(f.Filename)), Message: c.redact(d.get(f.Message))}
	if h.Message == "" {
		h.Message = c.redact(d.get("@message"))
	}
	if h.File == "" {
		h.File = c.redact(firstOf(d.get("tags"), d.get("@tags")))
	}
	if t, err := time.Parse(time.RFC3339Nano, d.get(f.Timestamp)); err == nil {
		h.Time = t.UTC()
	} else if ms, err := strconv.ParseInt(d.get(f.Timestamp), 10, 64); err == nil {
		h.Time = time.UnixMilli(ms).UTC()
	}
	// An old log_url names the file itself; the site adds the file to it.
	if h.File != "" && strings.HasSuffix(h.Build.LogURL, "/"+h.File) {
		h.Build.LogURL = strings.TrimSuffix(h.Build.LogURL, h.File)
	}
	return h
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
