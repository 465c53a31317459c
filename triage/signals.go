package triage

import "strings"

// What one line says on its own, before it is compared with anything:
// how loudly it reports an error, whether it announces that the job (or a
// step of it) failed, and whether it is only a shell's trace of a command.

// Error words and their weight. A line's error level is its heaviest word.
// Exception class names (TypeError, MessagingTimeout, ...) weigh as much as
// ERROR; see wordWeight.
var errorWords = map[string]float64{
	"ERROR": 2.5, "FATAL": 2.5, "CRITICAL": 2.5, "FAILED": 2.5, "FAIL": 2.5, "Traceback": 1,
	"Exception": 2.5, "panic": 2.5, "PANIC": 2.5, "EMERG": 2.5, "ALERT": 2.5,
	"Error": 2, "error": 2, "fatal": 2, "Fatal": 2, "failed": 2, "Failed": 2, "failure": 2, "Failure": 2,
	"FAILURE": 2, "errors": 1.5, "Errno": 2, "segfault": 3.5, "oom-killer": 4, "Killed": 1.5, "killed": 1.5,
	"cannot": 1.5, "Cannot": 1.5, "unable": 1.5, "Unable": 1.5, "refused": 1.5, "denied": 1.5, "Denied": 1.5,
	"timeout": 1.5, "Timeout": 1.5, "timed": 1.5, "unreachable": 1.5, "UNREACHABLE": 2, "Aborted": 1.5,
	"aborted": 1.5, "missing": 1, "Missing": 1, "invalid": 1, "Invalid": 1, "WARNING": 0.5, "Warning": 0.5,
	"wrong": 1, "unexpected": 1, "Unexpected": 1, "corrupt": 1.5, "corrupted": 1.5, "broken": 1, "mismatch": 1,
	"exceeded": 1, "exhausted": 1.5, "Forbidden": 1, "forbidden": 1, "Unauthorized": 1, "unauthorized": 1,
	"crashed": 1.5, "crash": 1, "hung": 1, "stuck": 1, "deadlock": 1.5, "Deadlock": 1.5, "lost": 1,
	"warning": 0.5, "WARN": 0.5, "deprecated": -0.5, "DEPRECATION": -0.5,
}

// errorPhrases weigh like error words but span words. The system running
// out of memory or disk, or killing a process, weighs most: everything
// that fails after it in the build is its consequence.
var errorPhrases = []struct {
	text   string
	weight float64
}{
	{"No such file or directory", 1.5}, {"not found", 1.5}, {"No space left", 4}, {"Out of memory", 4},
	{"Could not", 1.5}, {"could not", 1.5}, {"Permission denied", 2}, {"Segmentation fault", 3.5},
	{"blocked for more than", 3.5}, {"Kernel panic", 4}, {"Call Trace:", 2.5},
	{"Connection refused", 2}, {"No route to host", 2}, {"non-zero", 1.5},
}

// Markers are lines that announce that a job, or a step of it, failed,
// without saying why: the lines just before them usually do. Each is a
// substring of the line (or its start, for those written "^..."), with
// what prints it.
var markers = []struct{ text, what string }{
	{": FAILED! =>", "Ansible: a task failed"},
	{"^fatal: [", "Ansible: a task failed"},
	{"^failed: [", "Ansible: a loop item failed"},
	{"RESULT_TIMED_OUT", "Zuul: the playbook timed out"},
	{"RESULT_FAILURE", "Zuul: the playbook failed"},
	{"RESULT_UNREACHABLE", "Zuul: a node became unreachable"},
	{"InvocationError", "tox: a command failed"},
	{": commands failed", "tox: an environment failed"},
	{": FAIL code ", "tox 4: an environment failed"},
	{"evaluation failed", "tox 4"},
	{"returned non-zero exit status", "Python subprocess"},
	{"non-zero return code", "Ansible command module"},
	{"exited with code", "a command failed"},
	{"exited with status", "a command failed"},
	{"Process completed with exit code", "GitHub Actions"},
	{"ERROR: Job failed", "GitLab CI"},
	{"Bad exit status from", "rpmbuild: a scriptlet failed"},
	{"RPM build errors", "rpmbuild"},
	{"make: *** ", "make"},
	{"]: *** ", "make"},
	{"marked build as failure", "Jenkins"},
	{"Finished: FAILURE", "Jenkins"},
	{"BUILD FAILED", "Ant, Gradle, Xcode"},
	{"Error on exit", "devstack: stack.sh's exit trap"},
	{"ERROR DURING PREVIOUS COMMAND", "tripleo-ci: the toci exit trap"},
	{"Command failed with exit code", "a command failed"},
	{"NO MORE HOSTS LEFT", "Ansible: every host of the play failed"},
	{"Job complete, result: FAILURE", "Zuul v2: the job failed"},
}

