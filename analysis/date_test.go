package analysis

import (
	"testing"
	"time"
)

// A date in a query as Elasticsearch reads it: each case is what its
// DateMathParser makes of the text, rounding down and up.
func TestDateBound(t *testing.T) {
	ms := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	for _, c := range []struct {
		in       string
		down, up string // "" when it is no date
	}{
		{"2026-11-20", "2026-11-20T00:00:00Z", "2026-11-20T23:59:59.999Z"},
		{"2026-11", "2026-11-01T00:00:00Z", "2026-11-01T23:59:59.999Z"},
		{"2026", "2026-01-01T00:00:00Z", "2026-01-01T23:59:59.999Z"},
		{"2026-11-20T10", "2026-11-20T10:00:00Z", "2026-11-20T10:59:59.999Z"},
		{"2026-11-20T10:00", "2026-11-20T10:00:00Z", "2026-11-20T10:00:59.999Z"},
		{"2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z", "2026-11-20T10:00:00.999Z"},
		{"2026-11-20T10:00:00.5", "2026-11-20T10:00:00.5Z", "2026-11-20T10:00:00.5Z"},
		{"2026-11-20T10:00:00.123456Z", "2026-11-20T10:00:00.123Z", "2026-11-20T10:00:00.123Z"},
		{"2026-11-20T10:00:00+02:00", "2026-11-20T08:00:00Z", "2026-11-20T08:00:00.999Z"},
		{"2026-11-20T10:00:00-0130", "2026-11-20T11:30:00Z", "2026-11-20T11:30:00.999Z"},
		{"1763632800000", "2025-11-20T10:00:00Z", "2025-11-20T10:00:00Z"},
		{"2026-02-30", "", ""},
		{"2026-11-20T25:00", "", ""},
		{"now-1d", "", ""},
		{"2026-11-20||+1d", "", ""},
		{"yesterday", "", ""},
		{"", "", ""},
		{"2026-11-20t10:00", "", ""},
	} {
		for _, up := range []bool{false, true} {
			want := c.down
			if up {
				want = c.up
			}
			got, ok := DateBound(c.in, up)
			switch {
			case want == "" && ok:
				t.Errorf("DateBound(%q, %v) = %d, want no date", c.in, up, got)
			case want != "" && (!ok || got != ms(want)):
				t.Errorf("DateBound(%q, %v) = %v %v, want %s", c.in, up, time.UnixMilli(got).UTC().Format(time.RFC3339Nano), ok, want)
			}
		}
	}
	if !DateMath("now-1d/d") || !DateMath("2026-11-20||/M") || DateMath("2026-11-20") {
		t.Error("DateMath")
	}
}
