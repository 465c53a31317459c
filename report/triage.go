package report

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"

	"github.com/recheckgen/recheckgen"
)

// indexGroupBuilds is how many builds of a failure group data/report.json
// keeps; data/triage.json holds them all.
const indexGroupBuilds = 5

// SetTriage records the window's triage: an explanation per failed build
// explained (a page each) and the groups of those no known bug explains;
// left counts the failed builds not explained. Every line shown gets the
// address of its log line (opts.Links), and the bugs' recent builds that
// have a page say so.
func SetTriage(r *recheckgen.Report, version int, es []*recheckgen.Explanation, groups []recheckgen.FailureGroup, left int, opts Options) {
	t := &recheckgen.Triage{Version: version, Explained: len(es), Left: left, Groups: groups, Builds: es}
	if t.Groups == nil {
		t.Groups = []recheckgen.FailureGroup{}
	}
	link := func(b recheckgen.Build, l *recheckgen.ContextLine) { l.URL = opts.Links.LogLine(b, l.File, l.Line) }
	explained := map[string]bool{}
	for _, e := range es {
		explained[e.Build.UUID] = true
		e.ChangeURL, e.BuildURL = opts.Links.Change(e.Build), opts.Links.BuildPage(e.Build)
		for i := range e.Lines {
			link(e.Build, &e.Lines[i].ContextLine)
		}
		for i := range e.Known {
			for j := range e.Known[i].Lines {
				link(e.Build, &e.Known[i].Lines[j])
			}
		}
	}
	for i := range t.Groups {
		for j := range t.Groups[i].Builds {
			gb := &t.Groups[i].Builds[j]
			link(gb.Build, &gb.Line)
		}
	}
	for i := range r.Bugs {
		for j := range r.Bugs[i].RecentBuilds {
			rb := &r.Bugs[i].RecentBuilds[j]
			rb.Explained = explained[rb.Build.UUID]
		}
	}
	r.Triage = t
}

// indexTriage is the triage as data/report.json holds it: each group with
// its newest builds and without its proposed file.
func indexTriage(t *recheckgen.Triage) *recheckgen.Triage {
	if t == nil {
		return nil
	}
	x := *t
	x.Groups = make([]recheckgen.FailureGroup, len(t.Groups))
	for i, g := range t.Groups {
		g.Builds = g.Builds[:min(len(g.Builds), indexGroupBuilds)]
		if g.Suggestion != nil {
			s := *g.Suggestion
			s.YAML = ""
			g.Suggestion = &s
		}
		x.Groups[i] = g
	}
	return &x
}

// BuildPage is the site path of a build's explanation page: its uuid
// when that is a plain file name (Zuul's are), else a name hashed from it,
// since a build record from a search server is untrusted.
func BuildPage(uuid string) string {
	if pageName.MatchString(uuid) && !strings.Contains(uuid, "..") {
		return "builds/" + uuid + ".html"
	}
	h := sha256.Sum256([]byte(uuid))
	return "builds/x-" + hex.EncodeToString(h[:8]) + ".html"
}

var pageName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
