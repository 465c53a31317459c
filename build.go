package recheckgen

import "time"

// Build is one CI job run, with elastic-recheck's field names in comments.
type Build struct {
	UUID     string // build_uuid
	Job      string // build_name
	Project  string // project
	Pipeline string // build_queue
	Branch   string // build_branch
	Change   string // build_change
	Patchset string // build_patchset
	Ref      string // build_ref
	Result   string // build_status: SUCCESS, FAILURE, ...
	Voting   bool   // voting
	Provider string // node_provider
	LogURL   string // log_url
	Start    time.Time
	End      time.Time
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
	Build   Build
	File    string // filename / tags
	Line    int    // 1-based line number in File, 0 if unknown
	Time    time.Time
	Message string
}
