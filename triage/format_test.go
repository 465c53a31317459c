package triage

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// hostile is what a job under test can write into its log, its build
// record or a query's title: markup, script, Markdown that closes blocks
// or makes links and mentions, control characters.
var hostile = []string{
	"<script>alert(1)</script>",
	"```\n</pre><img src=x onerror=alert(2)>\n```",
	"````` fence breaker `` ` ",
	"[click](javascript:alert(3)) ![x](http://evil.example/x.png)",
	"@everyone #123 https://evil.example/ <https://evil.example/> www.evil.example (www.evil.example/x)",
	"\x1b[31mred\x1b[0m \u202eevil\u202c \x00nul",
	"*bold* _it_ ~~s~~ | table | <!-- comment --> &amp; &#60;b&#62;",
	"line one\r\n# heading\n---\n> quote",
}

func hostileExplanation() *recheckgen.Explanation {
	h := strings.Join(hostile, " ")
	b := recheckgen.Build{UUID: "0123456789abcdef0123456789abcdef", Job: "job " + hostile[0] + hostile[4], Project: hostile[3], Result: "FAILURE " + hostile[2],
		LogURL: "javascript:alert(9)//", Start: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}
	var lines []recheckgen.RankedLine
	for i, s := range hostile {
		lines = append(lines, recheckgen.RankedLine{ContextLine: recheckgen.ContextLine{File: "logs/" + s, Line: i + 1, Message: s,
			Before: []recheckgen.LogLine{{Line: i, Message: h}}}, Score: 9, Reasons: []string{"reason " + s}})
	}
	return &recheckgen.Explanation{Build: b, Lines: lines,
		Known: []recheckgen.KnownMatch{{ID: "1234", Title: "title " + h, URL: "javascript:alert(4)", Runbook: "x.md#" + hostile[0]}}}
}

func render(t *testing.T, md string) string {
	t.Helper()
	// GitHub's flavour, with raw HTML let through: the worst a comment
	// reader could do with it.
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	var buf bytes.Buffer
	if err := gm.Convert([]byte(md), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestMarkdownEscapes: whatever the logs, the build record or a title
// hold, the review comment renders no element of theirs, no link but
// http(s) ones of ours, and keeps each log line whole in its own code
// block; names make no mention, reference or link.
func TestMarkdownEscapes(t *testing.T) {
	e := hostileExplanation()
	md := Markdown(e, Links{Site: "https://ci.example.org/recheck/"}, 8)
	out := render(t, md)
	for _, bad := range []string{"<script", "<img", "<!--", "<h1", "<blockquote", "<hr", "<table", "<em", "<del", "\x1b", "\u202e", "\x00"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered comment holds %q:\n%s", bad, out)
		}
	}
	if n := strings.Count(out, "<strong>"); n != 1 {
		t.Errorf("%d bold texts: only the comment's own heading may be", n)
	}
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "https://ci.example.org/") {
			t.Errorf("link to %s", m[1])
		}
	}
	if n := strings.Count(out, "<pre>"); n != len(hostile) {
		t.Errorf("%d code blocks for %d lines:\n%s", n, len(hostile), out)
	}
	// Outside code, GitHub would make mentions, references and links.
	prose := regexp.MustCompile(`(?s)<pre>.*?</pre>|<code>.*?</code>`).ReplaceAllString(out, "")
	for _, bad := range []string{"@everyone", "#123", "://evil", "www.evil"} {
		if strings.Contains(prose, bad) {
			t.Errorf("%q outside code:\n%s", bad, prose)
		}
	}
	if len(md) > maxMarkdown {
		t.Errorf("%d bytes", len(md))
	}
	// The text output shows the lines as they are (the command's writer
	// makes control characters visible).
	var buf bytes.Buffer
	WriteText(&buf, e, 14)
	if !strings.Contains(buf.String(), hostile[0]) {
		t.Errorf("text output lost the line:\n%s", buf.String())
	}
}

// TestMarkdownBounded: a build with huge lines still makes a comment
// Gerrit takes.
func TestMarkdownBounded(t *testing.T) {
	e := hostileExplanation()
	for i := range e.Lines {
		e.Lines[i].Message = strings.Repeat("x`", 50000)
	}
	if md := Markdown(e, Links{}, 20); len(md) > maxMarkdown || !strings.Contains(md, "```") {
		t.Errorf("%d bytes", len(md))
	}
}

