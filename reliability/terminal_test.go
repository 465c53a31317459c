package reliability

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestTerminalEscapesAreShown: escape sequences in log lines, build
// records and file names reach a person's terminal as visible characters,
// never as commands; JSON output keeps the text exact.
func TestTerminalEscapesAreShown(t *testing.T) {
	corpusDir := t.TempDir()
	p := newProject(t, corpusDir)
	const osc = "\x1b]0;owned\x07\x1b]52;c;aGk=\x07\x1b[2J\u009b31m"
	b := corpusDir + "/case"
	write(t, b, "build.json", []byte(`{"uuid": "case", "job_name": "job\u001b[2J", "result": "FAILURE", "start_time": "2026-11-20T10:00:00"}`))
	write(t, b, "job-output.txt", []byte("2026-11-20 10:00:00.000000 | boom "+osc+" end\n"))
	write(t, b, "logs/bad\x1b]0;name\x07.txt", []byte("caf\xe9\n"))
	// A newline in a name must not start a line of its own: a CI log reads
	// a line starting "::error" as a command.
	write(t, b, "logs/x\n::error title=forged::pwned.txt", []byte("\x7fELF\x00\x00"))

	r := run(t, p.dir, time.Minute, nil, "ingest", corpusDir)
	if r.code != 0 {
		t.Fatalf("ingest: %d\n%s", r.code, r.stderr)
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") {
		t.Errorf("ingest printed control characters:\n%q", r.stdout+r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "\n::error") || !strings.Contains(r.stdout, "x␊::error title=forged::pwned.txt: skipped: binary file") {
		t.Errorf("a newline in a file name starts a line of its own:\n%s", r.stdout+r.stderr)
	}
	if !strings.Contains(r.stdout, "bad␛]0;name␇.txt") {
		t.Errorf("the file name is not shown visibly:\n%s", r.stdout)
	}

	r = run(t, p.dir, time.Minute, nil, "query", "message:boom")
	out := r.stdout + r.stderr
	if r.code != 0 || strings.ContainsAny(out, "\x1b\x07") || strings.Contains(out, "\u009b") {
		t.Errorf("query printed control characters (exit %d):\n%q", r.code, out)
	}
	if !strings.Contains(out, "boom ␛]0;owned␇␛]52;c;aGk=␇␛[2J\\u009b31m end") || !strings.Contains(out, "job␛[2J") {
		t.Errorf("the line and job are not shown visibly:\n%s", out)
	}

	r = run(t, p.dir, time.Minute, nil, "query", "--json", "message:boom")
	var doc struct {
		Recent []struct{ Message string } `json:"recent"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("query --json: %v\n%s", err, r.stdout)
	}
	if len(doc.Recent) != 1 || !strings.Contains(doc.Recent[0].Message, osc) {
		t.Errorf("JSON output must keep the text exact: %+v", doc.Recent)
	}
}
