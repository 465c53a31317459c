package triage

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/report"
)

// Links say where an explanation's references live: the published site
// (its base URL, for runbook, build and group pages) and the query
// files' directory, for a reader without the site.
type Links struct {
	Site string // the site's absolute base URL, "" when unknown
	// LineURL is site.line_url, the address of a line of a log file
	// ({log_url}{file}#L{line}); "" links the file.
	LineURL string
}

// line links a line of a build's log file, as the site links it.
func (l Links) line(b recheckgen.Build, file string, n int) string {
	if u := (report.Links{LineURL: l.LineURL}).LogLine(b, file, n); u != "" { // LogLine gives only http(s) links
		return u
	}
	return fileURL(b.LogURL, file)
}

// runbook links a runbook reference (page.md#section) on the site.
func (l Links) runbook(ref string) string {
	if l.Site == "" || ref == "" {
		return ""
	}
	page, frag, _ := strings.Cut(ref, "#")
	u := strings.TrimSuffix(l.Site, "/") + "/runbooks/" + url.PathEscape(strings.TrimSuffix(page, ".md")) + ".html"
	if frag != "" {
		u += "#" + url.PathEscape(frag)
	}
	return report.SafeURL(u)
}

// build links the build's page on the site.
func (l Links) build(uuid string) string {
	if l.Site == "" {
		return ""
	}
	return report.SafeURL(strings.TrimSuffix(l.Site, "/") + "/" + report.BuildPage(uuid))
}

// fileURL links a log file of a build.
func fileURL(logURL, file string) string {
	if logURL == "" {
		return ""
	}
	return report.SafeURL(strings.TrimSuffix(logURL, "/") + "/" + file)
}

// textWidth is how much of a line the text output shows.
const textWidth = 400

