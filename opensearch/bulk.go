package opensearch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/httpclient"
	"github.com/recheckgen/recheckgen/store"
)

// WriteOptions tune a Writer.
type WriteOptions struct {
	// Prefix names the daily indices: Prefix + 2006.01.02 of each line's
	// time ("logstash-logs-" by default). The read pattern
	// (backend.opensearch.index) must match them.
	Prefix string
	// BatchBytes bounds one _bulk request's body (5 MiB when 0).
	BatchBytes int
	// NoTemplate leaves the index template alone (the cluster's dynamic
	// mapping, or a template of the team's own, then maps the fields).
	NoTemplate bool
	// Progress, when set, is called after each build.
	Progress func(done, total int)
}

// WriteSummary is what a write did.
type WriteSummary struct {
	Builds   int // builds written
	Current  int // builds the cluster already held whole, skipped
	Docs     int64
	Bytes    int64
	Requests int
	Retried  int // documents sent again after a 429
	Failed   int // documents refused
	Errors   []string
	Elapsed  time.Duration
}

// TemplateName is the index template recheckgen installs.
const TemplateName = "recheckgen-logs"

// messageAnalyzer is the message's analyzer in recheckgen's template:
// Elasticsearch's standard analyzer, as OpenStack's indices analyzed it and
// as the embedded store reads it (package analysis), so a cluster filled by
// recheckgen matches what the store matches.
const messageAnalyzer = "standard"

// Template is the index template for prefix: elastic-recheck's field
// names, the build's fields and tags as keywords (exact values, as the
// store matches them), message as text through the standard analyzer,
// change, patchset and voting as numbers.
func Template(prefix string) obj {
	props := obj{}
	for _, f := range recheckgen.LogFields {
		switch f.Kind {
		case recheckgen.Text:
			props[f.Name] = obj{"type": "text", "analyzer": messageAnalyzer}
		case recheckgen.Time:
			props[f.Name] = obj{"type": "date"}
		case recheckgen.Number:
			props[f.Name] = obj{"type": "long"}
		default:
			props[f.Name] = obj{"type": "keyword"}
		}
	}
	return obj{"index_patterns": []string{prefix + "*"}, "priority": 100,
		"template": obj{"mappings": obj{"properties": props}},
		"_meta":    obj{"created_by": "recheckgen"}}
}

// docID is a line's id: the same line always gets the same one, so a
// repeated or resumed write replaces instead of adding.
func docID(uuid, file string, line int) string {
	h := sha256.Sum256([]byte(file))
	return uuid + "-" + hex.EncodeToString(h[:6]) + "-" + strconv.Itoa(line)
}

// document is one line as the index holds it.
func document(b recheckgen.Build, e store.Event) obj {
	d := obj{"message": e.Message, "@timestamp": e.Time.UTC().Format("2006-01-02T15:04:05.000Z"), "filename": e.File,
		"build_uuid": b.UUID, "build_name": b.Job, "build_status": b.Result, "build_queue": b.Pipeline,
		"project": b.Project, "log_url": b.LogURL}
	if len(e.Tags) > 0 {
		d["tags"] = e.Tags
	}
	if len(b.UUID) >= 7 {
		d["build_short_uuid"] = b.UUID[:7]
	}
	d["voting"] = 0
	if b.Voting {
		d["voting"] = 1
	}
	for k, v := range map[string]string{"build_branch": b.Branch, "build_ref": b.Ref, "node_provider": b.Provider,
		"node_region": b.Region, "build_node": b.Node,
		"loglevel": e.Level, "module": e.Module, "syslog_program": e.Program} {
		if v != "" {
			d[k] = v
		}
	}
	for k, v := range map[string]string{"build_change": b.Change, "build_patchset": b.Patchset} {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			d[k] = n
		}
	}
	return d
}

