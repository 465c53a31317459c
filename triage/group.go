package triage

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
)

// maxSignature bounds a signature's length.
const maxSignature = 300

// mask is what a masked word of a signature becomes.
const mask = "<*>"

// Signature is the group key of a failed build: its top line normalised
// (see Normalize), with the words that differ between builds failing the
// same way masked: paths and addresses (anything with a / or \), values
// (key=value, quoted strings, user@host), and the build's own job,
// project, branch and node names. A line left with fewer than three plain
// words once masked keeps its words: it would say too little to group by.
// A traceback event is signed by its first and last lines.
func Signature(e *recheckgen.Explanation) string {
	if len(e.Lines) == 0 {
		return ""
	}
	return sign(e.Lines[0].Message, e.Build)
}

func sign(msg string, b recheckgen.Build) string {
	first, rest, multi := strings.Cut(msg, "\n")
	text := signLine(first, b)
	if multi {
		last := rest[strings.LastIndexByte(rest, '\n')+1:]
		text += " … " + signLine(last, b)
	}
	return capText(text, maxSignature)
}

// signLine normalises and masks one line.
func signLine(line string, b recheckgen.Build) string {
	p := split(line)
	norm := string(Normalize(nil, p.text))
	if p.module != "" {
		norm = p.level + " " + p.module + " " + norm
	}
	own := map[string]bool{}
	for _, v := range []string{b.Job, b.Project, path.Base(b.Project), b.Branch, b.Node, b.Provider, b.Region} {
		if v != "" && v != "." && v != "/" {
			own[v] = true
		}
	}
	words := strings.Fields(norm)
	out := make([]string, 0, len(words))
	plain := 0
	for _, w := range words {
		if masked(w, own) {
			if len(out) == 0 || out[len(out)-1] != mask {
				out = append(out, mask)
			}
			continue
		}
		if plainWord(w) {
			plain++
		}
		out = append(out, w)
	}
	if plain < 3 {
		return norm
	}
	return strings.Join(out, " ")
}

// masked says a normalised word varies between builds failing alike.
func masked(w string, own map[string]bool) bool {
	core := strings.Trim(w, ".,;:!?()[]{}<>")
	if core == "" {
		return false
	}
	if own[core] {
		return true
	}
	if strings.ContainsAny(core, `/\=@`) {
		return true
	}
	for _, q := range []string{"'", `"`, "`", "‘", "’", "“", "”"} {
		if strings.HasPrefix(w, q) || strings.HasSuffix(strings.TrimRight(w, ".,;:!?)]}"), q) {
			return true
		}
	}
	return false
}

// plainWord: letters only (a trailing colon or full stop aside).
func plainWord(w string) bool {
	w = strings.TrimRight(w, ".,:;!?")
	if len(w) < 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '\'') {
			return false
		}
	}
	return true
}

// GroupID is a signature's stable id: the algorithm's version and the
// signature, hashed.
func GroupID(signature string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("triage v%d\x00%s", Version, signature)))
	return "g" + hex.EncodeToString(h[:])[:11]
}

// member is what grouping keeps of a build it groups: its group's id and
// signature, the build and its top line without the lines around it.
type member struct {
	id, signature string
	build         recheckgen.GroupBuild
}

// assign records the build's group in its explanation, and says what
// grouping keeps of it (ok false when it falls in no group).
func assign(e *recheckgen.Explanation) (m member, ok bool) {
	e.Group = ""
	if e.Explained() || e.Signature == "" || !e.Build.Failed() {
		return member{}, false
	}
	e.Group = GroupID(e.Signature)
	top := e.Lines[0].ContextLine
	top.Before, top.After = nil, nil
	return member{id: e.Group, signature: e.Signature, build: recheckgen.GroupBuild{Build: e.Build, Line: top}}, true
}

// groups gathers the failed builds no known bug explains (their members,
// from assign) by their signature. Groups come most builds first, then
// most recent, then by id; each group's builds newest first. It depends
// only on what it is given, in any order.
func groups(ms []member) []recheckgen.FailureGroup {
	by := map[string]*recheckgen.FailureGroup{}
	for _, m := range ms {
		g := by[m.id]
		if g == nil {
			g = &recheckgen.FailureGroup{ID: m.id, Signature: m.signature}
			by[m.id] = g
		}
		g.Builds = append(g.Builds, m.build)
	}
	out := make([]recheckgen.FailureGroup, 0, len(by))
	for _, g := range by {
		sort.Slice(g.Builds, func(i, j int) bool {
			a, b := g.Builds[i].Build, g.Builds[j].Build
			if !a.Start.Equal(b.Start) {
				return a.Start.After(b.Start)
			}
			return a.UUID < b.UUID
		})
		g.Count = len(g.Builds)
		g.Last, g.First = g.Builds[0].Build.Start, g.Builds[len(g.Builds)-1].Build.Start
		m := recheckgen.Match{}
		for _, gb := range g.Builds {
			m.Builds = append(m.Builds, recheckgen.MatchedBuild{Build: gb.Build})
		}
		g.Jobs = m.Shares(func(b recheckgen.Build) string { return b.Job })
		g.Projects = m.Shares(func(b recheckgen.Build) string { return b.Project })
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Builds) != len(b.Builds) {
			return len(a.Builds) > len(b.Builds)
		}
		if !a.Last.Equal(b.Last) {
			return a.Last.After(b.Last)
		}
		return a.ID < b.ID
	})
	return out
}

// span is the time from first to last seen, for texts.
func span(first, last time.Time) string {
	if first.Format(time.DateOnly) == last.Format(time.DateOnly) {
		return first.Format(time.DateOnly)
	}
	return first.Format(time.DateOnly) + " to " + last.Format(time.DateOnly)
}
