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
	Sort   []json.RawMessage          `json:"sort"`
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
	d := newDoc(src)
	// A server's documents are its words too: a credential it echoes
	// into one is never published.
	get := func(logical string) string { return c.redact(d.get(c.field(logical).Source)) }
	voting := get("voting")
	// An old log_url names the document's file itself (logs.openstack.org,
	// .../88042f4/console.html): the build's logs are its directory, as the
	// store and the site read a build's log_url (the site adds the file).
	logURL := get("log_url")
	if file := get("filename"); file != "" && strings.HasSuffix(logURL, "/"+file) {
		logURL = strings.TrimSuffix(logURL, file)
	}
	return recheckgen.Build{
		UUID: get("build_uuid"), Job: get("build_name"), Result: get("build_status"),
		Voting: voting == "" || voting == "1" || voting == "true" || voting == c.cfg.Fields.VotingValue,
		LogURL: logURL, Project: get("project"), Pipeline: get("build_queue"), Branch: get("build_branch"),
		Provider: get("node_provider"), Region: get("node_region"), Node: get("build_node"), Change: get("build_change"), Patchset: get("build_patchset"), Ref: get("build_ref"),
	}
}

func (c *Client) hit(h hit) recheckgen.Hit {
	d := newDoc(h.Source)
	get := func(logical string) string { return c.redact(d.get(c.field(logical).Source)) }
	out := recheckgen.Hit{Build: c.build(h.Source), File: get("filename"), Message: get("message")}
	if out.Message == "" {
		out.Message = c.redact(d.get("@message"))
	}
	if out.File == "" {
		out.File = c.redact(firstOf(d.get(c.field("tags").Source), d.get("@tags")))
	}
	out.Time = hitTime(h, d.get(c.field("@timestamp").Source))
	// An old log_url names the file itself; the site adds the file to it.
	if out.File != "" && strings.HasSuffix(out.Build.LogURL, "/"+out.File) {
		out.Build.LogURL = strings.TrimSuffix(out.Build.LogURL, out.File)
	}
	return out
}

// hitTime is a line's time: the sort value the server computed (epoch
// milliseconds, as the index parsed the time), else the _source string.
// OpenStack's pipeline wrote times without a zone
// (2022-02-28T09:39:09.596000), which the index reads as UTC.
func hitTime(h hit, source string) time.Time {
	if len(h.Sort) > 0 {
		var ms float64
		if json.Unmarshal(h.Sort[0], &ms) == nil && ms > -maxMillis && ms < maxMillis {
			return time.UnixMilli(int64(ms)).UTC()
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, source); err == nil {
			return t.UTC()
		}
	}
	if ms, err := strconv.ParseInt(source, 10, 64); err == nil && ms > -maxMillis && ms < maxMillis {
		return time.UnixMilli(ms).UTC()
	}
	return time.Time{}
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
