package recheckgen

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
)

// Report is the result of one run: every known bug's numbers over the
// window, the failures no query explains, the jobs, projects and tempest
// tests behind them, and how fresh the data is. It is what the site
// renders; data/report.json holds it, with each bug's details in a file of
// its own (data/bugs/<id>.json) so that no file grows with the number of
// bugs times builds.
type Report struct {
	Generated time.Time    `json:"generated"`
	Window    ReportWindow `json:"window"`
	Freshness Freshness    `json:"freshness"`
	// Days are the UTC days the window touches, oldest first: the labels
	// of every daily series (BugReport.Daily, Group.Daily, ...).
	Days []string `json:"days"`
	// Pipelines are the pipelines the report has a view of (gate, check):
	// each bug's Views hold its numbers in them.
	Pipelines     []string      `json:"pipelines"`
	Bugs          []BugReport   `json:"bugs"`
	Uncategorized Uncategorized `json:"uncategorized"`
	// Totals are the window's builds overall: the denominators.
	Totals Totals `json:"totals"`
	// Stale are the ids of queries with no hit in the window, historical
	// ones aside: those are not expected to find today's builds.
	Stale []string `json:"stale"`
	// QuietSections are the runbook sections every current known bug of
	// which has gone without a hit for QuietDays: their failure may be
	// gone, or the log line changed under the queries.
	QuietSections []QuietSection `json:"quiet_sections"`
	QuietDays     int            `json:"quiet_days,omitempty"`
	// Failed are the ids of queries the backend could not run, or whose
	// files did not load.
	Failed []string `json:"failed"`
	// Overlap says which queries match the same builds.
	Overlap Overlap `json:"overlap"`
	// StaleQueries are the queries with no hit for a while, the longest
	// first; TooBroad, those whose matched builds passed too often.
	StaleQueries []StaleQuery `json:"stale_queries"`
	TooBroad     []BroadQuery `json:"too_broad"`
	// Broken are the same queries with why: the stage (load or run) and
	// the error. The site names them, and their numbers are unknown.
	Broken []BrokenQuery `json:"broken"`
	// Jobs and Projects are the failed builds of the window by job and
	// by project, with the known bugs behind them.
	Jobs     []Group `json:"jobs"`
	Projects []Group `json:"projects"`
	// Tests are the tempest tests that failed at least once in the
	// window; TestsKnown is false when the backend cannot read test
	// results, TestsPassing counts the tests that passed every run.
	Tests        []TestReport `json:"tests"`
	TestsKnown   bool         `json:"tests_known"`
	TestsPassing int          `json:"tests_passing"`
	// TestRuns sums the summaries test runs printed at their end, a check
	// on the per-test results read.
	TestRuns TestRunTotals `json:"test_runs"`
	// Triage explains the window's failed builds and groups those no
	// known bug explains; nil when it did not run (report.triage_builds
	// 0, or a backend that cannot hand over whole builds).
	Triage *Triage `json:"triage,omitempty"`
}

// TestRunTotals sums the test runs' own summaries.
type TestRunTotals struct {
	Runs   int `json:"runs"`   // runs that printed a summary
	Ran    int `json:"ran"`    // tests they say they ran
	Failed int `json:"failed"` // and failed
	// Read is how many test failures the per-test lines of the same
	// window hold.
	Read int `json:"read"`
}

// ReportWindow is the span a report covers.
type ReportWindow struct {
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Bucket string    `json:"bucket"`
}

