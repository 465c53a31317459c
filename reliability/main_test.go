package reliability

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
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
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start), timedOut: ctx.Err() != nil}
	if cmd.ProcessState == nil {
		t.Fatalf("recheckgen %v: %v", args, err)
	}
	r.code = cmd.ProcessState.ExitCode()
	r.maxRSS = maxRSS(cmd.ProcessState)
	return r
}

// maxRSS reads a finished process's peak resident memory.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss // bytes there
	}
	return ru.Maxrss * 1024 // KiB on Linux
}
