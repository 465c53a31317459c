package recheckgen

import (
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
	Provider string    `json:"provider"` // node_provider
	LogURL   string    `json:"log_url"`  // log_url
	Start    time.Time `json:"start,omitzero"`
	End      time.Time `json:"end,omitzero"`
}

// Failed says whether the result counts as a failure: everything but
// SUCCESS and SKIPPED (and an unfinished build with no result).
func (b Build) Failed() bool {
	switch b.Result {
	case "SUCCESS", "SKIPPED", "":
		return false
	}
	return true
}

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