// marker says whether body announces a failure, and which kind.
func marker(body string) (string, bool) {
	for _, m := range markers {
		if prefix, ok := strings.CutPrefix(m.text, "^"); ok {
			if strings.HasPrefix(body, prefix) {
				return m.what, true
			}
		} else if strings.Contains(body, m.text) {
			return m.what, true
		}
	}
	// Ansible's and Zuul's recap: "host : ok=3 changed=1 unreachable=0 failed=1 ..."
	if i := strings.Index(body, " failed="); i >= 0 && i+8 < len(body) && body[i+8] >= '1' && body[i+8] <= '9' && strings.Contains(body, " ok=") {
		return "Ansible: the play recap counts a failed task", true
	}
	// Zuul v2: "[Zuul] Task exit code: 1"
	if rest, ok := strings.CutPrefix(body, "[Zuul] Task exit code: "); ok && rest != "0" {
		return "Zuul v2: a task failed", true
	}
	// tox 4: "py3: exit 1 (12.34 seconds) /path> cmd pid=123"
	if i := strings.Index(body, ": exit "); i >= 0 && i+7 < len(body) && body[i+7] >= '1' && body[i+7] <= '9' && strings.Contains(body[i:], " seconds) ") {
		return "tox: a command exited non-zero", true
	}
	if i := strings.Index(body, " unreachable="); i >= 0 && i+13 < len(body) && body[i+13] >= '1' && body[i+13] <= '9' && strings.Contains(body, " ok=") {
		return "Ansible: the play recap counts an unreachable host", true
	}
	return "", false
}

// xtrace says body is a shell's trace of a command (set -x: "+ cmd",
// "++ cmd"): it quotes the script, so its error words are the script's, not
// an error.
func xtrace(body string) bool {
	s := strings.TrimLeft(body, " ")
	i := 0
	for i < len(s) && s[i] == '+' {
		i++
	}
	return i > 0 && i < len(s) && s[i] == ' '
}

// errorLevel weighs how loudly body reports an error, and names the word
// that weighs most. level is the line's own level (oslo.log's, Python
// logging's), "" when it has none. A service's DEBUG line's error words are
// a developer's, not an error: it weighs below nothing. A DEBUG written in
// the text is not a level: mock and DLRN relay a build's whole output,
// errors included, at DEBUG.
func errorLevel(body, level string) (float64, string) {
	switch level {
	case "ERROR", "CRITICAL":
		best, _ := errorLevel(body, "")
		if best < 3 {
			best = 3
		}
		return best, level
	case "DEBUG":
		return -3, "DEBUG"
	}
	best, word := 0.0, ""
	lead := leadingLevel(body)
	warning := level == "WARNING" || lead == "WARNING" || lead == "WARN"
	if warning {
		best, word = 0.5, "WARNING"
	}
	scanWords(body, func(w string, next string, prev string) {
		wt := wordWeight(w)
		if wt <= best || counter(next, prev) {
			return
		}
		if w == "FAILED" && strings.HasPrefix(next, " - RETRYING") {
			wt = 0.5 // Ansible retries a task: it may yet pass
		}
		if wt > best {
			best, word = wt, w
		}
	})
	for _, p := range errorPhrases {
		if p.weight > best && strings.Contains(body, p.text) {
			best, word = p.weight, p.text
		}
	}
	if best < 2 && strings.HasPrefix(strings.TrimLeft(body, " "), "E: ") {
		best, word = 2, "E:" // apt
	}
	if w, code := diagnostic(body); w > best {
		best, word = w, code
	}
	if warning && best > 1 {
		best = 1 // a warning quoting an error: "WARNING: Retrying ... ReadTimeoutError"
	}
	return best, word
}

// leadingLevel is the log level a line starts with, as Python's logging
// and many others write it: "INFO [module] ...", "WARNING: ...",
// "[ERROR] ...", "Warning: ...", upper-cased; "" when there is none.
func leadingLevel(body string) string {
	s := strings.TrimLeft(body, " [")
	end := 0
	for end < len(s) && end < 9 && (s[end] >= 'A' && s[end] <= 'Z' || s[end] >= 'a' && s[end] <= 'z') {
		end++
	}
	if end == 0 || end < len(s) && s[end] != ' ' && s[end] != ':' && s[end] != ']' {
		return ""
	}
	switch w := strings.ToUpper(s[:end]); w {
	case "DEBUG", "INFO", "NOTICE", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL":
		if w != s[:end] && !(s[0] >= 'A' && s[0] <= 'Z' && end < len(s) && s[end] == ':') {
			return "" // "info" or "Info" starting a sentence; "Warning:" is one
		}
		return w
	}
	return ""
}