// Freshness says how current the numbers are.
type Freshness struct {
	// Newest is the newest log data the backend holds; zero when it could
	// not say (NewestError says why).
	Newest      time.Time `json:"newest,omitzero"`
	NewestError string    `json:"newest_error,omitempty"`
	// BehindSeconds is how far Newest lies behind Generated.
	BehindSeconds int64 `json:"behind_seconds"`
	// MaxLagSeconds is the lag the site tolerates (0: no limit); Late
	// says the backend is behind by more.
	MaxLagSeconds int64 `json:"max_lag_seconds"`
	Late          bool  `json:"late"`
	// Last24Start and Last24End are the 24 hours Fails24 counts: the
	// window's last day. EndsNow says the window ends when the report was
	// made, so "the last 24 hours" needs no dates.
	Last24Start time.Time `json:"last24_start"`
	Last24End   time.Time `json:"last24_end"`
	EndsNow     bool      `json:"ends_now"`
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
	TestIDs        []string `json:"test_ids,omitempty"`
	// Applies is the query's era; Historical says it ended before the
	// window did, so the query is not expected to find today's builds.
	Applies    Era  `json:"applies,omitzero"`
	Historical bool `json:"historical,omitempty"`

	// Fails and Fails24 count distinct failed builds with a matching line
	// in the window and in its last 24 hours.
	Fails   int `json:"fails"`
	Fails24 int `json:"fails24"`
	// Changes and Changes24 count the distinct changes those failed
	// builds ran for: the impact on developers.
	Changes   int `json:"changes"`
	Changes24 int `json:"changes24"`
	// Builds counts every distinct matching build, whatever its result;
	// Passing those that succeeded. TooBroad: more than a tenth of the
	// matches passed, so the query also matches healthy builds.
	Builds   int  `json:"builds"`
	Passing  int  `json:"passing"`
	TooBroad bool `json:"too_broad"`
	// Spike says the last 24 hours ran well above the window's daily rate.
	Spike bool `json:"spike"`
	// Buckets: per build status, distinct builds per bucket of the window.
	Buckets map[string][]int `json:"buckets,omitempty"`
	// Daily: per build status, distinct matching builds per day of
	// Report.Days, each counted on the day of its last matching line.
	Daily map[string][]int `json:"daily,omitempty"`
	// Views are the same numbers in each of Report.Pipelines.
	Views    []View    `json:"views,omitempty"`
	Jobs     []Share   `json:"jobs"`
	Projects []Share   `json:"projects"`
	First    time.Time `json:"first_seen,omitzero"`
	Last     time.Time `json:"last_seen,omitzero"`
	Recent   []Hit     `json:"recent"`
	// RecentBuilds are the newest failed builds, one entry each, newest
	// first, with where to read them.
	RecentBuilds []RecentBuild `json:"recent_builds,omitempty"`
	// History is failed builds per day, oldest first: the window's days,
	// and before them the days carried forward from earlier reports, so
	// the trend reaches back further than the backend keeps logs.
	History []DayCount `json:"history"`
	// Error is why the backend could not run the query, or why its file
	// did not load ("" when it ran): its numbers are then unknown, not zero.
	Error string `json:"error,omitempty"`
	// LastHit is the last matching line known, in this window or carried
	// from earlier reports.
	LastHit time.Time `json:"last_hit,omitzero"`
	// Broken: the query did not load or did not run, so its numbers are
	// unknown; they read "unknown", never 0.
	Broken bool `json:"broken,omitempty"`
	// Data is the file holding this bug's details, relative to data/, in
	// the index data/report.json.
	Data string `json:"data,omitempty"`
}

// unknownWhenBroken are the numbers a broken query's entry writes as
// null: unknown, so that no reader of data/report.json takes them for 0.
var unknownWhenBroken = []string{"fails", "fails24", "changes", "changes24", "builds", "passing", "too_broad", "spike"}

// MarshalJSON writes a broken query's numbers as null (see Broken), its
// keys in their usual order.
func (b BugReport) MarshalJSON() ([]byte, error) {
	type plain BugReport // without this method
	data, err := json.Marshal(plain(b))
	if err != nil || !b.Broken {
		return data, err
	}
	return nullKeys(data, unknownWhenBroken)
}

