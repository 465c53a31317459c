package reliability

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// bin is the recheckgen binary under test, built by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "recheckgen-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "recheckgen")
	build := exec.Command("go", "build", "-o", bin, "../cmd/recheckgen")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building recheckgen:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	removeCorpora()
	os.Exit(code)
}

// result is how one run of the binary ended.
type result struct {
	code           int // exit status; -1 when killed by a signal
	stdout, stderr string
	maxRSS         int64 // peak resident memory, bytes
	elapsed        time.Duration
	timedOut       bool
}

// run starts the binary in dir with args and waits up to limit. env adds
// variables to the test's environment.
func run(t testing.TB, dir string, limit time.Duration, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("recheckgen %v: %v", args, err)
	}
	peak := watchPeak(cmd.Process.Pid)
	err := cmd.Wait()
	r := result{stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start), timedOut: ctx.Err() != nil}
	if cmd.ProcessState == nil {
		t.Fatalf("recheckgen %v: %v", args, err)
	}
	r.code = cmd.ProcessState.ExitCode()
	r.maxRSS = peak()
	return r
}

// watchPeak follows a running process's peak resident memory (VmHWM of
// /proc/PID/status, read every few milliseconds until it exits) and
// returns a function giving the highest value seen. rusage's ru_maxrss
// cannot be used: Go starts children with vfork, so a child's maximum
// starts at the test process's own size.
func watchPeak(pid int) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		path := fmt.Sprintf("/proc/%d/status", pid)
		for {
			if kib := vmHWM(path); kib > 0 && kib<<10 > peak.Load() {
				peak.Store(kib << 10)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		close(done)
		<-stopped
		return peak.Load()
	}
}

// vmHWM reads the VmHWM line (KiB) of a /proc status file; 0 if gone.
func vmHWM(path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
