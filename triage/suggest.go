package triage

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"go.yaml.in/yaml/v3"
)

// How a group's query is made: the runs of words that every build's top
// line holds, word for word, leaving out words that vary between runs
// (numbers, ids, addresses, temporary paths, times: whatever Normalize
// would replace) and the builds' own names (job, branch, node). The
// longest runs, up to maxRuns of them, each of two words or more and at
// most maxPhraseWords, are phrases on the message, all required (a line
// is one document, so they must all be on the same line). Then the same
// query narrowed to the file the lines are in (tags:) and to the jobs they
// come from (build_name:), for when it alone matches too many passing
// builds.
const (
	maxRuns          = 3
	maxPhraseWords   = 12
	minPhraseLetters = 12
	maxNarrowJobs    = 3
	maxWordLen       = 64
	maxCompared      = 50 // members whose lines are compared
)

// Candidates are the queries proposed for a group, best first; none when
// its lines share no run of two words and twelve letters.
func Candidates(g recheckgen.FailureGroup) []string {
	runs := stableRuns(g)
	if runs == nil {
		return nil
	}
	var phrases []string
	for _, r := range runs {
		phrases = append(phrases, lucene.String(&lucene.Phrase{Field: "message", Text: strings.Join(r, " ")}))
	}
	base := strings.Join(phrases, " AND ")
	out := []string{base}
	var file string
	for i, b := range g.Builds {
		base := path.Base(b.Line.File)
		if i > 0 && base != file {
			file = ""
			break
		}
		file = base
	}
	tags := ""
	if file != "" {
		tags = lucene.String(&lucene.Phrase{Field: "tags", Text: file})
		out = append(out, base+" AND "+tags)
	}
	if len(g.Jobs) <= maxNarrowJobs {
		var names []string
		for _, j := range g.Jobs {
			names = append(names, lucene.String(&lucene.Phrase{Field: "build_name", Text: j.Value}))
		}
		jobs := strings.Join(names, " OR ")
		if len(names) > 1 {
			jobs = "(" + jobs + ")"
		}
		out = append(out, base+" AND "+jobs)
		if tags != "" {
			out = append(out, base+" AND "+tags+" AND "+jobs)
		}
	}
	return out
}

// stableRuns finds the runs of words every compared build's top line
// holds, in the order they come in the newest build's line; nil when
// none has two words and twelve letters.
func stableRuns(g recheckgen.FailureGroup) [][]string {
	if len(g.Builds) == 0 {
		return nil
	}
	var lines [][]string
	for i, b := range g.Builds {
		if i == maxCompared {
			break
		}
		lines = append(lines, lineWords(b.Line.Message, b.Build))
	}
	first := lines[0]
	type run struct {
		at    int
		words []string
	}
	var runs []run
	// Each maximal run of steady words of the first line, and in it the
	// longest part every other line holds.
	for i := 0; i < len(first); {
		if first[i] == "" {
			i++
			continue
		}
		j := i
		for j < len(first) && first[j] != "" {
			j++
		}
		if best, at := longestHeld(first[i:j], lines[1:]); best != nil {
			runs = append(runs, run{i + at, best})
		}
		i = j
	}
	sort.SliceStable(runs, func(a, b int) bool { return lettersIn(runs[a].words) > lettersIn(runs[b].words) })
	if len(runs) > maxRuns {
		runs = runs[:maxRuns]
	}
	if len(runs) == 0 || lettersIn(runs[0].words) < minPhraseLetters {
		return nil
	}
	sort.SliceStable(runs, func(a, b int) bool { return runs[a].at < runs[b].at })
	out := make([][]string, len(runs))
	for i, r := range runs {
		out[i] = r.words
	}
	return out
}

// longestHeld is the longest part of run (two words or more, with a
// letter) that every line holds in a row, and where it starts in run.
func longestHeld(run []string, lines [][]string) ([]string, int) {
	var best []string
	at := 0
	for i := range run {
		for j := i + 2; j <= len(run); j++ {
			part := trimPunct(run[i:j])
			if len(part) < 2 || len(part) <= len(best) || lettersIn(part) == 0 || !everyHolds(lines, part) {
				continue
			}
			best, at = part, i
		}
	}
	if len(best) > maxPhraseWords {
		best = best[:maxPhraseWords]
	}
	if best == nil {
		return nil, 0
	}
	out := append([]string(nil), best...)
	out[0] = strings.TrimLeft(out[0], "'\"`([{<")
	out[len(out)-1] = strings.TrimRight(out[len(out)-1], "'\"`)]}>.,:;!?")
	return out, at
}

// lineWords splits a line's first line's text into words, "" in place of
// each word that varies between runs or names the build.
func lineWords(msg string, b recheckgen.Build) []string {
	first, _, _ := strings.Cut(msg, "\n")
	words := strings.Fields(split(first).text)
	own := map[string]bool{}
	for _, v := range []string{b.Job, b.Project, path.Base(b.Project), b.Branch, b.Node, b.Provider, b.Region, b.UUID} {
		if v != "" {
			own[v] = true
		}
	}
	for i, w := range words {
		core := strings.Trim(w, ".,;:!?()[]{}'\"`")
		if len(w) > maxWordLen || own[core] || string(Normalize(nil, w)) != w || strings.ContainsAny(w, "<>") {
			words[i] = ""
		}
	}
	return words
}

