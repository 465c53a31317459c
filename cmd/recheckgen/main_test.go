package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, newEnv(&out, &errb))
	return code, out.String(), errb.String()
}

func TestHelpTeachesEveryCommand(t *testing.T) {
	code, out, _ := runCmd(t, "--help")
	if code != exitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, "  "+c.name) {
			t.Errorf("--help does not list %s", c.name)
		}
		code, out, _ := runCmd(t, c.name, "--help")
		if code != exitOK || !strings.Contains(out, "Usage: recheckgen "+c.name) {
			t.Errorf("%s --help: exit %d\n%s", c.name, code, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "Usage: recheckgen <command>"},
		{[]string{"chek"}, "unknown command \"chek\""},
		{[]string{"buil"}, "Did you mean `recheckgen build`?"},
		{[]string{"check", "--nope"}, "unknown flag: --nope"},
		{[]string{"check", "--format", "xml"}, "unknown --format \"xml\""},
		{[]string{"check", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		code, out, errOut := runCmd(t, tt.args...)
		if code != exitUsage || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, output %q, want %q", tt.args, code, out+errOut, tt.want)
		}
	}
}

// TestCheck runs check over a small repository with one good and one bad
// query and a runbook, in each output format.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("content/gate.md", "---\ntitle: Gate\n---\n\n## Reading {#reading}\n")
	write("queries/1000001.yaml", "query: >\n  message:\"boom\"\n  AND tags:console\nrunbook: gate.md#reading\n")
	flags := []string{"--queries", filepath.Join(dir, "queries"), "--content", filepath.Join(dir, "content"), "--config", filepath.Join(dir, "none.yaml")}

	code, out, errOut := runCmd(t, append([]string{"check"}, flags...)...)
	if code != exitFail || !strings.Contains(errOut+out, "none.yaml: error: read config") {
		t.Errorf("a named config that is missing must fail: %d %s %s", code, out, errOut)
	}
	flags = flags[:4]
	if code, out, _ := runCmd(t, append([]string{"check", "--config", filepath.Join(dir, "recheckgen.yaml")}, flags...)...); code != exitFail {
		t.Errorf("explicit missing config: exit %d %s", code, out)
	}
	write("recheckgen.yaml", "site:\n  title: t\n")
	flags = append(flags, "--config", filepath.Join(dir, "recheckgen.yaml"))
	if code, out, _ := runCmd(t, append([]string{"check"}, flags...)...); code != exitOK || !strings.Contains(out, "0 error(s), 0 warning(s)") {
		t.Errorf("clean repository: exit %d\n%s", code, out)
	}

	write("queries/1000002.yaml", "query: >\n  message:\"boom\"\n  AND (tags:console\nrunbook: gate.md#readin\n")
	code, out, _ = runCmd(t, append([]string{"check", "--format", "github"}, flags...)...)
	bad := filepath.Join(dir, "queries", "1000002.yaml")
	if code != exitFail ||
		!strings.Contains(out, "::error file="+bad+",line=3,col=7::query: ") ||
		!strings.Contains(out, "::error file="+bad+",line=4,col=10::`runbook`: link \"gate.md#readin\"") {
		t.Errorf("bad query: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, append([]string{"check", "--format", "json"}, flags...)...)
	if code != exitFail || !strings.Contains(out, `"errors": 2`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
	// The README and docs/ beside the config are checked too.
	write("README.md", "# Project\n\nRead [the manual](docs/manual.md#setup).\n")
	write("docs/manual.md", "# Manual\n\n## Set up\n")
	code, out, _ = runCmd(t, append([]string{"check"}, flags...)...)
	if readme := filepath.Join(dir, "README.md"); code != exitFail || !strings.Contains(out, readme+":3:19: error: link \"docs/manual.md#setup\": manual.md has no heading with id `setup`; did you mean `set-up`?") {
		t.Errorf("README link: exit %d\n%s", code, out)
	}
}

// TestRepositoryIsClean: the repository's own queries, runbooks and config
// pass check, as CI requires.
func TestRepositoryIsClean(t *testing.T) {
	wd, _ := os.Getwd()
	root := filepath.Join(wd, "..", "..")
	code, out, errOut := runCmd(t, "check",
		"--config", filepath.Join(root, "recheckgen.yaml"),
		"--queries", filepath.Join(root, "queries"),
		"--content", filepath.Join(root, "content"))
	if code != exitOK {
		t.Errorf("recheckgen check on the repository: exit %d\n%s%s", code, out, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "recheckgen ") || !strings.Contains(out, "go1") {
		t.Errorf("version: %d %q", code, out)
	}
}
