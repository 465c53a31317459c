package reliability

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startServe runs `recheckgen serve` with args in p and returns the
// address it serves on; the server stops when the test ends.
func startServe(t *testing.T, p *project, args ...string) string {
	t.Helper()
	addr, stderr := tryServe(t, p, args...)
	if addr == "" {
		t.Fatalf("serve did not start:\n%s", stderr)
	}
	return addr
}

// tryServe runs `recheckgen serve` with args in p and returns the address
// it serves on, or "" and what it said if it ended without serving.
func tryServe(t *testing.T, p *project, args ...string) (addr, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve"}, args...)...)
	cmd.Dir = p.dir
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
		}
		cancel()
	})
	found := make(chan string, 1)
	var said strings.Builder
	go func() {
		defer close(exited)
		re := regexp.MustCompile(`serving .* on http://([^/]+)/`)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				io.Copy(io.Discard, pipe)
				break
			}
			said.WriteString(sc.Text() + "\n")
		}
		cmd.Wait()
	}()
	select {
	case a := <-found:
		return a, ""
	case <-exited:
		return "", said.String()
	case <-time.After(time.Minute):
		return "", said.String() + "(still not serving after a minute)"
	}
}

// rawGet sends a request line as written, so no client cleans the path.
func rawGet(t *testing.T, addr, target string) (status, body string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
	data, _ := io.ReadAll(conn)
	status, body, _ = strings.Cut(string(data), "\r\n")
	return status, body
}

// TestServeStaysInPublic: no request path, however encoded, and no link
// inside public/ reads a file outside it.
func TestServeStaysInPublic(t *testing.T) {
	p := newProject(t, corpus(t, 30))
	secretDir := t.TempDir()
	write(t, secretDir, "passwd", []byte("SECRET-OUTSIDE-PUBLIC\n"))
	addr := startServe(t, p, "--addr", "127.0.0.1:0")
	if err := os.Symlink(filepath.Join(secretDir, "passwd"), filepath.Join(p.public, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(p.public, filepath.Join(secretDir, "passwd"))
	for _, target := range []string{
		"/" + rel,
		"/../../../../../../../../" + strings.TrimPrefix(secretDir, "/") + "/passwd",
		"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e" + secretDir + "/passwd",
		"/..%2f..%2f..%2f..%2f..%2f..%2f..%2f.." + strings.ReplaceAll(secretDir, "/", "%2f") + "%2fpasswd",
		`/..\..\..\..\..\..\..\..` + strings.ReplaceAll(secretDir, "/", `\`) + `\passwd`,
		"/%2e%2e%5c%2e%2e%5c%2e%2e%5c%2e%2e%5c%2e%2e%5c%2e%2e" + strings.ReplaceAll(secretDir, "/", "%5c") + "%5cpasswd",
		"/" + secretDir + "/passwd",
		"/leak.txt",
		"/./leak.txt",
	} {
		status, body := rawGet(t, addr, target)
		if strings.Contains(body, "SECRET-OUTSIDE-PUBLIC") {
			t.Errorf("GET %s read a file outside public/ (%s)", target, status)
		}
	}
	if status, body := rawGet(t, addr, "/"); !strings.Contains(status, "200") || !strings.Contains(body, "</html>") {
		t.Errorf("the site itself is not served: %s", status)
	}
}

// TestServeListensOnLoopback: with no --addr, serve is reachable from
// this machine only.
func TestServeListensOnLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:8000")
	if err != nil {
		t.Skipf("port 8000 is taken here, so the default address cannot be tried: %v", err)
	}
	ln.Close()
	p := newProject(t, corpus(t, 30))
	addr, stderr := tryServe(t, p)
	if addr == "" && strings.Contains(stderr, "address already in use") {
		// Another process took the port since it was tried above (a
		// second run of this suite on the machine, say).
		t.Skipf("port 8000 was taken meanwhile: %s", stderr)
	}
	if addr != "127.0.0.1:8000" {
		t.Errorf("serve listens on %q by default:\n%s", addr, stderr)
	}
}
