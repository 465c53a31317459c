package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckStoreRunnable: when the build's backend is the embedded store,
// plain check names at its line and column a query the store cannot run
// (the build would drop it), and exits 1; a backend that runs it (a
// server, by config or by --backend) is not held to the store's limits.
func TestCheckStoreRunnable(t *testing.T) {
	dir := t.TempDir()
	queries := filepath.Join(dir, "queries")
	if err := os.MkdirAll(queries, 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(queries, "1000003.yaml")
	os.WriteFile(bad, []byte("title: intersection\nquery: >-\n  tags:console AND\n  message:/a&b/\n"), 0o644)
	os.WriteFile(filepath.Join(queries, "1000004.yaml"), []byte("title: fine\nquery: message:/err.r/\n"), 0o644)
	args := []string{"check", "--queries", queries, "--content", filepath.Join(dir, "none")}

	code, out, errOut := runCmd(t, args...)
	want := bad + ":4:3: error: query: the embedded store cannot run regular expression /a&b/"
	if code != exitFail || !strings.Contains(out, want) || strings.Contains(out, "1000004") {
		t.Errorf("plain check: exit %d, want 1 and %q\n%s%s", code, want, out, errOut)
	}
	cfg := filepath.Join(dir, "recheckgen.yaml")
	os.WriteFile(cfg, []byte("backend:\n  type: opensearch\n  opensearch:\n    urls: [\"https://search.example.org\"]\n"), 0o644)
	if code, out, errOut := runCmd(t, append(args, "--config", cfg)...); code != exitOK || strings.Contains(out, "1000003") {
		t.Errorf("check with an OpenSearch backend configured: exit %d\n%s%s", code, out, errOut)
	}
	// --backend names the backend before the queries load: only the
	// server's own answer (here, none: nothing listens) can fail them.
	code, out, errOut = runCmd(t, append(args, "--backend", "opensearch", "--opensearch-url", "http://127.0.0.1:1")...)
	if code != exitFail || strings.Contains(out, "embedded store") || !strings.Contains(out, "(backend opensearch): error: connect") {
		t.Errorf("check --backend opensearch: exit %d\n%s%s", code, out, errOut)
	}
}