// Write fills the cluster from a store: every line of every stored build
// the cluster does not already hold whole, with _bulk into daily indices,
// in requests of at most BatchBytes; items refused with 429 are sent again
// after a backoff. Ids come from build, file and line, so an interrupted
// write run again completes the same document set.
func (c *Client) Write(ctx context.Context, st *store.Store, o WriteOptions) (sum WriteSummary, err error) {
	start := time.Now()
	if o.Prefix == "" {
		o.Prefix = "logstash-logs-"
	}
	if err := checkPrefix(o.Prefix); err != nil {
		return sum, err
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 5 << 20
	}
	// Named results: the deferred assignment reaches what is returned.
	defer func() { sum.Elapsed = time.Since(start) }()
	if !o.NoTemplate {
		body, _ := json.Marshal(Template(o.Prefix))
		var ignore []byte
		if err := c.do(ctx, request{root: true, method: "PUT", path: "/_index_template/" + TemplateName, contentType: "application/json",
			body: body, limit: capBase, read: readAll(&ignore)}); err != nil {
			return sum, fmt.Errorf("install index template %s: %w", TemplateName, err)
		}
		sum.Requests++
	}
	builds, err := st.ExportBuilds(ctx)
	if err != nil {
		return sum, err
	}
	held, err := c.heldCounts(ctx, o.Prefix, builds, &sum)
	if err != nil {
		return sum, err
	}
	var batch bytes.Buffer
	var items int
	flush := func() error {
		if items == 0 {
			return nil
		}
		err := c.bulk(ctx, batch.Bytes(), items, &sum)
		batch.Reset()
		items = 0
		return err
	}
	for i, b := range builds {
		if held[b.UUID] == b.Events {
			sum.Current++
			continue
		}
		err := st.Events(ctx, b.UUID, func(e store.Event) error {
			action, _ := json.Marshal(obj{"index": obj{"_index": o.Prefix + e.Time.UTC().Format("2006.01.02"), "_id": docID(b.UUID, e.File, e.Line)}})
			doc, _ := json.Marshal(document(b.Build, e))
			if batch.Len() > 0 && batch.Len()+len(action)+len(doc)+2 > o.BatchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
			batch.Write(action)
			batch.WriteByte('\n')
			batch.Write(doc)
			batch.WriteByte('\n')
			items++
			return nil
		})
		if err != nil {
			return sum, err
		}
		sum.Builds++
		if o.Progress != nil {
			o.Progress(i+1, len(builds))
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	if sum.Builds == 0 {
		return sum, nil
	}
	// Make what was written searchable now, not at the next refresh.
	var ignore []byte
	sum.Requests++
	if err := c.do(ctx, request{root: true, path: "/" + o.Prefix + "*/_refresh", limit: capBase, read: readAll(&ignore)}); err != nil {
		return sum, fmt.Errorf("refresh %s*: %w", o.Prefix, err)
	}
	return sum, nil
}

// checkPrefix refuses, before anything is sent, a prefix that makes index
// names a cluster refuses to create (lowercase, none of \ / * ? " < > |
// , # : or a space, not starting with _ - or +, at most 255 bytes): each
// document would be refused, and a '?' or '#' would end the URL's path.
func checkPrefix(p string) error {
	why := ""
	switch {
	case strings.ContainsAny(p, `\/*?"<>| ,#:`):
		why = `holds one of \ / * ? " < > | , # : or a space`
	case strings.HasPrefix(p, "_") || strings.HasPrefix(p, "-") || strings.HasPrefix(p, "+"):
		why = "starts with _, - or +"
	case strings.ToLower(p) != p:
		why = "is not lowercase"
	case len(p)+len("2006.01.02") > 255:
		why = "makes index names over 255 bytes"
	default:
		return nil
	}
	return fmt.Errorf("backend.opensearch.write_prefix %q %s: no index may be named so", p, why)
}

// writtenUUID is the name to count a build's documents on in the write
// prefix's indices: build_uuid where recheckgen's template made it a
// keyword, its keyword sub-field where the dynamic mapping (indices written
// before the template, or without it) made it text.
func (c *Client) writtenUUID(ctx context.Context, prefix string, sum *WriteSummary) (string, error) {
	var data []byte
	sum.Requests++
	if err := c.do(ctx, request{method: "GET", root: true, path: "/" + prefix + "*/_field_caps?fields=build_uuid,build_uuid.*",
		limit: capBase, read: readAll(&data)}); err != nil {
		return "", fmt.Errorf("documents already written: mapping of %s*: %w", prefix, err)
	}
	var resp struct {
		Fields map[string]map[string]capability `json:"fields"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return "", fmt.Errorf("documents already written: mapping of %s*: invalid response JSON: %v", prefix, err)
	}
	if resp.Fields["build_uuid"] == nil {
		return "build_uuid", nil // nothing written yet
	}
	f, _ := recheckgen.FieldByName("build_uuid")
	n, err := choose(f, "build_uuid", resp.Fields)
	if err != nil {
		return "", fmt.Errorf("documents already written: indices %s*: %w", prefix, err)
	}
	return n.Agg, nil
}

// heldCounts asks how many documents the cluster holds of each build.
func (c *Client) heldCounts(ctx context.Context, prefix string, builds []store.ExportedBuild, sum *WriteSummary) (map[string]int, error) {
	held := map[string]int{}
	uuid, err := c.writtenUUID(ctx, prefix, sum)
	if err != nil {
		return nil, err
	}
	const per = 500
	for start := 0; start < len(builds); start += per {
		var uuids []string
		for _, b := range builds[start:min(start+per, len(builds))] {
			uuids = append(uuids, b.UUID)
		}
		body, _ := json.Marshal(obj{"size": 0, "query": obj{"terms": obj{uuid: uuids}},
			"aggregations": obj{"builds": obj{"terms": obj{"field": uuid, "size": per}}}})
		var data []byte
		err := c.do(ctx, request{root: true, path: "/" + prefix + "*/_search", contentType: "application/json", body: body,
			limit: capBase + per*capPerBuild, read: readAll(&data)})
		sum.Requests++
		if err != nil {
			return nil, fmt.Errorf("documents already written: %w", err)
		}
		var resp struct {
			Aggs struct {
				Builds struct {
					Buckets []struct {
						Key      string  `json:"key"`
						DocCount float64 `json:"doc_count"`
					} `json:"buckets"`
				} `json:"builds"`
			} `json:"aggregations"`
		}
		if err := json.Unmarshal(data, &resp); err != nil {
			return nil, fmt.Errorf("documents already written: invalid response JSON: %v", err)
		}
		for _, b := range resp.Aggs.Builds.Buckets {
			n, err := count(b.DocCount, "documents of build "+b.Key)
			if err != nil {
				return nil, err
			}
			held[b.Key] = n
		}
	}
	return held, nil
}

// bulk sends one _bulk body, and again the items refused for load.
func (c *Client) bulk(ctx context.Context, body []byte, items int, sum *WriteSummary) error {
	for attempt := 1; ; attempt++ {
		var data []byte
		err := c.do(ctx, request{root: true, path: "/_bulk", contentType: "application/x-ndjson", body: body,
			limit: capBase + int64(items)*4096, read: readAll(&data)})
		sum.Requests++
		sum.Bytes += int64(len(body))
		if err != nil {
			return fmt.Errorf("bulk write: %w", err)
		}
		var resp struct {
			Errors bool `json:"errors"`
			Items  []map[string]struct {
				Status int             `json:"status"`
				Error  json.RawMessage `json:"error"`
			} `json:"items"`
		}
		if err := json.Unmarshal(data, &resp); err != nil {
			return fmt.Errorf("bulk write: invalid response JSON: %v", err)
		}
		if len(resp.Items) != items {
			return fmt.Errorf("bulk write: %d results for %d documents", len(resp.Items), items)
		}
		lines := bytes.SplitAfter(body, []byte("\n"))
		var again bytes.Buffer
		busy := 0
		for i, it := range resp.Items {
			for _, r := range it {
				switch {
				case r.Status >= 200 && r.Status < 300:
					sum.Docs++
				case r.Status == 429 && attempt <= c.cfg.Retries:
					again.Write(lines[2*i])
					again.Write(lines[2*i+1])
					busy++
				default:
					sum.Failed++
					if len(sum.Errors) < 10 {
						sum.Errors = append(sum.Errors, fmt.Sprintf("%d: %s", r.Status, c.redact(reason(r.Error))))
					}
				}
			}
		}
		if busy == 0 {
			return nil
		}
		sum.Retried += busy
		if err := httpclient.Sleep(ctx, httpclient.Delay(attempt, c.cfg.Backoff, time.Minute, nil)); err != nil {
			return err
		}
		body, items = again.Bytes(), busy
	}
}