// nullKeys rewrites an object's top-level keys to null, in place.
func nullKeys(object []byte, keys []string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(object))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	out := []byte{'{'}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		if slices.Contains(keys, key.(string)) {
			value = json.RawMessage("null")
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		name, _ := json.Marshal(key)
		out = append(append(append(out, name...), ':'), value...)
	}
	return append(out, '}'), nil
}

// View is a bug's numbers in one pipeline.
type View struct {
	Pipeline string           `json:"pipeline"`
	Fails    int              `json:"fails"`
	Fails24  int              `json:"fails24"`
	Changes  int              `json:"changes"`
	Builds   int              `json:"builds"`
	Passing  int              `json:"passing"`
	TooBroad bool             `json:"too_broad"`
	Daily    map[string][]int `json:"daily,omitempty"`
}

// RecentBuild is one failed build a query matched, with links to its
// change, its build page and its newest matching line.
type RecentBuild struct {
	Build     Build     `json:"build"`
	Last      time.Time `json:"last"` // its newest matching line
	ChangeURL string    `json:"change_url,omitempty"`
	BuildURL  string    `json:"build_url,omitempty"`
	// Explained says the build has an explanation page.
	Explained bool `json:"explained,omitempty"`
	// The newest matching line, when the backend returned it.
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	LineURL string `json:"line_url,omitempty"`
	Message string `json:"message,omitempty"` // cut to a readable length
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

// Totals are the builds of the window and of its last 24 hours: run
// (every build, whatever its result; nil when the backend cannot tell),
// failed, and explained by a known bug; NoLogs counts the failed builds no
// query explains whose logs the backend does not hold (Build.Logs).
type Totals struct {
	Runs        *int `json:"runs"`
	Runs24      *int `json:"runs24"`
	Failed      int  `json:"failed"`
	Failed24    int  `json:"failed24"`
	Explained   int  `json:"explained"`
	Explained24 int  `json:"explained24"`
	NoLogs      int  `json:"no_logs"`
}

// Uncategorized are the failed builds of the window no query matches.
type Uncategorized struct {
	// Rate is the share of failed builds some query explains, 0..1.
	Rate       float64            `json:"rate"`
	Failed     int                `json:"failed"`
	Classified int                `json:"classified"`
	Jobs       []UncategorizedJob `json:"jobs"`
	// Error is why the backend could not list the failed builds: the
	// numbers above are then unknown ("" when it could).
	Error string `json:"error,omitempty"`
	// NoLogs are the failed builds no query matches whose logs the
	// backend does not hold (their log server failed, or they published
	// none), newest first: no query could have explained them.
	NoLogs []Build `json:"no_logs"`
}

// UncategorizedJob is one job's failures.
type UncategorizedJob struct {
	Job        string  `json:"job"`
	Failed     int     `json:"failed"`
	Classified int     `json:"classified"`
	Rate       float64 `json:"rate"`
	Builds     []Build `json:"builds"` // the unexplained ones with logs, newest first
	NoLogs     int     `json:"no_logs"`
}

// Group is the failed builds of one job or one project.
type Group struct {
	Name string `json:"name"`
	// Runs and Runs24 count every build of the window (and of its last
	// 24 hours), whatever its result; nil when the backend cannot tell,
	// as when it holds only the build directories someone ingested.
	Runs   *int `json:"runs"`
	Runs24 *int `json:"runs24"`
	// Failed builds, and of them those a known bug explains.
	Failed      int     `json:"failed"`
	Failed24    int     `json:"failed24"`
	Explained   int     `json:"explained"`
	Explained24 int     `json:"explained24"`
	Rate        float64 `json:"rate"` // Explained / Failed
	// NoLogs counts its failed builds no query explains whose logs the
	// backend does not hold; they are not among the unexplained.
	NoLogs int `json:"no_logs"`
	// Bugs are the known bugs behind its failures, most first.
	Bugs []GroupBug `json:"bugs"`
	// Daily: failed and explained builds per day of Report.Days.
	Daily          []int `json:"daily"`
	DailyExplained []int `json:"daily_explained"`
	// Unexplained are its newest failed builds no query explains, at
	// most a page's worth; UnexplainedTotal counts them all.
	Unexplained      []Build `json:"unexplained,omitempty"`
	UnexplainedTotal int     `json:"unexplained_total"`
}

// GroupBug is a known bug's failed builds in a group.
type GroupBug struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Fails int    `json:"fails"`
}

