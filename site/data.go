package site

import "github.com/recheckgen/recheckgen/report"

// data writes the report as JSON: the index data/report.json, a file per
// bug, the unexplained builds, the jobs' and projects' bugs, the tests'
// details and the failure groups apart (report.Index), and
// elastic-recheck's graph.json. The explanations are only in their pages.
func (s *site) data() error {
	index, bugs := report.Index(s.in.Report)
	if err := s.json("data/report.json", index); err != nil {
		return err
	}
	for _, b := range bugs {
		if err := s.json("data/bugs/"+b.ID+".json", b); err != nil {
			return err
		}
	}
	if err := s.json("data/uncategorized.json", s.in.Report.Uncategorized); err != nil {
		return err
	}
	if err := s.json("data/jobs.json", s.in.Report.Jobs); err != nil {
		return err
	}
	if err := s.json("data/projects.json", s.in.Report.Projects); err != nil {
		return err
	}
	if err := s.json("data/tests.json", s.in.Report.Tests); err != nil {
		return err
	}
	if t := s.in.Report.Triage; t != nil {
		if err := s.json("data/triage.json", t); err != nil {
			return err
		}
	}
	return s.json("data/graph.json", s.in.Graph)
}
