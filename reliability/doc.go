// Package reliability is the standing reliability suite: tests that drive
// the real recheckgen binary (built once per run) with hostile and broken
// input — crashes at random points, two runs at once, full disks, hostile
// build directories, servers that misbehave — and check the promises the
// docs state: nothing outside a build leaks, nothing stalls, the store
// stays whole, and public/ is always a complete site. It holds no code
// besides its tests; CI runs it with the rest (`go test ./...`).
package reliability