// WriteText writes an explanation for a terminal. Untrusted text is
// written as is: the command's writer shows control characters instead of
// obeying them.
func WriteText(w io.Writer, e *recheckgen.Explanation, tried int) {
	b := e.Build
	fmt.Fprintf(w, "Build %s: %s %s\n", b.UUID, b.Job, b.Result)
	fmt.Fprintf(w, "  %s %s %s, started %s\n", or(b.Project, "-"), or(b.Branch, "-"), or(b.Pipeline, "-"), b.Start.UTC().Format("2006-01-02 15:04 MST"))
	if b.LogURL != "" {
		fmt.Fprintf(w, "  logs: %s\n", b.LogURL)
	}
	fmt.Fprintln(w)
	if len(e.Known) == 0 {
		fmt.Fprintf(w, "Known bugs: none of the %d queries tried matches.\n", tried)
	}
	for _, k := range e.Known {
		fmt.Fprintf(w, "Known bug %s: %s (%d matching line(s))\n", k.ID, k.Title, k.Count)
		if k.URL != "" {
			fmt.Fprintf(w, "  bug: %s\n", k.URL)
		}
		if k.Runbook != "" {
			fmt.Fprintf(w, "  runbook: %s\n", k.Runbook)
		}
		for _, l := range k.Lines {
			writeContext(w, l, "  ")
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Likely failure lines (%s):\n", baselineText(e))
	if len(e.Lines) == 0 {
		fmt.Fprintln(w, "  none: no line of the build stands out")
	}
	for i, l := range e.Lines {
		fmt.Fprintf(w, "\n%2d. %s:%d  score %.1f", i+1, l.File, l.Line, l.Score)
		if len(l.Files) > 0 {
			fmt.Fprintf(w, ", also in %s", strings.Join(l.Files, ", "))
		}
		if len(l.Known) > 0 {
			fmt.Fprintf(w, ", known bug %s", strings.Join(l.Known, ", "))
		}
		fmt.Fprintf(w, "\n    why: %s\n", strings.Join(l.Reasons, "; "))
		writeContext(w, l.ContextLine, "   ")
	}
	if e.Truncated {
		fmt.Fprintf(w, "\nOnly the first %d events were read.\n", e.Events)
	}
	if e.Signature != "" && !e.Explained() {
		fmt.Fprintf(w, "\nSignature (group %s): %s\n", GroupID(e.Signature), e.Signature)
	}
}

func baselineText(e *recheckgen.Explanation) string {
	bl := e.Baseline
	if len(bl.Builds) == 0 {
		return bl.Note
	}
	same := 0
	for _, b := range bl.Builds {
		if b.SameJob {
			same++
		}
	}
	s := fmt.Sprintf("compared with %d passing build(s)", len(bl.Builds))
	if same == len(bl.Builds) {
		s += " of the same job"
	} else {
		s += " of other jobs"
	}
	s += fmt.Sprintf(", %d distinct lines", bl.Lines)
	if bl.Note != "" {
		s += "; " + bl.Note
	}
	return s
}

// writeContext writes a line with the lines around it, numbered.
func writeContext(w io.Writer, l recheckgen.ContextLine, indent string) {
	write := func(mark string, n int, msg string) {
		for i, part := range strings.Split(report.Cut(msg, textWidth*4), "\n") {
			if i > 0 {
				mark, n = " ", 0
			}
			num := fmt.Sprintf("%6d", n)
			if n == 0 {
				num = "      "
			}
			fmt.Fprintf(w, "%s%s %s  %s\n", indent, mark, num, report.Cut(part, textWidth))
		}
	}
	if len(l.Before) == 0 && len(l.After) == 0 {
		fmt.Fprintf(w, "%s  %s:%d\n", indent, l.File, l.Line)
	}
	for _, c := range l.Before {
		write(" ", c.Line, c.Message)
	}
	write(">", l.Line, l.Message)
	for _, c := range l.After {
		write(" ", c.Line, c.Message)
	}
}

func or(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// maxMarkdown bounds a review comment: Gerrit refuses comments over 16 KiB
// by default.
const maxMarkdown = 15 << 10

// Markdown is an explanation as a review comment, as elastic-recheck's bot
// wrote them: "this failure looks like bug N, see runbook R", or the lines
// most likely to say why. Everything from the logs and the build record
// is escaped: log lines go in fenced code blocks whose fence no line can
// close, names in code spans (no mention, link or reference is made of
// them), and links are only ever http(s).
func Markdown(e *recheckgen.Explanation, links Links, lines int) string {
	if lines <= 0 {
		lines = 5
	}
	var b strings.Builder
	build := e.Build
	name := mdCode(build.Job)
	if u := report.SafeURL(build.LogURL); u != "" {
		name = mdLink(build.Job, u)
	}
	fmt.Fprintf(&b, "**recheckgen triage** of %s (%s, %s)\n\n", name, mdCode(build.Result), build.Start.UTC().Format(time.DateOnly))
	if len(e.Known) > 0 {
		b.WriteString("This failure looks like:\n\n")
		for _, k := range e.Known {
			title := mdText(k.Title)
			if u := report.SafeURL(k.URL); u != "" {
				title = mdLink(k.Title, u)
			}
			fmt.Fprintf(&b, "- %s %s", mdCode(k.ID), title)
			if k.Runbook != "" {
				if u := links.runbook(k.Runbook); u != "" {
					fmt.Fprintf(&b, ", see the runbook %s", mdLink(k.Runbook, u))
				} else {
					fmt.Fprintf(&b, ", see the runbook %s", mdCode(k.Runbook))
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	} else {
		b.WriteString("No known bug matches this failure. The lines most likely to say why it failed:\n\n")
	}
	body := b.String()
	var shown []string
	for i, l := range e.Lines {
		if i == lines {
			break
		}
		var s strings.Builder
		where := mdCode(fmt.Sprintf("%s:%d", l.File, l.Line))
		if u := links.line(build, l.File, l.Line); u != "" {
			where = mdLink(fmt.Sprintf("%s:%d", l.File, l.Line), u)
		}
		fmt.Fprintf(&s, "%d. %s — %s\n\n", i+1, where, mdText(strings.Join(l.Reasons, "; ")))
		s.WriteString(mdBlock(report.Cut(l.Message, 2000)))
		if len(body)+s.Len()+len(strings.Join(shown, "")) > maxMarkdown-512 {
			break
		}
		shown = append(shown, s.String())
	}
	if len(e.Known) > 0 && len(shown) > 0 {
		body += "The lines most likely to say why it failed:\n\n"
	}
	body += strings.Join(shown, "\n")
	if u := links.build(build.UUID); u != "" {
		body += "\n" + mdLink("The whole explanation", u) + ", with the passing builds it was compared with.\n"
	}
	return body
}

// mdText escapes text for the inside of a Markdown line (never its
// start, where -, + and digits make lists): every character that could
// open inline syntax (emphasis, code, links, images, HTML, entities,
// tables, strikethrough) is backslash-escaped, line breaks become spaces
// and control characters are dropped. A word joiner (U+2060) follows each
// @ and # and splits each "://", since GitHub makes mentions, references
// and links of the text once it is parsed; one goes before the dot of
// "www." too, which GitHub's autolinks take for a host.
func mdText(s string) string {
	var b strings.Builder
	rs := []rune(printable(s))
	for i, r := range rs {
		if r == '.' && i >= 3 && strings.EqualFold(string(rs[i-3:i]), "www") {
			b.WriteRune('\u2060') // GitHub links "www.host" too
		}
		if r < 0x80 && strings.ContainsRune("\\`*_[]<>!|~&$", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		if r == '@' || r == '#' || r == ':' && i+2 < len(rs) && rs[i+1] == '/' && rs[i+2] == '/' {
			b.WriteRune('\u2060')
		}
	}
	return b.String()
}

// mdCode is s as a code span, delimited by a run of backticks longer than
// any in s.
func mdCode(s string) string {
	s = printable(s)
	if s == "" {
		return "`-`"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// mdLink is a link whose text is escaped and whose destination, an http(s)
// URL, is written between angle brackets with what could end it escaped.
func mdLink(text, u string) string {
	u = report.SafeURL(u)
	if u == "" {
		return mdText(text)
	}
	r := strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\n", "%0A", "\r", "%0D", "\\", "%5C")
	return "[" + mdText(text) + "](<" + r.Replace(u) + ">)"
}

// mdBlock is text as a fenced code block, fenced by more backticks than
// any line holds in a row, so no line can close it.
func mdBlock(text string) string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		lines = append(lines, printable(l))
	}
	body := strings.Join(lines, "\n")
	fence := strings.Repeat("`", max(3, longestRun(body, '`')+1))
	return fence + "text\n" + body + "\n" + fence + "\n"
}

// printable drops control characters (a line break becomes a space) and
// invalid UTF-8.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r):
			return -1
		}
		return r
	}, s)
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
