package analysis

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// optionalTime is Elasticsearch's date_optional_time, each part after the
// year optional: yyyy[-MM[-dd[THH[:mm[:ss[.fraction]]][zone]]]].
var optionalTime = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$`)

// DateBound reads a time a query names on a date field (`@timestamp`), in
// epoch milliseconds, as Elasticsearch reads a range's bounds and a term:
// date_optional_time (no zone is UTC), or epoch milliseconds. Rounding up,
// for an inclusive upper bound and an exclusive lower one, what the text
// leaves out of the time of day takes its greatest value (a missing month
// or day is the first): `[* TO 2026-11-20]` reaches 2026-11-20T23:59:59.999,
// `2026-11-20T10:00` up is 10:00:59.999, `2026-11` up is
// 2026-11-01T23:59:59.999 (later Elasticsearch 1.x releases and OpenSearch
// alike; older ones did not round an exclusive lower bound). Date math
// (`now-1d`, `...||/d`) is not read: ok is false, as for text that is no
// date.
func DateBound(s string, up bool) (ms int64, ok bool) {
	m := optionalTime.FindStringSubmatch(s)
	if m == nil {
		if strings.TrimLeft(s, "-0123456789") != "" || s == "" || s == "-" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64) // epoch_millis
		return n, err == nil
	}
	num := func(s string, unset int) int {
		if s == "" {
			return unset
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	year, month, day := num(m[1], 0), num(m[2], 1), num(m[3], 1)
	hour, minute, sec := num(m[4], 0), num(m[5], 0), num(m[6], 0)
	nanos := 0
	if m[7] != "" {
		nanos = num((m[7] + "00000000")[:9], 0)
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" {
		d := strings.ReplaceAll(z[1:], ":", "")
		off := num(d[:2], 0) * 3600
		if len(d) == 4 {
			off += num(d[2:], 0) * 60
		}
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone(z, off)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc)
	if t.Month() != time.Month(month) || t.Day() != day || t.Hour() != hour || t.Minute() != minute || t.Second() != sec {
		return 0, false // 2026-02-30, 25:00: no date
	}
	if !up {
		return t.UnixMilli(), true
	}
	var end time.Time
	switch {
	case m[7] != "":
		return t.UnixMilli(), true
	case m[6] != "":
		end = t.Add(time.Second)
	case m[5] != "":
		end = t.Add(time.Minute)
	case m[4] != "":
		end = t.Add(time.Hour)
	default:
		end = t.AddDate(0, 0, 1)
	}
	return end.UnixMilli() - 1, true
}

// DateMath reports a date written with date math (`now-1d`,
// `2026-11-20||+1d`), which DateBound does not read.
func DateMath(s string) bool { return strings.HasPrefix(s, "now") || strings.Contains(s, "||") }