// TestReport is one tempest test over the window.
type TestReport struct {
	Test     string  `json:"test"`
	Runs     int     `json:"runs"`
	Failures int     `json:"failures"`
	Rate     float64 `json:"rate"` // Failures / Runs
	// Jobs are the jobs that ran it, most failures first.
	Jobs []TestJob `json:"jobs"`
	// Daily and DailyRuns: failures and runs per day of Report.Days.
	Daily     []int `json:"daily"`
	DailyRuns []int `json:"daily_runs"`
	// Bugs are the known bugs whose test_ids name it.
	Bugs []GroupBug `json:"bugs,omitempty"`
	// Page says it fails often enough for a page of its own.
	Page bool `json:"page"`
	// Recent are its newest failures, with where to read them.
	Recent []TestFailure `json:"recent,omitempty"`
}

// TestJob is a test's record in one job.
type TestJob struct {
	Job      string `json:"job"`
	Runs     int    `json:"runs"`
	Failures int    `json:"failures"`
}

// TestFailure is one failed run of a test.
type TestFailure struct {
	Build   Build     `json:"build"`
	Time    time.Time `json:"time"`
	File    string    `json:"file"`
	Line    int       `json:"line"`
	LineURL string    `json:"line_url,omitempty"`
}

// BrokenQuery is a query that did not load or did not run.
type BrokenQuery struct {
	ID    string `json:"id"`
	File  string `json:"file"`
	Stage string `json:"stage"` // "load" (the file has errors) or "run" (the backend failed it)
	Error string `json:"error"`
}

// Overlap is which queries match the same builds: pairs sharing at least
// Share of the smaller one's builds, queries whose builds another's hold
// whole (Subsets; Same when the two match the same builds), and bugs
// failing at least CoFailures builds together without overlapping.
type Overlap struct {
	Share       float64       `json:"share"`
	CoFailures  int           `json:"co_failures"`
	Pairs       []OverlapPair `json:"pairs"`
	Subsets     []OverlapPair `json:"subsets"`
	CoOccurring []OverlapPair `json:"co_occurring"`
}

// OverlapPair is two queries and the builds both match; A is the one with
// fewer builds.
type OverlapPair struct {
	A          string  `json:"a"`
	B          string  `json:"b"`
	ABuilds    int     `json:"a_builds"`
	BBuilds    int     `json:"b_builds"`
	Both       int     `json:"both"`
	AShare     float64 `json:"a_share"` // Both / ABuilds
	BShare     float64 `json:"b_share"` // Both / BBuilds
	Same       bool    `json:"same,omitempty"`
	BothFailed int     `json:"both_failed,omitempty"`
}

// StaleQuery is a query with no hit in the window: Days without one since
// LastHit, or, when none is known (AtLeast), in all the days looked at.
type StaleQuery struct {
	ID      string    `json:"id"`
	LastHit time.Time `json:"last_hit,omitzero"`
	Days    int       `json:"days"`
	AtLeast bool      `json:"at_least,omitempty"`
}

// BroadQuery is a query more than a tenth of whose matched builds passed:
// it matches lines of healthy runs too, and blames its bug for others'
// failures. Since is its first hit in the window.
type BroadQuery struct {
	ID      string    `json:"id"`
	Builds  int       `json:"builds"`
	Passing int       `json:"passing"`
	Share   float64   `json:"share"`
	Since   time.Time `json:"since,omitzero"`
}
