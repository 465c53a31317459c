package triage

import "strings"

// The placeholders Normalize writes in place of what varies between runs
// of the same job.
const (
	phNumber = "<n>"
	phUUID   = "<uuid>"
	phHex    = "<hex>"
	phIP     = "<ip>"
	phTmp    = "<tmp>"
	phTime   = "<ts>"
	phBuild  = "<build>" // the build's own job, branch, node, ... (see identity)
)

// parts are what a log line is made of, once its prefix is gone.
type parts struct {
	// level and module are oslo.log's ("ERROR", "nova.compute.manager"),
	// "" when the line is not one of its lines.
	level, module string
	// text is what the line says. Indentation after the prefix is kept:
	// it tells a traceback's frames from its last line.
	text string
}

// split takes a log line's prefix off: the leading timestamp, Zuul's
// console separator and node name ("2026-11-18 19:17:21.486780 |
// controller | "), syslog's time and host, oslo.log's process id and the
// request context it logs before the message ("[None req-... user
// project] [instance: ...]", which names the test that ran).
func split(line string) parts {
	s := line
	if n := isoStamp(s); n > 0 {
		s = strings.TrimLeft(s[n:], " ")
		if rest, ok := strings.CutPrefix(s, "| "); ok {
			if n := nodePrefix(rest); n > 0 {
				rest = rest[n:]
			}
			return parts{text: rest}
		}
		if s == "|" {
			return parts{}
		}
		if n := digitsThen(s, ' '); n > 0 {
			if p, ok := oslo(s[n:]); ok {
				return p
			}
		}
		if p, ok := pyLogging(s); ok {
			return p
		}
		return parts{text: s}
	}
	if n := syslogStamp(s); n > 0 {
		s = s[n:]
		// The host, then "program[pid]: message".
		if i := strings.IndexByte(s, ' '); i > 0 && i < 80 {
			s = s[i+1:]
		}
		return parts{text: s}
	}
	if n := bracketStamp(s); n > 0 {
		return parts{text: s[n:]}
	}
	if p, ok := pyLogging(s); ok {
		return p
	}
	return parts{text: s}
}

// pyLogging reads Python logging's default "LEVEL:logger:message", which
// DLRN, for one, writes (and relays a whole rpm build's output in).
func pyLogging(s string) (parts, bool) {
	level, rest, ok := strings.Cut(s[:min(len(s), 200)], ":")
	if !ok || !levelWord(level) {
		return parts{}, false
	}
	module, _, ok := strings.Cut(rest, ":")
	if !ok || module == "" || strings.ContainsAny(module, " \t") {
		return parts{}, false
	}
	return parts{level: level, module: module, text: s[len(level)+1+len(module)+1:]}, true
}

// oslo reads "LEVEL module [context] [instance: ...] message".
func oslo(s string) (parts, bool) {
	level, rest, ok := strings.Cut(s, " ")
	if !ok || !levelWord(level) {
		return parts{}, false
	}
	module, rest, _ := strings.Cut(rest, " ")
	if module == "" {
		return parts{}, false
	}
	for _, open := range []string{"[", "[instance: "} {
		if !strings.HasPrefix(rest, open) {
			continue
		}
		if end := strings.Index(rest[:min(len(rest), 512)], "] "); end >= 0 {
			rest = rest[end+2:]
		} else if strings.HasSuffix(rest, "]") && len(rest) <= 512 {
			rest = ""
		}
	}
	return parts{level: level, module: module, text: rest}, true
}

// Body is the part of a log line that says something: split's text, after
// oslo.log's level and module when the line has them.
func Body(line string) string {
	p := split(line)
	if p.module == "" {
		return p.text
	}
	return p.level + " " + p.module + " " + p.text
}

// isoStamp measures a leading "2026-11-18 19:17:21.486780" (T or space,
// fraction with . or , and a zone optional), 0 when there is none.
func isoStamp(s string) int {
	if !date(s) {
		return 0
	}
	i := 10
	if i < len(s) && (s[i] == ' ' || s[i] == 'T') && clock(s[i+1:]) > 0 {
		i += 1 + clock(s[i+1:])
	} else {
		return 0
	}
	return i + zone(s[i:])
}

// date says s starts with YYYY-MM-DD.
func date(s string) bool {
	return len(s) >= 10 && digits(s[:4]) && s[4] == '-' && digits(s[5:7]) && s[7] == '-' && digits(s[8:10])
}

// clock measures a leading h:mm:ss or hh:mm:ss with an optional fraction.
func clock(s string) int {
	i := 0
	for i < len(s) && i < 2 && isDigit(s[i]) {
		i++
	}
	if i == 0 || len(s) < i+6 || s[i] != ':' || !digits(s[i+1:i+3]) || s[i+3] != ':' || !digits(s[i+4:i+6]) {
		return 0
	}
	i += 6
	if i+1 < len(s) && (s[i] == '.' || s[i] == ',') && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i
}

