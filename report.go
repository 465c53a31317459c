package recheckgen

import "time"

// Report is the result of one run: every known bug's numbers over the
// window, the failures no query explains, and the queries that found
// nothing. It is what the site renders and what data/report.json holds.
type Report struct {
	Generated time.Time `json:"generated"`
	Window    struct {
		Start  time.Time `json:"start"`
		End    time.Time `json:"end"`
		Bucket string    `json:"bucket"`
	} `json:"window"`
	Bugs          []BugReport   `json:"bugs"`
	Uncategorized Uncategorized `json:"uncategorized"`
	// Stale are the ids of queries with no hit in the window, historical
	// ones aside: those are not expected to find today's builds.
	Stale []string `json:"stale"`
	// QuietSections are the runbook sections every current known bug of
	// which has gone without a hit for QuietDays: their failure may be
	// gone, or the log line changed under the queries.
	QuietSections []QuietSection `json:"quiet_sections"`
	QuietDays     int            `json:"quiet_days,omitempty"`
	// Failed are the ids of queries the backend could not run.
	Failed []string `json:"failed"`
}

// BugReport is one known bug over the window.
type BugReport struct {
	ID             string   `json:"id"`
	Title          string   `json:"title"`
	Tracker        Tracker  `json:"tracker,omitempty"`
	BugID          string   `json:"bug_id"`
	Status         string   `json:"status,omitempty"` // the tracker's, when it was asked
	URL            string   `json:"url,omitempty"`
	Query          string   `json:"query"`
	Tags           []string `json:"tags,omitempty"`
	Runbook        string   `json:"runbook,omitempty"`
	SuppressGraph  bool     `json:"suppress_graph"`
	AllowNonvoting bool     `json:"allow_nonvoting"`
	// Applies is the query's era; Historical says it ended before the
	// window did, so the query is not expected to find today's builds.
	Applies    Era  `json:"applies,omitzero"`
	Historical bool `json:"historical,omitempty"`

	// Fails and Fails24 count distinct failed builds with a matching line
	// in the window and in its last 24 hours.
	Fails   int `json:"fails"`
	Fails24 int `json:"fails24"`
	// Builds counts every distinct matching build, whatever its result.
	Builds int `json:"builds"`
	// Spike says the last 24 hours ran well above the window's daily rate.
	Spike bool `json:"spike"`
	// Buckets: per build status, distinct builds per bucket of the window.
	Buckets  map[string][]int `json:"buckets,omitempty"`
	Jobs     []Share          `json:"jobs"`
	Projects []Share          `json:"projects"`
	First    time.Time        `json:"first_seen,omitzero"`
	Last     time.Time        `json:"last_seen,omitzero"`
	Recent   []Hit            `json:"recent"`
	// History is failed builds per day, oldest first: the window's days,
	// and before them the days carried forward from earlier reports, so
	// the trend reaches back further than the backend keeps logs.
	History []DayCount `json:"history"`
	// Error is why the backend could not run the query ("" when it ran).
	Error string `json:"error,omitempty"`
}

// QuietSection is a runbook section (page.md#anchor) whose known bugs
// have had no hit since Last (zero: none in the report's reach).
type QuietSection struct {
	Runbook string    `json:"runbook"`
	Bugs    []string  `json:"bugs"`
	Last    time.Time `json:"last,omitzero"`
}

// DayCount is one UTC day's count.
type DayCount struct {
	Day   string `json:"day"` // 2026-11-20
	Fails int    `json:"fails"`
}

// Uncategorized are the failed builds of the window no query matches.
type Uncategorized struct {
	// Rate is the share of failed builds some query explains, 0..1.
	Rate       float64            `json:"rate"`
	Failed     int                `json:"failed"`
	Classified int                `json:"classified"`
	Jobs       []UncategorizedJob `json:"jobs"`
}

// UncategorizedJob is one job's failures.
type UncategorizedJob struct {
	Job        string  `json:"job"`
	Failed     int     `json:"failed"`
	Classified int     `json:"classified"`
	Rate       float64 `json:"rate"`
	Builds     []Build `json:"builds"` // the unexplained ones, newest first
}
