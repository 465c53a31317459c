package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
)

// Effect is what a changed query would do to the data: the dry run a pull
// request shows before it is merged.
type Effect struct {
	ID    string `json:"id"`
	File  string `json:"file"`
	Query string `json:"query"`
	// Error is why it did not load or run ("" when it ran).
	Error string `json:"error,omitempty"`
	// Builds matched, and of them failed and passing ones; Passing over
	// BroadShare of Builds makes it TooBroad.
	Builds       int                `json:"builds"`
	Failed       int                `json:"failed"`
	Passing      int                `json:"passing"`
	PassingShare float64            `json:"passing_share"`
	TooBroad     bool               `json:"too_broad"`
	Lines        int                `json:"lines"`
	Jobs         []recheckgen.Share `json:"jobs"`
	Projects     []recheckgen.Share `json:"projects"`
	Examples     []recheckgen.Hit   `json:"examples"`
	// Overlaps are the other queries matching some of its builds, most
	// shared first; Duplicates, whether any shares half of its builds.
	Overlaps   []Shared `json:"overlaps"`
	Duplicates bool     `json:"duplicates"`
}

// Shared is another query's overlap with a changed one: the builds both
// match, as a share of the changed query's builds and of the other's.
type Shared struct {
	ID         string  `json:"id"`
	Both       int     `json:"both"`
	Share      float64 `json:"share"`       // of the changed query's builds
	TheirShare float64 `json:"their_share"` // of the other query's builds
}

// DryRun is the effect of each changed query, given every query's result
// over the same window (the changed ones among them).
type DryRun struct {
	Window struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	} `json:"window"`
	Effects []Effect `json:"effects"`
}

// MakeDryRun computes the effects of the changed queries (by id) from all
// results, overlaps counted against every other query that ran.
func MakeDryRun(win recheckgen.Window, changed []string, all []Result, examples int) DryRun {
	var d DryRun
	d.Window.Start, d.Window.End = win.Start, win.End
	d.Effects = []Effect{}
	builds := map[string]map[string]bool{} // query → uuids
	for _, r := range all {
		if r.Err == nil && r.Match != nil {
			set := map[string]bool{}
			for _, mb := range r.Match.Builds {
				set[mb.UUID] = true
			}
			builds[r.Query.ID] = set
		}
	}
	byID := map[string]Result{}
	for _, r := range all {
		byID[r.Query.ID] = r
	}
	for _, id := range changed {
		r, ok := byID[id]
		if !ok {
			continue
		}
		e := Effect{ID: id, File: r.Query.File, Query: r.Query.Raw, Jobs: []recheckgen.Share{}, Projects: []recheckgen.Share{},
			Examples: []recheckgen.Hit{}, Overlaps: []Shared{}}
		if r.Err != nil {
			e.Error = r.Err.Error()
			d.Effects = append(d.Effects, e)
			continue
		}
		m := r.Match
		e.Builds = len(m.Builds)
		for _, mb := range m.Builds {
			e.Lines += mb.Lines
			switch {
			case mb.Failed():
				e.Failed++
			case mb.Passed():
				e.Passing++
			}
		}
		if e.Builds > 0 {
			e.PassingShare = float64(e.Passing) / float64(e.Builds)
		}
		e.TooBroad = counts{builds: e.Builds, passing: e.Passing}.tooBroad(BroadShare)
		e.Jobs = m.Shares(func(b recheckgen.Build) string { return b.Job })
		e.Projects = m.Shares(func(b recheckgen.Build) string { return b.Project })
		e.Examples = m.Recent[:min(len(m.Recent), examples)]
		mine := builds[id]
		for other, theirs := range builds {
			if other == id || len(theirs) == 0 {
				continue
			}
			both := 0
			for u := range mine {
				if theirs[u] {
					both++
				}
			}
			if both > 0 {
				s := Shared{ID: other, Both: both, Share: float64(both) / float64(len(mine)), TheirShare: float64(both) / float64(len(theirs))}
				e.Overlaps = append(e.Overlaps, s)
				e.Duplicates = e.Duplicates || s.Share >= DefaultOverlap.Share
			}
		}
		sort.Slice(e.Overlaps, func(i, j int) bool {
			a, b := e.Overlaps[i], e.Overlaps[j]
			if a.Share != b.Share {
				return a.Share > b.Share
			}
			return a.ID < b.ID
		})
		d.Effects = append(d.Effects, e)
	}
	return d
}

// DryRunFormats are the outputs WriteDryRun knows.
var DryRunFormats = []string{"text", "json", "markdown"}

// WriteDryRun prints d as text for a terminal, JSON for tools, or
// Markdown for a pull request's job summary. Log lines are shown as code,
// never as markup.
func WriteDryRun(w io.Writer, format string, d DryRun) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "text":
		return dryRunText(w, d)
	case "markdown":
		return dryRunMarkdown(w, d)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(DryRunFormats, ", "))
}

