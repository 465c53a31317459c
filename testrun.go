package recheckgen

import "time"

// TestStatus is a test's outcome in one run.
type TestStatus string

// The outcomes a test runner prints.
const (
	TestPassed  TestStatus = "ok"
	TestFailed  TestStatus = "FAILED"
	TestSkipped TestStatus = "SKIPPED"
)

// TestRun is one test's result in one build, as the build's log printed
// it.
type TestRun struct {
	Build Build
	// Test is the test's id without tempest's attributes
	// ("tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers").
	Test    string
	Status  TestStatus
	Seconds float64
	// Where the result was printed.
	File string
	Line int
	Time time.Time
}

// TestTotals is the summary a test run printed at its end.
type TestTotals struct {
	Build                        Build
	Ran, Passed, Skipped, Failed int
}
