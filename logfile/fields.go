package logfile

import (
	"bytes"
	"strings"
)

// Fields are the structured parts elastic-recheck's log pipeline pulled out
// of a line: oslo.log's level and module (logger name), and syslog's
// program. Empty when the line has none.
type Fields struct {
	Level   string // loglevel: DEBUG, INFO, WARNING, ERROR, CRITICAL, TRACE
	Module  string // module: the oslo.log logger, "oslo_messaging.rpc.server"
	Program string // syslog_program: "kernel", "systemd", "proxy-server"
}

var levels = [][]byte{[]byte("DEBUG"), []byte("INFO"), []byte("WARNING"), []byte("ERROR"), []byte("CRITICAL"), []byte("TRACE")}

// ParseFields reads the fields of a line that starts with a timestamp.
func ParseFields(line []byte) Fields {
	switch {
	case len(line) > 19 && isDigit(line[0]):
		return osloFields(line)
	case len(line) > 16 && line[0] >= 'A' && line[0] <= 'S':
		return syslogFields(line)
	}
	return Fields{}
}

// osloFields reads "TIMESTAMP PID LEVEL MODULE ...".
func osloFields(line []byte) Fields {
	var w [5][]byte
	words := w[:firstWords(line[:min(len(line), 200)], w[:])]
	// words[0] date, [1] time, [2] pid, [3] level, [4] module
	if len(words) < 5 || !allDigits(words[2]) {
		return Fields{}
	}
	for _, l := range levels {
		if bytes.Equal(words[3], l) {
			return Fields{Level: string(l), Module: string(words[4])}
		}
	}
	return Fields{}
}

// syslogFields reads "Mmm dd hh:mm:ss HOST PROGRAM[PID]: ...", and
// journalctl's short-precise form with microseconds after the seconds
// ("Mmm dd hh:mm:ss.ffffff HOST ..."), which devstack's screen-*.txt files
// are exported in.
func syslogFields(line []byte) Fields {
	rest := line[15:]
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		rest = rest[i:]
	}
	var w [2][]byte
	words := w[:firstWords(rest[:min(len(rest), 200)], w[:])]
	if len(words) < 2 {
		return Fields{}
	}
	prog := words[1]
	if i := bytes.IndexAny(prog, "[:"); i >= 0 {
		prog = prog[:i]
	} else {
		return Fields{}
	}
	if len(prog) == 0 {
		return Fields{}
	}
	return Fields{Program: string(prog)}
}

// firstWords fills dst with the first words of b, split at ASCII white
// space, and returns how many it found: bytes.Fields for the start of a
// line, without allocating (it runs on every line ingested). Unlike
// bytes.Fields it does not split at Unicode spaces (U+0085, U+00A0, ...),
// which no oslo.log or syslog prefix holds.
func firstWords(b []byte, dst [][]byte) int {
	n := 0
	for n < len(dst) {
		for len(b) > 0 && isSpace(b[0]) {
			b = b[1:]
		}
		if len(b) == 0 {
			break
		}
		end := bytes.IndexAny(b, asciiSpace)
		if end < 0 {
			end = len(b)
		}
		dst[n] = b[:end]
		n++
		b = b[end:]
	}
	return n
}

const asciiSpace = " \t\n\v\f\r"

func isSpace(c byte) bool { return strings.IndexByte(asciiSpace, c) >= 0 }

func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}
