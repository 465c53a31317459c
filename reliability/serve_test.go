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
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve"}, args...)...)
	cmd.Dir = p.dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cancel()
		}
		cancel()
	})
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving .* on http://([^/]+)/`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(time.Minute):
		t.Fatal("serve did not start")
	}
	return ""
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
	if addr := startServe(t, p); addr != "127.0.0.1:8000" {
		t.Errorf("serve listens on %s by default", addr)
	}
}
