package recheckgen

import (
	"fmt"
	"regexp"
	"sort"
	"time"
)

// Build is one CI job run, with elastic-recheck's field names in comments.
type Build struct {
	UUID     string    `json:"uuid"`     // build_uuid
	Job      string    `json:"job"`      // build_name
	Project  string    `json:"project"`  // project
	Pipeline string    `json:"pipeline"` // build_queue
	Branch   string    `json:"branch"`   // build_branch
	Change   string    `json:"change"`   // build_change
	Patchset string    `json:"patchset"` // build_patchset
	Ref      string    `json:"ref"`      // build_ref
	Result   string    `json:"result"`   // build_status: SUCCESS, FAILURE, ...
	Voting   bool      `json:"voting"`   // voting
	Provider string    `json:"provider"` // node_provider: the cloud the node came from (ovh-bhs1)
	Region   string    `json:"region"`   // node_region: that cloud's region (BHS1)
	Node     string    `json:"node"`     // build_node: the node label or nodeset (ubuntu-noble)
	LogURL   string    `json:"log_url"`  // log_url
	Start    time.Time `json:"start,omitzero"`
	End      time.Time `json:"end,omitzero"`
	// Logs says whether the backend holds the build's logs: "" when it
	// does, LogsMissing or LogsNone when a fetch stored the build without
	// them.
	Logs string `json:"logs,omitempty"`
	// LogsTries is how many fetches found the logs missing, and
	// LogsReason why the last one did (a server's message, redacted):
	// what a later fetch reads to try again, at most fetch.log_attempts
	// times. Not published.
	LogsTries  int    `json:"-"`
	LogsReason string `json:"-"`
}

// The values of Build.Logs besides "" (the logs are held).
const (
	// LogsMissing: the logs were wanted but the log server failed (or
	// listed files it did not serve): what a query finds in the build may
	// be incomplete, and its failure is not counted as unexplained.
	LogsMissing = "missing"
	// LogsNone: the build published no logs (no log URL), or its logs
	// were not wanted (a passing build outside the share sampled).
	LogsNone = "none"
)

// What counts as a failed build, in one place: every result but these
// (and an unfinished build with no result) is a failure.
const (
	ResultSuccess = "SUCCESS"
	ResultSkipped = "SKIPPED"
)

// NotFailedResults are the results that are not failures, for backends
// that must say so in a query.
var NotFailedResults = []string{ResultSuccess, ResultSkipped}

// KnownResults are the results Zuul (zuul/model.py, zuul/executor) and
// Jenkins give a finished build, for telling a typo in a setting that
// names results from a result no build has had.
var KnownResults = []string{ResultSuccess, ResultSkipped, "FAILURE", "ERROR", "TIMED_OUT", "POST_FAILURE",
	"RETRY_LIMIT", "NODE_FAILURE", "MERGE_CONFLICT", "MERGE_FAILURE", "MERGER_FAILURE", "CONFIG_ERROR",
	"DISK_FULL", "ABORTED", "CANCELED", "LOST", "RETRY", "FINALIZE_FAILURE", "EXCEPTION", "NO_JOBS",
	"UNSTABLE", "NOT_BUILT"}

// Failed says whether the result counts as a failure.
func (b Build) Failed() bool {
	return b.Result != "" && b.Result != ResultSuccess && b.Result != ResultSkipped
}

// Passed says whether the build succeeded: a passing build, which
// baselines and a query's share of passing matches count.
func (b Build) Passed() bool { return b.Result == ResultSuccess }

// Hit is one log line that matched a query.
type Hit struct {
	Build   Build     `json:"build"`
	File    string    `json:"file"` // filename / tags
	Line    int       `json:"line"` // 1-based line number in File, 0 if unknown
	Time    time.Time `json:"time"`
	Message string    `json:"message"`
}

// SortNewestFirst orders builds by start, newest first, then by uuid, so
// every backend lists them alike.
func SortNewestFirst(bs []Build) {
	sort.Slice(bs, func(i, j int) bool {
		if !bs[i].Start.Equal(bs[j].Start) {
			return bs[i].Start.After(bs[j].Start)
		}
		return bs[i].UUID < bs[j].UUID
	})
}

// MaxLogsTries bounds Build.LogsTries (fetch.log_attempts is at most
// this).
const MaxLogsTries = 100

// MaxField is the longest text a build record's field may hold: real
// values are short, and a record is untrusted input that pages repeat.
const MaxField = 4096

// validUUID is what a build's id may look like: it names the build in URLs
// and file names, so no separators, spaces or control characters.
var validUUID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// Check says why b cannot be stored, seen at now: an id that is not a
// plain token of at most 128 characters, a field over MaxField bytes, or a
// start or end time outside the plausible range (see CheckTime).
func (b Build) Check(now time.Time) error {
	if !validUUID.MatchString(b.UUID) {
		return fmt.Errorf("uuid %s is not 1 to 128 letters, digits, '.', '_', ':' or '-'", shorten(b.UUID))
	}
	for _, f := range []struct{ name, v string }{
		{"job_name", b.Job}, {"project", b.Project}, {"pipeline", b.Pipeline}, {"branch", b.Branch},
		{"change", b.Change}, {"patchset", b.Patchset}, {"ref", b.Ref}, {"result", b.Result},
		{"nodeset", b.Node}, {"node_provider", b.Provider}, {"node_region", b.Region}, {"log_url", b.LogURL},
		{"recheckgen_logs_reason", b.LogsReason},
	} {
		if len(f.v) > MaxField {
			return fmt.Errorf("%s is %d bytes long, over the limit of %d", f.name, len(f.v), MaxField)
		}
	}
	if b.Logs != "" && b.Logs != LogsMissing && b.Logs != LogsNone {
		return fmt.Errorf("logs state %s is not %q or %q", shorten(b.Logs), LogsMissing, LogsNone)
	}
	if b.LogsTries < 0 || b.LogsTries > MaxLogsTries {
		return fmt.Errorf("logs tries %d is not between 0 and %d", b.LogsTries, MaxLogsTries)
	}
	if err := CheckTime(b.Start, now); err != nil {
		return fmt.Errorf("start_time: %w", err)
	}
	if err := CheckTime(b.End, now); err != nil {
		return fmt.Errorf("end_time: %w", err)
	}
	return nil
}

// shorten quotes s, cut to a readable length.
func shorten(s string) string {
	const n = 40
	if len(s) > n {
		return fmt.Sprintf("%q... (%d bytes)", s[:n], len(s))
	}
	return fmt.Sprintf("%q", s)
}
