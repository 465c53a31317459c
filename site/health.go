package site

import "github.com/recheckgen/recheckgen"

// health writes the query health page: queries too broad, stale ones with
// their age, and queries that match the same builds (the report's
// Overlap). The numbers come from the report; this page only shows them.
func (s *site) health() error {
	return s.write("health.html", "health.html", struct {
		page
		Report *recheckgen.Report
	}{s.page("Query health", "health.html"), s.in.Report})
}
