package logfile

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// The tags of a log file are those OpenStack's log pipeline gave the files
// elastic-recheck's index held (roles/submit-logstash-jobs of
// openstack/project-config, later opendev/base-jobs, 2017-2021): the
// file's own base name, plus the tags of the first rule below whose
// pattern is found in its path (un-anchored, as the pipeline matched), so
// that `controller/logs/screen-n-cpu.txt` is tagged screen-n-cpu.txt,
// screen and oslofmt. The first rule is Jenkins' console.html, which the
// pipeline's earlier configuration tagged console. Files no rule matches
// keep their base name only (the pipeline did not index them at all).
// docs/backends.md shows the same table.
var tagRules = []tagRule{
	{`console\.html`, "", nil, []string{"console"}},
	{`job-output\.txt`, "", nil, []string{"console", "console.html"}},
	{`grenade\.sh\.txt`, "", nil, []string{"console", "console.html"}},
	{`devstacklog\.txt`, "summary", nil, []string{"console", "console.html"}},
	{`apache/keystone\.txt`, "", nil, []string{"screen", "oslofmt"}},
	{`apache/horizon_error\.txt`, "", nil, []string{"apacheerror"}},
	{`syslog\.txt`, "", nil, []string{"syslog"}},
	{`tempest\.txt`, "", nil, []string{"screen", "oslofmt"}},
	{`javelin\.txt`, "", nil, []string{"screen", "oslofmt"}},
	{`dsvm-functional-index\.txt`, "", nil, []string{"oslofmt"}},
	{`dsvm-fullstack-index\.txt`, "", nil, []string{"oslofmt"}},
	{`screen-s-account\.txt`, "", nil, []string{"screen", "apachecombined"}},
	{`screen-s-container\.txt`, "", nil, []string{"screen", "apachecombined"}},
	{`screen-s-object\.txt`, "", nil, []string{"screen", "apachecombined"}},
	{`postci\.txt`, "", nil, []string{"console", "postci"}},
	{`var/log/extra/logstash\.txt`, "", nil, []string{"console", "postci"}},
	{`var/log/extra/errors\.txt`, "", nil, []string{"console", "errors"}},
	{`devstack-gate-.*\.txt`, "", nil, []string{"console", "console.html"}},
	// The pipeline left out service logs too big for its indexers.
	{`screen-.*\.txt`, "", []string{"peakmem_tracker", "dstat", "karaf", "kubelet", "mistral-engine", "monasca-persister", "monasca-api", "ovn-northd"},
		[]string{"screen", "oslofmt"}},
}

// Multiline is the tag logstash gave an event it joined from several lines
// (a traceback): the store gives it to each stored event whose message
// holds more than one line.
const Multiline = "multiline"

// TagMapVersion changes whenever tagRules do: a store tagged by another
// version is tagged again from its files' names.
const TagMapVersion = 2

type tagRule struct {
	pattern string
	// notAfter: the pattern does not count when this text follows it
	// (the pipeline's `devstacklog\.txt(?!.*summary)`).
	notAfter string
	// notAt: the pattern does not count when its `.*` starts with one of
	// these (the pipeline's `screen-(?!(peakmem_tracker|...)).*\.txt`).
	notAt []string
	tags  []string
}

var compiledRules = func() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(tagRules))
	for i, r := range tagRules {
		out[i] = regexp.MustCompile(strings.Replace(r.pattern, ".*", "(.*)", 1))
	}
	return out
}()

func (r tagRule) matches(re *regexp.Regexp, name string) bool {
	for _, m := range re.FindAllStringSubmatchIndex(name, -1) {
		if r.notAfter != "" && strings.Contains(name[m[1]:], r.notAfter) {
			continue
		}
		if len(r.notAt) > 0 && len(m) >= 4 && slices.ContainsFunc(r.notAt, func(p string) bool { return strings.HasPrefix(name[m[2]:], p) }) {
			continue
		}
		return true
	}
	return false
}

// Names returns a log file's elastic-recheck filename (its slash path in
// the build directory, without .gz) and tags (its base name, then those of
// the pipeline's first rule that matches it).
func Names(rel string) (filename string, tags []string) {
	filename = strings.TrimSuffix(rel, ".gz")
	tags = []string{path.Base(filename)}
	for i, r := range tagRules {
		if r.matches(compiledRules[i], filename) {
			for _, t := range r.tags {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			break
		}
	}
	return filename, tags
}

// CategoryTags are the tags the map gives beside file names, and
// multiline.
func CategoryTags() []string {
	var out []string
	for _, r := range tagRules {
		out = append(out, r.tags...)
	}
	out = append(out, Multiline)
	slices.Sort(out)
	return slices.Compact(out)
}
