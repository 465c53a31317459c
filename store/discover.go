package store

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Warning is a problem with one input that was skipped or repaired.
type Warning struct {
	Path string
	Msg  string
}

func (w Warning) String() string { return w.Path + ": " + w.Msg }

// discover walks dirs for build directories: directories holding a
// build.json. A directory holding log files but no build.json is reported.
func discover(dirs []string) (builds []string, warns []Warning, err error) {
	for _, root := range dirs {
		st, err := os.Stat(root)
		if err != nil {
			return nil, nil, fmt.Errorf("ingest %s: %w", root, err)
		}
		if !st.IsDir() {
			return nil, nil, fmt.Errorf("ingest %s: not a directory", root)
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				warns = append(warns, Warning{p, err.Error()})
				return nil
			}
			if !d.IsDir() {
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") && p != root {
				return filepath.SkipDir
			}
			if exists(filepath.Join(p, "build.json")) {
				builds = append(builds, p)
				return filepath.SkipDir
			}
			if exists(filepath.Join(p, "job-output.txt")) || exists(filepath.Join(p, "job-output.txt.gz")) || exists(filepath.Join(p, "console.html")) {
				warns = append(warns, Warning{p, "has CI logs but no build.json: skipped"})
				return filepath.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("ingest %s: %w", root, err)
		}
	}
	sort.Strings(builds)
	return builds, warns, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// logFiles lists the files of build directory dir matching globs, as
// sorted slash paths relative to dir. A matching entry that is a link or
// not a regular file is listed too, for the reader to refuse by name (see
// rootfile); a directory that cannot be read is a warning.
func logFiles(dir string, globs []string) (files, unmatched []string, warns []Warning, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			warns = append(warns, Warning{p, "not read: " + errText(err)})
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		name := strings.TrimSuffix(rel, ".gz")
		for _, g := range globs {
			if ok, _ := doublestar.Match(g, name); ok {
				files = append(files, rel)
				return nil
			}
		}
		if rel != "build.json" {
			unmatched = append(unmatched, rel)
		}
		return nil
	})
	sort.Strings(files)
	sort.Strings(unmatched)
	return files, unmatched, warns, err
}

// ValidateGlobs reports the first malformed pattern. Patterns match slash
// paths inside a build directory with any .gz suffix removed.
func ValidateGlobs(globs []string) error {
	if len(globs) == 0 {
		return fmt.Errorf("no log file patterns: nothing would be read")
	}
	for _, g := range globs {
		if !doublestar.ValidatePattern(g) {
			return fmt.Errorf("invalid log file pattern %q", g)
		}
	}
	return nil
}
