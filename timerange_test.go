package recheckgen

import (
	"testing"
	"time"
)

func TestCheckTime(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		t    time.Time
		want string // "" when accepted
	}{
		{time.Time{}, ""},
		{time.Unix(0, 0), ""},
		{now, ""},
		{now.Add(23 * time.Hour), ""},
		{now.Add(25 * time.Hour), "time 2026-12-01T13:00:00Z is outside the accepted range (1970-01-01 to a day past now)"},
		{time.Unix(-1, 0), "time 1969-12-31T23:59:59Z is outside"},
		{time.Unix(-99999999999, 0), "time in year -1199 is outside"},
		{time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), "time 9999-01-01T00:00:00Z is outside"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "time in year 10000 is outside"},
	} {
		err := CheckTime(tc.t, now)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.t, err)
		case tc.want != "" && (err == nil || len(err.Error()) < len(tc.want) || err.Error()[:len(tc.want)] != tc.want):
			t.Errorf("%v: got %v, want %q...", tc.t, err, tc.want)
		}
	}
}
