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
}

// DisplayTitle is the best title known without asking the tracker.
func (q Query) DisplayTitle() string {
	if q.Title != "" {
		return q.Title
	}
	return q.Bug.Label()
}
