package recheckgen

import "github.com/recheckgen/recheckgen/lucene"

// Query is one known-bug query: a queries/<id>.yaml file.
type Query struct {
	ID   string // the file name without .yaml
	File string // path it was loaded from
	Bug  BugRef

	// Title is shown when the tracker can't be asked.
	Title string
	// Raw is the Lucene query string as written; Expr is it parsed.
	Raw  string
	Expr lucene.Node

	SuppressGraph        bool
	SuppressNotification bool
	AllowNonvoting       bool

	// Runbook is a content page path, optionally with a #anchor.
	Runbook string
	Tags    []string
	// TestIDs names tempest tests the bug fails (elastic-recheck's test_ids).
	TestIDs []string
	// Applies is the era of builds whose logs can hold what the query
	// looks for (`applies: 2016-2018`); see Historical.
	Applies Era
	// ResolvedAt is elastic-recheck's resolved_at, when the query was
	// marked resolved: it is checked but not run or reported.
	ResolvedAt string
}

// Historical says the query looks for a log line that builds of year no
// longer print: its era ended before. It is kept for archives and older
// indices, and nobody expects it to find today's builds.
func (q Query) Historical(year int) bool { return q.Applies.Ended(year) }

// DisplayTitle is the best title known without asking the tracker.
func (q Query) DisplayTitle() string {
	if q.Title != "" {
		return q.Title
	}
	return q.Bug.Label()
}
