package opensearchtest

import (
	"strconv"
	"time"

	"github.com/recheckgen/recheckgen/analysis"
)

// parseDate reads the date formats of strict_date_optional_time: a zone
// is optional (none is UTC).
func parseDate(s string) (time.Time, bool) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// dateValue is a date field's value in epoch milliseconds.
func dateValue(x any) (float64, bool) {
	switch x := x.(type) {
	case float64:
		return x, true
	case string:
		if t, ok := parseDate(x); ok {
			return float64(t.UnixMilli()), true
		}
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, true
		}
	}
	return 0, false
}

// dateBound is a bound a query gives a date field, in epoch
// milliseconds, rounded as analysis.DateBound says (numbers are exact).
func dateBound(x any, up bool) (float64, bool) {
	switch x := x.(type) {
	case float64:
		return x, true
	case string:
		ms, ok := analysis.DateBound(x, up)
		return float64(ms), ok
	}
	return 0, false
}