func pct(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

func top(shares []recheckgen.Share, n int) string {
	var parts []string
	for i, s := range shares {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(shares)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s", s.Value, pct(s.Percent/100)))
	}
	return strings.Join(parts, ", ")
}

func flags(e Effect) []string {
	var out []string
	if e.Error != "" {
		out = append(out, "did not run: "+e.Error)
	}
	if e.TooBroad {
		out = append(out, fmt.Sprintf("too broad: %s of its builds passed (more than %s)", pct(e.PassingShare), pct(BroadShare)))
	}
	if e.Duplicates {
		out = append(out, fmt.Sprintf("overlaps %s: half or more of its builds are that query's too", e.Overlaps[0].ID))
	}
	if e.Error == "" && e.Builds == 0 {
		out = append(out, "matches no build in the window")
	}
	return out
}

func dryRunText(w io.Writer, d DryRun) error {
	fmt.Fprintf(w, "dry run over %s to %s UTC: %d changed quer%s\n", d.Window.Start.Format("2006-01-02 15:04"), d.Window.End.Format("2006-01-02 15:04"),
		len(d.Effects), map[bool]string{true: "y", false: "ies"}[len(d.Effects) == 1])
	for _, e := range d.Effects {
		fmt.Fprintf(w, "\n%s (%s)\n  %s\n", e.ID, e.File, e.Query)
		for _, f := range flags(e) {
			fmt.Fprintf(w, "  ! %s\n", f)
		}
		if e.Error != "" {
			continue
		}
		fmt.Fprintf(w, "  %d builds (%d lines): %d failed, %d passed (%s)\n", e.Builds, e.Lines, e.Failed, e.Passing, pct(e.PassingShare))
		if len(e.Jobs) > 0 {
			fmt.Fprintf(w, "  jobs: %s\n  projects: %s\n", top(e.Jobs, 5), top(e.Projects, 5))
		}
		for _, o := range e.Overlaps {
			fmt.Fprintf(w, "  shares %d builds with %s (%s of its own, %s of %s's)\n", o.Both, o.ID, pct(o.Share), pct(o.TheirShare), o.ID)
		}
		for _, h := range e.Examples {
			fmt.Fprintf(w, "  example: %s %s:%d: %s\n", h.Build.Job, h.File, h.Line, oneLine(h.Message, 160))
		}
	}
	return nil
}

func dryRunMarkdown(w io.Writer, d DryRun) error {
	fmt.Fprintf(w, "## Dry run of the changed queries\n\nOver %s to %s UTC.\n\n", d.Window.Start.Format("2006-01-02 15:04"), d.Window.End.Format("2006-01-02 15:04"))
	if len(d.Effects) == 0 {
		fmt.Fprintln(w, "No query file changed.")
		return nil
	}
	fmt.Fprintln(w, "| query | builds | failed | passed | jobs | flags |\n|---|--:|--:|--:|---|---|")
	for _, e := range d.Effects {
		fmt.Fprintf(w, "| %s | %d | %d | %d (%s) | %s | %s |\n", mdCode(e.ID, true), e.Builds, e.Failed, e.Passing, pct(e.PassingShare),
			mdCell(top(e.Jobs, 3)), mdCell(strings.Join(flags(e), "; ")))
	}
	for _, e := range d.Effects {
		fmt.Fprintf(w, "\n### %s\n\n%s\n", mdCode(e.ID, false), codeBlock(strings.TrimRight(e.Query, "\n")))
		for _, f := range flags(e) {
			fmt.Fprintf(w, "- **%s**\n", mdCell(f))
		}
		if e.Error != "" {
			continue
		}
		if len(e.Projects) > 0 {
			fmt.Fprintf(w, "- projects: %s\n", mdCell(top(e.Projects, 5)))
		}
		if len(e.Overlaps) > 0 {
			fmt.Fprintln(w, "\n| shares builds with | both | share of this query's | share of theirs |\n|---|--:|--:|--:|")
			for _, o := range e.Overlaps {
				fmt.Fprintf(w, "| %s | %d | %s | %s |\n", mdCode(o.ID, true), o.Both, pct(o.Share), pct(o.TheirShare))
			}
		}
		if len(e.Examples) > 0 {
			var b strings.Builder
			for _, h := range e.Examples {
				fmt.Fprintf(&b, "%s %s:%d\n%s\n", h.Build.Job, h.File, h.Line, oneLine(h.Message, 300))
			}
			fmt.Fprintf(w, "\nExample lines:\n\n%s\n", codeBlock(strings.TrimRight(b.String(), "\n")))
		}
	}
	return nil
}

// mdCell keeps text inside a table cell or a list item as text.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "`", "'", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`).Replace(s)
}

// mdCode shows s as a code span: its text as is (escapes are not read
// inside one, so mdCell's would show), in more backticks than it holds; in
// a table cell, a pipe is escaped, which GFM reads before the span.
func mdCode(s string, inTable bool) string {
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// codeBlock fences text with more backticks than it holds.
func codeBlock(s string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + "\n" + s + "\n" + fence
}

// oneLine is s on one line, its spaces collapsed, cut to n characters.
func oneLine(s string, n int) string {
	return Cut(strings.Join(strings.Fields(s), " "), n)
}
