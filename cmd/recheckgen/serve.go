package main

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/config"
	"github.com/spf13/pflag"
)

var serveCmd = &command{
	name:    "serve",
	summary: "preview public/ on 127.0.0.1, rebuilding on change",
	usage:   "[--addr 127.0.0.1:8000] [flags]",
	help: `
Serve builds the site, serves public/ on a local address, and builds it again
whenever a query, a runbook, the theme or the config changes, so you can
write a runbook or a query and see its page at once. Links are relative, so
the preview behaves like the published site.

Examples:
  recheckgen serve
  recheckgen serve --addr 127.0.0.1:9000 --window 3d
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		addr := fs.String("addr", "127.0.0.1:8000", "address to listen on")
		poll := fs.Duration("poll", time.Second, "how often to look for changes")
		load := configFlags(fs)
		return func(args []string, e *env) int {
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			ctx, stop := interruptible()
			defer stop()
			ln, err := net.Listen("tcp", *addr)
			if err != nil {
				fmt.Fprintf(e.stderr, "recheckgen serve: %v\n", err)
				return exitFail
			}
			if !loopback(ln.Addr()) {
				fmt.Fprintf(e.stderr, "warning: serving on %s, which other machines can reach: serve is a preview, not a web server\n", ln.Addr())
			}
			return serve(ctx, cfg, ln, *poll, e)
		}
	},
}

// serve builds, then serves until ctx ends, rebuilding on change. A build
// that fails keeps the previous site on show.
func serve(ctx context.Context, cfg *config.Config, ln net.Listener, poll time.Duration, e *env) int {
	build(ctx, cfg, e)
	srv := &http.Server{Handler: siteHandler(cfg.Dirs.Public), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(e.stderr, "serving %s on http://%s/ (Ctrl-C to stop)\n", cfg.Dirs.Public, ln.Addr())
	watched := []string{cfg.Dirs.Queries, cfg.Dirs.Content, cfg.Dirs.Theme, cfg.File}
	last := newest(watched)
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(shut)
			return exitOK
		case <-tick.C:
			if t := newest(watched); t.After(last) {
				last = t
				fmt.Fprintln(e.stderr, "change seen: rebuilding")
				build(ctx, cfg, e)
			}
		}
	}
}

// siteHandler serves dir, with its 404.html for missing pages. It opens
// dir by name on every request, so a rebuild's swap shows at once, and
// reads through an os.Root, so no path or link leads out of it.
func siteHandler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		root, err := os.OpenRoot(dir)
		if err != nil {
			http.Error(w, "no site built yet", http.StatusServiceUnavailable)
			return
		}
		defer root.Close()
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if _, err := root.Stat(name); err != nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			if data, err := root.ReadFile("404.html"); err == nil {
				w.Write(data)
			}
			return
		}
		http.FileServerFS(root.FS()).ServeHTTP(w, r)
	})
}

// loopback says whether a listener's address is reachable from this
// machine only.
func loopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// newest is the latest modification time of any file under paths.
func newest(paths []string) time.Time {
	var t time.Time
	for _, root := range paths {
		if root == "" {
			continue
		}
		filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if info, err := d.Info(); err == nil && info.ModTime().After(t) {
				t = info.ModTime()
			}
			return nil
		})
	}
	return t
}
