package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen/internal/opensearchtest"
)

// TestBuildWithOpenSearch: the same build command against an
// OpenSearch-compatible server (a replay on 127.0.0.1) publishes the site,
// and the credentials named in the config never reach public/.
func TestBuildWithOpenSearch(t *testing.T) {
	var sawAuth bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		sawAuth = sawAuth || (ok && user == "ci-reader" && pass == "s3cret-value")
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.HasSuffix(r.URL.Path, "/_field_caps"):
			w.Write([]byte(`{"indices": ["logstash-2026.11.20"], "fields": {"message": {"text": {"type": "text", "aggregatable": false}},
				"@timestamp": {"date": {"type": "date", "aggregatable": true}}, "build_uuid": {"keyword": {"type": "keyword", "aggregatable": true}},
				"build_status": {"keyword": {"type": "keyword", "aggregatable": true}}, "voting": {"keyword": {"type": "keyword", "aggregatable": true}}}}`))
		case strings.HasSuffix(r.URL.Path, "/_msearch"):
			n := 0
			for sc := bufio.NewScanner(strings.NewReader(string(body))); sc.Scan(); n++ {
			}
			items := make([]string, n/2)
			for i := range items {
				items[i] = `{"hits": {"hits": [{"_source": {"message": "Timed out waiting for a reply", "@timestamp": "2026-11-20T10:00:00Z", "filename": "job-output.txt",
					"build_uuid": "u1", "build_name": "tempest-full-py3", "build_status": "FAILURE", "log_url": "https://logs.example.org/u1/"}}]},
					"aggregations": {"first": {"value": 1795168800000}, "last": {"value": 1795168800000},
					"builds": {"buckets": [{"key": "u1", "doc_count": 1, "first": {"value": 1795168800000}, "last": {"value": 1795168800000},
						"build": {"hits": {"hits": [{"_source": {"build_name": "tempest-full-py3", "build_status": "FAILURE", "project": "openstack/nova"}}]}}}]},
					"hist": {"buckets": [{"key": 1795168800000, "status": {"buckets": [{"key": "FAILURE", "builds": {"value": 1}}]}}]}}}`
			}
			w.Write([]byte(`{"responses": [` + strings.Join(items, ",") + `]}`))
		default:
			w.Write([]byte(`{"aggregations": {"builds": {"buckets": []}, "last": {"value": 1795168800000}}}`))
		}
	}))
	defer srv.Close()
	tmp := t.TempDir()
	queries, public := filepath.Join(tmp, "queries"), filepath.Join(tmp, "public")
	os.MkdirAll(queries, 0o755)
	os.WriteFile(filepath.Join(queries, "rpc.yaml"), []byte("title: RPC timeout\nquery: message:\"Timed out waiting for a reply\"\n"), 0o644)
	t.Setenv("RECHECKGEN_OPENSEARCH_USER", "ci-reader")
	t.Setenv("RECHECKGEN_OPENSEARCH_PASSWORD", "s3cret-value")
	code, _, errOut := runCmd(t, "build", "--offline", "--config", filepath.Join(tmp, "none.yaml"), "--backend", "opensearch", "--opensearch-url", srv.URL,
		"--window-end", "2026-11-21T00:00:00Z", "--queries", queries, "--content", filepath.Join(tmp, "none"), "--public", public, "--echarts", "")
	if code != exitFail || !strings.Contains(errOut, "read config") {
		t.Fatalf("a named config that is missing must fail first: %d %s", code, errOut)
	}
	code, _, errOut = runCmd(t, "build", "--offline", "--backend", "opensearch", "--opensearch-url", srv.URL,
		"--window-end", "2026-11-21T00:00:00Z", "--queries", queries, "--content", filepath.Join(tmp, "none"), "--public", public, "--echarts", "")
	if code != exitOK {
		t.Fatalf("build: exit %d\n%s", code, errOut)
	}
	page, err := os.ReadFile(filepath.Join(public, "bugs", "rpc.html"))
	if err != nil || !strings.Contains(string(page), "tempest-full-py3") || !strings.Contains(string(page), "https://logs.example.org/u1/job-output.txt") {
		t.Errorf("bug page from OpenSearch: %v", err)
	}
	if !sawAuth {
		t.Error("the server never saw the credentials from the environment")
	}
	filepath.Walk(public, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(p)
			if strings.Contains(string(data), "s3cret-value") || strings.Contains(string(data), "ci-reader") {
				t.Errorf("%s holds a credential", p)
			}
		}
		return nil
	})
}

