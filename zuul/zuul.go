// Package zuul decodes Zuul build records — a build directory's build.json,
// or an item of the builds API — in both shapes in use: flat (Zuul 9 and
// older) and with the change fields nested under "ref" (Zuul 10 and newer).
package zuul

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
)

// record holds both shapes: the nested "ref" object decodes into Ref when
// present; in the flat shape "ref" is a string.
type record struct {
	UUID         string          `json:"uuid"`
	JobName      string          `json:"job_name"`
	Result       *string         `json:"result"`
	Voting       *bool           `json:"voting"`
	Pipeline     string          `json:"pipeline"`
	LogURL       *string         `json:"log_url"`
	StartTime    *string         `json:"start_time"`
	EndTime      *string         `json:"end_time"`
	NodeName     string          `json:"node_name"`
	Nodeset      string          `json:"nodeset"`
	NodeProvider string          `json:"node_provider"`          // not Zuul's: recheckgen's own extension
	Logs         string          `json:"recheckgen_logs"`        // not Zuul's: set by recheckgen fetch (LogsKey)
	LogsTries    int             `json:"recheckgen_logs_tries"`  // LogsTriesKey
	LogsReason   string          `json:"recheckgen_logs_reason"` // LogsReasonKey
	Project      string          `json:"project"`
	Branch       string          `json:"branch"`
	Change       json.RawMessage `json:"change"`
	Patchset     json.RawMessage `json:"patchset"`
	Ref          json.RawMessage `json:"ref"`
}

type nestedRef struct {
	Project  string          `json:"project"`
	Branch   string          `json:"branch"`
	Change   json.RawMessage `json:"change"`
	Patchset json.RawMessage `json:"patchset"`
	Ref      string          `json:"ref"`
}

// LogsKey is the key recheckgen fetch adds to a build record it stores
// without the build's logs (or with only some of them): its value is
// recheckgen.LogsMissing or recheckgen.LogsNone. Zuul never writes it.
const LogsKey = "recheckgen_logs"

// LogsTriesKey and LogsReasonKey go with LogsKey's "missing": how many
// fetches found the logs missing, and why the last one did
// (recheckgen.Build.LogsTries, LogsReason).
const (
	LogsTriesKey  = "recheckgen_logs_tries"
	LogsReasonKey = "recheckgen_logs_reason"
)

// ErrNoUUID marks a record without a uuid: the builds API returns some,
// and they cannot be told apart, so callers skip them.
var ErrNoUUID = errors.New("build record has no uuid")

// Decode reads one build record: one JSON object (a UTF-8 byte order mark
// before it is allowed, anything after it is not).
func Decode(data []byte) (recheckgen.Build, error) {
	var r record
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	if err := dec.Decode(&r); err != nil {
		return recheckgen.Build{}, fmt.Errorf("invalid build record: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return recheckgen.Build{}, errors.New("invalid build record: data after the record")
	}
	if strings.TrimSpace(r.UUID) == "" {
		return recheckgen.Build{}, ErrNoUUID
	}
	b := recheckgen.Build{
		UUID: r.UUID, Job: r.JobName, Pipeline: r.Pipeline, Voting: true,
		Project: r.Project, Branch: r.Branch, Provider: r.NodeProvider, Logs: r.Logs,
		LogsTries: r.LogsTries, LogsReason: r.LogsReason,
	}
	if r.Result != nil {
		b.Result = *r.Result
	}
	if r.Voting != nil {
		b.Voting = *r.Voting
	}
	if r.LogURL != nil {
		b.LogURL = *r.LogURL
	}
	// The nodeset (node_name before Zuul 4) names the node label, never
	// the provider: the provider is read from the build's inventory (see
	// ApplyNodes).
	b.Node = firstNonEmpty(r.Nodeset, r.NodeName)
	change, patchset := r.Change, r.Patchset
	if len(r.Ref) > 0 && r.Ref[0] == '{' {
		var n nestedRef
		if err := json.Unmarshal(r.Ref, &n); err != nil {
			return b, fmt.Errorf("invalid build record: ref: %w", err)
		}
		b.Project, b.Branch, b.Ref = firstNonEmpty(n.Project, b.Project), firstNonEmpty(n.Branch, b.Branch), n.Ref
		change, patchset = n.Change, n.Patchset
	} else if len(r.Ref) > 0 {
		_ = json.Unmarshal(r.Ref, &b.Ref)
	}
	b.Change, b.Patchset = scalar(change), scalar(patchset)
	var err error
	if b.Start, err = parseTime(r.StartTime); err != nil {
		return b, fmt.Errorf("invalid build record: start_time: %w", err)
	}
	if b.End, err = parseTime(r.EndTime); err != nil {
		return b, fmt.Errorf("invalid build record: end_time: %w", err)
	}
	if b.Start.IsZero() && b.Result != "" {
		// A build that ended without starting (NODE_FAILURE: no node
		// came) is dated by its end, so that windows count it.
		b.Start = b.End
	}
	return b, nil
}

// scalar turns a JSON number, string or null into text: Zuul sends the
// change as a number and the patchset as a string.
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// parseTime reads Zuul's zone-less UTC timestamps, and RFC 3339.
func parseTime(s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, *s); err == nil {
			return t.UTC(), nil
		}
	}
	if f, err := strconv.ParseFloat(*s, 64); err == nil {
		return time.Unix(int64(f), 0).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", *s)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
