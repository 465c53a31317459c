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
	builds := make([]recheckgen.ExplainedBuild, len(es))
	for i, e := range es {
		linkExplanation(e, opts.Links)
		builds[i] = recheckgen.ExplainedBuild{Build: e.Build, Group: e.Group}
	}
	setTriage(r, version, builds, explanationList(es), groups, left, opts)
}

// SetTriageFrom is SetTriage for explanations read one at a time (es
// holds them in builds' order): each gets its addresses as it is read.
func SetTriageFrom(r *recheckgen.Report, version int, builds []recheckgen.ExplainedBuild, es recheckgen.Explanations, groups []recheckgen.FailureGroup, left int, opts Options) {
	setTriage(r, version, builds, linked{es, opts.Links}, groups, left, opts)
}

func setTriage(r *recheckgen.Report, version int, builds []recheckgen.ExplainedBuild, es recheckgen.Explanations, groups []recheckgen.FailureGroup, left int, opts Options) {
	t := &recheckgen.Triage{Version: version, Explained: len(builds), Left: left, Groups: groups, Builds: builds, Explanations: es}
	if t.Groups == nil {
		t.Groups = []recheckgen.FailureGroup{}
	}
	explained := map[string]bool{}
	for _, b := range builds {
		explained[b.Build.UUID] = true
	}
	for i := range t.Groups {
		for j := range t.Groups[i].Builds {
			gb := &t.Groups[i].Builds[j]
			gb.Line.URL = opts.Links.LogLine(gb.Build, gb.Line.File, gb.Line.Line)
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

// linkExplanation gives an explanation the addresses of its build, its
// change and every line it shows.
func linkExplanation(e *recheckgen.Explanation, links Links) {
	link := func(l *recheckgen.ContextLine) { l.URL = links.LogLine(e.Build, l.File, l.Line) }
	e.ChangeURL, e.BuildURL = links.Change(e.Build), links.BuildPage(e.Build)
	for i := range e.Lines {
		link(&e.Lines[i].ContextLine)
	}
	for i := range e.Known {
		for j := range e.Known[i].Lines {
			link(&e.Known[i].Lines[j])
		}
	}
}

// explanationList are explanations held in memory.
type explanationList []*recheckgen.Explanation

func (l explanationList) Each(f func(*recheckgen.Explanation) error) error {
	for _, e := range l {
		if err := f(e); err != nil {
			return err
		}
	}
	return nil
}

// linked links each explanation as it is read.
type linked struct {
	es    recheckgen.Explanations
	links Links
}

func (l linked) Each(f func(*recheckgen.Explanation) error) error {
	return l.es.Each(func(e *recheckgen.Explanation) error {
		linkExplanation(e, l.links)
		return f(e)
	})
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
