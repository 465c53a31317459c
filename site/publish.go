package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/recheckgen/recheckgen/internal/dirswap"
)

// Marker is the file every site recheckgen writes holds at its top: what
// marks a directory as one recheckgen may replace.
const Marker = ".recheckgen-site"

const markerText = "This directory is a site written by recheckgen; `recheckgen build` replaces it whole.\n"

// PublishOptions tune Publish.
type PublishOptions struct {
	// Protect are paths the build reads: public may not be or hold one.
	Protect []string
	// Waiting, when set, is called when another process is publishing
	// beside public and Publish waits for it.
	Waiting func()
}

// Publish builds the site into a temporary directory beside public and,
// only when build succeeds, swaps it in whole: a failed build leaves the
// previous site untouched, never half-written or empty, and a crash at
// any point leaves either the old site or the new one.
//
// It replaces only what is recognisably a previous site of its own — no
// directory, an empty one (or holding only .gitkeep), or one holding the
// Marker — and refuses any public path that is or contains one of the
// protected paths (the working directory, the config file, the queries,
// the runbooks, the store, the caches). One publisher at a time works beside public:
// another waits.
func Publish(public string, opts PublishOptions, build func(dir string) error) error {
	public, err := filepath.Abs(public)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := checkTarget(public, opts.Protect); err != nil {
		return err
	}
	parent, base := filepath.Dir(public), filepath.Base(public)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	unlock, err := lockDir(parent, opts.Waiting)
	if err != nil {
		return fmt.Errorf("publish: lock %s: %w", parent, err)
	}
	defer unlock()
	prefix := "." + base + "-new-"
	removeLeftovers(parent, prefix)
	tmp, err := os.MkdirTemp(parent, prefix+"*")
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := fill(tmp, build); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := dirswap.Replace(tmp, public); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// fill writes the marker first (so a crash leaves a directory the next
// run knows to remove), then the site, and syncs it to disk before the
// swap makes it visible.
func fill(tmp string, build func(string) error) error {
	if err := os.WriteFile(filepath.Join(tmp, Marker), []byte(markerText), 0o644); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := build(tmp); err != nil {
		return err
	}
	// public/ is committed with only a placeholder; keep it in the output.
	if err := os.WriteFile(filepath.Join(tmp, ".gitkeep"), nil, 0o644); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return syncFS(tmp)
}

// checkTarget refuses a public path that is not a previous site of ours,
// or that would take a protected path with it.
func checkTarget(public string, protect []string) error {
	for _, p := range protect {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		if within(abs, public) {
			return fmt.Errorf("publish: refusing to replace %s: it holds %s, which the build reads", public, p)
		}
	}
	st, err := os.Lstat(public)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("publish: %w", err)
	case st.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("publish: refusing to replace %s: it is a symbolic link (name the directory itself)", public)
	case !st.IsDir():
		return fmt.Errorf("publish: refusing to replace %s: it is a file, not a site recheckgen wrote", public)
	}
	if ok, err := ours(public); err != nil {
		return fmt.Errorf("publish: %w", err)
	} else if !ok {
		return fmt.Errorf("publish: refusing to replace %s: it is not empty and holds no %s, so it is not a site recheckgen wrote (remove it yourself, or name another directory)", public, Marker)
	}
	return nil
}

// within says whether p is dir or inside it.
func within(p, dir string) bool {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// ours recognises a directory recheckgen may replace: empty but for a
// .gitkeep, or holding the marker, or a site of a version before the
// marker (its data/report.json and data/graph.json).
func ours(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	if len(entries) == 0 || (len(entries) == 1 && entries[0].Name() == ".gitkeep") {
		return true, nil
	}
	if st, err := os.Lstat(filepath.Join(dir, Marker)); err == nil && st.Mode().IsRegular() {
		return true, nil
	}
	for _, f := range []string{"data/report.json", "data/graph.json", "index.html"} {
		if st, err := os.Lstat(filepath.Join(dir, f)); err != nil || !st.Mode().IsRegular() {
			return false, nil
		}
	}
	return true, nil
}

// removeLeftovers removes temporary sites that killed runs left beside
// public: only directories with our prefix that hold the marker, which
// Publish writes into them first.
func removeLeftovers(parent, prefix string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		if st, err := os.Lstat(filepath.Join(dir, Marker)); err == nil && st.Mode().IsRegular() {
			os.RemoveAll(dir)
		}
	}
}
