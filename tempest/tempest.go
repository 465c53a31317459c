// Package tempest reads test results from the console output of tempest
// runs: the per-test lines stestr's subunit-trace filter prints (what
// `tempest run` and `stestr run` show, and what CI job logs hold),
//
//	{0} tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers[id-…,smoke] [1.234567s] ... ok
//	{1} tempest.api.volume.test_volumes_get.VolumesGetTest.test_volume_create_get_update_delete [12.5s] ... FAILED
//	{2} setUpClass (tempest.api.compute.admin.test_live_migration.LiveMigrationTest) ... SKIPPED: Live migration is not available.
//
// the lines of unittest's verbose runner (`test_x (module.Class) ... ok`,
// FAIL, ERROR, skipped 'reason'), and the Totals block subunit-trace ends
// a run with (Ran: N tests ... - Failed: N). Lines may carry any prefix (a
// job-output timestamp and host) and ANSI colours (--color). Everything is
// untrusted input: a line is parsed in time linear in its length, and
// anything that does not have the shape of a result is not one.
package tempest

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/recheckgen/recheckgen"
)

// Result is one test's outcome.
type Result struct {
	// Worker is subunit-trace's worker number, -1 when not printed.
	Worker int
	// Test is the test id without attributes: "tempest.api.….Class.test_method".
	Test string
	// Attrs are the attributes tempest prints in brackets: "id-…,smoke".
	Attrs  string
	Status recheckgen.TestStatus
	// Seconds is the run time, -1 when not printed.
	Seconds float64
	// Reason is a skip's reason.
	Reason string
}

// marker separates a test from its outcome in every format read here.
var marker = []byte(" ... ")

// Maybe is a cheap test of whether a line can hold a result: the ingest
// calls it on every log line.
func Maybe(line []byte) bool { return bytes.Contains(line, marker) }

// ParseLine reads one line; ok is false when it is not a test result.
func ParseLine(line []byte) (r Result, ok bool) {
	i := bytes.LastIndex(line, marker)
	if i < 0 || !outcomeLike(line[i+len(marker):]) {
		return Result{}, false
	}
	left, right := stripANSI(string(line[:i])), strings.TrimSpace(stripANSI(string(line[i+len(marker):])))
	status, reason, ok := outcome(right)
	if !ok {
		return Result{}, false
	}
	r = Result{Worker: -1, Seconds: -1, Status: status, Reason: reason}
	left = strings.TrimRight(left, " ")
	// A run time in brackets: "[1.234567s]", "[]", "[0.5s +12.30%]".
	if strings.HasSuffix(left, "]") {
		if k := strings.LastIndex(left, " ["); k >= 0 {
			if secs, ok := duration(left[k+2 : len(left)-1]); ok {
				r.Seconds = secs
				left = left[:k]
			}
		}
	}
	// unittest's "test_method (module.Class)" and its class-level
	// "setUpClass (module.Class)".
	if strings.HasSuffix(left, ")") {
		k := strings.LastIndex(left, " (")
		if k < 0 {
			return Result{}, false
		}
		method, where := lastField(left[:k]), left[k+2:len(left)-1]
		if !dotted(where) || !identifier(method) {
			return Result{}, false
		}
		if strings.HasSuffix(where, "."+method) { // Python 3.11 prints the whole id
			r.Test = where
		} else {
			r.Test = where + "." + method
		}
		left = strings.TrimRight(left[:k-len(method)], " ")
	} else {
		id := lastField(left)
		left = strings.TrimRight(left[:len(left)-len(id)], " ")
		if k := strings.IndexByte(id, '['); k > 0 && strings.HasSuffix(id, "]") {
			id, r.Attrs = id[:k], id[k+1:len(id)-1]
		}
		if !dotted(id) {
			return Result{}, false
		}
		r.Test = id
	}
	// subunit-trace's worker: "{0}".
	if w := lastField(left); len(w) > 2 && w[0] == '{' && w[len(w)-1] == '}' {
		if n, err := strconv.Atoi(w[1 : len(w)-1]); err == nil && n >= 0 {
			r.Worker = n
		}
	}
	return r, true
}

// outcomeLike is a test, without allocating, of whether what follows
// " ... " can be an outcome: most lines holding the marker ("Setting up
// lvm2 ...") are not results, and the ingest sees them all.
func outcomeLike(b []byte) bool {
	b = bytes.TrimLeft(b, " ")
	if len(b) > 0 && b[0] == 0x1b { // coloured: decided after the colours go
		return true
	}
	for _, w := range outcomeWords {
		if bytes.HasPrefix(b, w) {
			return true
		}
	}
	return false
}

