package config

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestPublishKeepsStoreAndCache: the scheduled workflow restores the log
// store (with its index, WAL and lock files) and the fetch cache, at
// their default paths, before the build, from the newest entry saved
// under the same key prefix, and saves them after it even when it failed,
// so each run fetches only what finished since the last one.
func TestPublishKeepsStoreAndCache(t *testing.T) {
	data, err := os.ReadFile("../.github/workflows/publish.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name, Uses, Run, If string
				With                map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	steps := wf.Jobs["build"].Steps
	restore, build, save := -1, -1, -1
	for i, s := range steps {
		switch {
		case strings.HasPrefix(s.Uses, "actions/cache/restore@"):
			restore = i
		case strings.HasPrefix(s.Uses, "actions/cache/save@"):
			save = i
		case strings.Contains(s.Run, "go run ./cmd/recheckgen build"):
			build = i
		}
	}
	if restore < 0 || build < 0 || save < 0 || !(restore < build && build < save) {
		t.Fatalf("steps: restore %d, build %d, save %d: want the cache restored before the build and saved after it", restore, build, save)
	}
	def := Default()
	want := []string{def.SQLite.Path + "*", def.Fetch.Cache}
	for _, i := range []int{restore, save} {
		paths := strings.Fields(steps[i].With["path"])
		for _, p := range want {
			if !slices.Contains(paths, p) {
				t.Errorf("%s: path %q lacks %s", steps[i].Name, paths, p)
			}
		}
	}
	r, s := steps[restore].With, steps[save].With
	prefix := r["restore-keys"]
	if r["key"] != s["key"] || prefix == "" || !strings.HasPrefix(s["key"], strings.TrimSpace(prefix)) || !strings.Contains(s["key"], "${{ github.run_id }}") {
		t.Errorf("keys: restore %q (restore-keys %q), save %q: want a new key per run, restored by its prefix", r["key"], prefix, s["key"])
	}
	if steps[save].If != "always()" {
		t.Errorf("the save step runs if %q: want always(), so a failed build's fetch is kept", steps[save].If)
	}
}