func everyHolds(lines [][]string, run []string) bool {
	for _, l := range lines {
		if !holds(l, run) {
			return false
		}
	}
	return true
}

// holds says run appears in words, in a row.
func holds(words, run []string) bool {
	for i := 0; i+len(run) <= len(words); i++ {
		ok := true
		for k, w := range run {
			if words[i+k] != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// lettersIn counts the letters of a run.
func lettersIn(run []string) int {
	n := 0
	for _, w := range run {
		n += countLetters(w)
	}
	return n
}

func countLetters(w string) int {
	n := 0
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			n++
		}
	}
	return n
}

// trimPunct drops words with no letter or digit from both ends.
func trimPunct(run []string) []string {
	alnum := func(w string) bool {
		for i := 0; i < len(w); i++ {
			if isAlnum(w[i]) {
				return true
			}
		}
		return false
	}
	for len(run) > 0 && !alnum(run[0]) {
		run = run[1:]
	}
	for len(run) > 0 && !alnum(run[len(run)-1]) {
		run = run[:len(run)-1]
	}
	return run
}

// Slug names the query file proposed for a group: the phrase's words,
// lower case, joined by -, then the group id (so two groups never
// propose the same file).
func Slug(g recheckgen.FailureGroup) string {
	var parts []string
	n := 0
	var words []string
	if runs := stableRuns(g); runs != nil {
		words = runs[0]
		for _, r := range runs[1:] {
			if lettersIn(r) > lettersIn(words) {
				words = r
			}
		}
	}
	for _, w := range words {
		w = strings.ToLower(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, w))
		if w == "" || n+len(w) > 40 {
			continue
		}
		parts = append(parts, w)
		n += len(w) + 1
	}
	return strings.Join(append(parts, g.ID), "-")
}

// ProposalYAML is the query file proposed for a group: the query, a
// title, the tag "triage", and a comment saying where it came from, what
// it was verified to match and how to point it at a runbook.
func ProposalYAML(g recheckgen.FailureGroup, query string, s *recheckgen.Suggestion) (string, error) {
	var texts []string
	for _, r := range stableRuns(g) {
		texts = append(texts, strings.Join(r, " "))
	}
	title := "Unexplained: " + capText(strings.Join(texts, " … "), 100)
	comment := fmt.Sprintf("Proposed by recheckgen triage (v%d) from failure group %s:\n%d failed build(s) of %d job(s), %s.",
		Version, g.ID, len(g.Builds), len(g.Jobs), span(g.First, g.Last))
	if s != nil {
		comment += fmt.Sprintf("\nVerified on the window: matches the group's %d build(s); %d failed and %d of %d passing build(s) in all.",
			s.GroupMatched, s.Failed, s.Passing, s.PassingTotal)
	}
	comment += "\nWrite the runbook section, then point to it:\nrunbook: <page>.md#<section>"
	doc := &yaml.Node{Kind: yaml.MappingNode, HeadComment: comment}
	add := func(key string, value *yaml.Node) {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, value)
	}
	add("query", &yaml.Node{Kind: yaml.ScalarNode, Value: query, Style: yaml.FoldedStyle})
	add("title", &yaml.Node{Kind: yaml.ScalarNode, Value: title, Style: yaml.DoubleQuotedStyle})
	add("tags", &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "triage"}}})
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}}); err != nil {
		return "", fmt.Errorf("group %s: %w", g.ID, err)
	}
	return b.String(), nil
}

// ProposeURL is GitHub's page for a new file in the repository at repo
// (https://github.com/OWNER/NAME), on branch, prefilled with the proposed
// query file: two clicks from a group to a pull request. "" when repo is
// not a GitHub repository.
func ProposeURL(repo, branch, dir string, s *recheckgen.Suggestion) string {
	u, err := url.Parse(strings.TrimSuffix(repo, "/"))
	if err != nil || u.Scheme != "https" || u.Host != "github.com" || strings.Count(strings.Trim(u.Path, "/"), "/") != 1 || s == nil {
		return ""
	}
	if branch == "" {
		branch = "main"
	}
	// The directory in the repository: a configured path outside it (an
	// absolute one, or one climbing out) keeps only its last element.
	dir = path.Clean(strings.ReplaceAll(dir, "\\", "/"))
	if path.IsAbs(dir) || dir == ".." || strings.HasPrefix(dir, "../") {
		dir = path.Base(dir)
	}
	if dir = strings.Trim(dir, "/"); dir == "" || dir == "." || dir == ".." {
		dir = "queries"
	}
	q := url.Values{"filename": {dir + "/" + s.Slug + ".yaml"}, "value": {s.YAML}}
	return "https://github.com" + path.Clean("/"+u.Path) + "/new/" + url.PathEscape(branch) + "?" + q.Encode()
}

// sortOverlap puts the largest overlap first.
func sortOverlap(o []recheckgen.KnownOverlap) {
	sort.Slice(o, func(i, j int) bool {
		if o[i].Builds != o[j].Builds {
			return o[i].Builds > o[j].Builds
		}
		return o[i].ID < o[j].ID
	})
}
