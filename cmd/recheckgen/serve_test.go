package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/config"
)

// TestServe builds a small site, serves it on 127.0.0.1, shows the 404
// page for a missing path, and rebuilds when a query file changes.
func TestServe(t *testing.T) {
	tmp := t.TempDir()
	cfg := config.Default()
	cfg.Dirs.Queries, cfg.Dirs.Content, cfg.Dirs.Public = filepath.Join(tmp, "queries"), filepath.Join(tmp, "content"), filepath.Join(tmp, "public")
	cfg.SQLite.Path, cfg.SQLite.Ingest, cfg.Site.ECharts = filepath.Join(tmp, "logs.db"), []string{smallCorpus(t)}, ""
	cfg.Window.End = "2026-11-21T00:00:00Z"
	cfg.Tracker.Offline = true
	os.MkdirAll(cfg.Dirs.Queries, 0o755)
	os.WriteFile(filepath.Join(cfg.Dirs.Queries, "boom.yaml"), []byte("title: Boom\nquery: message:boom\n"), 0o644)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out, errOut strings.Builder
	go func() {
		done <- serve(ctx, cfg, ln, 50*time.Millisecond, newEnv(&out, &syncWriter{w: &errOut}))
	}()
	base := "http://" + ln.Addr().String()
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	waitFor := func(path, want string) {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if code, body := get(path); code == 200 && strings.Contains(body, want) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s never showed %q", path, want)
	}
	waitFor("/bugs/boom.html", "Boom")
	if code, body := get("/nope.html"); code != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("missing page: %d", code)
	}
	time.Sleep(20 * time.Millisecond)
	os.WriteFile(filepath.Join(cfg.Dirs.Queries, "boom.yaml"), []byte("title: Boom again\nquery: message:boom\n"), 0o644)
	os.Chtimes(filepath.Join(cfg.Dirs.Queries, "boom.yaml"), time.Now().Add(time.Second), time.Now().Add(time.Second))
	waitFor("/bugs/boom.html", "Boom again")
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("serve exit %d", code)
	}
}