// TestFormatsGolden: the text and Markdown of an explanation.
func TestFormatsGolden(t *testing.T) {
	at := time.Date(2026, 11, 18, 19, 17, 21, 0, time.UTC)
	e := &recheckgen.Explanation{
		Build: recheckgen.Build{UUID: "31a1ac657a29ce5c7497674a4bf3d253", Job: "tempest-full-py3", Project: "openstack/nova", Branch: "master",
			Pipeline: "check", Result: "FAILURE", Start: at, LogURL: "https://logs.example.org/39/960439/9/check/tempest-full-py3/31a1ac6/"},
		Known: []recheckgen.KnownMatch{{ID: "1796151", Title: "OOM killer", URL: "https://bugs.launchpad.net/bugs/1796151", Runbook: "devstack-gate.md#out-of-memory", Count: 2,
			Lines: []recheckgen.ContextLine{{File: "logs/syslog.txt", Line: 133, Message: "Nov 18 19:17:20 np1 kernel: python3 invoked oom-killer: gfp_mask=0x140cca",
				Before: []recheckgen.LogLine{{Line: 132, Message: "Nov 18 19:17:20 np1 kernel: device tap0 entered promiscuous mode"}}}}}},
		Lines: []recheckgen.RankedLine{{ContextLine: recheckgen.ContextLine{File: "job-output.txt", Line: 243, Known: []string{"1796151"},
			Message: "2026-11-18 19:17:21.486780 | controller | [ERROR] /opt/stack/devstack/functions-common:651 git call failed",
			Before:  []recheckgen.LogLine{{Line: 242, Message: "2026-11-18 19:17:21.486716 | controller | fatal: unable to access"}},
			After:   []recheckgen.LogLine{{Line: 244, Message: "2026-11-18 19:17:21.487001 | controller | + exit_trap"}}},
			Score: 9, Reasons: []string{"not in the 5 passing build(s) compared", `error word "ERROR"`}, Count: 2}},
		Baseline:  recheckgen.Baseline{Builds: make([]recheckgen.BaselineBuild, 5), Lines: 4321},
		Signature: "[ERROR] <*> git call failed",
	}
	for i := range e.Baseline.Builds {
		e.Baseline.Builds[i].SameJob = true
	}
	var text bytes.Buffer
	WriteText(&text, e, 14)
	golden(t, "explain.txt", text.String())
	golden(t, "explain.md", Markdown(e, Links{Site: "https://ci.example.org/"}, 5))
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestMarkdownLineLinks: the comment links each line where the site does
// (site.line_url), the file when no template is set, and nothing that is
// not http(s) whatever the template or the build's log URL make of it.
func TestMarkdownLineLinks(t *testing.T) {
	e := &recheckgen.Explanation{Build: recheckgen.Build{UUID: "u1", Job: "j", Result: "FAILURE", LogURL: "https://logs.example.org/u1/"},
		Lines: []recheckgen.RankedLine{{ContextLine: recheckgen.ContextLine{File: "job-output.txt", Line: 243, Message: "ERROR: boom"}, Score: 9}}}
	for _, tc := range []struct {
		lineURL, logURL, want string
	}{
		{"{log_url}{file}#L{line}", "https://logs.example.org/u1/", "(<https://logs.example.org/u1/job-output.txt#L243>)"},
		{"", "https://logs.example.org/u1/", "(<https://logs.example.org/u1/job-output.txt>)"},
		{"javascript:alert({line})", "https://logs.example.org/u1/", "(<https://logs.example.org/u1/job-output.txt>)"},
		{"{log_url}{file}#L{line}", "javascript:alert(1)//", "`job-output.txt:243`"},
	} {
		e.Build.LogURL = tc.logURL
		md := Markdown(e, Links{LineURL: tc.lineURL}, 5)
		if !strings.Contains(md, tc.want) || strings.Contains(md, "javascript") {
			t.Errorf("line_url %q, log_url %q: want %s in\n%s", tc.lineURL, tc.logURL, tc.want, md)
		}
	}
}