var outcomeWords = [][]byte{[]byte("ok"), []byte("FAIL"), []byte("ERROR"), []byte("SKIPPED"), []byte("skipped"),
	[]byte("expected failure"), []byte("unexpected success")}

// outcome reads what follows " ... ".
func outcome(s string) (recheckgen.TestStatus, string, bool) {
	word, rest, _ := strings.Cut(s, ":")
	switch word {
	case "ok", "expected failure":
		return recheckgen.TestPassed, "", rest == ""
	case "FAILED", "FAIL", "ERROR", "unexpected success":
		return recheckgen.TestFailed, "", rest == ""
	case "SKIPPED":
		return recheckgen.TestSkipped, strings.TrimSpace(rest), true
	}
	if r, ok := strings.CutPrefix(s, "skipped"); ok && (r == "" || r[0] == ' ') {
		return recheckgen.TestSkipped, strings.Trim(strings.TrimSpace(r), "'\""), true
	}
	return "", "", false
}

// duration reads "1.234567s", "0.5s +12.30%" or "" (unknown).
func duration(s string) (float64, bool) {
	if s == "" {
		return -1, true
	}
	s, _, _ = strings.Cut(s, " ")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
	if err != nil || !strings.HasSuffix(s, "s") || v < 0 {
		return 0, false
	}
	return v, true
}

// lastField is the text after the last space.
func lastField(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

// dotted says whether s is a dotted Python path of two parts or more.
func dotted(s string) bool {
	if !strings.Contains(s, ".") {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !identifier(part) {
			return false
		}
	}
	return true
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// stripANSI drops terminal colour sequences (ESC [ ... letter).
func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			if j < len(s) {
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Totals is the summary subunit-trace prints at the end of a run.
type Totals struct {
	Ran, Passed, Skipped, ExpectedFail, UnexpectedSuccess, Failed int
	Seconds                                                       float64
}

// MaxTotals bounds the Totals blocks a Scanner keeps: a run prints one,
// and a hostile log could print millions.
const MaxTotals = 100

// Scanner reads a log line by line: the test results, and the Totals
// blocks between them.
type Scanner struct {
	totals  []Totals
	inBlock bool // after a "Totals" line, until the block ends
}

// Line reads the next line of the log; ok says it is a test result.
func (s *Scanner) Line(line []byte) (r Result, ok bool) {
	if s.inBlock {
		if s.totalsLine(line) {
			return Result{}, false
		}
		s.inBlock = false
	}
	if len(s.totals) < MaxTotals && bytes.Contains(line, []byte("Totals")) && text(line) == "Totals" {
		s.inBlock = true
		s.totals = append(s.totals, Totals{})
		return Result{}, false
	}
	if !Maybe(line) {
		return Result{}, false
	}
	return ParseLine(line)
}

// Totals are the summaries read so far, in order.
func (s *Scanner) Totals() []Totals { return s.totals }

// totalsLine takes a line inside a Totals block; false ends the block.
func (s *Scanner) totalsLine(line []byte) bool {
	t := &s.totals[len(s.totals)-1]
	x := text(line)
	if x == "" || strings.Trim(x, "=") == "" {
		return true
	}
	if rest, ok := strings.CutPrefix(x, "Ran: "); ok {
		n, secs, found := strings.Cut(rest, " tests in ")
		v, err := strconv.Atoi(n)
		if !found || err != nil {
			return false
		}
		t.Ran = v
		t.Seconds, _ = strconv.ParseFloat(strings.TrimSuffix(secs, " sec."), 64)
		return true
	}
	if strings.HasPrefix(x, "Sum of execute time") {
		return false // the block's last line
	}
	name, n, ok := strings.Cut(strings.TrimPrefix(x, "- "), ": ")
	v, err := strconv.Atoi(n)
	if !ok || err != nil {
		return false
	}
	switch name {
	case "Passed":
		t.Passed = v
	case "Skipped":
		t.Skipped = v
	case "Expected Fail":
		t.ExpectedFail = v
	case "Unexpected Success":
		t.UnexpectedSuccess = v
	case "Failed":
		t.Failed = v
	default:
		return false
	}
	return true
}

// text is a line without colours, job-output prefix ("2026-11-20
// 10:00:00.123456 | host | ") and surrounding space.
func text(line []byte) string {
	s := stripANSI(string(line))
	if i := strings.LastIndex(s, " | "); i >= 0 {
		s = s[i+3:]
	} else if strings.HasSuffix(s, " |") {
		s = ""
	}
	return strings.TrimSpace(s)
}
