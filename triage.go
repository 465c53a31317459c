package recheckgen

import "time"

// Triage is the window's failed builds explained, and those no known bug
// explains grouped, as the site shows them.
type Triage struct {
	// Version is the ranking and grouping algorithm's, part of every
	// group id.
	Version int `json:"version"`
	// Explained counts the failed builds explained (the newest
	// report.triage_builds of the window); Left those left out.
	Explained int `json:"explained"`
	Left      int `json:"left"`
	// Groups are the unexplained failures grouped, most builds first.
	Groups []FailureGroup `json:"groups"`
	// Builds are the failed builds explained, in order, each with its
	// group: a summary each, what the pages listing them need.
	Builds []ExplainedBuild `json:"-"`
	// Explanations hands over the explanations, a page each, one at a
	// time (a site's may not fit in memory together); no JSON file holds
	// them.
	Explanations Explanations `json:"-"`
}

// ExplainedBuild is a failed build explained and the failure group it
// falls in ("" for none).
type ExplainedBuild struct {
	Build Build
	Group string
}

// Explanations are a triage's explanations, read one at a time: Each
// calls f with each in turn, and stops at f's first error (returned), or
// its own.
type Explanations interface {
	Each(f func(*Explanation) error) error
}

// Explanation says what triage found in one failed build: the known bugs
// whose queries match it, and the lines most likely to say why it failed.
type Explanation struct {
	Build Build `json:"build"`
	// ChangeURL and BuildURL are the change's and the CI system's pages
	// for the build, when the site knows their addresses.
	ChangeURL string `json:"change_url,omitempty"`
	BuildURL  string `json:"build_url,omitempty"`
	// Known are the known bugs whose query matches a line of the build.
	Known []KnownMatch `json:"known"`
	// QueryErrors name the queries the backend could not run on it.
	QueryErrors []string `json:"query_errors,omitempty"`
	// Lines are the likely failure lines, most likely first.
	Lines []RankedLine `json:"lines"`
	// Baseline are the passing builds the lines were compared with.
	Baseline Baseline `json:"baseline"`
	// Events is how many log events were read; Truncated says reading
	// stopped at the cap (the rest was not ranked).
	Events    int  `json:"events"`
	Truncated bool `json:"truncated,omitempty"`
	// Signature is the top line's text with everything that varies from
	// build to build masked: what groups the unexplained failures.
	Signature string `json:"signature,omitempty"`
	// Group is the id of the failure group the build falls in ("" when
	// a known bug explains it, or it has no likely line).
	Group string `json:"group,omitempty"`
}

// Explained says whether a known bug explains the build.
func (e *Explanation) Explained() bool { return len(e.Known) > 0 }

// KnownMatch is a known bug whose query matched lines of a build.
type KnownMatch struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	URL     string `json:"url,omitempty"`     // the bug's tracker page
	Runbook string `json:"runbook,omitempty"` // page.md#section
	// Lines are the newest matching lines, each with a few lines around it.
	Lines []ContextLine `json:"lines"`
	// Count is how many lines of the build matched.
	Count int `json:"count"`
}

// ContextLine is a line of a build with the lines just before and after
// it in its file.
type ContextLine struct {
	File    string    `json:"file"`
	Line    int       `json:"line"`
	Message string    `json:"message"`
	Before  []LogLine `json:"before,omitempty"`
	After   []LogLine `json:"after,omitempty"`
	Time    time.Time `json:"time,omitzero"`
	Known   []string  `json:"known,omitempty"` // ids of the known bugs whose query matched this line
	// URL is where the line is read in the build's logs ("" when the
	// build's logs have no address).
	URL string `json:"url,omitempty"`
}

// RankedLine is a line triage thinks may say why a build failed.
type RankedLine struct {
	ContextLine
	Score float64 `json:"score"`
	// Reasons say why it ranks: "not in passing builds", "error level",
	// "ends a traceback", "3 lines before the failure marker", ...
	Reasons []string `json:"reasons"`
	// Count is how many events of the build have the same normalised
	// text; Files, up to a few, which files they are in besides File.
	Count int      `json:"count"`
	Files []string `json:"files,omitempty"`
	// Normalized is the text compared with the baseline: numbers, ids,
	// addresses, temporary paths and times replaced by placeholders.
	Normalized string `json:"normalized"`
}

// Baseline are the passing builds a failed build was compared with.
type Baseline struct {
	Builds []BaselineBuild `json:"builds"`
	// Lines is how many distinct normalised lines they hold.
	Lines int `json:"lines"`
	// Note says why there is no baseline, or what limited it.
	Note string `json:"note,omitempty"`
}

// BaselineBuild is one passing build of a baseline and why it was chosen.
type BaselineBuild struct {
	UUID       string    `json:"uuid"`
	Job        string    `json:"job"`
	Branch     string    `json:"branch"`
	Start      time.Time `json:"start"`
	LogURL     string    `json:"log_url,omitempty"`
	SameJob    bool      `json:"same_job"`
	SameBranch bool      `json:"same_branch"`
}

// FailureGroup is failed builds no known bug explains whose likely failure
// lines read alike once what names the build is masked: one cause, most
// likely, seen in each of them.
type FailureGroup struct {
	// ID stays the same from one run to the next while the signature and
	// the algorithm's version do.
	ID        string `json:"id"`
	Signature string `json:"signature"`
	// Count is how many builds the group holds; Builds lists them, newest
	// first (data/report.json keeps only the newest few).
	Count    int          `json:"count"`
	Builds   []GroupBuild `json:"builds"`
	Jobs     []Share      `json:"jobs"`
	Projects []Share      `json:"projects"`
	First    time.Time    `json:"first_seen"`
	Last     time.Time    `json:"last_seen"`
	// Suggestion is a query for the group, verified on the backend; nil
	// when none could be made or none passed (Why says which).
	Suggestion *Suggestion `json:"suggestion,omitempty"`
	Why        string      `json:"why,omitempty"`
}

// GroupBuild is a build of a group and its top line.
type GroupBuild struct {
	Build Build       `json:"build"`
	Line  ContextLine `json:"line"`
}

// Suggestion is a proposed known-bug query for a failure group, and what
// it found when it was run on the backend over the window.
type Suggestion struct {
	Query string `json:"query"` // the Lucene query text
	// Failed and Passing count the distinct failed and passing builds it
	// matches in the window (voting jobs, as `recheckgen query` counts);
	// PassingTotal is how many passing builds of voting jobs the window
	// holds with their logs (those a query can match).
	Failed       int `json:"failed"`
	Passing      int `json:"passing"`
	PassingTotal int `json:"passing_total"`
	Lines        int `json:"lines"`
	// GroupMatched is how many of the group's builds it matches.
	GroupMatched int `json:"group_matched"`
	// Overlap are the known bugs that match some of the same builds.
	Overlap []KnownOverlap `json:"overlap"`
	// Slug names the proposed query file, queries/<slug>.yaml; YAML is its
	// text.
	Slug string `json:"slug"`
	YAML string `json:"yaml,omitempty"`
	// ProposeURL opens GitHub's new-file page on the repository, prefilled
	// with the file ("" when the repository is not on GitHub).
	ProposeURL string `json:"propose_url,omitempty"`
}

// KnownOverlap is a known bug's query matching builds a suggestion matches.
type KnownOverlap struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Builds int    `json:"builds"`
}
