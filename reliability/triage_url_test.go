package reliability

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/replay"
)

// TestTriageURLHostileServers runs `recheckgen triage URL` against a Zuul
// and log server that misbehave, one fault at a time, with the build only
// on the server: each ends with the explanation or a clear message, in
// bounded time and memory, and leaves nothing behind (the build is
// fetched into a temporary directory, removed at the end).
func TestTriageURLHostileServers(t *testing.T) {
	bs, victim := triageVictim(t)
	console := "/logs/" + victim.UUID + "/job-output.txt"
	record := "/api/tenant/sample/build/" + victim.UUID
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(make([]byte, 256<<20))
	zw.Close()
	// code is -1 where it depends on what else the build publishes.
	for _, tc := range []struct {
		name   string
		setup  func(z *replay.Zuul)
		code   int
		output string
	}{
		{"no fault", func(z *replay.Zuul) {}, 0, "Likely failure lines"},
		{"a gzip bomb for a log", func(z *replay.Zuul) {
			z.Inject(replay.Path(console), replay.Fault{Body: bomb.Bytes(), Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, 0, "job-output.txt: cut at 52428800 bytes (fetch.max_file_mib)"},
		{"an endless record", func(z *replay.Zuul) {
			z.Inject(replay.Path(record), replay.Fault{Endless: true})
		}, 1, "response over 1048576 bytes"},
		{"a record that is not JSON", func(z *replay.Zuul) {
			z.Inject(replay.Path(record), replay.Fault{Body: []byte("<html>Service Unavailable</html>")})
		}, 1, "invalid character '<'"},
		{"a hostile manifest", func(z *replay.Zuul) {
			z.SetManifest(victim.UUID, []byte(`{"tree": [{"name": "..", "mimetype": "application/directory", "children": [{"name": "x.txt"}]},`+
				`{"name": "/tmp/x.log"}, {"name": "a\u0007b.log"}, {"name": "logs", "children": [{"name": "../../../../x.log"}]}]}`))
		}, -1, `entry "..": name ".." has a component ".." refused`},
		{"a log_url that is not http", func(z *replay.Zuul) {
			z.SetField(victim.UUID, "log_url", `"file:///etc/"`)
		}, 1, "none of its logs could be fetched"},
		{"a redirect to another scheme", func(z *replay.Zuul) {
			z.Inject(replay.Path(console), replay.Fault{Status: 302, Header: http.Header{"Location": {"https://127.0.0.1:1/x"}}})
		}, -1, "refused: another scheme"},
		{"a server that never answers", func(z *replay.Zuul) {
			z.Inject(replay.Path(console), replay.Fault{Delay: time.Hour})
		}, -1, "no complete answer within the request timeout (1s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := replay.NewZuul(t, bs, replay.ZuulOptions{})
			tc.setup(z)
			p := fetchProject(t, z.API())
			if err := os.Mkdir(p.dir+"/queries", 0o755); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			r := run(t, p.dir, 2*time.Minute, []string{"TMPDIR=" + tmp}, "triage", "--fetch-timeout", "1s", "--retries", "1",
				z.URL+"/t/sample/build/"+victim.UUID)
			t.Logf("exit %d, peak memory %d MiB, %v", r.code, r.maxRSS>>20, r.elapsed.Round(time.Millisecond))
			if (tc.code >= 0 && r.code != tc.code) || r.code > 1 || !strings.Contains(r.stdout+r.stderr, tc.output) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s%s", r.code, tc.code, tc.output, r.stdout, r.stderr)
			}
			if r.code == 0 && !strings.Contains(r.stdout, "Build "+victim.UUID) {
				t.Errorf("no explanation:\n%s", r.stdout)
			}
			if r.maxRSS > catalogueRSS || r.elapsed > time.Minute {
				t.Errorf("peak memory %d MiB (bound %d), %v", r.maxRSS>>20, catalogueRSS>>20, r.elapsed)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in the temporary directory: %v", left)
			}
			if cache, err := os.ReadDir(p.dir + "/.recheckgen/cache"); err == nil && len(cache) != 0 {
				t.Errorf("the fetch cache holds %v: a build fetched on its own belongs to no source", cache)
			}
		})
	}
}

// TestTriageInterrupted: Ctrl-C (SIGINT) or SIGTERM while `triage URL`
// waits on a log server stops it at once, says so, and leaves nothing in
// the temporary directory: the build it was fetching is removed.
func TestTriageInterrupted(t *testing.T) {
	bs, victim := triageVictim(t)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			z := replay.NewZuul(t, bs, replay.ZuulOptions{})
			z.Inject(replay.Path("/logs/"+victim.UUID+"/job-output.txt"), replay.Fault{Delay: time.Hour})
			p := fetchProject(t, z.API())
			if err := os.Mkdir(p.dir+"/queries", 0o755); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			cmd := exec.Command(bin, "triage", "--fetch-timeout", "10m", z.URL+"/t/sample/build/"+victim.UUID)
			cmd.Dir, cmd.Env = p.dir, append(os.Environ(), "TMPDIR="+tmp)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once the fetch has begun: its directory exists.
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if left, _ := os.ReadDir(tmp); len(left) > 0 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("the fetch never began:\n%s", stderr.String())
				}
			}
			time.Sleep(200 * time.Millisecond)
			start := time.Now()
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running 20 s after %v:\n%s", sig, stderr.String())
			}
			t.Logf("exit %d, %v after the signal", cmd.ProcessState.ExitCode(), time.Since(start).Round(time.Millisecond))
			if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(stderr.String(), "recheckgen triage: interrupted") {
				t.Errorf("exit %d, want 1 and \"interrupted\":\n%s", cmd.ProcessState.ExitCode(), stderr.String())
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in the temporary directory: %v", left)
			}
		})
	}
}

// triageVictim is a corpus of 20 builds to serve and a failed build of it
// with a job-output.txt, the one triage is asked about.
func triageVictim(t *testing.T) ([]*replay.Build, *replay.Build) {
	t.Helper()
	bs, err := replay.Load(corpus(t, 20))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if _, ok := b.Files["job-output.txt"]; ok && b.Result != "SUCCESS" {
			return bs, b
		}
	}
	t.Fatal("no failed build with a job-output.txt in the corpus")
	return nil, nil
}