// TestIngestToClusterAndExplain: ingest --to opensearch fills a cluster
// (the replay server) and a second run finds it whole; explain --backend
// opensearch shows the names discovery chose.
func TestIngestToClusterAndExplain(t *testing.T) {
	srv := opensearchtest.New(t)
	tmp := t.TempDir()
	args := []string{"ingest", "--to", "opensearch", "--opensearch-url", srv.URL, "--db", filepath.Join(tmp, "logs.db"), smallCorpus(t)}
	code, out, errOut := runCmd(t, args...)
	if code != exitOK || !strings.Contains(out, "wrote 2 build(s)") || srv.Docs("logstash-logs-*") == 0 {
		t.Fatalf("ingest --to opensearch: %d\n%s\n%s", code, out, errOut)
	}
	docs := srv.Docs("logstash-logs-*")
	code, out, _ = runCmd(t, args...)
	if code != exitOK || !strings.Contains(out, "wrote 0 build(s), 0 document(s)") || !strings.Contains(out, "2 build(s) already there") || srv.Docs("logstash-logs-*") != docs {
		t.Errorf("second ingest: %d\n%s", code, out)
	}
	code, out, errOut = runCmd(t, "explain", "--backend", "opensearch", "--opensearch-url", srv.URL, `project:"openstack/nova"`)
	if code != exitOK || !strings.Contains(out, "field names:") || !regexp.MustCompile(`build_uuid\s+build_uuid\s+build_uuid\s+keyword`).MatchString(out) ||
		!strings.Contains(out, `"project:\"openstack/nova\""`) {
		t.Errorf("explain: %d\n%s\n%s", code, out, errOut)
	}
}

// TestCheckBackend: check --backend opensearch connects, reads the
// mapping, reports the newest document, and reports at its file the query
// the server rejects (a word on a number field), exit 1; with every query
// runnable, exit 0.
func TestCheckBackend(t *testing.T) {
	srv := opensearchtest.New(t)
	tmp := t.TempDir()
	if code, out, errOut := runCmd(t, "ingest", "--to", "opensearch", "--opensearch-url", srv.URL, "--db", filepath.Join(tmp, "logs.db"), smallCorpus(t)); code != exitOK {
		t.Fatalf("ingest: %d %s %s", code, out, errOut)
	}
	queries := filepath.Join(tmp, "queries")
	os.MkdirAll(queries, 0o755)
	os.WriteFile(filepath.Join(queries, "ok.yaml"), []byte("title: fine\nquery: message:error\n"), 0o644)
	args := []string{"check", "--backend", "opensearch", "--opensearch-url", srv.URL, "--queries", queries, "--content", filepath.Join(tmp, "none")}
	code, out, errOut := runCmd(t, args...)
	if code != exitOK || !strings.Contains(errOut, "backend: OpenSearch 2.11.1 at "+srv.URL) || !strings.Contains(errOut, "newest document 20") ||
		!strings.Contains(errOut, "backend: 1 of 1 queries ran") || !regexp.MustCompile(`logstash-\* matches [1-9][0-9]* indices\n`).MatchString(errOut) {
		t.Errorf("check --backend: %d\n%s\n%s", code, out, errOut)
	}
	// Without discovery nothing counts the indices: it says so, not "0".
	undiscovered := filepath.Join(tmp, "undiscovered.yaml")
	os.WriteFile(undiscovered, []byte("backend:\n  opensearch:\n    discover: false\n"), 0o644)
	code, out, errOut = runCmd(t, append(slices.Clone(args), "--config", undiscovered)...)
	if code != exitOK || strings.Contains(errOut, "0 indices") || !strings.Contains(errOut, "indices not counted: backend.opensearch.discover is off") {
		t.Errorf("check --backend, discover off: %d\n%s\n%s", code, out, errOut)
	}
	os.WriteFile(filepath.Join(queries, "bad.yaml"), []byte("title: a word on a number\nquery: build_change:abc\n"), 0o644)
	code, out, errOut = runCmd(t, args...)
	if code != exitFail || !strings.Contains(out, "bad.yaml") || !strings.Contains(out, `the server rejected the query (400): search_phase_execution_exception: all shards failed (failed to create query: For input string: "abc")`) {
		t.Errorf("check --backend, a rejected query: %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runCmd(t, "check", "--backend", "opensearch", "--opensearch-url", srv.URL, "--index", "nothing-*", "--queries", queries, "--content", filepath.Join(tmp, "none"))
	if code != exitFail {
		t.Errorf("an index pattern matching nothing: %d %s", code, errOut)
	}
	// Credentials the cluster refuses (its security plugin's 401) are named
	// at the first request, before any query runs.
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("WWW-Authenticate", `Basic realm="OpenSearch Security"`)
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("Unauthorized"))
		return true
	}
	t.Setenv("RECHECKGEN_TEST_USER", "bob")
	t.Setenv("RECHECKGEN_TEST_PASSWORD", "not-his-password")
	code, out, errOut = runCmd(t, append(args, "--user-env", "RECHECKGEN_TEST_USER", "--password-env", "RECHECKGEN_TEST_PASSWORD")...)
	if code != exitFail || !strings.Contains(out+errOut, "connect: server answered 401 Unauthorized") || strings.Contains(out+errOut, "not-his-password") ||
		strings.Contains(out+errOut, "queries ran") {
		t.Errorf("credentials refused: %d\n%s\n%s", code, out, errOut)
	}
}