// zone measures a leading Z, +hh:mm or +hhmm.
func zone(s string) int {
	switch {
	case strings.HasPrefix(s, "Z"):
		return 1
	case len(s) >= 6 && (s[0] == '+' || s[0] == '-') && digits(s[1:3]) && s[3] == ':' && digits(s[4:6]):
		return 6
	case len(s) >= 5 && (s[0] == '+' || s[0] == '-') && digits(s[1:5]) && (len(s) == 5 || !isWord(s[5])):
		return 5
	}
	return 0
}

var months = []string{"Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ", "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec "}

// syslogStamp measures a leading "Nov 18 19:17:21 " (microseconds allowed,
// as journalctl's short-precise form writes them).
func syslogStamp(s string) int {
	if len(s) < 16 {
		return 0
	}
	ok := false
	for _, m := range months {
		if strings.HasPrefix(s, m) {
			ok = true
			break
		}
	}
	if !ok || !(s[4] == ' ' || isDigit(s[4])) || !isDigit(s[5]) || s[6] != ' ' {
		return 0
	}
	n := clock(s[7:])
	if n == 0 || 7+n >= len(s) || s[7+n] != ' ' {
		return 0
	}
	return 7 + n + 1
}

// bracketStamp measures a leading "[2026-11-18 19:17:21] " or "[   16s] "
// (the build service's elapsed time).
func bracketStamp(s string) int {
	if !strings.HasPrefix(s, "[") {
		return 0
	}
	end := strings.IndexByte(s[:min(len(s), 40)], ']')
	if end < 0 {
		return 0
	}
	in := strings.TrimSpace(s[1:end])
	elapsed := strings.TrimSuffix(in, "s")
	if !(isoStamp(in) == len(in) && in != "" || elapsed != in && digits(strings.ReplaceAll(elapsed, ".", ""))) {
		return 0
	}
	return end + 1 + len(s[end+1:]) - len(strings.TrimLeft(s[end+1:], " "))
}

// nodePrefix measures Zuul's "node | " before a command's output.
func nodePrefix(s string) int {
	for i := 0; i < len(s) && i < 64; i++ {
		c := s[i]
		if c == ' ' {
			if strings.HasPrefix(s[i:], " | ") && i > 0 {
				return i + 3
			}
			return 0
		}
		if !(isWord(c) || c == '.' || c == '-') {
			return 0
		}
	}
	return 0
}

// digitsThen measures a leading run of digits followed by c, 0 when there
// is none.
func digitsThen(s string, c byte) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != c {
		return 0
	}
	return i + 1
}

// levelWord says w is an oslo.log level.
func levelWord(w string) bool {
	switch w {
	case "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "TRACE", "AUDIT":
		return true
	}
	return false
}

// Normalize appends s to dst with what varies between runs of one job
// replaced by placeholders: uuids, hexadecimal ids (0x7f3a..., git and
// Zuul ids), IPv4 and IPv6 addresses, paths under /tmp and /var/tmp,
// dates and times, and numbers. Runs of white space become one space, and
// leading and trailing space goes. It is one pass over s.
func Normalize(dst []byte, s string) []byte {
	start := len(dst)
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			space = true
			i++
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		if i == 0 || !isWord(s[i-1]) {
			if n, ph := volatile(s[i:], i > 0 && s[i-1] == '.'); n > 0 {
				dst = append(dst, ph...)
				i += n
				continue
			}
		} else if isDigit(c) && i+1 < len(s) && isDigit(s[i+1]) {
			// Two digits or more inside a word: a host number, a counter.
			n := 0
			for i+n < len(s) && isDigit(s[i+n]) {
				n++
			}
			dst = append(dst, phNumber...)
			i += n
			continue
		}
		dst = append(dst, c)
		i++
	}
	return dst
}

