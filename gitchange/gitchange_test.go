package gitchange

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFiles: the query files a branch adds or changes since its merge base
// with the base, untracked ones too; a base git would read as an option
// is refused before git runs.
func TestFiles(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("init", "-q", "-b", "main")
	write("queries/old.yaml", "query: a\n")
	write("queries/same.yaml", "query: b\n")
	run("add", ".")
	run("commit", "-q", "-m", "base")
	run("checkout", "-q", "-b", "topic")
	write("queries/old.yaml", "query: changed\n")
	write("queries/new.yaml", "query: new\n")
	write("content/page.md", "# not a query\n")
	run("add", "queries/old.yaml", "content/page.md")
	run("commit", "-q", "-m", "topic")
	write("queries/untracked.yaml", "query: u\n")

	t.Chdir(dir)
	got, err := Files(context.Background(), "main", "queries")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"queries/new.yaml", "queries/old.yaml", "queries/untracked.yaml"}; !slices.Equal(got, want) {
		t.Errorf("Files = %v, want %v", got, want)
	}
	out := filepath.Join(t.TempDir(), "written")
	for _, base := range []string{"--output=" + out, "-p", ""} {
		if _, err := Files(context.Background(), base, "queries"); err == nil || !strings.Contains(err.Error(), "is not a branch, tag or commit") {
			t.Errorf("base %q: %v", base, err)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("git wrote %s", out)
	}
}
