package reliability

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Promises of the OpenSearch backend against a hostile server, each
// checked on the real binary: bounded memory (peak RSS measured), bounded
// time, a clear error, and no credential on stderr or in public/.
const (
	serverMemLimit  = 200 << 20 // peak RSS of a run against any fault
	serverTimeLimit = 20 * time.Second
	user, password  = "ci-reader", "s3cret-Pa55word"
)

// Window end of the runs: the fake's documents fall inside it.
const windowEnd = "2026-11-21T00:00:00Z"

var (
	goodItem = `{"took": 1, "timed_out": false, "_shards": {"total": 1, "successful": 1, "failed": 0},
		"hits": {"hits": [{"_source": {"message": "Timed out waiting for a reply", "@timestamp": "2026-11-20T10:00:00Z", "filename": "job-output.txt",
			"build_uuid": "u1", "build_name": "tempest-full", "build_status": "FAILURE", "log_url": "https://logs.example.org/u1/"}, "sort": [1795168800000]}]},
		"aggregations": {"first": {"value": 1795168800000}, "last": {"value": 1795168800000},
			"builds": {"sum_other_doc_count": 0, "buckets": [{"key": "u1", "doc_count": 1, "first": {"value": 1795168800000}, "last": {"value": 1795168800000},
				"build": {"hits": {"hits": [{"_source": {"build_name": "tempest-full", "build_status": "FAILURE", "project": "openstack/nova"}}]}}}]},
			"hist": {"buckets": [{"key": 1795168800000, "status": {"sum_other_doc_count": 0, "buckets": [{"key": "FAILURE", "builds": {"value": 1}}]}}]}}}`
	absurdItem = `{"_shards": {"failed": 0}, "aggregations": {"first": {"value": 1e300}, "last": {"value": 1e300},
		"builds": {"buckets": [{"key": "u2", "doc_count": -3}]}}}`
	emptySearch = `{"took": 1, "timed_out": false, "_shards": {"total": 1, "successful": 1, "failed": 0}, "hits": {"hits": []},
		"aggregations": {"builds": {"buckets": []}, "last": {"value": 1795168800000}}}`
)

// fake is a search server on 127.0.0.1 that answers well, except where
// fault takes over a request (return true when it answered).
type fake struct {
	*httptest.Server
	requests atomic.Int64
	sent     atomic.Int64 // body bytes the faults wrote
	auths    atomic.Int64 // requests that reached a second server with credentials
}

func newFake(t *testing.T, tls bool, fault func(f *fake, w http.ResponseWriter, r *http.Request) bool) *fake {
	f := &fake{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		// Read the request first: only then does the server notice a client
		// that went away (r.Context ends).
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if fault != nil && fault(f, w, r) {
			return
		}
		answer(w, r, func(string) string { return goodItem })
	})
	if tls {
		f.Server = httptest.NewTLSServer(h)
	} else {
		f.Server = httptest.NewServer(h)
	}
	t.Cleanup(f.Close)
	return f
}

// answer is a well-behaved server's answer: item(query) per query of an
// _msearch, an empty failed-build page, the newest time, a mapping of
// keyword fields.
func answer(w http.ResponseWriter, r *http.Request, item func(query string) string) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/_msearch"):
		var items []string
		sc := bufio.NewScanner(r.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for i := 0; sc.Scan(); i++ {
			if i%2 == 1 {
				items = append(items, item(sc.Text()))
			}
		}
		fmt.Fprintf(w, `{"took": 2, "responses": [%s]}`, strings.Join(items, ","))
	case strings.HasSuffix(r.URL.Path, "/_field_caps"):
		fields := map[string]any{}
		for _, name := range strings.Split(r.URL.Query().Get("fields"), ",") {
			typ := "keyword"
			switch {
			case strings.Contains(name, "*"):
				continue
			case name == "message":
				typ = "text"
			case name == "@timestamp":
				typ = "date"
			}
			fields[name] = map[string]any{typ: map[string]any{"type": typ, "searchable": true, "aggregatable": typ != "text"}}
		}
		json.NewEncoder(w).Encode(map[string]any{"indices": []string{"logstash-2026.11.20"}, "fields": fields})
	default:
		w.Write([]byte(emptySearch))
	}
}

