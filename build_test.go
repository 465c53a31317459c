package recheckgen

import "testing"

// TestFailedAndPassed holds the one definition of a failed build: every
// result but SUCCESS and SKIPPED, and no result at all (still running) is
// neither failed nor passed.
func TestFailedAndPassed(t *testing.T) {
	for _, c := range []struct {
		result         string
		failed, passed bool
	}{
		{"SUCCESS", false, true},
		{"SKIPPED", false, false},
		{"", false, false},
		{"FAILURE", true, false},
		{"TIMED_OUT", true, false},
		{"POST_FAILURE", true, false},
		{"NODE_FAILURE", true, false},
		{"RETRY_LIMIT", true, false},
		{"UNSTABLE", true, false},
		{"success", true, false}, // results are upper case; anything else is no success
	} {
		b := Build{Result: c.result}
		if b.Failed() != c.failed || b.Passed() != c.passed {
			t.Errorf("%q: failed %v passed %v, want %v %v", c.result, b.Failed(), b.Passed(), c.failed, c.passed)
		}
	}
	for _, r := range NotFailedResults {
		if (Build{Result: r}).Failed() {
			t.Errorf("%s is in NotFailedResults but counts as failed", r)
		}
	}
}