// volatile measures a varying token at the start of s and names its
// placeholder; 0 when s starts with none. afterDot says a dot comes just
// before s: a.b.c.d there is the end of a longer version, not an address.
func volatile(s string, afterDot bool) (int, string) {
	c := s[0]
	if c == '/' {
		if n := tmpPath(s); n > 0 {
			return n, phTmp
		}
		return 0, ""
	}
	if !isHex(c) {
		return 0, ""
	}
	if n := uuid(s); n > 0 {
		return n, phUUID
	}
	if isDigit(c) {
		if date(s) {
			n := 10
			if n < len(s) && (s[n] == ' ' || s[n] == 'T') {
				if k := clock(s[n+1:]); k > 0 {
					n += 1 + k
				}
			}
			return n + zone(s[n:]), phTime
		}
		if n := clock(s); n > 0 && (n == len(s) || !isWord(s[n])) {
			return n, phTime
		}
		if n := ipv4(s); n > 0 && !afterDot {
			return n, phIP
		}
	}
	if n := ipv6(s); n > 0 && !afterDot {
		return n, phIP
	}
	if c == '0' && len(s) > 2 && (s[1] == 'x' || s[1] == 'X') && isHex(s[2]) {
		n := 2
		for n < len(s) && isHex(s[n]) {
			n++
		}
		return n, phHex
	}
	if n := hexID(s); n > 0 {
		return n, phHex
	}
	if isDigit(c) {
		n := 0
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		return n, phNumber
	}
	return 0, ""
}

// tmpPath measures a path under /tmp or /var/tmp: temporary names differ
// on every run.
func tmpPath(s string) int {
	var rest string
	switch {
	case strings.HasPrefix(s, "/tmp"):
		rest = s[4:]
	case strings.HasPrefix(s, "/var/tmp"):
		rest = s[8:]
	default:
		return 0
	}
	if rest != "" && rest[0] != '/' && isPathByte(rest[0]) {
		return 0 // /tmpfs, /tmpdir
	}
	n := len(s) - len(rest)
	for n < len(s) && isPathByte(s[n]) {
		n++
	}
	return n
}

// isPathByte: what a path goes on with (a colon or comma ends it, as in
// "/var/tmp/rpm-tmp.JufUNF: line 42").
func isPathByte(c byte) bool {
	return isWord(c) || c == '/' || c == '.' || c == '-' || c == '+' || c == '~' || c == '%' || c == '@' || c >= 0x80
}

// uuid measures 8-4-4-4-12 hexadecimal digits.
func uuid(s string) int {
	if len(s) < 36 {
		return 0
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return 0
			}
		default:
			if !isHex(s[i]) {
				return 0
			}
		}
	}
	if len(s) > 36 && isAlnum(s[36]) {
		return 0
	}
	return 36
}

// ipv4 measures a.b.c.d, with a port when one follows.
func ipv4(s string) int {
	i := 0
	for part := 0; part < 4; part++ {
		if part > 0 {
			if i >= len(s) || s[i] != '.' {
				return 0
			}
			i++
		}
		k := 0
		for i < len(s) && isDigit(s[i]) && k < 4 {
			i++
			k++
		}
		if k == 0 || k > 3 {
			return 0
		}
	}
	if i < len(s) && (isAlnum(s[i]) || s[i] == '.' && i+1 < len(s) && isDigit(s[i+1])) {
		return 0 // a version, 1.2.3.4.5
	}
	if i+1 < len(s) && s[i] == ':' && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && s[i] == '/' && i+1 < len(s) && isDigit(s[i+1]) { // a prefix length
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return i
}

// ipv6 measures groups of up to four hexadecimal digits joined by colons:
// at least six groups, or fewer around a "::" (a MAC address is caught too,
// which is as volatile).
func ipv6(s string) int {
	i, groups, double := 0, 0, false
	if strings.HasPrefix(s, "::") {
		i, double = 2, true
	}
	for i < len(s) && groups < 8 {
		k := 0
		for i+k < len(s) && isHex(s[i+k]) && k < 5 {
			k++
		}
		if k == 0 || k > 4 {
			if k > 4 {
				return 0
			}
			break
		}
		i += k
		groups++
		if i < len(s) && s[i] == ':' {
			if i+1 < len(s) && s[i+1] == ':' {
				if double {
					break
				}
				double = true
				i += 2
				continue
			}
			if i+1 < len(s) && isHex(s[i+1]) {
				i++
				continue
			}
		}
		break
	}
	if i < len(s) && isAlnum(s[i]) {
		return 0
	}
	if groups >= 6 || double && groups >= 2 {
		return i
	}
	return 0
}

// hexID measures an identifier of hexadecimal digits: at least six, with
// two digits or more and a letter (of one case), ending the word.
func hexID(s string) int {
	n, digit, lower, upper := 0, 0, false, false
	for n < len(s) && isHex(s[n]) {
		switch c := s[n]; {
		case isDigit(c):
			digit++
		case c >= 'a':
			lower = true
		default:
			upper = true
		}
		n++
	}
	if n < 6 || digit < 2 || lower == upper || n < len(s) && isAlnum(s[n]) {
		return 0
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isWord: letters, digits and _, and any byte of a multi-byte character.
func isWord(c byte) bool { return isAlnum(c) || c == '_' || c >= 0x80 }

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// fingerprint hashes normalised text (64-bit FNV-1a): baselines and
// repetition counts hold these, not the text.
func fingerprint(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}