// searchProject is a directory with two queries, run from inside it.
func searchProject(t *testing.T) string {
	dir := t.TempDir()
	q := filepath.Join(dir, "queries")
	os.MkdirAll(q, 0o755)
	os.WriteFile(filepath.Join(q, "rpc.yaml"), []byte("title: RPC timeout\nquery: message:\"Timed out waiting for a reply\"\n"), 0o644)
	os.WriteFile(filepath.Join(q, "odd.yaml"), []byte("title: Odd numbers\nquery: message:\"odd numbers\"\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	return dir
}

func buildAgainst(t *testing.T, dir, url string, extra ...string) result {
	args := append([]string{"build", "--offline", "--backend", "opensearch", "--opensearch-url", url,
		"--window-end", windowEnd, "--echarts", ""}, extra...)
	return run(t, dir, serverTimeLimit+10*time.Second, []string{"RECHECKGEN_OPENSEARCH_USER=" + user, "RECHECKGEN_OPENSEARCH_PASSWORD=" + password}, args...)
}

// hang answers nothing until the client goes (or the test's time is up).
func hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(serverTimeLimit + 10*time.Second):
	}
}

// endless writes chunk until the client goes away or limit bytes went.
func endless(f *fake, w http.ResponseWriter, chunk []byte, limit int64) {
	for f.sent.Load() < limit {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		f.sent.Add(int64(len(chunk)))
	}
}

// jsonGzipBomb is size bytes of JSON (an unending string) in a few MB of
// gzip: one compressed member of 64 MiB repeated, as a gzip stream may be.
func jsonGzipBomb(size int) []byte {
	member := func(write func(w io.Writer)) []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		write(zw)
		zw.Close()
		return buf.Bytes()
	}
	head := member(func(w io.Writer) { w.Write([]byte(`{"responses": [{"hits": {"hits": [{"_source": {"message": "`)) })
	body := member(func(w io.Writer) {
		chunk := bytes.Repeat([]byte("a"), 1<<20)
		for i := 0; i < 64; i++ {
			w.Write(chunk)
		}
	})
	out := head
	for i := 0; i < size/(64<<20); i++ {
		out = append(out, body...)
	}
	return out
}

func TestHostileServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary against a dozen faulty servers")
	}
	bomb := jsonGzipBomb(10 << 30) // 10 GiB of JSON in about 10 MB
	other := newFake(t, false, func(f *fake, w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") != "" {
			f.auths.Add(1)
		}
		return false
	})
	tests := []struct {
		name  string
		tls   bool
		fault func(f *fake, w http.ResponseWriter, r *http.Request) bool
		args  []string
		code  int      // exit status wanted
		want  []string // on stderr
	}{
		{name: "gzip bomb", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_msearch") {
				return false
			}
			w.Header().Set("Content-Encoding", "gzip") // unasked: the client decodes it itself
			n, _ := w.Write(bomb)
			f.sent.Add(int64(n))
			return true
		}, code: 1, want: []string{"nothing published", "response over"}},
		{name: "endless body", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_msearch") {
				return false
			}
			w.Write([]byte(`{"took": 1, "responses": [` + goodItem + `, {"hits": {"hits": [{"_source": {"message": "`))
			endless(f, w, bytes.Repeat([]byte("x"), 64<<10), 8<<30)
			return true
		}, code: 3, want: []string{"query failed", "the answer to query", "response over"}},
		{name: "1 GiB body", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_search") {
				return false
			}
			w.Header().Set("Content-Length", fmt.Sprint(1<<30))
			w.Write([]byte(`{"aggregations": {"builds": {"buckets": [`))
			endless(f, w, bytes.Repeat([]byte(`{"key": {"uuid": "x"}},`), 4096), 1<<30)
			return true
		}, code: 3, want: []string{"query failed: failed builds (the uncategorized page): failed builds, page 1: response over", "built "}},
		{name: "repeated after_key", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_search") {
				return false
			}
			w.Write([]byte(`{"aggregations": {"builds": {"after_key": {"uuid": "b"}, "buckets": [{"key": {"uuid": "b"}, "first": {"value": 1795168800000}}]}}}`))
			return true
		}, code: 3, want: []string{"query failed: failed builds (the uncategorized page)", "handed back an after_key it gave before", "built "}},
		{name: "absurd failed-build time", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_search") || !strings.Contains(readBody(r), "composite") {
				return false
			}
			w.Write([]byte(`{"aggregations": {"builds": {"buckets": [{"key": {"uuid": "b"}, "first": {"value": 1e300}}]}}}`))
			return true
		}, code: 3, want: []string{"query failed: failed builds (the uncategorized page)", "1e+300 is no time", "built "}},
		{name: "echoed Authorization", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_msearch") {
				return false
			}
			reason, _ := json.Marshal(fmt.Sprintf("cannot parse [Authorization: %s] of %s/%s", r.Header.Get("Authorization"), user, password))
			answer(w, r, func(q string) string {
				if strings.Contains(q, "odd numbers") {
					return fmt.Sprintf(`{"error": {"root_cause": [{"type": "parse_exception", "reason": %s}], "type": "parse_exception", "reason": %s}, "status": 400}`, reason, reason)
				}
				return goodItem
			})
			return true
		}, code: 3, want: []string{"query failed", "[Authorization: Basic [redacted]] of [redacted]/[redacted]"}},
		{name: "a newline in a reason", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_msearch") {
				return false
			}
			answer(w, r, func(q string) string {
				if strings.Contains(q, "odd numbers") {
					return `{"error": {"type": "parse_exception", "reason": "bad\n::error title=forged::by the server"}, "status": 400}`
				}
				return goodItem
			})
			return true
		}, code: 3, want: []string{"query failed", "bad␊::error title=forged::by the server"}},
		{name: "cross-port redirect", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
			return true
		}, code: 1, want: []string{"nothing published", "refused: credentials are sent only to the same scheme, host and port"}},
		{name: "https to http redirect", tls: true, fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			http.Redirect(w, r, "http://"+r.Host+r.URL.Path, http.StatusTemporaryRedirect)
			return true
		}, code: 1, want: []string{"nothing published", "refused: credentials are sent only to the same scheme, host and port"}},
		{name: "absurd numbers", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/_msearch") {
				return false
			}
			answer(w, r, func(q string) string {
				if strings.Contains(q, "odd numbers") {
					return absurdItem
				}
				return goodItem
			})
			return true
		}, code: 3, want: []string{"query failed", "odd.yaml", "the server's answer is refused", "1e+300 is no time"}},
		{name: "hang", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			hang(r)
			return true
		}, args: []string{"--timeout", "1s", "--deadline", "3s"}, code: 1, want: []string{"nothing published", "no answer within 1s"}},
		{name: "hang past the deadline", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			hang(r)
			return true
		}, args: []string{"--timeout", "10s", "--deadline", "2s"}, code: 1, want: []string{"nothing published", "the run's deadline passed"}},
		{name: "slowloris", fault: func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			w.Write([]byte(`{"took": 1, `))
			for {
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return true
				case <-time.After(100 * time.Millisecond):
				}
				if _, err := w.Write([]byte(" ")); err != nil {
					return true
				}
			}
		}, args: []string{"--timeout", "2s"}, code: 1, want: []string{"nothing published", "no answer within 2s"}},
	}
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, tt.tls, tt.fault)
			dir := searchProject(t)
			args := tt.args
			if tt.tls {
				ca := filepath.Join(dir, "ca.pem")
				os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)
				args = append(args, "--ca-file", ca)
			}
			r := buildAgainst(t, dir, srv.URL, args...)
			t.Logf("exit %d in %v, peak RSS %d MB, %d requests, %d bytes sent by the fault", r.code, r.elapsed.Round(time.Millisecond), r.maxRSS>>20, srv.requests.Load(), srv.sent.Load())
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "\n::") {
				t.Errorf("a line of stderr starts with \"::\", which a CI log reads as a command:\n%s", r.stderr)
			}
			if r.maxRSS > serverMemLimit {
				t.Errorf("peak RSS %d MB, limit %d MB", r.maxRSS>>20, serverMemLimit>>20)
			}
			if r.elapsed > serverTimeLimit {
				t.Errorf("took %v, limit %v", r.elapsed, serverTimeLimit)
			}
			for _, s := range []string{user, password, basic} {
				if strings.Contains(r.stderr+r.stdout, s) {
					t.Errorf("stderr or stdout holds the secret %q", s)
				}
			}
			filepath.Walk(filepath.Join(dir, "public"), func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					data, _ := os.ReadFile(p)
					for _, s := range []string{user, password, basic} {
						if bytes.Contains(data, []byte(s)) {
							t.Errorf("%s holds the secret %q", p, s)
						}
					}
				}
				return nil
			})
			if tt.code == 3 {
				data, err := os.ReadFile(filepath.Join(dir, "public", "data", "report.json"))
				var rep struct {
					Failed        []string
					Uncategorized struct{ Error string }
				}
				if err != nil || json.Unmarshal(data, &rep) != nil || len(rep.Failed)+min(len(rep.Uncategorized.Error), 1) != 1 {
					t.Errorf("the site was not published with the failed query (or failed-build list) marked: %v %s %q", err, rep.Failed, rep.Uncategorized.Error)
				}
				if rep.Uncategorized.Error != "" {
					page, _ := os.ReadFile(filepath.Join(dir, "public", "uncategorized.html"))
					if !bytes.Contains(page, []byte("could not be listed")) {
						t.Error("the uncategorized page does not say its numbers are unknown")
					}
				}
			}
		})
	}
	if n := other.auths.Load(); n != 0 {
		t.Errorf("credentials reached the other port %d times", n)
	}
}

// readBody reads a request's body and leaves it to be read again.
func readBody(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return string(body)
}
