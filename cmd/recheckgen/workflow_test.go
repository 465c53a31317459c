package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// TestCheckWorkflowDryRun runs the dry-run step of .github/workflows/
// check.yml as the runner would (bash, the step's environment), with a
// `go` on PATH that records its arguments and prints a summary: the step
// writes that summary into the job summary, runs on pull requests even
// when `recheckgen check` failed before it (its numbers are what a
// reviewer of a broken query needs too), and passes only flags the dry-run
// command defines, on the sample store and on a configured backend.
func TestCheckWorkflowDryRun(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "check.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name, If, Run string
			}
		}
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	var script, cond string
	for _, s := range wf.Jobs["check"].Steps {
		if strings.Contains(s.Run, "dry-run") {
			script, cond = s.Run, s.If
		}
	}
	if script == "" {
		t.Fatal("check.yml has no dry-run step")
	}
	if !strings.Contains(cond, "github.event_name == 'pull_request'") || !strings.Contains(cond, "!cancelled()") {
		t.Errorf("dry-run step runs if %q: want pull requests, whether or not check passed (!cancelled())", cond)
	}

	bin := t.TempDir()
	argsFile := filepath.Join(t.TempDir(), "args")
	os.WriteFile(filepath.Join(bin, "go"), []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+argsFile+"\necho '## Dry run of the changed queries'\n"), 0o755)
	for _, c := range []struct {
		name string
		env  []string
		want []string
	}{
		{"sample store", nil, []string{"--base", "origin/main", "--format", "markdown"}},
		{"configured backend", []string{"RECHECKGEN_BACKEND=opensearch", "RECHECKGEN_OPENSEARCH_URL=https://search.example.org", "RECHECKGEN_OPENSEARCH_INDEX=logstash-*"},
			[]string{"--base", "origin/main", "--format", "markdown", "--backend", "opensearch", "--window-end", "now", "--opensearch-url", "https://search.example.org", "--index", "logstash-*"}},
	} {
		summary := filepath.Join(t.TempDir(), "summary.md")
		cmd := exec.Command("bash", "-e", "-c", script)
		cmd.Env = append([]string{"PATH=" + bin + ":/usr/bin:/bin", "BASE_REF=main", "GITHUB_STEP_SUMMARY=" + summary}, c.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: the step failed: %v\n%s", c.name, err, out)
			continue
		}
		if s, _ := os.ReadFile(summary); !strings.Contains(string(s), "## Dry run of the changed queries") {
			t.Errorf("%s: the job summary holds %q", c.name, s)
		}
		recorded, _ := os.ReadFile(argsFile)
		args := strings.Split(strings.TrimSuffix(string(recorded), "\n"), "\n")
		if len(args) < 3 || args[0] != "run" || args[1] != "./cmd/recheckgen" || args[2] != "dry-run" {
			t.Errorf("%s: go %q", c.name, args)
			continue
		}
		if !slices.Equal(args[3:], c.want) {
			t.Errorf("%s: dry-run %q, want %q", c.name, args[3:], c.want)
		}
		fs := pflag.NewFlagSet("dry-run", pflag.ContinueOnError)
		dryRunCmd.setup(fs)
		if err := fs.Parse(args[3:]); err != nil {
			t.Errorf("%s: dry-run refuses the workflow's flags: %v", c.name, err)
		}
	}
}