// diagnostic reads a compiler's or linter's "path:line[:col]: CODE text"
// (flake8's E305, gcc's "error:", shellcheck's SC2086) and weighs it: an
// error or a style error as an error, a warning less.
func diagnostic(body string) (float64, string) {
	s := strings.TrimLeft(body, " ")
	sp := strings.IndexByte(s, ' ')
	if sp < 4 || !strings.HasSuffix(s[:sp], ":") {
		return 0, ""
	}
	loc := strings.Split(strings.TrimSuffix(s[:sp], ":"), ":")
	if len(loc) < 2 || len(loc) > 3 || loc[0] == "" || !digits(loc[1]) || len(loc) == 3 && !digits(loc[2]) {
		return 0, ""
	}
	code, _, _ := strings.Cut(s[sp+1:], " ")
	code = strings.TrimSuffix(code, ":")
	switch {
	case code == "error" || code == "fatal" || code == "Error":
		return 2.5, code
	case code == "warning" || code == "Warning":
		return 1, code
	}
	i := 0
	for i < len(code) && i < 3 && code[i] >= 'A' && code[i] <= 'Z' {
		i++
	}
	if i == 0 || len(code)-i < 2 || len(code)-i > 4 || !digits(code[i:]) {
		return 0, ""
	}
	if code[0] == 'W' || code[0] == 'C' || code[0] == 'I' {
		return 1.5, code
	}
	return 2.5, code
}

// wordWeight weighs one word: errorWords, and exception class names.
func wordWeight(w string) float64 {
	if wt, ok := errorWords[w]; ok {
		return wt
	}
	// A class name: Error, Exception, Timeout, Fault... ending a capitalised
	// word, possibly dotted (oslo_messaging.exceptions.MessagingTimeout).
	last := w[strings.LastIndexByte(w, '.')+1:]
	if len(last) > 5 && last[0] >= 'A' && last[0] <= 'Z' {
		for _, suffix := range []string{"Error", "Exception", "Timeout", "Fault", "Failure", "Deadlock", "Refused", "Exit"} {
			if strings.HasSuffix(last, suffix) && len(last) > len(suffix) {
				return 2.5
			}
		}
	}
	return 0
}

// counter says a word counts something that did not happen: "failed=0",
// "errors: 0", "0 failed", "Failed: 0".
func counter(next, prev string) bool {
	n := strings.TrimLeft(next, " ")
	for _, sep := range []string{"=", ": ", ":"} {
		if rest, ok := strings.CutPrefix(n, sep); ok {
			rest = strings.TrimLeft(rest, " ")
			if strings.HasPrefix(rest, "0") && (len(rest) == 1 || !isDigit(rest[1])) {
				return true
			}
		}
	}
	p := strings.TrimRight(prev, " ")
	return strings.HasSuffix(p, " 0") || p == "0"
}

// scanWords calls fn for each word of s (letters, digits, _ - and . inside
// a word), with the text after and before it on the line.
func scanWords(s string, fn func(word, next, prev string)) {
	for i := 0; i < len(s); {
		if !isWordStart(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && (isWord(s[j]) || (s[j] == '.' || s[j] == '-') && j+1 < len(s) && isWord(s[j+1])) {
			j++
		}
		fn(s[i:j], s[j:min(len(s), j+16)], s[max(0, i-16):i])
		i = j
	}
}

func isWordStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// indent is how many spaces a body starts with.
func indent(body string) int {
	return len(body) - len(strings.TrimLeft(body, " "))
}

// exceptionLine says body reads like the last line of a Python
// traceback: "pkg.module.SomeError: message", or the class alone.
func exceptionLine(body string) bool {
	s := strings.TrimLeft(body, " ")
	end := strings.IndexByte(s, ':')
	if end < 0 {
		end = len(s)
	}
	name := s[:end]
	if name == "" || levelWord(name) || !(name[0] >= 'A' && name[0] <= 'Z' || name[0] >= 'a' && name[0] <= 'z' || name[0] == '_') {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isWord(name[i]) && name[i] != '.' {
			return false
		}
	}
	// The class's own name starts with a capital: MultipleInvalid, OSError.
	last := name[strings.LastIndexByte(name, '.')+1:]
	return last != "" && last[0] >= 'A' && last[0] <= 'Z'
}
