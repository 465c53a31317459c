package recheckgen

import (
	"fmt"
	"time"
)

// Times that come from outside (build records, log lines, search servers)
// are accepted only between the Unix epoch and a day past the clock: a
// build dated year -1000 or 9999 cannot be encoded as JSON and would blank
// every later report, and one dated in the future would move a window that
// ends at the newest data away from every failure.
var earliest = time.Unix(0, 0).UTC()

// FutureSlack is how far past the clock a time may lie (clock skew between
// a CI system and this machine).
const FutureSlack = 24 * time.Hour

// CheckTime says why t is not a plausible time for CI data seen at now, or
// returns nil. The zero time (unknown) is accepted.
func CheckTime(t, now time.Time) error {
	if t.IsZero() {
		return nil
	}
	if t.Before(earliest) || t.After(now.Add(FutureSlack)) {
		return fmt.Errorf("time %s is outside the accepted range (1970-01-01 to a day past now)", formatAny(t))
	}
	return nil
}

// formatAny writes any time, even one RFC 3339 cannot hold.
func formatAny(t time.Time) string {
	if y := t.Year(); y < 0 || y > 9999 {
		return fmt.Sprintf("in year %d", y)
	}
	return t.UTC().Format(time.RFC3339)
}
