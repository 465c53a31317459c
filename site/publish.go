package site

import (
	"fmt"
	"os"
	"path/filepath"
)

// Publish builds the site into a temporary directory beside public and,
// only when build succeeds, swaps it in whole: a failed build leaves the
// previous site untouched, never half-written or empty.
func Publish(public string, build func(dir string) error) error {
	parent := filepath.Dir(filepath.Clean(public))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".public-new-*")
	if err != nil {
		return err
	}
	if err := build(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	// public/ is committed with only a placeholder; keep it in the output.
	if err := os.WriteFile(filepath.Join(tmp, ".gitkeep"), nil, 0o644); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	old := ""
	if _, err := os.Stat(public); err == nil {
		old = tmp + ".old"
		if err := os.Rename(public, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("publish: %w", err)
		}
	}
	if err := os.Rename(tmp, public); err != nil {
		if old != "" {
			os.Rename(old, public) // put the previous site back
		}
		os.RemoveAll(tmp)
		return fmt.Errorf("publish: %w", err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}
