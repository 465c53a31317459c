// Package logfile reads CI log files: it opens plain and gzip files alike,
// refuses binary ones, splits lines with a length limit, cleans invalid
// UTF-8, strips console.html markup, finds each line's timestamp, and names
// files the way elastic-recheck's indices do (filename and tags).
package logfile

import (
	"time"
)

// Timestamp finds the time at the start of a log line, in the forms CI
// logs use:
//
//	2016-09-26 10:12:11.891987 | ...          job-output.txt, console.html
//	2026-11-20 10:00:00.123 1234 ERROR ...    oslo.log service logs
//	2026-11-20T10:00:00.123Z ...              ISO 8601 / RFC 3339
//	Nov 20 10:00:00 host prog[1]: ...         syslog (year from ref)
//
// Times without a zone are UTC, as Zuul writes them.
func Timestamp(line []byte, ref time.Time) (time.Time, bool) {
	if len(line) >= 19 && isDigit(line[0]) {
		return isoPrefix(line)
	}
	if len(line) >= 15 && line[0] >= 'A' && line[0] <= 'S' {
		return syslogPrefix(line, ref)
	}
	return time.Time{}, false
}

// isoPrefix parses "YYYY-MM-DD[ T]hh:mm:ss[.frac][Z|±hh:mm]" by hand: the
// standard library's layouts would need one attempt per variant on every
// line of every file.
func isoPrefix(b []byte) (time.Time, bool) {
	if b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := num(b[0:4])
	mon, ok2 := num(b[5:7])
	day, ok3 := num(b[8:10])
	hh, ok4 := num(b[11:13])
	mm, ok5 := num(b[14:16])
	ss, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		scale := 100000000
		for ; i < len(b) && isDigit(b[i]); i++ {
			nsec += int(b[i]-'0') * scale
			scale /= 10
		}
	}
	loc := time.UTC
	offset := 0
	switch {
	case i < len(b) && b[i] == 'Z':
	case i+3 <= len(b) && (b[i] == '+' || b[i] == '-') && b[10] == 'T':
		oh, okh := num(b[i+1 : i+3])
		j := i + 3
		if j < len(b) && b[j] == ':' {
			j++
		}
		if j+2 <= len(b) {
			om, okm := num(b[j : j+2])
			if okh && okm {
				offset = (oh*60 + om) * 60
				if b[i] == '-' {
					offset = -offset
				}
			}
		}
	}
	t := time.Date(year, time.Month(mon), day, hh, mm, ss, nsec, loc)
	return t.Add(-time.Duration(offset) * time.Second), true
}

var months = map[string]time.Month{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
	"Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}

// syslogPrefix parses "Mmm dd hh:mm:ss"; the year is ref's, or the year
// before when that would put the line after ref by more than a day (a job
// that ran over New Year).
func syslogPrefix(b []byte, ref time.Time) (time.Time, bool) {
	mon, ok := months[string(b[0:3])]
	if !ok || b[3] != ' ' || b[6] != ' ' || b[9] != ':' || b[12] != ':' {
		return time.Time{}, false
	}
	dayb := b[4:6]
	if dayb[0] == ' ' {
		dayb = dayb[1:]
	}
	day, ok1 := num(dayb)
	hh, ok2 := num(b[7:9])
	mm, ok3 := num(b[10:12])
	ss, ok4 := num(b[13:15])
	if !(ok1 && ok2 && ok3 && ok4) || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, false
	}
	year := ref.Year()
	if ref.IsZero() {
		year = time.Now().Year()
	}
	t := time.Date(year, mon, day, hh, mm, ss, 0, time.UTC)
	if !ref.IsZero() && t.After(ref.Add(24*time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t, true
}

func num(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