// TestSiteFromCluster: the site built from a cluster that ingest --to
// opensearch filled reports what the site built from the store reports
// (data/report.json, less what documents cannot know: line numbers, build
// start and end times, the newest build's end, test results).
func TestSiteFromCluster(t *testing.T) {
	srv := opensearchtest.New(t)
	tmp := t.TempDir()
	corpus, db := smallCorpus(t), filepath.Join(tmp, "logs.db")
	if code, out, errOut := runCmd(t, "ingest", "--to", "opensearch", "--opensearch-url", srv.URL, "--db", db, corpus); code != exitOK {
		t.Fatalf("ingest: %d %s %s", code, out, errOut)
	}
	queries := filepath.Join(tmp, "queries")
	os.MkdirAll(queries, 0o755)
	os.WriteFile(filepath.Join(queries, "boom.yaml"), []byte("title: Boom\nquery: message:boom AND build_name:tempest-full-py3\n"), 0o644)
	os.WriteFile(filepath.Join(queries, "good.yaml"), []byte("title: Good\nquery: message:\"all good\" AND project:\"openstack/nova\"\n"), 0o644)
	common := []string{"build", "--offline", "--window-end", "2026-11-21T00:00:00Z", "--queries", queries, "--content", filepath.Join(tmp, "none"), "--echarts", ""}
	reports := map[string]map[string]any{}
	for name, extra := range map[string][]string{
		"store":   {"--db", db, "--sample", "", "--public", filepath.Join(tmp, "public-store")},
		"cluster": {"--backend", "opensearch", "--opensearch-url", srv.URL, "--public", filepath.Join(tmp, "public-cluster")},
	} {
		code, _, errOut := runCmd(t, append(common, extra...)...)
		if code != exitOK {
			t.Fatalf("%s build: %d %s", name, code, errOut)
		}
		data, _ := os.ReadFile(filepath.Join(tmp, "public-"+name, "data", "report.json"))
		var rep map[string]any
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		// Known differences, documented: the freshness line (the store's
		// newest build end, the cluster's newest line) and the test results
		// (the store reads them from the logs; the OpenSearch backend does not),
		// and triage (it reads whole builds, which only the store hands over).
		for _, k := range []string{"generated", "freshness", "tests_known", "triage"} {
			delete(rep, k)
		}
		for _, b := range rep["bugs"].([]any) {
			for _, h := range b.(map[string]any)["recent"].([]any) {
				hit := h.(map[string]any)
				delete(hit, "line")
				delete(hit["build"].(map[string]any), "start")
				delete(hit["build"].(map[string]any), "end")
			}
		}
		for _, j := range rep["uncategorized"].(map[string]any)["jobs"].([]any) {
			for _, b := range j.(map[string]any)["builds"].([]any) {
				delete(b.(map[string]any), "start")
				delete(b.(map[string]any), "end")
			}
		}
		reports[name] = rep
		// The cluster's site says why it has no groups; the store's has them.
		page, _ := os.ReadFile(filepath.Join(tmp, "public-"+name, "uncategorized.html"))
		if got, want := strings.Contains(string(page), `id="no-groups"`), name == "cluster"; got != want {
			t.Errorf("%s: uncategorized.html says triage did not run: %v, want %v", name, got, want)
		}
	}
	a, _ := json.MarshalIndent(reports["store"], "", " ")
	b, _ := json.MarshalIndent(reports["cluster"], "", " ")
	if string(a) != string(b) {
		if d := os.Getenv("RECHECKGEN_CONTRACT_DUMP"); d != "" {
			os.WriteFile(filepath.Join(d, "site-store.json"), a, 0o644)
			os.WriteFile(filepath.Join(d, "site-cluster.json"), b, 0o644)
		}
		t.Errorf("reports differ:\n--- store\n%s\n--- cluster\n%s", a, b)
	}
	if !strings.Contains(string(a), `"fails": 1`) {
		t.Errorf("nothing matched: %s", a)
	}
}
